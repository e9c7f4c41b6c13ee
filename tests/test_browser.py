"""The built site in a real browser: Debian's chromium driven by Playwright.

Every page is served from 127.0.0.1 (its search index emptied: the search
test loads the whole one) and visited with an empty cache: no
console error, no failed request, no request to another host, no MathJax
loaded (the build typesets every formula to SVG), math visible at first
paint. Each page is laid out as a reader sees it: display formulas at their
natural width on a 390 px phone and a 768 px tablet, nothing wider than a
320 px screen, no table clipped and no code name broken at 1280 px, every
table column on paper. Instant navigation keeps the page alive; the
previous/next footer, a 404 page under a sub-path, search ranking for each
function's name, the copy button, the palette toggle and the notebook page
are tested too. Timings and transfer sizes go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import BROWSER_TIMINGS as TIMINGS
from sitebuild import ROOT, nav_pages, site_url

ARTIFACTS = ROOT / "test-artifacts"
# Issue targets, measured with an empty cache: math visible within 0.5 s of
# navigation; a typical activation page within 600 kB transferred, the
# search index aside. A page fails at 3x a target, so a regression is caught;
# the typical page's size is held to its target.
VISIBLE_TARGET_S = 0.5
PAGE_BYTES_TARGET = 600_000
VISIBLE_LIMIT_S = 3 * VISIBLE_TARGET_S
PAGE_BYTES_LIMIT = 3 * PAGE_BYTES_TARGET
SEARCH_INDEX = "search/search_index.json"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    """BC_CHROMIUM if set, else Debian's chromium, else None: the browser that
    `playwright install chromium` put in place (never downloaded by the tests)."""
    if os.environ.get("BC_CHROMIUM"):
        return os.environ["BC_CHROMIUM"]
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def url_of(base: str, page: str) -> str:
    stem = page.removesuffix(".md").removesuffix(".ipynb")
    return base + ("" if stem == "index" else stem.removesuffix("/index") + "/")


def site_path() -> tuple[str, str]:
    """The origin and path of site_url (mkdocs.yml, SITE_URL in the environment)."""
    from urllib.parse import urlsplit

    url = urlsplit(site_url())
    return f"{url.scheme}://{url.netloc}", url.path


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """The site as GitHub Pages serves it, at site_url's path on 127.0.0.1:
    an unknown URL gets 404.html with status 404, and the sitemap names this
    server (as the published one names the published site), so that instant
    navigation finds every page in it."""

    origin, prefix, local = "", "/", ""
    index_stub: bytes | None = None  # served in place of the search index, when set

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return "/nonexistent"
        return super().translate_path("/" + path.removeprefix(self.prefix))

    def send_head(self):
        path = Path(self.translate_path(self.path.split("?")[0]))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if self.index_stub is not None and path == Path(self.directory, SEARCH_INDEX) and path.is_file():
            return self._send(200, self.index_stub, "application/json")
        if path.name == "sitemap.xml" and path.is_file():
            return self._send(200, path.read_bytes().replace(self.origin.encode(), self.local.encode()), "text/xml")
        if not path.is_file():
            return self._send(404, (Path(self.directory) / "404.html").read_bytes(), "text/html")
        return super().send_head()

    def _send(self, status: int, body: bytes, kind: str):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def _serving(site: Path, index_stub: bytes | None = None):
    origin, prefix = site_path()
    handler_class = type("Handler", (_PagesHandler,), {"origin": origin, "prefix": prefix, "index_stub": index_stub})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler_class, directory=str(site)))
    handler_class.local = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"{handler_class.local}{prefix}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server(site):
    """The base URL of the site, served from 127.0.0.1 at site_url's path."""
    with _serving(site) as base:
        yield base


@pytest.fixture(scope="module")
def visit_server(site):
    """The site served for the visit of every page, its search index emptied
    (the built index's own config, no documents): each page still requests
    the index at its URL, and Material's search starts on it, but the 1 MB
    index is not parsed and built again for every page; the search test
    loads the whole index, once."""
    try:
        stub = json.dumps({"config": json.loads((site / SEARCH_INDEX).read_text(encoding="utf-8"))["config"], "docs": []})
    except (OSError, ValueError, KeyError):  # a missing or broken index: served as it is, every visit sees it
        stub = None
    with _serving(site, stub and stub.encode()) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = chromium_path()
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def context(browser, server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], base_url=server)
    yield context
    context.close()


