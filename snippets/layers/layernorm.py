# Layer normalisation over the last axis: forward and backward.
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


def layernorm_forward(x, gamma, beta, eps=1e-5):
    """y = gamma * (x - mu) / sqrt(v + eps) + beta, with mu and v the mean and
    the biased variance of each vector along the last axis of x (D entries);
    gamma and beta have shape (D,). Returns y and the cache layernorm_backward needs."""
    x, gamma, beta = _as_float(x), _as_float(gamma), _as_float(beta)
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError(f"x must have shape (..., D) with D >= 1, got {x.shape}")
    D = x.shape[-1]
    if gamma.shape != (D,) or beta.shape != (D,):
        raise ValueError(f"gamma and beta must have shape ({D},), got {gamma.shape} and {beta.shape}")
    dtype = np.result_type(x, gamma, beta)
    # float32 is worked in float64 and rounded once at the end.
    work = np.promote_types(dtype, np.float64)
    x = x.astype(work)
    # Divided by a power of 2 near each row's largest |x|, exactly, so that
    # no sum or square overflows.
    c = np.ldexp(1.0, np.frexp(np.max(np.abs(x), axis=-1, keepdims=True))[1] - 1)
    u = x / c
    # Two passes: the variance of u - mean(u), never mean(u^2) - mean(u)^2,
    # which cancels to noise when the mean is large and the spread small.
    u_centred = u - u.mean(axis=-1, keepdims=True)
    # The mean of u_centred is the first mean's rounding error: removed too.
    u_centred -= u_centred.mean(axis=-1, keepdims=True)
    std_u = np.sqrt(np.mean(u_centred * u_centred, axis=-1, keepdims=True))
    # s = sqrt(v + eps) = c * hypot(std_u, sqrt(eps) / c); sqrt(eps) / c
    # overflows only for |x| below 1e-311, where x_hat is 0 to working precision.
    with np.errstate(over="ignore"):
        s_over_c = np.hypot(std_u, np.sqrt(eps) / c)
    x_hat = u_centred / s_over_c
    y = gamma * x_hat + beta
    cache = (x_hat, gamma.astype(work), c * s_over_c, dtype)
    return y.astype(dtype), cache
# --8<-- [end:forward]


# --8<-- [start:backward]
def layernorm_backward(dy, cache):
    """From the upstream gradient dy = dE/dy (the shape of x):
    dE/dx (the shape of x), dE/dgamma (D,), dE/dbeta (D,)."""
    x_hat, gamma, s, dtype = cache
    dy = _as_float(dy)
    if dy.shape != x_hat.shape:
        raise ValueError(f"dy must have shape {x_hat.shape} like y, got {dy.shape}")
    dy = dy.astype(x_hat.dtype)
    D = x_hat.shape[-1]
    # gamma and beta are shared by every vector: their gradients sum over all of them.
    dgamma = (dy * x_hat).reshape(-1, D).sum(axis=0)
    dbeta = dy.reshape(-1, D).sum(axis=0)
    # The three terms: the direct path, the path through the mean, the path through the variance.
    dx_hat = dy * gamma
    dx = (dx_hat - dx_hat.mean(axis=-1, keepdims=True)
          - x_hat * np.mean(dx_hat * x_hat, axis=-1, keepdims=True)) / s
    return dx.astype(dtype), dgamma.astype(dtype), dbeta.astype(dtype)
# --8<-- [end:backward]
