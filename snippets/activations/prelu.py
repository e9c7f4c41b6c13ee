# PReLU: max(0, x) + alpha * min(0, x) with a learned slope alpha, and its
# derivatives in x and in alpha. Standalone: NumPy only.

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


def prelu(x, alpha=0.25):
    """max(0, x) + alpha * min(0, x): x for x >= 0, alpha * x for x < 0; NaN stays NaN.

    alpha is a number, or an array that broadcasts against x (one slope per channel)."""
    x = _as_float(x)
    # The product is formed in float64 and rounded once to x's dtype,
    # so alpha is not rounded to float16 or float32 first.
    a = np.asarray(alpha, dtype=np.float64)
    if a.ndim or a == 0:
        # One alpha per channel, or alpha = 0: pick per element. 0 * (-inf)
        # is the one invalid product; it is replaced below by its limit, 0.
        with np.errstate(over="ignore", invalid="ignore"):
            y = np.where(x < 0, a * x, x).astype(x.dtype)
        return np.where(np.isneginf(x) & (a == 0), 0, y)[()]
    # For a <= 1 the branch x < 0 is the larger of x and a x, for a > 1 the
    # smaller; rounding a x keeps that order, since x itself is a float.
    # An overflow (possible only for |a| > 1) has +-inf as its correctly
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


def prelu_grad(x, alpha=0.25):
    """d/dx: 1 for x > 0, alpha for x < 0, and alpha at x = 0."""
    x = _as_float(x)
    # At the kink we take the left slope, as PyTorch does.
    return _one_or_slope(x, np.asarray(alpha, dtype=np.float64))[()]


def prelu_grad_alpha(x, alpha=0.25):
    """d/d alpha, elementwise: min(0, x). It does not depend on alpha."""
    x = _as_float(x)
    # np.minimum keeps NaN (np.fmin would not) and x's dtype.
    return np.minimum(x, 0)[()]


def prelu_grad_alpha_batch(x, dy, channel_axis=None):
    """dE/d alpha for one alpha shared by all of x: the sum of dy * min(0, x).

    dy = dE/dy is the upstream gradient (y-bar on the page), the shape of x.
    With one alpha per channel, channel_axis names the axis of x the channels
    run along, and the sum runs over every other axis: one gradient per channel."""
    x, dy = _as_float(x), _as_float(dy)
    if x.shape != dy.shape:
        raise ValueError(f"x has shape {x.shape} and dy has shape {dy.shape}; they must match")
    # Accumulate in float64: a float16 sum over a batch overflows or stalls.
    terms = dy.astype(np.float64) * np.minimum(x.astype(np.float64), 0)
    axes = None if channel_axis is None else tuple(i for i in range(x.ndim) if i != channel_axis % x.ndim)
    return np.sum(terms, axis=axes).astype(np.result_type(x, dy))[()]
# --8<-- [end:grad]


# --8<-- [start:naive]
def prelu_naive(x, alpha=0.25):
    """The branch-free form with |x|, kept to show where it fails."""
    x = _as_float(x)
    return (x + np.abs(x)) / 2 + alpha * (x - np.abs(x)) / 2
# --8<-- [end:naive]
