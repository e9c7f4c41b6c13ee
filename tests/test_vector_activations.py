"""log_softmax, softmin, glu and swiglu (every vector function but softmax,
which tests/test_softmax.py takes) against their definitions.

The checks every vector function gets come from tests/vector_checks.py,
parametrised by sitekit.definitions_vector.VECTOR_DEFINITIONS (oracle:
the SymPy definition, its Jacobian, mpmath at 50 digits). Below them, what
the pages state about one function alone.

Run with `python -m pytest tests/test_vector_activations.py -s` to see the
largest errors found.
"""

from __future__ import annotations

import inspect

import mpmath
import numpy as np
import pytest
import sympy as sp

import vector_checks
from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS, x
from vector_harness import GATED, NAMES, checks_for, definition, finite_hard, mp, parametrize_names, ulps

HERE = [n for n in NAMES if n != "softmax"]
globals().update(checks_for(vector_checks, HERE))


def pytest_generate_tests(metafunc):
    parametrize_names(metafunc, HERE)


lsm, smin = snippet("log_softmax"), snippet("softmin")
GATED_NAMES = [n for n in HERE if definition(n).kind == GATED]


# --- log_softmax -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 7, 1000, 100_000])
def test_log_softmax_of_equal_entries(size):
    """K equal entries: y_i = -log K exactly, whatever the shared value, for a
    huge K too (the sum has one rounding, whatever its length)."""
    with mpmath.workdps(50):
        exact = -mpmath.log(size)
    for value in (0.0, -1e308, 1e308, 123.456):
        y = lsm.log_softmax(np.full(size, value))
        assert ulps(y[:1], [exact], np.float64)[1] <= 1.0
        assert np.all(y == y[0])


def test_log_softmax_is_log_of_softmax_where_both_are_accurate():
    """exp(log_softmax(z)) matches softmax (the site's softmax snippet) where
    y is not far below 0: there exp only multiplies y's error by |y|."""
    z = np.random.default_rng(6).normal(0.0, 3.0, (50, 6))
    np.testing.assert_allclose(np.exp(lsm.log_softmax(z)), snippet("softmax").softmax(z), rtol=1e-14, atol=0)


def test_log_softmax_naive_fails_where_the_page_says():
    """log(softmax(z)) underflows to log(0) = -inf at (0, -1000) and gives
    NaN at (1000, 0); log_softmax gives the finite values."""
    with pytest.warns(RuntimeWarning):
        assert lsm.log_softmax_naive([0.0, -1000.0])[1] == -np.inf
    with pytest.warns(RuntimeWarning):
        assert np.isnan(lsm.log_softmax_naive([1000.0, 0.0])).any()
    np.testing.assert_array_equal(lsm.log_softmax([0.0, -1000.0]), [0.0, -1000.0])
    # The max shift alone: log(1 + e^-40) rounds to log(1) = 0, relative error 1.
    assert lsm.log_softmax_shift_only([40.0, 0.0])[0] == 0.0
    assert ulps(lsm.log_softmax([40.0, 0.0]), definition("log_softmax").forward([40.0, 0.0]), np.float64)[0] <= 4


def test_log_softmax_vjp_does_not_overflow_in_the_sum():
    """sum(g) = 2e308 overflows; J^T g = g - p sum(g) is (0, 0) at p = (1/2, 1/2)."""
    from vector_harness import vjp_bound_used

    with np.errstate(over="raise", invalid="raise"):
        np.testing.assert_array_equal(lsm.log_softmax_vjp([0.0, 0.0], [1e308, 1e308]), [0.0, 0.0])
        # sum(g) = 1.8e308 overflows too; J^T g = g - 0.6e308 does not.
        v = lsm.log_softmax_vjp([0.0, 0.0, 0.0], [1.2e308, 1.2e308, -0.6e308])
    assert vjp_bound_used("log_softmax", v, [0.0, 0.0, 0.0], [1.2e308, 1.2e308, -0.6e308], np.float64) <= 1.0


def test_log_softmax_jacobian_columns():
    """Row i of J is e_i - p: off the diagonal, column j is -p_j all the way down."""
    jacobian = lsm.log_softmax_jacobian(np.random.default_rng(5).normal(0.0, 3.0, 7))
    for j in range(7):
        column = np.delete(jacobian[:, j], j)
        np.testing.assert_array_equal(column, np.full(6, column[0]))


def test_log_softmax_vjp_from_output_is_the_same_formula():
    """The output form gives the same J^T g up to exp's amplification of y's rounding."""
    rng = np.random.default_rng(10)
    z, g = rng.normal(0.0, 2.0, (20, 5)), rng.normal(size=(20, 5))
    np.testing.assert_allclose(lsm.log_softmax_vjp_from_output(lsm.log_softmax(z), g),
                               lsm.log_softmax_vjp(z, g), rtol=0, atol=1e-14)


