"""The dense and activation layers' backward passes against finite differences,
and against the index-form (delta rule) formulas written as explicit loops.

Oracles: central differences of a scalar L = sum(G * Y) (G random), entry by
entry, in float64; and the textbook per-unit formulas, in Python loops over
scalars. Neither uses the snippets' matrix formulas.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from finite_differences import numerical_gradient, relative_error, rng_for
from sitekit.catalogue import load_snippet

ROOT = Path(__file__).resolve().parent.parent
dense = load_snippet(ROOT / "snippets" / "layers" / "dense.py")
activation = load_snippet(ROOT / "snippets" / "layers" / "activation.py")
mse = load_snippet(ROOT / "snippets" / "losses" / "mse.py")
softmax_ce = load_snippet(ROOT / "snippets" / "losses" / "softmax_cross_entropy.py")

# Central differences in float64: truncation O(h^2) and rounding O(eps / h)
# are both near 1e-10 at h = 1e-5, far below the bound.
STEP = 1e-5
BOUND = 1e-7

# (N, n_in, n_out): a batch of one and larger ones, no square W.
DENSE_SHAPES = [(1, 1, 1), (1, 3, 2), (2, 1, 4), (5, 3, 4), (4, 7, 2)]
# Batches of logits: (K,) alone, one row, and several; K >= 2 so that the
# softmax gradient is not identically zero.
SOFTMAX_SHAPES = [(2,), (5,), (1, 3), (4, 5), (6, 2)]


# --- dense ---------------------------------------------------------------------


@pytest.mark.parametrize("shape", DENSE_SHAPES, ids=str)
def test_dense_forward_is_x_w_plus_b(shape):
    N, n_in, n_out = shape
    rng = np.random.default_rng(1)
    X, W, b = rng.normal(size=(N, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    Y, _ = dense.dense_forward(X, W, b)
    expected = [[b[k] + math.fsum(X[n, j] * W[j, k] for j in range(n_in)) for k in range(n_out)] for n in range(N)]
    assert Y.shape == (N, n_out)
    assert relative_error(Y, expected) < 1e-15 * n_in


@pytest.mark.parametrize("shape", DENSE_SHAPES, ids=str)
def test_dense_backward_matches_finite_differences(shape):
    N, n_in, n_out = shape
    rng = np.random.default_rng(N * 100 + n_in * 10 + n_out)
    X, W, b = rng.normal(size=(N, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    G = rng.normal(size=(N, n_out))

    def loss():
        return np.sum(G * dense.dense_forward(X, W, b)[0])

    _, cache = dense.dense_forward(X, W, b)
    dX, dW, db = dense.dense_backward(G, cache)
    assert (dX.shape, dW.shape, db.shape) == (X.shape, W.shape, b.shape)
    assert relative_error(dX, numerical_gradient(loss, X)) < BOUND
    assert relative_error(dW, numerical_gradient(loss, W)) < BOUND
    assert relative_error(db, numerical_gradient(loss, b)) < BOUND


@pytest.mark.parametrize("shape", DENSE_SHAPES, ids=str)
def test_dense_backward_loops_equal_the_matrix_form(shape):
    N, n_in, n_out = shape
    rng = np.random.default_rng(7 + N + n_in + n_out)
    X, W, b = rng.normal(size=(N, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    G = rng.normal(size=(N, n_out))
    _, cache = dense.dense_forward(X, W, b)
    # Same products, summed in another order: a few roundings apart.
    for looped, matrix in zip(dense.dense_backward_loops(G, cache), dense.dense_backward(G, cache)):
        assert looped.shape == matrix.shape
        assert relative_error(looped, matrix) < 1e-14


@pytest.mark.parametrize(
    "X_shape, W_shape, b_shape, message",
    [
        ((3, 4), (3, 2), (2,), "W must have shape (4, k) to match X with 4 columns, got (3, 2)"),
        ((3, 4), (4,), (2,), "W must have shape (4, k) to match X with 4 columns, got (4,)"),
        ((3, 4), (4, 2), (3,), "b must have shape (2,) to match W with 2 columns, got (3,)"),
        ((3, 4), (4, 2), (1, 2), "b must have shape (2,) to match W with 2 columns, got (1, 2)"),
        ((3, 4), (4, 2), (3, 2), "b must have shape (2,) to match W with 2 columns, got (3, 2)"),
        ((4,), (4, 2), (2,), "X must have shape (N, n_in), one row per example, got (4,)"),
    ],
)
def test_dense_forward_rejects_bad_shapes(X_shape, W_shape, b_shape, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        dense.dense_forward(np.ones(X_shape), np.ones(W_shape), np.ones(b_shape))


def test_dense_backward_rejects_g_of_another_shape():
    _, cache = dense.dense_forward(np.ones((3, 4)), np.ones((4, 2)), np.ones(2))
    with pytest.raises(ValueError, match=re.escape("G must have shape (3, 2) like Y, got (2, 3)")):
        dense.dense_backward(np.ones((2, 3)), cache)


def test_dense_keeps_float32():
    rng = np.random.default_rng(3)
    X, W, b = (rng.normal(size=s).astype(np.float32) for s in ((5, 3), (3, 4), (4,)))
    Y, cache = dense.dense_forward(X, W, b)
    assert Y.dtype == np.float32
    for grad in dense.dense_backward(np.ones_like(Y), cache):
        assert grad.dtype == np.float32
    for grad in dense.dense_backward_loops(np.ones_like(Y), cache):
        assert grad.dtype == np.float32


# --- elementwise activation ----------------------------------------------------------


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


# Any elementwise f works: these are NumPy's own functions and their
# derivatives, written out by hand.
ELEMENTWISE = {
    "tanh": (np.tanh, lambda x: 1 / np.cosh(x) ** 2),
    "sin": (np.sin, np.cos),
    "exp": (np.exp, np.exp),
    "cube": (lambda x: x**3, lambda x: 3 * x**2),
    "sigmoid": (_sigmoid, lambda x: _sigmoid(x) * _sigmoid(-x)),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shape", [(1, 1), (1, 4), (5, 3), (7,), (2, 3, 4)], ids=str)
def test_activation_backward_matches_finite_differences(name, shape):
    f, f_grad = ELEMENTWISE[name]
    rng = rng_for(name, shape)
    X, G = rng.normal(size=shape), rng.normal(size=shape)

    def loss():
        return np.sum(G * activation.activation_forward(X, f, f_grad)[0])

    Y, cache = activation.activation_forward(X, f, f_grad)
    assert np.array_equal(Y, f(X))
    dX = activation.activation_backward(G, cache)
    assert relative_error(dX, numerical_gradient(loss, X)) < BOUND


def test_activation_backward_rejects_g_of_another_shape():
    _, cache = activation.activation_forward(np.ones((3, 2)), np.tanh, np.cos)
    with pytest.raises(ValueError, match=re.escape("G must have shape (3, 2) like Y, got (2, 3)")):
        activation.activation_backward(np.ones((2, 3)), cache)


def test_activation_keeps_float32():
    X = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    Y, cache = activation.activation_forward(X, np.tanh, lambda x: 1 - np.tanh(x) ** 2)
    assert Y.dtype == np.float32
    assert activation.activation_backward(np.ones_like(Y), cache).dtype == np.float32


# --- softmax layer ---------------------------------------------------------------------


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES, ids=str)
def test_softmax_forward_is_exp_over_sum(shape):
    Z = rng_for("forward", shape).normal(scale=3, size=shape)
    P, _ = activation.softmax_forward(Z)
    # At these moderate logits the textbook formula is exact to a few roundings.
    expected = np.exp(Z) / np.exp(Z).sum(axis=-1, keepdims=True)
    assert P.shape == Z.shape
    assert relative_error(P, expected) < 1e-15


def test_softmax_forward_is_finite_for_large_logits():
    P, _ = activation.softmax_forward([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4 - 1, 3.0]])
    assert np.all(np.isfinite(P))
    assert np.array_equal(P[0], [1.0, 0.0, 0.0])
    assert np.allclose(P[1], 1 / 3, rtol=1e-15, atol=0)
    assert abs(P[2, 0] - 1 / (1 + math.exp(-1))) < 1e-15


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES, ids=str)
def test_softmax_backward_matches_finite_differences(shape):
    rng = rng_for("backward", shape)
    Z, G = rng.normal(scale=2, size=shape), rng.normal(size=shape)

    def loss():
        return np.sum(G * activation.softmax_forward(Z)[0])

    _, cache = activation.softmax_forward(Z)
    dZ = activation.softmax_backward(G, cache)
    assert relative_error(dZ, numerical_gradient(loss, Z)) < BOUND


@pytest.mark.parametrize("shape", [(5,), (1, 3), (4, 5)], ids=str)
def test_softmax_backward_is_the_jacobian_transpose_times_g(shape):
    """Against J = diag(p) - p p^T built in full, one row at a time."""
    rng = rng_for("jacobian", shape)
    Z, G = rng.normal(scale=2, size=shape), rng.normal(size=shape)
    P, cache = activation.softmax_forward(Z)
    dZ = activation.softmax_backward(G, cache)
    for p, g, dz in zip(np.atleast_2d(P), np.atleast_2d(G), np.atleast_2d(dZ)):
        jacobian = np.diag(p) - np.outer(p, p)
        assert relative_error(dz, jacobian.T @ g) < 1e-14


def test_softmax_backward_rejects_g_of_another_shape():
    _, cache = activation.softmax_forward(np.ones((3, 2)))
    with pytest.raises(ValueError, match=re.escape("G must have shape (3, 2) like P, got (3,)")):
        activation.softmax_backward(np.ones(3), cache)


def test_softmax_forward_rejects_a_scalar():
    with pytest.raises(ValueError, match=re.escape("Z must have shape (N, K) or (K,)")):
        activation.softmax_forward(1.5)


def test_softmax_layer_keeps_float32():
    Z = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    P, cache = activation.softmax_forward(Z)
    assert P.dtype == np.float32
    assert activation.softmax_backward(np.ones_like(P), cache).dtype == np.float32


@pytest.mark.parametrize("targets", ["one-hot", "probabilities"])
@pytest.mark.parametrize("shape", [(1, 3), (4, 5), (6, 2)], ids=str)
def test_softmax_ce_grad_is_the_softmax_vjp_of_the_ce_grad_in_p(shape, targets):
    """d/dZ of -sum(T log softmax(Z)) / N two ways: the fused (P - T) / N, and the
    softmax layer's VJP applied to the gradient in the probabilities, -T / (N P)."""
    N, K = shape
    rng = rng_for("fused", shape, targets)
    Z = rng.normal(scale=2, size=shape)
    T = np.eye(K)[rng.integers(K, size=N)] if targets == "one-hot" else rng.dirichlet(np.ones(K), size=N)
    P, cache = activation.softmax_forward(Z)
    composed = activation.softmax_backward(-T / (N * P), cache)
    fused = softmax_ce.softmax_cross_entropy_grad(Z, T)
    assert relative_error(fused, composed) < 1e-14


