# ReLU6(x) = min(max(0, x), 6) and its derivative.
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


def relu6(x):
    """min(max(0, x), 6); NaN stays NaN, -0.0 gives +0.0."""
    x = _as_float(x)
    # np.clip propagates NaN (np.fmax and np.fmin would not). It returns
    # -0.0 as it is; adding +0 turns it into +0.0 and changes no other
    # value. In place: one new array, not two.
    y = np.clip(x, 0, 6)
    y += 0
    return y[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
# stamp: _nan_back, from snippets/_shared.py (python -m sitekit.stamp)
def _nan_back(g, x):
    """g with NaN put back where x is NaN: a comparison gives 0 there."""
    # One reduction tells whether x holds any NaN at all; NaN is the rare
    # case, so this costs less than building a NaN mask every time.
    if np.isnan(np.min(x, initial=0)):
        return np.where(np.isnan(x), x, g)
    return g
# end stamp: _nan_back


def _inside(x, lo, hi):
    """lo < x < hi as 0.0 or 1.0 in the dtype of x, NaN where x is NaN."""
    inside = np.greater(x, lo)
    inside &= x < hi  # in place: no third boolean array
    return _nan_back(inside.astype(x.dtype), x)


def relu6_grad(x):
    """dReLU6/dx: 1 for 0 < x < 6, else 0 (also at the kinks 0 and 6)."""
    x = _as_float(x)
    # At both kinks we take the flat side's slope, 0, as PyTorch and JAX do.
    return _inside(x, 0, 6)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def relu6_grad_from_output(y):
    """dReLU6/dx from the output y = relu6(x): 0 < y < 6 exactly when 0 < x < 6."""
    y = _as_float(y)
    return _inside(y, 0, 6)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def relu6_naive(x):
    """ReLU6 as a difference of two ReLUs, kept to show where it fails."""
    x = _as_float(x)
    return np.maximum(x, 0) - np.maximum(x - 6, 0)
# --8<-- [end:naive]
