"""Numbers typed in the prose of the mish, swish and GELU pages, most of them
about the last bit of the float results, each asserted (how:
tests/claim_helpers.py).
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp
from claim_helpers import EPS64, block_after, definition, page_text, the_x

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle


# ---------------------------------------------------------------- shared by mish and swish

def sentence_numbers(page: str, pattern: str) -> tuple[float, ...]:
    """The numbers the page's sentence states, read by `pattern`'s groups from the page."""
    match = re.search(pattern, re.sub(r"\s+", " ", page_text(page)))
    assert match, f"{page} no longer says {pattern!r}"
    return tuple(float(g) for g in match.groups())


def linspace_around(source: str, root_name: str) -> tuple[float, float, int]:
    """(lo, hi, count) of the `<root_name> + np.linspace(lo, hi, count)` an executed block measures on."""
    match = re.search(rf"{root_name} \+ np\.linspace\(([-\d.e]+), ([-\d.e]+), (\d+)\)", source)
    assert match, source
    return float(match.group(1)), float(match.group(2)), int(match.group(3))


def grad_root_exclusion(name: str) -> float:
    """The half-width the accuracy tests leave out around the root of name's f′,
    found from what `sitekit.catalogue.measurable` keeps."""
    from sitekit.catalogue import measurable

    (root,) = DEFINITIONS[name].grad_roots
    xs = root + np.linspace(-0.2, 0.2, 400_001)
    kept = measurable(name, "grad", xs)
    dropped = np.setdiff1d(xs, kept)
    inner, outer = np.abs(dropped - root).max(), np.abs(kept - root).min()
    assert outer - inner < 1e-5 and np.all(np.abs(kept - root) >= inner)
    return float(outer)


def sign_changes_of_grad(name: str, xs: np.ndarray, **params) -> tuple[np.ndarray, np.ndarray]:
    """The oracle's f′ on xs, and the indices where its sign changes."""
    g = np.array([float(v) for v in Oracle(name, **params).many("grad", xs)])
    return g, np.flatnonzero(np.diff(np.sign(g)) != 0)


# ---------------------------------------------------------------- mish

MISH = "activations/mish.md"


def mish_gate() -> tuple[sp.Expr, sp.Symbol]:
    expr, _ = definition("mish")
    x = the_x(expr)
    return sp.simplify(expr / x), x


@pytest.mark.claim("activations/mish.md", r"Like [swish](swish.md) it is self-gated, \(x\) times a gate rising from 0 to 1,")
@pytest.mark.claim("activations/mish.md", r"tends to 1 on the right, and behaves like \(e^{x}\) on the left,")
def test_mish_gate_rises_from_zero_to_one_like_exp_on_the_left():
    gate, x = mish_gate()
    assert sp.limit(gate, x, -sp.oo) == 0 and sp.limit(gate, x, sp.oo) == 1
    assert sp.limit(gate / sp.exp(x), x, -sp.oo) == 1
    slope = sp.lambdify(x, sp.diff(gate, x), "mpmath")
    with mpmath.workdps(60):
        assert all(slope(mpmath.mpf(v)) > 0 for v in np.linspace(-30, 30, 601))


@pytest.mark.claim("activations/mish.md", r"and not monotonic: it dips below 0 to a minimum at a negative \(x\), then rises.")
@pytest.mark.claim("activations/mish.md", r"It is 0 at one point \(x_0 < 0\), the minimum of mish, and negative left of it.")
def test_mish_slope_has_one_root_the_negative_minimum():
    xs = np.linspace(-20, 20, 4001)
    g, changes = sign_changes_of_grad("mish", xs)
    assert len(changes) == 1
    x0 = xs[changes[0]]
    assert x0 < 0 and np.all(g[xs <= x0] < 0) and np.all(g[xs > x0 + 0.01] > 0)
    (root,) = DEFINITIONS["mish"].grad_roots
    assert abs(float(Oracle("mish")("grad", root))) < 1e-15 and root < 0
    assert snippet("mish").mish(root) < 0


