"""softmax, its Jacobian and its VJP against the definition.

Oracle: `sitekit.definitions.softmax_expr(K)` (SymPy), its Jacobian from
`sympy.Matrix(...).jacobian`, both evaluated by mpmath at 50 digits; limits
at +-inf from `sympy.limit`. Nothing here uses the snippet's formulas.
Run with `python -m pytest tests/test_softmax.py -s` to see the max errors.
"""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np
import pytest
import sympy as sp

from sitekit.catalogue import snippet
from sitekit.definitions import softmax_expr
from sitekit.oracle import DIGITS, Oracle, is_normal, ulp_error
from sitekit.points import hard_points

sm = snippet("softmax")
softmax, softmax_jacobian, softmax_vjp = sm.softmax, sm.softmax_jacobian, sm.softmax_vjp

DTYPES = (np.float32, np.float64)
FORWARD_ULP = 4
JACOBIAN_ULP = 8


# The page's bound on softmax_vjp, in eps times p_i (|g_i| + sum_j |g_j| p_j):
# 2 alpha + 4 u with alpha = 4 eps (the forward's error) and u = eps / 2.
VJP_EPS = 10
# Where p_j underflows, an absolute error of a few smallest subnormals
# (eta) times the size of g: VJP_ETA * eta * (1 + |g_j| + sum_k |g_k|).
VJP_ETA = 4


# --- the oracle ---------------------------------------------------------------


@lru_cache(maxsize=None)
def _forward(size: int):
    zs, ps = softmax_expr(size)
    return sp.lambdify(zs, ps, modules="mpmath", cse=True)


@lru_cache(maxsize=None)
def _jacobian(size: int, cancel: bool):
    zs, ps = softmax_expr(size)
    jacobian = sp.Matrix(ps).jacobian(zs)
    # As differentiated, the diagonal is e^{z_i}/S - e^{2 z_i}/S^2: at 50
    # digits that difference is noise once p_i is within 1e-50 of 1.
    # sympy.cancel puts each entry over one denominator, where the equal terms
    # cancel symbolically, so every entry is a ratio of sums of positive terms.
    if cancel:
        jacobian = jacobian.applyfunc(sp.cancel)
    return sp.lambdify(zs, jacobian.tolist(), modules="mpmath", cse=True)


def _mp(z) -> list:
    return [mpmath.mpf(float(v)) for v in z]


def exact_softmax(z) -> list:
    """The K outputs at a finite float vector z, to 50 digits."""
    with mpmath.workdps(DIGITS):
        return [+v for v in _forward(len(z))(*_mp(z))]


def exact_jacobian(z, digits: int = DIGITS, cancel: bool = True) -> list[list]:
    with mpmath.workdps(digits):
        return [[+v for v in row] for row in _jacobian(len(z), cancel)(*_mp(z))]


def ulps(computed, exact, dtype) -> tuple[float, float]:
    """(max ULP error where the exact value is normal, max over all entries)."""
    errors = ulp_error(np.asarray(computed), exact, dtype)
    normal = is_normal(exact, dtype)
    return (float(errors[normal].max()) if normal.any() else 0.0), float(errors.max())


# --- inputs -------------------------------------------------------------------


def finite_hard(dtype) -> np.ndarray:
    points = hard_points(dtype)
    return points[np.isfinite(points)]


def hard_vectors(dtype, seed: int = 0) -> list[np.ndarray]:
    """Every pair of finite hard points, then random 3- to 6-vectors of them,
    some nudged by a random offset so that z - max(z) rounds."""
    points = finite_hard(dtype)
    rng = np.random.default_rng(seed)
    vectors = [np.array([a, b], dtype=dtype) for a in points for b in points]
    for size in (3, 4, 6):
        for _ in range(150):
            z = rng.choice(points, size)
            if rng.random() < 0.5:
                with np.errstate(over="ignore"):
                    z = (z + rng.uniform(-1, 1, size)).astype(dtype)
                z = np.where(np.isfinite(z), z, rng.choice(points, size)).astype(dtype)
            vectors.append(z)
    vectors.append(np.array([700.0, 0.1], dtype=dtype))
    vectors.append(np.array([1000.0, 0.0, -1000.0], dtype=dtype))
    return vectors


def random_vectors(dtype, size: int, count: int, seed: int = 0) -> list[np.ndarray]:
    """Entries of random sign and log-uniform magnitude (1e-3 to 1e3), plus
    shifted Gaussian logits: both make z - max(z) round."""
    rng = np.random.default_rng(seed + size)
    out = []
    for n in range(count):
        if n % 2:
            z = rng.choice([-1.0, 1.0], size) * 10.0 ** rng.uniform(-3, 3, size)
        else:
            z = rng.normal(rng.choice([0.0, 30.0, -700.0, 1e5]), rng.choice([1.0, 10.0, 100.0]), size)
        out.append(z.astype(dtype))
    return out


