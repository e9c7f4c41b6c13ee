"""The align blocks of a page: where they are (outside fenced code), their
TeX-comment directives (% domain:, % where:, % generic:, % prose-only:), and
the steps of each chain with the line each starts on."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sitekit.derivations.latex import split_top
from sitekit.derivations.report import DerivationError

DIRECTIVES = ("domain", "where", "generic", "prose-only")


@dataclass
class Step:
    number: int  # 1-based position in the chain; step 1 is the first left side
    line: int
    tex: str


@dataclass
class Block:
    line: int  # of \begin{align}
    body: list[tuple[int, str]]  # (line, text with comments removed)
    domain: list[tuple[int, str]] = field(default_factory=list)
    where: list[tuple[int, str]] = field(default_factory=list)
    prose_only: str | None = None
    generic: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


_BEGIN = re.compile(r"\\begin\{align\*?\}")

_END = re.compile(r"\\end\{align\*?\}")

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")

_COMMENT = re.compile(r"(?<!\\)%")

_DIRECTIVE = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:(.*)$")


def page_lines(markdown: str) -> Iterator[tuple[int, str, bool]]:
    """(line number, text, in fenced code?) of each line of a page; a fence's own
    lines are code. One reading of fences for every checker (blocks, display
    and inline formulas): a fence closes on the same character, as long or longer."""
    fence: str | None = None
    for number, raw in enumerate(markdown.splitlines(), start=1):
        match = _FENCE.match(raw)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            yield number, raw, True
        elif match:
            fence = match.group(1)
            yield number, raw, True
        else:
            yield number, raw, False


def extract_blocks(markdown: str) -> list[Block]:
    """The align blocks of a page, outside fenced code."""
    blocks: list[Block] = []
    current: Block | None = None
    for number, raw, code in page_lines(markdown):
        if current is None:
            if code:
                continue
            begin = _BEGIN.search(raw)
            if not begin:
                continue
            current = Block(number, [])
            raw = raw[begin.end() :]
        text, comment = _split_comment(raw)
        end = _END.search(text)
        if end:
            text, comment = text[: end.start()], None
        if comment is not None:
            _directive(current, number, comment)
        current.body.append((number, text))
        if end:
            blocks.append(current)
            current = None
    if current is not None:
        current.errors.append((current.line, "\\begin{align} has no \\end{align}"))
        blocks.append(current)
    return blocks


def _split_comment(line: str) -> tuple[str, str | None]:
    match = _COMMENT.search(line)
    return (line, None) if match is None else (line[: match.start()], line[match.end() :])


def _directive(block: Block, line: int, comment: str) -> None:
    match = _DIRECTIVE.match(comment)
    if not match:
        return
    name, value = match.group(1).lower(), match.group(2).strip()
    if name == "domain":
        if not value:
            block.errors.append((line, "`% domain:` needs conditions, e.g. `% domain: x > 0`"))
        block.domain.append((line, value))
    elif name == "where":
        if not value:
            block.errors.append((line, "`% where:` needs bindings, e.g. `% where: x = z_i`"))
        block.where.append((line, value))
    elif name == "generic":
        names = [n.strip() for n in value.split(",")]
        if not value or not all(re.fullmatch(r"[A-Za-z]", n) for n in names):
            block.errors.append((line, "`% generic:` needs one-letter function names, e.g. `% generic: g, h`"))
        block.generic += [(line, n) for n in names if n]
    elif name == "prose-only":
        if not value:
            block.errors.append((line, "`% prose-only:` needs a reason after the colon"))
        block.prose_only = value or "(no reason given)"
    else:
        close = difflib.get_close_matches(name, DIRECTIVES, n=1, cutoff=0.6)
        if close:
            block.errors.append((line, f"unknown directive `% {name}:`; did you mean `% {close[0]}:`?"))


def split_steps(block: Block) -> list[Step]:
    """The chain's expressions, with the line each starts on."""
    rows = _rows(block.body)
    rows = [(line, text) for line, text in rows if text.strip()]
    steps: list[Step] = []
    for index, (line, text) in enumerate(rows):
        text = re.sub(r"\\(nonumber|notag)\b|\\(label|tag\*?)\{[^{}]*\}", "", text)
        text = _alignment_out(text).strip()
        if index == len(rows) - 1:
            text = re.sub(r"(\s|\\[,;!: ]|\\q?quad)*[.,]\s*$", "", text)
        parts = split_top(text, "=")
        if index == 0:
            # A wide chain may put its left side alone on the first row: `left \\ &= right`.
            alone = len(parts) == 1 and len(rows) > 1
            if (len(parts) < 2 and not alone) or not parts[0].strip():
                raise DerivationError("the first line must read `left side &= right side`, "
                                      "or `left side` with the next line `&= right side`", line)
        elif parts[0].strip():
            raise DerivationError(
                "only the first line of a chain may have a left side; "
                "continue with `&= ...` or start a new align block",
                line,
            )
        else:
            parts = parts[1:]
        for part in parts:
            if not part.strip():
                raise DerivationError("empty side of `=`", line)
            steps.append(Step(len(steps) + 1, line, part.strip()))
    if len(steps) < 2:
        raise DerivationError("the block holds no equality", block.line)
    return steps


def _alignment_out(text: str) -> str:
    """The row without its alignment `&`s; those of an inner \\begin{cases} stay."""
    out, depth = [], 0
    for i, char in enumerate(text):
        depth += text.startswith("\\begin{", i) - text.startswith("\\end{", i)
        out.append(" " if char == "&" and depth == 0 and (i == 0 or text[i - 1] != "\\") else char)
    return "".join(out)


def _rows(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Split on `\\\\`; a row's line is where its first character stands."""
    rows: list[tuple[int, str]] = []
    current, start = [], None
    depth = 0  # inside \begin{cases} ... \end{cases}, `\\\\` separates its rows
    for line, text in body:
        i = 0
        while i < len(text):
            depth += text.startswith("\\begin{", i) - text.startswith("\\end{", i)
            if text.startswith("\\\\", i) and depth == 0:
                rows.append((start or line, "".join(current)))
                current, start = [], None
                spacing = re.compile(r"\s*\[[^\]]*\]").match(text, i + 2)  # \\[4pt]
                i = spacing.end() if spacing else i + 2
                continue
            step = 2 if text[i] == "\\" and i + 1 < len(text) else 1
            if start is None and not text[i].isspace():
                start = line
            current.append(text[i : i + step])
            i += step
        current.append("\n")
    rows.append((start or (body[-1][0] if body else 0), "".join(current)))
    return rows
