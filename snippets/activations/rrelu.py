# RReLU: leaky ReLU with a random negative slope while training and the mean
# slope at evaluation, with both backward passes. Standalone: NumPy only.

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


def _check_bounds(lower, upper):
    if not lower <= upper:
        raise ValueError(f"need lower <= upper, got lower={lower}, upper={upper}")


def rrelu(x, lower=1 / 8, upper=1 / 3, training=False, rng=None):
    """Evaluation (the default): x for x >= 0, a x for x < 0 with the mean slope
    a = (lower + upper) / 2, a pure function of x. With training=True: a slope
    drawn per element from U(lower, upper) with the np.random.Generator rng;
    use rrelu_train directly to keep the slopes for the backward pass."""
    if training:
        return rrelu_train(x, lower, upper, rng)[0]
    x = _as_float(x)
    _check_bounds(lower, upper)
    # The mean slope and its product with x are formed in float64 and the
    # product rounded once to x's dtype.
    a = (np.float64(lower) + np.float64(upper)) / 2
    if a == 0:
        # a x is 0 * inf = NaN at x = +-inf: pick per element, and replace
        # 0 * (-inf) by its limit, 0.
        with np.errstate(invalid="ignore"):
            y = np.where(x < 0, a * x, x).astype(x.dtype)
        return np.where(np.isneginf(x), 0, y)[()]
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


def rrelu_grad(x, lower=1 / 8, upper=1 / 3):
    """d/dx at evaluation: 1 for x > 0, the mean slope (lower + upper) / 2 for x <= 0."""
    x = _as_float(x)
    _check_bounds(lower, upper)
    a = (np.float64(lower) + np.float64(upper)) / 2
    # At the kink we take the left slope, as PyTorch does.
    return _one_or_slope(x, np.asarray(a))[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def rrelu_grad_from_output(y, lower=1 / 8, upper=1 / 3):
    """d/dx at evaluation from the output y = rrelu(x); needs lower + upper >= 0."""
    y = _as_float(y)
    _check_bounds(lower, upper)
    a = (np.float64(lower) + np.float64(upper)) / 2
    # With a >= 0 the sign of y gives the branch: y > 0 exactly when x > 0.
    if a < 0:
        raise ValueError("mean slope < 0: y does not determine the slope; use rrelu_grad(x)")
    return _one_or_slope(y, np.asarray(a))[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:train]
def rrelu_train(x, lower=1 / 8, upper=1 / 3, rng=None):
    """Training forward: (y, slopes). One slope per element of x, drawn from
    U(lower, upper) with rng (a seeded np.random.Generator, so a run can be
    repeated); y = x where x > 0, slope * x elsewhere. Keep the slopes: the
    backward pass must use the same ones."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError("pass rng=np.random.default_rng(seed): training draws random slopes")
    x = _as_float(x)
    _check_bounds(lower, upper)
    # Drawn for every element, whatever its sign, so that the draws depend
    # on the seed and the shape only, not on the data.
    slopes = rng.uniform(lower, upper, size=x.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        y = np.where(x < 0, slopes * x, x).astype(x.dtype)
    return np.where(np.isneginf(x) & (slopes == 0), 0, y)[()], slopes[()]


def rrelu_train_backward(dy, slopes, x):
    """dE/dx = dy * (1 where x > 0, else the slope drawn in the forward pass),
    for dy = dE/dy, the upstream gradient; at x = 0 the drawn slope, as PyTorch does."""
    dy, x = _as_float(dy), _as_float(x)
    local = np.where(x > 0, 1.0, np.where(np.isnan(x), np.nan, slopes))
    with np.errstate(over="ignore"):
        return (dy.astype(np.float64) * local).astype(np.result_type(dy, x))[()]
# --8<-- [end:train]


# --8<-- [start:naive]
def rrelu_naive(x, lower=1 / 8, upper=1 / 3):
    """The branch-free evaluation form with |x|, kept to show where it fails."""
    x = _as_float(x)
    a = (lower + upper) / 2
    return ((1 + a) * x + (1 - a) * np.abs(x)) / 2
# --8<-- [end:naive]