MAX_SEEN: dict[str, float] = {}


def report(what: str, value: float) -> None:
    MAX_SEEN[what] = max(MAX_SEEN.get(what, 0.0), value)
    print(f"\n{what}: max {value:.3f}")


# --- forward --------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["hard", "random K<=10", "random K=1000"])
def test_forward_ulp(dtype, kind):
    if kind == "hard":
        vectors = hard_vectors(dtype)
    elif kind == "random K<=10":
        vectors = [z for size in (2, 3, 5, 10) for z in random_vectors(dtype, size, 60)]
    else:
        vectors = random_vectors(dtype, 1000, 6)
    worst, worst_all, worst_z = 0.0, 0.0, None
    for z in vectors:
        normal, everything = ulps(softmax(z), exact_softmax(z), dtype)
        if normal > worst:
            worst, worst_z = normal, z
        worst_all = max(worst_all, everything)
    report(f"forward ULP {np.dtype(dtype).name} {kind} (normal / all {worst_all:.3f})", worst)
    assert worst <= FORWARD_ULP, f"{worst} ULP at z = {worst_z!r}"
    assert worst_all <= FORWARD_ULP


@pytest.mark.parametrize("dtype", DTYPES)
def test_rows_sum_to_one(dtype):
    eps = float(np.finfo(dtype).eps)
    vectors = hard_vectors(dtype) + random_vectors(dtype, 1000, 4)
    worst = max(abs(math.fsum(map(float, softmax(z))) - 1.0) / eps for z in vectors)
    report(f"|sum p - 1| / eps {np.dtype(dtype).name}", worst)
    assert worst <= 4


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_axis(axis):
    """Each 1-D slice along `axis` of a 3-D batch is a softmax of its own."""
    rng = np.random.default_rng(7)
    z = rng.normal(0.0, 30.0, (3, 4, 5))
    p = softmax(z, axis=axis)
    assert p.shape == z.shape
    moved_z, moved_p = np.moveaxis(z, axis, -1), np.moveaxis(p, axis, -1)
    for index in np.ndindex(moved_z.shape[:-1]):
        normal, _ = ulps(moved_p[index], exact_softmax(moved_z[index]), np.float64)
        assert normal <= FORWARD_ULP


def test_default_axis_is_last():
    z = np.random.default_rng(3).normal(size=(4, 6))
    np.testing.assert_array_equal(softmax(z), softmax(z, axis=-1))
    np.testing.assert_array_equal(softmax(z, axis=0), softmax(z.T).T)


# --- Jacobian ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["hard", "random"])
def test_jacobian(dtype, kind):
    if kind == "hard":
        vectors = [z for z in hard_vectors(dtype) if z.size <= 4]
    else:
        vectors = [z for size in (2, 3, 5, 8) for z in random_vectors(dtype, size, 40)]
    worst, worst_all, worst_z = 0.0, 0.0, None
    for z in vectors:
        computed = softmax_jacobian(z)
        assert computed.shape == (z.size, z.size)
        exact = [v for row in exact_jacobian(z) for v in row]
        normal, everything = ulps(computed.ravel(), exact, dtype)
        if normal > worst:
            worst, worst_z = normal, z
        worst_all = max(worst_all, everything)
    report(f"Jacobian ULP {np.dtype(dtype).name} {kind} (normal / all {worst_all:.3f})", worst)
    assert worst <= JACOBIAN_ULP, f"{worst} ULP at z = {worst_z!r}"
    assert worst_all <= JACOBIAN_ULP


def test_jacobian_oracle_cancel_is_the_plain_derivative():
    """The cancelled SymPy Jacobian equals the one straight from jacobian(),
    evaluated with enough digits to survive its cancellation."""
    rng = np.random.default_rng(11)
    for size in (2, 3, 4):
        for _ in range(10):
            z = rng.normal(0.0, 200.0, size)
            digits = DIGITS + 20 + int((z.max() - z.min()) / math.log(10))
            plain = exact_jacobian(z, digits, cancel=False)
            cancelled = exact_jacobian(z)
            for a_row, b_row in zip(plain, cancelled):
                for a, b in zip(a_row, b_row):
                    assert abs(a - b) <= abs(b) * mpmath.mpf(10) ** (5 - DIGITS)


def test_jacobian_symmetric_and_rows_sum_to_zero():
    z = np.random.default_rng(5).normal(0.0, 3.0, 7)
    jacobian = softmax_jacobian(z)
    np.testing.assert_array_equal(jacobian, jacobian.T)
    # Each row sums to 0 because softmax(z + c) = softmax(z).
    assert np.all(np.abs(jacobian.sum(axis=1)) <= 4 * np.finfo(float).eps)


