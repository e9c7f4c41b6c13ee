"""The short blocks of the vector activations, snippets/activations/short/
{softmax, log_softmax, softmin, glu, swiglu}.py, against the oracles of
tests/test_softmax.py and tests/test_vector_activations.py (SymPy
definitions and Jacobians evaluated by mpmath at 50 digits, imported
here, not copied; never the short blocks' formulas).

The contract the pages state:
- forward: float64 within 1e-12 relative where the exact value is a normal
  float, float32 within 16 ULP; results below the normal range within
  SUBNORMAL_UNITS smallest subnormals. log_softmax is
  z - max z - log sum: its rounding errors are absolute, of the size of
  its terms, so it is held to 1e-12 (float64) or 16 eps (float32) times
  max(|y|, 1): relative for |y| >= 1, absolute below, where y is the log
  of a probability near 1.
- VJP: the sums along the axis (dy - sum dy p) cancel where dy is nearly
  constant, a loss in the problem that no formula avoids; so the error is
  held to 1e-12 (float64) or 16 eps (float32) times the size of the terms
  that are added, the componentwise condition of the sum:
  softmax p_j (|dy_j| + sum |dy_i| p_i), softmin the same with q,
  log_softmax |dy_j| + p_j sum |dy_i|, swiglu's a-half
  |dy b sigmoid(a)| (1 + |a sigmoid(-a)|) (silu' has a root at -1.28);
  the other halves of glu and swiglu are products: plain relative error.
  Plus VJP_ETA smallest subnormals times the size of dy where p underflows.
- ±inf entries: the limits of the definition (a -inf entry gets p = 0,
  +inf entries share the mass equally); a row of only -inf, or a NaN:
  NaN. Shapes and dtypes kept; axis=0 gives the same as axis=-1 on the
  transpose; no warnings (pytest.ini makes them errors).

Run with `python -m pytest tests/test_short_vector_blocks.py -s` to see
the largest errors found.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import test_softmax as tsm
import test_vector_activations as tva
from sitekit.accuracy import SHORT_RELATIVE, SHORT_ULP
from sitekit.catalogue import ACTIVATIONS, load_snippet
from sitekit.oracle import DIGITS, is_normal, ulp_error

SHORT = ACTIVATIONS / "short"
SOFTMAX_FAMILY = ("softmax", "log_softmax", "softmin")
GATED = ("glu", "swiglu")
DTYPES = (np.float32, np.float64)
# The contract of every short block (sitekit/accuracy.py, one source).
REL64 = SHORT_RELATIVE
ULP32 = SHORT_ULP
VJP_ETA = tva.VJP_ETA


def short(name: str):
    return load_snippet(SHORT / f"{name}.py")


def tolerance(dtype) -> float:
    """The contract's relative bound: 1e-12 in float64, 16 eps in float32."""
    return REL64 if dtype == np.float64 else ULP32 * float(np.finfo(dtype).eps)


WORST: dict[str, float] = {}


def record(what: str, value: float) -> None:
    WORST[what] = max(WORST.get(what, 0.0), value)
    print(f"\n{what}: max {value:.4g}")


# --- oracles ------------------------------------------------------------------------


def exact_forward(name: str, z) -> list:
    if name == "softmax":
        return tsm.exact_softmax(z)
    if name == "softmin":
        return tva.exact_softmin(z)
    return tva.exact_log_softmax(z)


def exact_vjp(name: str, z, dy) -> tuple[list, list]:
    """(J^T dy, the size of the terms it adds), to 50 digits."""
    if name != "softmax":
        return tva.exact_vjp(name, z, dy)
    jacobian = tsm.exact_jacobian(z)
    p = tsm.exact_softmax(z)
    with mpmath.workdps(DIGITS):
        gs = tva._mp(dy)
        size = len(gs)
        vjp = [mpmath.fsum(jacobian[i][j] * gs[i] for i in range(size)) for j in range(size)]
        spread = mpmath.fsum(abs(gs[i]) * p[i] for i in range(size))
        scale = [p[j] * (abs(gs[j]) + spread) for j in range(size)]
    return vjp, scale


# Below the normal range (gradual underflow) a product whose factor rounds
# to a subnormal loses half a subnormal spacing, and the factors after it
# scale that loss: such results are held to SUBNORMAL_UNITS spacings.
SUBNORMAL_UNITS = 256


