"""One entry of an exception table: sitekit/formula_exceptions.py (display
formulas, found by a fragment of their TeX) and sitekit/inline_exceptions.py
(inline formulas, found by their whole TeX) share this type."""

from __future__ import annotations

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