# --- index form against matrix form ---------------------------------------------------


def _delta_rule(X, W1, b1, W2, b2, T):
    """Gradients of E = 1/2 sum (a_k - t_k)^2 for a sigmoid-sigmoid network,
    one unit and one weight at a time, as the textbook's delta rule reads:
        delta_k = (a_k - t_k) g'(z_k),      dE/dw_jk = delta_k a_j,
        delta_j = g'(z_j) sum_k delta_k w_jk, dE/dw_ij = delta_j a_i,
    summed over the examples of the batch."""
    N, n_in = X.shape
    n_hidden, n_out = W2.shape

    def g(z):
        return 1 / (1 + math.exp(-z))

    def g_prime(z):
        return g(z) * (1 - g(z))

    dW1, db1 = np.zeros_like(W1), np.zeros_like(b1)
    dW2, db2 = np.zeros_like(W2), np.zeros_like(b2)
    for n in range(N):
        a_i = [float(v) for v in X[n]]
        z_j = [sum(a_i[i] * W1[i, j] for i in range(n_in)) + b1[j] for j in range(n_hidden)]
        a_j = [g(z) for z in z_j]
        z_k = [sum(a_j[j] * W2[j, k] for j in range(n_hidden)) + b2[k] for k in range(n_out)]
        a_k = [g(z) for z in z_k]
        delta_k = [(a_k[k] - T[n, k]) * g_prime(z_k[k]) for k in range(n_out)]
        for k in range(n_out):
            db2[k] += delta_k[k]
            for j in range(n_hidden):
                dW2[j, k] += delta_k[k] * a_j[j]
        delta_j = [g_prime(z_j[j]) * sum(delta_k[k] * W2[j, k] for k in range(n_out)) for j in range(n_hidden)]
        for j in range(n_hidden):
            db1[j] += delta_j[j]
            for i in range(n_in):
                dW1[i, j] += delta_j[j] * a_i[i]
    return dW1, db1, dW2, db2


