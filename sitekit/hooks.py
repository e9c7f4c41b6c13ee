"""MkDocs hooks for Backprop, Checked.

Each job here is one that no Markdown extension does:
- put the repository root on sys.path, so executed blocks can import sitekit;
- name the page in every warning logged while that page is rendered
  (markdown-exec names only the block);
- start the expensive checks in worker processes at the start of the build,
  and render the pages that summarise them last;
- key mkdocs-jupyter's cache of the executed notebook by our code and
  packages too, and keep the oracle's exact values (sitekit.cache);
- resolve and validate links in HTML that executed blocks write (sitekit.links);
- typeset every formula at build time with the pinned MathJax (sitekit.typeset):
  pages carry SVG and load no MathJax, and a malformed formula fails
  `mkdocs build --strict` with page and line.
"""

from __future__ import annotations

import logging
import posixpath
import re
import sys
import time
import warnings
from pathlib import Path

from mkdocs.structure.files import File
from mkdocs.utils import CountHandler

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sitekit import accuracy, cache, derivations, formulas, links, oracle, typeset  # noqa: E402

log = logging.getLogger("mkdocs.hooks.sitekit")

_state: dict = {"page": None, "files": None, "typesetter": None}


class _NamePage(logging.Filter):
    """Prefix each warning logged during a page's rendering with the page."""

    def filter(self, record: logging.LogRecord) -> bool:
        page = _state["page"]
        if page is not None and record.levelno >= logging.WARNING:
            message = record.getMessage()
            line = _block_line(message, page.file.content_string)
            prefix = f"docs/{page.file.src_uri}:{line}: " if line else f"docs/{page.file.src_uri}: "
            message = _follow_on(message, line)
            if not message.startswith(prefix.rstrip(" ")):
                record.msg, record.args = prefix + message, None
        return True


_filter = _NamePage()
_EXEC_FAILED = re.compile(r"(?:markdown_exec: )?Execution of (\w+ code block (?:'[^']*' )?)exited with")
_NAME_ERROR = re.compile(r"^\s*NameError: (.*)$", re.M)


def _block_line(message: str, source: str) -> int | None:
    """The line of the page where the code of a failed block starts (found by
    its lines; None for code included from a snippet file, named in its title)."""
    if not _EXEC_FAILED.match(message) or "Code block is:" not in message:
        return None
    code = message.split("Code block is:", 1)[1].split("Output is:", 1)[0]
    wanted = [line.strip() for line in code.splitlines() if line.strip()]
    lines = [line.strip() for line in source.splitlines()]
    for start in range(len(lines)):
        if wanted and lines[start:start + len(wanted)] == wanted:
            return start if start and lines[start - 1].startswith("```") else start + 1  # the fence's line
    return None


def _follow_on(message: str, line: int | None = None) -> str:
    """After a block of a page fails, a later block that only misses a name
    the failed one would have defined is reported in one line, not a second
    traceback (markdown-exec runs the blocks of a page in one session)."""
    failed = _EXEC_FAILED.match(message)
    if not failed:
        return message
    missing = _NAME_ERROR.search(message)
    if _state.get("failed_block") and missing:
        return (f"a later block fails with NameError ({missing.group(1)}), most likely because "
                f"the block that failed first ({_state['failed_block']}) did not define it: fix that one first")
    if not _state.get("failed_block"):
        _state["failed_block"] = failed.group(1).strip() + (f" at line {line}" if line else "")
    return message


def on_startup(command, dirty=False, **kwargs):
    _state["command"] = command
    _state["dirty"] = dirty


def on_pre_build(config, **kwargs):
    _state["started"] = time.time()


