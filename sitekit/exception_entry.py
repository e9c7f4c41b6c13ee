"""One entry of an exception table: sitekit/formula_exceptions.py (display
formulas, found by a fragment of their TeX) and sitekit/inline_exceptions.py
(inline formulas, found by their whole TeX) share this type, and the report
of an entry whose formula was edited since it was pinned."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import NamedTuple


class Entry(NamedTuple):
    page: str  # relative to docs/
    tex: str  # a display formula's fragment, or an inline formula's whole TeX
    reason: str  # starts with its kind: "definition:", "checked by:", "hint:", ...
    # (TeX, replacement) put into the formula before it is checked, for names
    # the prose defines (\Phi(x), u): the formula is then checked, not excepted.
    hint: tuple[tuple[str, str], ...] = ()
    # Where the prose says the formula holds (the parameters' ranges, or a
    # parameter fixed, \beta = 0), as a chain's `% domain:` line.
    domain: str = ""

    @property
    def kind(self) -> str:
        return self.reason.split(":", 1)[0]

    @property
    def fragment(self) -> str:
        """The display-formula table's name for `tex`."""
        return self.tex

    @property
    def formula(self) -> str:
        """The inline-formula table's name for `tex`."""
        return self.tex


def entry_line(table: str, entry: Entry) -> str:
    """`sitekit/<table>.py:N`, N the line holding the entry's TeX (as the table writes it)."""
    path = Path(__file__).resolve().parent / f"{table}.py"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if repr(entry.tex) in line or repr(entry.tex).replace("'", '"') in line:
            return f"sitekit/{table}.py:{n}"
    return f"sitekit/{table}.py"


def edited(entry: Entry, formulas: list[str]) -> int | None:
    """The index of the formula an unused entry most likely pinned before an edit:
    the closest by text, if close enough to be the same formula changed."""
    pinned = " ".join(entry.tex.split())
    ratios = [difflib.SequenceMatcher(None, pinned, flat, autojunk=False).ratio() for flat in formulas]
    best = max(range(len(ratios)), key=ratios.__getitem__, default=None)
    return best if best is not None and ratios[best] >= 0.8 else None


def edited_message(label: str, table: str, entry: Entry, formula, checks: bool = False) -> str:
    """What to say when a pinned formula was edited, at the line of the first difference:
    where it was pinned, and how the entry says it is checked."""
    pinned, now = " ".join(entry.tex.split()), formula.flat
    at = next((i for i, (a, b) in enumerate(zip(pinned, now)) if a != b), min(len(pinned), len(now)))
    # flat offset -> offset in the TeX, whose words flat joins with one space
    offset, seen = 0, 0
    for word in re.finditer(r"\S+", formula.tex):
        if seen + len(word.group()) >= at:
            offset = word.start() + max(0, at - seen)
            break
        seen += len(word.group()) + 1
    todo = ("it is now checked here as it stands: delete the entry" if checks else
            "if the edit is right, check it as the entry says and copy the new TeX into the entry; if not, undo it")
    return (f"{label}:{formula.line_at(offset)}: formula edited since it was pinned (stale entry in "
            f"{entry_line(table, entry)}, {entry.reason.split(' (')[0]}); {todo}"
            f"\n    pinned: {pinned}\n    now:    {now}")


def report_edited(entry: Entry, unmatched: list, errors: list, label: str, table: str) -> bool:
    """Whether an unused entry pinned one of the unmatched formulas before an edit; if so,
    the edited message takes the place of that formula's own errors (its slice in errors;
    the list keeps its length, the caller drops the None) and the formula leaves unmatched."""
    k = edited(entry, [formula.flat for formula, _ in unmatched])
    if k is None:
        return False
    formula, own = unmatched.pop(k)
    message = edited_message(label, table, entry, formula, checks=own.stop == own.start)
    if own.stop > own.start:
        errors[own] = [message] + [None] * (own.stop - own.start - 1)
    else:
        errors.append(message)
    return True
