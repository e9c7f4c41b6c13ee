"""Links in HTML that build-time code writes: resolved and validated.

markdown-exec renders a block's output with its own Markdown instance, so
MkDocs neither rewrites (`x.md` → `x/`) nor validates the links in it.
`rewrite` does both, the way MkDocs does for a page's own links; a link with
a `#fragment` is handed to MkDocs' anchor validation, which runs once every
page is rendered.
"""

from __future__ import annotations

import html as html_lib
import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit, urlunsplit

# Python-Markdown and markdown-exec quote every attribute; `[^>]*` stays
# inside one tag.
_A_HREF = re.compile(r"""(<a\s[^>]*?\bhref=)(["'])(.*?)\2""", re.S)
_PAGE_SUFFIXES = (".md", ".ipynb")


def rewrite(html: str, src_uri: str, files) -> tuple[str, list[str]]:
    """html with every relative `….md`/`….ipynb` link turned into the URL of
    that page, and a message for each link whose target is not a page."""
    page_file = files.get_file_from_path(src_uri)
    broken: list[str] = []

    def one(match: re.Match) -> str:
        href = html_lib.unescape(match.group(3))
        new = _resolve(href, src_uri, page_file, files, broken)
        if new is None:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{html_lib.escape(new)}{match.group(2)}"

    html = _A_HREF.sub(one, html)
    _register_ids(html, page_file)
    return html, broken


def _resolve(href: str, src_uri: str, page_file, files, broken: list[str]) -> str | None:
    """The URL for href, or None to leave it as it is (not ours, or broken)."""
    scheme, netloc, path, query, fragment = urlsplit(href)
    # Only a relative link to a source file: external, root-absolute and
    # self links are not ours, and MkDocs already rewrote its own links.
    if scheme or netloc or not path or path.startswith("/") or not path.endswith(_PAGE_SUFFIXES):
        return None
    target_uri = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), unquote(path)))
    target = files.get_file_from_path(target_uri)
    if target is None or not target.is_documentation_page():
        broken.append(f"link '{href}' in generated HTML: no such page (resolved to docs/{target_uri})")
        return None
    if target_uri == src_uri and src_uri.endswith(".ipynb"):
        return None  # a notebook's link to itself is its download (mkdocs-jupyter's include_source copy)
    if fragment:
        _expect_anchor(page_file, target, fragment, href)
    return urlunsplit(("", "", target.url_relative_to(page_file), query, fragment))


def _expect_anchor(page_file, target, fragment: str, href: str) -> None:
    """Register the link as MkDocs does for its own, so that its anchor
    validation (after every page is rendered) checks this one too."""
    links = getattr(getattr(page_file, "page", None), "links_to_anchors", None)
    if links is not None:  # None: anchor validation is off in mkdocs.yml
        links.setdefault(target, {}).setdefault(fragment, href)


class _Ids(HTMLParser):
    """The ids an anchor can point at, as MkDocs collects them."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "id" or (key == "name" and tag == "a"):
                self.ids.add(value)


def _register_ids(html: str, page_file) -> None:
    """MkDocs collects a page's ids from its Markdown, where markdown-exec's
    output is still a placeholder; add the ids of the final HTML, so a link
    into a generated table is not reported missing."""
    page = getattr(page_file, "page", None)
    if page is None or page.present_anchor_ids is None:
        return
    parser = _Ids()
    parser.feed(html)
    parser.close()
    page.present_anchor_ids |= parser.ids
