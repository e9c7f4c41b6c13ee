"""snippets/network/init.py: the initialisation schemes have the variances the
Initialisation page derives, the two steps of the derivation that are probability
(a sum of products, ReLU's half) hold by sampling, deep_backward agrees with central
differences, and the 50-layer network shows what the page says it shows.

Sampling tolerances: the sample mean of n independent draws of q has the standard
deviation sqrt(Var(q) / n); each test allows 6 of them, with Var(q) from the
distribution's moments (or, where none is known in closed form, the sample's own)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sitekit.catalogue import ROOT, load_snippet

init = load_snippet(ROOT / "snippets" / "network" / "init.py")

SIGMAS = 6
SHAPES = [(1000, 1000), (784, 1280), (4096, 256)]


def _within(sample_mean: float, exact: float, relative_sd: float) -> bool:
    return abs(sample_mean - exact) <= SIGMAS * relative_sd * abs(exact)


@pytest.mark.parametrize("shape", SHAPES)
def test_glorot_uniform_stays_within_its_bound_and_has_glorots_variance(shape):
    J, K = shape
    W = init.glorot_uniform(J, K, np.random.default_rng(J + K))
    s, n = math.sqrt(6 / (J + K)), W.size
    assert W.shape == (J, K)
    assert np.abs(W).max() <= s
    # P(max |w| < s (1 - 20/n)) = (1 - 20/n)^n ≈ e^-20: the draw reaches its bound.
    assert np.abs(W).max() >= s * (1 - 20 / n)
    # Uniform on [-s, s]: E[w²] = s²/3, Var(w²) = s⁴/5 - s⁴/9, so Var(w²)/E[w²]² = 4/5.
    relative_sd = math.sqrt(0.8 / n)
    assert SIGMAS * relative_sd < 0.01  # a factor-of-2 slip (1/(J+K), 4/(J+K)) cannot pass
    assert _within(np.mean(W**2), 2 / (J + K), relative_sd)
    assert abs(np.mean(W)) <= SIGMAS * math.sqrt(s**2 / 3 / n)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("scheme, variance", [
    ("glorot_normal", lambda J, K: 2 / (J + K)),
    ("he_normal", lambda J, K: 2 / J),
])
def test_normal_schemes_have_their_variance(shape, scheme, variance):
    J, K = shape
    W = getattr(init, scheme)(J, K, np.random.default_rng(J * K))
    assert W.shape == (J, K)
    # Normal: Var(w²)/E[w²]² = 2.
    assert _within(np.mean(W**2), variance(J, K), math.sqrt(2 / W.size))


def test_a_sum_of_products_has_variance_J_times_var_w_times_mean_square_of_x():
    """z = sum_j w_j x_j with fresh weights per sample, inputs ReLU(normal) (mean not 0):
    Var(z) = J * (2/J) * E[ReLU(u)²] = 2 * 1/2 = 1, and not J * Var(w) * Var(x)."""
    rng = np.random.default_rng(7)
    n, J = 200_000, 64
    X = np.maximum(rng.normal(size=(n, J)), 0.0)
    W = rng.normal(0.0, math.sqrt(2 / J), size=(n, J))
    z = np.einsum("nj,nj->n", X, W)
    kurtosis = np.mean(z**4) / np.mean(z**2) ** 2
    assert _within(np.mean(z**2), 1.0, math.sqrt((kurtosis - 1) / n))
    var_x = 0.5 - 1 / (2 * math.pi)  # Var(ReLU(u)) = 1/2 - (1/sqrt(2 pi))^2
    wrong = J * (2 / J) * var_x
    assert not _within(np.mean(z**2), wrong, math.sqrt((kurtosis - 1) / n))


@pytest.mark.parametrize("name, draw, exact", [
    ("normal", lambda rng, n: rng.normal(size=n), 0.5),
    ("uniform", lambda rng, n: rng.uniform(-1.0, 1.0, size=n), 1 / 6),
])
def test_relu_keeps_half_the_variance_of_a_symmetric_input(name, draw, exact):
    rng = np.random.default_rng(11)
    n = 10**6
    q = np.maximum(draw(rng, n), 0.0) ** 2
    assert _within(q.mean(), exact, q.std() / q.mean() / math.sqrt(n))


def test_relu_does_not_keep_half_the_variance_of_an_asymmetric_input():
    """Exponential(1) - 1 has mean 0 and variance 1, but E[ReLU(z)²] = 2/e, not 1/2."""
    rng = np.random.default_rng(12)
    n = 10**6
    q = np.maximum(rng.exponential(size=n) - 1.0, 0.0) ** 2
    relative_sd = q.std() / q.mean() / math.sqrt(n)
    assert _within(q.mean(), 2 / math.e, relative_sd)
    assert not _within(q.mean(), 0.5, relative_sd)


# --- deep_backward against central differences ---------------------------------------------


def _network_loss(X, weights, G, g):
    _, As = init.deep_forward(X, weights, g)
    return np.sum(G * As[-1])


def _central_differences(X, weights, G, g, step=1e-6):
    grads = []
    for W in weights:
        grad = np.zeros_like(W)
        for index in np.ndindex(W.shape):
            original = W[index]
            W[index] = original + step
            up = _network_loss(X, weights, G, g)
            W[index] = original - step
            down = _network_loss(X, weights, G, g)
            W[index] = original
            grad[index] = (up - down) / (2 * step)
        grads.append(grad)
    return grads


def _relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))


# With a step of 1e-6 in float64, central differences of these O(1) losses are off by about
# h² |L'''| / 6 ≈ 1e-13 (truncation) plus eps |L| / h ≈ 1e-9 (rounding); a wrong formula by O(1).
FD_TOLERANCE = 1e-6


@pytest.mark.parametrize("depth, width, batch", [(1, 3, 2), (3, 4, 5), (5, 2, 1)])
def test_deep_backward_matches_central_differences(depth, width, batch):
    rng = np.random.default_rng(depth * 100 + width)
    X = rng.normal(size=(batch, width))
    weights = [init.glorot_normal(width, width, rng) for _ in range(depth)]
    G = rng.normal(size=(batch, width))
    g, g_grad = init.ACTIVATIONS["tanh"]
    Zs, As = init.deep_forward(X, weights, g)
    analytic = init.deep_backward(G, weights, Zs, As, g_grad)
    numeric = _central_differences(X, weights, G, g)
    assert len(analytic) == depth
    for a, b in zip(analytic, numeric):
        assert a.shape == b.shape
        assert _relative_error(a, b) < FD_TOLERANCE
    # The same comparison catches a backward pass that forgets the activation's slope.
    wrong = init.deep_backward(G, weights, Zs, As, lambda z: np.ones_like(z))
    assert _relative_error(wrong[0], numeric[0]) > 1e3 * FD_TOLERANCE


def test_deep_forward_keeps_every_pre_activation_and_activation():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 3))
    weights = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    Zs, As = init.deep_forward(X, weights, np.tanh)
    assert [Z.shape for Z in Zs] == [(2, 4), (2, 2)]
    assert As[0] is X and len(As) == 3
    np.testing.assert_array_equal(As[2], np.tanh(np.tanh(X @ weights[0]) @ weights[1]))


# --- the 50-layer network of the page --------------------------------------------------------


@pytest.fixture(scope="module")
def profiles():
    return {key: init.depth_profile(*key) for key in [
        ("ReLU", "He"), ("ReLU", "Glorot"), ("ReLU", "std 0.01"), ("ReLU", "std 1"), ("tanh", "std 0.01"),
        ("ReLU", "He, variance 2/J passed as the std"),
    ]}


def test_he_keeps_relu_activations_within_a_factor_of_2_of_the_input(profiles):
    stds, norms = profiles["ReLU", "He"]
    assert len(stds) == 51 and len(norms) == 50
    assert all(0.5 <= s / stds[0] <= 2 for s in stds)
    # and the first layer's gradient is of the size of the last layer's
    assert 0.25 <= norms[0] / norms[-1] <= 4


@pytest.mark.parametrize("activation", ["ReLU", "tanh"])
def test_weights_of_std_0_01_make_activations_and_gradients_vanish(profiles, activation):
    stds, norms = profiles[activation, "std 0.01"]
    assert stds[-1] < 1e-10 * stds[0]
    assert norms[0] < 1e-10


def test_weights_of_std_1_make_relu_explode(profiles):
    stds, norms = profiles["ReLU", "std 1"]
    assert stds[-1] > 1e10 * stds[0]
    assert norms[0] > 1e10


def test_glorot_on_relu_loses_a_factor_of_sqrt_2_per_layer(profiles):
    stds, _ = profiles["ReLU", "Glorot"]
    per_layer = (stds[50] / stds[10]) ** (1 / 40)
    assert abs(per_layer - 2**-0.5) < 0.02
    assert stds[-1] < 1e-6 * stds[0]


def test_the_variance_passed_as_the_std_vanishes(profiles):
    stds, _ = profiles["ReLU", "He, variance 2/J passed as the std"]
    assert stds[-1] < 1e-10 * stds[0]
