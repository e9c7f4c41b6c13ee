"""Plots a screen reader can name and a reader can read (issue 12).

Static checks on the built site: every plot is an image (`role="img"`) with
a <title> and a <desc> it is labelled by, its ids unique on the page; the
gallery's panels are titled in words and link to their pages; the
notebook's figure has a description, not nbconvert's placeholder.
In the browser: the gallery's smallest text at a desktop and a phone width,
the notebook's figure in the dark palette, the contrast of its code.
"""

from __future__ import annotations

import io
import posixpath
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from sitebuild import ROOT, html_of, nav_pages
from sitekit.catalogue import elementwise_names
from sitekit.plots import page_title

# The browser and the server of the site, as the browser tests start them.
from test_browser import browser, palette_settled, server, url_of  # noqa: F401

NBCONVERT_ALT = "No description has been provided for this image"
MIN_TEXT_PX = 11.0  # the gallery's text, at a 1280 px and a 390 px wide window
MIN_CONTRAST = 4.5  # WCAG AA, normal text: notebook code against its cell


# -- The built HTML as a tree ------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.text = ""

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)

    def inside(self, predicate) -> bool:
        node = self.parent
        while node is not None:
            if predicate(node):
                return True
            node = node.parent
        return False


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.open = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.open)
        self.open.children.append(node)
        if tag not in VOID:
            self.open = node

    def handle_startendtag(self, tag, attrs):
        self.open.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.open))

    def handle_endtag(self, tag):
        node = self.open
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.open = node.parent

    def handle_data(self, data):
        self.open.text += data


def tree(text: str) -> Node:
    parser = _Tree()
    parser.feed(text)
    parser.close()
    return parser.root


def plots_in(root: Node) -> list[Node]:
    """The figures the site draws: SVGs in a `.bc-plot`, and the SVGs the
    notebook's cells output."""
    return [node for node in root.walk() if node.tag == "svg" and node.inside(
        lambda n: "bc-plot" in n.classes() or "jp-OutputArea-output" in n.classes())]


# -- Static checks of the built site -------------------------------------------

def _parsed(page: str):
    """The page as a parameter on one pytest-xdist worker (a group per page),
    so each page is parsed once for every static check that reads it."""
    return pytest.param(page, marks=pytest.mark.xdist_group(f"plots:{page}"), id=page)


@pytest.fixture(scope="module", params=[_parsed(page) for page in nav_pages()])
def page_tree(request, site):
    """A built page's tree, parsed once: module scope makes pytest run the
    page's tests back to back, and drops the tree before the next page's."""
    return request.param, tree(html_of(site, request.param))


def test_the_site_draws_its_plots(page_tree):
    """The checks below look at something: each `print(plot_…(` of a page's
    source is a plot on the built page, the gallery has a panel per
    activation, the notebook a figure."""
    page, root = page_tree
    drawn = len(plots_in(root))
    if page == "activations/gallery.md":
        assert drawn == len(elementwise_names()), f"{page}: {drawn} panels"
    elif page.endswith(".ipynb"):
        # A notebook draws where its source (sitekit/notebooks/) shows a figure.
        source = next(path for path in (ROOT / "sitekit" / "notebooks").glob("*.md")
                      if path.read_text(encoding="utf-8").startswith(f"<!-- docs/{page} -->"))
        calls = len(re.findall(r"display\(HTML\(svg_for_the_web\(", source.read_text(encoding="utf-8")))
        assert drawn == calls, f"{page}: {calls} figures in {source.name}, {drawn} on the page"
    else:
        calls = len(re.findall(r"print\(plot_\w+\(", (ROOT / "docs" / page).read_text(encoding="utf-8")))
        assert drawn == calls, f"{page}: {calls} plots in the source, {drawn} on the page"


def test_every_plot_is_a_named_and_described_image(page_tree):
    page, root = page_tree
    ids = [node.attrs["id"] for node in root.walk() if "id" in node.attrs]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    by_id = {node.attrs["id"]: node for node in root.walk() if "id" in node.attrs}
    for number, svg in enumerate(plots_in(root), start=1):
        where = f"{page}, plot {number}"
        assert svg.attrs.get("role") == "img", f"{where}: no role=img"
        first = [child.tag for child in svg.children[:2]]
        assert first == ["title", "desc"], f"{where}: its first elements are {first}"
        title, desc = (child.all_text().strip() for child in svg.children[:2])
        assert title and desc, f"{where}: empty title or desc"
        labelled_by = svg.attrs.get("aria-labelledby", "").split()
        assert labelled_by, f"{where}: no aria-labelledby"
        for ref in labelled_by:
            assert ref in by_id, f"{where}: aria-labelledby names {ref!r}, which no element has"
            assert by_id[ref].inside(lambda n: n is svg), f"{where}: {ref!r} is outside the plot"
        labels = {by_id[ref].tag for ref in labelled_by}
        assert labels == {"title", "desc"}, f"{where}: labelled by {labelled_by}"
        twice = sorted({node.attrs["id"] for node in svg.walk() if "id" in node.attrs} & set(repeated))
        assert not twice, f"{where}: ids used twice on the page: {twice[:5]}"