@pytest.mark.claim("activations/mish.md", r"about \(e^{x}\) in the left tail, with full relative accuracy there (no \(\ln(1+u)\) rounds to 0).")
@pytest.mark.claim("activations/mish.md", r"And in the left tail, \(1 + e^{x}\) rounds to 1, so the gate and the result are 0,")
def test_mish_left_tail_relative_accuracy_where_the_naive_gate_is_zero():
    mish = snippet("mish")
    exact = Oracle("mish")
    for x in (-40.0, -100.0, -700.0):
        assert 1 + np.exp(x) == 1 and np.log(1 + np.exp(x)) == 0
        assert mish.mish_naive(x) == 0
        truth = exact("f", x)
        assert truth != 0
        assert abs(mish.mish(x) - float(truth)) <= 4 * EPS64 * abs(float(truth))


@pytest.mark.claim("activations/mish.md", r"where \(e^{x}\) is already 0 and the exact results round to \(-0\).")
def test_mish_clip_point_is_past_the_underflow():
    mish = snippet("mish")
    source = Path(mish.__file__).read_text(encoding="utf-8")
    (clip,) = {float(v) for v in re.findall(r"np\.clip\(w, (-[\de.]+),", source)}
    assert np.exp(clip) == 0
    tiniest = np.finfo(np.float64).smallest_subnormal

    def definition_mp(x):  # x tanh(softplus(x)), with log1p so that 50 digits see e^x
        return x * mpmath.tanh(mpmath.log1p(mpmath.exp(x)))

    for which, fn in (("f", mish.mish), ("grad", mish.mish_grad)):
        with mpmath.workdps(50):
            at = mpmath.mpf(clip)
            truth = definition_mp(at) if which == "f" else mpmath.diff(definition_mp, at)
        assert truth < 0 and abs(truth) < mpmath.mpf(float(tiniest)) / 2  # rounds to -0
        for x in (clip, 2 * clip, -np.inf):
            assert fn(x) == 0 and np.signbit(fn(x))


@pytest.mark.claim("activations/mish.md", r"one of them is 1, so the gate is \(v\,F/D\) with \(F = v + 2q\) and \(D = v\,F + 2q^{2}\), "
                         r"the same terms as above.")
def test_mish_fast_path_gate():
    gate, x = mish_gate()
    gate = gate.rewrite(sp.exp)
    v, q = sp.symbols("v q", positive=True)
    fast = v * (v + 2 * q) / (v * (v + 2 * q) + 2 * q**2)
    xn, xp = sp.Symbol("xn", negative=True), sp.Symbol("xp", positive=True)
    # v = e^min(x, 0), q = e^-max(x, 0): q = 1 on the left, v = 1 on the right.
    assert sp.simplify(fast.subs({v: sp.exp(xn), q: 1}) - gate.subs(x, xn)) == 0
    assert sp.simplify(fast.subs({v: 1, q: sp.exp(-xp)}) - gate.subs(x, xp)) == 0
    for xv in (-3.0, -0.0, 0.0, 2.5):
        assert 1.0 in (np.exp(min(xv, 0)), np.exp(-max(xv, 0)))


@pytest.mark.claim("activations/mish.md", r"Those \(x\) are recomputed with \(m = e^{x - x_0} - 1\) (`expm1`, accurate near 0), "
                         r"so that \(u = u_0\,(1 + m)\) with \(u_0 = e^{x_0}\).")
def test_mish_recomputation_near_the_root():
    x, x0 = sp.symbols("x x0", real=True)
    assert sp.simplify(sp.exp(x0) * (1 + (sp.exp(x - x0) - 1)) - sp.exp(x)) == 0
    source = Path(snippet("mish").__file__).read_text(encoding="utf-8")
    assert "m = np.expm1(t)" in source
    t = 1e-12
    exact = float(mpmath.expm1(mpmath.mpf(t)))
    assert abs(np.expm1(t) - exact) <= EPS64 * exact and abs((np.exp(t) - 1) - exact) > 1e3 * EPS64 * exact


