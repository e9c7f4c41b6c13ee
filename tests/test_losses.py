"""The losses and their gradients: against finite differences, against the
definitions evaluated by mpmath at 50 digits, at logits of +-1e4, and on bad shapes.

Oracles: central differences (float64) for the gradients; for the values, each
loss written from its definition (sigmoid, softmax, log) in mpmath, which has
no overflow and no rounding to speak of. Nothing here reuses the snippets' formulas.
"""

from __future__ import annotations

import re
from pathlib import Path

import mpmath
import numpy as np
import pytest

from finite_differences import numerical_gradient, relative_error, rng_for
from sitekit.catalogue import load_snippet

ROOT = Path(__file__).resolve().parent.parent
mse = load_snippet(ROOT / "snippets" / "losses" / "mse.py")
bce = load_snippet(ROOT / "snippets" / "losses" / "bce_with_logits.py")
ce = load_snippet(ROOT / "snippets" / "losses" / "softmax_cross_entropy.py")

STEP = 1e-5
BOUND = 1e-7
EPS = np.finfo(np.float64).eps
# Where the exact value is below every float, the right answer is 0 (or a subnormal).
TINY = np.finfo(np.float64).smallest_normal
DIGITS = 50


def close_to_exact(computed, exact, ulps) -> bool:
    """|computed - exact| <= ulps * eps * |exact|, or both below the smallest normal."""
    with mpmath.workdps(DIGITS):
        error = abs(mpmath.mpf(float(computed)) - exact)
        return bool(error <= ulps * EPS * abs(exact) or error < TINY)


# --- the oracle ---------------------------------------------------------------------


def _mp(x):
    return mpmath.mpf(float(x))


def exact_sse_half(Y, T):
    with mpmath.workdps(DIGITS):
        return mpmath.fsum((_mp(y) - _mp(t)) ** 2 for y, t in zip(np.ravel(Y), np.ravel(T))) / 2


def exact_mse(Y, T):
    with mpmath.workdps(DIGITS):
        return mpmath.fsum((_mp(y) - _mp(t)) ** 2 for y, t in zip(np.ravel(Y), np.ravel(T))) / np.size(Y)


def _sigmoid_mp(z):
    return 1 / (1 + mpmath.exp(-z))


def exact_bce(Z, T):
    """mean of -[t log sigma(z) + (1 - t) log(1 - sigma(z))], at 50 digits."""
    with mpmath.workdps(DIGITS):
        terms = []
        for z, t in zip(np.ravel(Z), np.ravel(T)):
            z, t = _mp(z), _mp(t)
            # 1 - sigma(z) is written sigma(-z): at 50 digits 1 - sigma(1e4) is 0,
            # while sigma(-1e4) = 1 / (1 + e^1e4) is a number mpmath holds.
            terms.append(-(t * mpmath.log(_sigmoid_mp(z)) + (1 - t) * mpmath.log(_sigmoid_mp(-z))))
        return mpmath.fsum(terms) / len(terms)


def exact_bce_grad(Z, T):
    with mpmath.workdps(DIGITS):
        size = np.size(Z)
        return [(_sigmoid_mp(_mp(z)) - _mp(t)) / size for z, t in zip(np.ravel(Z), np.ravel(T))]


def _log_softmax_mp(row):
    total = mpmath.fsum(mpmath.exp(_mp(z)) for z in row)
    return [_mp(z) - mpmath.log(total) for z in row]


def exact_softmax_ce(Z, T):
    """mean over rows of -sum_k t_k log(e^{z_k} / sum_j e^{z_j}), at 50 digits."""
    with mpmath.workdps(DIGITS):
        rows = [-mpmath.fsum(_mp(t) * lp for t, lp in zip(t_row, _log_softmax_mp(z_row))) for z_row, t_row in zip(Z, T)]
        return mpmath.fsum(rows) / len(rows)


