# Activation layers: any elementwise f, and softmax over each row, forward and backward.
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


def activation_forward(X, f, f_grad):
    """Y = f(X) entry by entry, for any elementwise f whose derivative is f_grad;
    the cache is what activation_backward needs."""
    X = _as_float(X)
    Y = f(X)
    # f'(X) is evaluated in the backward pass, where it is needed, not kept here:
    # a forward pass at inference time then costs nothing extra.
    cache = (X, f_grad)
    return Y, cache
# --8<-- [end:forward]


# --8<-- [start:backward]
def activation_backward(G, cache):
    """dE/dX = G * f'(X) from the upstream gradient G = dE/dY."""
    X, f_grad = cache
    G = _as_float(G)
    if G.shape != X.shape:
        raise ValueError(f"G must have shape {X.shape} like Y, got {G.shape}")
    # Y[n, i] depends on X[n, i] alone: the Jacobian is diagonal, and the
    # vector-Jacobian product is an elementwise product. No matrix is formed.
    return G * f_grad(X)
# --8<-- [end:backward]


# --8<-- [start:softmax_forward]
def softmax_forward(Z):
    """P = softmax(Z) along the last axis (one row of K logits per example), and the cache."""
    Z = _as_float(Z)
    if Z.ndim == 0:
        raise ValueError("Z must have shape (N, K) or (K,), got a 0-d array (a scalar)")
    # softmax(z) = softmax(z - c) for any c. With c = max(z) every exponent is
    # <= 0, so exp cannot overflow, and the max entry gives exp(0) = 1, so the
    # sum is at least 1 and the division cannot be 0/0.
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    # The Jacobian of softmax is a function of its output: P is all the backward needs.
    cache = P
    return P, cache
# --8<-- [end:softmax_forward]


# --8<-- [start:softmax_backward]
def softmax_backward(G, cache):
    """dE/dZ = P * (G - sum_j G_j P_j), row by row, from the upstream gradient G = dE/dP."""
    P = cache
    G = _as_float(G)
    if G.shape != P.shape:
        raise ValueError(f"G must have shape {P.shape} like P, got {G.shape}")
    # This is (dp/dz)^T G with dp/dz = diag(p) - p p^T: the K x K Jacobian of each row is
    # never built, so the cost is O(K) per row instead of O(K^2).
    return P * (G - (G * P).sum(axis=-1, keepdims=True))
# --8<-- [end:softmax_backward]