def on_config(config, **kwargs):
    # MkDocs restores sys.path after loading a hook; executed blocks need ROOT.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # `mkdocs serve` stops answering after a rebuild that strict mode aborts,
    # until the fault is fixed. While writing, a warning is printed (page and
    # line) and the server keeps going; `mkdocs build --strict` is the gate.
    # (build() attached strict mode's warning counter before this event.)
    if _state.get("command") == "serve":
        mkdocs_log = logging.getLogger("mkdocs")
        for handler in [h for h in mkdocs_log.handlers if isinstance(h, CountHandler)]:
            mkdocs_log.removeHandler(handler)
    # The logger's handlers exist once the CLI has started; attach to each.
    for handler in logging.getLogger("mkdocs").handlers:
        if _filter not in handler.filters:
            handler.addFilter(_filter)
    _state["typesetter"] = typeset.Typesetter()
    # mkdocs-jupyter caches an executed notebook by the notebook's bytes and
    # its own options, not by the code and packages the notebook runs. So
    # mkdocs.yml leaves its cache off, and here it is turned on in a folder
    # named by the fingerprint of all of those (sitekit.cache): the same
    # notebook under other code or packages is executed again.
    jupyter = config.plugins.get("mkdocs-jupyter")
    folder = cache.directory() / "notebooks" / cache.fingerprint()
    if jupyter is not None and cache.enabled() and cache.writable(folder):
        jupyter.config["cache"] = True
        jupyter.config["cache_dir"] = str(folder)
        cache.drop_damaged_notebooks(folder)
    return config


# Pages that summarise the whole site: rendered last, so that the checks of
# every other page (run by worker processes from the start of the build)
# are done by the time they are needed.
SUMMARY_PAGES = ("index.md", "about.md", "accuracy.md")
MATHJAX_CSS = "assets/stylesheets/mathjax.css"


def on_files(files, config, **kwargs):
    _state["files"] = files
    for src_uri in SUMMARY_PAGES:
        file = files.get_file_from_path(src_uri)
        if file is not None:
            files.remove(file)
            files.append(file)
    derivations.prefetch(sorted(Path(config["docs_dir"]).rglob("*.md")))
    accuracy.prefetch()
    # MathJax's CSS for the SVG the build puts in the pages (mkdocs.yml's extra_css).
    files.append(File.generated(config, MATHJAX_CSS, content=_state["typesetter"].stylesheet()))
    return files


def on_page_markdown(markdown, page, **kwargs):
    _state["page"] = page
    _state["failed_block"] = None
    # While the page renders, its executed blocks run: a floating-point or
    # user warning in one is an error, which markdown-exec reports for the
    # block (and --strict fails on), instead of a line logged at INFO.
    # A block that shows a warning on purpose catches it (sitekit.tables.call).
    _state["warnings"] = warnings.catch_warnings()
    _state["warnings"].__enter__()
    warnings.simplefilter("error", RuntimeWarning)
    warnings.simplefilter("error", UserWarning)
    # Every align chain, each step checked equal to the one before it; line
    # numbers refer to the file, so check its full text (front matter included).
    report = derivations.check_markdown(page.file.content_string, page.file.src_uri)
    for error in report.errors:
        log.warning(error)
    # Every display formula outside the chains (sitekit.formulas, exceptions declared in formula_exceptions.py).
    for error in formulas.check_markdown(page.file.content_string, page.file.src_uri).errors:
        log.warning(error)
    for problem in missing_includes(page.file.content_string, page.file.src_uri):
        log.warning(problem)
    return _mark_blocks(markdown, report.outcomes, page.file.src_uri)


_INCLUDE = re.compile(r'^[ \t]*--8<-- "([^"]+)"', re.M)


def missing_includes(text: str, src_uri: str) -> list[str]:
    """Each `--8<-- "file:section"` whose file or section does not exist, by
    page line, file and the sections it has (pymdownx names neither file nor line)."""
    problems = []
    for match in _INCLUDE.finditer(text):
        where = f"docs/{src_uri}:{text.count(chr(10), 0, match.start()) + 1}"
        path, _, section = match.group(1).partition(":")
        file = ROOT / "snippets" / path
        if not file.is_file():
            problems.append(f"{where}: --8<-- {match.group(1)!r}: no file snippets/{path}")
            continue
        if not section or section.replace(":", "").replace("-", "").isdigit():
            continue  # the whole file, or a range of lines
        found = re.findall(r"--8<-- \[start:([\w-]+)\]", file.read_text(encoding="utf-8"))
        if section not in found:
            problems.append(f"{where}: --8<-- {match.group(1)!r}: snippets/{path} has no section [{section}]"
                            f" (it has: {', '.join(found) or 'none'})")
    return problems


