"""The short blocks of the vector activations, snippets/activations/short/
<name>.py for every entry of sitekit.definitions_vector.VECTOR_DEFINITIONS,
against its oracle (SymPy definition and Jacobian, mpmath at 50 digits;
never the short blocks' formulas), on the inputs of tests/vector_harness.py.

The contract the pages state:
- forward: float64 within 1e-12 relative where the exact value is a normal
  float, float32 within 16 ULP; results below the normal range within
  SUBNORMAL_UNITS smallest subnormals. log_softmax (log_output) is
  z - max z - log sum: its rounding errors are absolute, of the size of
  its terms, so it is held to 1e-12 (float64) or 16 eps (float32) times
  max(|y|, 1).
- VJP: a sum along the axis (dy - sum dy p) cancels where dy is nearly
  constant, a loss in the problem that no formula avoids; so the error is
  held to 1e-12 (float64) or 16 eps (float32) times the size of the terms
  that are added (the definition's vjp_terms), plus vjp_eta smallest
  subnormals times the size of dy where p underflows. The halves of glu and
  swiglu are products, held the same way to the size of their terms
  (swiglu's a-half |dy b sigmoid(a)| (1 + |a sigmoid(-a)|): silu' has a root).
- ±inf entries: the limits of the definition; no limit (a row of only -inf,
  a NaN): NaN in every output that depends on it. Shapes and dtypes kept;
  axis=0 gives the same as axis=-1 on the transpose; no warnings.

Run with `python -m pytest tests/test_short_vector_blocks.py -s` to see
the largest errors found.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from sitekit.accuracy import SHORT_RELATIVE, SHORT_ULP
from sitekit.catalogue import ACTIVATIONS, load_snippet
from vector_checks import dependence, limit_upstream
from vector_harness import (
    DIGITS, DISTRIBUTION, DTYPES, GATED, NAMES, SUBNORMAL_UNITS, batches, both_axes, definition, functions,
    hard_vectors, is_normal, mp, parametrize_names, random_vectors, relative_errors, report, ulp_error,
)


def pytest_generate_tests(metafunc):
    parametrize_names(metafunc, NAMES)


def short(name: str):
    return load_snippet(ACTIVATIONS / "short" / f"{name}.py")


def tolerance(dtype) -> float:
    """The contract's relative bound (sitekit/accuracy.py): 1e-12 in float64, 16 eps in float32."""
    return SHORT_RELATIVE if dtype == np.float64 else SHORT_ULP * float(np.finfo(dtype).eps)


def matrices(name: str, dtype) -> list[np.ndarray]:
    """The hard and random vectors, plus logits of ±1e4, as batches: one matrix per length."""
    if definition(name).kind != DISTRIBUTION:
        return batches(hard_vectors(name, dtype) + random_vectors(name, dtype, (2,), 1500))
    vectors = hard_vectors(name, dtype) + random_vectors(name, dtype, (5,), 40) + random_vectors(name, dtype, (8,), 20)
    rng = np.random.default_rng(7)
    for size in (2, 3, 7):
        for _ in range(20):
            vectors.append((rng.choice([-1e4, 1e4], size) + rng.normal(0, 30, size)).astype(dtype))
    return batches(vectors)


def upstream(shape, dtype, seed: int = 1) -> np.ndarray:
    """Random signs, magnitudes log-uniform from 1e-3 to 1e3; some rows
    nearly constant, where dy - sum(dy p) cancels."""
    rng = np.random.default_rng(seed)
    dy = rng.choice([-1.0, 1.0], shape) * 10.0 ** rng.uniform(-3, 3, shape)
    flat = rng.random(shape[0]) < 0.2
    dy[flat] = 1.0 + rng.uniform(-1e-6, 1e-6, (int(flat.sum()), shape[1]))
    return dy.astype(dtype)


