"""What the hook does to mkdocs-jupyter: its config (the cache) and the HTML
of its template (the math). Everything that depends on mkdocs-jupyter's
internals is here, so that a new version of it changes this file only.
"""

from __future__ import annotations

import re

from sitekit import cache

_NOTEBOOK_MATHJAX = re.compile(
    r'<!-- Load mathjax -->\s*<script src="[^"]*">\s*</script>\s*'
    r'<!-- MathJax configuration -->\s*<script type="text/x-mathjax-config">.*?</script>\s*',
    re.S,
)
_MARKDOWN_CELL = re.compile(r'(<div class="[^"]*jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S)
_DISPLAY = re.compile(r"(?:<p>)?\$\$(.+?)\$\$(?:</p>)?", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")


def use_fingerprinted_cache(config) -> None:
    """mkdocs-jupyter caches an executed notebook by the notebook's bytes and
    its own options, not by the packages the notebook runs. So mkdocs.yml
    leaves its cache off, and here it is turned on in a folder named by the
    Python and package versions (sitekit.cache.notebook_folder): the same
    notebook under other packages is executed again."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    folder = cache.notebook_folder()
    if jupyter is not None and cache.enabled() and cache.writable(folder):
        jupyter.config["cache"] = True
        jupyter.config["cache_dir"] = str(folder)
        cache.drop_damaged_notebooks(folder)


# The seam between two printed chunks of one cell's output: the kernel sends
# what a cell prints in chunks as its buffer flushes, so where a long output
# is cut depends on timing, not on the notebook.
_STREAM_SEAM = re.compile(
    r'\n</pre>\n</div>\n</div>\n<div class="jp-OutputArea-child">\n'
    r'<div class="jp-OutputPrompt jp-OutputArea-prompt"></div>\n'
    r'<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain" tabindex="0">\n<pre>'
)


def joined_streams(html: str) -> str:
    """Consecutive plain-text outputs of a cell as one block, the same at every execution."""
    return _STREAM_SEAM.sub("\n", html)


def notebook_math(html: str) -> str:
    """A notebook page as the rest of the site: math in arithmatex elements,
    typeset by the site's own MathJax; no MathJax 2 loader and config from
    nbconvert's template (its URL would be a CDN or empty)."""
    html, removed = _NOTEBOOK_MATHJAX.subn("", html)
    if removed != 1:
        raise RuntimeError("mkdocs-jupyter's MathJax loader not found: its template changed")

    def cell(match: re.Match) -> str:
        body = _DISPLAY.sub(lambda m: f'<div class="arithmatex">\\[{m.group(1)}\\]</div>', match.group(2))
        body = _INLINE.sub(lambda m: f'<span class="arithmatex">\\({m.group(1)}\\)</span>', body)
        return match.group(1) + body + match.group(3)

    return _MARKDOWN_CELL.sub(cell, html)
