"""The framework-layout page (docs/backprop/frameworks.md): PyTorch's (out, in)
weight, loading between layouts, the mean reduction, and what a layer keeps
for its backward pass.

Oracles: JAX's automatic differentiation (jax.grad, float64), which shares no
code or formula with the snippets; central finite differences in float64;
our dense layer with the weight transposed; and the activation snippets'
derivatives of the input (tested against mpmath by test_activations.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from finite_differences import numerical_gradient, relative_error, rng_for
from sitekit.catalogue import load_snippet, snippet

jax.config.update("jax_enable_x64", True)

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "snippets" / "layers"
dense = load_snippet(LAYERS / "dense.py")
activation = load_snippet(LAYERS / "activation.py")
torch_layout = load_snippet(LAYERS / "linear_torch.py")
saved = load_snippet(LAYERS / "saved_for_backward.py")

EPS = np.finfo(np.float64).eps
# Central differences in float64: truncation O(h^2) and rounding O(eps / h)
# are both near 1e-10 at h = 1e-5, far below the bound.
STEP = 1e-5
BOUND = 1e-7

# (N, n_in, n_out): a batch of one, square weights (where a missing transpose
# would run) and no two sizes alike (where it fails).
SHAPES = [(1, 1, 1), (1, 3, 2), (2, 1, 4), (5, 4, 3), (4, 3, 3), (3, 7, 2)]


def within_dot_product_rounding(a, b, terms, scale):
    """|a - b| <= 2 n eps (|A| |B|): both sides sum the same n products, in
    orders that may differ; `scale` is the matching product of absolute values."""
    return np.all(np.abs(a - b) <= 2 * terms * EPS * scale)


def torch_case(shape):
    N, n_in, n_out = shape
    rng = rng_for("torch", shape)
    X, V, b = rng.normal(size=(N, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)
    return X, V, b, rng.normal(size=(N, n_out))


# --- PyTorch's layout ------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_torch_layout_is_our_layer_transposed(shape):
    X, V, b, G = torch_case(shape)
    N, n_in, n_out = shape
    Y, cache = torch_layout.linear_torch_forward(X, V, b)
    dX, dV, db = torch_layout.linear_torch_backward(G, cache)
    Y_ours, cache_ours = dense.dense_forward(X, np.ascontiguousarray(V.T), b)
    dX_ours, dW_ours, db_ours = dense.dense_backward(G, cache_ours)
    assert (dX.shape, dV.shape, db.shape) == (X.shape, V.shape, b.shape)
    assert within_dot_product_rounding(Y, Y_ours, n_in + 1, np.abs(X) @ np.abs(V.T) + np.abs(b))
    assert within_dot_product_rounding(dX, dX_ours, n_out, np.abs(G) @ np.abs(V))
    # dL/dV is dL/dW transposed, entry for entry.
    assert within_dot_product_rounding(dV, dW_ours.T, N, np.abs(G.T) @ np.abs(X))
    assert within_dot_product_rounding(db, db_ours, N, np.abs(G).sum(axis=0))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_torch_layout_backward_matches_finite_differences(shape):
    X, V, b, G = torch_case(shape)

    def loss():
        return np.sum(G * torch_layout.linear_torch_forward(X, V, b)[0])

    _, cache = torch_layout.linear_torch_forward(X, V, b)
    dX, dV, db = torch_layout.linear_torch_backward(G, cache)
    assert relative_error(dX, numerical_gradient(loss, X)) < BOUND
    assert relative_error(dV, numerical_gradient(loss, V)) < BOUND
    assert relative_error(db, numerical_gradient(loss, b)) < BOUND


# jax.grad and the snippets round the same forward pass differently; tanh's
# slope and the cancellation in tanh(Y) - T amplify that to 70 eps in these
# cases. A wrong formula is off by O(1).
JAX_BOUND = 1024 * EPS


def _tanh_squared_error(Y, T):
    return 0.5 * jnp.sum((jnp.tanh(Y) - T) ** 2)


# jax.grad of each layout, compiled once per shape (eagerly, every primitive
# of the forward and of the pullback is compiled on its own for each shape).
_torch_layout_grads = jax.jit(jax.grad(lambda X, V, b, T: _tanh_squared_error(X @ V.T + b, T), argnums=(0, 1, 2)))
_flax_layout_grads = jax.jit(jax.grad(lambda X, kernel, b, T: _tanh_squared_error(X @ kernel + b, T), argnums=(0, 1, 2)))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_torch_layout_backward_matches_jax_grad(shape):
    X, V, b, _ = torch_case(shape)
    T = rng_for("targets", shape).normal(size=(shape[0], shape[2]))
    expected = _torch_layout_grads(X, V, b, T)
    Y, cache = torch_layout.linear_torch_forward(X, V, b)
    A = np.tanh(Y)
    for ours, theirs in zip(torch_layout.linear_torch_backward((A - T) * (1 - A**2), cache), expected):
        assert relative_error(ours, np.asarray(theirs)) < JAX_BOUND


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_dense_backward_matches_jax_grad_in_flax_layout(shape):
    """A Flax kernel is (in, out): jax.grad of `X @ kernel + b` is our dW, not transposed."""
    N, n_in, n_out = shape
    rng = rng_for("flax", shape)
    X, kernel, b = rng.normal(size=(N, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    T = rng.normal(size=(N, n_out))
    expected = _flax_layout_grads(X, kernel, b, T)
    Y, cache = dense.dense_forward(X, kernel, b)
    A = np.tanh(Y)
    for ours, theirs in zip(dense.dense_backward((A - T) * (1 - A**2), cache), expected):
        assert ours.shape == theirs.shape
        assert relative_error(ours, np.asarray(theirs)) < JAX_BOUND


def test_a_torch_weight_in_our_layout_is_refused():
    X, V, b, _ = torch_case((5, 4, 3))
    with pytest.raises(ValueError, match="need X"):
        torch_layout.linear_torch_forward(X, V.T, b)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_conversions_keep_the_layer_and_go_back_exactly(shape):
    X, V, b, _ = torch_case(shape)
    W, b_ours = torch_layout.dense_from_torch(V, b)
    assert W.shape == (shape[1], shape[2]) and W.flags.c_contiguous
    Y_torch = torch_layout.linear_torch_forward(X, V, b)[0]
    Y_ours = dense.dense_forward(X, W, b_ours)[0]
    assert within_dot_product_rounding(Y_ours, Y_torch, shape[1] + 1, np.abs(X) @ np.abs(W) + np.abs(b))
    V_back, b_back = torch_layout.torch_from_dense(W, b_ours)
    assert np.array_equal(V_back, V) and np.array_equal(b_back, b)
    # Copies, not views: a later in-place update of one layout leaves the other alone.
    assert not np.shares_memory(W, V) and not np.shares_memory(b_ours, b)


def test_reshape_is_not_a_transpose():
    """The page's second mistake: V.reshape(in, out) runs and gives other outputs."""
    X, V, b, _ = torch_case((6, 4, 3))
    Y_torch = torch_layout.linear_torch_forward(X, V, b)[0]
    Y_reshaped = dense.dense_forward(X, V.reshape(4, 3), b)[0]
    assert relative_error(Y_reshaped, Y_torch) > 0.1


