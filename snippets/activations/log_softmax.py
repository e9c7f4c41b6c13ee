# Log-softmax, its Jacobian and its vector-Jacobian product, stable for every float input.
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


def _parts(z):
    """For vectors along the last axis, in float64 (or wider):
    d, r with d + r == z - max(z) exactly, e = exp(z - max(z)), and
    others = the sum of e without one maximal entry, so that the sum of all
    e is 1 + others. Rows whose max is not finite (a NaN or a +inf in the
    row, or only -inf) get NaN in d and e: the limits settle those."""
    # float16 and float32 are worked in float64: the result is then rounded once.
    z = z.astype(np.promote_types(z.dtype, np.float64))
    m = np.max(z, axis=-1, keepdims=True)
    finite = np.isfinite(m)
    z, m = np.where(finite, z, 0.0), np.where(finite, m, 0.0)
    # z - m overflows to -inf only when the true difference is below -max
    # (z = -1e308, m = 1e308): -inf is then the rounded value of z - m, and
    # exp(-inf) = 0 that of exp(z - m), so the overflow is harmless.
    with np.errstate(over="ignore"):
        kept = np.isfinite(z - m)  # drops -inf entries and those overflows
    # fl(z - m) is off by up to half an ULP of m: 5.7e-14 at m = 700,
    # hundreds of ULP of exp(z - m). TwoSum gives d + r == z - m exactly,
    # and exp(d + r) = exp(d) * (1 + r + ...) with |r| < 2**-44.
    d, r = _two_sum(np.where(kept, z, m), -m)
    d, r = np.where(kept, d, -np.inf), np.where(kept, r, 0.0)
    e = np.exp(d)
    e = e + e * r
    # The first maximal entry contributes exactly 1 to the sum.
    first = np.arange(z.shape[-1]) == np.argmax(z, axis=-1)[..., None]
    others = _sum(np.where(first, 0.0, e), -1)
    nan = ~finite
    return np.where(nan, np.nan, d), np.where(nan, 0.0, r), np.where(nan, np.nan, e), others


def _limit_softmax(z):
    """softmax along the last axis of rows whose max is not finite."""
    top = z == np.inf
    n = np.sum(top, axis=-1, keepdims=True)
    # +inf entries share the mass equally (the limit as they grow together);
    # a row of -inf only is 0/0 and a NaN has no limit: both give NaN.
    defined = (n > 0) & ~np.any(np.isnan(z), axis=-1, keepdims=True)
    return np.where(defined, top / np.maximum(n, 1), np.nan)


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


