"""A page's rendered HTML, before it is written: the stamp markers of shared
helpers out of the code blocks, links resolved and checked (sitekit.links,
also in HTML that executed blocks write), and every formula typeset to SVG
by the pinned MathJax (sitekit.typeset), a malformed one reported by page
and line.
"""

from __future__ import annotations

import re

from sitekit import links, typeset

# The stamp markers of shared helpers (sitekit.stamp) are for maintainers:
# a code block shows and copies the code between them, not the markers.
_STAMP_LINE = re.compile(
    r'<a id="__codelineno-[\w-]+" name="__codelineno-[\w-]+" href="#__codelineno-[\w-]+"></a>'
    r'<span class="c1"># (?:end )?stamp: [^<]*</span>\n'
)


def finish_page(html: str, src_uri: str, source: str, files, typesetter: typeset.Typesetter) -> tuple[str, list[str]]:
    """(the page's final HTML, the problems by page and line); `source` is the
    Markdown the page was made from ("" for a notebook), for formula lines."""
    html = _STAMP_LINE.sub("", html)
    html, broken = links.rewrite(html, src_uri, files)
    problems = [f"docs/{src_uri}: {message}" for message in broken]
    html, errors = typesetter.page(html)
    for tex, message in errors:
        line = typeset.line_of(tex, source)
        where = f"docs/{src_uri}:{line}" if line else f"docs/{src_uri}"
        problems.append(f"{where}: MathJax cannot typeset formula: {message}\n    {tex.strip()[:200]}")
    return html, problems
