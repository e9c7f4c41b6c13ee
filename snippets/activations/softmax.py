# Softmax, its Jacobian and its vector-Jacobian product, stable for every float input.
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


# stamp: _two_sum, from snippets/_shared.py (python -m sitekit.stamp)
def _two_sum(a, b):
    """s = fl(a + b) and its rounding error: s + error == a + b exactly (Knuth)."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)
# end stamp: _two_sum


# stamp: _sum, from snippets/_shared.py (python -m sitekit.stamp)
def _sum(x, axis):
    """Sum along `axis` (kept, length 1) with about one rounding in all,
    whatever the length: pairwise, carrying each addition's exact error."""
    x = np.moveaxis(x, axis, -1)
    carried = np.zeros(x.shape[:-1], dtype=x.dtype)
    while x.shape[-1] > 1:
        half = x.shape[-1] // 2
        s, error = _two_sum(x[..., :half], x[..., half : 2 * half])
        # The errors are below u times the sum: a plain sum of them is enough.
        carried = carried + error.sum(axis=-1)
        x = np.concatenate([s, x[..., 2 * half :]], axis=-1)
    return np.expand_dims(x[..., 0] + carried, axis)
# end stamp: _sum


# stamp: _exp_minus_max, from snippets/_shared.py (python -m sitekit.stamp)
def _exp_minus_max(z, axis):
    """exp(z - max(z)) along `axis`, each entry within about 1 ULP, in float64
    (or wider). Rows whose max is not finite (a NaN or a +inf in the row, or
    only -inf) come back as NaN: softmax settles those by its conventions."""
    # float16 and float32 are worked in float64: the result is then rounded once.
    z = z.astype(np.promote_types(z.dtype, np.float64))
    m = np.max(z, axis=axis, keepdims=True)
    finite = np.isfinite(m)
    z, m = np.where(finite, z, 0.0), np.where(finite, m, 0.0)
    # z - m overflows to -inf only when the true difference is below -max
    # (z = -1e308, m = 1e308); exp(-inf) = 0 is then exactly the rounded
    # value of exp(z - m), so the overflow is harmless.
    with np.errstate(over="ignore"):
        kept = np.isfinite(z - m)  # drops -inf entries and those overflows
    z = np.where(kept, z, m)
    # fl(z - m) is off by up to half an ULP of m: 5.7e-14 at m = 700,
    # hundreds of ULP once exponentiated. TwoSum gives d + r == z - m
    # exactly, and exp(d + r) = exp(d) * (1 + r + ...) with |r| < 2**-44
    # wherever exp(d) is not 0.
    d, r = _two_sum(z, -m)
    e = np.exp(d)
    e = np.where(kept, e + e * r, 0.0)
    return np.where(finite, e, np.nan)
# end stamp: _exp_minus_max


# stamp: _limit, from snippets/_shared.py (python -m sitekit.stamp)
def _limit(z, axis):
    """softmax on rows whose max is not finite."""
    top = z == np.inf
    n = np.sum(top, axis=axis, keepdims=True)
    # +inf entries share the mass equally (the limit as they grow together);
    # a row of -inf only is 0/0 and a NaN has no limit: both give NaN.
    defined = (n > 0) & ~np.any(np.isnan(z), axis=axis, keepdims=True)
    return np.where(defined, top / np.maximum(n, 1), np.nan)
# end stamp: _limit


# stamp: _classes, from snippets/_shared.py (python -m sitekit.stamp)
def _classes(z, axis, name):
    """z as a float array with a class axis that has entries, or a ValueError
    naming the function: NumPy's own error would name a reduction."""
    z = _as_float(z)
    if z.ndim == 0:
        raise ValueError(f"{name} needs a vector (or a batch of them), got a 0-d array (a scalar)")
    if z.shape[axis] == 0:
        raise ValueError(f"{name}: the class axis (axis={axis}) is empty")
    return z
# end stamp: _classes


def softmax(z, axis=-1):
    """p_i = exp(z_i) / sum_k exp(z_k) along `axis`, without overflow for any z."""
    z = _classes(z, axis, "softmax")
    e = _exp_minus_max(z, axis)
    # The max entry contributes exactly 1, so the sum is in [1, K]: no 0/0, no overflow;
    # summed with one rounding, so the error does not grow with K.
    p = e / _sum(e, axis)
    p = np.where(np.isnan(e), _limit(z, axis), p)
    return p.astype(z.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def softmax_jacobian(z):
    """The Jacobian dp/dz of one vector z (K x K): d p_i / d z_j = p_i * ([i = j] - p_j)."""
    z = _as_float(z)
    if z.ndim != 1:
        raise ValueError(
            f"softmax_jacobian takes one vector z (1-D), got {z.ndim}-D; for a batch use softmax_vjp"
        )
    if z.size == 0:
        raise ValueError("softmax_jacobian: the class axis (axis=0) is empty")
    e = _exp_minus_max(z, 0)
    if np.isnan(e).any():
        # Limits (0, 1/n, 1) are exact, so 1 - p has nothing to cancel.
        p = _limit(z, 0)
        return (np.diag(p) - np.outer(p, p)).astype(z.dtype)
    total = _sum(e, 0)
    p = e / total
    # 1 - p_i computed as such is 0 once p_i rounds to 1, and has few correct
    # digits before that; the sum of the other terms over the total has them all.
    others = _sum(np.where(np.eye(z.size, dtype=bool), 0.0, e), 1)[:, 0] / total
    jacobian = -np.outer(p, p)
    np.fill_diagonal(jacobian, p * others)
    return jacobian.astype(z.dtype)
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def softmax_jacobian_from_output(p):
    """J = diag(p) - p p^T from the forward output p = softmax(z) (one vector)."""
    p = _as_float(p)
    return np.diag(p) - np.outer(p, p)
# --8<-- [end:grad_from_output]


# --8<-- [start:vjp]
def softmax_vjp(z, dy, axis=-1):
    """z-bar = (dp/dz)^T dy = p * (dy - sum_j dy_j p_j) along `axis`, for
    dy = dE/dp, the upstream gradient p-bar: the backward pass of softmax,
    for a batch, without building any K x K Jacobian."""
    z, dy = _classes(z, axis, "softmax_vjp"), _as_float(dy)
    # Broadcasting would accept a dy of shape (K,) or (1, K) and return a
    # product of the wrong shape without an error.
    if dy.shape != z.shape:
        raise ValueError(f"softmax_vjp: dy must have the shape of z, {z.shape}; got {dy.shape}")
    dtype = np.result_type(z, dy)
    work = np.promote_types(dtype, np.float64)
    p = softmax(z.astype(work), axis=axis)
    dy = dy.astype(work)
    # dp/dz is symmetric, so no transpose is needed; dy - dy.p cancels when dy is nearly constant
    # along the axis: that loss is in the problem, not in the formula.
    return (p * (dy - _sum(dy * p, axis))).astype(dtype)
# --8<-- [end:vjp]


# --8<-- [start:naive]
def softmax_naive(z, axis=-1):
    """The textbook formula, kept to show where it fails."""
    z = _as_float(z)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)
# --8<-- [end:naive]