def below_normal(computed, exact, normal, dtype) -> float:
    """max |computed - exact| in units of the smallest subnormal where the
    exact value is not normal (0 or subnormal); a mismatched infinity or
    NaN counts as inf."""
    tiny = mpmath.mpf(float(np.finfo(dtype).smallest_subnormal))
    worst = 0.0
    with mpmath.workdps(DIGITS):
        for c, t, n in zip(np.ravel(computed), exact, normal):
            if n:
                continue
            if not mpmath.isfinite(t) or not np.isfinite(c):
                worst = max(worst, float(ulp_error([c], [t], dtype)[0]))
                continue
            worst = max(worst, float(abs(mpmath.mpf(float(c)) - t) / tiny))
    return worst


# --- inputs ---------------------------------------------------------------------


def matrices(dtype) -> list[np.ndarray]:
    """The hard and random vectors of tests/test_vector_activations.py, plus
    logits of ±1e4, as batches: one matrix per vector length."""
    vectors = tva.hard_vectors(dtype) + tva.random_vectors(dtype, 5, 40) + tva.random_vectors(dtype, 8, 20)
    rng = np.random.default_rng(7)
    for size in (2, 3, 7):
        for _ in range(20):
            vectors.append((rng.choice([-1e4, 1e4], size) + rng.normal(0, 30, size)).astype(dtype))
    by_size: dict[int, list] = {}
    for v in vectors:
        by_size.setdefault(v.size, []).append(v)
    return [np.stack(rows) for rows in by_size.values()]


def upstream(shape, dtype, seed: int = 1) -> np.ndarray:
    """Random signs, magnitudes log-uniform from 1e-3 to 1e3; some rows
    nearly constant, where dy - sum(dy p) cancels."""
    rng = np.random.default_rng(seed)
    dy = rng.choice([-1.0, 1.0], shape) * 10.0 ** rng.uniform(-3, 3, shape)
    flat = rng.random(shape[0]) < 0.2
    dy[flat] = 1.0 + rng.uniform(-1e-6, 1e-6, (int(flat.sum()), shape[1]))
    return dy.astype(dtype)


def both_axes(function, matrix, *more):
    """function along axis -1 of the rows, and along axis 0 of the transpose
    (F-ordered, strided): the two must agree to the bit."""
    last = function(matrix, *more, axis=-1)
    first = function(matrix.T, *(m.T for m in more), axis=0)
    np.testing.assert_array_equal(first.T, last)
    return last


# --- softmax, log_softmax, softmin ------------------------------------------------------


def forward_errors(name: str, f, dtype, matrices_) -> tuple[float, float, float]:
    """(worst relative error where normal (log_softmax: error / max(|y|, 1)),
    worst ULP where normal, worst subnormal units where not) of f."""
    info = np.finfo(dtype)
    worst_rel, worst_ulp, worst_all = 0.0, 0.0, 0.0
    for matrix in matrices_:
        out = both_axes(f, matrix)
        assert out.dtype == dtype and out.shape == matrix.shape
        for z, y in zip(matrix, out):
            exact = exact_forward(name, z)
            if name == "log_softmax":
                with mpmath.workdps(DIGITS):
                    err = [float(abs(mpmath.mpf(float(c)) - t) / max(abs(t), 1)) for c, t in zip(y, exact)
                           if mpmath.isfinite(t) and abs(t) <= info.max]
                worst_rel = max([worst_rel] + err)
                continue
            ulp = ulp_error(y, exact, dtype)
            normal = is_normal(exact, dtype)
            if (~normal).any():
                worst_all = max(worst_all, below_normal(y, exact, normal, dtype))
            if normal.any():
                worst_ulp = max(worst_ulp, float(ulp[normal].max()))
                with mpmath.workdps(DIGITS):
                    rel = [float(abs(mpmath.mpf(float(c)) / t - 1)) for c, t, n in zip(y, exact, normal) if n]
                worst_rel = max([worst_rel] + rel)
    return worst_rel, worst_ulp, worst_all


