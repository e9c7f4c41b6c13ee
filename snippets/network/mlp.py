# A network with one hidden layer (dense, tanh, dense, softmax cross-entropy), trained by backprop.
# Standalone: NumPy only. The layer and loss code is copied in from snippets/layers and
# snippets/losses so this file runs on its own; tests/test_mlp.py keeps the copies identical.

# --8<-- [start:copied]
import numpy as np


# From snippets/layers/dense.py.
# stamp: _as_float, from snippets/_shared.py (python -m sitekit.stamp)
def _as_float(x):
    """x as a C-ordered float array in native byte order; ints and bools
    become float64, floats keep their dtype. A 0-d result is returned as a NumPy
    scalar of its dtype (`[()]`), as NumPy's own ufuncs do."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    # One layout for every input: flat views, in-place steps and NumPy's
    # vectorised loops (which round differently on strided data) rely on it.
    if x.dtype.kind == "f" and x.dtype.isnative and x.flags.c_contiguous:
        return x
    dtype = x.dtype.newbyteorder("=") if x.dtype.kind == "f" else np.float64
    return x.astype(dtype, order="C")
# end stamp: _as_float


# stamp: _check_dense_shapes, from snippets/_shared.py (python -m sitekit.stamp)
def _check_dense_shapes(X, W, b):
    """Raise ValueError naming the expected shape unless X (N, n_in),
    W (n_in, n_out) and b (n_out,) fit together."""
    # Broadcasting would accept a bias of shape (N, n_out) or (1,), and a
    # single example of shape (n_in,): each gives a Y of a plausible shape
    # and a gradient of the wrong one, so shapes are checked, not broadcast.
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, n_in), one row per example, got {X.shape}")
    n_in = X.shape[1]
    if W.ndim != 2 or W.shape[0] != n_in:
        raise ValueError(f"W must have shape ({n_in}, k) to match X with {n_in} columns, got {W.shape}")
    n_out = W.shape[1]
    if b.shape != (n_out,):
        raise ValueError(f"b must have shape ({n_out},) to match W with {n_out} columns, got {b.shape}")
# end stamp: _check_dense_shapes


# stamp: layers/dense.py:dense_forward, from snippets/layers/dense.py (python -m sitekit.stamp)
def dense_forward(X, W, b):
    """Y = X @ W + b for a batch X of N rows, and the cache dense_backward needs."""
    X, W, b = _as_float(X), _as_float(W), _as_float(b)
    _check_dense_shapes(X, W, b)
    Y = X @ W + b
    # dW needs the input and dX needs the weights; nothing else is needed.
    cache = (X, W)
    return Y, cache
# end stamp: layers/dense.py:dense_forward


# stamp: layers/dense.py:dense_backward, from snippets/layers/dense.py (python -m sitekit.stamp)
def dense_backward(G, cache):
    """From the upstream gradient G = dE/dY (N, n_out):
    dE/dX (N, n_in), dE/dW (n_in, n_out), dE/db (n_out,)."""
    X, W = cache
    G = _as_float(G)
    expected = (X.shape[0], W.shape[1])
    if G.shape != expected:
        raise ValueError(f"G must have shape {expected} like Y, got {G.shape}")
    dX = G @ W.T
    # Each W[j, k] is used by every example, so its gradient sums over the batch;
    # the matrix product does that sum.
    dW = X.T @ G
    # b is added to every row of Y: its gradient is the sum of G's rows.
    db = G.sum(axis=0)
    return dX, dW, db
# end stamp: layers/dense.py:dense_backward


# From snippets/layers/activation.py.
# stamp: layers/activation.py:activation_forward, from snippets/layers/activation.py (python -m sitekit.stamp)
def activation_forward(X, f, f_grad):
    """Y = f(X) entry by entry, for any elementwise f whose derivative is f_grad;
    the cache is what activation_backward needs."""
    X = _as_float(X)
    Y = f(X)
    # f'(X) is evaluated in the backward pass, where it is needed, not kept here:
    # a forward pass at inference time then costs nothing extra.
    cache = (X, f_grad)
    return Y, cache
# end stamp: layers/activation.py:activation_forward


# stamp: layers/activation.py:activation_backward, from snippets/layers/activation.py (python -m sitekit.stamp)
def activation_backward(G, cache):
    """dE/dX = G * f'(X) from the upstream gradient G = dE/dY."""
    X, f_grad = cache
    G = _as_float(G)
    if G.shape != X.shape:
        raise ValueError(f"G must have shape {X.shape} like Y, got {G.shape}")
    # Y[n, i] depends on X[n, i] alone: the Jacobian is diagonal, and the
    # vector-Jacobian product is an elementwise product. No matrix is formed.
    return G * f_grad(X)