# --- softmin -------------------------------------------------------------------------------


def test_softmin_is_softmax_of_minus_z():
    softmax = snippet("softmax").softmax
    z = np.random.default_rng(1).normal(0.0, 20.0, (30, 5))
    np.testing.assert_array_equal(smin.softmin(z), softmax(-z))
    np.testing.assert_array_equal(smin.softmin(z, axis=0), softmax(-z, axis=0))


def test_softmin_carries_a_verbatim_copy_of_softmax():
    """softmin.py is standalone, so it repeats softmax.py's code: it must not drift."""
    softmax_module = snippet("softmax")
    for name in ("_as_float", "_two_sum", "_sum", "_exp_minus_max", "_limit", "softmax",
                 "softmax_jacobian", "softmax_vjp"):
        assert inspect.getsource(getattr(smin, name)) == inspect.getsource(getattr(softmax_module, name)), name


def test_softmin_naive_fails_where_the_page_says():
    with pytest.warns(RuntimeWarning):
        assert np.isnan(smin.softmin_naive([-1000.0, 0.0, 1000.0])).any()
    assert np.all(np.isfinite(smin.softmin([-1000.0, 0.0, 1000.0])))


# --- glu and swiglu ------------------------------------------------------------------------


@pytest.mark.parametrize("name", GATED_NAMES)
def test_gated_products_across_the_underflow_of_exp(name):
    """The definition's extra hard pairs, such as 1.7e308 * sigma(-1417.5), are
    normal numbers although sigma(-1417.5), and even its square root
    e^-708.75, are not: within 4 / 8 ULP, with huge upstream gradients too."""
    module, d = snippet(name), definition(name)
    x_pairs = np.array(d.extra_vectors)
    g = np.array([1.0, 1e300, -1e308, 2.0, 1.7e308, 1e300, 1.7e308])[: len(x_pairs), None]
    y, back = getattr(module, name)(x_pairs)[:, 0], getattr(module, f"{name}_vjp")(x_pairs, g)
    exact_y = [d.forward(z)[0] for z in x_pairs]
    exact_back = [v for z, gi in zip(x_pairs, g) for v in d.vjp(z, gi, with_terms=False)[0]]
    for computed, exact, bound in ((y, exact_y, d.forward_ulp), (back.ravel(), exact_back, d.derivative_ulp)):
        worst, worst_all = ulps(computed, exact, np.float64)
        assert worst <= bound and worst_all <= bound, f"{name}: {worst} ULP"


def test_glu_with_equal_halves_is_silu():
    """glu([x, x]) = x sigma(x) = silu(x), against the swish oracle at beta = 1."""
    xs = np.concatenate([finite_hard(np.float64), np.linspace(-30, 30, 121)])
    y = snippet("glu").glu(np.stack([xs, xs], axis=-1))[:, 0]
    silu = DEFINITIONS["swish"].with_params(beta=1.0)
    with mpmath.workdps(50):
        exact = [sp.lambdify(x, silu, modules="mpmath")(v) for v in mp(xs)]
    assert ulps(y, exact, np.float64)[0] <= definition("glu").forward_ulp


def test_gated_naive_fails_where_the_pages_say():
    glu, swiglu = snippet("glu"), snippet("swiglu")
    # a * sigma(b) = 1e308 / (1 + e^745): e^745 overflows, and the result is 0
    # instead of 2.8e-16; the careful sigma(b) = e^b / (1 + e^b) gets 5e-324
    # from e^-745, with no significant bit left.
    exact = definition("glu").forward([1e308, -745.0])
    with pytest.warns(RuntimeWarning):
        assert glu.glu_naive([1e308, -745.0])[0] == 0.0
    assert ulps([1e308 * (np.exp(-745.0) / (1 + np.exp(-745.0)))], exact, np.float64)[0] > 1e10
    assert ulps(glu.glu([1e308, -745.0]), exact, np.float64)[0] <= 4
    # silu(-710) * 1e308 = -0.3: e^710 overflows, sigma(-710) = 0, and so is the result.
    exact = definition("swiglu").forward([-710.0, 1e308])
    with pytest.warns(RuntimeWarning):
        assert swiglu.swiglu_naive([-710.0, 1e308])[0] == 0.0
    assert ulps(swiglu.swiglu([-710.0, 1e308]), exact, np.float64)[0] <= 4
    # dL/db of glu through 1 - sigma(b): 0 from b = 37 on, where the slope is 8.5e-17.
    assert glu.glu_vjp_naive(np.array([1.0, 37.0]), np.array([1.0]))[1] == 0.0
    assert glu.glu_vjp([1.0, 37.0], [1.0])[1] > 0.0

