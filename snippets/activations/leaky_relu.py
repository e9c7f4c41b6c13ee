# Leaky ReLU: x for x >= 0, negative_slope * x for x < 0, and its derivative.
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


def leaky_relu(x, negative_slope=0.01):
    """x for x >= 0, negative_slope * x for x < 0; NaN stays NaN."""
    x = _as_float(x)
    # The product is formed in float64 and rounded once to x's dtype,
    # so the slope is not rounded to float16 or float32 first.
    a = np.asarray(negative_slope, dtype=np.float64)
    if a.ndim or a == 0:
        # Slopes per element, or a = 0: pick per element. 0 * (-inf) is the
        # one invalid product; it is replaced below by its limit, 0.
        with np.errstate(over="ignore", invalid="ignore"):
            y = np.where(x < 0, x * a, x).astype(x.dtype)
        return np.where(np.isneginf(x) & (a == 0), 0, y)[()]
    # For a <= 1 the branch x < 0 is the larger of x and a x, for a > 1 the
    # smaller; rounding a x keeps that order, since x itself is a float.
    # An overflow (possible only for |a| > 1) has ±inf as its correctly
    # rounded value, and is kept only where it is the answer.
    # Where a is a number of x's dtype, x's own multiply also rounds the
    # exact product once, and float32 need not go through float64.
    with np.errstate(over="ignore"):
        loop = x.dtype if a.astype(x.dtype) == a else np.float64
        y = np.multiply(x, a, out=np.empty_like(x), dtype=loop)
    return (np.maximum(y, x, out=y) if a <= 1 else np.minimum(y, x, out=y))[()]
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


# stamp: _one_or_slope, from snippets/_shared.py (python -m sitekit.stamp)
def _one_or_slope(x, a):
    """1 where x > 0, a elsewhere, NaN where x is NaN; a rounded to x's dtype."""
    # A slope beyond the range of x's dtype rounds to +-inf, its correctly
    # rounded value.
    with np.errstate(over="ignore"):
        a = a.astype(x.dtype)
    if a.ndim or not np.isfinite(a):  # slopes per element, or 0 * inf below
        return np.where(x > 0, 1, np.where(np.isnan(x), x, a)).astype(x.dtype)
    # (x <= 0) a + (x > 0) is exact: 0 a + 1 = 1, and 1 a + 0 = a.
    # One float array, changed in place.
    g = np.less_equal(x, 0, out=np.empty_like(x))
    g *= a
    g += x > 0
    return _nan_back(g, x)
# end stamp: _one_or_slope


def leaky_relu_grad(x, negative_slope=0.01):
    """d/dx: 1 for x > 0, negative_slope for x < 0, and negative_slope at x = 0."""
    x = _as_float(x)
    # At the kink we take the left slope, as PyTorch does (JAX returns 1).
    return _one_or_slope(x, np.asarray(negative_slope, dtype=np.float64))[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def leaky_relu_grad_from_output(y, negative_slope=0.01):
    """d/dx from the output y = leaky_relu(x); needs negative_slope >= 0."""
    y = _as_float(y)
    a = np.asarray(negative_slope, dtype=np.float64)
    # With a >= 0 the sign of y gives the branch: y > 0 exactly when x > 0.
    # With a < 0 a positive y also comes from x < 0, and y cannot tell which.
    if np.any(a < 0):
        raise ValueError("negative_slope < 0: y does not determine the slope; "
                         "use leaky_relu_grad(x)")
    return _one_or_slope(y, a)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def leaky_relu_naive(x, negative_slope=0.01):
    """The branch-free textbook form, kept to show where it fails."""
    x = _as_float(x)
    a = negative_slope
    return ((1 + a) * x + (1 - a) * np.abs(x)) / 2
# --8<-- [end:naive]
