# Batch normalisation of an (N, D) batch over axis 0: training forward and
# backward, the running statistics, and the inference forward.
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


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Training mode: y = gamma * (x - mu) / sqrt(v + eps) + beta, with mu and v
    the mean and the biased variance of each column of the batch x (N, D);
    gamma and beta have shape (D,). Returns y and the cache batchnorm_backward needs."""
    x, gamma, beta = _as_float(x), _as_float(gamma), _as_float(beta)
    if x.ndim != 2 or x.shape[1] == 0:
        raise ValueError(f"x must have shape (N, D), one row per example, got {x.shape}")
    N, D = x.shape
    if N < 2:
        # One example is its own mean: y would be beta and dE/dx zero, silently.
        raise ValueError(f"training mode needs N >= 2 examples per batch, got x of shape {x.shape}")
    if gamma.shape != (D,) or beta.shape != (D,):
        raise ValueError(f"gamma and beta must have shape ({D},), got {gamma.shape} and {beta.shape}")
    dtype = np.result_type(x, gamma, beta)
    # float32 is worked in float64 and rounded once at the end.
    work = np.promote_types(dtype, np.float64)
    x = x.astype(work)
    # Divided by a power of 2 near each column's largest |x|, exactly, so that
    # no sum or square overflows.
    c = np.ldexp(1.0, np.frexp(np.max(np.abs(x), axis=0))[1] - 1)
    u = x / c
    # Two passes: the variance of u - mean(u), never mean(u^2) - mean(u)^2,
    # which cancels to noise when the mean is large and the spread small.
    u_centred = u - u.mean(axis=0)
    # The mean of u_centred is the first mean's rounding error: removed too.
    u_centred -= u_centred.mean(axis=0)
    std_u = np.sqrt(np.mean(u_centred * u_centred, axis=0))
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
def batchnorm_backward(dy, cache):
    """From the upstream gradient dy = dE/dy (N, D):
    dE/dx (N, D), dE/dgamma (D,), dE/dbeta (D,)."""
    x_hat, gamma, s, dtype = cache
    dy = _as_float(dy)
    if dy.shape != x_hat.shape:
        raise ValueError(f"dy must have shape {x_hat.shape} like y, got {dy.shape}")
    dy = dy.astype(x_hat.dtype)
    dgamma = np.sum(dy * x_hat, axis=0)
    dbeta = dy.sum(axis=0)
    # The three terms: the direct path, the path through the mean, the path
    # through the variance; the last two are the batch means of dgamma and dbeta.
    dx = gamma / s * (dy - dbeta / len(dy) - x_hat * (dgamma / len(dy)))
    return dx.astype(dtype), dgamma.astype(dtype), dbeta.astype(dtype)
# --8<-- [end:backward]


# --8<-- [start:running]
def batchnorm_update_running(running_mean, running_var, x, momentum=0.1):
    """The running statistics after one training batch x (N, D), as PyTorch
    keeps them: new = (1 - momentum) * old + momentum * batch statistic, with
    the unbiased variance (divided by N - 1). Returns new arrays."""
    running_mean, running_var, x = _as_float(running_mean), _as_float(running_var), _as_float(x)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"x must have shape (N, D) with N >= 2 (the unbiased variance divides by N - 1), got {x.shape}")
    D = x.shape[1]
    if running_mean.shape != (D,) or running_var.shape != (D,):
        raise ValueError(f"running_mean and running_var must have shape ({D},), got "
                         f"{running_mean.shape} and {running_var.shape}")
    if not 0 <= momentum <= 1:
        raise ValueError(f"momentum must lie in [0, 1], got {momentum}")
    work = np.promote_types(x.dtype, np.float64)
    mean = x.astype(work).mean(axis=0)
    # ddof=1 is the unbiased estimate; NumPy computes it in two passes.
    var = x.astype(work).var(axis=0, ddof=1)
    new_mean = (1 - momentum) * running_mean + momentum * mean
    new_var = (1 - momentum) * running_var + momentum * var
    return new_mean.astype(running_mean.dtype), new_var.astype(running_var.dtype)
# --8<-- [end:running]


# --8<-- [start:inference]
def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    """Inference mode: y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta,
    the same affine map for every example (any N >= 1, no batch statistics)."""
    x, gamma, beta = _as_float(x), _as_float(gamma), _as_float(beta)
    running_mean, running_var = _as_float(running_mean), _as_float(running_var)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (N, D), one row per example, got {x.shape}")
    D = x.shape[1]
    shapes = [a.shape for a in (gamma, beta, running_mean, running_var)]
    if any(shape != (D,) for shape in shapes):
        raise ValueError(f"gamma, beta, running_mean and running_var must have shape ({D},), got {shapes}")
    dtype = np.result_type(x, gamma, beta)
    scale = gamma / np.sqrt(running_var + eps)
    return (scale * (x - running_mean) + beta).astype(dtype)
# --8<-- [end:inference]