def _matrix_form(X, W1, b1, W2, b2, T):
    sigmoid_grad = lambda x: _sigmoid(x) * _sigmoid(-x)  # noqa: E731
    Z1, dense1 = dense.dense_forward(X, W1, b1)
    A1, act1 = activation.activation_forward(Z1, _sigmoid, sigmoid_grad)
    Z2, dense2 = dense.dense_forward(A1, W2, b2)
    A2, act2 = activation.activation_forward(Z2, _sigmoid, sigmoid_grad)
    delta_out = activation.activation_backward(mse.sse_half_grad(A2, T), act2)
    dA1, dW2, db2 = dense.dense_backward(delta_out, dense2)
    delta_hidden = activation.activation_backward(dA1, act1)
    _, dW1, db1 = dense.dense_backward(delta_hidden, dense1)
    return dW1, db1, dW2, db2


@pytest.mark.parametrize("sizes", [(1, 3, 4, 2), (5, 4, 3, 2), (3, 2, 5, 3)], ids=str)
def test_index_form_equals_matrix_form(sizes):
    N, n_in, n_hidden, n_out = sizes
    rng = rng_for("delta rule", sizes)
    X = rng.normal(size=(N, n_in))
    W1, b1 = rng.normal(size=(n_in, n_hidden)), rng.normal(size=n_hidden)
    W2, b2 = rng.normal(size=(n_hidden, n_out)), rng.normal(size=n_out)
    T = rng.uniform(size=(N, n_out))
    looped = _delta_rule(X, W1, b1, W2, b2, T)
    matrix = _matrix_form(X, W1, b1, W2, b2, T)
    for name, a, b in zip(("dW1", "db1", "dW2", "db2"), looped, matrix):
        assert relative_error(a, b) < 1e-13, name
