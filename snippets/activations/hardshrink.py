# Hard shrinkage (hard thresholding): x where |x| > lambd, else 0; and its derivative.
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


# stamp: _threshold, from snippets/_shared.py (python -m sitekit.stamp)
def _threshold(lambd):
    """lambd as a float64 array, checked."""
    lambd = np.asarray(lambd, dtype=np.float64)
    if np.any(lambd < 0):
        raise ValueError("lambd must be >= 0")
    return lambd
# end stamp: _threshold


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


def _outside(x, lam):
    """|x| > lambd, compared exactly."""
    # Against _floor(lambd) in x's dtype, which is exact. In float32,
    # lambd = 0.1 rounded to nearest would be rounded up, and the input
    # float32(0.1), which lies above 0.1, would be zeroed: a jump in the wrong place.
    lam = _floor(lam, x.dtype)
    outside = np.greater(x, lam)
    outside |= x < -lam  # in place: no third boolean array
    return outside


def hardshrink(x, lambd=0.5):
    """x for |x| > lambd, 0 for -lambd <= x <= lambd (so 0 at both jumps); NaN stays NaN."""
    x = _as_float(x)
    lam = _threshold(lambd)
    if not np.all(np.isfinite(lam)):  # inf * 0 below would be NaN
        kept = _outside(x, lam) | np.isnan(x)
        return np.where(kept, x, 0).astype(x.dtype)[()]
    # x * 1 is x and x * 0 is ±0: ±inf are always kept, so never times 0,
    # and NaN * 0 is NaN, so NaN is passed on. Adding +0 turns -0.0 into 0.
    y = np.multiply(x, _outside(x, lam), out=np.empty_like(x))
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


def hardshrink_grad(x, lambd=0.5):
    """d/dx: 1 for |x| > lambd, 0 for |x| < lambd, and 0 by convention at x = ±lambd."""
    x = _as_float(x)
    # At the jumps we take 0, the slope of the zeroed middle, as PyTorch does.
    return _nan_back(_outside(x, _threshold(lambd)).astype(x.dtype), x)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def hardshrink_grad_from_output(y, lambd=0.5):
    """d/dx from the output y = hardshrink(x): 1 where y != 0, else 0."""
    y = _as_float(y)
    # A kept x is returned unchanged, and it is not 0 (|x| > lambd >= 0).
    return _nan_back(np.not_equal(y, 0, out=np.empty_like(y)), y)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def hardshrink_naive(x, lambd=0.5):
    """The one-line mask, compared in x's own dtype; kept to show where it fails."""
    x = _as_float(x)
    return np.where(np.abs(x) > lambd, x, 0)
# --8<-- [end:naive]
