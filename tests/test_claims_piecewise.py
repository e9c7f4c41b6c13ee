"""Numbers typed in the prose of the piecewise activation pages (binary step,
conventions at kinks, linear, ReLU, leaky ReLU, PReLU, RReLU, hardtanh,
ReLU6, hard sigmoid, hard swish), each asserted (how: tests/claim_helpers.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from claim_helpers import EPS64, block_after, grid, x_

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle


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
