"""log_softmax, softmin, glu and swiglu against their definitions.

Oracles: SymPy expressions written from the definitions, never from the
snippets' formulas, evaluated by mpmath at 50 digits (more where the
definition cancels); Jacobians from `sympy.Matrix.jacobian`; limits at
±inf from `sympy.limit`.

- log_softmax(z)_i = z_i - log(sum_k e^{z_k}); checked to be log of
  `softmax_expr(K)` from sitekit/definitions.py.
- softmin(z) = `softmax_expr(K)` at -z.
- glu([a, b]) = a * sigma(b), sigma = DEFINITIONS["sigmoid"].
- swiglu([a, b]) = silu(a) * b, silu = DEFINITIONS["swish"] at beta = 1.

Run with `python -m pytest tests/test_vector_activations.py -s` to see the
largest errors found.
"""

from __future__ import annotations

import inspect
import math
from functools import lru_cache

import mpmath
import numpy as np
import pytest
import sympy as sp

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS, softmax_expr
from sitekit.definitions import x as X
from sitekit.oracle import DIGITS, is_normal, ulp_error
from sitekit.points import hard_points

lsm = snippet("log_softmax")
smin = snippet("softmin")
GATED = {"glu": snippet("glu"), "swiglu": snippet("swiglu")}

DTYPES = (np.float32, np.float64)
FORWARD_ULP = 4
DERIVATIVE_ULP = 8
# The pages' bounds on the two VJPs that sum over the vector, in eps times
# the size of the terms (see each page's Implementation section):
#   log_softmax_vjp: 4 eps (p's error) + 3 roundings of eps / 2 = 5.5 eps,
#   times |g_j| + p_j sum_i |g_i|;
#   softmin_vjp: softmax_vjp's 10 eps, times q_j (|g_j| + sum_i |g_i| q_i).
LOG_SOFTMAX_VJP_EPS = 6
SOFTMIN_VJP_EPS = 10
# Where p_j underflows: an absolute error of a few smallest subnormals (eta)
# times the size of g, VJP_ETA * eta * (1 + |g_j| + sum_i |g_i|).
VJP_ETA = 4
# silu' has a root here (DEFINITIONS["swish"].grad_roots): next to it no
# formula keeps a relative bound, as on the swish page.
SILU_ROOT = DEFINITIONS["swish"].grad_roots[0]
ROOT_GAP = 0.05


# --- shared helpers --------------------------------------------------------------


@lru_cache(maxsize=None)
def _exp_at(value: mpmath.mpf, prec: int) -> mpmath.mpf:
    with mpmath.workprec(prec):
        return mpmath.exp(value)


def _exp(value):
    """mpmath.exp, cached: the hard vectors repeat exp(1e308) at 400 digits."""
    return _exp_at(value, mpmath.mp.prec)


MODULES = [{"exp": _exp}, "mpmath"]


def _mp(values) -> list:
    return [mpmath.mpf(float(v)) for v in np.ravel(values)]


def ulps(computed, exact, dtype) -> tuple[float, float]:
    """(max ULP error where the exact value is normal, max over all entries)."""
    errors = ulp_error(np.asarray(computed), exact, dtype)
    normal = is_normal(exact, dtype)
    return (float(errors[normal].max()) if normal.any() else 0.0), float(errors.max())


MAX_SEEN: dict[str, float] = {}


def report(what: str, value: float) -> None:
    MAX_SEEN[what] = max(MAX_SEEN.get(what, 0.0), value)
    print(f"\n{what}: max {value:.3f}")


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
        for _ in range(100):
            z = rng.choice(points, size)
            if rng.random() < 0.5:
                with np.errstate(over="ignore"):
                    z = (z + rng.uniform(-1, 1, size)).astype(dtype)
                z = np.where(np.isfinite(z), z, rng.choice(points, size)).astype(dtype)
            vectors.append(z)
    vectors += [np.array(v, dtype=dtype) for v in ([0.0, -1000.0], [700.0, 0.1], [1000.0, 0.0, -1000.0])]
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


def central_differences(f, z, direction, h):
    return (f(z + h * direction) - f(z - h * direction)) / (2 * h)


# --- oracles: log_softmax and softmin ---------------------------------------------


@lru_cache(maxsize=None)
def log_softmax_expr(size: int) -> tuple[list[sp.Symbol], list[sp.Expr]]:
    """z_1..z_K and y_i = z_i - log(sum_k e^{z_k}), the definition."""
    zs = list(sp.symbols(f"z1:{size + 1}", real=True))
    total = sum(sp.exp(z) for z in zs)
    return zs, [z - sp.log(total) for z in zs]


@lru_cache(maxsize=None)
def log_softmax_rest(size: int) -> tuple[list[sp.Symbol], list[sp.Expr]]:
    """r_i = sum_{k != i} e^{z_k - z_i}: y_i = -log(1 + r_i) is the same y_i
    with no cancellation where it is tiny (z_i dominant); equal to the
    definition (test_log_softmax_oracle_forms_agree)."""
    zs = list(sp.symbols(f"z1:{size + 1}", real=True))
    return zs, [sum(sp.exp(zk - zi) for zk in zs if zk is not zi) for zi in zs]


@lru_cache(maxsize=None)
def softmin_expr(size: int) -> tuple[list[sp.Symbol], list[sp.Expr]]:
    """z_1..z_K and q_i = e^{-z_i} / sum_k e^{-z_k}: softmax_expr(K) at -z
    (test_softmin_definition_is_softmax_of_minus_z), written out so that
    K = 1000 does not substitute into a thousand sums."""
    zs = list(sp.symbols(f"z1:{size + 1}", real=True))
    total = sum(sp.exp(-z) for z in zs)
    return zs, [sp.exp(-z) / total for z in zs]


