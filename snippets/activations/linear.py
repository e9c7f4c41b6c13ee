# Linear (identity) activation f(x) = c * x and its derivative.
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


def linear(x, c=1.0):
    """f(x) = c * x, returned in the dtype of x."""
    x = _as_float(x)
    # The product is formed in float64 and rounded once to x's dtype:
    # c itself is not rounded to float16 first (1e5 would become inf there).
    c = np.asarray(c, dtype=np.float64)
    with np.errstate(over="ignore"):
        c_x = c.astype(x.dtype)
    if c.ndim == 0 and c != 0:
        # Where c is a number of x's dtype (1.0 is), x's own multiply also
        # rounds the exact product once, and float32 need not go through
        # float64. Beyond the largest float, ±inf is the correctly rounded
        # value; c != 0, so no 0 * inf.
        loop = x.dtype if c_x == c else np.float64
        with np.errstate(over="ignore"):
            return np.multiply(x, c, out=np.empty_like(x), dtype=loop)[()]
    # Where |c * x| exceeds the largest float, the exact value has no finite
    # representation and ±inf is its correctly rounded value, so the overflow
    # warning carries no news. 0 * (±inf) is the one invalid product; it is
    # replaced below by its limit, 0.
    with np.errstate(over="ignore", invalid="ignore"):
        y = (x * c).astype(x.dtype)
    return np.where(np.isinf(x) & (c == 0), 0, y)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def linear_grad(x, c=1.0):
    """df/dx = c for every x: an array shaped like x, in its dtype (NaN stays NaN)."""
    x = _as_float(x)
    # A slope c beyond the range of x's dtype (float16 tops out at 65504)
    # rounds to ±inf, its correctly rounded value.
    with np.errstate(over="ignore"):
        c = np.asarray(c, dtype=np.float64).astype(x.dtype)
    # clip(x, c, c) is c for every x, ±inf included, and NaN where x is NaN:
    # one pass that reads x and writes the result, as fast as a copy.
    return np.clip(x, c, c, out=np.empty_like(x))[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def linear_grad_from_output(y, c=1.0):
    """df/dx from the output y = c * x: still c; y only passes on its NaNs."""
    return linear_grad(y, c)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def linear_naive(x, c=1.0):
    """The one-line formula, kept to show where it fails."""
    x = _as_float(x)
    return c * x
# --8<-- [end:naive]
