"""What the hook does to mkdocs-jupyter: its config (the cache), the
notebooks' execution (early, and a cell that raises as a warning naming the
notebook and cell, so the strict build fails at its end) and the HTML of its
template (the math). Everything that depends on mkdocs-jupyter's
internals is here, so that a new version of it changes this file only.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from pathlib import Path

from sitekit import cache

log = logging.getLogger("mkdocs.hooks.sitekit.jupyter")

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


# Notebooks executed early, in one thread started at on_files: abs_src_path -> set when it is done.
_early: dict[str, threading.Event] = {}


def execute_early(config, files) -> int:
    """Start executing the notebooks not in the cache, one after another in
    one thread (mkdocs-jupyter numbers cells with a module-global counter, so
    two at once would interleave the numbers), and write mkdocs-jupyter's
    cache entry for each as its own render would. The kernels run while the
    other pages render; a notebook page then finds its entry (render_or_warn).
    A notebook that fails writes nothing (it is not cached as good): its page
    reports the error (render_or_warn) without running it again. Returns how
    many it started."""
    from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

    jupyter = config.plugins.get("mkdocs-jupyter")
    _early.clear()
    _failed.clear()
    if jupyter is None or not jupyter.config["cache"] or jupyter.config["execute_ignore"]:
        return 0
    options, todo = dict(jupyter.config), []
    if not cache.pruning():  # a shared folder (BC_CACHE_DIR): mkdocs-jupyter would evict what other checkouts use
        jupyter._used_cache_paths.update(Path(options["cache_dir"]).glob("*.json"))
    for file in files:
        if not file.src_uri.endswith(".ipynb") or not jupyter.should_include(file):
            continue
        entry = _get_cache_path(options["cache_dir"], _compute_cache_key(file.abs_src_path, options, options["execute"]))
        if not entry.exists():
            todo.append((file.abs_src_path, entry))
            _early[file.abs_src_path] = threading.Event()
    if todo:
        threading.Thread(target=_execute_all, args=(todo, options, dict(_early)), name="notebooks", daemon=True).start()
    return len(todo)


def _execute_all(todo: list[tuple[str, Path]], options: dict, done: dict[str, threading.Event]) -> None:
    for path, entry in todo:
        try:
            _execute(path, options, entry)
        finally:
            done[path].set()


def _execute(path: str, options: dict, entry: Path) -> None:
    from mkdocs_jupyter import convert
    from mkdocs_jupyter.plugin import _get_nb_toc_tokens

    try:
        body = convert.nb2html(
            path, execute=options["execute"], kernel_name=options["kernel_name"], theme=options["theme"],
            allow_errors=options["allow_errors"], show_input=options["show_input"], no_input=options["no_input"],
            no_prompt=options["no_prompt"], remove_tag_config=options["remove_tag_config"],
            highlight_extra_classes=options["highlight_extra_classes"],
            include_requirejs=options["include_requirejs"], custom_mathjax_url=options["custom_mathjax_url"],
        )
        toc_tokens, title = _get_nb_toc_tokens(path, options["toc_depth"])
    except Exception as error:  # the page reports it (render_or_warn)
        _failed[path] = error
        return
    temporary = entry.with_suffix(".tmp")
    try:  # whole or not at all: the page reads the entry as soon as it exists
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"content": body, "toc_tokens": toc_tokens, "title": title}), encoding="utf-8")
        temporary.replace(entry)
    except OSError:  # the page executes the notebook itself
        return


def render_or_warn(page) -> None:
    """Before a notebook page renders (after mkdocs-jupyter set its render):
    wait for its early execution, if one is running. A notebook that raises
    is then a warning naming it, its cell and the traceback, and its page a
    line saying so: the strict build goes on and fails at its end with the
    other pages' faults, instead of stopping at the first notebook."""
    path = page.file.abs_src_path or ""
    done = _early.pop(path, None)
    if done is not None:
        done.wait()
    failed, render = _failed.pop(path, None), page.render
    _broken.discard(path)

    def render_checked(config, files) -> None:
        error = failed
        if error is None:
            try:
                return render(config, files)
            except Exception as raised:  # a cell raised, or the kernel died
                error = raised
        log.warning(cell_failed(page.file.src_uri, path, error))
        _broken.add(path)
        page.content = f"<p>This notebook failed to execute: {html.escape(_first_line(error))}</p>"

    page.render = render_checked


# Notebooks whose early execution raised (abs_src_path -> the error); pages rendered as failed.
_failed: dict[str, Exception] = {}
_broken: set[str] = set()
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the kernel's traceback is coloured for a terminal


def _first_line(error: Exception) -> str:
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    return f"{ename}: {evalue}" if ename else (str(error).strip().splitlines() or [type(error).__name__])[0]


def cell_failed(src_uri: str, path: str, error: Exception) -> str:
    """The warning for a notebook that raised: the notebook and its cell on
    the first line, what to do, then nbclient's text (the cell's source and
    the traceback, whose `In[N], line L` is the line in the cell)."""
    where, text = "the notebook", _ANSI.sub("", str(error))  # a kernel that died quotes no cell
    quoted = re.search(r"executing the following cell:\n-{18}\n(.*?)\n-{18}\n", text, re.S)
    if quoted:
        try:
            cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError):
            cells = []
        numbers = [n for n, c in enumerate(cells, 1) if "".join(c.get("source", "")) == quoted.group(1)]
        where = f"cell {numbers[0]} of {len(cells)}" if numbers else "a cell"
    return (f"docs/{src_uri}: {where} raised {_first_line(error)}; fix it in the notebook's source in "
            f"sitekit/notebooks/ (python -m sitekit.notebook writes the notebook) and build again. {text}")


def finish(html_text: str, page) -> str:
    """A notebook page's HTML as the rest of the site (joined_streams, notebook_math),
    unless its execution failed: then there is no notebook HTML to finish."""
    if page.file.abs_src_path in _broken:
        return html_text
    return notebook_math(joined_streams(html_text))


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
