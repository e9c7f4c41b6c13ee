"""Every link on the built site leads somewhere: a crawl of the HTML files.

The build checks the links of each page's Markdown (and sitekit.links those
that build-time code prints); the crawl checks what a reader clicks, theme
and plugins included.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import pytest
from mkdocs.structure.files import File, Files

from sitebuild import site_url
from sitekit import links


class _Page(HTMLParser):
    """The hrefs of a page's <a> elements, and the ids a fragment can name."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "href" and tag == "a" and value is not None:
                self.hrefs.append(value)
            elif key == "id" or (key == "name" and tag == "a"):
                self.ids.add(value)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _site_path(href: str, page_rel: str, site_url: str) -> str | None:
    """The href as a path from the site root ('' is the root), None if it
    leads off the site; raises ValueError if it cannot be mapped."""
    parts = urlsplit(href)
    base = urlsplit(site_url)
    prefix = base.path if base.path.endswith("/") else base.path + "/"
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto:, data:, javascript:, ...
    if parts.netloc:
        if parts.netloc != base.netloc:
            return None  # another host
    if parts.netloc or parts.path.startswith("/"):
        if not (parts.path + "/").startswith(prefix):
            raise ValueError(f"outside the site's path {prefix}")
        return parts.path[len(prefix):]
    if not parts.path:
        return page_rel  # a fragment on the page itself
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_rel), parts.path))
    if joined == ".." or joined.startswith("../"):
        raise ValueError("above the site root")
    return "" if joined == "." else joined + ("/" if parts.path.endswith("/") else "")