class Watch:
    """Console errors, failed requests and requests to other hosts of one page."""

    def __init__(self, page, base: str):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.urls: list[str] = []
        self.bytes: dict[str, int] = {}  # URL -> bytes transferred (Content-Length)
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url} {r.failure}"))
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else self.foreign.append(r.url))
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.on("response", lambda r: self.bytes.__setitem__(r.url, int(r.headers.get("content-length", 0))))
        self.pending: set = set()  # requests not yet finished or failed
        self.done: set[str] = set()  # URLs whose request finished or failed
        page.on("request", lambda r: self.pending.add(r))
        page.on("requestfinished", self._done)
        page.on("requestfailed", self._done)
        self.base = base

    def _done(self, request) -> None:
        self.pending.discard(request)
        self.done.add(request.url)

    def settle(self, page, where: str, limit: float = 15.0) -> None:
        """Wait until the browser has fetched the page's icon (its one request
        after the load event, answered or failed) and no request is in flight."""
        icon = page.evaluate(ICON_URL)
        deadline = time.monotonic() + limit
        while (icon not in self.done or self.pending) and time.monotonic() < deadline:
            page.wait_for_timeout(10)
        still = sorted(r.url for r in self.pending) + ([] if icon in self.done else [icon])
        assert not still, f"{where}: requests unanswered {limit:.0f} s after the load event (make them end): {still}"

    def page_bytes(self) -> int:
        """Everything the page transferred with an empty cache, the search index aside."""
        return sum(n for url, n in self.bytes.items() if not url.removeprefix(self.base).startswith(SEARCH_INDEX))


# The icon the browser fetches once the page has loaded: the page's own, or
# the origin's /favicon.ico when the page names none.
ICON_URL = "() => document.querySelector('link[rel~=icon]')?.href ?? new URL('/favicon.ico', location).href"

# Every formula is SVG from the build: an arithmatex element without an SVG
# is TeX shown as text. Math is visible at the first paint that shows the
# article (the SVG is in the HTML; no script has to run).
MATH_STATE = """async () => {
  const all = [...document.querySelectorAll('.arithmatex')];
  const typeset = all.filter(el => el.querySelector('mjx-container > svg'));
  const paint = await new Promise(resolve => {
    new PerformanceObserver(list => {
      const entry = list.getEntriesByName('first-contentful-paint')[0];
      if (entry) resolve(entry);
    }).observe({type: 'paint', buffered: true});
    setTimeout(() => resolve(null), 5000);
  });
  return {math: all.length, typeset: typeset.length, mathjax: typeof window.MathJax,
          visible: paint ? paint.startTime / 1000 : null};
}"""

# Layout checks, in CSS px. Display formulas: rendered width of each SVG.
DISPLAY_WIDTHS = "() => [...document.querySelectorAll('div.arithmatex svg')].map(s => s.getBoundingClientRect().width)"
# Table cells past the right edge of a box that does not scroll (clipped),
# and inline code in a table broken over two lines.
TABLE_DEFECTS = """() => {
  const out = [];
  document.querySelectorAll('article table').forEach((table, i) => {
    let box = null;
    for (let a = table.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') { box = a; break; }
    }
    const scrolls = box && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
    const right = box ? box.getBoundingClientRect().right : innerWidth;
    const cut = [...table.querySelectorAll('th, td')].filter(c => c.getBoundingClientRect().right > right + 1);
    if (cut.length && !scrolls) out.push(`table ${i + 1}: ${cut.length} cells clipped, first: ${cut[0].textContent.slice(0, 40)}`);
    if (matchMedia('screen').matches) {
      table.querySelectorAll('code').forEach(code => {
        if (code.getClientRects().length > 1) out.push(`table ${i + 1}: code broken over lines: ${code.textContent}`);
      });
    }
  });
  return out;
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - innerWidth"
# Both reads at the first width in one call: one layout, one round trip.
WIDTHS_AND_TABLES = f"() => [({DISPLAY_WIDTHS})(), ({TABLE_DEFECTS})()]"


def typeset_state(page) -> dict:
    return page.evaluate(MATH_STATE)


# The palette has left `before` and its colours have stopped changing: Material
# has finished the switch, and no CSS transition runs (the style read first
# starts any transition the switch set off).
PALETTE_SETTLED = """(before) => {
  const body = document.body;
  getComputedStyle(body).color;
  return body.getAttribute('data-md-color-scheme') !== before && !body.hasAttribute('data-md-color-switching')
    && !document.getAnimations().some(a => a instanceof CSSTransition && a.playState === 'running');
}"""


def palette_settled(page, before: str | None, limit: float = 10.0) -> None:
    """After a click on the palette toggle: wait until the page has left the
    scheme `before` (None: any scheme) and shows its new colours in full. Past
    `limit` it returns, and the caller's check of the scheme fails."""
    deadline = time.monotonic() + limit
    while not page.evaluate(PALETTE_SETTLED, before) and time.monotonic() < deadline:
        page.wait_for_timeout(10)


