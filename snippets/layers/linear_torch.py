# A dense layer in PyTorch's layout: weight V of shape (out, in), Y = X @ V.T + b.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def linear_torch_forward(X, V, b):
    """Y = X @ V.T + b for a batch X (N, n_in), with V (n_out, n_in) and b (n_out,)
    as torch.nn.Linear stores its weight and bias; returns Y and the cache."""
    X, V, b = np.asarray(X, dtype=float), np.asarray(V, dtype=float), np.asarray(b, dtype=float)
    # A square V loaded in the other layout would still multiply: only the shapes can tell.
    if X.ndim != 2 or V.ndim != 2 or V.shape[1] != X.shape[1] or b.shape != V.shape[:1]:
        raise ValueError(f"need X (N, n_in), V (n_out, n_in), b (n_out,); got {X.shape}, {V.shape}, {b.shape}")
    Y = X @ V.T + b
    return Y, (X, V)
# --8<-- [end:forward]


# --8<-- [start:backward]
def linear_torch_backward(G, cache):
    """From G = dE/dY (N, n_out): dE/dX (N, n_in), dE/dV (n_out, n_in), dE/db (n_out,)."""
    X, V = cache
    dX = G @ V
    # (X.T @ G).T, our dE/dW transposed: one row per output unit, like V.
    dV = G.T @ X
    db = G.sum(axis=0)
    return dX, dV, db
# --8<-- [end:backward]


# --8<-- [start:convert]
def dense_from_torch(weight, bias):
    """(W, b) for Y = X @ W + b from torch.nn.Linear's weight (n_out, n_in) and bias."""
    # .T is a view of the same memory; copy() gives W row-major memory of its own.
    return np.asarray(weight).T.copy(), np.array(bias)


def torch_from_dense(W, b):
    """torch.nn.Linear's (weight, bias) from W (n_in, n_out) and b of Y = X @ W + b."""
    return np.asarray(W).T.copy(), np.array(b)
# --8<-- [end:convert]