FUNCTION_PAGES = [f"activations/{name}.md" for name in elementwise_names()]


@pytest.mark.parametrize("page", FUNCTION_PAGES)
def test_plot_titles_name_the_function_and_desc_reads_the_data(site, page):
    """The first plot of a function page is its f and f′: the title names
    the function in words, the description its curves, x range, y range."""
    name = posixpath.basename(page).removesuffix(".md")
    svg = plots_in(tree(html_of(site, page)))[0]
    title = svg.children[0].all_text()
    desc = svg.children[1].all_text()
    words = page_title(name)
    assert words.lower() in title.lower() and "derivative" in title, title
    number = r"−?[\d.]+(?:e−?\d+)?"
    assert re.match(rf"Two curves over x from {number} to {number}; the y axis shows {number} to {number}\. ",
                    desc), desc
    for curve in ("(x) ", "′(x) "):  # each curve named, then what it does
        assert curve in desc, desc


def test_gallery_panels_are_titled_in_words_and_link_to_their_pages(site):
    root = tree(html_of(site, "activations/gallery.md"))
    panels = [node for node in root.walk() if "bc-gallery-panel" in node.classes()]
    linked = []
    for panel in panels:
        links = [node for node in panel.walk() if node.tag == "a"]
        assert len(links) == 1, f"panel with {len(links)} links"
        href, text = links[0].attrs["href"], links[0].all_text().strip()
        target = posixpath.normpath(posixpath.join("activations/gallery/", href))
        assert (site / target / "index.html").is_file(), f"{text}: {href} is not a page"
        name = posixpath.basename(target.rstrip("/"))
        assert text == page_title(name), f"{href}: titled {text!r}, its page is {page_title(name)!r}"
        svg = plots_in(panel)[0]
        assert svg.children[0].all_text().startswith(text), svg.children[0].all_text()
        linked.append(name)
    assert sorted(linked) == sorted(elementwise_names())


def test_notebook_figure_is_described(site):
    root = tree(html_of(site, "backprop/train_mlp.ipynb"))
    alts = [node.attrs.get("alt") for node in root.walk() if node.tag == "img"]
    assert NBCONVERT_ALT not in alts, "an image with nbconvert's placeholder for alt text"
    figures = plots_in(root)
    assert figures, "no figure in the notebook's output"
    desc = figures[0].children[1].all_text()
    assert "epoch" in desc and re.search(r"from [\d.]+ after epoch 1", desc), desc


# -- The description comes from the data ---------------------------------------

@pytest.fixture
def no_cache(monkeypatch):
    monkeypatch.setenv("BC_CACHE", "off")


def _desc(svg: str) -> str:
    return re.search(r"<desc id=\"[^\"]+\">(.*?)</desc>", svg).group(1)


def test_description_follows_the_data(no_cache):
    from sitekit.plots import plot_function

    rising = _desc(plot_function([("g(x)", np.tanh)], lo=-2, hi=2, n=401))
    assert "One curve over x from −2 to 2" in rising and "g(x) rises from −0.964 to 0.964." in rising
    falling = _desc(plot_function([("g(x)", lambda x: -np.tanh(x))], lo=-2, hi=2, n=401))
    assert "g(x) falls from 0.964 to −0.964." in falling
    bump = _desc(plot_function([("g(x)", lambda x: np.exp(-(x - 1) ** 2))], lo=-3, hi=3, n=601))
    assert "rises from 1.13e−07 to 1 at x = 1, then falls to 0.0183" in bump
    step = _desc(plot_function([("g(x)", lambda x: np.where(x < 0.5, 0.0, 2.0))], lo=-2, hi=2, n=401))
    assert "g(x) is 0, then jumps to 2 at x = 0.5, then stays at 2." in step
    shrink = _desc(plot_function([("g(x)", lambda x: np.where(np.abs(x) > 0.5, x, 0.0))], lo=-5, hi=5, n=401))
    assert "g(x) rises from −5 to −0.525, then jumps to 0 at x = −0.5, then stays at 0, " \
           "then jumps to 0.525 at x = 0.5, then rises to 5." in shrink