# end stamp: layers/activation.py:activation_backward


# From snippets/losses/softmax_cross_entropy.py.
# stamp: _check_targets, from snippets/_shared.py (python -m sitekit.stamp)
def _check_targets(Z, T):
    """Z as float logits (N, K), and T as class probabilities (N, K): T may be
    one-hot or soft rows of shape (N, K), or N integer class labels of shape (N,)."""
    Z = _as_float(Z)
    if Z.ndim == 2 and Z.shape[0] and not Z.shape[1]:
        raise ValueError("softmax_cross_entropy: the class axis (axis=1) is empty")
    if Z.ndim != 2 or Z.size == 0:
        raise ValueError(f"Z must have shape (N, K), one row of K logits per example, got {Z.shape}")
    N, K = Z.shape
    T = np.asarray(T)
    if T.shape == (N,):
        if T.dtype.kind not in "iu":
            raise ValueError(f"T of shape ({N},) must hold integer class labels, got dtype {T.dtype}")
        if T.min() < 0 or T.max() >= K:
            raise ValueError(f"class labels must lie in 0..{K - 1}, got labels from {T.min()} to {T.max()}")
        # Labels are one-hot rows written short: the same loss, in Z's dtype.
        return Z, (np.arange(K) == T[:, None]).astype(Z.dtype)
    if T.shape != (N, K):
        raise ValueError(
            f"T must have shape ({N}, {K}) like Z (one-hot or probabilities)"
            f" or ({N},) (integer class labels), got {T.shape}"
        )
    T = T.astype(Z.dtype) if T.dtype.kind in "biu" else _as_float(T)
    # The gradient softmax(Z) - T holds only when each row of T sums to 1:
    # with counts or unnormalized scores it would be wrong without an error.
    # The tolerance is far above the rounding of probabilities stored in
    # float32 (and summed in any order), far below such a mistake.
    row_sums = T.sum(axis=1)
    off = np.abs(row_sums - 1) > 1e-3
    if off.any():
        n = int(np.argmax(off))
        raise ValueError(f"each row of T must sum to 1 (one-hot or probabilities), row {n} sums to {row_sums[n]}")
    return Z, T
# end stamp: _check_targets


# stamp: _shifted_exp, from snippets/_shared.py (python -m sitekit.stamp)
def _shifted_exp(Z):
    """Per row: Z - max(Z); E = exp(Z - max(Z)) with one max entry set to 0;
    S, the sum of E; and where that max entry is.
    softmax(Z) is then E / (1 + S) off the max entry and 1 / (1 + S) at it."""
    top = np.arange(Z.shape[1]) == Z.argmax(axis=1)[:, None]
    shifted = Z - Z.max(axis=1, keepdims=True)
    # Every exponent is <= 0, so nothing overflows. The max entry's exp(0) = 1
    # is kept out of S: S alone may be far below the rounding unit, where
    # 1 + S rounds to 1 and S is lost.
    E = np.where(top, 0, np.exp(shifted))
    S = E.sum(axis=1, keepdims=True)
    return shifted, E, S, top
# end stamp: _shifted_exp


# stamp: losses/softmax_cross_entropy.py:softmax_cross_entropy, from snippets/losses/softmax_cross_entropy.py (python -m sitekit.stamp)
def softmax_cross_entropy(Z, T):
    """mean over the N rows of -sum_k T[n, k] * log softmax(Z[n])_k."""
    Z, T = _check_targets(Z, T)
    shifted, _, S, _ = _shifted_exp(Z)
    # log softmax(z) = z - logsumexp(z) = (z - max) - log(1 + S). No
    # probability is formed, so an underflowed one cannot become log(0);
    # log1p keeps S where 1 + S would round it away.
    # A class with t = 0 adds 0 (the limit of t log p), also at a logit of
    # -inf, where -log p = inf and t * inf would be NaN.
    minus_log_P = np.where(T == 0, 0, np.log1p(S) - shifted)
    # Both terms of -log_P are >= 0: the sum has no cancellation, and a loss
    # that underflows is +0, not -0.
    return np.sum(T * minus_log_P) / Z.shape[0]
# end stamp: losses/softmax_cross_entropy.py:softmax_cross_entropy