# --- mean over the batch -----------------------------------------------------------


@pytest.mark.parametrize("N", [1, 8, 64])
def test_mean_reduction_divides_every_gradient_by_n(N):
    rng = rng_for("mean", N)
    X, W, b, T = rng.normal(size=(N, 4)), rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(N, 3))

    def mean_loss():
        return 0.5 * np.sum((X @ W + b - T) ** 2) / N

    Y, cache = dense.dense_forward(X, W, b)
    dX, dW, db = dense.dense_backward(Y - T, cache)  # the half-sum's gradients
    assert relative_error(dW / N, numerical_gradient(mean_loss, W)) < BOUND
    assert relative_error(db / N, numerical_gradient(mean_loss, b)) < BOUND
    assert relative_error(dX / N, numerical_gradient(mean_loss, X)) < BOUND


# --- what a layer keeps ------------------------------------------------------------

SAVED_LAYERS = [
    ("sigmoid", saved.sigmoid_layer_forward, saved.sigmoid_layer_backward),
    ("tanh", saved.tanh_layer_forward, saved.tanh_layer_backward),
    ("relu", saved.relu_layer_forward, saved.relu_layer_backward),
]


@pytest.mark.parametrize("name, forward, backward", SAVED_LAYERS, ids=[n for n, *_ in SAVED_LAYERS])
def test_backward_from_the_output_matches_finite_differences(name, forward, backward):
    rng = rng_for("saved", name)
    X = rng.uniform(-4, 4, size=(5, 3))
    X[np.abs(X) < 1e-3] = 0.5  # away from ReLU's kink, where a difference straddles it
    G = rng.normal(size=X.shape)
    Y, cache = forward(X)
    assert cache is Y, "the cache is the output itself, no second array"

    def loss():
        return np.sum(G * forward(X)[0])

    assert relative_error(backward(G, cache), numerical_gradient(loss, X)) < BOUND


