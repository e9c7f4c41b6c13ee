# PReLU: max(0, x) + alpha * min(0, x) with a learned slope alpha, and its
# derivatives in x and in alpha. Standalone: NumPy only.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def prelu(x, alpha=0.25):
    """max(0, x) + alpha * min(0, x): x for x >= 0, alpha * x for x < 0; NaN stays NaN.

    alpha is a number, or an array that broadcasts against x (one slope per channel)."""
    x = _as_float(x)
    # The product is formed in float64 and rounded once to x's dtype,
    # so alpha is not rounded to float16 or float32 first.
    a = np.asarray(alpha, dtype=np.float64)
    # alpha * x is formed for every x but kept only where x < 0. Kept or not,
    # an overflow (possible only for |alpha| > 1) has +-inf as its correctly
    # rounded value. 0 * (-inf) is the one invalid product; it is replaced
    # below by its limit, 0.
    with np.errstate(over="ignore", invalid="ignore"):
        y = np.where(x < 0, a * x, x).astype(x.dtype)
    return np.where(np.isneginf(x) & (a == 0), 0, y)
# --8<-- [end:forward]


# --8<-- [start:grad]
def prelu_grad(x, alpha=0.25):
    """d/dx: 1 for x > 0, alpha for x < 0, and alpha at x = 0."""
    x = _as_float(x)
    a = np.asarray(alpha, dtype=np.float64)
    # At the kink we take the left slope, as PyTorch does. A slope beyond
    # the range of x's dtype rounds to +-inf, its correctly rounded value.
    with np.errstate(over="ignore"):
        return np.where(x > 0, 1, np.where(np.isnan(x), x, a)).astype(x.dtype)


def prelu_grad_alpha(x, alpha=0.25):
    """d/d alpha, elementwise: min(0, x). It does not depend on alpha."""
    x = _as_float(x)
    # np.minimum keeps NaN (np.fmin would not) and x's dtype.
    return np.minimum(x, 0)


def prelu_grad_alpha_batch(x, g, channel_axis=None):
    """dL/d alpha for one alpha shared by all of x: the sum of g * min(0, x).

    g is the upstream gradient dL/dy, the shape of x. With one alpha per
    channel, channel_axis names the axis of x the channels run along, and
    the sum runs over every other axis: one gradient per channel."""
    x, g = _as_float(x), _as_float(g)
    if x.shape != g.shape:
        raise ValueError(f"x has shape {x.shape} and g has shape {g.shape}; they must match")
    # Accumulate in float64: a float16 sum over a batch overflows or stalls.
    terms = g.astype(np.float64) * np.minimum(x.astype(np.float64), 0)
    axes = None if channel_axis is None else tuple(i for i in range(x.ndim) if i != channel_axis % x.ndim)
    return np.sum(terms, axis=axes).astype(np.result_type(x, g))
# --8<-- [end:grad]


# --8<-- [start:naive]
def prelu_naive(x, alpha=0.25):
    """The branch-free form with |x|, kept to show where it fails."""
    x = _as_float(x)
    return (x + np.abs(x)) / 2 + alpha * (x - np.abs(x)) / 2
# --8<-- [end:naive]
