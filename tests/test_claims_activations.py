"""Numbers typed in the prose of the activation pages, each asserted.

Every test is marked `@pytest.mark.claim(page, fragment)` with the sentence it
backs (tests/test_prose_numbers.py reads the marks). A test recomputes what
the sentence states from the snippets, the oracle (SymPy definitions evaluated
by mpmath) or the page's own executed blocks; none restates the number.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

x_ = sp.Symbol("x", real=True)
EPS64 = np.finfo(np.float64).eps


def page_text(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def block_after(page: str, fragment: str) -> str:
    """The source of the first executed block after `fragment` on the page."""
    text = page_text(page)
    at = text.index(fragment)
    match = re.compile(r'^ *```python exec="on"[^\n]*\n(.*?)^ *```\s*$', re.S | re.M).search(text, at)
    assert match, f"no executed block after {fragment!r} on {page}"
    return match.group(1)


def grid(lo=-20.0, hi=20.0, n=40_001):
    return np.linspace(lo, hi, n)


# ---------------------------------------------------------------- binary step, conventions

@pytest.mark.claim("activations/binary_step.md",
                   r"""**2. "The step's derivative is \(\sigma'(x)\)", or "it is 1" (straight-through).** """
                   r"""Both are *surrogate* gradients: substitutes chosen to give training a signal. """
                   r"""They are not the derivative, which is \(0\) away from the jump.""")
def test_binary_step_slope_is_zero_not_a_surrogate():
    step = snippet("binary_step")
    xs = grid()
    xs = xs[xs != 0]
    slopes = step.binary_step_grad(xs)
    # The oracle: SymPy's derivative of the definition, on both sides of the jump.
    exact = [float(v) for v in Oracle("binary_step").many("grad", xs[::1000])]
    assert exact == [0.0] * len(exact)
    np.testing.assert_array_equal(slopes, 0.0)
    # Neither surrogate is that: the straight-through 1 nor sigma'.
    assert np.all(slopes != 1.0)
    assert np.all(slopes != snippet("sigmoid").sigmoid_grad(xs))


@pytest.mark.claim("activations/conventions.md",
                   "A jump (the binary step) has no slope at all; 0 is the choice that lets the rest of the network train.")
def test_binary_step_convention_at_the_jump():
    (kink,) = DEFINITIONS["binary_step"].kinks
    assert kink.at == 0.0 and kink.grad == 0.0
    for zero in (0.0, -0.0):
        assert snippet("binary_step").binary_step_grad(zero) == kink.grad


# ---------------------------------------------------------------- 17 digits

@pytest.mark.claim("activations/leaky_relu.md", "With 17 digits:")
@pytest.mark.claim("activations/hardsigmoid.md", "With 17 digits:")
@pytest.mark.claim("activations/hardswish.md", "With 17 digits:")
@pytest.mark.parametrize("page", ["leaky_relu", "hardsigmoid", "hardswish"])
def test_tables_print_17_digits(page):
    """17 significant digits tell every float64 apart (np.finfo: 53 bits)."""
    block = block_after(f"activations/{page}.md", "With 17 digits:")
    # value_table(..., digits=N) or mpmath.nstr(v, N); floats printed with !r
    # (the shortest repr that reads back, never more than 17 digits).
    digits = {int(d) for pair in re.findall(r"digits=(\d+)|nstr\(\w+, (\d+)\)", block) for d in pair if d}
    needed = int(np.ceil((np.finfo(np.float64).nmant + 1) * np.log10(2))) + 1  # ceil(53 log10 2) + 1
    assert digits == {needed}, (page, digits)


# ---------------------------------------------------------------- hardtanh, linear

@pytest.mark.claim("activations/hardtanh.md", "**The three slopes add up to 1.**")
def test_hardtanh_three_slopes_sum_to_one():
    ht = snippet("hardtanh")
    rng = np.random.default_rng(1)
    for lo, hi in ((-1.0, 1.0), (-2.5, 0.5), (0.25, 3.0), (1.0, 1.0)):
        xs = np.concatenate([rng.uniform(lo - 3, hi + 3, 1000), [lo, hi, np.nextafter(lo, -9), np.nextafter(hi, 9)]])
        total = ht.hardtanh_grad(xs, lo, hi) + ht.hardtanh_grad_min_val(xs, lo, hi) + ht.hardtanh_grad_max_val(xs, lo, hi)
        np.testing.assert_array_equal(total, 1.0)
    # And from the definition: shifting x and both bounds shifts the output by as much.
    d = DEFINITIONS["hardtanh"]
    shift = sp.Symbol("s", real=True)
    syms = d.symbols()
    moved = d.expr.subs({x_: x_ + shift, **{v: v + shift for v in syms.values()}}, simultaneous=True)
    for at in (-3, -1, 0, sp.Rational(1, 2), 2):
        values = {syms[k]: v for k, v in zip(sorted(syms), (sp.Integer(1), sp.Integer(-1)))}
        assert sp.simplify((moved - d.expr).subs(values).subs({x_: at, shift: sp.Rational(1, 7)})) == sp.Rational(1, 7)


@pytest.mark.claim("activations/linear.md",
                   r"A slope \(c = 10^5\) is beyond the float16 range (its largest value is 65504),")
def test_linear_slope_beyond_float16():
    block = block_after("activations/linear.md", "A slope \\(c = 10^5\\)")
    slopes = set(re.findall(r"linear(?:_naive)?\(x, ([\d.e+-]+)\)", block)) | set(re.findall(r'Oracle\("linear", c=([\d.e+-]+)\)', block))
    assert {float(c) for c in slopes} == {10.0 ** 5}
    largest = float(np.finfo(np.float16).max)
    assert largest == 2 ** 15 * (2 - 2 ** -10) == 65504
    with np.errstate(over="ignore"):
        assert 10.0 ** 5 > largest and np.isinf(np.float16(10.0 ** 5))


@pytest.mark.claim("activations/linear.md",
                   "the stable column is the exact value rounded to float16 (11 significant bits):")
def test_linear_float16_bits_and_rounding():
    assert np.finfo(np.float16).nmant + 1 == 11
    block = block_after("activations/linear.md", "the stable column is the exact value rounded to float16")
    xs = [float(v) for v in re.search(r"value_table\(\s*\[([^\]]*)\]", block).group(1).split(",")]
    exact = Oracle("linear", c=1e5)
    lin = snippet("linear").linear
    for x in xs:
        x16 = np.float16(x)
        assert lin(x16, 1e5) == np.float16(float(exact("f", float(x16))))


# ---------------------------------------------------------------- rrelu, prelu

@pytest.mark.claim("activations/rrelu.md", r"A training pass on five inputs, seed 7, with upstream gradient \(\bar{y} = 1\):")
def test_rrelu_training_pass_parameters():
    block = block_after("activations/rrelu.md", "A training pass on five inputs")
    inputs = re.search(r"x5 = np\.array\(\[([^\]]*)\]\)", block).group(1).split(",")
    assert len(inputs) == 5
    assert re.findall(r"default_rng\((\d+)\)", block) == ["7"]
    # The upstream gradient passed to the backward is all ones.
    assert "rrelu_train_backward(np.ones_like(x5)" in block
    x5 = np.array([float(v) for v in inputs])
    _, slopes = snippet("rrelu").rrelu_train(x5, rng=np.random.default_rng(7))
    dx = snippet("rrelu").rrelu_train_backward(np.ones_like(x5), slopes, x5)
    np.testing.assert_array_equal(dx, np.where(x5 > 0, 1.0, slopes))


@pytest.mark.claim("activations/rrelu.md",
                   r"At \(x = 0\) the left slope is the mean slope (at evaluation) or the drawn slope (in training), "
                   r"and the right slope is 1.")
def test_rrelu_slopes_at_zero():
    rr = snippet("rrelu")
    d = DEFINITIONS["rrelu"]
    right = sp.limit(sp.diff(d.with_params(), x_), x_, 0, "+")
    assert right == 1
    tiny = np.array([5e-324, 1e-300, 1e-8, 1.0])
    np.testing.assert_array_equal(rr.rrelu_grad(tiny), float(right))
    _, slopes = rr.rrelu_train(np.concatenate([tiny, [0.0]]), rng=np.random.default_rng(3))
    g = rr.rrelu_train_backward(np.ones(5), slopes, np.concatenate([tiny, [0.0]]))
    np.testing.assert_array_equal(g[:4], 1.0)
    assert g[4] == slopes[4]
    lower, upper = d.params["lower"], d.params["upper"]
    assert rr.rrelu_grad(0.0) == (lower + upper) / 2


@pytest.mark.claim("activations/prelu.md",
                   r"The derivative in \(\alpha\) is \(\min(0, x)\) everywhere, 0 at \(x = 0\) included.")
def test_prelu_alpha_derivative():
    pr = snippet("prelu")
    alpha = sp.Symbol("alpha", real=True)
    expr = DEFINITIONS["prelu"].expr
    assert alpha in expr.free_symbols
    d_alpha = sp.diff(expr, alpha)
    xs = np.concatenate([grid(-5, 5, 1001), [0.0, -0.0]])
    for a in (0.25, -0.5, 2.0):
        got = pr.prelu_grad_alpha(xs, a)
        np.testing.assert_array_equal(got, np.minimum(0.0, xs))
        for at in (-2.0, -0.5, 0.5, 2.0):
            assert float(d_alpha.subs({x_: at, alpha: a})) == got[np.argmin(np.abs(xs - at))]
    assert pr.prelu_grad_alpha(0.0) == 0 and pr.prelu_grad_alpha(-0.0) == 0


@pytest.mark.claim("activations/prelu.md",
                   r"Nothing keeps a learned \(\alpha\) in \([0, 1]\): "
                   r"it can turn negative (then PReLU is not monotonic) or exceed 1.")
def test_prelu_alpha_outside_zero_one():
    pr = snippet("prelu")
    xs = grid(-5, 5, 1001)
    for a in (0.0, 0.25, 1.0):
        assert np.all(np.diff(pr.prelu(xs, a)) >= 0)
    # Negative: not monotonic. Above 1: accepted, the left slope exceeds 1.
    assert np.any(np.diff(pr.prelu(xs, -0.5)) < 0)
    assert pr.prelu_grad(-1.0, 1.5) == 1.5 > 1
    np.testing.assert_array_equal(pr.prelu(xs[xs < 0], 1.5), 1.5 * xs[xs < 0])


# ---------------------------------------------------------------- relu

@pytest.mark.claim("activations/relu.md",
                   r"""**2. "In practice developers set the derivative to 0 or 1."** """
                   r"The derivative is not a free choice: it is \(1\) for \(x > 0\) and \(0\) for \(x < 0\).")
def test_relu_derivative_is_one_then_zero():
    relu = snippet("relu")
    xs = grid()
    slopes = relu.relu_grad(xs)
    np.testing.assert_array_equal(slopes[xs > 0], 1.0)
    np.testing.assert_array_equal(slopes[xs < 0], 0.0)
    # Central differences agree on each side, so either constant is wrong on one side.
    h = 1e-6
    fd = (relu.relu(xs + h) - relu.relu(xs - h)) / (2 * h)
    away = np.abs(xs) > 2 * h
    np.testing.assert_allclose(fd[away], slopes[away], atol=np.sqrt(EPS64))
    assert np.any(fd[away] == 0) and np.any(np.abs(fd[away] - 1) < np.sqrt(EPS64))


@pytest.mark.claim("activations/relu.md", "**A unit whose slope is 0 on every sample does not learn.**")
@pytest.mark.claim("activations/relu.md",
                   r"Here a bias of \(-10\), as a large update can leave it, does that to a unit with 3 inputs:")
def test_relu_dead_unit_block():
    block = block_after("activations/relu.md", "Here a bias of")
    assert re.search(r"X = rng\.normal\(size=\((\d+), (\d+)\)\)", block).group(2) == "3"
    assert float(re.search(r"w, b = rng\.normal\(size=(\d+)\), ([-\d.]+)", block).group(2)) == -10.0
    # Run it: every sample has z <= 0, and both gradients are exactly 0.
    relu = snippet("relu")
    scope = {"np": np, "relu": relu.relu, "relu_grad": relu.relu_grad, "print": lambda *a, **k: None}
    exec(block, scope)
    assert np.count_nonzero(scope["z"] > 0) == 0
    assert np.all(scope["X"].T @ scope["dz"] == 0) and scope["dz"].sum() == 0


# ---------------------------------------------------------------- overview (index)

@pytest.mark.claim("activations/index.md",
                   r"- **zero-centred (odd)**: \(f(-x) = -f(x)\) exactly on the grid, "
                   "so outputs are centred on 0 for centred inputs.")
def test_odd_functions_are_centred_on_zero():
    from sitekit import overview

    odd = [n for n in overview.elementwise_names() if overview.properties(n)["zero-centred (odd)"] == "yes"]
    assert {"tanh", "linear", "softsign"} <= set(odd)
    sample = np.random.default_rng(0).normal(size=10_000)
    centred = np.concatenate([sample, -sample])
    for name in odd:
        f = getattr(snippet(name), name)
        assert np.sum(f(centred)) == 0, name
    # Not so for one that is not odd.
    assert np.mean(snippet("relu").relu(centred)) > 0.1


@pytest.mark.claim("activations/index.md",
                   r"- **self-gated**: defined as \(x\) times a gate computed from \(x\) itself, rising from 0 to 1, "
                   r"\(f(x) = x\,s(x)\) (swish, GELU, Mish, hard swish).")
def test_self_gated_gates_rise_from_zero_to_one():
    from sitekit import overview

    for name in overview.SELF_GATED:
        expr = DEFINITIONS[name].with_params()
        if expr.has(sp.Piecewise):  # hard swish: the gate is exactly 0 and 1 past its kinks
            assert [expr.subs(x_, v) / v for v in (-10, 10)] == [0, 1], name
        else:
            gate = sp.simplify(expr / x_)
            assert sp.limit(gate, x_, -sp.oo) == 0, name
            assert sp.limit(gate, x_, sp.oo) == 1, name
        xs = np.linspace(-30, 30, 241)
        xs = xs[xs != 0]
        values = [float(v) / x for v, x in zip(Oracle(name).many("f", xs), xs)]
        assert np.all(np.diff(values) >= -EPS64), name


# ---------------------------------------------------------------- saturation helpers

def first_x_where(f, lo: float, hi: float, dtype=np.float64) -> float:
    """The smallest float x in [lo, hi] with f(x) true, f monotone (false then true): bisection on the floats."""
    a, b = (int(np.array(v, dtype=dtype).view(np.int64 if dtype == np.float64 else np.int32)) for v in (lo, hi))
    assert lo >= 0 and not f(dtype(lo)) and f(dtype(hi))
    while b - a > 1:
        mid = (a + b) // 2
        xm = np.array(mid, dtype=np.int64 if dtype == np.float64 else np.int32).view(dtype)[()]
        a, b = (a, mid) if f(xm) else (mid, b)
    return np.array(b, dtype=np.int64 if dtype == np.float64 else np.int32).view(dtype)[()]


TINY64 = np.finfo(np.float64).tiny


# ---------------------------------------------------------------- tanh

@pytest.mark.claim("activations/tanh.md", r"The maximum 1 is reached at \(x = 0\), where \(\tanh(0) = 0\).")
def test_tanh_maximum_slope_at_zero():
    slope = sp.diff(DEFINITIONS["tanh"].expr, x_)
    assert sp.solve(sp.diff(slope, x_), x_) == [0]
    assert slope.subs(x_, 0) == 1 and DEFINITIONS["tanh"].expr.subs(x_, 0) == 0
    tanh = snippet("tanh")
    assert tanh.tanh_grad(0.0) == 1 and tanh.tanh(0.0) == 0
    xs = grid()
    assert np.all(tanh.tanh_grad(xs[xs != 0]) < 1)


@pytest.mark.claim("activations/tanh.md",
                   r"Once \(\tanh(x)\) rounds to 1, \(1-y^2\) is exactly 0, "
                   r"while the true slope \(4\,e^{-2x}/(1+e^{-2x})^2\) is still a normal number. "
                   r"Just before that, \(1-y\) is a few spacings of the floats below 1, with few correct digits.")
@pytest.mark.claim("activations/tanh.md", r"Derivative: \(1-\tanh^2(x)\) would cancel to 0 as shown above.")
def test_tanh_from_output_cancels_to_zero():
    tanh = snippet("tanh")
    at = first_x_where(lambda v: tanh.tanh(v) == 1, 1.0, 100.0)
    exact = Oracle("tanh")
    assert tanh.tanh_grad_from_output(tanh.tanh(at)) == 0
    assert exact("grad", float(at)) > TINY64
    before = np.nextafter(at, 0)
    y = tanh.tanh(before)
    spacing_below_one = EPS64 / 2
    assert 1 <= (1 - y) / spacing_below_one <= 4
    # Few correct digits: the true 1 - tanh is off from 1 - y by a sizeable fraction.
    true_gap = 1 - exact("f", float(before))
    assert abs(float((1 - y) - true_gap) / float(true_gap)) > 1e-2
    # The snippet's own derivative keeps the slope there.
    assert abs(tanh.tanh_grad(at) / float(exact("grad", float(at))) - 1) <= 8 * EPS64


@pytest.mark.claim("activations/tanh.md",
                   r"Near 0 it subtracts two numbers close to 1, \(e^{x} - e^{-x}\), and loses relative accuracy.")
def test_tanh_naive_loses_accuracy_near_zero():
    tanh = snippet("tanh")
    exact = Oracle("tanh")
    for x in (1e-8, 1e-10, 1e-12):
        assert abs(np.exp(x) - 1) < 2 * x and abs(np.exp(-x) - 1) < 2 * x
        naive = tanh.tanh_naive(x)
        assert abs(naive / float(exact("f", x)) - 1) > 1e3 * EPS64
        assert abs(tanh.tanh(x) / float(exact("f", x)) - 1) <= 4 * EPS64


@pytest.mark.claim("activations/tanh.md",
                   r"""**2. "Tanh saturates less than sigmoid: a very negative input gives −1, so the gradient is not 0."** """
                   r"The output is \(-1\), but the slope is the derivative, and it vanishes on both sides:")
def test_tanh_output_minus_one_slope_vanishes():
    tanh = snippet("tanh")
    block = block_after("activations/tanh.md", "Tanh saturates less than sigmoid")
    xs = [float(v) for v in re.search(r"value_table\(\s*\[([^\]]*)\]", block).group(1).split(",")]
    negative = [v for v in xs if v < 0]
    assert negative and all(tanh.tanh(v) == -1 for v in (-20.0, -40.0))
    for v in negative:
        assert abs(tanh.tanh(v) + 1) < 1e-3 and tanh.tanh_grad(v) < 1e-3
        assert tanh.tanh_grad(v) == tanh.tanh_grad(-v)
    assert tanh.tanh_grad(-40.0) < 1e-30


@pytest.mark.claim("activations/tanh.md",
                   "Its outputs are centred on 0 (it is odd), so the next layer's inputs are not all positive.")
@pytest.mark.claim("activations/tanh.md",
                   r"Its largest slope is 1 instead of \(\tfrac14\), since \(\tanh'(x) = 4\,\sigma'(2x)\):")
def test_tanh_advantages_over_sigmoid():
    tanh, sig = snippet("tanh"), snippet("sigmoid")
    assert sp.simplify(DEFINITIONS["tanh"].expr.subs(x_, -x_) + DEFINITIONS["tanh"].expr) == 0
    xs = np.random.default_rng(0).normal(size=10_000)
    centred = np.concatenate([xs, -xs])
    assert np.sum(tanh.tanh(centred)) == 0 and np.all(sig.sigmoid(centred) > 0)
    assert np.any(tanh.tanh(centred) < 0)
    t, s = sp.diff(DEFINITIONS["tanh"].expr, x_), sp.diff(DEFINITIONS["sigmoid"].expr, x_)
    assert sp.simplify((t - 4 * s.subs(x_, 2 * x_)).rewrite(sp.exp)) == 0
    assert t.subs(x_, 0) == 1 and s.subs(x_, 0) == sp.Rational(1, 4)
    g = grid(-50, 50, 100_001)
    assert tanh.tanh_grad(g).max() == 1 and sig.sigmoid_grad(g).max() == 0.25


# ---------------------------------------------------------------- sigmoid

@pytest.mark.claim("activations/sigmoid.md",
                   r"""**3. "\(\sigma'\) lies between 0 and 1."** It lies in \((0, \tfrac14]\). """
                   r"Through \(n\) sigmoid layers the product of the slopes alone is at most \(4^{-n}\).")
def test_sigmoid_slope_range():
    s = sp.diff(DEFINITIONS["sigmoid"].expr, x_)
    assert sp.solve(sp.diff(s, x_), x_) == [0] and s.subs(x_, 0) == sp.Rational(1, 4)
    assert sp.limit(s, x_, sp.oo) == 0 and sp.limit(s, x_, -sp.oo) == 0
    slopes = snippet("sigmoid").sigmoid_grad(grid(-700, 700, 140_001))
    assert np.all(slopes > 0) and slopes.max() == 0.25
    # The product over n layers is at most 4^-n, reached with every x = 0.
    for n in (1, 5, 30):
        xs = np.random.default_rng(n).normal(size=(1000, n))
        product = np.prod(snippet("sigmoid").sigmoid_grad(xs), axis=1)
        assert np.all(product <= 0.25 ** n) and np.prod(snippet("sigmoid").sigmoid_grad(np.zeros(n))) == 0.25 ** n


@pytest.mark.claim("activations/sigmoid.md",
                   r"The textbook formula overflows in `exp(-x)` for \(x < -709\) (float64). "
                   r"It still returns the right limit, 0, but with a warning;")
def test_sigmoid_naive_overflow_gives_zero_with_warning():
    naive = snippet("sigmoid").sigmoid_naive
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert naive(-710.0) == 0
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert naive(np.float32(-89.0)) == 0
    assert naive(-700.0) > 0


@pytest.mark.claim("activations/sigmoid.md",
                   r"Once \(\sigma(x)\) rounds to 1, \(y\,(1-y)\) is exactly 0, "
                   r"while the true slope \(e^{-x}/(1+e^{-x})^2\) is still a normal number.")
def test_sigmoid_from_output_is_zero_once_rounded():
    sig = snippet("sigmoid")
    at = first_x_where(lambda v: sig.sigmoid(v) == 1, 1.0, 100.0)
    assert sig.sigmoid_grad_from_output(sig.sigmoid(at)) == 0
    assert Oracle("sigmoid")("grad", float(at)) > TINY64
    assert sig.sigmoid_grad_from_output(sig.sigmoid(np.nextafter(at, 0))) > 0


@pytest.mark.claim("activations/sigmoid.md",
                   r"there \(1 + e^{x}\) rounds to 1, and those rare inputs, found by one fast check, are redone as \(e^{x}\).")
def test_sigmoid_far_left_is_exp():
    sig = snippet("sigmoid")
    for x in (-710.0, -745.0, -800.0):
        assert 1 + np.exp(x) == 1
        assert sig.sigmoid(x) == np.exp(x)
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(np.float32(89.0)))
    assert sig.sigmoid(np.float32(-100.0)) == np.float32(np.exp(-100.0))


# ---------------------------------------------------------------- softsign

@pytest.mark.claim("activations/softsign.md",
                   r"Although \(|x|\) has a kink at 0, the slope does not: both sides give \(1\).")
@pytest.mark.claim("activations/softsign.md",
                   r"At \(x = 0\) the quotient \(\operatorname{softsign}(h)/h = 1/(1+|h|)\) tends to \(1\) from both sides: "
                   "the derivative exists there, and the formula holds at 0 too.")
@pytest.mark.claim("activations/softsign.md", "The build computes one-sided quotients at 0:")
def test_softsign_slope_at_zero():
    expr = DEFINITIONS["softsign"].expr
    h = sp.Symbol("h", real=True)
    quotient = expr.subs(x_, h) / h
    assert sp.limit(quotient, h, 0, "+") == sp.limit(quotient, h, 0, "-") == 1
    ss = snippet("softsign")
    assert ss.softsign_grad(0.0) == 1
    block = block_after("activations/softsign.md", "The build computes one-sided quotients at 0:")
    assert "softsign(0.0) - softsign(-h)" in block and "softsign(h) - softsign(0.0)" in block


@pytest.mark.claim("activations/softsign.md", "How far each is from its limit 1:")
def test_softsign_limit_is_one():
    positive = sp.Symbol("p", positive=True)
    assert sp.limit(DEFINITIONS["softsign"].expr.subs(x_, positive), positive, sp.oo) == 1
    assert sp.limit(DEFINITIONS["tanh"].expr, x_, sp.oo) == 1
    block = block_after("activations/softsign.md", "How far each is from its limit 1:")
    # The columns print the distance to that limit, for both functions.
    assert "lambda x: 1 - softsign(x)" in block and "lambda x: 1 - np.tanh(x)" in block


@pytest.mark.claim("activations/softsign.md",
                   r"Squaring doubles the relative error of \(r\), two roundings' worth, and the square rounds once more: "
                   r"at most five roundings of \(\varepsilon/2\) relative to the slope, so within 5 ULP.")
def test_softsign_grad_within_five_roundings():
    import mpmath

    from sitekit.oracle import ulp_error

    ss = snippet("softsign")
    rng = np.random.default_rng(0)
    xs = np.concatenate([rng.uniform(-100, 100, 20_000), np.geomspace(1e-8, 1e150, 2000),
                         -np.geomspace(1e-8, 1e150, 2000)])
    for dtype in (np.float64, np.float32):
        with np.errstate(over="ignore"):
            v = xs.astype(dtype)
        v = v[np.isfinite(v)]
        exact = Oracle("softsign").many("grad", v.astype(np.float64))
        got = ss.softsign_grad(v)
        unit = float(np.finfo(dtype).eps) / 2
        relative = [abs(float((mpmath.mpf(float(g)) - e) / e)) / unit for g, e in zip(got, exact) if e > np.finfo(dtype).tiny]
        assert max(relative) <= 5, (dtype, max(relative))
        errors = ulp_error(got, exact, dtype)
        # Within 5 ULP, and more than the 2.5 the page used to say: the bound is not loose by 2.
        assert 2.5 < errors.max() <= 5, (dtype, errors.max())


@pytest.mark.claim("activations/softsign.md",
                   r"The price: \(1 - |y|\) subtracts two numbers close to each other once \(|y|\) is close to 1.")
@pytest.mark.claim("activations/softsign.md", r"and once \(y\) rounds to \(\pm 1\) the slope is exactly 0.")
def test_softsign_from_output_cancels():
    ss = snippet("softsign")
    at = first_x_where(lambda v: ss.softsign(v) == 1, 1.0, 1e300)
    assert ss.softsign_grad_from_output(ss.softsign(at)) == 0
    assert ss.softsign_grad_from_output(-ss.softsign(at)) == 0
    assert Oracle("softsign")("grad", float(at)) > TINY64
    # Before that, the relative error grows like eps |x|.
    x = 1e10
    err = abs(ss.softsign_grad_from_output(ss.softsign(x)) / float(Oracle("softsign")("grad", x)) - 1)
    assert err > 1e3 * EPS64


@pytest.mark.claim("activations/softsign.md",
                   r"The textbook derivative \(1/(1+|x|)^{2}\) overflows in the square for large \(|x|\) and returns 0, "
                   "where the exact slope is a subnormal number:")
def test_softsign_textbook_derivative_overflows():
    x = np.float64(1e160)
    with np.errstate(over="ignore"):
        assert 1 / (1 + abs(x)) ** 2 == 0
    exact = Oracle("softsign")("grad", x)
    assert 0 < exact < TINY64
    assert snippet("softsign").softsign_grad(x) > 0


# ---------------------------------------------------------------- logsigmoid

def relative_error(got, exact) -> float:
    return abs(float(got) / float(exact) - 1)


@pytest.mark.claim("activations/logsigmoid.md",
                   r"For a logit \(x\) and the label 1, the binary cross-entropy is \(-\log\sigma(x)\),")
def test_logsigmoid_is_the_bce_of_label_one():
    logit, label = sp.symbols("logit label", real=True)
    p = 1 / (1 + sp.exp(-logit))
    bce = -(label * sp.log(p) + (1 - label) * sp.log(1 - p))
    assert sp.simplify(bce.subs(label, 1) + DEFINITIONS["logsigmoid"].expr.subs(x_, logit)) == 0
    assert sp.simplify(bce.subs(label, 0) + DEFINITIONS["logsigmoid"].expr.subs(x_, logit)) != 0


@pytest.mark.claim("activations/logsigmoid.md",
                   r"The slope tends to 1 on the left, where \(\log\sigma(x) \approx x\), and to 0 on the right.")
def test_logsigmoid_slope_limits():
    slope = sp.diff(DEFINITIONS["logsigmoid"].expr, x_)
    assert sp.limit(slope, x_, -sp.oo) == 1 and sp.limit(slope, x_, sp.oo) == 0
    assert sp.limit(DEFINITIONS["logsigmoid"].expr - x_, x_, -sp.oo) == 0
    ls = snippet("logsigmoid")
    assert ls.logsigmoid_grad(-40.0) == 1 and ls.logsigmoid_grad(800.0) == 0


@pytest.mark.claim("activations/logsigmoid.md",
                   r"Forward: \(-\ln(1+e^{-x})\) as `-np.log1p(np.exp(-x))`: "
                   r"`log1p` keeps the tiny values on the right, where \(1 + e^{-x}\) rounds to 1.")
def test_logsigmoid_log1p_keeps_the_right_tail():
    exact = Oracle("logsigmoid")
    for x in (40.0, 100.0, 700.0):
        assert 1 + np.exp(-x) == 1 and np.log(1 + np.exp(-x)) == 0
        assert relative_error(-np.log1p(np.exp(-x)), exact("f", x)) <= 2 * EPS64
        assert relative_error(snippet("logsigmoid").logsigmoid(x), exact("f", x)) <= 4 * EPS64


@pytest.mark.claim("activations/logsigmoid.md",
                   r"On the left, `exp(-x)` overflows, the quotient becomes 0 and its log \(-\infty\), "
                   r"where the exact value is about \(x\). "
                   r"On the right, \(1 + e^{-x}\) rounds to 1 and the log to 0, where the exact value is \(-e^{-x}\).")
def test_logsigmoid_naive_fails_on_both_sides():
    naive = snippet("logsigmoid").logsigmoid_naive
    exact = Oracle("logsigmoid")
    with np.errstate(over="ignore", divide="ignore"):
        assert naive(-1000.0) == -np.inf
        assert np.isinf(np.exp(1000.0))
    assert relative_error(exact("f", -1000.0), -1000.0) < 1e-300
    assert naive(40.0) == 0
    assert relative_error(exact("f", 40.0), -np.exp(-40.0)) < 1e-15


@pytest.mark.claim("activations/logsigmoid.md",
                   r"\(\sigma(x)\) itself underflows to 0 on the far left and rounds to 1 on the right.")
def test_stable_sigmoid_underflows_and_rounds():
    sig = snippet("sigmoid").sigmoid
    block = block_after("activations/logsigmoid.md", r"itself underflows to 0 on the far left")
    xs = [float(v) for v in re.search(r"value_table\(\s*\[([^\]]*)\]", block).group(1).split(",")]
    assert sig(min(xs)) == 0 and sig(max(xs)) == 1
    assert Oracle("logsigmoid")("f", min(xs)) > -np.inf
    with np.errstate(divide="ignore"):
        assert np.log(sig(min(xs))) == -np.inf and np.log(sig(max(xs))) == 0


@pytest.mark.claim("activations/logsigmoid.md",
                   r"on the left, \(1 - e^{y}\) is close to 1 and nothing cancels. "
                   r"Written as `1 - np.exp(y)`, the right tail is lost: \(e^{y}\) rounds to 1 there.")
def test_logsigmoid_from_output_needs_expm1():
    ls = snippet("logsigmoid")
    exact = Oracle("logsigmoid")
    for x in (-40.0, -5.0):
        y = ls.logsigmoid(x)
        assert 1 - np.exp(y) > 0.99 and relative_error(1 - np.exp(y), exact("grad", x)) <= 4 * EPS64
    for x in (40.0, 700.0):
        y = ls.logsigmoid(x)
        assert np.exp(y) == 1 and 1 - np.exp(y) == 0
        assert relative_error(ls.logsigmoid_grad_from_output(y), exact("grad", x)) <= 8 * EPS64


# ---------------------------------------------------------------- softplus

@pytest.mark.claim("activations/softplus.md",
                   r"On a grid of both signs, with \(|x|\) from 0.001 to 740, both ways stay within a few ULP of the exact slope "
                   "(measured at build time against the 50-digit value):")
def test_softplus_slope_grid():
    from sitekit.oracle import is_normal, ulp_error

    block = block_after("activations/softplus.md", "On a grid of both signs")
    ends = re.findall(r"np\.logspace\(([^,]+), ([^,]+), \d+\)", block)
    assert len(ends) == 2 and len(set(ends)) == 1
    lo, hi = (eval(v, {"np": np}) for v in ends[0])
    assert 10.0 ** lo == 0.001 and abs(10.0 ** hi - 740) <= 740 * 4 * EPS64
    assert "-np.logspace" in block
    sp_ = snippet("softplus")
    xs = np.concatenate([-np.logspace(lo, hi, 800), np.logspace(lo, hi, 800)])
    truth = Oracle("softplus").many("grad", xs)
    normal = is_normal(truth, np.float64)
    for values in (sp_.softplus_grad_from_output(sp_.softplus(xs)), sp_.softplus_grad(xs)):
        assert ulp_error(values, truth, np.float64)[normal].max() <= 4  # "a few"


@pytest.mark.claim("activations/softplus.md",
                   r"On the left, `1 + exp(x)` rounds to 1 once \(e^{x}\) is below half an ULP of 1, and the log returns 0.")
def test_softplus_naive_left():
    naive = snippet("softplus").softplus_naive
    half_ulp_of_one = EPS64 / 2
    edge = np.log(half_ulp_of_one)
    for x in (edge - 1, edge - 10, -700.0):
        assert np.exp(x) < half_ulp_of_one and 1 + np.exp(x) == 1 and naive(x) == 0
    assert 1 + np.exp(edge + 1) > 1 and naive(edge + 1) > 0


@pytest.mark.claim("activations/softplus.md",
                   r"Past \(x = 50\) the result rounds to \(x\) in every float type, "
                   r"so \(x\) is capped at 50, where \(e^{x}\) cannot overflow,")
@pytest.mark.claim("activations/softplus.md", "that `np.log(1 + e^x)` would round to 0.")
def test_softplus_cap_at_fifty():
    source = Path(snippet("softplus").__file__).read_text()
    cap = float(re.search(r"np\.minimum\(w, ([\d.]+), out=", source).group(1))
    exact = Oracle("softplus")
    for dtype in (np.float16, np.float32, np.float64):
        xs = np.linspace(cap, 4 * cap, 50).astype(dtype)
        rounded = np.array([float(exact("f", float(x))) for x in xs]).astype(dtype)
        np.testing.assert_array_equal(rounded, xs)
        np.testing.assert_array_equal(snippet("softplus").softplus(xs), xs)
    assert np.isfinite(np.exp(np.float32(cap)))
    # Below the cap it does not round to x in float64: the cap is not far too low.
    assert np.float64(float(exact("f", cap / 2))) != cap / 2
    # The left tail: log(1 + e^x) rounds to 0 where log1p keeps e^x.
    x = -40.0
    assert np.log(1 + np.exp(x)) == 0 and relative_error(np.log1p(np.exp(x)), exact("f", x)) <= 2 * EPS64


@pytest.mark.claim("activations/softplus.md",
                   r"Where \(x\) is very negative, \(y\) is tiny, \(e^{-y}\) rounds to 1, "
                   "and the obvious `1 - np.exp(-y)` returns 0, or loses digits:")
def test_softplus_from_output_obvious_form():
    sp_ = snippet("softplus")
    exact = Oracle("softplus")
    y = sp_.softplus(-700.0)
    assert 0 < y < 1e-300 and np.exp(-y) == 1 and 1 - np.exp(-y) == 0
    y = sp_.softplus(-20.0)
    assert relative_error(1 - np.exp(-y), exact("grad", -20.0)) > 1e3 * EPS64
    assert relative_error(sp_.softplus_grad_from_output(y), exact("grad", -20.0)) <= 8 * EPS64


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


def float32_ulp(exact: np.ndarray) -> np.ndarray:
    """float32's spacing at each exact value (float64), the smallest subnormal below the normal range."""
    exponent = np.frexp(np.abs(exact))[1]
    return np.maximum(np.ldexp(1.0, exponent - 24), float(np.finfo(np.float32).smallest_subnormal))


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


