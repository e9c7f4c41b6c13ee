"""The executed blocks of a page (markdown-exec), as the hook runs them.

While a page renders, a floating-point or user warning in one of its blocks
is an error, which markdown-exec reports for the block (and --strict fails
on), instead of a line logged at INFO. A block that shows a warning on
purpose catches it (sitekit.tables.call).
Every warning logged while the page renders names the page, and a failed
block the line of its fence (markdown-exec names only the block); after a
failure, a later block that only misses a name the failed one would have
defined is reported in one line, not a second traceback.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from pathlib import Path

from sitekit.notebook import section_of

# The page being rendered and the first block of it that failed.
state: dict = {"page": None, "failed_block": None, "warnings": None}

_EXEC_FAILED = re.compile(r"(?:markdown_exec: )?Execution of (\w+ code block (?:'[^']*' )?)exited with")
_NAME_ERROR = re.compile(r"^\s*NameError: (.*)$", re.M)


class _NamePage(logging.Filter):
    """Prefix each warning logged during a page's rendering with the page."""

    def filter(self, record: logging.LogRecord) -> bool:
        page = state["page"]
        if page is not None and record.levelno >= logging.WARNING:
            message = record.getMessage()
            source, snippets = page.file.content_string, _snippets_dir(page)
            line = block_line(message, source, snippets)
            # The page line that failed inside the block, else the block's fence.
            at = failing_line(message, source, snippets, line) or line
            prefix = f"docs/{page.file.src_uri}:{at}: " if at else f"docs/{page.file.src_uri}: "
            origin = snippet_origin(message, source, snippets)
            prefix += f"{origin}: " if origin else ""
            message = follow_on(message, line)
            raised = _raised(message)
            prefix += f"{raised}; " if raised else ""
            if not message.startswith(prefix.rstrip(" ")):
                record.msg, record.args = prefix + message, None
        return True


_filter = _NamePage()


def name_the_page_in_warnings() -> None:
    """Attach the filter to each of MkDocs' log handlers (they exist once the CLI has started)."""
    for handler in logging.getLogger("mkdocs").handlers:
        if _filter not in handler.filters:
            handler.addFilter(_filter)


def page_started(page) -> None:
    """The page's blocks are about to run: warnings are errors until blocks_done()."""
    state["page"] = page
    state["failed_block"] = None
    _snippet_lines.cache_clear()
    state["warnings"] = warnings.catch_warnings()
    state["warnings"].__enter__()
    warnings.simplefilter("error", RuntimeWarning)
    warnings.simplefilter("error", UserWarning)


def blocks_done() -> None:
    """The page's blocks have run (its HTML is made): warnings are warnings again."""
    if state.get("warnings") is not None:
        state.pop("warnings").__exit__(None, None, None)
        state["warnings"] = None


def page_done() -> None:
    state["page"] = None


def _snippets_dir(page) -> Path | None:
    """snippets/ beside the page's docs/ (pymdownx.snippets' base_path in mkdocs.yml)."""
    source = getattr(page.file, "abs_src_path", None)
    if not source:
        return None
    docs = Path(source).parents[len(Path(page.file.src_uri).parts) - 1]
    return docs.parent / "snippets"


_INCLUDE = re.compile(r'^--8<--\s+"([^":]+)(?::([\w-]+))?"$')


@functools.lru_cache(maxsize=None)
def _snippet_lines(path: Path) -> list[str] | None:
    """A snippet file's lines, read once per page (block_line and snippet_origin
    both read the files of one message); page_started empties the cache."""
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else None


def _included(line: str, snippets: Path | None) -> list[str]:
    """A fence's line with each `--8<-- "file:section"` put in as pymdownx.snippets does."""
    include = _INCLUDE.match(line)
    lines = _snippet_lines(snippets / include.group(1)) if include and snippets is not None else None
    if lines is None:
        return [line]
    try:
        return section_of(lines, include.group(2), stamps=True)  # markdown-exec ran the stamp lines too
    except ValueError:
        return []


