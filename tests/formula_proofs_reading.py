r"""Read a page's formula for tests/test_formula_proofs*.py: the TeX the page
shows (and its exception entry pins) goes through SymPy's LaTeX parser, with
only the notation the parser cannot read (\mathbb{E}[...], h'(x), ...) put in
first as named placeholders, so a changed sign or constant on the page
changes what the proof sees."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, NamedTuple

import pytest
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


def display_formula(page: str, start: str) -> str:
    """The display formula of docs/<page> that starts with `start` (flat, final punctuation off):
    a definition a proof reads from the page rather than retypes."""
    from sitekit.formulas import extract_formulas

    found = [f.flat for f in extract_formulas((DOCS / page).read_text(encoding="utf-8")) if f.flat.startswith(start)]
    assert len(found) == 1, f"docs/{page}: {len(found)} display formulas start with `{start}`"
    return found[0].rstrip(",.").strip()


def page_line(page: str, tex: str) -> int:
    """The line of docs/<page> where the formula starts (whitespace-insensitive), or 0 if it is not there."""
    text = (DOCS / page).read_text(encoding="utf-8")
    words = [re.escape(w) for w in tex.split()]
    found = re.search(r"\s+".join(words), text)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def entries_naming(test_module: str) -> list[tuple[str, str, str]]:
    """(page, TeX or fragment, reason) of each exception entry whose reason names the module."""
    rows = [(e.page, e.tex, e.reason) for e in (*inline_exceptions.EXCEPTIONS, *formula_exceptions.EXCEPTIONS)]
    return [row for row in rows if f"checked by: tests/{test_module}::" in row[2]]


def entry_for(proof: Proof) -> tuple[str, str, str] | None:
    """The exception entry that pins this formula whole: same page, and the inline entry's TeX or
    the display entry's fragment equal to it (whitespace-insensitive)."""
    table = formula_exceptions if proof.display else inline_exceptions
    rows = [(e.page, e.tex, e.reason) for e in table.EXCEPTIONS]
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


def read(tex: str, placeholders: dict[str, str] | None = None, sizes: dict[str, int] | None = None,
         indices: dict[str, int] | None = None) -> sp.Expr:
    """The parser's reading of one side: each placeholder's TeX (which must occur) replaced
    first, then its sums written out (`sizes`) and its index letters given values (`indices`)."""
    for old, new in (placeholders or {}).items():
        assert old in tex, f"`{old}` is not in `{tex}`: the page changed, review the proof"
        tex = tex.replace(old, new)
    if sizes:
        tex = sums_written_out(tex, sizes)
    if indices:
        tex = at_indices(tex, indices)
    return parse(normalize(tex))


def sides(tex: str, placeholders: dict[str, str] | None = None, **reading) -> list[sp.Expr]:
    """The sides of a chain a = b = c, split at the top-level `=`, each read as `read` does."""
    from sitekit.inline_formulas import equality_sides

    parts = equality_sides(tex)
    assert parts, f"`{tex}` is not an equality"
    return [read(part, {k: v for k, v in (placeholders or {}).items() if k in part}, **reading) for part in parts]


DIGITS = 60  # the working precision of `vanishes`; a true identity leaves rounding of ~10^-58


def vanishes(expr: sp.Expr, points: list[dict]) -> bool:
    """Zero at each point, to 10^-50 at 60 digits: for the network formulas (sigmoids of sums),
    where a wrong formula is off by far more and simplify() takes minutes."""
    return all(abs(sp.N(expr.xreplace(point), DIGITS)) < sp.Float(10) ** -50 for point in points)


_SUBSCRIPT = re.compile(r"_\s*(?:\{([^{}]*)\}|([A-Za-z0-9]))")
_SUM = re.compile(r"\\sum_\s*(?:\{\s*([a-z])\s*(?:=\s*1\s*)?\}|([a-z]))(?:\s*\^\s*\{?\s*([A-Za-z0-9])\s*\}?)?")


def at_indices(tex: str, indices: dict[str, int]) -> str:
    """The TeX with each index letter of a subscript given its value (w_{jk} -> w_{12})."""
    def put(match: re.Match) -> str:
        inside = match.group(1) if match.group(1) is not None else match.group(2)
        return "_{" + "".join(str(indices.get(c, c)) for c in inside.replace(" ", "")) + "}"
    return _SUBSCRIPT.sub(put, tex)