# stamp: losses/softmax_cross_entropy.py:softmax_cross_entropy_grad, from snippets/losses/softmax_cross_entropy.py (python -m sitekit.stamp)
def softmax_cross_entropy_grad(Z, T):
    """d loss / dZ = (softmax(Z) - T) / N, for the mean over the batch."""
    Z, T = _check_targets(Z, T)
    _, E, S, top = _shifted_exp(Z)
    # At the max entry p = 1 / (1 + S), so p - t = (1 - t) - S / (1 + S).
    # Forming p first rounds it to 1 once S is below the rounding unit, and
    # with t = 1 the gradient would be 0 instead of -S / (1 + S).
    difference = np.where(top, (1 - T) - S / (1 + S), E / (1 + S) - T)
    return difference / Z.shape[0]
# end stamp: losses/softmax_cross_entropy.py:softmax_cross_entropy_grad
# --8<-- [end:copied]


# --8<-- [start:network]
def tanh_grad(x):
    """d tanh / dx = 1 - tanh(x)^2."""
    # (1 - y)(1 + y) loses relative accuracy only where the slope is below the
    # rounding unit: there an SGD step cannot tell it from 0 anyway.
    y = np.tanh(x)
    return (1 - y) * (1 + y)


def init_params(n_in, n_hidden, n_out, rng):
    """Weights drawn from N(0, 1 / n_in of their layer), biases 0."""
    # With variance 1 / fan-in each pre-activation starts of order 1: tanh is
    # neither saturated (slope near 0, no learning) nor linear (no use).
    return {
        "W1": rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in),
        "b1": np.zeros(n_hidden),
        "W2": rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden),
        "b2": np.zeros(n_out),
    }


def forward(params, X):
    """The logits Z2 (N, n_out) for a batch X (N, n_in), and the caches backward needs."""
    # Z is a pre-activation and A an activation, as on the notation page.
    Z1, dense1 = dense_forward(X, params["W1"], params["b1"])
    A1, tanh_layer = activation_forward(Z1, np.tanh, tanh_grad)
    Z2, dense2 = dense_forward(A1, params["W2"], params["b2"])
    return Z2, (dense1, tanh_layer, dense2)


def backward(params, caches, dZ2):
    """The gradient of the loss E for each parameter, a dict keyed like params,
    from dZ2 = dE/dZ2. The weights are read from the caches, which hold the
    ones forward used; params is taken so the call reads like forward's."""
    dense1, tanh_layer, dense2 = caches
    # The layers are undone in reverse order, each turning dE/d(its output)
    # into dE/d(its input) and the gradients of its own parameters.
    dA1, dW2, db2 = dense_backward(dZ2, dense2)
    dZ1 = activation_backward(dA1, tanh_layer)
    # dE/dX of the data is not needed: the data is not trained.
    _, dW1, db1 = dense_backward(dZ1, dense1)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
# --8<-- [end:network]


# --8<-- [start:training]
def loss_and_grads(params, X, T):
    """The mean softmax cross-entropy on the batch (X, T) and its gradients.
    T: integer class labels (N,), or one-hot or probability rows (N, n_out)."""
    Z2, caches = forward(params, X)
    loss = softmax_cross_entropy(Z2, T)
    grads = backward(params, caches, softmax_cross_entropy_grad(Z2, T))
    return loss, grads


def sgd_step(params, grads, lr):
    """params - lr * grads, as a new dict: the old parameters stay as they were."""
    return {name: params[name] - lr * grads[name] for name in params}


def predict(params, X):
    """The most likely class for each row of X."""
    Z2, _ = forward(params, X)
    # softmax is increasing in each logit: the largest logit has the largest
    # probability, so no softmax is computed.
    return Z2.argmax(axis=1)


def train(params, X, T, lr, epochs, batch_size, rng):
    """Minibatch SGD. Returns the trained params and the mean batch loss of each epoch."""
    epoch_losses = []
    for _ in range(epochs):
        # A new order each epoch, so no batch is always seen in the same company.
        order = rng.permutation(X.shape[0])
        losses = []
        for start in range(0, X.shape[0], batch_size):
            batch = order[start : start + batch_size]
            loss, grads = loss_and_grads(params, X[batch], T[batch])
            params = sgd_step(params, grads, lr)
            losses.append(loss)
        epoch_losses.append(float(np.mean(losses)))
    return params, epoch_losses
# --8<-- [end:training]