@pytest.mark.claim("activations/mish.md", r"The values at \(-710\) and \(-712\) look alike to 10 digits; in ULP, against the 50-digit value:")
def test_mish_values_alike_to_ten_digits_differ_in_ulp():
    from sitekit.oracle import ulp_error

    (digits,) = sentence_numbers(MISH, r"look alike to (\d+) digits")
    table = block_after(MISH, "repairs the left tail but not the other two")
    assert f"digits={int(digits)}" in table and "-712.0, -710.0" in table
    mish = snippet("mish").mish
    exact = Oracle("mish")

    def log1p_form(x):
        return np.float64(x) * np.tanh(np.log1p(np.exp(np.float64(x))))

    for x in (-710.0, -712.0):
        shown = {f"{v:.{int(digits)}g}" for v in (log1p_form(x), mish(x), float(exact("f", x)))}
        assert len(shown) == 1, shown
    worst = max(ulp_error(log1p_form(x), [exact("f", x)], np.float64)[0] for x in (-710.3, -712.3))
    assert worst > 8


@pytest.mark.claim("activations/mish.md", r"The build measures both on 4001 points within 0.5 of \(x_0\), against the 50-digit value,")
def test_mish_root_block_points():
    count, half = sentence_numbers(MISH, r"measures both on (\d+) points within ([\d.]+) of")
    lo, hi, n = linspace_around(block_after(MISH, "The build measures both on"), "root")
    assert (lo, hi, n) == (-half, half, count)


@pytest.mark.claim("activations/mish.md", r"The tests measure the relative 8-ULP bound everywhere except within 0.05 of \(x_0\) "
                         r"(`grad_roots` in the site's definitions).")
@pytest.mark.claim("activations/mish.md", r"(for `mish_grad`, away from \(x_0\) by more than 0.05);")
def test_mish_tests_skip_only_near_the_root():
    (stated,) = sentence_numbers(MISH, r"everywhere except within ([\d.]+) of")
    (stated_again,) = sentence_numbers(MISH, r"away from \\\(x_0\\\) by more than ([\d.]+)\);")
    assert stated == stated_again
    assert abs(grad_root_exclusion("mish") - stated) < 1e-5


# ---------------------------------------------------------------- swish

def inexact_products(beta: float, xs: np.ndarray) -> int:
    """How many beta * x round in float64."""
    return sum(Fraction(float(beta * x)) != Fraction(beta) * Fraction(float(x)) for x in xs)


@pytest.mark.claim("activations/swish.md", r"Symbols follow the [notation page](../notation.md); "
                   r"\(\beta\) is a fixed or learned parameter, 1 by default.")
@pytest.mark.claim("activations/swish.md", r"- \(u = \beta x\) is rounded unless \(\beta\) is a power of 2,")
@pytest.mark.claim("activations/swish.md", r"That exact path is slow. When \(\beta\) is a power of 2 (the default 1 among them), "
                   r"\(u = \beta x\) is exact,")
@pytest.mark.claim("activations/swish.md", r"On the fast path (\(\beta\) a power of 2), float64 forms both cases at once "
                   r"with \(m = e^{\min(u,0)}\) and \(q = e^{-\max(u,0)}\)")
def test_swish_beta_default_and_the_power_of_two_fast_path():
    import inspect

    swish = snippet("swish")
    (default,) = sentence_numbers("activations/swish.md", r"a fixed or learned parameter, (\d+) by default")
    assert DEFINITIONS["swish"].params["beta"] == default
    for fn in (swish.swish, swish.swish_grad, swish.swish_grad_beta):
        assert inspect.signature(fn).parameters["beta"].default == default
    rng = np.random.default_rng(14)
    xs = rng.uniform(-50, 50, 2000)
    powers, others = (default, 0.25, 0.5, 2.0, 8.0), (0.3, 1.5, 3.0, 1.7)
    for beta in powers:
        assert inexact_products(beta, xs) == 0 and swish._exact_scale(beta), beta
    for beta in others:
        assert inexact_products(beta, xs) > 0 and not swish._exact_scale(beta), beta


@pytest.mark.claim("activations/swish.md", r"For \(\beta > 0\) it is not monotonic: it dips below 0 to a minimum "
                   r"at a negative \(x\), then rises.")
