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

import logging
import re
import warnings

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
            line = block_line(message, page.file.content_string)
            prefix = f"docs/{page.file.src_uri}:{line}: " if line else f"docs/{page.file.src_uri}: "
            message = follow_on(message, line)
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


def block_line(message: str, source: str) -> int | None:
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