# --- VJP ------------------------------------------------------------------------------


def exact_vjp(z, g) -> tuple[list, list]:
    """(J^T g, the bound's scale p_i (|g_i| + sum_j |g_j| p_j)) to 50 digits."""
    jacobian = exact_jacobian(z)
    p = exact_softmax(z)
    size = len(z)
    with mpmath.workdps(DIGITS):
        gs = _mp(g)
        vjp = [mpmath.fsum(jacobian[i][j] * gs[i] for i in range(size)) for j in range(size)]
        spread = mpmath.fsum(abs(gs[k]) * p[k] for k in range(size))
        scale = [p[j] * (abs(gs[j]) + spread) for j in range(size)]
    return vjp, scale


def vjp_error(computed, z, g, dtype) -> float:
    """max over one vector of |computed - exact| / allowed, where allowed is
    the page's bound, VJP_EPS eps scale_j + VJP_ETA eta (1 + |g_j| + sum |g|),
    with VJP_EPS = 1: a result <= VJP_EPS is within the bound."""
    exact, scale = exact_vjp(z, g)
    info = np.finfo(dtype)
    eps, eta = mpmath.mpf(float(info.eps)), mpmath.mpf(float(info.smallest_subnormal))
    worst = 0.0
    with mpmath.workdps(DIGITS):
        g_size = mpmath.fsum(abs(v) for v in _mp(g))
        for c, t, s, gj in zip(np.asarray(computed, dtype=np.float64), exact, scale, _mp(g)):
            allowed = eps * s + (VJP_ETA / VJP_EPS) * eta * (1 + abs(gj) + g_size)
            worst = max(worst, float(abs(mpmath.mpf(float(c)) - t) / allowed))
    return worst


@pytest.mark.parametrize("dtype", DTYPES)
def test_vjp_against_sympy_jacobian(dtype):
    rng = np.random.default_rng(2)
    worst = 0.0
    for size in (2, 3, 5, 8):
        zs = np.stack(random_vectors(dtype, size, 30))
        # Upstream gradients: random, and nearly constant (g - g.p cancels).
        gs = rng.normal(size=zs.shape)
        gs[::3] = 1.0 + 1e-9 * rng.normal(size=gs[::3].shape)
        gs = gs.astype(dtype)
        computed = softmax_vjp(zs, gs)  # batched: rows are independent vectors
        assert computed.shape == zs.shape and computed.dtype == np.dtype(dtype)
        for z, g, c in zip(zs, gs, computed):
            error = vjp_error(c, z, g, dtype)
            assert error <= VJP_EPS, f"{error} eps at z = {z!r}, g = {g!r}"
            worst = max(worst, error)
    report(f"VJP error in eps * p_i (|g_i| + sum |g_j| p_j) {np.dtype(dtype).name}", worst)


def test_vjp_axis_0():
    rng = np.random.default_rng(4)
    z, g = rng.normal(0.0, 5.0, (6, 3)), rng.normal(size=(6, 3))
    computed = softmax_vjp(z, g, axis=0)
    for column in range(3):
        assert vjp_error(computed[:, column], z[:, column], g[:, column], np.float64) <= VJP_EPS


def test_vjp_finite_differences():
    """J^T g is the gradient of L(z) = g . softmax(z): central differences,
    along each coordinate and along random directions."""
    rng = np.random.default_rng(9)
    for size in (2, 4, 7):
        z, g = rng.normal(0.0, 2.0, size), rng.normal(size=size)
        gradient = softmax_vjp(z, g)
        loss = lambda v: float(np.dot(g, softmax(v)))  # noqa: E731
        h = 1e-6
        for direction in list(np.eye(size)) + list(rng.normal(size=(5, size))):
            difference = (loss(z + h * direction) - loss(z - h * direction)) / (2 * h)
            assert abs(difference - gradient @ direction) <= 1e-8 * max(1.0, np.abs(g).sum())


def test_jacobian_matches_vjp():
    rng = np.random.default_rng(8)
    z, g = rng.normal(0.0, 3.0, 6), rng.normal(size=6)
    np.testing.assert_allclose(softmax_jacobian(z).T @ g, softmax_vjp(z, g), rtol=0, atol=1e-15)


# --- K = 2 is the sigmoid ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_two_classes_is_sigmoid(dtype):
    """softmax([0, x])[1] = sigma(x), and d p_2 / d z_2 = sigma'(x), against the
    sigmoid oracle (a separate SymPy definition)."""
    sigmoid = Oracle("sigmoid")
    xs = np.concatenate([hard_points(dtype), np.linspace(-60, 60, 241).astype(dtype)])
    zero = np.zeros_like(xs)
    p = softmax(np.stack([zero, xs], axis=-1))[:, 1]
    assert ulps(p, sigmoid.many("f", xs), dtype)[1] <= FORWARD_ULP
    finite = xs[np.isfinite(xs)]
    slopes = np.array([softmax_jacobian(np.array([0.0, x], dtype=dtype))[1, 1] for x in finite])
    assert ulps(slopes, sigmoid.many("grad", finite), dtype)[1] <= JACOBIAN_ULP