def forward_errors(name: str, f, dtype, matrices_) -> tuple[float, float, float]:
    """(worst relative error where normal (log_output: error / max(|y|, 1)),
    worst ULP where normal, worst subnormal units where not) of f."""
    d = definition(name)
    info = np.finfo(dtype)
    worst_rel, worst_ulp, worst_all = 0.0, 0.0, 0.0
    for matrix in matrices_:
        out = both_axes(f, matrix)
        assert out.dtype == dtype and out.shape == (len(matrix), d.output_size(matrix.shape[1]))
        for z, y in zip(matrix, out):
            exact = d.forward(z)
            if d.log_output:
                with mpmath.workdps(DIGITS):
                    err = [float(abs(mpmath.mpf(float(c)) - t) / max(abs(t), 1)) for c, t in zip(y, exact)
                           if mpmath.isfinite(t) and abs(t) <= info.max]
                worst_rel = max([worst_rel] + err)
                continue
            normal = is_normal(exact, dtype)
            rel, below = relative_errors(y, exact, [abs(t) for t in exact], dtype)
            worst_rel, worst_all = max(worst_rel, rel), max(worst_all, below)
            if normal.any():
                worst_ulp = max(worst_ulp, float(ulp_error(y, exact, dtype)[normal].max()))
    return worst_rel, worst_ulp, worst_all


def vjp_errors(name: str, vjp, dtype, matrices_) -> tuple[float, float]:
    """(worst |error| / (size of the terms), worst subnormal units where the
    exact value is not normal). A sum (vjp_eps set) first takes off its
    subnormal slack and has no second figure."""
    d = definition(name)
    eta = mpmath.mpf(float(np.finfo(dtype).smallest_subnormal))
    worst, worst_below = 0.0, 0.0
    for n, matrix in enumerate(matrices_):
        dy = upstream((len(matrix), d.output_size(matrix.shape[1])), dtype, seed=n)
        out = both_axes(vjp, matrix, dy)
        assert out.dtype == dtype and out.shape == matrix.shape
        for z, g, v in zip(matrix, dy, out):
            exact, terms = d.vjp(z, g)
            if d.vjp_eps is None:
                rel, below = relative_errors(v, exact, terms, dtype)
                worst, worst_below = max(worst, rel), max(worst_below, below)
                continue
            with mpmath.workdps(DIGITS):
                size = mpmath.fsum(abs(t) for t in mp(g))
                for c, t, s, gj in zip(v, exact, terms, mp(g)):
                    err = abs(mpmath.mpf(float(c)) - t) - d.vjp_eta * eta * (1 + abs(gj) + size)
                    if err > 0:
                        worst = max(worst, float(err / s) if s else float("inf"))
    return worst, worst_below


@pytest.mark.slow  # sweeps of the 50-digit oracle (or of sympy.limit)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_forward_against_oracle(name, dtype):
    worst_rel, worst_ulp, worst_all = forward_errors(name, functions(name, short(name))[0], dtype,
                                                     matrices(name, dtype))
    kind = "max(|y|, 1)" if definition(name).log_output else "relative"
    report(f"{name} {np.dtype(dtype).name} error / {kind}", worst_rel)
    report(f"{name} {np.dtype(dtype).name} ULP (normal results)", worst_ulp)
    report(f"{name} {np.dtype(dtype).name} subnormal units (non-normal results)", worst_all)
    assert worst_all <= SUBNORMAL_UNITS
    assert worst_rel <= tolerance(dtype)


@pytest.mark.slow  # sweeps of the 50-digit oracle (or of sympy.limit)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_vjp_against_oracle(name, dtype):
    worst, worst_below = vjp_errors(name, functions(name, short(name))[1], dtype, matrices(name, dtype))
    report(f"{name}_vjp {np.dtype(dtype).name} error / size of the terms", worst)
    report(f"{name}_vjp {np.dtype(dtype).name} subnormal units (non-normal results)", worst_below)
    assert worst <= tolerance(dtype)
    assert worst_below <= SUBNORMAL_UNITS


def test_the_contract_can_fail():
    """A softmax off by 1e-9, a VJP that treats softmax as elementwise
    (dy p (1 - p)), a float64 result from float32, and the textbook
    formula's overflow all fail the checks above."""
    block = short("softmax")
    few = [np.array([[0.5, -1.0, 2.0], [700.0, 0.1, -3.0]])]
    assert forward_errors("softmax", block.softmax, np.float64, few)[0] <= SHORT_RELATIVE
    off = lambda z, axis=-1: block.softmax(z, axis=axis) * (1 + 1e-9)  # noqa: E731
    assert forward_errors("softmax", off, np.float64, few)[0] > SHORT_RELATIVE
    elementwise = lambda z, dy, axis=-1: dy * block.softmax(z, axis) * (1 - block.softmax(z, axis))  # noqa: E731
    assert vjp_errors("softmax", block.softmax_vjp, np.float64, few)[0] <= SHORT_RELATIVE
    assert vjp_errors("softmax", elementwise, np.float64, few)[0] > SHORT_RELATIVE
    with pytest.raises(AssertionError):
        forward_errors("softmax", lambda z, axis=-1: block.softmax(z.astype(np.float64), axis),
                       np.float32, [few[0].astype(np.float32)])
    naive = load_snippet(ACTIVATIONS / "softmax.py").softmax_naive
    with pytest.raises(RuntimeWarning):
        forward_errors("softmax", naive, np.float64, [np.array([[1000.0, 0.0]])])


