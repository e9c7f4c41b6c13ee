# Hardtanh: x clipped to [min_val, max_val], and its derivatives.
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


def _bounds(min_val, max_val):
    """The bounds as float64 arrays, checked."""
    # Comparisons between a float32 (or float16) x and a float64 bound are
    # exact; in x's dtype, a bound such as 0.7 would be rounded first and
    # an x next to it could land on the wrong side.
    lo = np.asarray(min_val, dtype=np.float64)
    hi = np.asarray(max_val, dtype=np.float64)
    if np.any(lo > hi):
        raise ValueError("min_val must not exceed max_val")
    return lo, hi


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x clipped to [min_val, max_val]; NaN stays NaN."""
    x = _as_float(x)
    lo, hi = _bounds(min_val, max_val)
    # No arithmetic: the only rounding is of a bound, once, to x's dtype.
    # A bound beyond that dtype's range (1e5 in float16) becomes ±inf, its
    # correctly rounded value.
    with np.errstate(over="ignore"):
        lo_x, hi_x = lo.astype(x.dtype), hi.astype(x.dtype)
    # Clipping to the rounded bounds gives the same numbers: no number of
    # x's dtype lies strictly between a bound and its rounded value, so the
    # only x that may land on the other side is the rounded bound itself.
    # np.clip propagates NaN.
    return np.clip(x, lo_x, hi_x)[()]
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


def _floor_ceil(lo, hi, dtype):
    """The largest number of dtype <= lo and the smallest >= hi."""
    # For x of that dtype, x > lo exactly when x > floor, and x < hi exactly
    # when x < ceil: the comparisons run in x's own dtype and stay exact.
    with np.errstate(over="ignore"):
        lo_x, hi_x = lo.astype(dtype), hi.astype(dtype)
    lo_x = np.where(lo_x > lo, np.nextafter(lo_x, dtype.type(-np.inf)), lo_x)
    hi_x = np.where(hi_x < hi, np.nextafter(hi_x, dtype.type(np.inf)), hi_x)
    return lo_x.astype(dtype), hi_x.astype(dtype)


def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    """d/dx: 1 for min_val < x < max_val, else 0 (also at both kinks)."""
    x = _as_float(x)
    lo, hi = _floor_ceil(*_bounds(min_val, max_val), x.dtype)
    # At x = min_val and x = max_val we take the saturated side's slope, 0,
    # as PyTorch does (JAX returns 1 there).
    inside = np.greater(x, lo)
    inside &= x < hi  # in place: no third boolean array
    return _nan_back(inside.astype(x.dtype), x)[()]


def hardtanh_grad_min_val(x, min_val=-1.0, max_val=1.0):
    """d/d min_val: 1 where the output is min_val (x <= min_val), else 0."""
    x = _as_float(x)
    lo, hi = _floor_ceil(*_bounds(min_val, max_val), x.dtype)
    # The three slopes add up to 1 at every x, kinks included: moving x and
    # both bounds together moves the output by the same amount.
    return _nan_back(np.less_equal(x, lo, out=np.empty_like(x)), x)[()]


def hardtanh_grad_max_val(x, min_val=-1.0, max_val=1.0):
    """d/d max_val: 1 where the output is max_val (x >= max_val), else 0."""
    x = _as_float(x)
    lo, hi = _floor_ceil(*_bounds(min_val, max_val), x.dtype)
    # With min_val == max_val the point x = min_val already counts for
    # min_val; counting it here too would make the three slopes add up to 2.
    at_max = np.greater_equal(x, hi)
    at_max &= x > lo
    return _nan_back(at_max.astype(x.dtype), x)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def hardtanh_grad_from_output(y, min_val=-1.0, max_val=1.0):
    """d/dx from the output y = hardtanh(x): 1 where y lies strictly between the bounds."""
    y = _as_float(y)
    lo, hi = _bounds(min_val, max_val)
    # y holds a bound rounded to y's dtype where x was clipped: compare with
    # the bounds rounded the same way. Exact when the bounds are numbers of
    # y's dtype (the defaults are); otherwise see the page for the one x it misses.
    with np.errstate(over="ignore"):  # as in hardtanh: ±inf is the rounded bound
        inside = np.greater(y, lo.astype(y.dtype))
        inside &= y < hi.astype(y.dtype)
    return _nan_back(inside.astype(y.dtype), y)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def hardtanh_naive(x, min_val=-1.0, max_val=1.0):
    """The branch-free textbook identity, kept to show where it fails."""
    x = _as_float(x)
    a, b = min_val, max_val
    return (np.abs(x - a) - np.abs(x - b) + a + b) / 2
# --8<-- [end:naive]
