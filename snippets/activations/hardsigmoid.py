# Hard sigmoid, PyTorch's definition min(max(0, x + 3), 6) / 6, and its derivative.
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


def hardsigmoid(x):
    """min(max(0, x + 3), 6) / 6: 0 for x <= -3, 1 for x >= 3, x/6 + 1/2 between."""
    x = _as_float(x)
    # float32 and float64 in their own arithmetic: two roundings, within
    # about 1 ULP, and no float64 copy of a float32 array. float16 goes
    # through float32 and is rounded once at the end.
    # x + 3 first: near x = -3 it is exact (Sterbenz), so the small outputs
    # there keep full relative accuracy; x/6 + 1/2 would cancel instead.
    # One new array, changed in place; np.clip propagates NaN.
    work = np.promote_types(x.dtype, np.float32)
    y = np.add(x, 3, out=np.empty(x.shape, work), dtype=work)
    np.clip(y, 0, 6, out=y)
    y /= 6
    return y.astype(x.dtype, copy=False)[()]
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


def _sixth_inside(x):
    """1/6 (rounded to x's dtype) for -3 < x < 3, else 0; NaN where x is NaN."""
    inside = np.greater(x, -3)
    inside &= x < 3  # in place: no third boolean array
    return _nan_back(np.multiply(inside, x.dtype.type(1 / 6)), x)


def hardsigmoid_grad(x):
    """d/dx: 1/6 for -3 < x < 3, else 0 (also at the kinks -3 and 3)."""
    x = _as_float(x)
    # At both kinks we take the flat side's slope, 0, as PyTorch and JAX do.
    return _sixth_inside(x)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def hardsigmoid_grad_from_output(y):
    """d/dx from the output y = hardsigmoid(x): 1/6 where 0 < y < 1, else 0."""
    y = _as_float(y)
    # y = 1 also for the x just below 3 whose output rounds up to 1:
    # there this returns 0 where the slope is 1/6 (see the page).
    inside = np.greater(y, 0)
    inside &= y < 1
    return _nan_back(np.multiply(inside, y.dtype.type(1 / 6)), y)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def hardsigmoid_naive(x):
    """The slope-intercept form x/6 + 1/2, clipped; kept to show where it fails."""
    x = _as_float(x)
    return np.clip(x / 6 + 0.5, 0, 1)
# --8<-- [end:naive]
