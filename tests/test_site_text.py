"""The built site's text, read without a browser: navigation, tables of
contents and search previews show words, never TeX source; the sitemap
names every page; the 404 page finds its assets under the site's path."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from sitebuild import html_of, nav_pages, site_url

# TeX that a reader should never see as text: math delimiters and control words.
TEX = re.compile(r"\\[()\[\]]|\\[a-zA-Z]{2,}|\$\$")


class _NavText(HTMLParser):
    """The text of every navigation and table-of-contents link."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "a" and "md-nav__link" in classes.split():
            self.depth = 1
            self.texts.append("")
        elif self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def test_navigation_and_tables_of_contents_show_no_tex(site):
    shown = []
    for page in nav_pages():
        parser = _NavText()
        parser.feed(html_of(site, page))
        shown += [f"{page}: {' '.join(text.split())}" for text in parser.texts if TEX.search(text)]
    assert not shown, shown


def test_search_previews_show_no_tex(site):
    docs = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    shown = [f"{doc['location']}: {TEX.search(doc[field]).group(0)!r} in its {field}"
             for doc in docs for field in ("title", "text") if TEX.search(doc[field])]
    assert not shown, shown[:20]


def test_sitemap_names_every_page(site):
    locations = set(re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text()))
    base = site_url()
    stems = (page.removesuffix(".md").removesuffix(".ipynb").removesuffix("index") for page in nav_pages())
    expected = {base + (stem.rstrip("/") + "/" if stem else "") for stem in stems}
    assert expected <= locations, sorted(expected - locations)


def test_404_page_loads_its_assets_from_the_site_path(site):
    """GitHub Pages serves 404.html for any unknown URL under the site, so its
    links must not be relative to the URL asked for."""
    prefix = urlsplit(site_url()).path
    page = (site / "404.html").read_text()
    assets = re.findall(r'<(?:link|script)\b[^>]*?(?:href|src)="([^"]+\.(?:css|js))"', page)
    assert assets, "404.html loads no stylesheet or script"
    stray = [url for url in assets if not url.startswith(prefix)]
    assert not stray, stray
