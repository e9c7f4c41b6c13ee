"""Check the equalities a reader sees outside the derivation chains.

sitekit.derivations checks every `\\begin{align}` chain. This module checks
every display formula `\\[ ... \\]` of a page outside fenced code, and,
through sitekit.inline_formulas, every inline formula `\\( ... \\)`. A formula is cut into statements at
top-level `\\qquad` / `\\quad` (e.g. `f'(x) = ..., \\qquad 0 < f'(x) < 1`);
a statement with a relation other than `=` (`<`, `\\le`, `\\approx`, `\\in`,
`\\to`, ...) or with no `=` is not an equality and is only counted. The sides
of an equality (split at top-level `=`, not inside braces) are read with the
derivation checker's parser and names (derivations.meaning, Context: the
page's definition, FUNCTION_ALIASES, indices, sums) and each adjacent pair is
compared by derivations.check_equal, at the same sample points as a chain.

Each formula ends in one of three outcomes:
- checked: every equality of every statement holds;
- failed: an error naming page:line (the line where the right side starts),
  the two sides and where they differ; the build fails on it;
- an exception: sitekit/formula_exceptions.py declares it (a definition,
  notation the parser cannot read, or checked another way), with a reason.
A formula the parser cannot read and that is not in that table fails, and
so does a table entry whose formula is gone (stale), or an "unreadable" entry
whose formula the checker now reads and checks (stale too: remove it).

`python -m sitekit.formulas [-v] [FILE ...]` (`--help`: usage) checks the given pages (default: all
of docs/), prints the failures and the counts, and exits 1 on any failure.
The MkDocs hook calls `check_markdown(markdown, page.file.src_uri)`.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sitekit import cache, inline_formulas
from sitekit.derivations import (
    split_top,
    DOCS,
    parse_domain,
    DerivationError,
    check_equal,
    meaning,
    page_sources,
    page_name,
)
from sitekit.derivations.blocks import page_lines

# The code a page's formula check reads: sitekit/ only (no snippet: the
# formulas are checked against the definitions and each other).
CODE = cache.SITEKIT

# Relations that make a statement something other than an equality.
_NOT_EQUALITY = re.compile(
    r"\\(?:approx|le|leq|ge|geq|lt|gt|ne|neq|in|notin|to|mapsto|sim|simeq|propto|equiv|ll|gg|"
    r"subset|subseteq|rightarrow|Rightarrow|longrightarrow|iff|implies|coloneqq|triangleq)(?![A-Za-z])"
    r"|[<>≤≥≠≈]|:="
)
_CASES = re.compile(r"\\begin\{cases\}.*?\\end\{cases\}", re.S)
_SEPARATOR = re.compile(r"\\q?quad(?![A-Za-z])")
_TRAILING = re.compile(r"(\s|\\[,;!: ]|\\q?quad(?![A-Za-z]))*[.,;]?(\s|\\[,;!: ])*$")


@dataclass
class Formula:
    line: int  # of `\[`
    tex: str  # between `\[` and `\]`, newlines kept
    first: int  # the line the TeX starts on (the line of `\[`)

    def line_at(self, offset: int) -> int:
        return self.first + self.tex.count("\n", 0, offset)

    @property
    def flat(self) -> str:
        return " ".join(self.tex.split())


def extract_formulas(markdown: str) -> list[Formula]:
    """The display formulas `\\[ ... \\]` of a page, outside fenced code."""
    formulas: list[Formula] = []
    open_at: int | None = None
    collected: list[str] = []
    for number, raw, code in page_lines(markdown):
        if open_at is None and code:
            continue
        position = 0
        while True:
            if open_at is None:
                start = _find(raw, "\\[", position)
                if start < 0:
                    break
                open_at, collected, position = number, [], start + 2
                first = number
            end = _find(raw, "\\]", position)
            if end < 0:
                collected.append(raw[position:])
                break
            collected.append(raw[position:end])
            formulas.append(Formula(open_at, "\n".join(collected), first))
            open_at, position = None, end + 2
    return formulas


def _find(text: str, token: str, start: int) -> int:
    """Index of `\\[` or `\\]` at `start` or after, not the `\\\\[4pt]` of a line break."""
    i = text.find(token, start)
    while i > 0 and text[i - 1] == "\\":
        i = text.find(token, i + 1)
    return i


# ---------------------------------------------------------------------------
# Report


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    formulas: int = 0
    checked: int = 0  # formulas whose every equality holds
    equalities: int = 0  # side-to-side equalities checked
    failed: int = 0
    hinted: int = 0  # of the checked, with names put in from sitekit/formula_exceptions.py
    not_equalities: int = 0  # formulas with no `=` statement to check
    exceptions: dict[str, int] = field(default_factory=dict)  # kind -> formulas
    lines: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # Inline formulas (sitekit.inline_formulas): counts by kind, and declared exceptions by kind.
    inline: dict[str, int] = field(default_factory=dict)
    inline_exceptions: dict[str, int] = field(default_factory=dict)

    def __iadd__(self, other: Report) -> Report:
        self.errors += other.errors
        self.formulas += other.formulas
        self.checked += other.checked
        self.equalities += other.equalities
        self.failed += other.failed
        self.hinted += other.hinted
        self.not_equalities += other.not_equalities
        for kind, count in other.exceptions.items():
            self.exceptions[kind] = self.exceptions.get(kind, 0) + count
        self.lines += other.lines
        self.seconds += other.seconds
        for mine, theirs in ((self.inline, other.inline), (self.inline_exceptions, other.inline_exceptions)):
            for kind, count in theirs.items():
                mine[kind] = mine.get(kind, 0) + count
        return self

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.exceptions.items())) or "none"
        return (f"{self.formulas} display formulas: {self.checked} checked ({self.equalities} equalities, "
                f"{self.hinted} with a hint), "
                f"{sum(self.exceptions.values())} exceptions ({kinds}), "
                f"{self.not_equalities} not equalities, {self.failed} failed; " + self.inline_summary())

    def inline_summary(self) -> str:
        counts, kinds = self.inline, self.inline_exceptions
        declared = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
        return (f"{counts.get('inline formulas', 0)} inline formulas, {counts.get('with =', 0)} with `=`: "
                f"{counts.get('value', 0)} values, {counts.get('index condition', 0)} index conditions, "
                f"{counts.get('definition', 0)} definitions, {counts.get('checked', 0)} checked "
                f"({counts.get('equalities', 0)} equalities, {counts.get('hinted', 0)} with a hint), "
                f"{counts.get('quoted as wrong', 0)} quoted as wrong, "
                f"{counts.get('not an equality', 0)} not equalities, "
                f"{sum(kinds.values())} exceptions ({declared}), "
                f"{counts.get('failed', 0) + counts.get('unreadable', 0)} failed")


# ---------------------------------------------------------------------------
# Checking


def statements(formula: Formula) -> list[tuple[int, str]]:
    """(offset in formula.tex, text) of each statement: split at top-level \\qquad / \\quad."""
    pieces, last = [], 0
    depth, i, tex = 0, 0, formula.tex
    while i < len(tex):
        if tex[i] == "\\":
            match = _SEPARATOR.match(tex, i)
            if match and depth == 0:
                pieces.append((last, tex[last:i]))
                last = i = match.end()
                continue
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        i += 1
    pieces.append((last, tex[last:]))
    return [(offset, _TRAILING.sub("", text)) for offset, text in pieces if _TRAILING.sub("", text).strip()]




# A name being introduced: z_k, \\hat{x}_n, \\delta^{(l)}_j, \\operatorname{Var}(w), E(u, v).
_NAME = re.compile(r"(?:\\(?:hat|bar|tilde)\{)?\\?[A-Za-z]+\}?(?:\s*[_^]\s*(?:\{[^{}=]*\}|\\?[A-Za-z0-9]+))*"
                   r"|\\operatorname\{\w+\}\([^()=]*\)|[A-Za-z](?:_\{[^{}=]*\})?\([^()=]*\)")


def _sides(offset: int, text: str) -> list[tuple[int, str]]:
    """(offset, text) of each side of `=`, split at top level."""
    sides, position = [], offset
    # `u = v` inside \\begin{cases} is a branch's condition: hide it from the split.
    masked = _CASES.sub(lambda m: m.group(0).replace("=", "\0"), text)
    for part in (p.replace("\0", "=") for p in split_top(masked, "=")):
        sides.append((position + len(part) - len(part.lstrip()), part.strip()))
        position += len(part) + 1
    return sides


def check_formula(formula: Formula, label: str, page: str | None,
                  hint: tuple[tuple[str, str], ...] = (), defines: bool = False,
                  where: str = "") -> tuple[str, list[str], int]:
    """("checked" | "failed" | "not an equality", errors, equalities checked).
    hint: (TeX, replacement) pairs put in first, for names the prose defines.
    defines: a statement's first side that is a bare name (`Y = ...`) is the
    name being introduced: not compared, the sides after it are."""
    for name, value in hint:
        # The name as a token: the u of a hint is not the u of \\qquad.
        pattern = re.compile((r"(?<![\\A-Za-z])" if name[0].isalpha() else "") + re.escape(name)
                             + (r"(?![A-Za-z])" if name[-1].isalpha() else ""))
        if not pattern.search(formula.tex):
            return "failed", [f"{label}:{formula.line}: the hint `{name}` of sitekit/formula_exceptions.py "
                              f"is not in the formula\n    {formula.flat}"], 0
        # Same number of newlines, so lines still point into the page.
        formula = Formula(formula.line, pattern.sub(lambda _: "{" + value + "}", formula.tex), formula.first)
    errors: list[str] = []
    equalities = 0
    try:
        context, domain = parse_domain([(formula.line, where)] if where else [], page)
    except DerivationError as error:
        return "failed", [f"{label}:{formula.line}: the domain `{where}` of sitekit/formula_exceptions.py: "
                          f"{error}\n    {formula.flat}"], 0
    x = context.x
    for offset, text in statements(formula):
        # A relation inside \\begin{cases} is a branch's condition, not the statement's.
        if _NOT_EQUALITY.search(_CASES.sub("", text)) or "=" not in text:
            continue
        sides = _sides(offset, text)
        if defines and _NAME.fullmatch(sides[0][1]):
            sides = sides[1:]
        if len(sides) < 2:
            continue
        values = []
        for position, side in sides:
            line = formula.line_at(position)
            if not side:
                errors.append(f"{label}:{line}: formula cannot be checked: empty side of `=`\n    {formula.flat}")
                return "failed", errors, equalities
            try:
                values.append(meaning(side, context)[0])
            except DerivationError as error:
                errors.append(
                    f"{label}:{line}: formula cannot be checked: {error}\n    side: {side}\n"
                    f"    fix the TeX, or declare the formula in sitekit/formula_exceptions.py "
                    f"(page, a fragment of it, why it is not checked here)")
                return "failed", errors, equalities
        for (_, left), (right_at, right), a, b in zip(sides, sides[1:], values, values[1:]):
            equalities += 1
            verdict = check_equal(a, b, x, domain)
            if not verdict.equal:
                errors.append(f"{label}:{formula.line_at(right_at)}: formula: left ≠ right ({verdict.detail})"
                              f"\n    left:  {left}\n    right: {right}")
    if errors:
        return "failed", errors, equalities
    return ("checked" if equalities else "not an equality"), errors, equalities


def check_markdown(markdown: str, src_uri: str, label: str | None = None) -> Report:
    """Check every display formula of one page; kept on disk under the page's
    text and all code it depends on (sitekit.cache), as derivations does."""
    key = (markdown, src_uri, label)
    return Report(**cache.memo("formulas", key, lambda: asdict(_check_markdown(*key)), code=CODE))


def _check_markdown(markdown: str, src_uri: str, label: str | None) -> Report:
    from sitekit.exception_entry import report_edited
    from sitekit.formula_exceptions import EXCEPTIONS

    started = time.perf_counter()
    src_uri = src_uri.replace("\\", "/").removeprefix("docs/")
    label, page = label or f"docs/{src_uri}", page_name(src_uri)
    report = Report()
    entries = [e for e in EXCEPTIONS if e.page == src_uri]
    used: set[int] = set()
    unmatched: list[tuple] = []  # (formula, its errors' slice in report.errors)
    for formula in extract_formulas(markdown):
        report.formulas += 1
        where = f"{label}:{formula.line}"
        matches = [i for i, e in enumerate(entries) if " ".join(e.fragment.split()) in formula.flat]
        if len(matches) > 1:
            report.errors.append(f"{where}: formula matches {len(matches)} entries of "
                                 f"sitekit/formula_exceptions.py; keep one\n    {formula.flat}")
        if matches:
            used.add(matches[0])
            entry = entries[matches[0]]
            if entry.hint or entry.domain:
                outcome, errors, equalities = check_formula(formula, label, page, entry.hint, where=entry.domain)
                report.errors += errors
                report.equalities += equalities
                report.checked += outcome == "checked"
                report.failed += outcome == "failed"
                report.hinted += 1
                report.lines.append(f"{where}: {outcome} with a hint ({entry.reason})")
                continue
            report.exceptions[entry.kind] = report.exceptions.get(entry.kind, 0) + 1
            if entry.kind == "unreadable" and check_formula(formula, label, page)[0] == "checked":
                # A reading that improved must not leave a false "unreadable" claim (about.md prints them).
                report.errors.append(f"{where}: stale entry in sitekit/formula_exceptions.py: the checker now "
                                     f"reads and checks this formula (it holds); remove the entry\n"
                                     f"    {formula.flat}")
            checked = ""
            if entry.kind == "definition":
                # The name it introduces is not compared; any further equality is.
                outcome, errors, equalities = check_formula(formula, label, page, defines=True)
                report.errors += errors
                report.equalities += equalities
                checked = f", {equalities} further equalities checked" if equalities else ""
            report.lines.append(f"{where}: exception ({entry.reason}){checked}")
            continue
        outcome, errors, equalities = check_formula(formula, label, page)
        unmatched.append((formula, slice(len(report.errors), len(report.errors) + len(errors))))
        report.errors += errors
        report.equalities += equalities
        if outcome == "checked":
            report.checked += 1
        elif outcome == "failed":
            report.failed += 1
        else:
            report.not_equalities += 1
        report.lines.append(f"{where}: {outcome}" + (f", {equalities} equalities" if equalities else ""))
    inline = inline_formulas.check_page(markdown, src_uri, label, page)
    report.inline, report.inline_exceptions = inline["counts"], inline["exceptions"]
    report.errors += inline["errors"]
    report.lines += inline["lines"]
    for i, entry in enumerate(entries):
        if i in used:
            continue
        # A pinned formula edited: say so at its line, instead of why the generic checker cannot read it.
        if report_edited(entry, unmatched, report.errors, label, "formula_exceptions"):
            continue
        report.errors.append(f"{label}: stale entry in sitekit/formula_exceptions.py: no display formula "
                             f"contains `{entry.fragment}`; delete the entry or fix its fragment")
    report.errors = [e for e in report.errors if e is not None]
    report.seconds = time.perf_counter() - started
    return report


def check_files(paths: list[Path]) -> Report:
    report = Report()
    for text, src_uri, label in page_sources(paths):
        report += check_markdown(text, src_uri, label)
    return report


USAGE = """usage: python -m sitekit.formulas [-v] [PAGE.md ...]

Check the display and inline formulas of the given pages (default: every page
of docs/), print each failure with its page and line, and the counts.
  -v          also print one line per formula (its outcome)
  -h, --help  show this message
Exit status: 0 if every formula passes, 1 on a failure, 2 on a usage error."""


def main(argv: list[str]) -> int:
    if any(a in ("-h", "--help") for a in argv):
        print(USAGE)
        return 0
    unknown = [a for a in argv if a.startswith("-")]
    missing = [a for a in argv if not a.startswith("-") and not Path(a).is_file()]
    if unknown or missing:
        print(f"sitekit.formulas: {'unknown option' if unknown else 'no such page'}: "
              f"{(unknown or missing)[0]}\n{USAGE}", file=sys.stderr)
        return 2
    paths = [Path(a) for a in argv] or sorted(DOCS.rglob("*.md"))
    started = time.perf_counter()
    report = check_files(paths)
    if "-v" in sys.argv:
        print("\n".join(report.lines))
    for error in report.errors:
        print(error)
    print(f"{report.summary()}; {len(report.errors)} errors; {len(paths)} files "
          f"in {time.perf_counter() - started:.2f} s")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main([a for a in sys.argv[1:] if a != "-v"]))