# ---------------------------------------------------------------- relu6

@pytest.mark.claim("activations/relu6.md",
                   r'Krizhevsky introduced ReLUs "capped at \(n\)" in '
                   "[Convolutional Deep Belief Networks on CIFAR-10](https://www.cs.toronto.edu/~kriz/conv-cifar10-aug2010.pdf) "
                   r"(2010, unpublished manuscript) and used \(n = 6\);")
def test_relu6_cap_is_six():
    expr = DEFINITIONS["relu6"].with_params()
    assert [expr.subs(x_, v) for v in (-1, 3, 100)] == [0, 3, 6]
    assert snippet("relu6").relu6(1e300) == 6


@pytest.mark.claim("activations/relu6.md",
                   r"""**1. "ReLU6′ is ReLU′: 1 for every \(x > 0\)."** The cap is flat: the slope is \(0\) again for \(x > 6\).""")
def test_relu6_slope_is_zero_above_the_cap():
    r6 = snippet("relu6")
    xs = grid(-10, 20, 30_001)
    cap = float(DEFINITIONS["relu6"].with_params().subs(x_, 1000))
    slopes = r6.relu6_grad(xs)
    np.testing.assert_array_equal(slopes[(xs > 0) & (xs < cap)], 1.0)
    np.testing.assert_array_equal(slopes[xs > cap], 0.0)
    h = 1e-6
    fd = (r6.relu6(xs + h) - r6.relu6(xs - h)) / (2 * h)
    assert np.all(fd[xs > cap + 2 * h] == 0)


