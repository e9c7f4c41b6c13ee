"""Numbers typed in the prose of the GELU (tanh approximation) page, each
asserted (how: tests/claim_helpers.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from claim_helpers import EPS64, block_after, relative_error, x_

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle


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
