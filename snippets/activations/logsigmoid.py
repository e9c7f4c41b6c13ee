# Log-sigmoid, log(sigma(x)) = -softplus(-x), and its derivative, stable for every float input.
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


def logsigmoid(x):
    """log(sigma(x)) = -ln(1 + e^-x), without overflow or log(0) for any x."""
    x = _as_float(x)
    # float16 has no kernels of its own: work in float32, round once.
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # -ln(1 + e^-x) = -log1p(e^-x): log1p keeps the tiny values of the right
    # tail, where 1 + e^-x rounds to 1. Below x = -50 the result rounds to x
    # in every float type (e^-50 is below half an ULP of 50), so x is capped
    # there, where e^-x cannot overflow, and min(result, x) puts x back.
    # In place, one array: six passes over memory.
    y = np.maximum(w, -50, out=np.empty_like(w))
    np.negative(y, out=y)
    np.exp(y, out=y)
    np.log1p(y, out=y)
    np.negative(y, out=y)
    np.minimum(y, w, out=y)
    return y.astype(x.dtype, copy=False)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def logsigmoid_grad(x):
    """d logsigmoid / dx = 1 - sigma(x) = sigma(-x)."""
    x = _as_float(x)
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # sigma(-x) = 1 / (1 + e^x) keeps full relative accuracy on both sides:
    # on the right e^x is large and 1 + e^x rounds once. No 1 - sigma(x) is
    # formed: that difference is 0 once sigma(x) rounds to 1.
    s = np.empty_like(w)
    # e^x overflows only for x > 709 (float64) or 88 (float32), where
    # 1 / (1 + inf) = 0 while sigma(-x) = e^-x is still a (subnormal) number.
    with np.errstate(over="ignore"):
        np.exp(w, out=s)
    s += 1
    np.divide(1, s, out=s)
    # Those rare x are redone as e^-x (1 + e^-x rounds to 1 there). fmax
    # skips NaN, so the check costs one fast pass and usually finds none.
    cut = np.floor(np.log(np.finfo(w.dtype).max))
    if np.fmax.reduce(w, axis=None, initial=-np.inf) > cut:
        far = w > cut
        s[far] = np.exp(-w[far])
    return s.astype(x.dtype, copy=False)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def logsigmoid_grad_from_output(y):
    """d logsigmoid / dx from the output y = logsigmoid(x): 1 - e^y."""
    y = _as_float(y)
    w = y.astype(np.promote_types(y.dtype, np.float64))
    # e^y = sigma(x), so the slope 1 - sigma(x) is 1 - e^y; expm1 computes
    # e^y - 1 without cancellation when y is close to 0 (x large).
    return (-np.expm1(w)).astype(y.dtype)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def logsigmoid_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return np.log(1 / (1 + np.exp(-x)))
# --8<-- [end:naive]