@pytest.mark.claim("activations/swish.md", r"It is 0 at one point \(x_0 < 0\), the minimum of swish, and negative left of it.")
def test_swish_slope_has_one_root_the_negative_minimum():
    for beta in (0.5, 1.0, 2.0):
        xs = np.linspace(-20, 20, 2001)
        g, changes = sign_changes_of_grad("swish", xs, beta=beta)
        assert len(changes) == 1
        x0 = xs[changes[0]]
        assert x0 < 0 and np.all(g[xs <= x0] < 0) and np.all(g[xs > x0 + 0.02] > 0)
        assert snippet("swish").swish(x0, beta) < 0
    (root,) = DEFINITIONS["swish"].grad_roots
    assert abs(float(Oracle("swish")("grad", root))) < 1e-15 and root < 0


@pytest.mark.claim("activations/swish.md", r"As \(\beta \to \infty\) the gate becomes a step at 0, so swish tends to "
                   r"\(\operatorname{ReLU}(x) = \max(0, x)\):")
def test_swish_tends_to_relu():
    expr, params = definition("swish")
    x, beta = the_x(expr), params["beta"]
    gate = sp.simplify(expr / x)
    xp, xn = sp.Symbol("xp", positive=True), sp.Symbol("xn", negative=True)
    assert sp.limit(gate.subs(x, xp), beta, sp.oo) == 1 and sp.limit(gate.subs(x, xn), beta, sp.oo) == 0
    xs = np.linspace(-5, 5, 1001)
    assert np.max(np.abs(snippet("swish").swish(xs, 64.0) - np.maximum(0, xs))) < 1e-2


@pytest.mark.claim("activations/swish.md", r"one of which is 1 and whose product is \(v\): the slope is "
                   r"\(m\,(m + q\,(1+u))/(1+mq)^2\), with no select between branches;")
def test_swish_fast_path_slope():
    expr, params = definition("swish")
    x = the_x(expr)
    slope = sp.diff(expr.subs(params["beta"], 1), x)
    m, q, u = sp.symbols("m q u")
    fast = m * (m + q * (1 + u)) / (1 + m * q) ** 2
    un, up = sp.Symbol("un", negative=True), sp.Symbol("up", positive=True)
    # v = e^-|u|; m = e^min(u, 0), q = e^-max(u, 0).
    for side, mv, qv in ((un, sp.exp(un), 1), (up, 1, sp.exp(-up))):
        assert sp.simplify(mv * qv - sp.exp(-sp.Abs(side))) == 0 and 1 in (mv, qv)
        assert sp.simplify(fast.subs({m: mv, q: qv, u: side}) - slope.subs(x, side)) == 0


@pytest.mark.claim("activations/swish.md", r"It still returns the limit, 0, but with a warning,")
@pytest.mark.claim("activations/swish.md", r"and from \(\beta x = -710\) on it returns 0 where the exact value is still "
                   r"a normal number:")
def test_swish_naive_overflow():
    swish = snippet("swish")
    expr, params = definition("swish")
    x = the_x(expr)
    assert sp.limit(expr.subs(params["beta"], 1), x, -sp.oo) == 0
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert swish.swish_naive(-1000.0) == 0
    (start,) = sentence_numbers("activations/swish.md", r"from \\\(\\beta x = (-\d+)\\\) on it returns 0")
    with np.errstate(over="ignore"):
        assert swish.swish_naive(start + 1) != 0
        assert all(swish.swish_naive(v) == 0 for v in np.arange(start, start - 40, -1.0))
    assert abs(float(Oracle("swish")("f", start))) >= np.finfo(np.float64).smallest_normal


@pytest.mark.claim("activations/swish.md", r"There the slope is a difference of terms of size about 1, \(1 + t + e^{t}\), that cancel.")
def test_swish_slope_cancels_at_the_root():
    expr, params = definition("swish")
    x = the_x(expr)
    t = sp.Symbol("t", real=True)
    slope = sp.diff(expr.subs(params["beta"], 1), x).subs(x, t)
    assert sp.simplify(slope - sp.exp(t) * (1 + t + sp.exp(t)) / (1 + sp.exp(t)) ** 2) == 0
    (root,) = DEFINITIONS["swish"].grad_roots
    terms = [1.0, root, float(np.exp(root))]
    assert all(0.25 <= abs(term) <= 4 for term in terms)
    assert abs(sum(terms)) < 1e-15


