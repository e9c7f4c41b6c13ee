"""snippets/network/weight_decay.py: the L2 penalty's gradient in a dense layer against
central differences, the weight-decay form of the update against the L2 form, and
adam_step (L2 or decoupled) against closed forms of its first step and of its decay
of a weight that gets no gradient from the data."""

from __future__ import annotations

import numpy as np
import pytest

from sitekit.catalogue import ROOT, load_snippet

decay = load_snippet(ROOT / "snippets" / "network" / "weight_decay.py")

EPS = np.finfo(np.float64).eps
# The regularised loss is linear in X and b and quadratic in W, so central differences
# have no truncation error; what is left is rounding, about eps * |terms| / h ≈ 1e-9
# relative with h = 1e-6. A wrong formula is off by O(λ) or O(1).
FD_TOLERANCE = 1e-7


def _central_differences(loss, array, step=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + step
        up = loss()
        array[index] = original - step
        down = loss()
        array[index] = original
        grad[index] = (up - down) / (2 * step)
    return grad


def _relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))


@pytest.mark.parametrize("N, J, K", [(1, 1, 1), (5, 4, 3), (2, 7, 1), (8, 3, 6)])
@pytest.mark.parametrize("lam", [0.0, 0.1, 3.0])
def test_dense_backward_l2_matches_central_differences(N, J, K, lam):
    rng = np.random.default_rng(N * 100 + J * 10 + K)
    X, W, b, G = rng.normal(size=(N, J)), rng.normal(size=(J, K)), rng.normal(size=K), rng.normal(size=(N, K))

    def loss():
        return np.sum(G * (X @ W + b)) + decay.l2_penalty(W, lam)

    dX, dW, db = decay.dense_backward_l2(G, X, W, lam)
    for analytic, array in [(dX, X), (dW, W), (db, b)]:
        assert analytic.shape == array.shape
        assert _relative_error(analytic, _central_differences(loss, array)) < FD_TOLERANCE
    if lam > 0:
        # The same comparison catches a gradient that forgets the penalty.
        assert _relative_error(X.T @ G, _central_differences(loss, W)) > 1e3 * FD_TOLERANCE


@pytest.mark.parametrize("lam", [0.01, 1.0, 7.5])
def test_l2_penalty_gradient_is_lambda_w(lam):
    W = np.random.default_rng(5).normal(size=(4, 3))
    numeric = _central_differences(lambda: decay.l2_penalty(W, lam), W)
    assert _relative_error(lam * W, numeric) < FD_TOLERANCE
    assert decay.l2_penalty(W, lam) == pytest.approx(0.5 * lam * sum(w * w for w in W.ravel()), rel=16 * EPS)


def test_the_bias_gradient_does_not_depend_on_lambda():
    rng = np.random.default_rng(6)
    X, W, G = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    _, _, db_free = decay.dense_backward_l2(G, X, W, 0.0)
    _, _, db_decayed = decay.dense_backward_l2(G, X, W, 5.0)
    np.testing.assert_array_equal(db_free, db_decayed)


@pytest.mark.parametrize("lr, lam", [(0.1, 0.1), (1e-3, 1e-4), (0.5, 1.9)])
def test_weight_decay_step_is_the_l2_step(lr, lam):
    rng = np.random.default_rng(8)
    W, dW = rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    l2_form = W - lr * (dW + lam * W)
    decay_form = decay.sgd_step_weight_decay(W, dW, lr, lam)
    # Each form rounds a handful of times, each time by at most eps/2 of the terms' size.
    bound = 4 * EPS * (np.abs(W) + lr * np.abs(dW) + lr * lam * np.abs(W))
    assert np.all(np.abs(l2_form - decay_form) <= bound)


@pytest.mark.parametrize("lr, lam, steps", [(0.1, 0.1, 1000), (1e-3, 0.5, 5000)])
def test_steps_without_data_gradient_decay_geometrically(lr, lam, steps):
    W0 = np.random.default_rng(9).normal(size=(3, 4))
    W = W0.copy()
    for _ in range(steps):
        W = decay.sgd_step_weight_decay(W, np.zeros_like(W), lr, lam)
    # Every step rounds once, by at most eps/2 relative.
    np.testing.assert_allclose(W, (1 - lr * lam) ** steps * W0, rtol=steps * EPS, atol=0)


@pytest.mark.parametrize("decoupled", [False, True])
@pytest.mark.parametrize("w0, grad, lam", [(1.5, 0.3, 0.1), (-2.0, -4.0, 0.01), (0.7, 0.0, 1.0)])
def test_adam_first_step_has_its_closed_form(decoupled, w0, grad, lam):
    """From m = v = 0, the bias corrections give m̂ = g and v̂ = g², so the step is lr g / (|g| + eps)."""
    lr, eps = 1e-2, 1e-8
    w, (m, v, t) = decay.adam_step(np.array([w0]), np.array([grad]), (0.0, 0.0, 0), lr, lam, decoupled, eps=eps)
    g = grad if decoupled else grad + lam * w0
    expected = w0 - (lr * lam * w0 if decoupled else 0.0) - lr * g / (abs(g) + eps)
    assert t == 1
    assert abs(w[0] - expected) <= 8 * EPS * (abs(w0) + lr)
    assert abs(m[0] - 0.1 * g) <= 4 * EPS * abs(g)
    assert abs(v[0] - 0.001 * g * g) <= 4 * EPS * g * g


def test_adamw_decays_an_unused_weight_geometrically_and_adam_l2_does_not_see_lambda():
    lr, steps = 1e-3, 500
    after = {}
    for lam in (1e-1, 1e-3):
        for decoupled in (False, True):
            w, state = np.array([1.0]), (0.0, 0.0, 0)
            for _ in range(steps):
                w, state = decay.adam_step(w, np.zeros(1), state, lr, lam, decoupled)
            after[lam, decoupled] = w[0]
        # AdamW: m = v = 0 throughout, so only the decay acts.
        assert after[lam, True] == pytest.approx((1 - lr * lam) ** steps, rel=2 * steps * EPS)
    # Adam with L2: the gradient is lam * w, and Adam's step does not change when every
    # gradient is scaled (up to eps), so lam drops out; the weight moves by nearly lr a step.
    assert abs(after[1e-1, False] - after[1e-3, False]) < 1e-4
    assert 0.5 * lr * steps < 1 - after[1e-1, False] < lr * steps
    assert abs(after[1e-1, True] - after[1e-3, True]) > 0.04