def sums_written_out(tex: str, sizes: dict[str, int]) -> str:
    r"""Each \sum_{k=1}^{K} (or \sum_k), its bound K (or, with none, its index k) given a size
    in `sizes`, written out term by term:
    its body runs to the next top-level + or -, closing bracket, `=` or the end, as a reader reads it."""
    match = _SUM.search(tex)
    while match:
        index = match.group(1) or match.group(2)
        bound = match.group(3) or index
        assert bound in sizes, f"`{match.group(0)}` in `{tex}`: its bound {bound} has no size here"
        size = sizes[bound]
        depth, end = 0, match.end()
        while end < len(tex):
            char = tex[end]
            if char in "({[":
                depth += 1
            elif char in ")}]":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (char in "+-=" or tex.startswith(("\\bigr", "\\qquad"), end)):
                break
            end += 1
        body = tex[match.end():end]
        terms = " + ".join(f"({at_indices(body, {index: value})})" for value in range(1, size + 1))
        tex = tex[:match.start()] + f"({terms}) " + tex[end:]
        match = _SUM.search(tex)
    return tex


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
    key = (expr, tuple(densities.items()))
    if key not in _EXPECTED:  # a fault's proof recomputes the same moments
        _EXPECTED[key] = _expect(expr, densities)
    return _EXPECTED[key]


_EXPECTED: dict = {}


def _expect(expr: sp.Expr, densities: dict) -> sp.Expr:
    expr = sp.expand(expr)
    total = sp.Integer(0)
    for term in (expr.args if expr.is_Add else (expr,)):
        for variable, (pdf, low, high) in densities.items():
            if term.has(variable):
                term = sp.integrate(sp.piecewise_fold((term * pdf).rewrite(sp.Piecewise)), (variable, low, high))
        total += term
    return sp.simplify(total)


# The registry's contract, shared by tests/test_formula_proofs*.py.

def proof_contract(proofs: dict[str, Proof], module: str, ident: str) -> None:
    proof = proofs[ident]
    line = page_line(proof.page, proof.tex)
    assert line, f"docs/{proof.page}: the formula `{proof.tex}` is gone; update tests/{module} and its entry"
    entry = entry_for(proof)
    test = f"tests/{module}::test_the_formula_holds[{ident}]"
    assert entry and entry[2].startswith(f"checked by: {test} "), (
        f"docs/{proof.page}:{line}: the entry of `{proof.tex}` in sitekit/"
        f"{'formula' if proof.display else 'inline'}_exceptions.py must say 'checked by: {test} (...)'")


def check_holds(proofs: dict[str, Proof], module: str, ident: str) -> None:
    proof = proofs[ident]
    assert proof.check(proof.tex), (
        f"docs/{proof.page}:{page_line(proof.page, proof.tex)}: `{proof.tex}` does not hold "
        f"(tests/{module}::{ident}): fix the page, or the proof if the prose changed")


def check_fault_fails(proofs: dict[str, Proof], ident: str) -> None:
    proof = proofs[ident]
    old, new = proof.fault
    assert old in proof.tex, f"the fault `{old}` is not in `{proof.tex}`"
    # The faulty TeX must read, and be refused for its value, not for a parse error.
    assert not proof.check(proof.tex.replace(old, new, 1)), f"{ident}: the TeX with `{old}` -> `{new}` still passes"


def check_every_entry_has_its_proof(proofs: dict[str, Proof], module: str) -> None:
    named = {reason.split("::", 1)[1].split(" ", 1)[0] for _, _, reason in entries_naming(module)}
    assert named == {f"test_the_formula_holds[{ident}]" for ident in proofs}, (
        f"sitekit/*_exceptions.py names {sorted(named)}; tests/{module} proves {sorted(proofs)}")


def proof_tests(proofs: dict[str, Proof], module: str) -> tuple[Callable, Callable, Callable]:
    """The three tests of a tests/test_formula_proofs*.py module, to be bound to these names there
    (the exception entries cite `tests/<module>::test_the_formula_holds[<ident>]`):
    `test_the_formula_holds, test_a_faulty_formula_fails, test_every_checked_by_entry_names_a_proof`."""

    # A proof and its fault on one pytest-xdist worker: the fault reuses what the
    # proof computed and cached (relu_layer_variance_of: 4.6 CPU-s).
    idents = [pytest.param(ident, marks=pytest.mark.xdist_group(f"proof-{ident}"), id=ident) for ident in sorted(proofs)]

    @pytest.mark.parametrize("ident", idents)
    def test_the_formula_holds(ident):
        proof_contract(proofs, module, ident)
        check_holds(proofs, module, ident)

    @pytest.mark.parametrize("ident", idents)
    def test_a_faulty_formula_fails(ident):
        check_fault_fails(proofs, ident)

    def test_every_checked_by_entry_names_a_proof():
        check_every_entry_has_its_proof(proofs, module)

    return test_the_formula_holds, test_a_faulty_formula_fails, test_every_checked_by_entry_names_a_proof
