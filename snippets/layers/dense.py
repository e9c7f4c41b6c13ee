# Dense (fully connected) layer Y = X @ W + b: forward and backward for a batch.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


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


def dense_forward(X, W, b):
    """Y = X @ W + b for a batch X of N rows, and the cache dense_backward needs."""
    X, W, b = _as_float(X), _as_float(W), _as_float(b)
    _check_dense_shapes(X, W, b)
    Y = X @ W + b
    # dW needs the input and dX needs the weights; nothing else is needed.
    cache = (X, W)
    return Y, cache
# --8<-- [end:forward]


# --8<-- [start:backward]
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
# --8<-- [end:backward]


# --8<-- [start:loops]
def dense_backward_loops(G, cache):
    """dense_backward written one entry at a time, as the index formulas read:
    dE/dW[j, k] = sum_n X[n, j] * G[n, k], dE/dX[n, j] = sum_k G[n, k] * W[j, k]."""
    X, W = cache
    G = _as_float(G)
    N, n_in = X.shape
    n_out = W.shape[1]
    dX = np.zeros_like(X, dtype=np.result_type(X, W, G))
    dW = np.zeros_like(W, dtype=dX.dtype)
    db = np.zeros(n_out, dtype=dX.dtype)
    for n in range(N):
        for k in range(n_out):
            # G[n, k] is the error delta_k of output unit k for example n.
            delta_k = G[n, k]
            db[k] += delta_k
            for j in range(n_in):
                dW[j, k] += X[n, j] * delta_k
                dX[n, j] += delta_k * W[j, k]
    return dX, dW, db
# --8<-- [end:loops]