@pytest.mark.claim("activations/relu6.md",
                   r"A unit whose pre-activation is above \(6\) on a whole batch gets no gradient, "
                   r"exactly like a ReLU unit below \(0\). "
                   r"Here a bias of \(+10\) does that to a unit with 3 inputs:")
def test_relu6_saturated_unit_block():
    block = block_after("activations/relu6.md", "Here a bias of")
    assert re.search(r"X = rng\.normal\(size=\((\d+), (\d+)\)\)", block).group(2) == "3"
    assert float(re.search(r"w, b = rng\.normal\(size=(\d+)\), \+?([-\d.]+)", block).group(2)) == 10.0
    r6 = snippet("relu6")
    scope = {"np": np, "relu6": r6.relu6, "relu6_grad": r6.relu6_grad, "print": lambda *a, **k: None}
    exec(block, scope)
    z = scope["z"]
    assert np.all(z > 6) and np.all(r6.relu6_grad(z) == 0)
    assert np.all(snippet("relu").relu_grad(-z) == 0)


# ---------------------------------------------------------------- hard sigmoid, hard swish

HARD_POINTS = np.concatenate([np.random.default_rng(0).uniform(-8, 8, 20_000), -3 + np.geomspace(1e-15, 1, 2000),
                              3 - np.geomspace(1e-15, 1, 2000), np.geomspace(1e-8, 1e30, 500), -np.geomspace(1e-8, 1e30, 500)])


