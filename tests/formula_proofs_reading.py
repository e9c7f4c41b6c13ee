r"""Read a page's formula for tests/test_formula_proofs*.py: the TeX the page
shows (and its exception entry pins) goes through SymPy's LaTeX parser, with
only the notation the parser cannot read (\mathbb{E}[...], h'(x), ...) put in
first as named placeholders, so a changed sign or constant on the page
changes what the proof sees."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, NamedTuple

import sympy as sp

from sitekit import formula_exceptions, inline_exceptions
from sitekit.derivations.latex import group_end, normalize, parse

DOCS = Path(__file__).resolve().parents[1] / "docs"


class Proof(NamedTuple):
    page: str
    tex: str  # the formula's whole TeX, as the page shows it
    check: Callable[[str], bool]  # True when the formula, read from the TeX, holds (or a quoted mistake fails)
    fault: tuple[str, str]  # a one-place edit of the TeX that check must refuse
    display: bool = False  # a display formula (sitekit/formula_exceptions.py), else inline


def flat(tex: str) -> str:
    return " ".join(tex.split())


def page_line(page: str, tex: str) -> int:
    """The line of docs/<page> where the formula starts (whitespace-insensitive), or 0 if it is not there."""
    text = (DOCS / page).read_text(encoding="utf-8")
    words = [re.escape(w) for w in tex.split()]
    found = re.search(r"\s+".join(words), text)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def entries_naming(test_module: str) -> list[tuple[str, str, str]]:
    """(page, TeX or fragment, reason) of each exception entry whose reason names the module."""
    rows = [(e.page, e.formula, e.reason) for e in inline_exceptions.EXCEPTIONS]
    rows += [(e.page, e.fragment, e.reason) for e in formula_exceptions.EXCEPTIONS]
    return [row for row in rows if f"checked by: tests/{test_module}::" in row[2]]


def entry_for(proof: Proof) -> tuple[str, str, str] | None:
    """The exception entry that pins this formula: same page, and the inline entry's whole TeX
    or the display entry's fragment (whitespace-insensitive)."""
    if proof.display:
        rows = [(e.page, e.fragment, e.reason) for e in formula_exceptions.EXCEPTIONS]
        return next((r for r in rows if r[0] == proof.page and flat(r[1]) in flat(proof.tex)), None)
    rows = [(e.page, e.formula, e.reason) for e in inline_exceptions.EXCEPTIONS]
    return next((r for r in rows if r[0] == proof.page and flat(r[1]) == flat(proof.tex)), None)


def bracketed(tex: str, opener: str) -> list[tuple[int, int, str]]:
    r"""Each `opener` followed by a bracket ( [ or { in the TeX: (start, end, inside)."""
    found = []
    start = tex.find(opener)
    while start >= 0:
        open_at = start + len(opener)
        end = group_end(tex, open_at)
        assert end is not None, f"unbalanced bracket after {opener} in {tex}"
        found.append((start, end, tex[open_at + 1:end - 1]))
        start = tex.find(opener, end)
    return found


def read(tex: str, placeholders: dict[str, str] | None = None) -> sp.Expr:
    """The parser's reading of one side, each placeholder's TeX (which must occur) replaced first."""
    for old, new in (placeholders or {}).items():
        assert old in tex, f"`{old}` is not in `{tex}`: the page changed, review the proof"
        tex = tex.replace(old, new)
    return parse(normalize(tex))


def sides(tex: str, placeholders: dict[str, str] | None = None) -> list[sp.Expr]:
    """The sides of a chain a = b = c, split at the top-level `=`."""
    from sitekit.inline_formulas import equality_sides

    parts = equality_sides(tex)
    assert parts, f"`{tex}` is not an equality"
    return [read(part, {k: v for k, v in (placeholders or {}).items() if k in part}) for part in parts]


def evaluate(expr: sp.Expr, names: dict[str, object]) -> sp.Expr:
    """Give the parser's names their values: a symbol by its name, a function by its name
    (a callable); e and pi are the constants."""
    names = {"e": sp.E, "pi": sp.pi, **names}
    symbols = {s: names[s.name] for s in expr.free_symbols if s.name in names}
    expr = expr.xreplace(symbols)
    calls = {call: names[type(call).__name__](*call.args) for call in expr.atoms(sp.core.function.AppliedUndef)
             if type(call).__name__ in names}
    return expr.xreplace(calls)


def normal(variable: sp.Symbol, variance: sp.Expr, mean: sp.Expr = 0):
    return sp.exp(-(variable - mean) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance), -sp.oo, sp.oo


def uniform(variable: sp.Symbol, low: sp.Expr, high: sp.Expr):
    return 1 / (high - low), low, high


def expect(expr: sp.Expr, densities: dict) -> sp.Expr:
    """E[expr] for independent variables with the given densities (pdf, low, high), by
    iterated integrals term by term (sympy.stats got Var(w1 ReLU(z1) + w2 ReLU(z2)) wrong)."""
    expr = sp.expand(expr)
    total = sp.Integer(0)
    for term in (expr.args if expr.is_Add else (expr,)):
        for variable, (pdf, low, high) in densities.items():
            if term.has(variable):
                term = sp.integrate(sp.piecewise_fold((term * pdf).rewrite(sp.Piecewise)), (variable, low, high))
        total += term
    return sp.simplify(total)