def _target_file(site: Path, rel: str) -> Path | None:
    path = site / unquote(rel)
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def dead_links(site: Path, site_url: str = "") -> list[str]:
    """`page.html: href -> reason` for every <a href> on the site that does
    not lead to a file, or names an id its target lacks."""
    pages = {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
    parsed = {rel: _parse(path) for rel, path in pages.items()}
    failures = []
    for page_rel, page in parsed.items():
        for href in page.hrefs:
            try:
                rel = _site_path(href, page_rel, site_url)
            except ValueError as error:
                failures.append(f"{page_rel}: {href} -> {error}")
                continue
            if rel is None:
                continue
            target = _target_file(site, rel)
            if target is None:
                failures.append(f"{page_rel}: {href} -> no such file ({unquote(rel) or '.'})")
                continue
            fragment = unquote(urlsplit(href).fragment)
            if fragment and target.suffix == ".html":
                target_rel = target.relative_to(site).as_posix()
                if fragment not in parsed[target_rel].ids:
                    failures.append(f"{page_rel}: {href} -> no id '{fragment}' in {target_rel}")
    return failures


def test_every_link_on_the_site_leads_somewhere(site):
    """Absolute links are read against mkdocs.yml's site_url: to crawl a
    BC_SITE built under another one, set SITE_URL as that build had it."""
    failures = dead_links(site, site_url())
    shown = "\n".join(failures[:30])
    more = f"\n... and {len(failures) - 30} more" if len(failures) > 30 else ""
    assert not failures, f"{len(failures)} dead links or anchors on the built site:\n{shown}{more}"


# The crawl on a made-up site: it finds what it must find.

def _write(site: Path, rel: str, body: str) -> None:
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(f"<html><body>{body}</body></html>")


def test_crawl_finds_dead_links_and_anchors(tmp_path):
    _write(tmp_path, "index.html", '<a href="a/">a</a> <a href="a/#top">top</a> <a href="a/#gone">x</a>'
                                   ' <a href="b.md">b</a> <a href="https://example.org/x">e</a>'
                                   ' <a href="mailto:x@y.z">m</a> <a href="#here">h</a> <h2 id="here">h</h2>'
                                   ' <a href="/docs/a/">abs</a> <a href="https://ex.io/docs/c/">full</a>'
                                   ' <a href="/elsewhere/">off</a> <a href="../up/">up</a>')
    _write(tmp_path, "a/index.html", '<h1 id="top">A</h1><a href="../">home</a><a name="old"></a>'
                                     '<a href="#old">old</a>')
    failures = dead_links(tmp_path, "https://ex.io/docs/")
    assert failures == [
        "index.html: a/#gone -> no id 'gone' in a/index.html",
        "index.html: b.md -> no such file (b.md)",
        "index.html: https://ex.io/docs/c/ -> no such file (c/)",
        "index.html: /elsewhere/ -> outside the site's path /docs/",
        "index.html: ../up/ -> above the site root",
    ]


def test_crawl_without_site_url_maps_absolute_paths_to_the_root(tmp_path):
    _write(tmp_path, "index.html", '<a href="/a/">a</a> <a href="/b/">b</a> <a href="https://ex.io/">e</a>')
    _write(tmp_path, "a/index.html", "")
    assert dead_links(tmp_path) == ["index.html: /b/ -> no such file (b/)"]


# sitekit.links.rewrite on made-up pages.

@pytest.fixture
def files() -> Files:
    docs = Files([File(uri, "/docs", "/site", use_directory_urls=True)
                  for uri in ("index.md", "about.md", "activations/index.md", "activations/sigmoid.md",
                              "img/plot.png", "backprop/train_mlp.ipynb")])
    notebook = docs.get_file_from_path("backprop/train_mlp.ipynb")
    notebook.is_documentation_page = lambda: True  # as mkdocs-jupyter's NotebookFile
    for file in docs.documentation_pages():
        file.page = SimpleNamespace(links_to_anchors={}, present_anchor_ids=set())
    return docs


def test_rewrite_turns_a_page_link_into_its_url(files):
    html, broken = links.rewrite('<td><a href="sigmoid.md">sigmoid</a></td>', "activations/index.md", files)
    assert (html, broken) == ('<td><a href="sigmoid/">sigmoid</a></td>', [])
    html, broken = links.rewrite('<a title="t" href="activations/sigmoid.md">s</a>', "about.md", files)
    assert (html, broken) == ('<a title="t" href="../activations/sigmoid/">s</a>', [])
    html, _ = links.rewrite('<a href="../index.md">home</a>', "activations/sigmoid.md", files)
    assert html == '<a href="../../">home</a>'


def test_rewrite_leaves_a_notebooks_download_link(files):
    source = '<a href="train_mlp.ipynb">Download the notebook</a>'
    assert links.rewrite(source, "backprop/train_mlp.ipynb", files) == (source, [])
    html, _ = links.rewrite('<a href="../backprop/train_mlp.ipynb">train</a>', "activations/index.md", files)
    assert html == '<a href="../backprop/train_mlp/">train</a>'


def test_rewrite_keeps_the_fragment_and_hands_it_to_anchor_validation(files):
    html, broken = links.rewrite('<a href="../about.md#derivations">how</a>', "activations/index.md", files)
    assert (html, broken) == ('<a href="../about/#derivations">how</a>', [])
    page = files.get_file_from_path("activations/index.md").page
    assert page.links_to_anchors == {files.get_file_from_path("about.md"): {"derivations": "../about.md#derivations"}}


def test_rewrite_adds_the_generated_ids_to_the_page(files):
    links.rewrite('<table><tr id="sigmoid-row"><td><a name="old"></a></td></tr></table>', "activations/index.md",
                  files)
    assert files.get_file_from_path("activations/index.md").page.present_anchor_ids == {"sigmoid-row", "old"}


def test_rewrite_reports_a_link_to_no_page(files):
    source = '<a href="nowhere.md">x</a> <a href="../img/plot.md">y</a>'
    html, broken = links.rewrite(source, "activations/index.md", files)
    assert html == source
    assert broken == [
        "link 'nowhere.md' in generated HTML: no such page (resolved to docs/activations/nowhere.md)",
        "link '../img/plot.md' in generated HTML: no such page (resolved to docs/img/plot.md)",
    ]


@pytest.mark.parametrize("href", [
    "https://example.org/sigmoid.md", "/activations/sigmoid.md", "#sigmoid", "sigmoid/",
    "../img/plot.png", "mailto:a@b.md", "//example.org/x.md",
])
def test_rewrite_leaves_other_links_alone(files, href):
    source = f'<a href="{href}">x</a>'
    assert links.rewrite(source, "activations/index.md", files) == (source, [])