def log_softmax(z, axis=-1):
    """y_i = z_i - log(sum_k exp(z_k)) along `axis`, without overflow for any z."""
    z = _classes(z, axis, "log_softmax")
    moved = np.moveaxis(z, axis, -1)
    d, r, e, others = _parts(moved)
    # log of the sum 1 + others: log1p keeps the digits of a small `others`
    # (a dominant entry, whose y is about -others). d <= 0 and the log >= 0,
    # so d - log1p(others) adds two terms of one sign: nothing cancels.
    y = (d - np.log1p(others)) + r
    # Rows the formula cannot do: log of the limit of softmax. 0 -> -inf.
    p = _limit_softmax(moved)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the limit, exactly
        limit = np.log(p)
    y = np.where(np.isnan(e), limit, y)
    # y < -max(dtype) happens where z_i - max(z) does (float32: -3e38 next
    # to 3e38): -inf is then the rounded value of y, and the cast gives it.
    with np.errstate(over="ignore"):
        return np.moveaxis(y, -1, axis).astype(z.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def log_softmax_jacobian(z):
    """The Jacobian dy/dz for one vector z (K x K): entry [i, j] is
    dy_i/dz_j = [i = j] - p_j, where p = softmax(z)."""
    z = _as_float(z)
    if z.ndim != 1:
        raise ValueError(
            f"log_softmax_jacobian takes one vector z (1-D), got {z.ndim}-D; for a batch use log_softmax_vjp"
        )
    if z.size == 0:
        raise ValueError("log_softmax_jacobian: the class axis (axis=0) is empty")
    d, r, e, others = _parts(z)
    if np.isnan(e).any():
        # Limits (0, 1/n, 1) are exact, so 1 - p has nothing to cancel.
        p = _limit_softmax(z)
        return (np.eye(z.size) - p).astype(z.dtype)
    total = 1 + others
    p = e / total
    # 1 - p_i computed as such is 0 once p_i rounds to 1, and has few correct
    # digits before that; the sum of the other terms over the total has them all.
    rest = _sum(np.where(np.eye(z.size, dtype=bool), 0.0, e), -1)[:, 0] / total
    jacobian = np.broadcast_to(-p, (z.size, z.size)).copy()
    np.fill_diagonal(jacobian, rest)
    return jacobian.astype(z.dtype)
# --8<-- [end:grad]


# --8<-- [start:vjp]
def log_softmax_vjp(z, dy, axis=-1):
    """dE/dz = dy - p * sum_i dy_i along `axis`, with p = softmax(z), for
    dy = dE/dy, the upstream gradient ȳ: the backward pass of
    log_softmax, for a batch, without any K x K matrix."""
    z, dy = _classes(z, axis, "log_softmax_vjp"), _as_float(dy)
    # Broadcasting would accept a dy of shape (K,) or (1, K) and return a
    # product of the wrong shape without an error.
    if dy.shape != z.shape:
        raise ValueError(f"log_softmax_vjp: dy must have the shape of z, {z.shape}; got {dy.shape}")
    dtype = np.result_type(z, dy)
    work = np.promote_types(dtype, np.float64)
    z, dy = np.moveaxis(z, axis, -1), np.moveaxis(dy, axis, -1).astype(work)
    d, r, e, others = _parts(z)
    p = np.where(np.isnan(e), _limit_softmax(z), e / (1 + others))
    # sum(dy) can overflow where dE/dz does not: dy = (1e308, 1e308) and
    # p = (1/2, 1/2) give 0. Rows whose sum could pass 2**1020 are scaled
    # by a power of 2, which is exact (entries far below the largest
    # may round, by less than a smallest subnormal times 2**k).
    _, exponent = np.frexp(np.max(np.abs(dy), axis=-1, keepdims=True))
    k = np.maximum(exponent + int(np.ceil(np.log2(dy.shape[-1]))) - 1020, 0)
    dy = np.ldexp(dy, -k)
    # dy_j - p_j * sum(dy) cancels when dy_j is close to p_j * sum(dy) (a
    # cross-entropy gradient near the optimum): that loss is in the problem.
    v = dy - p * _sum(dy, -1)
    # Scaling back, or the cast to float32, overflows only where the exact
    # dE/dz is past the largest float: inf is then its rounded value.
    with np.errstate(over="ignore"):
        return np.moveaxis(np.ldexp(v, k), -1, axis).astype(dtype)
# --8<-- [end:vjp]


# --8<-- [start:grad_from_output]
def log_softmax_vjp_from_output(y, dy, axis=-1):
    """dE/dz = dy - exp(y) * sum_i dy_i from the forward output y = log_softmax(z)
    and dy = dE/dy, the upstream gradient ȳ."""
    y, dy = _classes(y, axis, "log_softmax_vjp_from_output"), _as_float(dy)
    if dy.shape != y.shape:
        raise ValueError(
            f"log_softmax_vjp_from_output: dy must have the shape of y, {y.shape}; got {dy.shape}"
        )
    return dy - np.exp(y) * np.sum(dy, axis=axis, keepdims=True)
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def log_softmax_naive(z, axis=-1):
    """log(softmax(z)) with the textbook softmax, kept to show where it fails."""
    z = _as_float(z)
    e = np.exp(z)
    return np.log(e / np.sum(e, axis=axis, keepdims=True))


def log_softmax_shift_only(z, axis=-1):
    """The usual max-shifted form: no overflow, but log(1 + tiny) loses it all."""
    z = _as_float(z)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
# --8<-- [end:naive]