def worst_ulp(name: str, dtype) -> float:
    from sitekit.oracle import ulp_error

    with np.errstate(over="ignore"):
        xs = HARD_POINTS.astype(dtype)
    xs = xs[np.isfinite(xs)]
    return float(ulp_error(getattr(snippet(name), name)(xs), Oracle(name).many("f", xs.astype(np.float64)), dtype).max())


@pytest.mark.claim("activations/hardsigmoid.md",
                   "float32 and float64 are computed in their own arithmetic: two roundings, within about 1 ULP, "
                   "and no float64 copy of a float32 array; float16 goes through float32 and is rounded once.")
@pytest.mark.claim("activations/hardswish.md",
                   "float32 and float64 are computed in their own arithmetic: three roundings, within about 2 ULP, "
                   "and no float64 copy of a float32 array; float16 goes through float32 and is rounded once.")
@pytest.mark.parametrize("name, roundings, bound", [("hardsigmoid", 2, 1.0), ("hardswish", 3, 2.0)])
def test_hard_functions_roundings_and_dtypes(name, roundings, bound):
    fn = getattr(snippet(name), name)
    source = Path(snippet(name).__file__).read_text()
    body = source[source.index(f"def {name}("):source.index("# --8<-- [end:forward]", source.index(f"def {name}("))]
    code = [line.split("#")[0] for line in body.splitlines()]
    operations = sum(len(re.findall(r"np\.add\(|y /= |y \*= ", line)) for line in code)
    assert operations == roundings, operations  # np.clip, np.maximum/minimum and + 0 round nothing
    for dtype in (np.float32, np.float64):
        assert worst_ulp(name, dtype) <= bound, dtype
    assert worst_ulp(name, np.float64) > bound - 1  # "about": not a bound loose by one ULP or more
    # float32 in float32: the same operations written in float32 give the same bits.
    x32 = HARD_POINTS.astype(np.float32)
    if name == "hardsigmoid":
        in_float32 = np.clip(x32 + np.float32(3), 0, 6) / np.float32(6)
    else:
        m = np.maximum(x32, np.float32(-3))
        in_float32 = np.minimum(m + np.float32(3), 6) / np.float32(6) * m + np.float32(0)
    np.testing.assert_array_equal(fn(x32), in_float32)
    x16 = np.arange(2 ** 16, dtype=np.uint16).view(np.float16)
    x16 = x16[np.isfinite(x16)]
    np.testing.assert_array_equal(fn(x16), fn(x16.astype(np.float32)).astype(np.float16))