@pytest.mark.slow  # sweeps of the 50-digit oracle (or of sympy.limit)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_limits_at_infinity_and_nan(name, dtype):
    """At ±inf the limit of the definition where it has one (SymPy), within
    16 ULP; where it has none, or an entry is NaN, NaN in every output that
    depends on it."""
    d = definition(name)
    forward, vjp, _ = functions(name, short(name))
    rows = {z: np.array([z], dtype=dtype) for z in d.limit_vectors + d.undefined_vectors}
    ups = {z: limit_upstream(name, len(z)).astype(dtype)[None, :] for z in rows}
    for z in d.undefined_vectors:
        y, back = both_axes(forward, rows[z])[0], both_axes(vjp, rows[z], ups[z])[0]
        assert np.isnan(y).all(), (z, y)
        assert np.isnan(back[dependence(name, len(z), np.isnan(z))]).all(), (z, back)
    checked = 0
    for z in d.limit_vectors:
        y, back = both_axes(forward, rows[z])[0], both_axes(vjp, rows[z], ups[z])[0]
        assert y.dtype == back.dtype == dtype
        values, limit = d.limits(z, ups[z][0])
        lenient = d.kind == GATED and product_has_no_value(name, z)
        for computed, exact in ((y, values), (back, limit)):
            known = [not mpmath.isnan(t) and not (lenient and np.isnan(c)) for t, c in zip(exact, computed)]
            got, want = computed[known], [t for t, k in zip(exact, known) if k]
            assert ulp_error(got, want, dtype).max(initial=0.0) <= SHORT_ULP, (z, computed, exact)
            checked += sum(known)
    assert checked > len(d.limit_vectors)


def product_has_no_value(name: str, z) -> bool:
    """The gated definition's product evaluated with ±inf as numbers (mpmath)
    is NaN (0 * inf): there the short block may return NaN where the limit
    is 0 (as the old contract, "where the product form has a value", allowed)."""
    zs, ys = definition(name).expr(len(z))
    return any(mpmath.isnan(v) for v in sp.lambdify(zs, ys, modules="mpmath")(*[mpmath.mpf(v) for v in z]))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_batches_match_single_rows(name, dtype):
    """A batch of 3-pair (gated) or 6-entry rows along axis -1, and the same
    along axis 0: each row equals the result for that row alone."""
    d = definition(name)
    forward, vjp, _ = functions(name, short(name))
    rng = np.random.default_rng(5)
    x = rng.normal(0, 3, (4, 6)).astype(dtype)
    dy = rng.normal(0, 1, (4, d.output_size(6))).astype(dtype)
    y, grad = both_axes(forward, x), both_axes(vjp, x, dy)
    assert y.shape == dy.shape and grad.shape == x.shape and y.dtype == grad.dtype == dtype
    for i in range(4):
        np.testing.assert_array_equal(forward(x[i : i + 1]), y[i : i + 1])
        np.testing.assert_array_equal(vjp(x[i : i + 1], dy[i : i + 1]), grad[i : i + 1])
        if d.kind != DISTRIBUTION:  # the halves are paired by place
            for k in range(3):
                pair = np.array([[x[i, k], x[i, k + 3]]], dtype=dtype)
                one = vjp(pair, dy[i : i + 1, k : k + 1])
                assert forward(pair)[0, 0] == y[i, k] and (one[0, 0], one[0, 1]) == (grad[i, k], grad[i, k + 3])


def test_float32_stays_float32_for_scalar_like_and_lists(name):
    forward, vjp, _ = functions(name, short(name))
    z = np.array([[0.5, -1.0, 2.0, 3.0]], dtype=np.float32)
    assert forward(z).dtype == np.float32
    assert vjp(z, np.ones_like(forward(z))).dtype == np.float32
    # A list of Python floats is float64, as NumPy reads it.
    assert forward([[0.5, -1.0, 2.0, 3.0]]).dtype == np.float64

