"""MkDocs hooks for Backprop, Checked: the event functions, each handing its
work to the module that does that job.

- sitekit.hook_blocks: the executed blocks of a page (warnings are errors;
  a failure names the page and the line of its fence);
- sitekit.hook_checks: the checks of a page's Markdown (derivations, display
  formulas, includes), the verdict written under each derivation;
- sitekit.hook_html: the rendered HTML (stamp markers, links, formulas
  typeset to SVG by the pinned MathJax, so pages load no MathJax);
- sitekit.hook_jupyter: mkdocs-jupyter's cache, the notebooks executed
  early (from on_files), and its template HTML;
- sitekit.hook_prefetch: the expensive checks, started in worker processes
  at the start of the build, in the order the pages need them;
- sitekit.hook_serve: `mkdocs serve` keeps going on a warning.
Here, too: the repository root on sys.path, so executed blocks can import
sitekit, and the pages that summarise the checks rendered last.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sitekit import (  # noqa: E402
    cache,
    hook_blocks,
    hook_checks,
    hook_html,
    hook_jupyter,
    hook_prefetch,
    hook_serve,
    oracle,
    typeset,
)

log = logging.getLogger("mkdocs.hooks.sitekit")

# What the events of one build share.
_build: dict = {"files": None, "typesetter": None, "command": None, "dirty": False, "started": None}

# tests/test_messages.py drives these by the names they had before the hook was split.
_state, _block_line, _follow_on = hook_blocks.state, hook_blocks.block_line, hook_blocks.follow_on

# Pages that summarise the whole site: rendered last, so that the checks of
# every other page (run by worker processes from the start of the build)
# are done by the time they are needed.
SUMMARY_PAGES = ("index.md", "about.md", "accuracy.md")
MATHJAX_CSS = "assets/stylesheets/mathjax.css"


def on_startup(command, dirty=False, **kwargs):
    _build["command"] = command
    _build["dirty"] = dirty


def on_pre_build(config, **kwargs):
    _build["started"] = time.time()


def on_config(config, **kwargs):
    # MkDocs restores sys.path after loading a hook; executed blocks need ROOT.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if _build["command"] == "serve":
        hook_serve.keep_serving_on_warnings()
    hook_blocks.name_the_page_in_warnings()
    _build["typesetter"] = typeset.Typesetter()
    hook_jupyter.use_fingerprinted_cache(config)
    return config


def on_files(files, config, **kwargs):
    _build["files"] = files
    for src_uri in SUMMARY_PAGES:
        file = files.get_file_from_path(src_uri)
        if file is not None:
            files.remove(file)
            files.append(file)
    docs_dir = Path(config["docs_dir"])
    pages = [Path(f.abs_src_path) for f in files.documentation_pages() if f.src_uri.endswith(".md")]
    hook_prefetch.prefetch(pages, docs_dir)
    hook_jupyter.execute_early(config, files)  # the kernels run while the pages render
    # MathJax's CSS for the SVG the build puts in the pages (mkdocs.yml's extra_css).
    files.append(File.generated(config, MATHJAX_CSS, content=_build["typesetter"].stylesheet()))
    return files


def on_pre_page(page, **kwargs):
    if page.file.src_uri.endswith(".ipynb"):
        hook_jupyter.render_or_warn(page)
    return page


def on_page_markdown(markdown, page, **kwargs):
    hook_blocks.page_started(page)
    markdown, problems = hook_checks.check_page(markdown, page.file.content_string, page.file.src_uri)
    for problem in problems:
        log.warning(problem)
    return markdown


def on_page_content(html, page, **kwargs):
    hook_blocks.blocks_done()
    if page.file.src_uri.endswith(".ipynb"):
        html = hook_jupyter.finish(html, page)
    source = page.file.content_string if page.file.src_uri.endswith(".md") else ""
    html, problems = hook_html.finish_page(html, page.file.src_uri, source, _build["files"], _build["typesetter"])
    for problem in problems:
        log.warning(problem)
    hook_blocks.page_done()
    return html


def on_post_build(config, **kwargs):
    oracle.save()  # the exact values this build computed, kept for the next
    _build["typesetter"].close()
    # A full build has read or written every result it uses: the rest is
    # from older code or pages. (`serve --dirty` renders only some pages.)
    if not _build["dirty"] and cache.pruning():
        removed = cache.prune(_build["started"])
        if removed:
            log.info(f"cache: removed {removed} results this build did not use")