# --- dtypes, shapes, errors, no warnings ---------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_preserved(dtype):
    z = np.array([[1.0, -2.0, 3.0], [0.5, 0.25, 0.0]], dtype=dtype)
    assert softmax(z).dtype == np.dtype(dtype)
    assert softmax_jacobian(z[0]).dtype == np.dtype(dtype)
    assert softmax_vjp(z, z).dtype == np.dtype(dtype)


@pytest.mark.parametrize("value", [[1, 2, 3], [True, False], np.array([1, 2], dtype=np.int8), (1.0, 2.0)])
def test_ints_bools_lists_become_float64(value):
    assert softmax(value).dtype == np.float64
    assert softmax_jacobian(value).dtype == np.float64
    assert softmax_vjp(value, value).dtype == np.float64


def test_scalar_is_an_error():
    with pytest.raises(ValueError, match="0-d"):
        softmax(3.0)
    with pytest.raises(ValueError, match="1-D"):
        softmax_jacobian(np.ones((2, 2)))
    with pytest.raises(TypeError):
        softmax(["a", "b"])


@pytest.mark.parametrize(
    "z",
    [
        [1000.0, 0.0, -1000.0],
        [1e308, -1e308],
        [-1e308, 1e308, 0.0],
        [1.7976931348623157e308, -1.7976931348623157e308],
        [-745.0, -1e308, 710.0],
        [5e-324, -5e-324],
        [np.inf, 1e308, -np.inf],
        [np.nan, 1e308],
    ],
)
def test_no_floating_point_warnings(z):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for dtype in (np.float32, np.float64):
            with np.errstate(over="ignore"):  # the cast of 1e308 to float32 is ours, not the snippet's
                vector = np.array(z).astype(dtype)
            p = softmax(vector)
            softmax_jacobian(vector)
            softmax_vjp(vector, np.ones_like(vector))
            if not np.isnan(vector).any():
                assert np.all(np.isfinite(p))


def test_naive_fails_where_the_page_says():
    with pytest.warns(RuntimeWarning):
        assert np.isnan(sm.softmax_naive([1000.0, 0.0, -1000.0])).any()


# --- infinities and NaN ------------------------------------------------------------------------


def limit_of_definition(z):
    """softmax and its Jacobian where the +-inf entries of z are +-t, t -> oo."""
    zs, ps = softmax_expr(len(z))
    t = sp.Symbol("t", positive=True)
    subs = {s: (t if v == np.inf else -t if v == -np.inf else sp.nsimplify(v)) for s, v in zip(zs, z)}
    p = [sp.limit(e.subs(subs), t, sp.oo) for e in ps]
    jacobian = sp.Matrix(ps).jacobian(zs).subs(subs).applyfunc(lambda e: sp.limit(e, t, sp.oo))
    return np.array(p, dtype=float), np.array(jacobian.tolist(), dtype=float)


@pytest.mark.parametrize(
    "z",
    [
        [np.inf, 1.0],
        [np.inf, np.inf, 0.0],
        [np.inf, -np.inf, 2.0],
        [-np.inf, 0.0, 1.0],
        [np.inf, 3.0, np.inf, -np.inf],
    ],
)
def test_infinities_give_the_limit(z):
    p, jacobian = limit_of_definition(z)
    for dtype in DTYPES:
        vector = np.array(z, dtype=dtype)
        np.testing.assert_array_equal(softmax(vector), p.astype(dtype))
        np.testing.assert_array_equal(softmax_jacobian(vector), jacobian.astype(dtype))


@pytest.mark.parametrize("z", [[-np.inf, -np.inf], [np.nan, 0.0], [np.nan, np.inf], [1.0, np.nan, -np.inf]])
def test_undefined_rows_are_nan(z):
    batch = np.array([z, [0.0] * len(z)])
    p = softmax(batch)
    assert np.isnan(p[0]).all()
    np.testing.assert_array_equal(p[1], np.full(len(z), 1.0 / len(z)))
    assert np.isnan(softmax_jacobian(np.array(z))).all()


def test_shift_invariance():
    z = np.random.default_rng(1).normal(size=5)
    for shift in (-1000.0, 1e5):
        p, q = softmax(z), softmax(z + shift)
        # z + shift rounds, so q is softmax of a nearby vector: compare with its own oracle.
        assert ulps(q, exact_softmax(z + shift), np.float64)[0] <= FORWARD_ULP
        np.testing.assert_allclose(q, p, rtol=1e-10)