def _mark_blocks(markdown: str, outcomes, src_uri: str) -> str:
    """Put the checker's verdict under each derivation block, at its indentation."""
    blocks = derivations.extract_blocks(markdown)
    if len(blocks) != len(outcomes):  # front matter cannot hold a block
        raise RuntimeError(f"docs/{src_uri}: {len(blocks)} align blocks rendered, {len(outcomes)} checked")
    about = posixpath.relpath("about.md", posixpath.dirname(src_uri) or ".")
    lines = markdown.split("\n")
    for block, (equalities, problem) in sorted(zip(blocks, outcomes), key=lambda b: -b[0].line):
        if problem == "failed":
            continue  # the build fails on this block already
        end = block.body[-1][0]
        indent = lines[end - 1][: len(lines[end - 1]) - len(lines[end - 1].lstrip())]
        if problem is None:
            noun = "equality" if equalities == 1 else "equalities"
            text = (f'<span class="derivation-check">✓ checked</span> '
                    f"by computer: {equalities} {noun}, each line equal to the one before "
                    f"([how]({about}#derivations)).")
        else:
            text = f'<span class="derivation-check unchecked">not checked</span> {problem}.'
        lines[end:end] = ["", indent + text, ""]
    return "\n".join(lines)


def on_page_content(html, page, **kwargs):
    if _state.get("warnings") is not None:
        _state.pop("warnings").__exit__(None, None, None)
    if page.file.src_uri.endswith(".ipynb"):
        html = notebook_math(html)
    # The stamp markers of shared helpers (sitekit.stamp) are for maintainers:
    # a code block shows and copies the code between them, not the markers.
    html = _STAMP_LINE.sub("", html)
    html, broken = links.rewrite(html, page.file.src_uri, _state["files"])
    for message in broken:
        log.warning(f"docs/{page.file.src_uri}: {message}")
    source = page.file.content_string if page.file.src_uri.endswith(".md") else ""
    html, errors = _state["typesetter"].page(html)
    for tex, message in errors:
        line = typeset.line_of(tex, source)
        where = f"docs/{page.file.src_uri}:{line}" if line else f"docs/{page.file.src_uri}"
        log.warning(f"{where}: MathJax cannot typeset formula: {message}\n    {tex.strip()[:200]}")
    _state["page"] = None
    return html


_STAMP_LINE = re.compile(
    r'<a id="__codelineno-[\w-]+" name="__codelineno-[\w-]+" href="#__codelineno-[\w-]+"></a>'
    r'<span class="c1"># (?:end )?stamp: [^<]*</span>\n'
)
_NOTEBOOK_MATHJAX = re.compile(
    r'<!-- Load mathjax -->\s*<script src="[^"]*">\s*</script>\s*'
    r'<!-- MathJax configuration -->\s*<script type="text/x-mathjax-config">.*?</script>\s*',
    re.S,
)
_MARKDOWN_CELL = re.compile(r'(<div class="[^"]*jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S)
_DISPLAY = re.compile(r"(?:<p>)?\$\$(.+?)\$\$(?:</p>)?", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")


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


def on_post_build(config, **kwargs):
    oracle.save()  # the exact values this build computed, kept for the next
    _state["typesetter"].close()
    # A full build has read or written every result it uses: the rest is
    # from older code or pages. (`serve --dirty` renders only some pages.)
    if not _state.get("dirty") and cache.pruning():
        removed = cache.prune(_state["started"])
        if removed:
            log.info(f"cache: removed {removed} results this build did not use")