def exact_softmax_ce_grad(Z, T):
    with mpmath.workdps(DIGITS):
        return [
            [(mpmath.exp(lp) - _mp(t)) / len(Z) for t, lp in zip(t_row, _log_softmax_mp(z_row))]
            for z_row, t_row in zip(Z, T)
        ]


# --- gradients against finite differences --------------------------------------------------

SHAPES = [(1, 1), (1, 4), (5, 3), (3, 7)]


@pytest.mark.parametrize("name", ["sse_half", "mse"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_squared_error_grad_matches_finite_differences(name, shape):
    loss, loss_grad = getattr(mse, name), getattr(mse, f"{name}_grad")
    rng = rng_for(name, shape)
    Y, T = rng.normal(size=shape), rng.normal(size=shape)
    numeric = numerical_gradient(lambda: loss(Y, T), Y)
    assert relative_error(loss_grad(Y, T), numeric) < BOUND


@pytest.mark.parametrize("targets", ["hard", "soft"])
@pytest.mark.parametrize("shape", SHAPES + [(6,)], ids=str)
def test_bce_grad_matches_finite_differences(shape, targets):
    rng = rng_for("bce", shape, targets)
    Z = rng.normal(scale=3, size=shape)
    T = rng.integers(2, size=shape).astype(float) if targets == "hard" else rng.uniform(size=shape)
    numeric = numerical_gradient(lambda: bce.bce_with_logits(Z, T), Z)
    assert relative_error(bce.bce_with_logits_grad(Z, T), numeric) < BOUND


def _targets(kind, N, K, rng):
    labels = rng.integers(K, size=N)
    if kind == "labels":
        return labels
    if kind == "one-hot":
        return np.eye(K)[labels]
    return rng.dirichlet(np.ones(K), size=N)


@pytest.mark.parametrize("targets", ["labels", "one-hot", "probabilities"])
@pytest.mark.parametrize("shape", [(1, 2), (1, 4), (5, 3), (3, 7)], ids=str)
def test_softmax_ce_grad_matches_finite_differences(shape, targets):
    rng = rng_for("ce", shape, targets)
    Z = rng.normal(scale=3, size=shape)
    T = _targets(targets, *shape, rng)
    numeric = numerical_gradient(lambda: ce.softmax_cross_entropy(Z, T), Z)
    assert relative_error(ce.softmax_cross_entropy_grad(Z, T), numeric) < BOUND


def test_squared_error_conventions_differ_by_the_factor_they_document():
    """sse_half's gradient is Y - T; mse's is 2 (Y - T) / Y.size: not interchangeable."""
    rng = np.random.default_rng(5)
    Y, T = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert np.array_equal(mse.sse_half_grad(Y, T), Y - T)
    assert relative_error(mse.mse_grad(Y, T), mse.sse_half_grad(Y, T) * 2 / 12) < 1e-15
    assert relative_error(mse.mse(Y, T), mse.sse_half(Y, T) * 2 / 12) < 1e-15


def test_integer_labels_are_the_one_hot_rows():
    rng = np.random.default_rng(11)
    Z = rng.normal(size=(6, 4))
    labels = np.array([0, 3, 1, 1, 2, 0])
    one_hot = np.eye(4)[labels]
    assert ce.softmax_cross_entropy(Z, labels) == ce.softmax_cross_entropy(Z, one_hot)
    assert np.array_equal(ce.softmax_cross_entropy_grad(Z, labels), ce.softmax_cross_entropy_grad(Z, one_hot))


# --- values against the definition at 50 digits ---------------------------------------------

# (z, t) pairs: the saturated ends, exactly 0, a target just below 1 (where
# max(z, 0) - z t cancels), and ordinary points.
BCE_POINTS = [
    (0.0, 0.0), (0.0, 1.0), (0.0, 0.5),
    (1e4, 1.0), (1e4, 0.0), (-1e4, 1.0), (-1e4, 0.0), (1e4, 0.3), (-1e4, 0.7),
    (40.0, 1.0), (-40.0, 0.0), (745.0, 1.0), (-709.0, 0.25),
    (20.0, 0.9999999), (-20.0, 1e-7),
    (3.5, 0.3), (-2.25, 0.8), (0.125, 1.0), (-1e-300, 0.0),
]


@pytest.mark.parametrize("z, t", BCE_POINTS, ids=str)
def test_bce_value_against_the_definition(z, t):
    computed = bce.bce_with_logits([z], [t])
    assert close_to_exact(computed, exact_bce([z], [t]), ulps=4), (computed, exact_bce([z], [t]))


@pytest.mark.parametrize("z, t", BCE_POINTS, ids=str)
def test_bce_grad_against_the_definition(z, t):
    computed = bce.bce_with_logits_grad([z], [t])[0]
    exact = exact_bce_grad([z], [t])[0]
    assert close_to_exact(computed, exact, ulps=4), (computed, exact)


def test_bce_mean_of_a_mixed_batch_against_the_definition():
    Z = np.array([[z for z, _ in BCE_POINTS]]).reshape(1, -1)
    T = np.array([[t for _, t in BCE_POINTS]]).reshape(1, -1)
    assert close_to_exact(bce.bce_with_logits(Z, T), exact_bce(Z, T), ulps=8)
    exact_grad = np.array([float(g) for g in exact_bce_grad(Z, T)]).reshape(Z.shape)
    assert relative_error(bce.bce_with_logits_grad(Z, T), exact_grad) < 4 * EPS


# (logits row, target row): saturated rows, ties, a dominant class whose loss
# is below eps (log1p territory), soft targets.
CE_POINTS = [
    ([1e4, -1e4, 0.0], [1.0, 0.0, 0.0]),
    ([1e4, -1e4, 0.0], [0.0, 1.0, 0.0]),
    ([1e4, -1e4, 0.0], [0.0, 0.0, 1.0]),
    ([-1e4, 1e4], [1.0, 0.0]),
    ([1e4, 1e4 - 1], [0.0, 1.0]),
    ([0.0, 0.0, 0.0], [0.0, 1.0, 0.0]),
    ([40.0, 0.0], [1.0, 0.0]),
    ([40.0, 0.0, -3.0], [0.0, 0.5, 0.5]),
    ([745.0, 0.0, 2.0], [1.0, 0.0, 0.0]),
    ([3.0, -1.5, 0.25, 2.0], [0.1, 0.2, 0.3, 0.4]),
    ([-2.0, 7.5, 7.5, 1.0], [0.0, 1.0, 0.0, 0.0]),
    ([-2.0, 7.5, 7.5, 1.0], [0.0, 0.0, 1.0, 0.0]),
]


@pytest.mark.parametrize("z, t", CE_POINTS, ids=str)
def test_softmax_ce_value_against_the_definition(z, t):
    computed = ce.softmax_cross_entropy([z], [t])
    exact = exact_softmax_ce([z], [t])
    assert close_to_exact(computed, exact, ulps=4), (computed, exact)


@pytest.mark.parametrize("z, t", CE_POINTS, ids=str)
def test_softmax_ce_grad_against_the_definition(z, t):
    computed = ce.softmax_cross_entropy_grad([z], [t])[0]
    exact = exact_softmax_ce_grad([z], [t])[0]
    for c, e in zip(computed, exact):
        assert close_to_exact(c, e, ulps=4), (computed, exact)


@pytest.mark.parametrize("shape", [(3, 4), (2, 9)], ids=str)
def test_softmax_ce_grad_with_soft_targets_against_the_definition(shape):
    """Where p_k is near t_k the difference cancels: that loss is in the problem.
    The bound is then the one for a difference, a few eps times (p_k + t_k) / N."""
    N, K = shape
    rng = rng_for("soft", shape)
    Z = rng.normal(scale=4, size=shape)
    # Targets equal to a softmax of nearby logits, so that p - t is small.
    nearby = np.exp(Z + rng.normal(scale=1e-3, size=shape))
    T = nearby / nearby.sum(axis=1, keepdims=True)
    computed = ce.softmax_cross_entropy_grad(Z, T)
    with mpmath.workdps(DIGITS):
        exact = exact_softmax_ce_grad(Z, T)
        p = [[mpmath.exp(lp) for lp in _log_softmax_mp(row)] for row in Z]
        for n, k in np.ndindex(shape):
            bound = 4 * EPS * (p[n][k] + T[n, k]) / N
            assert abs(mpmath.mpf(float(computed[n, k])) - exact[n][k]) <= bound, (n, k)


def test_softmax_ce_mean_of_a_mixed_batch_against_the_definition():
    rows = [(z, t) for z, t in CE_POINTS if len(z) == 3]
    Z, T = np.array([z for z, _ in rows]), np.array([t for _, t in rows])
    assert close_to_exact(ce.softmax_cross_entropy(Z, T), exact_softmax_ce(Z, T), ulps=16)
    exact_grad = np.array([[float(g) for g in row] for row in exact_softmax_ce_grad(Z, T)])
    assert relative_error(ce.softmax_cross_entropy_grad(Z, T), exact_grad) < 8 * EPS


@pytest.mark.parametrize("name", ["sse_half", "mse"])
def test_squared_error_value_against_the_definition(name):
    Y = np.array([[1e4, -3.5, 0.1], [2.0, 7.25, -1e-3]])
    T = np.array([[0.1, 2.0, 0.3], [-2.0, 7.0, 1e-3]])
    exact = exact_sse_half(Y, T) if name == "sse_half" else exact_mse(Y, T)
    assert close_to_exact(getattr(mse, name)(Y, T), exact, ulps=4)


# --- large logits: finite, no warnings; the naive forms fail there --------------------------


def _large_logits(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.choice([-1e4, 1e4, 0.0, 3.7, -2.2, 1e4 - 0.5], size=shape)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_is_finite_at_large_logits(dtype):
    Z = _large_logits((8, 5), 1).astype(dtype)
    T = np.random.default_rng(2).integers(2, size=Z.shape)
    # pytest.ini turns any warning into an error: a silent pass means none.
    assert np.isfinite(bce.bce_with_logits(Z, T))
    assert np.all(np.isfinite(bce.bce_with_logits_grad(Z, T)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("targets", ["labels", "probabilities"])
def test_softmax_ce_is_finite_at_large_logits(dtype, targets):
    Z = _large_logits((8, 5), 3).astype(dtype)
    T = _targets(targets, 8, 5, np.random.default_rng(4))
    assert np.isfinite(ce.softmax_cross_entropy(Z, T))
    assert np.all(np.isfinite(ce.softmax_cross_entropy_grad(Z, T)))


@pytest.mark.parametrize("z", [1e4, -1e4])
def test_naive_bce_fails_at_large_logits(z):
    """The page's naive-vs-stable demo relies on this failure being real."""
    with pytest.warns(RuntimeWarning):
        naive = bce.bce_with_logits_naive([z, z], [0.0, 1.0])
    assert not np.isfinite(naive)
    assert np.isfinite(bce.bce_with_logits([z, z], [0.0, 1.0]))


def test_naive_softmax_ce_fails_at_large_logits():
    Z, T = [[1e4, -1e4, 0.0]], [[1.0, 0.0, 0.0]]
    with pytest.warns(RuntimeWarning):
        naive = ce.softmax_cross_entropy_naive(Z, T)
    assert not np.isfinite(naive)
    assert np.isfinite(ce.softmax_cross_entropy(Z, T))


def test_naive_forms_agree_where_they_work():
    rng = np.random.default_rng(8)
    Z, T = rng.normal(size=(4, 3)), rng.dirichlet(np.ones(3), size=4)
    assert relative_error(ce.softmax_cross_entropy_naive(Z, T), ce.softmax_cross_entropy(Z, T)) < 1e-14
    assert relative_error(bce.bce_with_logits_naive(Z, T), bce.bce_with_logits(Z, T)) < 1e-14


# --- shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sse_half", "mse", "sse_half_grad", "mse_grad"])
@pytest.mark.parametrize(
    "Y_shape, T_shape, message",
    [
        ((3, 2), (2, 3), "T must have shape (3, 2) like Y, got (2, 3)"),
        ((3, 1), (3,), "T must have shape (3, 1) like Y, got (3,)"),
        ((0, 2), (0, 2), "Y is empty"),
    ],
)
def test_squared_error_rejects_bad_shapes(name, Y_shape, T_shape, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(mse, name)(np.zeros(Y_shape), np.zeros(T_shape))


@pytest.mark.parametrize("name", ["bce_with_logits", "bce_with_logits_grad"])
@pytest.mark.parametrize(
    "Z_shape, T_shape, message",
    [
        ((4, 1), (4,), "T must have shape (4, 1) like Z, got (4,)"),
        ((4,), (1, 4), "T must have shape (4,) like Z, got (1, 4)"),
        ((0,), (0,), "Z is empty"),
    ],
)
def test_bce_rejects_bad_shapes(name, Z_shape, T_shape, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(bce, name)(np.zeros(Z_shape), np.zeros(T_shape))


@pytest.mark.parametrize("name", ["softmax_cross_entropy", "softmax_cross_entropy_grad"])
@pytest.mark.parametrize(
    "Z, T, message",
    [
        (np.zeros(5), np.eye(5)[0], "Z must have shape (N, K), one row of K logits per example, got (5,)"),
        (np.zeros((0, 5)), np.zeros(0, dtype=int), "Z must have shape (N, K)"),
        (np.zeros((3, 5)), np.eye(4)[:3], "T must have shape (3, 5) like Z (one-hot or probabilities) or (3,)"),
        (np.zeros((3, 5)), np.eye(5), "T must have shape (3, 5) like Z"),
        (np.zeros((3, 5)), np.array([0.0, 1.0, 2.0]), "T of shape (3,) must hold integer class labels"),
        (np.zeros((3, 5)), np.array([0, 5, 1]), "class labels must lie in 0..4"),
        (np.zeros((3, 5)), np.array([0, -1, 1]), "class labels must lie in 0..4"),
        (np.zeros((2, 3)), np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), "row 0 sums to 2.0"),
        (np.zeros((2, 3)), np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.1]]), "each row of T must sum to 1"),
        (np.zeros((1, 2)), np.array([[0.5, 0.502]]), "row 0 sums to 1.002"),
    ],
)
def test_softmax_ce_rejects_bad_shapes_and_targets(name, Z, T, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(ce, name)(Z, T)


# --- dtypes ----------------------------------------------------------------------------------


def test_losses_keep_float32():
    rng = np.random.default_rng(9)
    Z = rng.normal(size=(4, 3)).astype(np.float32)
    soft = rng.dirichlet(np.ones(3), size=4).astype(np.float32)
    cases = [
        (mse.sse_half, mse.sse_half_grad, soft),
        (mse.mse, mse.mse_grad, soft),
        (bce.bce_with_logits, bce.bce_with_logits_grad, soft),
        # 0/1 integer targets take the logits' dtype.
        (bce.bce_with_logits, bce.bce_with_logits_grad, rng.integers(2, size=(4, 3))),
        (ce.softmax_cross_entropy, ce.softmax_cross_entropy_grad, soft),
        (ce.softmax_cross_entropy, ce.softmax_cross_entropy_grad, np.array([2, 0, 1, 1])),
    ]
    for loss, loss_grad, T in cases:
        assert loss(Z, T).dtype == np.float32, loss.__name__
        assert loss_grad(Z, T).dtype == np.float32, loss_grad.__name__
        # float32 results close to the float64 ones: the dtype is kept, not the
        # float64 answer rounded, and not a lost one.
        reference = loss_grad(Z.astype(np.float64), T.astype(np.float64) if T.ndim == 2 else T)
        assert relative_error(loss_grad(Z, T), reference) < 1e-6, loss_grad.__name__
