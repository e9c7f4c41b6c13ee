# ReLU(x) = max(0, x) and its derivative, with the subgradient 0 at the kink.
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


def relu(x):
    """ReLU(x) = max(0, x); NaN stays NaN, -0.0 gives +0.0."""
    x = _as_float(x)
    # np.maximum propagates NaN (np.fmax would return 0 for it).
    # Which zero it returns for -0.0 depends on the dtype's kernel;
    # adding +0 turns -0.0 into +0.0 and leaves every other value as it is.
    # In place: one new array, not two.
    y = np.maximum(x, 0)
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


def relu_grad(x):
    """dReLU/dx: 1 for x > 0, 0 for x < 0, and the subgradient 0 at x = 0."""
    x = _as_float(x)
    # The comparison writes 0.0 and 1.0 straight into a float array.
    return _nan_back(np.greater(x, 0, out=np.empty_like(x)), x)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def relu_grad_from_output(y):
    """dReLU/dx from the output y = max(0, x): y > 0 exactly when x > 0."""
    y = _as_float(y)
    return _nan_back(np.greater(y, 0, out=np.empty_like(y)), y)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def relu_naive(x):
    """The mask formula, kept to show where it fails."""
    x = _as_float(x)
    return x * (x > 0)
# --8<-- [end:naive]
