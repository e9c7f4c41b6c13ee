# Soft shrinkage (soft thresholding): x - lambd, 0 or x + lambd, and its derivatives.
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


def softshrink(x, lambd=0.5):
    """x - lambd for x > lambd, x + lambd for x < -lambd, 0 in between."""
    x = _as_float(x)
    lam = _threshold(lambd)
    with np.errstate(over="ignore"):
        lam_x = lam.astype(x.dtype)
    if lam.ndim == 0 and lam_x == lam and np.isfinite(lam_x):
        # lambd is a number of x's dtype (0.5 is): then x - clip(x, -lambd,
        # lambd) rounds x - lambd once, in x's own dtype, and is exactly 0 in
        # the middle; ±inf stays ±inf and NaN stays NaN.
        y = np.clip(x, -lam_x, lam_x, out=np.empty_like(x))
        return np.subtract(x, y, out=y)[()]
    # Otherwise in float64 for every input dtype: lambd is not rounded to float32
    # first, so x - lambd is rounded once, to x's dtype, even for x next
    # to lambd. There x - lambd is exact in float64 (Sterbenz) and never 0.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    y = np.where(w > lam, w - lam, np.where(w < -lam, w + lam, 0.0))
    # Both comparisons are false for NaN: pass it on, rather than return 0.
    return np.where(np.isnan(w), w, y).astype(x.dtype)[()]
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


def softshrink_grad(x, lambd=0.5):
    """d/dx: 1 for |x| > lambd, else 0 (also at x = -lambd and x = lambd)."""
    x = _as_float(x)
    lam = _floor(_threshold(lambd), x.dtype)
    # At the kinks we take the flat middle's slope, 0, as PyTorch does.
    outside = np.greater(x, lam)
    outside |= x < -lam  # in place: no third boolean array
    return _nan_back(outside.astype(x.dtype), x)[()]


def softshrink_grad_lambd(x, lambd=0.5):
    """d/d lambd: -1 for x > lambd, +1 for x < -lambd, else 0."""
    x = _as_float(x)
    lam = _floor(_threshold(lambd), x.dtype)
    # 0 at the kinks, as for d/dx: then x f_x + lambd f_lambd = f holds there
    # too (scaling x and lambd together scales the output).
    slope = np.less(x, -lam, out=np.empty_like(x))
    slope -= x > lam
    return _nan_back(slope, x)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def softshrink_grad_from_output(y, lambd=0.5):
    """d/dx from the output y = softshrink(x): 1 where y != 0, else 0."""
    y = _as_float(y)
    # y is 0 exactly on [-lambd, lambd]: outside, x - lambd (or x + lambd)
    # is a difference of two different floats, never 0.
    return _nan_back(np.not_equal(y, 0, out=np.empty_like(y)), y)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def softshrink_naive(x, lambd=0.5):
    """x minus x clipped to [-lambd, lambd], in x's own dtype; kept to show where it fails."""
    x = _as_float(x)
    return x - np.clip(x, -lambd, lambd)
# --8<-- [end:naive]