class Visit:
    """One page loaded in a fresh context (an empty cache) at 1280 x 900: what
    its first paint showed and what it requested up to then, and the page,
    left open for the layout checks."""

    def __init__(self, browser, server: str, page_path: str):
        self.context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.watch = watch = Watch(self.page, server)
        self.page.goto(url_of(server, page_path), wait_until="load")
        self.state = typeset_state(self.page)
        watch.settle(self.page, page_path)  # the icon, requested after the load event, counted in the page's bytes
        # Copies: the watch keeps listening while the layout checks resize the page.
        self.errors, self.foreign, self.urls = list(watch.errors), list(watch.foreign), list(watch.urls)
        self.page_bytes = watch.page_bytes()
        MEASURED_BYTES[page_path] = self.page_bytes

    def close(self) -> None:
        self.context.close()


# Bytes of each page this worker loaded, for the typical-page check.
MEASURED_BYTES: dict[str, int] = {}
TYPICAL_GROUP = "activation-pages"


def _visited(page_path: str):
    """The page as a parameter on one pytest-xdist worker: the activation
    pages share one group, whose last test is the typical-page check, so that
    worker has measured all of them; every other page is a group of its own."""
    group = TYPICAL_GROUP if page_path.startswith("activations/") else f"page:{page_path}"
    return pytest.param(page_path, marks=pytest.mark.xdist_group(group), id=page_path)


@pytest.fixture(scope="module", params=[_visited(path) for path in nav_pages()])
def visit(request, browser, visit_server):
    """One load per page for both of its tests: module scope makes pytest run
    them one after the other, and the page is closed before the next page's."""
    loaded = Visit(browser, visit_server, request.param)
    yield request.param, loaded
    loaded.close()


def test_every_page_loads_clean_with_its_math_at_first_paint(visit):
    page_path, loaded = visit
    state = loaded.state
    if state["visible"] is not None:
        TIMINGS.append((page_path, state["visible"], state["math"], loaded.page_bytes, 0))
    assert not loaded.errors, f"{page_path}: {loaded.errors}"
    assert not loaded.foreign, f"{page_path}: requests to other hosts: {loaded.foreign}"
    assert not [u for u in loaded.urls if "mathjax" in u.lower() and u.endswith(".js")], f"{page_path}: loads MathJax"
    assert state["mathjax"] == "undefined", f"{page_path}: MathJax runs in the browser"
    assert state["typeset"] == state["math"], f"{page_path}: {state['math'] - state['typeset']} formulas shown as TeX"
    assert state["visible"] is not None and state["visible"] <= VISIBLE_LIMIT_S, f"{page_path}: first paint {state}"
    assert loaded.page_bytes <= PAGE_BYTES_LIMIT, f"{page_path}: {loaded.page_bytes} bytes"


