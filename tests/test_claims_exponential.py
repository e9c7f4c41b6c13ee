"""Numbers typed in the prose of the exponential activation pages (ELU, SELU,
CELU), each asserted (how: tests/claim_helpers.py).
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from claim_helpers import (EPS64, TINY64, block_after, definition, first_x_where, float32_ulp, grid, relative_error,
    the_x, x_)

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle


# ---------------------------------------------------------------- elu

def normal_moments(expr, dps=40):
    """E[f(Z)] and Var[f(Z)] for Z ~ N(0, 1), by mpmath quadrature at dps digits."""
    import mpmath

    f = sp.lambdify(x_, expr, "mpmath")
    with mpmath.workdps(dps):
        mean = mpmath.quad(lambda z: f(z) * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])
        second = mpmath.quad(lambda z: f(z) ** 2 * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])
        return mean, second - mean ** 2


@pytest.mark.claim("activations/elu.md",
                   "(ICLR 2016), so that units have negative outputs and mean activations closer to 0 than ReLU's.")
def test_elu_mean_closer_to_zero_than_relu():
    relu = sp.Piecewise((x_, x_ > 0), (0, True))
    elu_mean, _ = normal_moments(DEFINITIONS["elu"].with_params(), 30)
    relu_mean, _ = normal_moments(relu, 30)
    assert 0 < abs(elu_mean) < abs(relu_mean)
    assert snippet("elu").elu(-1.0) < 0


@pytest.mark.claim("activations/elu.md",
                   r"Forward: `np.expm1`, which computes \(e^{x}-1\) without subtracting two numbers close to 1, "
                   r"runs on \(\min(x, 0)\): \(e^{x}\) cannot overflow, and every \(x > 0\) gives exactly \(0\). "
                   r"Adding \(\max(x, 0)\) then gives \(x\) there, exactly, as one of the two terms is always 0;")
def test_elu_expm1_of_min_and_max():
    exact = Oracle("elu")
    for x in (-1e-3, -1e-8, -1e-12):
        assert relative_error(np.expm1(x), exact("f", x)) <= 2 * EPS64 < relative_error(np.exp(x) - 1, exact("f", x))
    xs = np.concatenate([grid(-50, 50, 10_001), [1e300, np.finfo(np.float64).max]])
    with np.errstate(over="raise"):
        low = np.expm1(np.minimum(xs, 0))
    np.testing.assert_array_equal(low[xs > 0], 0.0)
    high = np.maximum(xs, 0)
    assert np.all((low == 0) | (high == 0))
    np.testing.assert_array_equal(snippet("elu").elu(xs[xs > 0]), xs[xs > 0])
    for a in (0.5, 2.0):
        np.testing.assert_array_equal(snippet("elu").elu(xs[xs > 0], a), xs[xs > 0])


@pytest.mark.claim("activations/elu.md",
                   "float32 runs in float32 (NumPy's float32 `expm1` and `exp` are within 2.5 ULP, "
                   "measured on every 7th float32 below 0),")
def test_numpy_float32_exp_expm1_every_7th_negative():
    first = int(np.float32(-np.finfo(np.float32).smallest_subnormal).view(np.uint32))
    last = int(np.float32(-np.finfo(np.float32).max).view(np.uint32))
    worst = {"exp": 0.0, "expm1": 0.0}
    for start in range(first, last + 1, 7 << 22):
        bits = np.arange(start, min(start + (7 << 22), last + 1), 7, dtype=np.uint32)
        x = bits.view(np.float32)
        for name in worst:
            fn = getattr(np, name)
            exact = fn(x.astype(np.float64))  # float64's own error is 2^-29 of a float32 ULP
            error = np.abs(fn(x).astype(np.float64) - exact) / float32_ulp(exact)
            worst[name] = max(worst[name], float(error.max()))
    assert max(worst.values()) <= 2.5, worst


@pytest.mark.claim("activations/elu.md",
                   r"The rounding error of \(y\), relative to \(\alpha\), becomes an error relative to the tiny slope, "
                   r"and once \(y\) rounds to \(-\alpha\) the slope is exactly 0, "
                   r"while the true slope \(\alpha\,e^{x}\) is still a normal number.")
@pytest.mark.claim("activations/selu.md",
                   r"\(y + \lambda\alpha\) cancels, and once \(y\) rounds to the floor the slope is exactly 0, "
                   r"while the true slope \(\lambda\alpha\,e^{x}\) is still a normal number.")
@pytest.mark.parametrize("name", ["elu", "selu"])
def test_from_output_slope_is_zero_at_the_floor(name):
    module = snippet(name)
    f, from_output = getattr(module, name), getattr(module, f"{name}_grad_from_output")
    floor = f(-np.inf) if name == "selu" else -1.0
    assert floor == (-module.SELU_SCALE_ALPHA if name == "selu" else -DEFINITIONS["elu"].params["alpha"])
    at = -first_x_where(lambda v: f(-v) == floor, 1.0, 700.0)
    assert f(at) == floor and from_output(f(at)) == 0
    assert Oracle(name)("grad", float(at)) > TINY64
    assert from_output(f(np.nextafter(at, 0))) > 0


@pytest.mark.claim("activations/elu.md",
                   r"For small negative \(x\), \(e^{x}\) rounds to a number close to 1, "
                   "and subtracting 1 keeps only its rounding error; "
                   r"close enough to 0, \(e^{x}\) rounds to 1 and the naive result is exactly 0:")
def test_elu_naive_near_zero():
    naive = snippet("elu").elu_naive
    exact = Oracle("elu")
    x = -1e-10
    assert abs(np.exp(x) - 1) < 1e-9
    assert relative_error(naive(x), exact("f", x)) > 1e3 * EPS64
    assert relative_error(snippet("elu").elu(x), exact("f", x)) <= 4 * EPS64
    assert np.exp(-1e-17) == 1 and naive(-1e-17) == 0 and exact("f", -1e-17) < 0


@pytest.mark.claim("activations/elu.md",
                   r"""**3. "ELU is continuously differentiable."** Only for \(\alpha = 1\). """
                   "For any other \\(\\alpha\\) the slope jumps at 0, as the quotients under")
def test_elu_slope_continuous_only_for_alpha_one():
    alpha = sp.Symbol("alpha", real=True)
    slope = sp.diff(DEFINITIONS["elu"].expr, x_)
    left = sp.limit(slope.subs(x_, -sp.Symbol("t", positive=True)), sp.Symbol("t", positive=True), 0)
    right = sp.limit(slope.subs(x_, sp.Symbol("t", positive=True)), sp.Symbol("t", positive=True), 0)
    assert sp.solve(sp.Eq(left, right), alpha) == [1]
    elu = snippet("elu")
    for a in (0.5, 1.0, 2.0):
        h = 1e-6
        jump = (elu.elu(h, a) - elu.elu(0.0, a)) / h - (elu.elu(0.0, a) - elu.elu(-h, a)) / h
        assert (abs(jump) < 1e-5) == (a == 1.0), a


# ---------------------------------------------------------------- selu

@pytest.mark.claim("activations/selu.md",
                   r"The constants are chosen so that an input \(x \sim \mathcal{N}(0, 1)\) gives an output "
                   "with mean 0 and variance 1:")
@pytest.mark.claim("activations/selu.md",
                   "The build integrates the site's definition (exact constants, 40 digits) against the standard normal density:")
def test_selu_moments():
    block = block_after("activations/selu.md", "The build integrates the site's definition")
    assert re.findall(r"mpmath\.workdps\((\d+)\)", block) == ["40"]
    assert 'DEFINITIONS["selu"].expr' in block and "mpmath.npdf" in block
    mean, variance = normal_moments(DEFINITIONS["selu"].expr, 40)
    assert abs(mean) < 1e-30 and abs(variance - 1) < 1e-30
    # 30 of 40 digits: a constant off in its 15th digit would show.
    slightly_off = DEFINITIONS["selu"].expr.subs(x_, x_ * (1 + sp.Rational(1, 10 ** 15)))
    mean_off, _ = normal_moments(slightly_off, 40)
    assert abs(mean_off) > 1e-20


@pytest.mark.claim("activations/selu.md",
                   "Unlike ELU's, the slope on the right is not 1, and it exceeds 1 just left of 0.")
def test_selu_slopes():
    selu = snippet("selu")
    slope = sp.diff(DEFINITIONS["selu"].expr, x_)
    t = sp.Symbol("t", positive=True)
    right, left = sp.limit(slope.subs(x_, t), t, 0), sp.limit(slope.subs(x_, -t), t, 0)
    assert right != 1 and left > 1
    assert selu.selu_grad(1.0) != 1 and selu.selu_grad(-1e-3) > 1
    assert snippet("elu").elu_grad(1.0) == 1


@pytest.mark.claim("activations/selu.md",
                   r"adding \(\lambda - \lambda\alpha\) there (exact: the two are within a factor 2) gives \(\lambda\) exactly.")
def test_selu_slope_sum_is_exact():
    selu = snippet("selu")
    lam, lam_alpha = selu.SELU_SCALE, selu.SELU_SCALE_ALPHA
    assert lam_alpha / 2 <= lam <= 2 * lam_alpha  # Sterbenz: the difference is exact
    from fractions import Fraction

    assert Fraction(lam - lam_alpha) == Fraction(lam) - Fraction(lam_alpha)
    assert lam_alpha + (lam - lam_alpha) == lam
    for dtype in (np.float32, np.float64):
        np.testing.assert_array_equal(selu.selu_grad(np.array([1e-30, 1.0, 1e30], dtype=dtype)), dtype(lam))


@pytest.mark.claim("activations/selu.md",
                   r"with `np.expm1`, as for [ELU](elu.md#implementation): one of the two terms is always 0, "
                   "so no `np.where` is needed.")
def test_selu_no_where():
    source = Path(snippet("selu").__file__).read_text()
    body = source[source.index("def selu("):source.index("def selu_grad")]
    code = "\n".join(line.split("#")[0] for line in body.splitlines())
    assert "np.where" not in code and "np.expm1" in code
    xs = grid(-50, 50, 10_001)
    low = np.expm1(np.minimum(xs, 0))
    assert np.all((low == 0) | (np.maximum(xs, 0) == 0))


@pytest.mark.claim("activations/selu.md",
                   r"Near 0 on the left, \(e^{x}-1\) keeps only the rounding error of \(e^{x}\);")
def test_selu_naive_near_zero():
    naive = snippet("selu").selu_naive
    exact = Oracle("selu")
    x = -1e-10
    assert relative_error(naive(x), exact("f", x)) > 1e3 * EPS64
    assert relative_error(snippet("selu").selu(x), exact("f", x)) <= 4 * EPS64


# ---------------------------------------------------------------- CELU

def one_sided_slopes_at_zero(expr: sp.Expr, subs: dict) -> tuple[sp.Expr, sp.Expr]:
    """(left, right) slopes at 0 of a two-piece Piecewise definition: x > 0, else."""
    (right, cond), (left, _) = expr.args
    x = the_x(expr)
    assert cond == (x > 0)
    return tuple(sp.diff(piece, x).subs(subs).subs(x, 0) for piece in (left, right))


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
