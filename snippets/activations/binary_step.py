# Binary (Heaviside) step and its derivative, 0 wherever it is a number.
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


# stamp: _nan_back, from snippets/_shared.py (python -m sitekit.stamp)
def _nan_back(g, x):
    """g with NaN put back where x is NaN: a comparison gives 0 there."""
    # One reduction tells whether x holds any NaN at all; NaN is the rare
    # case, so this costs less than building a NaN mask every time.
    if np.isnan(np.min(x, initial=0)):
        return np.where(np.isnan(x), x, g)
    return g
# end stamp: _nan_back


def binary_step(x):
    """H(x) = 1 for x >= 0 (so H(0) = H(-0.0) = 1), 0 for x < 0; NaN stays NaN."""
    x = _as_float(x)
    # The comparison writes 0.0 and 1.0 straight into a float array; it
    # turns NaN into 0, so NaN is put back. (np.heaviside(x, 1) does both,
    # but one element at a time, about ten times slower.)
    return _nan_back(np.greater_equal(x, 0, out=np.empty_like(x)), x)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def binary_step_grad(x):
    """dH/dx = 0 for every x != 0, and 0 by convention at x = 0."""
    x = _as_float(x)
    # Not x * 0: that is NaN at ±inf. clip(x, 0, 0) is 0 for every x and
    # NaN where x is NaN, in one pass that reads x and writes the result.
    return np.clip(x, 0, 0, out=np.empty_like(x))[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def binary_step_grad_from_output(y):
    """dH/dx from the output y = H(x): 0 again, since the slope is 0 everywhere."""
    y = _as_float(y)
    return np.clip(y, 0, 0, out=np.empty_like(y))[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def binary_step_naive(x):
    """The one-line formula, kept to show where it fails."""
    x = _as_float(x)
    return np.where(x >= 0, 1.0, 0.0)
# --8<-- [end:naive]