def test_ids_differ_between_plots_and_not_between_builds(no_cache):
    from sitekit.plots import plot_function

    def ids(svg):
        return re.findall(r' id="([^"]+)"', svg)

    first = plot_function([("g(x)", np.tanh)], lo=-2, hi=2, n=101)
    again = plot_function([("g(x)", np.tanh)], lo=-2, hi=2, n=101)
    other = plot_function([("g(x)", np.sin)], lo=-2, hi=2, n=101)
    assert first == again
    assert ids(first) and not set(ids(first)) & set(ids(other))
    assert len(ids(first)) == len(set(ids(first)))


# -- In the browser ------------------------------------------------------------

SMALLEST_TEXT = """(selector) => {
  let smallest = Infinity, which = '';
  for (const el of document.querySelectorAll(selector)) {
    const m = el.getScreenCTM();
    const px = parseFloat(getComputedStyle(el).fontSize) * Math.hypot(m.a, m.b);
    if (px < smallest) { smallest = px; which = el.textContent; }
  }
  return {px: smallest, text: which, count: document.querySelectorAll(selector).length,
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@pytest.fixture(scope="module")
def gallery(browser, server):  # noqa: F811
    """The gallery, loaded once for both widths: text size and overflow are
    layout, which a resize redoes as a load at that width would."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url_of(server, "activations/gallery.md"), wait_until="load")
    yield page
    page.close()


@pytest.mark.xdist_group("browser:gallery")
@pytest.mark.parametrize("width", [1280, 390])
def test_gallery_text_is_readable(gallery, width):
    gallery.set_viewport_size({"width": width, "height": 900})
    found = gallery.evaluate(SMALLEST_TEXT, "article .bc-plot svg text, article .bc-plot svg tspan")
    assert found["count"] > 0, "no text in the gallery's figures"
    assert found["px"] >= MIN_TEXT_PX, f"at {width} px: {found['text']!r} is {found['px']:.1f} px"
    assert found["overflow"] <= 0, f"at {width} px the page scrolls sideways by {found['overflow']} px"


def _switch_palette(page, scheme: str) -> None:
    """Click the palette toggle until the page is in `scheme`, in full colour."""
    for _ in range(2):
        current = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
        if current == scheme:
            break
        page.click("form[data-md-component='palette'] label:visible")
        palette_settled(page, before=current)
    assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == scheme


def _mean_luminance(png: bytes) -> float:
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float64) / 255
    return float(pixels.mean())


FIGURE = ".jp-OutputArea-output svg[role=img], .jp-OutputArea-output img"


@pytest.fixture(scope="module")
def notebook(browser, server):  # noqa: F811
    """The notebook page, loaded once for its palette checks: each switches
    to the palette it reads, and what it reads follows the switch, not the load."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url_of(server, "backprop/train_mlp.ipynb"), wait_until="load")
    palette_settled(page, before=None)  # colours the load itself fades in
    yield page
    page.close()


@pytest.mark.xdist_group("browser:notebook")
def test_notebook_figure_follows_the_palette(notebook):
    page = notebook
    figure = page.locator(FIGURE).first
    luminance = {}
    for scheme in ("default", "slate"):
        _switch_palette(page, scheme)
        figure.scroll_into_view_if_needed()
        luminance[scheme] = _mean_luminance(figure.screenshot())
    # Mostly background: the page's, light in one palette and dark in the other.
    assert luminance["default"] > 0.75, luminance
    assert luminance["slate"] < 0.3, f"a light box in the dark palette: {luminance}"


CODE_CONTRAST = """() => {
  const rgba = c => { const p = c.match(/[\\d.]+/g).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                     return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = [255, 255, 255];
    for (const c of layers.reverse()) colour = over(c, colour);
    return colour;
  };
  let worst = {ratio: Infinity};
  for (const el of document.querySelectorAll('.highlight-ipynb span, .highlight-ipynb pre')) {
    if (!el.textContent.trim()) continue;
    const bg = background(el), fg = over(rgba(getComputedStyle(el).color), bg);
    const [a, b] = [lum(fg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < worst.ratio) worst = {ratio, text: el.textContent.slice(0, 30), cls: el.className};
  }
  return worst;
}"""


@pytest.mark.xdist_group("browser:notebook")
@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_notebook_code_has_contrast(notebook, scheme):
    _switch_palette(notebook, scheme)  # returns once the colours have stopped changing
    worst = notebook.evaluate(CODE_CONTRAST)
    assert worst["ratio"] >= MIN_CONTRAST, f"{scheme}: {worst}"