@pytest.mark.claim("activations/swish.md", r"The build measures both on 4001 points within 0.5 of \(x_0\), against the 50-digit value:")
def test_swish_root_block_points():
    count, half = sentence_numbers("activations/swish.md", r"measures both on (\d+) points within ([\d.]+) of")
    lo, hi, n = linspace_around(block_after("activations/swish.md", "The build measures both on"), "root")
    assert (lo, hi, n) == (-half, half, count)


@pytest.mark.claim("activations/swish.md", r"""**3. "The gate keeps the slope between 0 and 1."** It does not: """
                   r"the slope is negative left of \(x_0\) and above 1 right of \(x_1\), as printed under [Derivative](#derivative).")
def test_swish_slope_leaves_zero_one():
    (x0,) = DEFINITIONS["swish"].grad_roots
    x1 = -x0  # swish'(x) + swish'(-x) = 1
    exact = Oracle("swish")
    left = np.linspace(x0 - 10, x0 - 1e-3, 200)
    right = np.linspace(x1 + 1e-3, x1 + 10, 200)
    assert all(g < 0 for g in exact.many("grad", left)) and all(g > 1 for g in exact.many("grad", right))
    middle = np.linspace(x0 + 1e-3, x1 - 1e-3, 200)
    assert all(0 <= g <= 1 for g in exact.many("grad", middle))
    grad = snippet("swish").swish_grad
    assert grad(x0 - 1) < 0 < 1 < grad(x1 + 1)


# ---------------------------------------------------------------- GELU

GELU = "activations/gelu.md"


def gelu_source() -> str:
    return Path(snippet("gelu").__file__).read_text(encoding="utf-8")


@pytest.mark.claim("activations/gelu.md", r"and dips below 0 to a minimum in between.")
@pytest.mark.claim("activations/gelu.md", r"It is 0 at one point \(x_0\), the minimum of GELU, below 0 left of it "
                   r"and above 1 for large \(x\).")
def test_gelu_slope_one_root_negative_minimum_and_above_one_right():
    xs = np.linspace(-12, 12, 2401)
    g, changes = sign_changes_of_grad("gelu", xs)
    assert len(changes) == 1
    x0 = xs[changes[0]]
    assert np.all(g[xs <= x0] < 0) and np.all(g[xs > x0 + 0.01] > 0)
    assert snippet("gelu").gelu(x0) < 0 and x0 < 0
    # Above 1 from some x1 on (compared at 50 digits, not rounded).
    right = xs[xs > 0]
    above = np.array([v > 1 for v in Oracle("gelu").many("grad", right)])
    first = np.argmax(above)
    assert above.any() and above[first:].all() and not above[:first].any()


@pytest.mark.claim("activations/gelu.md", r"every \(y\) between the minimum and 0 comes from two inputs, "
                   r"with slopes of opposite signs.")
def test_gelu_output_has_two_preimages():
    from scipy.optimize import brentq

    gelu = snippet("gelu")
    (x0,) = DEFINITIONS["gelu"].grad_roots
    lowest = gelu.gelu(x0)
    for y in lowest * np.array([0.999, 0.9, 0.5, 0.1, 1e-3]):
        left = brentq(lambda x: gelu.gelu(x) - y, -40.0, x0)
        right = brentq(lambda x: gelu.gelu(x) - y, x0, 0.0)
        assert left < x0 < right
        assert gelu.gelu_grad(left) < 0 < gelu.gelu_grad(right)


@pytest.mark.claim("activations/gelu.md", r"(Math. Comp., 1969), with the 18-digit coefficients of his public-domain "
                   r"SPECFUN routine `CALERF`,")
def test_cody_coefficients_have_the_stated_digits():
    (digits,) = sentence_numbers(GELU, r"with the (\d+)-digit coefficients of his")
    source = Path(snippet("gelu").__file__).parent.parent.joinpath("special", "erf.py").read_text(encoding="utf-8")
    coefficients = re.findall(r"(\d\.\d+)E[-+\d]+", source)
    assert len(coefficients) > 20
    assert {len(c.replace(".", "")) for c in coefficients} == {int(digits)}