def block_line(message: str, source: str, snippets: Path | None = None) -> int | None:
    """The line of the page where a failed block's fence is: found by the
    block's code, with the code a fence includes from snippets/ put in."""
    if not _EXEC_FAILED.match(message) or "Code block is:" not in message:
        return None
    code = message.split("Code block is:", 1)[1].split("Output is:", 1)[0]
    wanted = [line.strip() for line in code.splitlines() if line.strip()]
    lines = [line.strip() for line in source.splitlines()]
    for start in range(len(lines)):
        if wanted and lines[start:start + len(wanted)] == wanted:
            return start if start and lines[start - 1].startswith("```") else start + 1  # the fence's line
    # A block whose code comes from snippets/: its fence, with the includes put in.
    for start, line in enumerate(lines):
        if line.startswith("```") and 'exec="on"' in line:
            end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("```")), len(lines))
            body = [t.strip() for raw in lines[start + 1:end] for t in _included(raw, snippets)]
            if wanted and [t for t in body if t] == wanted:
                return start + 1
    return None


# A traceback frame of a code block: (the block, its line, the source text of that line).
_FRAMES = re.compile(r'^\s*File "(<code block[^"]*>)", line (\d+), in \S+\n\s*(\S.*)$', re.M)


def snippet_origin(message: str, source: str, snippets: Path | None) -> str | None:
    """snippets/<file>:<line> of the innermost failing line of a block's traceback, where
    that line is one line of a file the page includes (code from snippets/ runs as the block's)."""
    frames = _FRAMES.findall(message) if _EXEC_FAILED.match(message) else []
    if not frames or snippets is None:
        return None
    failing = frames[-1][2].strip()
    found = set()
    for include in {m.group(1) for m in (_INCLUDE.match(t.strip()) for t in source.splitlines()) if m}:
        found |= {f"snippets/{include}:{n}" for n, text in
                  enumerate(_snippet_lines(snippets / include) or [], start=1) if text.strip() == failing}
    return found.pop() if len(found) == 1 else None


_RAISED = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Warning|Exception)\b.*)$", re.M)


def failing_line(message: str, source: str, snippets: Path | None, fence: int | None) -> int | None:
    """The page line of the innermost frame of the failed block that is the page's
    own code (not code it includes from snippets/), by its line in the block."""
    frames = _FRAMES.findall(message) if fence and _EXEC_FAILED.match(message) else []
    if not frames:
        return None
    lines = source.splitlines()
    end = next((i for i in range(fence, len(lines)) if lines[i].strip().startswith("```")), len(lines))
    body: list[tuple[int, str, bool]] = []  # (page line, code line, from snippets/)
    for number in range(fence + 1, end + 1):
        raw = lines[number - 1]
        put_in = _included(raw.strip(), snippets)
        body += [(number, text, put_in != [raw.strip()]) for text in put_in]
    block = frames[0][0]  # the traceback starts in the block that failed
    for name, n, text in reversed(frames):
        k = int(n) - 1
        if name == block and k < len(body) and not body[k][2] and body[k][1].strip() == text.strip():
            return body[k][0]
    return None


def _raised(message: str) -> str | None:
    """The exception a failed block's traceback ends with, for the message's first line."""
    if not _EXEC_FAILED.match(message):
        return None
    found = _RAISED.findall(message.split("Output is:", 1)[-1])
    return found[-1].strip()[:200] if found else None


def follow_on(message: str, line: int | None = None) -> str:
    """After a block of a page fails, a later block that only misses a name
    the failed one would have defined is reported in one line, not a second
    traceback (markdown-exec runs the blocks of a page in one session)."""
    failed = _EXEC_FAILED.match(message)
    if not failed:
        return message
    missing = _NAME_ERROR.search(message)
    if state.get("failed_block") and missing:
        return (f"a later block fails with NameError ({missing.group(1)}), most likely because "
                f"the block that failed first ({state['failed_block']}) did not define it: fix that one first")
    if not state.get("failed_block"):
        state["failed_block"] = failed.group(1).strip() + (f" at line {line}" if line else "")
    return message