@pytest.mark.parametrize("name, forward, backward", SAVED_LAYERS, ids=[n for n, *_ in SAVED_LAYERS])
def test_backward_from_the_output_agrees_with_the_derivative_of_the_input(name, forward, backward):
    """Against activation_backward with the activation snippet's f' of the input.
    From the output, 1 - y carries the rounding of y, eps / 2 absolute: relative
    eps / (1 - y), which grows as y nears 1; the bound allows for that."""
    module = snippet(name)
    f, f_grad = getattr(module, name), getattr(module, f"{name}_grad")
    X = np.linspace(-6, 6, 241)
    G = rng_for("agree", name).normal(size=X.shape)
    Y, cache = forward(X)
    assert np.all(np.abs(Y - f(X)) <= 4 * EPS * np.abs(f(X)))
    ours = backward(G, cache)
    reference = activation.activation_backward(G, activation.activation_forward(X, f, f_grad)[1])
    slack = 1 / np.maximum(1 - np.abs(Y), EPS)
    assert np.all(np.abs(ours - reference) <= 8 * EPS * slack * np.abs(reference))


def test_relu_from_the_output_returns_the_frameworks_value_at_the_kink():
    measured = json.loads((ROOT / "sitekit" / "framework_values.json").read_text())["values"]["relu"]
    at_zero = [entry for entry in measured if entry["at"] == 0.0][0]
    Y, cache = saved.relu_layer_forward(np.array([0.0, -0.0]))
    grad = saved.relu_layer_backward(np.ones(2), cache)
    assert np.all(grad == at_zero["torch"]["grad"]) and np.all(grad == at_zero["jax"]["grad"])


def test_sigmoid_from_the_output_loses_the_derivative_where_y_rounds_to_1():
    """The page's accuracy table: at x = 40, y(1 - y) is 0, sigma'(x) is not."""
    y, cache = saved.sigmoid_layer_forward(np.array(40.0))
    assert y == 1.0
    assert saved.sigmoid_layer_backward(1.0, cache) == 0.0
    assert snippet("sigmoid").sigmoid_grad(np.array(40.0)) > 0


@pytest.mark.parametrize("N", [32, 128])
def test_the_cache_grows_in_proportion_to_the_batch(N):
    """Every array a forward pass keeps has one row per example (the weights aside)."""
    rng = rng_for("memory", N)
    W1, b1, W2, b2 = rng.normal(size=(6, 5)), np.zeros(5), rng.normal(size=(5, 2)), np.zeros(2)
    _, cache1 = dense.dense_forward(rng.normal(size=(N, 6)), W1, b1)
    A1, cache2 = saved.sigmoid_layer_forward(cache1[0] @ W1 + b1)
    _, cache3 = dense.dense_forward(A1, W2, b2)
    kept = [cache1[0], cache2, cache3[0]]
    assert cache3[0] is cache2, "the next dense layer keeps the activation's output, not a copy"
    assert all(array.shape[0] == N for array in kept)
    assert cache1[1] is W1 and cache3[1] is W2


# --- the order of the update ---------------------------------------------------------


def _first_layer_gradient(update):
    """dL/dW1 of dense -> tanh -> dense with the half squared error, when W2 is
    changed by `update` between dL/dW2 and dL/dA1 (the page's example)."""
    rng = rng_for("order")
    X, T = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    W1, b1, W2, b2 = rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=(5, 2)), rng.normal(size=2)
    W1_start, W2_start = W1.copy(), W2.copy()
    Z1, cache1 = dense.dense_forward(X, W1, b1)
    A1 = np.tanh(Z1)
    Y, cache2 = dense.dense_forward(A1, W2, b2)
    G = Y - T
    update(W2, A1.T @ G)
    dA1, _, _ = dense.dense_backward(G, cache2)
    _, dW1, _ = dense.dense_backward(dA1 * (1 - A1**2), cache1)
    numeric = numerical_gradient(lambda: 0.5 * np.sum((np.tanh(X @ W1_start + b1) @ W2_start + b2 - T) ** 2), W1_start)
    return relative_error(dW1, numeric)


def test_updating_a_weight_in_place_before_its_input_gradient_gives_a_wrong_gradient():
    def in_place(W2, dW2):
        W2 -= 0.5 * dW2

    assert _first_layer_gradient(lambda W2, dW2: None) < BOUND
    assert _first_layer_gradient(lambda W2, dW2: W2 - 0.5 * dW2) < BOUND  # a new array: the cache keeps the old
    assert _first_layer_gradient(in_place) > 0.1