@pytest.mark.claim("activations/gelu.md", r"the series needs only \(v - v_0 = (u - k\sqrt{2}/64)/\sqrt{2}\), "
                   r"where \(k\) times a 45-bit head of \(\sqrt{2}/64\)")
def test_gelu_node_step_head_bits():
    (bits,) = sentence_numbers(GELU, r"times a (\d+)-bit head of")
    gelu = snippet("gelu")
    head = gelu._STEP_HEAD
    mantissa, _ = np.frexp(head)
    numerator = Fraction(float(mantissa)).numerator
    assert numerator.bit_length() <= bits < Fraction(float(np.frexp(gelu._STEP)[0])).numerator.bit_length()
    # Veltkamp's split by 2^s + 1 keeps the top 53 - s bits of the 53.
    (splitter,) = re.findall(r"_STEP_HEAD = (\d+)\.0 \* _STEP", gelu_source())
    s = int(splitter) - 1
    assert s & (s - 1) == 0 and np.finfo(np.float64).nmant + 1 - s.bit_length() + 1 == bits
    # k times the head is exact for every node below v = 1.25 (k up to 80).
    for k in range(0, 81):
        assert Fraction(k * head) == k * Fraction(head)


@pytest.mark.claim("activations/gelu.md", r"From \(v = 1.25\) on, fdlibm's split does it more cheaply: "
                   r"\(h\) is \(u\) with its last 32 bits cleared (`z` in the code),")
def test_gelu_split_clears_32_bits():
    (bits,) = sentence_numbers(GELU, r"with its last (\d+) bits cleared")
    mask = int(snippet("gelu")._HIGH_BITS)
    assert mask & ((1 << 64) - 1) == ((1 << 64) - 1) ^ ((1 << int(bits)) - 1)
    assert "t.view(np.int64) & _HIGH_BITS" in gelu_source()
    # With 53 - 32 bits left, h^2 / 2 + 0.5625 is exact for the u of this branch.
    for u in np.linspace(1.768, 40.0, 997):
        h = float((np.float64(u).view(np.int64) & np.int64(mask)).view(np.float64))
        assert Fraction(-h * h / 2 - 0.5625) == -Fraction(h) ** 2 / 2 - Fraction(9, 16)


@pytest.mark.claim("activations/gelu.md", r"and the work runs on blocks of 65536 elements, which stay in the CPU cache")
def test_gelu_block_size():
    (size,) = sentence_numbers(GELU, r"runs on blocks of (\d+) elements")
    gelu = snippet("gelu")
    assert gelu._BLOCK_DOUBLE == size
    assert re.search(r"for start in range\(0, flat\.size, _BLOCK_DOUBLE\)", gelu_source())


@pytest.mark.claim("activations/gelu.md", r"float32 and float16 inputs need none of the pairs: float64 has 29 bits to spare.")
def test_float64_bits_to_spare():
    (spare,) = sentence_numbers(GELU, r"float64 has (\d+) bits to spare")
    assert np.finfo(np.float64).nmant - np.finfo(np.float32).nmant == spare


@pytest.mark.claim("activations/gelu.md", r"which stays within \(5 \cdot 10^{-10}\) of \(\operatorname{erfcx}\), relative, "
                   r"for \(v \le 10.3\), the range where float32 results are not 0,")
def test_gelu_float32_middle_ratio_and_range():
    gelu = snippet("gelu")
    mantissa, exponent, v_end = sentence_numbers(
        GELU, r"which stays within \\\((\d) \\cdot 10\^\{(-\d+)\}\\\) of .{0,60}?, relative, for \\\(v \\le ([\d.]+)\\\)")
    vs = np.linspace(0, v_end, 2061)
    ratio = gelu._plain_ratio(gelu._ERFCX_NUM, gelu._ERFCX_DEN, vs)
    with mpmath.workdps(30):
        exact = [mpmath.erfc(v) * mpmath.exp(v * v) for v in map(mpmath.mpf, vs.tolist())]
        worst = max(abs((r - e) / e) for r, e in zip(ratio, exact))
    assert worst <= mantissa * 10**exponent
    # Beyond v_end every float32 GELU and GELU' is 0; just inside, neither is.
    edge = -v_end * np.sqrt(2)
    beyond = np.linspace(edge, 3 * edge, 2001).astype(np.float32)
    for fn in (gelu.gelu, gelu.gelu_grad):
        np.testing.assert_array_equal(fn(beyond), 0)
    inside = np.float32(edge + 0.2)
    assert gelu.gelu_grad(inside) != 0
    assert gelu.gelu(np.float32(-14.2)) != 0