@pytest.mark.claim("activations/hardsigmoid.md",
                   r"""**1. "Keras's `hard_sigmoid` is this function."** Only since Keras 3. """
                   r"In Keras 2 (`tf.keras`, up to TensorFlow 2.15) `hard_sigmoid` was "
                   r"\(\operatorname{clip}(0.2\,x + 0.5, 0, 1)\): slope \(0.2\), kinks at \(\pm 2.5\). "
                   r"Keras 3 documents \(x/6 + \tfrac12\) with kinks at \(\pm 3\), PyTorch's function.")
def test_keras2_hard_sigmoid_differs():
    """The formulas the paragraph gives (the version numbers are names, not checked here: no Keras offline)."""
    block = block_after("activations/hardsigmoid.md", "A model moved between the two changes its outputs")
    scope = {"np": np, "print": lambda *a, **k: None, "hardsigmoid": snippet("hardsigmoid").hardsigmoid,
             "hardsigmoid_grad": snippet("hardsigmoid").hardsigmoid_grad}
    source = block[:block.index("\n\n", block.index("def keras2_hard_sigmoid"))]
    exec(source, scope)
    keras2 = scope["keras2_hard_sigmoid"]
    xs = grid(-5, 5, 10_001)
    y = keras2(xs)
    slopes = np.diff(y) / np.diff(xs)
    inside = (xs[:-1] > -2.5) & (xs[1:] < 2.5)
    np.testing.assert_allclose(slopes[inside], 0.2, rtol=1e-9)
    assert np.all(y[xs <= -2.5] == 0) and np.all(y[xs >= 2.5] == 1) and np.all((y[np.abs(xs) < 2.4] > 0) & (y[np.abs(xs) < 2.4] < 1))
    hs = DEFINITIONS["hardsigmoid"].with_params()
    assert [hs.subs(x_, v) for v in (-3, 0, 3, -4, 4)] == [0, sp.Rational(1, 2), 1, 0, 1]
    assert sp.diff(hs, x_).subs(x_, 1) == sp.Rational(1, 6)
    assert np.max(np.abs(keras2(xs) - snippet("hardsigmoid").hardsigmoid(xs))) > 0.05