def vjp_errors(name: str, vjp, dtype, matrices_) -> float:
    """Worst |error| / (size of the terms) of vjp, past the subnormal slack."""
    eta = mpmath.mpf(float(np.finfo(dtype).smallest_subnormal))
    worst = 0.0
    for n, matrix in enumerate(matrices_):
        dy = upstream(matrix.shape, dtype, seed=n)
        out = both_axes(vjp, matrix, dy)
        assert out.dtype == dtype and out.shape == matrix.shape
        for z, g, v in zip(matrix, dy, out):
            exact, scale = exact_vjp(name, z, g)
            with mpmath.workdps(DIGITS):
                size = mpmath.fsum(abs(t) for t in tva._mp(g))
                for c, t, s, gj in zip(v, exact, scale, tva._mp(g)):
                    err = abs(mpmath.mpf(float(c)) - t) - VJP_ETA * eta * (1 + abs(gj) + size)
                    if err > 0:
                        worst = max(worst, float(err / s) if s else float("inf"))
    return worst


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", SOFTMAX_FAMILY)
def test_forward_against_oracle(name, dtype):
    worst_rel, worst_ulp, worst_all = forward_errors(name, getattr(short(name), name), dtype, matrices(dtype))
    kind = "max(|y|, 1)" if name == "log_softmax" else "relative"
    record(f"{name} {np.dtype(dtype).name} error / {kind}", worst_rel)
    if name != "log_softmax":
        record(f"{name} {np.dtype(dtype).name} ULP (normal results)", worst_ulp)
        record(f"{name} {np.dtype(dtype).name} subnormal units (non-normal results)", worst_all)
        assert worst_all <= SUBNORMAL_UNITS
    assert worst_rel <= tolerance(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", SOFTMAX_FAMILY)
def test_vjp_against_oracle(name, dtype):
    worst = vjp_errors(name, getattr(short(name), f"{name}_vjp"), dtype, matrices(dtype))
    record(f"{name}_vjp {np.dtype(dtype).name} error / size of the terms", worst)
    assert worst <= tolerance(dtype)


def test_the_contract_can_fail():
    """A softmax off by 1e-9, a VJP that treats softmax as elementwise
    (dy p (1 - p)), a float64 result from float32, and the textbook
    formula's overflow all fail the checks above."""
    block = short("softmax")
    few = [np.array([[0.5, -1.0, 2.0], [700.0, 0.1, -3.0]])]
    assert forward_errors("softmax", block.softmax, np.float64, few)[0] <= REL64
    off = lambda z, axis=-1: block.softmax(z, axis=axis) * (1 + 1e-9)  # noqa: E731
    assert forward_errors("softmax", off, np.float64, few)[0] > REL64
    elementwise = lambda z, dy, axis=-1: dy * block.softmax(z, axis) * (1 - block.softmax(z, axis))  # noqa: E731
    assert vjp_errors("softmax", block.softmax_vjp, np.float64, few) <= REL64
    assert vjp_errors("softmax", elementwise, np.float64, few) > REL64
    with pytest.raises(AssertionError):
        forward_errors("softmax", lambda z, axis=-1: block.softmax(z.astype(np.float64), axis),
                       np.float32, [few[0].astype(np.float32)])
    naive = load_snippet(ACTIVATIONS / "softmax.py").softmax_naive
    with pytest.raises(RuntimeWarning):
        forward_errors("softmax", naive, np.float64, [np.array([[1000.0, 0.0]])])


def limit_softmax(z) -> list:
    """The limit of softmax(z) as entries go to ±inf, from the definition:
    exp(-inf) / S = 0, so -inf entries get 0 and the rest is the softmax of
    the finite entries; with m entries at +inf, each gets 1/m and the others
    0; a row of only -inf (0/0) or with a NaN has no limit."""
    z = np.asarray(z, dtype=np.float64)
    if np.isnan(z).any() or np.all(z == -np.inf):
        return [mpmath.nan] * z.size
    if (z == np.inf).any():
        top = z == np.inf
        return [mpmath.mpf(1) / int(top.sum()) if t else mpmath.mpf(0) for t in top]
    kept = np.isfinite(z)
    rest = iter(tsm.exact_softmax(z[kept]))
    return [next(rest) if k else mpmath.mpf(0) for k in kept]


LIMIT_ROWS = [
    [np.inf, 0.0, -1.0],
    [np.inf, np.inf, 5.0],
    [np.inf, -np.inf, 1e30],
    [-np.inf, 0.0, 1.0],
    [-np.inf, -np.inf, 3.0],
    [-np.inf, -np.inf, -np.inf],
    [np.nan, 0.0, 1.0],
    [-np.inf, 1e4, -1e4],
]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", SOFTMAX_FAMILY)
def test_limits_at_infinity_and_nan(name, dtype):
    module = short(name)
    matrix = np.array(LIMIT_ROWS, dtype=dtype)
    dy = np.array([[1.0, -2.0, 0.5]] * len(LIMIT_ROWS), dtype=dtype)
    out = both_axes(getattr(module, name), matrix)
    grad = both_axes(getattr(module, f"{name}_vjp"), matrix, dy)
    assert out.dtype == grad.dtype == dtype
    for z, y, g, v in zip(matrix, out, dy, grad):
        p = limit_softmax(-z if name == "softmin" else z)
        with mpmath.workdps(DIGITS):
            gs = tva._mp(g)
            if name == "log_softmax":
                expected = [mpmath.log(t) if t > 0 else (-mpmath.inf if t == 0 else t) for t in p]
                total = mpmath.fsum(gs)
                vjp = [gj - t * total for gj, t in zip(gs, p)]
            else:
                expected = p
                inner = mpmath.fsum(gj * t for gj, t in zip(gs, p))
                sign = -1 if name == "softmin" else 1
                vjp = [sign * t * (gj - inner) for gj, t in zip(gs, p)]
        assert ulp_error(y, expected, dtype).max() <= ULP32, (z, y)
        assert ulp_error(v, vjp, dtype).max() <= ULP32, (z, v)


# --- glu and swiglu ---------------------------------------------------------------------


def gated_inputs(dtype):
    """(a, b, dy) from tests/test_vector_activations.py: every pair of hard
    points and random pairs over the whole range, with upstream gradients of
    random sign and magnitude from 1e-3 to 1e3."""
    a, b, _ = tva.gated_pairs(dtype)
    rng = np.random.default_rng(3)
    dy = (rng.choice([-1.0, 1.0], a.size) * 10.0 ** rng.uniform(-3, 3, a.size)).astype(dtype)
    return a, b, dy


def gated_error(computed, exact, scale, dtype):
    """(max error / scale where the exact value is normal, max error in
    smallest subnormals where it is not)."""
    normal = is_normal(exact, dtype)
    worst = 0.0
    with mpmath.workdps(DIGITS):
        for c, t, s, n in zip(np.ravel(computed), exact, scale, normal):
            if n:
                worst = max(worst, float(abs(mpmath.mpf(float(c)) - t) / s))
    return worst, below_normal(computed, exact, normal, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", GATED)
def test_gated_against_oracle(name, dtype):
    module = short(name)
    a, b, dy = gated_inputs(dtype)
    # One pair per row: x = [a, b] along the last axis (and axis 0 of x.T).
    x = np.stack([a, b], axis=1)
    y = both_axes(getattr(module, name), x)
    grad = both_axes(getattr(module, f"{name}_vjp"), x, dy[:, None])
    assert y.dtype == grad.dtype == dtype and y.shape == (a.size, 1) and grad.shape == x.shape
    exact_y = tva.exact_gated(name, 0, a, b)
    partial_a, partial_b = tva.exact_gated(name, 1, a, b), tva.exact_gated(name, 2, a, b)
    with mpmath.workdps(DIGITS):
        gs = tva._mp(dy)
        exact_da = [g * d for g, d in zip(gs, partial_a)]
        exact_db = [g * d for g, d in zip(gs, partial_b)]
        if name == "swiglu":
            # dy b sigmoid(a) (1 + a sigmoid(-a)): the terms of the sum, by size.
            sig = [1 / (1 + mpmath.exp(-u)) for u in tva._mp(a)]
            scale_da = [abs(g * v * s) * (1 + abs(u * (1 - s))) for g, v, s, u in zip(gs, tva._mp(b), sig, tva._mp(a))]
        else:
            scale_da = [abs(t) for t in exact_da]
    worst = {}
    for part, computed, exact, scale in (
        ("f", y, exact_y, [abs(t) for t in exact_y]),
        ("vjp a-half", grad[:, 0], exact_da, scale_da),
        ("vjp b-half", grad[:, 1], exact_db, [abs(t) for t in exact_db]),
    ):
        rel, sub = gated_error(computed, exact, scale, dtype)
        record(f"{name} {part} {np.dtype(dtype).name} error / scale", rel)
        record(f"{name} {part} {np.dtype(dtype).name} subnormal units (non-normal results)", sub)
        worst[part] = (rel, sub)
    for part, (rel, sub) in worst.items():
        assert rel <= tolerance(dtype), part
        assert sub <= SUBNORMAL_UNITS, part


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", GATED)
def test_gated_batches_and_axes(name, dtype):
    """A batch of 3-wide halves along axis -1, and the same along axis 0:
    each entry equals the one-pair result (the halves are paired by place)."""
    module = short(name)
    rng = np.random.default_rng(5)
    x = (rng.normal(0, 3, (4, 6))).astype(dtype)
    dy = rng.normal(0, 1, (4, 3)).astype(dtype)
    y = both_axes(getattr(module, name), x)
    grad = both_axes(getattr(module, f"{name}_vjp"), x, dy)
    assert y.shape == dy.shape and grad.shape == x.shape and y.dtype == grad.dtype == dtype
    for i in range(4):
        for k in range(3):
            pair = np.array([[x[i, k], x[i, k + 3]]], dtype=dtype)
            one = getattr(module, f"{name}_vjp")(pair, dy[i : i + 1, k : k + 1])
            assert getattr(module, name)(pair)[0, 0] == y[i, k]
            assert (one[0, 0], one[0, 1]) == (grad[i, k], grad[i, k + 3])


GATED_SPECIAL = [np.inf, -np.inf, np.nan, 0.0, 2.0, -2.0, 1e4, -1e4]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", GATED)
def test_gated_limits_and_nan(name, dtype):
    """At ±inf the definition evaluated in extended arithmetic where it has a
    value (mpmath: inf * sigmoid(2) = inf, 2 * sigmoid(-inf) = 0); a NaN
    gives NaN in every output that depends on it."""
    module = short(name)
    a, b = (v.ravel().astype(dtype) for v in np.meshgrid(GATED_SPECIAL, GATED_SPECIAL))
    x = np.stack([a, b], axis=1)
    dy = np.ones((a.size, 1), dtype=dtype)
    y = both_axes(getattr(module, name), x)[:, 0]
    grad = both_axes(getattr(module, f"{name}_vjp"), x, dy)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    assert np.isnan(y[nan_a | nan_b]).all()
    # glu's dy/da = sigmoid(b) needs no a; swiglu's dy/db = silu(a) needs no b.
    assert np.isnan(grad[nan_b, 0]).all() and np.isnan(grad[nan_a, 1]).all()
    assert np.isnan(grad[nan_a, 0] if name == "swiglu" else grad[nan_b, 1]).all()
    checked = 0
    with mpmath.workdps(DIGITS):
        sig = lambda u: 1 / (1 + mpmath.exp(-u))  # noqa: E731
        for u, v, out in zip(tva._mp(a), tva._mp(b), y):
            if mpmath.isnan(u) or mpmath.isnan(v):
                continue
            exact = u * sig(v) if name == "glu" else u * sig(u) * v
            # Where the limit along one axis exists but the product form has
            # none (silu(-inf) * b: -inf * 0), take the limit: 0.
            if name == "swiglu" and u == -mpmath.inf and mpmath.isfinite(v):
                exact = mpmath.mpf(0)
            if not mpmath.isnan(exact):
                assert ulp_error([out], [exact], dtype)[0] <= ULP32, (u, v, out, exact)
                checked += 1
    assert checked > len(GATED_SPECIAL) ** 2 // 2


@pytest.mark.parametrize("name", SOFTMAX_FAMILY + GATED)
def test_float32_stays_float32_for_scalar_like_and_lists(name):
    module = short(name)
    z = np.array([[0.5, -1.0, 2.0, 3.0]], dtype=np.float32)
    assert getattr(module, name)(z).dtype == np.float32
    dy = np.ones_like(getattr(module, name)(z))
    assert getattr(module, f"{name}_vjp")(z, dy).dtype == np.float32
    # A list of Python floats is float64, as NumPy reads it.
    assert getattr(module, name)([[0.5, -1.0, 2.0, 3.0]]).dtype == np.float64