def test_every_page_reads_at_every_width(visit):
    """Display formulas keep their natural width on a phone and a tablet
    (scrolling inside their own box), nothing is wider than a 320 px screen,
    tables scroll rather than clip and keep code names whole, and the print
    view keeps every column."""
    page_path, loaded = visit
    page = loaded.page
    natural, defects = page.evaluate(WIDTHS_AND_TABLES)
    assert defects == [], page_path
    for width in (768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        widths = page.evaluate(DISPLAY_WIDTHS)
        squeezed = [(round(w), round(n)) for w, n in zip(widths, natural) if abs(w - n) > 0.5]
        assert not squeezed, f"{page_path} at {width} px: display formulas (width, natural) {squeezed[:5]}"
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate(OVERFLOW) <= 0, f"{page_path}: wider than a 320 px screen"
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    assert page.evaluate(TABLE_DEFECTS) == [], f"{page_path}: print view"
    # The watch kept listening: what failed later than the first-paint test looked.
    late = loaded.watch.errors[len(loaded.errors):] + loaded.watch.foreign[len(loaded.foreign):]
    assert not late, f"{page_path}: errors or requests to other hosts after the load: {late}"


@pytest.mark.xdist_group(TYPICAL_GROUP)
def test_a_typical_activation_page_is_light(browser, visit_server):
    """The median activation page, transferred with an empty cache, search index aside."""
    # The group ran every activation page on this worker; a page left out
    # (a -k selection) is measured here, the same way.
    for path in (p for p in nav_pages() if p.startswith("activations/") and p not in MEASURED_BYTES):
        Visit(browser, visit_server, path).close()
    sizes = {path: size for path, size in MEASURED_BYTES.items() if path.startswith("activations/")}
    median = sorted(sizes.values())[len(sizes) // 2]
    assert median <= PAGE_BYTES_TARGET, sorted(sizes.items(), key=lambda kv: kv[1])


def test_instant_navigation_keeps_the_page_alive(context, server):
    """A click swaps the content in place: a value set in the page before the
    click is still there after it, and the new page's math is SVG."""
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(url_of(server, "activations/sigmoid.md"), wait_until="load")
    page.evaluate("() => { window.__bcAlive = 42; }")
    page.click('a.md-nav__link[href$="tanh/"]')
    page.wait_for_url("**/activations/tanh/")
    page.wait_for_function("() => document.title.startsWith('Tanh')")
    assert page.evaluate("() => window.__bcAlive") == 42, "the click reloaded the page"
    state = typeset_state(page)
    assert state["math"] > 0 and state["typeset"] == state["math"], state
    page.go_back()
    page.wait_for_url("**/activations/sigmoid/")
    assert page.evaluate("() => window.__bcAlive") == 42
    assert not watch.errors, watch.errors
    page.close()


def test_footer_links_to_previous_and_next_pages(context, server):
    page = context.new_page()
    page.goto(url_of(server, "activations/sigmoid.md"), wait_until="load")
    previous = page.get_attribute("a.md-footer__link--prev", "href")
    following = page.get_attribute("a.md-footer__link--next", "href")
    assert previous and previous.rstrip("/").endswith("binary_step"), previous
    assert following and following.rstrip("/").endswith("tanh"), following
    page.click("a.md-footer__link--next")
    page.wait_for_url("**/activations/tanh/")
    page.close()


def test_404_page_works_under_the_site_path(context, server):
    """An unknown URL under site_url's path (a sub-path on GitHub Pages) gets
    the 404 page with its stylesheet and scripts, and a working home link."""
    assert server.rstrip("/").count("/") > 2, f"site_url has no sub-path: {server}"
    page = context.new_page()
    watch = Watch(page, server)
    response = page.goto(server + "no/such/page/", wait_until="load")
    assert response.status == 404
    # The page itself is the one 404 (and Chromium logs it once, without its URL).
    document = ["HTTP 404: " + server + "no/such/page/", "console error: Failed to load resource: "
                "the server responded with a status of 404 (Not Found)"]
    assert sorted(watch.errors) == sorted(document), watch.errors
    styled = page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position")
    assert styled in ("sticky", "fixed"), "404 page without its stylesheet"
    page.click("a.md-header__button.md-logo")
    page.wait_for_url(server)
    assert "Backprop, Checked" in page.title()
    page.close()


def _search_queries() -> list[tuple[str, str]]:
    """(query, page) pairs: each function page's own title, and the title
    followed by "derivative"; the Jacobian of the vector functions."""
    import yaml

    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    section = next(item["Activations"] for item in config["nav"] if "Activations" in item)
    pairs = []
    for (title, path), in (item.items() for item in section):
        if (ROOT / "snippets" / path.replace(".md", ".py")).is_file():
            pairs += [(title, path), (f"{title} derivative", path)]
    return pairs + [("softmax jacobian", "activations/softmax.md"), ("log-softmax jacobian", "activations/log_softmax.md")]


# The first result link, once the result list is not the one marked stale.
FRESH_FIRST_RESULT = """() => {
  const first = document.querySelector('.md-search-result__item');
  return first && !first.hasAttribute('data-bc-stale') ? first.querySelector(':scope > a').getAttribute('href') : null;
}"""


def _ask(tab, query: str) -> None:
    """Mark the shown results stale, then set the whole query and release one
    key. Material searches for the box's value on keyup or focus, unless it
    searched that value last, so every search started from here on is for
    `query`; one started before was for the previous query (already shown)
    or the empty one (no results), and the worker answers in order: the
    first list not marked stale answers `query`. Typed key by key, a loaded
    machine answered "Log" late, and that stale list looked like the answer."""
    tab.evaluate("() => document.querySelectorAll('.md-search-result__item').forEach(e => e.setAttribute('data-bc-stale', ''))")
    box = tab.locator("input.md-search__input")
    box.fill(query)
    box.press("End")


def _first_result(tab, query: str, limit: float = 30.0) -> str:
    """The first result link for `query`, once its answer is shown."""
    deadline = time.monotonic() + limit
    while (first := tab.evaluate(FRESH_FIRST_RESULT)) is None and time.monotonic() < deadline:
        tab.wait_for_timeout(50)
    assert first, f"search for {query!r} showed no results within {limit:.0f} s"
    return first


def test_search_puts_the_function_page_first(context, server):
    # One tab: with no time-based settling to overlap, more tabs only build the index again.
    tab = context.new_page()
    watch = Watch(tab, server)  # the whole index, which the page visits leave out, loads and builds cleanly
    tab.goto(server, wait_until="load")
    wrong = []
    for query, target in _search_queries():
        _ask(tab, query)
        first = _first_result(tab, query)
        if url_of("/", target) not in first.split("?")[0] + "/":
            wrong.append(f"{query!r} -> {first}")
    assert not wrong, wrong
    assert not watch.errors and not watch.foreign, (watch.errors, watch.foreign)
    tab.close()


def test_copy_button_copies_the_short_block_and_it_runs(context, server):
    """The first block under Implementation is the one a reader copies: the
    copy button gives the short snippet file's exact text, which runs alone."""
    page = context.new_page()
    page.goto(url_of(server, "activations/sigmoid.md"), wait_until="load")
    expected = (ROOT / "snippets" / "activations" / "short" / "sigmoid.py").read_text()
    block = page.locator("h2#implementation ~ div.highlight:has(button.md-code__button)").first
    block.hover()
    block.locator("button.md-code__button").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.strip("\n") == expected.strip("\n")
    run = subprocess.run([sys.executable, "-I", "-W", "error", "-c", copied + "\nprint(sigmoid([-1000.0, 0.0, 1000.0]))"],
                         capture_output=True, text=True, timeout=60, cwd=ARTIFACTS.parent)
    assert run.returncode == 0 and run.stdout.strip() == "[0.  0.5 1. ]", run.stdout + run.stderr
    page.close()


def test_palette_toggle_and_screenshots(context, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(url_of(server, "activations/sigmoid.md"), wait_until="load")
    typeset_state(page)
    schemes = []
    for name in ("light", "dark"):
        scheme = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
        schemes.append(scheme)
        plot = page.locator(".bc-plot svg").first
        plot.scroll_into_view_if_needed()
        # The plot's ink follows the palette: its text colour is the page's.
        ink = page.evaluate("""() => {
          const svg = document.querySelector('.bc-plot svg');
          return [getComputedStyle(svg).color, getComputedStyle(document.body).color];
        }""")
        assert ink[0] == ink[1], f"{name}: plot ink {ink[0]} on text colour {ink[1]}"
        page.screenshot(path=str(ARTIFACTS / f"sigmoid-{name}.png"), full_page=False)
        page.set_viewport_size({"width": 390, "height": 844})
        page.locator("div.arithmatex").nth(1).scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"sigmoid-{name}-phone.png"), full_page=False)
        page.set_viewport_size({"width": 1200, "height": 900})
        page.click("form[data-md-component='palette'] label:visible")
        palette_settled(page, before=scheme)
    assert schemes[0] != schemes[1], schemes
    page.close()


def test_notebook_page_shows_math_and_outputs(context, server):
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(url_of(server, "backprop/train_mlp.ipynb"), wait_until="load")
    state = typeset_state(page)
    assert state["math"] >= 10 and state["typeset"] == state["math"], state
    text = page.inner_text("article")
    assert "test accuracy:" in text and "largest relative error:" in text
    assert page.locator(".jp-OutputArea-output img, .jp-OutputArea-output svg").count() >= 1
    assert not watch.errors and not watch.foreign, (watch.errors, watch.foreign)
    page.close()