@pytest.mark.claim("activations/hardswish.md",
                   r"""**3. "Hard swish is bounded below by 0, like ReLU."** """
                   r"It dips to its minimum at \(x = -\tfrac32\) (see [Derivative](#derivative)), "
                   "so a layer of hard swish units can output negative values, "
                   r"and its slope is negative on \((-3, -\tfrac32)\).")
def test_hardswish_dips_below_zero():
    hs = snippet("hardswish")
    expr = DEFINITIONS["hardswish"].with_params()
    middle = x_ * (x_ + 3) / 6
    assert all(expr.subs(x_, v) == middle.subs(x_, v) for v in (-2, -1, 0, 1, 2))
    assert sp.solve(sp.diff(middle, x_), x_) == [sp.Rational(-3, 2)]
    assert middle.subs(x_, sp.Rational(-3, 2)) < 0
    xs = grid(-6, 6, 12_001)
    y = hs.hardswish(xs)
    assert xs[np.argmin(y)] == -1.5 and y.min() < 0
    slopes = hs.hardswish_grad(xs)
    assert np.all(slopes[(xs > -3) & (xs < -1.5)] < 0) and np.all(slopes[(xs > -1.5)] >= 0)
    assert np.all(slopes[xs < -3] == 0)


# ---------------------------------------------------------------- tanhshrink

@pytest.mark.claim("activations/tanhshrink.md", "NumPy's float32 `tanh` is within 1.4 ULP, so float32 stays float32 here.")
@pytest.mark.claim("activations/tanhshrink.md",
                   "In float32, `tanh` and the subtraction stay float32 (NumPy's float32 `tanh` is within 1.4 ULP),")
def test_numpy_float32_tanh_within_1_4_ulp():
    """Every 5th float32 of either sign in [2^-12, 2^8] (the range the tanh page sweeps in full),
    against tanh in float64 from expm1, a route that shares nothing with np.tanh."""
    first, last = (int(np.float32(v).view(np.uint32)) for v in (2.0 ** -12, 2.0 ** 8))
    worst = 0.0
    for start in range(first, last + 1, 5 << 22):
        x = np.arange(start, min(start + (5 << 22), last + 1), 5, dtype=np.uint32).view(np.float32)
        for signed in (x, -x):
            e = np.expm1(-2 * np.abs(signed.astype(np.float64)))
            exact = np.copysign(-e / (e + 2), signed)
            worst = max(worst, float((np.abs(np.tanh(signed).astype(np.float64) - exact) / float32_ulp(exact)).max()))
    assert 1.0 < worst <= 1.4, worst
    assert snippet("tanhshrink").tanhshrink_grad(np.float32(0.5)).dtype == np.float32


# ---------------------------------------------------------------- gelu with tanh

GELU_TANH_C = sp.Rational(44715, 10 ** 6)


def u_of(x):
    return sp.sqrt(2 / sp.pi) * (x + GELU_TANH_C * x ** 3)


@pytest.mark.claim("activations/gelu_tanh.md",
                   "The constant 0.044715 is part of the definition: this page, like those frameworks, uses it as written.")