@lru_cache(maxsize=None)
def _lambdified(kind: str, size: int):
    if kind == "log_softmax":
        zs, ys = log_softmax_expr(size)
    elif kind == "log_softmax_rest":
        # y_i = -log1p(r_i): mpmath.log1p keeps the digits of 1 + (tiny r_i).
        zs, ys = log_softmax_rest(size)
    elif kind == "softmin":
        zs, ys = softmin_expr(size)
    else:
        raise ValueError(kind)
    return sp.lambdify(zs, ys, modules=MODULES, cse=True)


@lru_cache(maxsize=None)
def _jacobian(kind: str, size: int):
    zs, ys = log_softmax_expr(size) if kind == "log_softmax" else softmin_expr(size)
    # As differentiated, entries such as 1 - e^{z_i}/S cancel at 50 digits
    # once p_i is within 1e-50 of 1; sympy.cancel puts each entry over one
    # denominator, a ratio of sums of exponentials with nothing to cancel.
    jacobian = sp.Matrix(ys).jacobian(zs).applyfunc(sp.cancel)
    return sp.lambdify(zs, jacobian.tolist(), modules=MODULES, cse=True)


def exact_log_softmax(z) -> list:
    """y at a float vector with a finite max, to 50 digits. The definition
    z_i - log(sum e^{z_k}) cancels: it is evaluated with 80 digits beyond
    the magnitude of the largest |z_k|, an absolute error near 1e-78, and
    where |y_i| < 1e-20 the small form takes over."""
    zs = _mp(z)
    big = max([abs(v) for v in zs if mpmath.isfinite(v)] + [mpmath.mpf(1)])
    digits = int(mpmath.log10(big)) + 80
    with mpmath.workdps(digits):
        ys = _lambdified("log_softmax", len(zs))(*zs)
        tiny = [i for i, v in enumerate(ys) if mpmath.isfinite(v) and abs(v) < mpmath.mpf(10) ** -20]
        if tiny:
            rest = _lambdified("log_softmax_rest", len(zs))(*zs)
            for i in tiny:
                ys[i] = -mpmath.log1p(rest[i])
    with mpmath.workdps(DIGITS):
        return [+v for v in ys]


def exact_softmin(z) -> list:
    with mpmath.workdps(DIGITS):
        return [+v for v in _lambdified("softmin", len(z))(*_mp(z))]


def exact_jacobian(kind: str, z) -> list[list]:
    with mpmath.workdps(DIGITS):
        return [[+v for v in row] for row in _jacobian(kind, len(z))(*_mp(z))]


def exact_softmax(z) -> list:
    zs, ps = softmax_expr(len(z))
    with mpmath.workdps(DIGITS):
        return [+v for v in sp.lambdify(zs, ps, modules=MODULES)(*_mp(z))]


def exact_vjp(kind: str, z, g) -> tuple[list, list]:
    """(J^T g from the oracle Jacobian, the scale of the page's bound), 50 digits."""
    jacobian = exact_jacobian(kind, z)
    size = len(z)
    with mpmath.workdps(DIGITS):
        gs = _mp(g)
        vjp = [mpmath.fsum(jacobian[i][j] * gs[i] for i in range(size)) for j in range(size)]
        if kind == "log_softmax":
            p = exact_softmax(z)
            g_size = mpmath.fsum(abs(v) for v in gs)
            scale = [abs(gs[j]) + p[j] * g_size for j in range(size)]
        else:
            q = exact_softmin(z)
            spread = mpmath.fsum(abs(gs[k]) * q[k] for k in range(size))
            scale = [q[j] * (abs(gs[j]) + spread) for j in range(size)]
    return vjp, scale


def vjp_error(kind: str, computed, z, g, dtype) -> float:
    """max over one vector of |computed - exact| / allowed, allowed being the
    page's bound EPS eps scale_j + VJP_ETA eta (1 + |g_j| + sum |g|): a
    result <= 1 is within the bound."""
    exact, scale = exact_vjp(kind, z, g)
    bound = LOG_SOFTMAX_VJP_EPS if kind == "log_softmax" else SOFTMIN_VJP_EPS
    info = np.finfo(dtype)
    eps, eta = mpmath.mpf(float(info.eps)), mpmath.mpf(float(info.smallest_subnormal))
    worst = 0.0
    with mpmath.workdps(DIGITS):
        gs = _mp(g)
        g_size = mpmath.fsum(abs(v) for v in gs)
        for c, t, s, gj in zip(np.asarray(computed, dtype=np.float64), exact, scale, gs):
            allowed = bound * eps * s + VJP_ETA * eta * (1 + abs(gj) + g_size)
            worst = max(worst, float(abs(mpmath.mpf(float(c)) - t) / allowed))
    return worst


# --- oracles: glu and swiglu ---------------------------------------------------------

A, B = sp.symbols("a b", real=True)
SIGMOID = DEFINITIONS["sigmoid"].expr
SILU = DEFINITIONS["swish"].with_params(beta=1.0)
GATED_EXPR = {
    "glu": A * SIGMOID.subs(X, B),
    "swiglu": SILU.subs(X, A) * B,
}


@lru_cache(maxsize=None)
def gated_functions(name: str):
    """(y, dy/da, dy/db) of one output y(a, b), lambdified for mpmath."""
    y = GATED_EXPR[name]
    return [sp.lambdify((A, B), e, modules=MODULES) for e in (y, sp.diff(y, A), sp.diff(y, B))]


@lru_cache(maxsize=None)
def gated_jacobian(name: str, half: int):
    """The (half x 2 half) Jacobian of the whole layer for x = [a_1..a_m, b_1..b_m]."""
    a_s = list(sp.symbols(f"a1:{half + 1}", real=True))
    b_s = list(sp.symbols(f"b1:{half + 1}", real=True))
    ys = [GATED_EXPR[name].subs({A: a, B: b}, simultaneous=True) for a, b in zip(a_s, b_s)]
    jacobian = sp.Matrix(ys).jacobian(a_s + b_s)
    return sp.lambdify(a_s + b_s, jacobian.tolist(), modules=MODULES)


