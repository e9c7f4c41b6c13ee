# Logistic sigmoid and its derivative, stable for every float input.
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


def sigmoid(x):
    """sigma(x) = 1 / (1 + exp(-x)), without overflow for any x."""
    x = _as_float(x)
    # float16 has no kernels of its own: work in float32, round once.
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # 1 / (1 + e^-x) keeps full relative accuracy on both sides: on the
    # left e^-x is large and 1 + e^-x rounds once; nothing cancels.
    # In place, one array: four passes over memory and no temporaries.
    s = np.empty_like(w)
    np.negative(w, out=s)
    # e^-x overflows only for x < -709 (float64) or -88 (float32), where
    # 1 / (1 + inf) = 0 while sigma(x) = e^x is still a (subnormal) number.
    with np.errstate(over="ignore"):
        np.exp(s, out=s)
    s += 1
    np.divide(1, s, out=s)
    # Those rare x are redone as e^x (1 + e^x rounds to 1 there). fmin
    # skips NaN, so the check costs one fast pass and usually finds none.
    cut = -np.floor(np.log(np.finfo(w.dtype).max))
    if np.fmin.reduce(w, axis=None, initial=np.inf) < cut:
        far = w < cut
        s[far] = np.exp(w[far])
    return s.astype(x.dtype, copy=False)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def sigmoid_grad(x):
    """d sigma / dx = sigma(x) * (1 - sigma(x)), written as z / (1 + z)^2."""
    x = _as_float(x)
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # With z = exp(-|x|) the slope is z / (1 + z)^2 on both sides (it is even),
    # and no 1 - sigma(x) is formed: that difference is 0 once sigma rounds to 1.
    # z lies in [0, 1]: nothing overflows. Two arrays, updated in place.
    z = np.abs(w, out=np.empty_like(w))
    np.negative(z, out=z)
    np.exp(z, out=z)
    d = np.add(z, 1, out=np.empty_like(z))
    np.multiply(d, d, out=d)
    np.divide(z, d, out=z)
    return z.astype(x.dtype, copy=False)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def sigmoid_grad_from_output(y):
    """d sigma / dx from the forward output y = sigma(x): y * (1 - y)."""
    y = _as_float(y)
    return (y * (1 - y))[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def sigmoid_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return 1 / (1 + np.exp(-x))
# --8<-- [end:naive]