@pytest.mark.claim("activations/gelu.md", r"and for \(x > 0\) it is 1 minus the same.")
def test_gelu_slope_symmetry():
    expr, _ = definition("gelu")
    x = the_x(expr)
    slope = sp.diff(expr, x)
    assert sp.simplify(slope + slope.subs(x, -x) - 1) == 0


@pytest.mark.claim("activations/gelu.md", r"a difference that cancels by at most 1.4; from \(x = 9\) on the slope is 1 to the last bit.")
def test_gelu_tail_slope_cancellation_and_one():
    bound, start = sentence_numbers(GELU, r"cancels by at most ([\d.]+); from \\\(x = (\d+)\\\) on")
    with mpmath.workdps(40):
        def ratio(u):  # the larger term u phi(u) over the difference u phi(u) - Q(u)
            term = u * mpmath.npdf(u)
            return term / (term - mpmath.ncdf(-u))

        worst = max(ratio(mpmath.mpf(u)) for u in np.linspace(1.768, 40, 2000))
    assert bound - 0.1 < worst <= bound
    gelu = snippet("gelu")
    exact = Oracle("gelu")
    xs = np.linspace(start, 40, 1000)
    np.testing.assert_array_equal(gelu.gelu_grad(xs), 1.0)
    assert all(float(v) == 1.0 for v in exact.many("grad", xs[::50]))
    assert float(exact("grad", start - 1)) != 1.0


@pytest.mark.claim("activations/gelu.md", r"adds 1 to an \(\operatorname{erf}\) close to \(-1\) on the left:")
@pytest.mark.claim("activations/gelu.md", r"The relative error of the naive form grows long before it reaches 0.")
def test_gelu_naive_form_loses_relative_accuracy():
    from sitekit.oracle import ulp_error

    gelu = snippet("gelu")
    assert "1 + erf(" in Path(gelu.__file__).read_text(encoding="utf-8").split("[start:naive]")[1]
    special = Path(gelu.__file__).parent.parent / "special" / "erf.py"
    from sitekit.catalogue import load_snippet

    erf = load_snippet(special).erf
    exact = Oracle("gelu")
    errors = []
    for x in (-3.0, -5.0, -7.0):
        assert abs(float(erf(x / np.sqrt(2))) + 1) < 1e-2  # close to -1
        naive = gelu.gelu_naive(x)
        assert naive != 0  # not yet 0, already wrong
        errors.append(ulp_error(naive, [exact("f", x)], np.float64)[0])
        assert ulp_error(gelu.gelu(x), [exact("f", x)], np.float64)[0] <= 4
    assert 8 < errors[0] < errors[1] < errors[2]


@pytest.mark.claim("activations/gelu.md", r"The build measures the error on 4001 points within 0.3 of \(x_0\):")
def test_gelu_root_block_points():
    count, half = sentence_numbers(GELU, r"measures the error on (\d+) points within ([\d.]+) of")
    lo, hi, n = linspace_around(block_after(GELU, "The build measures the error on"), "root")
    assert (lo, hi, n) == (-half, half, count)


@pytest.mark.claim("activations/gelu.md", r"The \(\sqrt{2}\) is dropped: that is the distribution function of a normal "
                   r"variable with variance \(\tfrac12\), not 1.")
def test_gelu_mistake_two_variance():
    from sympy.stats import Normal, cdf

    x = sp.Symbol("x", real=True)
    wrong = (1 + sp.erf(x)) / 2
    half_variance = cdf(Normal("X", 0, sp.sqrt(sp.Rational(1, 2))))(x)
    unit_variance = cdf(Normal("Y", 0, 1))(x)
    assert sp.simplify(wrong - half_variance) == 0
    assert sp.simplify(wrong - unit_variance) != 0