def test_gelu_tanh_constant_as_written():
    expr = DEFINITIONS["gelu_tanh"].with_params()
    assert sp.simplify(expr - x_ / 2 * (1 + sp.tanh(u_of(x_)))) == 0
    # The decimal as published, exactly, in the definition and in the code's constant B.
    assert sp.nsimplify(GELU_TANH_C) == sp.Rational(44715, 1_000_000)
    assert snippet("gelu_tanh")._B == snippet("gelu_tanh")._ratio(2 * 44715 * snippet("gelu_tanh")._SQRT_2_OVER_PI_DIGITS,
                                                                    10 ** 51)


@pytest.mark.claim("activations/gelu_tanh.md",
                   r"Like GELU's, the slope is 0 at one point \(x_0\), the minimum, and negative left of it. "
                   r"It is 1 at one point \(x_1 > 0\), and above 1 right of it; "
                   r"between \(x_0\) and \(x_1\) it lies in \([0, 1]\):")
def test_gelu_tanh_slope_bands():
    """f' < 0 left of x0, in [0, 1] between x0 and x1, > 1 right of x1: the oracle on [-8, 8] and
    next to both crossings; further out f' - 1 is below e^-40, so a few points at 3000 digits."""
    slope = sp.diff(DEFINITIONS["gelu_tanh"].with_params(), x_)
    x0, x1 = (float(sp.nsolve(slope - level, x_, guess)) for level, guess in ((0, -0.75), (1, 1.0)))
    assert x0 < 0 < x1
    xs = np.concatenate([np.linspace(-8, 8, 801), x0 + np.array([-1e-9, 1e-9]), x1 + np.array([-1e-9, 1e-9])])
    slopes = Oracle("gelu_tanh").many("grad", xs)
    assert all(v < 0 for v, at in zip(slopes, xs) if at < x0)
    assert all(0 <= v <= 1 for v, at in zip(slopes, xs) if x0 < at < x1)
    assert all(v > 1 for v, at in zip(slopes, xs) if at > x1)
    for at in (10, 20, 30):
        assert (slope - 1).subs(x_, at).evalf(3000) > 0
        assert slope.subs(x_, -at).evalf(3000) < 0
    # The sentence it replaces, "exceeds 1 for larger x", was false right of x0:
    assert float(slope.subs(x_, x1 / 2)) < 1


@pytest.mark.claim("activations/gelu_tanh.md",
                   r"There is none: \(f\) is not monotonic, so one output \(y\) between the minimum and 0 "
                   "comes from two inputs, with slopes of opposite signs.")
def test_gelu_tanh_two_inputs_per_output():
    gt = snippet("gelu_tanh")
    root = float(sp.nsolve(sp.diff(DEFINITIONS["gelu_tanh"].with_params(), x_), x_, -0.75))
    for left in (-2.0, -1.5, -1.0):
        y = gt.gelu_tanh(left)
        assert gt.gelu_tanh(root) < y < 0
        xs = np.linspace(root, 0, 200_001)
        right = xs[np.argmin(np.abs(gt.gelu_tanh(xs) - y))]
        assert abs(gt.gelu_tanh(right) - y) < 1e-5 and root < right < 0
        assert gt.gelu_tanh_grad(left) < 0 < gt.gelu_tanh_grad(right)


@pytest.mark.claim("activations/gelu_tanh.md",
                   r"the constants \(\sqrt{2/\pi}\) and 0.044715 too, and \(e^{-|2u|}\) is corrected by \(u_{lo}\).")
def test_gelu_tanh_constants_as_pairs():
    import mpmath

    gt = snippet("gelu_tanh")
    with mpmath.workdps(60):
        a = 2 * mpmath.sqrt(2 / mpmath.pi)
        b = a * mpmath.mpf(44715) / 10 ** 6
        for pair, value in ((gt._A, a), (gt._B, b)):
            hi, lo = pair
            assert lo != 0 and abs(hi) > abs(lo) * 2 ** 52
            assert abs((mpmath.mpf(hi) + mpmath.mpf(lo)) / value - 1) < mpmath.mpf(2) ** -100


@pytest.mark.claim("activations/gelu_tanh.md",
                   r"Past \(|x| = 40\), \(e^{-|2u|}\) is 0 already, so \(x\) is capped there for \(u\); "
                   "the limits come out unchanged.")
def test_gelu_tanh_cap_at_forty():
    source = Path(snippet("gelu_tanh").__file__).read_text()
    caps = set(re.findall(r"np\.clip\(w, -([\d.]+), ([\d.]+)\)", source))
    assert caps == {("40.0", "40.0")}
    cap = 40.0
    two_u = float(2 * u_of(sp.Float(cap)))
    assert np.exp(-two_u) == 0 and np.exp(-float(2 * u_of(sp.Float(cap / 10)))) > 0
    gt = snippet("gelu_tanh")
    xs = np.array([41.0, 1e3, 1e200, np.inf, -41.0, -1e3, -np.inf])
    np.testing.assert_array_equal(gt.gelu_tanh(xs), [41.0, 1e3, 1e200, np.inf, -0.0, -0.0, -0.0])


@pytest.mark.claim("activations/gelu_tanh.md",
                   "- The pairs take dozens of NumPy passes. They run on blocks of 8192 elements, which stay in the CPU cache, "
                   "instead of going out to main memory on every pass over a large array.")
def test_gelu_tanh_block_size():
    gt = snippet("gelu_tanh")
    assert gt._BLOCK == 2 ** 13
    # 8192 float64: 64 KB, as the code's comment says.
    assert gt._BLOCK * np.dtype(np.float64).itemsize == 64 * 1024
    xs = np.linspace(-10, 10, 3 * gt._BLOCK + 5)
    np.testing.assert_array_equal(gt.gelu_tanh(xs), np.concatenate([gt.gelu_tanh(c) for c in np.array_split(xs, 7)]))


@pytest.mark.claim("activations/gelu_tanh.md",
                   "float32 and float16 inputs need no pairs: float64 has 29 bits to spare, "
                   "so they run in plain float64 and round once.")
def test_gelu_tanh_29_bits_to_spare():
    assert np.finfo(np.float64).nmant - np.finfo(np.float32).nmant == 29
    from sitekit.oracle import ulp_error

    xs = np.concatenate([np.linspace(-30, 30, 3001), -np.geomspace(1e-6, 80, 1000)]).astype(np.float32)
    err = ulp_error(snippet("gelu_tanh").gelu_tanh(xs), Oracle("gelu_tanh").many("f", xs.astype(np.float64)), np.float32)
    assert err.max() <= 0.5 + 2.0 ** -20  # correctly rounded, up to float64's own error


@pytest.mark.claim("activations/gelu_tanh.md",
                   r"The formula as printed forms \(1 + \tanh(u)\), which is exactly 0 once \(\tanh(u)\) rounds to \(-1\),")
@pytest.mark.claim("activations/gelu_tanh.md",
                   "Before it reaches 0, the naive form loses relative accuracy;")
def test_gelu_tanh_naive_cancels():
    naive = snippet("gelu_tanh").gelu_tanh_naive
    exact = Oracle("gelu_tanh")
    assert np.tanh(float(u_of(sp.Float(-10)))) == -1 and naive(-10.0) == 0 and exact("f", -10.0) != 0
    for x in (-4.0, -5.0):
        assert naive(x) != 0 and relative_error(naive(x), exact("f", x)) > 1e3 * EPS64


@pytest.mark.claim("activations/gelu_tanh.md",
                   r"Near \(x_0\), the root of \(f'\), the relative error cannot stay bounded: "
                   r"the rounding of \(e^{-|2u|}\) in the code is an absolute error of a fraction of \(\varepsilon\), "
                   r"and \(f'\) tends to 0. The build measures it on 4001 points within 0.3 of \(x_0\):")
