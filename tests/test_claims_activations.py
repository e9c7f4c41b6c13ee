"""Numbers typed in the prose of the activation pages, each asserted.

Every test is marked `@pytest.mark.claim(page, fragment)` with the sentence it
backs (tests/test_prose_numbers.py reads the marks). A test recomputes what
the sentence states from the snippets, the oracle (SymPy definitions evaluated
by mpmath) or the page's own executed blocks; none restates the number.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT))

from sitekit.catalogue import snippet  # noqa: E402
from sitekit.definitions import DEFINITIONS  # noqa: E402
from sitekit.oracle import Oracle  # noqa: E402

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

@pytest.mark.claim("activations/rrelu.md", r"A training pass on five inputs, seed 7, with upstream gradient \(g = 1\):")
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