def exact_gated(name: str, which: int, a, b) -> list:
    """y (which=0), dy/da (1) or dy/db (2) at float arrays a, b, to 50 digits."""
    fn = gated_functions(name)[which]
    with mpmath.workdps(DIGITS + 10):
        values = [fn(u, v) for u, v in zip(_mp(a), _mp(b))]
    with mpmath.workdps(DIGITS):
        return [+v for v in values]


def exact_gated_vjp(name: str, x, g) -> list:
    """J^T g for one vector x = [a, b], from the whole Jacobian, to 50 digits."""
    half = len(x) // 2
    with mpmath.workdps(DIGITS + 10):
        jacobian = gated_jacobian(name, half)(*_mp(x))
        gs = _mp(g)
        vjp = [mpmath.fsum(jacobian[i][j] * gs[i] for i in range(half)) for j in range(2 * half)]
    with mpmath.workdps(DIGITS):
        return [+v for v in vjp]


def gated_pairs(dtype, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, g): every pair of finite hard points, then random pairs of random
    sign and log-uniform magnitude (1e-3 to 1e3, and over the whole range),
    with random upstream gradients of both kinds too."""
    points = finite_hard(dtype)
    a, b = (v.ravel() for v in np.meshgrid(points, points))
    rng = np.random.default_rng(seed)
    n = 3000
    info = np.finfo(dtype)
    low, high = np.log10(float(info.smallest_normal)), np.log10(float(info.max)) - 0.01
    ra = rng.choice([-1.0, 1.0], n) * 10.0 ** np.where(rng.random(n) < 0.5, rng.uniform(-3, 3, n), rng.uniform(low, high, n))
    rb = rng.choice([-1.0, 1.0], n) * 10.0 ** np.where(rng.random(n) < 0.5, rng.uniform(-3, 3, n), rng.uniform(low, high, n))
    a, b = np.concatenate([a, ra]), np.concatenate([b, rb])
    g = rng.choice([-1.0, 1.0], a.size) * 10.0 ** np.where(rng.random(a.size) < 0.7, rng.uniform(-2, 2, a.size),
                                                              rng.uniform(low, high, a.size))
    g[: points.size] = 1.0
    return a.astype(dtype), b.astype(dtype), g.astype(dtype)


# --- the oracles themselves ------------------------------------------------------------


def test_log_softmax_definition_is_log_of_softmax():
    """The oracle's y_i is log of softmax_expr(K)_i, the site's softmax definition."""
    for size in (2, 3, 4):
        zs, ys = log_softmax_expr(size)
        _, ps = softmax_expr(size)
        for y, p in zip(ys, ps):
            assert sp.simplify(sp.expand_log(sp.log(p), force=True) - y) == 0


def test_softmin_definition_is_softmax_of_minus_z():
    for size in (2, 3, 4):
        zs, qs = softmin_expr(size)
        _, ps = softmax_expr(size)
        for q, p in zip(qs, ps):
            assert sp.simplify(q - p.xreplace({z: -z for z in zs})) == 0


def test_log_softmax_oracle_forms_agree():
    """The small form equals the definition: symbolically (their exponentials
    are equal, and both are real), and at 200 digits on random vectors."""
    for size in (2, 3, 4):
        _, ys = log_softmax_expr(size)
        _, rests = log_softmax_rest(size)
        for y, rest in zip(ys, rests):
            assert sp.simplify(sp.exp(y) - 1 / (1 + rest)) == 0
    rng = np.random.default_rng(12)
    for size in (2, 3, 5):
        for _ in range(10):
            z = _mp(rng.normal(0.0, 30.0, size))
            with mpmath.workdps(200):
                plain = _lambdified("log_softmax", size)(*z)
                small = [-mpmath.log1p(r) for r in _lambdified("log_softmax_rest", size)(*z)]
                for u, v in zip(plain, small):
                    assert abs(u - v) <= mpmath.mpf(10) ** -150 * (1 + abs(u))


# --- log_softmax: forward ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["hard", "random K<=10", "random K=1000"])
def test_log_softmax_ulp(dtype, kind):
    if kind == "hard":
        vectors = hard_vectors(dtype)
    elif kind == "random K<=10":
        vectors = [z for size in (2, 3, 5, 10) for z in random_vectors(dtype, size, 50)]
    else:
        vectors = random_vectors(dtype, 1000, 4)
    worst, worst_all, worst_z = 0.0, 0.0, None
    for z in vectors:
        normal, everything = ulps(lsm.log_softmax(z), exact_log_softmax(z), dtype)
        if normal > worst:
            worst, worst_z = normal, z
        worst_all = max(worst_all, everything)
    report(f"log_softmax ULP {np.dtype(dtype).name} {kind} (normal / all {worst_all:.3f})", worst)
    assert worst <= FORWARD_ULP, f"{worst} ULP at z = {worst_z!r}"
    assert worst_all <= FORWARD_ULP


@pytest.mark.parametrize("size", [1, 2, 7, 1000, 100_000])
def test_log_softmax_of_equal_entries(size):
    """K equal entries: y_i = -log K exactly, whatever the shared value, for a
    huge K too (the sum has one rounding, whatever its length)."""
    with mpmath.workdps(DIGITS):
        exact = -mpmath.log(size)
    for value in (0.0, -1e308, 1e308, 123.456):
        y = lsm.log_softmax(np.full(size, value))
        assert ulps(y[:1], [exact], np.float64)[1] <= 1.0
        assert np.all(y == y[0])


def test_log_softmax_is_log_of_softmax_where_both_are_accurate():
    """exp(log_softmax(z)) matches softmax (the site's softmax snippet) where
    y is not far below 0: there exp only multiplies y's error by |y|."""
    softmax = snippet("softmax").softmax
    rng = np.random.default_rng(6)
    z = rng.normal(0.0, 3.0, (50, 6))
    np.testing.assert_allclose(np.exp(lsm.log_softmax(z)), softmax(z), rtol=1e-14, atol=0)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_log_softmax_axis(axis):
    rng = np.random.default_rng(7)
    z = rng.normal(0.0, 30.0, (3, 4, 5))
    y = lsm.log_softmax(z, axis=axis)
    assert y.shape == z.shape
    moved_z, moved_y = np.moveaxis(z, axis, -1), np.moveaxis(y, axis, -1)
    for index in np.ndindex(moved_z.shape[:-1]):
        assert ulps(moved_y[index], exact_log_softmax(moved_z[index]), np.float64)[0] <= FORWARD_ULP


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
    assert ulps(lsm.log_softmax([40.0, 0.0]), exact_log_softmax([40.0, 0.0]), np.float64)[0] <= FORWARD_ULP


# --- log_softmax: Jacobian and VJP ------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["hard", "random"])
def test_log_softmax_jacobian_ulp(dtype, kind):
    if kind == "hard":
        vectors = [z for z in hard_vectors(dtype) if z.size <= 4]
    else:
        vectors = [z for size in (2, 3, 5, 8) for z in random_vectors(dtype, size, 30)]
    worst, worst_all, worst_z = 0.0, 0.0, None
    for z in vectors:
        computed = lsm.log_softmax_jacobian(z)
        assert computed.shape == (z.size, z.size) and computed.dtype == np.dtype(dtype)
        exact = [v for row in exact_jacobian("log_softmax", z) for v in row]
        normal, everything = ulps(computed.ravel(), exact, dtype)
        if normal > worst:
            worst, worst_z = normal, z
        worst_all = max(worst_all, everything)
    report(f"log_softmax_jacobian ULP {np.dtype(dtype).name} {kind} (normal / all {worst_all:.3f})", worst)
    assert worst <= DERIVATIVE_ULP, f"{worst} ULP at z = {worst_z!r}"
    assert worst_all <= DERIVATIVE_ULP


def upstream_gradients(kind: str, zs: np.ndarray, rng) -> np.ndarray:
    """Random g, and g that make the VJP cancel: for log_softmax g ~ p
    (g_j - p_j sum g = 0 at g = p), for softmin g nearly constant."""
    gs = rng.normal(size=zs.shape)
    if kind == "log_softmax":
        gs[::3] = lsm.log_softmax(zs[::3].astype(np.float64))
        gs[::3] = np.exp(gs[::3]) * (1.0 + 1e-9 * rng.normal(size=gs[::3].shape))
        gs[1::3] = 10.0 ** rng.uniform(-300, 300, gs[1::3].shape) * rng.choice([-1.0, 1.0], gs[1::3].shape)
    else:
        gs[::3] = 1.0 + 1e-9 * rng.normal(size=gs[::3].shape)
    return gs


@pytest.mark.parametrize("name", ["log_softmax", "softmin"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_vjp_against_sympy_jacobian(name, dtype):
    """J^T g of the oracle Jacobian, within the page's bound, for batches."""
    vjp = lsm.log_softmax_vjp if name == "log_softmax" else smin.softmin_vjp
    rng = np.random.default_rng(2)
    worst = 0.0
    for size in (2, 3, 5, 8):
        zs = np.stack(random_vectors(dtype, size, 24))
        with np.errstate(over="ignore"):  # huge random g cast to float32: the cast is ours
            gs = upstream_gradients(name, zs, rng).astype(dtype)
        gs = np.where(np.isfinite(gs), gs, 1.0).astype(dtype)
        computed = vjp(zs, gs)  # batched: rows are independent vectors
        assert computed.shape == zs.shape and computed.dtype == np.dtype(dtype)
        for z, g, c in zip(zs, gs, computed):
            error = vjp_error(name, c, z, g, dtype)
            assert error <= 1.0, f"{error} of the bound at z = {z!r}, g = {g!r}"
            worst = max(worst, error)
    report(f"{name}_vjp error, as a fraction of the page's bound, {np.dtype(dtype).name}", worst)


@pytest.mark.parametrize("name", ["log_softmax", "softmin"])
def test_vjp_on_hard_vectors(name):
    vjp = lsm.log_softmax_vjp if name == "log_softmax" else smin.softmin_vjp
    rng = np.random.default_rng(3)
    for dtype in DTYPES:
        for z in [z for z in hard_vectors(dtype) if z.size <= 4][::3]:
            g = rng.normal(size=z.size).astype(dtype)
            assert vjp_error(name, vjp(z, g), z, g, dtype) <= 1.0, f"z = {z!r}, g = {g!r}"


def test_log_softmax_vjp_does_not_overflow_in_the_sum():
    """sum(g) = 2e308 overflows; J^T g = g - p sum(g) is (0, 0) at p = (1/2, 1/2)."""
    with np.errstate(over="raise", invalid="raise"):
        np.testing.assert_array_equal(lsm.log_softmax_vjp([0.0, 0.0], [1e308, 1e308]), [0.0, 0.0])
        # sum(g) = 1.8e308 overflows too; J^T g = g - 0.6e308 does not.
        v = lsm.log_softmax_vjp([0.0, 0.0, 0.0], [1.2e308, 1.2e308, -0.6e308])
    assert vjp_error("log_softmax", v, [0.0, 0.0, 0.0], [1.2e308, 1.2e308, -0.6e308], np.float64) <= 1.0


@pytest.mark.parametrize("name", ["log_softmax", "softmin"])
def test_vjp_finite_differences(name):
    """J^T g is the gradient of L(z) = g . f(z): central differences along each
    coordinate and along random directions."""
    f, vjp = (lsm.log_softmax, lsm.log_softmax_vjp) if name == "log_softmax" else (smin.softmin, smin.softmin_vjp)
    rng = np.random.default_rng(9)
    for size in (2, 4, 7):
        z, g = rng.normal(0.0, 2.0, size), rng.normal(size=size)
        gradient = vjp(z, g)
        loss = lambda v: float(np.dot(g, f(v)))  # noqa: E731
        for direction in list(np.eye(size)) + list(rng.normal(size=(5, size))):
            difference = central_differences(loss, z, direction, 1e-6)
            assert abs(difference - gradient @ direction) <= 1e-8 * max(1.0, np.abs(g).sum())


@pytest.mark.parametrize("name", ["log_softmax", "softmin"])
def test_jacobian_matches_vjp(name):
    jacobian, vjp = ((lsm.log_softmax_jacobian, lsm.log_softmax_vjp) if name == "log_softmax"
                     else (smin.softmin_jacobian, smin.softmin_vjp))
    rng = np.random.default_rng(8)
    z, g = rng.normal(0.0, 3.0, 6), rng.normal(size=6)
    np.testing.assert_allclose(jacobian(z).T @ g, vjp(z, g), rtol=0, atol=1e-14)


def test_log_softmax_jacobian_rows():
    """Row i of J is e_i - p: each row sums to 1 - 1 = 0, and off the
    diagonal, column j is -p_j all the way down."""
    z = np.random.default_rng(5).normal(0.0, 3.0, 7)
    jacobian = lsm.log_softmax_jacobian(z)
    assert np.all(np.abs(jacobian.sum(axis=1)) <= 4 * np.finfo(float).eps)
    for j in range(7):
        column = np.delete(jacobian[:, j], j)
        np.testing.assert_array_equal(column, np.full(6, column[0]))


def test_log_softmax_vjp_from_output_is_the_same_formula():
    """The output form gives the same J^T g up to exp's amplification of y's rounding."""
    rng = np.random.default_rng(10)
    z, g = rng.normal(0.0, 2.0, (20, 5)), rng.normal(size=(20, 5))
    np.testing.assert_allclose(lsm.log_softmax_vjp_from_output(lsm.log_softmax(z), g),
                               lsm.log_softmax_vjp(z, g), rtol=0, atol=1e-14)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_vjp_axis(axis):
    rng = np.random.default_rng(4)
    z, g = rng.normal(0.0, 5.0, (6, 3)), rng.normal(size=(6, 3))
    for name, vjp in (("log_softmax", lsm.log_softmax_vjp), ("softmin", smin.softmin_vjp)):
        computed = np.moveaxis(vjp(z, g, axis=axis), axis, -1)
        for index in np.ndindex(computed.shape[:-1]):
            zi, gi = np.moveaxis(z, axis, -1)[index], np.moveaxis(g, axis, -1)[index]
            assert vjp_error(name, computed[index], zi, gi, np.float64) <= 1.0


# --- softmin ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["hard", "random K<=10", "random K=1000"])
def test_softmin_ulp(dtype, kind):
    if kind == "hard":
        vectors = hard_vectors(dtype)
    elif kind == "random K<=10":
        vectors = [z for size in (2, 3, 5, 10) for z in random_vectors(dtype, size, 50)]
    else:
        vectors = random_vectors(dtype, 1000, 4)
    worst, worst_all, worst_z = 0.0, 0.0, None
    for z in vectors:
        normal, everything = ulps(smin.softmin(z), exact_softmin(z), dtype)
        if normal > worst:
            worst, worst_z = normal, z
        worst_all = max(worst_all, everything)
    report(f"softmin ULP {np.dtype(dtype).name} {kind} (normal / all {worst_all:.3f})", worst)
    assert worst <= FORWARD_ULP, f"{worst} ULP at z = {worst_z!r}"
    assert worst_all <= FORWARD_ULP


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmin_jacobian_ulp(dtype):
    vectors = [z for z in hard_vectors(dtype) if z.size <= 4]
    vectors += [z for size in (2, 3, 5, 8) for z in random_vectors(dtype, size, 30)]
    worst, worst_all, worst_z = 0.0, 0.0, None
    for z in vectors:
        computed = smin.softmin_jacobian(z)
        assert computed.shape == (z.size, z.size) and computed.dtype == np.dtype(dtype)
        exact = [v for row in exact_jacobian("softmin", z) for v in row]
        normal, everything = ulps(computed.ravel(), exact, dtype)
        if normal > worst:
            worst, worst_z = normal, z
        worst_all = max(worst_all, everything)
    report(f"softmin_jacobian ULP {np.dtype(dtype).name} (normal / all {worst_all:.3f})", worst)
    assert worst <= DERIVATIVE_ULP, f"{worst} ULP at z = {worst_z!r}"
    assert worst_all <= DERIVATIVE_ULP


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


# --- log_softmax and softmin: infinities and NaN --------------------------------------------


def limit_of(kind: str, z):
    """f and its Jacobian where the ±inf entries of z are ±t, t -> oo (SymPy)."""
    zs, ys = log_softmax_expr(len(z)) if kind == "log_softmax" else softmin_expr(len(z))
    t = sp.Symbol("t", positive=True)
    subs = {s: (t if v == np.inf else -t if v == -np.inf else sp.nsimplify(v)) for s, v in zip(zs, z)}
    values = [sp.limit(e.subs(subs), t, sp.oo) for e in ys]
    jacobian = sp.Matrix(ys).jacobian(zs).subs(subs).applyfunc(lambda e: sp.limit(e, t, sp.oo))
    as_float = lambda e: float(e) if e.is_finite else (np.inf if e == sp.oo else -np.inf)  # noqa: E731
    return np.array([as_float(v) for v in values]), np.array([[as_float(v) for v in row] for row in jacobian.tolist()])


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
@pytest.mark.parametrize("name", ["log_softmax", "softmin"])
def test_infinities_give_the_limit(name, z):
    f, jacobian = ((lsm.log_softmax, lsm.log_softmax_jacobian) if name == "log_softmax"
                   else (smin.softmin, smin.softmin_jacobian))
    if name == "softmin":
        z = [-v for v in z]  # the same limits, for softmin's side
    values, limit_jacobian = limit_of(name, z)
    for dtype in DTYPES:
        vector = np.array(z, dtype=dtype)
        np.testing.assert_allclose(f(vector), values.astype(dtype), rtol=4 * np.finfo(dtype).eps, atol=0)
        np.testing.assert_array_equal(jacobian(vector), limit_jacobian.astype(dtype))


@pytest.mark.parametrize("z", [[-np.inf, -np.inf], [np.nan, 0.0], [np.nan, np.inf], [1.0, np.nan, -np.inf]])
def test_undefined_rows_are_nan(z):
    batch = np.array([z, [0.0] * len(z)])
    y = lsm.log_softmax(batch)
    assert np.isnan(y[0]).all()
    # The exact −ln n, within the 4 ULP bound: np.log's last bit differs between CPUs.
    with mpmath.workdps(40):
        exact = float(-mpmath.log(len(z)))
    np.testing.assert_array_max_ulp(y[1], np.full(len(z), exact), maxulp=4)
    assert np.isnan(lsm.log_softmax_jacobian(np.array(z))).all()
    assert np.isnan(lsm.log_softmax_vjp(batch, np.ones_like(batch))[0]).all()
    flipped = np.array([[-v for v in z], [0.0] * len(z)])
    assert np.isnan(smin.softmin(flipped)[0]).all()


# --- glu and swiglu ----------------------------------------------------------------------


def gated_errors(name, which, dtype, a, b, g=None, keep=None):
    """(max ULP where the exact value is normal, max over all, worst (a, b))."""
    module = GATED[name]
    keep = np.ones(a.size, dtype=bool) if keep is None else keep
    a, b = a[keep], b[keep]
    x = np.stack([a, b], axis=-1)
    if which == 0:
        computed = getattr(module, name)(x)[:, 0]
        exact = exact_gated(name, 0, a, b)
    else:
        g = g[keep]
        computed = getattr(module, f"{name}_vjp")(x, g[:, None])[:, which - 1]
        partial = exact_gated(name, which, a, b)
        with mpmath.workdps(DIGITS):
            exact = [p * mpmath.mpf(float(v)) for p, v in zip(partial, g)]
    assert computed.dtype == np.dtype(dtype)
    errors = ulp_error(computed, exact, dtype)
    normal = is_normal(exact, dtype)
    worst = int(np.argmax(np.where(normal, errors, -1.0)))
    return (float(errors[normal].max()) if normal.any() else 0.0), float(errors.max()), (a[worst], b[worst])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["glu", "swiglu"])
def test_gated_forward_ulp(name, dtype):
    a, b, _ = gated_pairs(dtype)
    worst, worst_all, where = gated_errors(name, 0, dtype, a, b)
    report(f"{name} ULP {np.dtype(dtype).name} (normal / all {worst_all:.3f})", worst)
    assert worst <= FORWARD_ULP, f"{worst} ULP at (a, b) = {where}"
    assert worst_all <= FORWARD_ULP


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("half", ["a", "b"])
@pytest.mark.parametrize("name", ["glu", "swiglu"])
def test_gated_vjp_ulp(name, half, dtype):
    """Each entry of the VJP is a product g * dy/da or g * dy/db: within 8 ULP
    of the exact product, except dL/da of swiglu next to the root of silu'."""
    a, b, g = gated_pairs(dtype)
    keep = None
    if name == "swiglu" and half == "a":
        keep = ~(np.abs(a.astype(np.float64) - SILU_ROOT) < ROOT_GAP)
    worst, worst_all, where = gated_errors(name, 1 if half == "a" else 2, dtype, a, b, g, keep)
    report(f"{name}_vjp d/d{half} ULP {np.dtype(dtype).name} (normal / all {worst_all:.3f})", worst)
    assert worst <= DERIVATIVE_ULP, f"{worst} ULP at (a, b) = {where}"
    assert worst_all <= DERIVATIVE_ULP


@pytest.mark.parametrize("name", ["glu", "swiglu"])
def test_gated_products_across_the_underflow_of_exp(name):
    """Products like 1.7e308 * sigma(-1417.5) are normal numbers although
    sigma(-1417.5), and even its square root e^-708.75, are not: within 4 / 8 ULP."""
    big, gate = np.array([1.7e308, 1.7e308, 1e308, -1.7e308, 3.0, 1e300, 1e300]), \
        np.array([-1417.5, -1418.0, -745.5, -1000.0, -1e308, -1400.0, -2299.0])
    a, b = (big, gate) if name == "glu" else (gate, big)
    g = np.array([1.0, 1e300, -1e308, 2.0, 1.7e308, 1e300, 1.7e308])
    for which, bound in ((0, FORWARD_ULP), (1, DERIVATIVE_ULP), (2, DERIVATIVE_ULP)):
        worst, worst_all, where = gated_errors(name, which, np.float64, a, b, g)
        assert worst <= bound and worst_all <= bound, f"{worst} ULP at (a, b) = {where}"


def test_swiglu_vjp_next_to_the_root_of_silu_slope():
    """Within ROOT_GAP of the root of silu', dL/da keeps an absolute bound:
    a few eps times |g b| times the size of the terms of silu' (below 1.2)."""
    a = np.linspace(SILU_ROOT - ROOT_GAP, SILU_ROOT + ROOT_GAP, 2001)
    a = np.concatenate([a, np.nextafter(SILU_ROOT, np.array([-2.0, 0.0]))])
    b = np.ones_like(a)
    computed = GATED["swiglu"].swiglu_vjp(np.stack([a, b], axis=-1), np.ones((a.size, 1)))[:, 0]
    exact = exact_gated("swiglu", 1, a, b)
    worst = max(abs(float(mpmath.mpf(float(c)) - t)) for c, t in zip(computed, exact))
    report("swiglu_vjp d/da next to the root of silu': max absolute error / eps", worst / np.finfo(float).eps)
    assert worst <= 4 * np.finfo(float).eps


@pytest.mark.parametrize("name", ["glu", "swiglu"])
def test_gated_vjp_against_sympy_jacobian(name):
    """glu_vjp / swiglu_vjp of batches of vectors against J^T g from the whole
    layer's Jacobian (K x 2K), along both axes."""
    module = GATED[name]
    rng = np.random.default_rng(21)
    for half in (1, 2, 3):
        x = rng.normal(0.0, 4.0, (10, 2 * half))
        g = rng.normal(size=(10, half))
        computed = getattr(module, f"{name}_vjp")(x, g)
        assert computed.shape == x.shape
        for xi, gi, ci in zip(x, g, computed):
            assert ulps(ci, exact_gated_vjp(name, xi, gi), np.float64)[1] <= DERIVATIVE_ULP
        transposed = getattr(module, f"{name}_vjp")(x.T, g.T, axis=0)
        np.testing.assert_array_equal(transposed, computed.T)


@pytest.mark.parametrize("name", ["glu", "swiglu"])
def test_gated_forward_matches_definition_for_batches(name):
    module = GATED[name]
    rng = np.random.default_rng(22)
    x = rng.normal(0.0, 4.0, (3, 4, 6))
    for axis in (0, 1, 2, -1):
        if x.shape[axis] % 2:
            continue
        y = getattr(module, name)(x, axis=axis)
        a, b = np.split(x, 2, axis=axis)
        assert y.shape == a.shape
        assert ulps(y.ravel(), exact_gated(name, 0, a.ravel(), b.ravel()), np.float64)[1] <= FORWARD_ULP


@pytest.mark.parametrize("name", ["glu", "swiglu"])
def test_gated_vjp_finite_differences(name):
    module = GATED[name]
    f, vjp = getattr(module, name), getattr(module, f"{name}_vjp")
    rng = np.random.default_rng(23)
    for half in (1, 3, 5):
        x, g = rng.normal(0.0, 2.0, 2 * half), rng.normal(size=half)
        gradient = vjp(x, g)
        loss = lambda v: float(np.dot(g, f(v)))  # noqa: E731
        for direction in list(np.eye(2 * half)) + list(rng.normal(size=(5, 2 * half))):
            difference = central_differences(loss, x, direction, 1e-6)
            assert abs(difference - gradient @ direction) <= 1e-8 * max(1.0, np.abs(g).sum() * np.abs(x).max())


def test_glu_with_equal_halves_is_silu():
    """glu([x, x]) = x sigma(x) = silu(x), against the swish oracle at beta = 1."""
    xs = np.concatenate([finite_hard(np.float64), np.linspace(-30, 30, 121)])
    y = GATED["glu"].glu(np.stack([xs, xs], axis=-1))[:, 0]
    with mpmath.workdps(DIGITS):
        exact = [sp.lambdify(X, SILU, modules="mpmath")(v) for v in _mp(xs)]
    assert ulps(y, exact, np.float64)[0] <= FORWARD_ULP


def test_gated_naive_fails_where_the_pages_say():
    glu, swiglu = GATED["glu"], GATED["swiglu"]
    # a * sigma(b) = 1e308 / (1 + e^745): e^745 overflows, and the result is 0
    # instead of 2.8e-16; the careful sigma(b) = e^b / (1 + e^b) gets 5e-324
    # from e^-745, with no significant bit left.
    exact = exact_gated("glu", 0, [1e308], [-745.0])[0]
    with pytest.warns(RuntimeWarning):
        assert glu.glu_naive([1e308, -745.0])[0] == 0.0
    assert ulps([1e308 * (np.exp(-745.0) / (1 + np.exp(-745.0)))], [exact], np.float64)[0] > 1e10
    assert ulps(glu.glu([1e308, -745.0]), [exact], np.float64)[0] <= FORWARD_ULP
    # silu(-710) * 1e308 = -0.3: e^710 overflows, sigma(-710) = 0, and so is the result.
    exact = exact_gated("swiglu", 0, [-710.0], [1e308])[0]
    with pytest.warns(RuntimeWarning):
        assert swiglu.swiglu_naive([-710.0, 1e308])[0] == 0.0
    assert ulps(swiglu.swiglu([-710.0, 1e308]), [exact], np.float64)[0] <= FORWARD_ULP
    # dL/db of glu through 1 - sigma(b): 0 from b = 37 on, where the slope is 8.5e-17.
    assert glu.glu_vjp_naive(np.array([1.0, 37.0]), np.array([1.0]))[1] == 0.0
    assert glu.glu_vjp([1.0, 37.0], [1.0])[1] > 0.0


# --- infinities and NaN of glu and swiglu ---------------------------------------------------


def gated_limit(name: str, which: int, a: float, b: float, g: float = 1.0) -> float:
    """The limit of g * (y, dy/da, dy/db) as the infinite inputs grow (SymPy),
    along three paths: (t, t), (e^t, t) and (t, e^t) for (a, b), signs as
    given, and t for an infinite g; NaN if they disagree, or if the limit is
    not a real number or ±oo. (Polynomial paths are not enough: a sigma(-b)
    tends to 0 along all of them, but to 1 along a = e^t, b = t.)"""
    y = GATED_EXPR[name]
    expr = [y, sp.diff(y, A), sp.diff(y, B)][which] * sp.Symbol("g", real=True)
    t = sp.Symbol("t", positive=True)
    values = []
    for pa, pb in ((t, t), (sp.exp(t), t), (t, sp.exp(t))):
        subs = {}
        for symbol, value, path in ((A, a, pa), (B, b, pb), (sp.Symbol("g", real=True), g, t)):
            subs[symbol] = path if value == np.inf else -path if value == -np.inf else sp.nsimplify(value)
        values.append(sp.limit(expr.subs(subs), t, sp.oo))
    if any(v != values[0] for v in values) or not values[0].is_extended_real:
        return math.nan
    return float(values[0]) if values[0].is_finite else (math.inf if values[0] == sp.oo else -math.inf)


GATED_SPECIAL = [
    (np.inf, 2.0), (-np.inf, 2.0), (2.0, np.inf), (2.0, -np.inf), (-3.0, np.inf), (-3.0, -np.inf),
    (np.inf, -800.0), (np.inf, np.inf), (np.inf, -np.inf), (-np.inf, np.inf), (-np.inf, -np.inf),
    (0.0, np.inf), (np.inf, 0.0), (-1.5, np.inf), (-1.0, -np.inf),
]


@pytest.mark.parametrize("a, b", GATED_SPECIAL)
@pytest.mark.parametrize("name", ["glu", "swiglu"])
def test_gated_infinities_give_the_limit(name, a, b):
    """±inf inputs: the limit of the definition (SymPy), NaN where it has none."""
    module = GATED[name]
    x = np.array([a, b])
    expected = [gated_limit(name, which, a, b) for which in (0, 1, 2)]
    got = [getattr(module, name)(x)[0], *getattr(module, f"{name}_vjp")(x, np.array([1.0]))]
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0, err_msg=f"(y, dL/da, dL/db) at {x}")


@pytest.mark.parametrize("name", ["glu", "swiglu"])
def test_gated_infinite_upstream_gradient(name):
    module = GATED[name]
    for a, b in [(2.0, 3.0), (-3.0, 1.0), (1.0, -800.0)]:
        got = getattr(module, f"{name}_vjp")(np.array([a, b]), np.array([np.inf]))
        expected = [gated_limit(name, which, a, b, np.inf) for which in (1, 2)]
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", ["glu", "swiglu"])
def test_gated_nan_in_nan_out(name):
    module = GATED[name]
    for x in ([np.nan, 1.0], [1.0, np.nan], [np.nan, np.inf], [0.0, np.nan]):
        assert np.isnan(getattr(module, name)(np.array(x))).all()
        assert np.isnan(getattr(module, f"{name}_vjp")(np.array(x), np.array([1.0]))).any()
    assert np.isnan(getattr(module, f"{name}_vjp")(np.array([1.0, 2.0]), np.array([np.nan]))).all()


# --- all four: dtypes, shapes, errors, no warnings ------------------------------------------------


FORWARD = {"log_softmax": lsm.log_softmax, "softmin": smin.softmin,
           "glu": GATED["glu"].glu, "swiglu": GATED["swiglu"].swiglu}
VJP = {"log_softmax": lsm.log_softmax_vjp, "softmin": smin.softmin_vjp,
       "glu": GATED["glu"].glu_vjp, "swiglu": GATED["swiglu"].swiglu_vjp}


def upstream_like(name, x):
    x = np.asarray(x)
    return np.ones(x.shape[:-1] + (x.shape[-1] // 2,), dtype=x.dtype) if name in GATED else np.ones_like(x)


@pytest.mark.parametrize("name", list(FORWARD))
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_preserved(name, dtype):
    x = np.array([[1.0, -2.0, 3.0, 0.5], [0.5, 0.25, 0.0, -4.0]], dtype=dtype)
    assert FORWARD[name](x).dtype == np.dtype(dtype)
    assert VJP[name](x, upstream_like(name, x)).dtype == np.dtype(dtype)
    if name in ("log_softmax", "softmin"):
        jacobian = lsm.log_softmax_jacobian if name == "log_softmax" else smin.softmin_jacobian
        assert jacobian(x[0]).dtype == np.dtype(dtype)


@pytest.mark.parametrize("name", list(FORWARD))
@pytest.mark.parametrize("value", [[1, 2, 3, 4], [True, False], np.array([1, 2], dtype=np.int8), (1.0, 2.0)])
def test_ints_bools_lists_become_float64(name, value):
    assert FORWARD[name](value).dtype == np.float64
    assert VJP[name](value, upstream_like(name, value).astype(np.float64)).dtype == np.float64


@pytest.mark.parametrize("name", list(FORWARD))
def test_shape_errors(name):
    with pytest.raises(ValueError, match="0-d"):
        FORWARD[name](3.0)
    with pytest.raises(ValueError, match="0-d"):
        VJP[name](3.0, 1.0)
    with pytest.raises(TypeError):
        FORWARD[name](["a", "b"])
    with pytest.raises(ValueError, match="shape"):
        VJP[name](np.ones((2, 4)), np.ones((2, 3)))
    if name in GATED:
        with pytest.raises(ValueError, match="odd"):
            FORWARD[name](np.ones((2, 3)))
        with pytest.raises(ValueError, match="odd"):
            VJP[name](np.ones(3), np.ones(1))
        with pytest.raises(ValueError, match="odd"):
            FORWARD[name](np.ones((3, 4)), axis=0)
    else:
        jacobian = lsm.log_softmax_jacobian if name == "log_softmax" else smin.softmin_jacobian
        with pytest.raises(ValueError, match="1-D"):
            jacobian(np.ones((2, 2)))


NASTY = [
    [1000.0, 0.0, -1000.0, 5.0],
    [1e308, -1e308, 1.0, -1.0],
    [-1e308, 1e308, 0.0, 2.0],
    [1.7976931348623157e308, -1.7976931348623157e308, 1.7976931348623157e308, -1.7976931348623157e308],
    [-745.0, -1e308, 710.0, -710.0],
    [5e-324, -5e-324, 1e-300, -1e-300],
    [np.inf, 1e308, -np.inf, 3.0],
    [np.nan, 1e308, 1.0, -np.inf],
    [-700.0, 1e308, -1e300, 1e300],
    [1e308, -2000.0, 1e308, 1e308],
]


@pytest.mark.parametrize("z", NASTY)
@pytest.mark.parametrize("name", list(FORWARD))
def test_no_floating_point_warnings(name, z):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for dtype in (np.float16, np.float32, np.float64):
            with np.errstate(over="ignore"):  # the cast of 1e308 to float32 is ours, not the snippet's
                x = np.array(z).astype(dtype)
            FORWARD[name](x)
            info = np.finfo(dtype)
            for g_value in (1.0, float(info.max), -float(info.max), float(info.smallest_subnormal)):
                VJP[name](x, np.full(upstream_like(name, x).shape, g_value, dtype=dtype))
            if name == "log_softmax":
                lsm.log_softmax_jacobian(x)
            if name == "softmin":
                smin.softmin_jacobian(x)