def test_gelu_tanh_near_root_points():
    import mpmath

    block = block_after("activations/gelu_tanh.md", "The build measures it on 4001 points")
    lo, hi, count = re.search(r"near = root \+ np\.linspace\(([-\d.]+), ([-\d.]+), (\d+)\)", block).groups()
    assert (float(lo), float(hi), int(count)) == (-0.3, 0.3, 4001)
    slope = sp.diff(DEFINITIONS["gelu_tanh"].with_params(), x_)
    root = float(sp.nsolve(slope, x_, -0.75))
    near = root + np.linspace(float(lo), float(hi), int(count))
    truth = Oracle("gelu_tanh").many("grad", near)
    got = snippet("gelu_tanh").gelu_tanh_grad(near)
    with mpmath.workdps(50):
        absolute = [abs(mpmath.mpf(float(g)) - t) for g, t in zip(got, truth)]
        relative = [a / abs(t) for a, t in zip(absolute, truth) if t != 0]
    assert max(absolute) < EPS64  # a fraction of epsilon
    assert max(relative) > 1e3 * EPS64  # while the relative error is not bounded by a few ULP
    assert min(abs(t) for t in truth) < 1e-6  # f' tends to 0 there


@pytest.mark.claim("activations/gelu_tanh.md", r"The 3 from \(\frac{d}{dx}x^3 = 3x^2\) is dropped.")
def test_gelu_tanh_dropped_three():
    right = sp.diff(u_of(x_), x_)
    wrong = sp.sqrt(2 / sp.pi) * (1 + GELU_TANH_C * x_ ** 2)
    assert sp.simplify(right - wrong) == sp.sqrt(2 / sp.pi) * 2 * GELU_TANH_C * x_ ** 2
    assert sp.simplify((right - sp.sqrt(2 / sp.pi)) / (wrong - sp.sqrt(2 / sp.pi))) == 3


# ---------------------------------------------------------------- choosing

def run_session(page: str, session: str) -> tuple[dict, list[tuple[str, str]]]:
    """Run every executed block of one markdown-exec session of the page, in order:
    the final namespace, and (source, printed text) of each block."""
    text = page_text(page)
    out: list[str] = []
    scope: dict = {"print": lambda *a, sep=" ", end="\n", **k: out.append(sep.join(map(str, a)) + end)}
    blocks = []
    fence = re.compile(r'^ *```python exec="on"([^\n]*)\n(.*?)^ *```\s*$', re.S | re.M)
    for options, body in fence.findall(text):
        if f'session="{session}"' in options and "--8<--" not in body:
            out.clear()
            exec(body, scope)
            blocks.append((body, "".join(out)))
    return scope, blocks


@pytest.fixture(scope="module")
def choosing():
    return run_session("activations/choosing.md", "choosing")


def printed_by(blocks, marker: str) -> str:
    """The output of the session block whose source contains marker."""
    (printed,) = [out for body, out in blocks if marker in body]
    return printed


@pytest.mark.claim("activations/choosing.md",
                   "A ReLU unit whose pre-activation is negative for every input has slope 0 everywhere,")
def test_dead_relu_slope():
    xs = -np.geomspace(1e-300, 1e300, 10_001)
    np.testing.assert_array_equal(snippet("relu").relu_grad(xs), 0.0)
    assert sp.diff(DEFINITIONS["relu"].with_params(), x_).subs(x_, -1) == 0


@pytest.mark.claim("activations/choosing.md",
                   r"The build gives 1000 units a batch of 256 inputs, with pre-activations \(\mathcal{N}(b, 1)\) "
                   "for several biases \\(b\\), and counts the units whose gradient is 0 for the whole batch:")
def test_dead_units_block(choosing):
    _, blocks = choosing
    block = block_after("activations/choosing.md", "The build gives 1000 units")
    assert "x = rng.standard_normal((256, 1000)) + bias" in block
    assert "np.all(relu_grad(x) == 0, axis=0)" in block
    biases = [float(b) for b in re.search(r"for bias in \(([^)]*)\)", block).group(1).split(",") if b.strip()]
    assert len(biases) > 2
    rows = [line for line in printed_by(blocks, "dead_leaky").splitlines() if line.startswith("| ") and "bias" not in line]
    assert len(rows) == len(biases)
    for row in rows:
        dead, dead_leaky = (int(c) for c in row.strip("| ").split(" | ")[1:])
        assert 0 <= dead <= 1000 and dead_leaky == 0
    assert int(rows[-1].strip("| ").split(" | ")[1]) > 0


@pytest.mark.claim("activations/choosing.md",
                   "The build propagates 2000 standardised samples through 32 dense layers of width 256, "
                   "LeCun-normal weights, no biases, and prints the mean and variance of the activations:")
@pytest.mark.claim("activations/choosing.md",
                   "[SELU](selu.md) keeps the mean and variance of the activations near 0 and 1 from layer to layer,")
@pytest.mark.claim("activations/choosing.md", "inputs standardised to mean 0 and variance 1,")
def test_selu_propagation_block(choosing):
    _, blocks = choosing
    block = block_after("activations/choosing.md", "The build propagates 2000 standardised samples")
    assert "x0 = rng.standard_normal((2000, 256))" in block
    assert "weights = [rng.standard_normal((256, 256)) / np.sqrt(256) for _ in range(32)]" in block
    assert "h @ W)" in block and "+ b" not in block  # no biases
    rows = [line.strip("| ").split(" | ") for line in printed_by(blocks, "SELU mean").splitlines()
            if re.match(r"\| \d", line)]
    assert [int(r[0]) for r in rows][-1] == 32
    for row in rows:
        mean, variance = (float(c.replace("−", "-")) for c in row[1:3])
        assert abs(mean) < 0.05 and abs(variance - 1) < 0.05, row
    # Standardised inputs: the SELU page's moments at N(0, 1) are 0 and 1 (test_selu_moments).


@pytest.mark.claim("activations/choosing.md",
                   r"one per layer, and multiplies the slopes along 10 and 30 layers, 10 000 times;")
def test_slope_products_block():
    block = block_after("activations/choosing.md", "one per layer, and multiplies the slopes")
    assert "x = rng.standard_normal((10_000, 30))" in block
    assert "for depth in (10, 30)" in block and "np.prod(slopes[:, :depth], axis=1)" in block


@pytest.mark.claim("activations/choosing.md",
                   "The build sends a batch of 256 examples forward through 30 dense layers of width 256, without biases,")
@pytest.mark.claim("activations/choosing.md",
                   r"and prints how much the size of the error signal, \(\lVert \Delta \rVert\) over the batch, "
                   "changes from layer 30 down to layer 1:")
def test_weights_block_parameters():
    block = block_after("activations/choosing.md", "The build sends a batch of 256 examples")
    assert "width, depth, scales = 256, 30, (1.0, 2.0, 4.0)" in block
    assert "inputs = rng.standard_normal((256, width))" in block
    assert "zs.append(a @ W)" in block  # no bias added
    assert "weights = [w * np.sqrt(s / width) for w in draws]" in block
    # The ratio printed is the norm at the bottom over the norm at the top.
    assert "growth[name, s] = np.linalg.norm(delta) / top" in block and "for W, z in zip(weights[:0:-1]" in block


@pytest.mark.claim("activations/choosing.md",
                   "what decides is the product of the weights and the slopes, "
                   "which is what initialisation schemes set to about 1 per layer")
def test_weights_times_slopes_decide(choosing):
    scope, _ = choosing
    growth = scope["growth"]
    layers = 29  # the recursion crosses 29 weight matrices from layer 30 down to layer 1
    for s in (1.0, 2.0, 4.0):
        # ReLU: each layer multiplies E[delta^2] by s E[relu'(z)^2] = s/2, so the norm by (s/2)^(1/2).
        predicted = (s / 2) ** (layers / 2)
        assert abs(np.log(growth["relu", s]) - np.log(predicted)) < 0.1 * max(1.0, abs(np.log(predicted))), s
    per_layer = {key: value ** (1 / layers) for key, value in growth.items()}
    assert 0.9 < per_layer["relu", 2.0] < 1.1  # He et al.: s = 2 for ReLU
    assert 0.9 < per_layer["tanh", 1.0] < 1.1  # Glorot and Bengio: variance 1/J for square tanh layers
    assert per_layer["relu", 1.0] < 0.8 and per_layer["relu", 4.0] > 1.25
