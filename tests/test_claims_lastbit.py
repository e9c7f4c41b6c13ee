"""Numbers typed in the prose of the GELU, swish, mish, CELU, hardshrink and
PReLU pages, each asserted.

Every test is marked `@pytest.mark.claim(page, fragment)` with the sentence it
backs (tests/test_prose_numbers.py reads the marks). A test recomputes what
the sentence states from the snippets, the oracle (SymPy definitions evaluated
by mpmath) or the page's own executed blocks; none restates the number.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EPS64 = np.finfo(np.float64).eps
x_ = sp.Symbol("x", real=True)


def page_text(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def block_after(page: str, fragment: str) -> str:
    """The source of the first executed block after `fragment` on the page (indent removed)."""
    text = page_text(page)
    at = text.index(fragment)
    match = re.compile(r'^( *)```python exec="on"[^\n]*\n(.*?)^ *```\s*$', re.S | re.M).search(text, at)
    assert match, f"no executed block after {fragment!r} on {page}"
    indent = len(match.group(1))
    return "\n".join(line[indent:] for line in match.group(2).split("\n"))


def definition(name: str) -> tuple[sp.Expr, dict]:
    """The site's SymPy definition of `name` and its parameter symbols by name."""
    d = DEFINITIONS[name]
    return d.expr, {s.name: s for s in d.expr.free_symbols if s.name != "x"}


def the_x(expr: sp.Expr) -> sp.Symbol:
    return next(s for s in expr.free_symbols if s.name == "x")


def one_sided_slopes_at_zero(expr: sp.Expr, subs: dict) -> tuple[sp.Expr, sp.Expr]:
    """(left, right) slopes at 0 of a two-piece Piecewise definition: x > 0, else."""
    (right, cond), (left, _) = expr.args
    x = the_x(expr)
    assert cond == (x > 0)
    return tuple(sp.diff(piece, x).subs(subs).subs(x, 0) for piece in (left, right))


# ---------------------------------------------------------------- CELU

@pytest.mark.claim("activations/celu.md", r"because [ELU](elu.md)'s slope jumps at 0 whenever \(\alpha \ne 1\).")
def test_elu_slope_jumps_at_zero_unless_alpha_is_one():
    expr, params = definition("elu")
    (alpha,) = params.values()
    for a in (sp.Rational(1, 2), 1, 2, 3):
        left, right = one_sided_slopes_at_zero(expr, {alpha: a})
        assert (left != right) == (a != 1), (a, left, right)


@pytest.mark.claim("activations/celu.md",
                   r"For other \(\alpha\) the floor moves to \(-\alpha\) and the slope stays continuous at 0:")
def test_celu_floor_is_minus_alpha_and_slope_continuous_at_zero():
    expr, params = definition("celu")
    x, (alpha,) = the_x(expr), params.values()
    celu = snippet("celu")
    # The alphas the plot below the sentence draws.
    for a in (2.0, 0.5):
        assert f"α = {a:g}" in block_after("activations/celu.md", "For other \\(\\alpha\\) the floor moves")
        left_branch = expr.args[1][0]
        assert sp.limit(left_branch.subs(alpha, sp.Rational(a)), x, -sp.oo) == -sp.Rational(a)
        assert celu.celu(-1000.0, a) == -a
        left, right = one_sided_slopes_at_zero(expr, {alpha: sp.Rational(a)})
        assert left == right
        tiny = np.finfo(np.float64).smallest_normal
        assert celu.celu_grad(-tiny, a) == celu.celu_grad(tiny, a)


@pytest.mark.claim("activations/celu.md",
                   r"For \(x < 0\) and \(\alpha > 0\), the \(\max\) is 0 and the \(\min\) is the exponential branch;")
