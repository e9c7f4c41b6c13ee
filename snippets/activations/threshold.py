# Threshold (PyTorch's F.threshold): x where x > threshold, else value; and its derivative.
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


# stamp: _floor, from snippets/_shared.py (python -m sitekit.stamp)
def _floor(t, dtype):
    """The largest number of dtype <= t (t a float64 array)."""
    # For x of that dtype, x > t exactly when x > _floor(t): the comparison
    # runs in x's own dtype and stays exact. A threshold beyond the dtype's
    # range rounds to ±inf, its correctly rounded value.
    with np.errstate(over="ignore"):
        r = t.astype(dtype)
    return np.where(r > t, np.nextafter(r, dtype.type(-np.inf)), r).astype(dtype)
# end stamp: _floor


def threshold(x, threshold=0.0, value=0.0):
    """x where x > threshold, else value; NaN stays NaN."""
    x = _as_float(x)
    # Compared exactly, against _floor(threshold) in x's dtype: in float32
    # a threshold such as 0.1 rounded to nearest would be rounded up, and
    # the input float32(0.1), which lies above 0.1, would be replaced.
    t = _floor(np.asarray(threshold, dtype=np.float64), x.dtype)
    # A value beyond the range of x's dtype becomes ±inf, its correctly
    # rounded value.
    with np.errstate(over="ignore"):
        v = np.asarray(value, dtype=np.float64).astype(x.dtype)
    if t.ndim == 0 and v == t:
        # value = threshold (the default, 0): x > t gives x and x <= t gives
        # t, which is max(x, t). np.maximum propagates NaN, as PyTorch keeps
        # it; adding +0 turns a -0.0 it may return into +0.0.
        y = np.maximum(x, v, out=np.empty_like(x))
        y += 0
        return y[()]
    # NaN > t is false: NaN is kept explicitly, as PyTorch keeps it.
    kept = (x > t) | np.isnan(x)
    return np.where(kept, x, v).astype(x.dtype)[()]
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


def threshold_grad(x, threshold=0.0, value=0.0):
    """d/dx: 1 for x > threshold, else 0 (also at x = threshold)."""
    x = _as_float(x)
    t = _floor(np.asarray(threshold, dtype=np.float64), x.dtype)
    # At x = threshold the output is value, a constant: slope 0, as in PyTorch.
    return _nan_back(np.greater(x, t, out=np.empty_like(x)), x)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def threshold_grad_from_output(y, threshold=0.0, value=0.0):
    """d/dx from the output y = threshold(x); needs value <= threshold."""
    y = _as_float(y)
    t = np.asarray(threshold, dtype=np.float64)
    # With value <= threshold, y > threshold exactly when x > threshold
    # (unless rounding value to y's dtype lifts it above threshold, as
    # float32(0.1) lies above 0.1). With value > threshold, y = value also
    # comes from x = value, whose slope is 1: y cannot tell which.
    if np.any(np.asarray(value, dtype=np.float64) > t):
        raise ValueError("value > threshold: y does not determine the slope; use threshold_grad(x)")
    return _nan_back(np.greater(y, _floor(t, y.dtype), out=np.empty_like(y)), y)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def threshold_naive(x, threshold=0.0, value=0.0):
    """The branch-free mask formula, in x's own dtype; kept to show where it fails."""
    x = _as_float(x)
    return x * (x > threshold) + value * (x <= threshold)
# --8<-- [end:naive]