def test_celu_left_branch_terms():
    xn, an = sp.Symbol("x", negative=True), sp.Symbol("alpha", positive=True)
    assert sp.Max(0, xn) == 0
    # The branch is negative for x < 0 (x/alpha < 0, so e^(x/alpha) < 1): the min picks it.
    assert (xn / an).is_negative
    for xv, av in ((-sp.Rational(3, 7), sp.Rational(5, 2)), (-5, sp.Rational(1, 3)), (-sp.Rational(1, 1000), 2)):
        branch = av * (sp.exp(xv / av) - 1)
        assert sp.Max(0, xv) == 0 and sp.Min(0, branch) == branch


@pytest.mark.claim("activations/celu.md",
                   r"The build computes one-sided second difference quotients at 0 with \(\alpha = 2\):")
def test_celu_second_difference_block_uses_alpha_two_at_zero():
    source = block_after("activations/celu.md", "The build computes one-sided second difference quotients")
    celu = snippet("celu")
    # The quotients are taken around 0 with alpha 2: every call is celu(<0 or ±k h>, 2.0).
    calls = re.findall(r"celu\(([^,]+), ([^)]+)\)", source)
    assert calls and {a for _, a in calls} == {"2.0"}
    assert {p.strip() for p, _ in calls} == {"0.0", "-h", "-2 * h", "2 * h", "h"}
    namespace = {"celu": celu.celu}
    exec(source.replace("print(", "str("), namespace)
    # The left quotient is the left branch's second derivative 1/alpha at alpha = 2.
    assert abs(namespace["left"] - 1 / 2.0) < 1e-3 and abs(namespace["right"]) < 1e-6


@pytest.mark.claim("activations/celu.md", r"and the slope becomes exactly 0 once \(y\) rounds to \(-\alpha\).")
def test_celu_output_slope_is_zero_at_the_floor():
    celu = snippet("celu")
    for a in (0.3, 1.0, 2.5):
        xs = -np.geomspace(1e-3, 1e3, 20_001)
        ys = celu.celu(xs, a)
        slopes = celu.celu_grad_from_output(ys, a)
        floor = ys == -a
        assert floor.any() and (~floor).any()
        np.testing.assert_array_equal(slopes[floor], 0.0)
        assert np.all(slopes[~floor] > 0)


@pytest.mark.claim("activations/celu.md", r"The division rounds unless \(\alpha\) is a power of 2,")
def test_division_by_alpha_is_exact_only_for_powers_of_two():
    rng = np.random.default_rng(14)
    xs = -rng.uniform(0, 50, 2000)

    def inexact(a):
        return sum(Fraction(float(x / a)) != Fraction(float(x)) / Fraction(a) for x in xs)

    for a in (0.25, 0.5, 1.0, 2.0, 8.0):
        assert inexact(a) == 0, a
    for a in (0.3, 3.0, 2.5, 6.0):
        assert inexact(a) > 0, a


@pytest.mark.claim("activations/celu.md",
                   r"with `np.expm1` for the digits near 0, as for [ELU](elu.md#implementation).")
@pytest.mark.claim("activations/celu.md", r"and it loses the digits of \(e^{x/\alpha} - 1\) near 0 on the left:")
def test_celu_expm1_keeps_the_digits_the_naive_form_loses():
    celu = snippet("celu")
    exact = Oracle("celu")
    for x in (-1e-10, -1e-13):
        truth = float(exact("f", x))
        assert abs(celu.celu(x) - truth) <= 2 * EPS64 * abs(truth)
        assert abs(celu.celu_naive(x) - truth) > 1e3 * EPS64 * abs(truth)
    # And far from 0 the naive form is fine: the loss is near 0.
    truth = float(exact("f", -1.0))
    assert abs(celu.celu_naive(-1.0) - truth) <= 2 * EPS64 * abs(truth)


@pytest.mark.claim("activations/celu.md",
                   r"The parameter derivative \(e^{q} - 1 - q\,e^{q}\) is about \(-q^{2}/2\) near 0,")
def test_celu_parameter_derivative_near_zero():
    q = sp.Symbol("q")
    series = sp.series(sp.exp(q) - 1 - q * sp.exp(q), q, 0, 3).removeO()
    assert sp.simplify(series + q**2 / 2) == 0
