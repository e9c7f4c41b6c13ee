# Hard sigmoid, PyTorch's definition min(max(0, x + 3), 6) / 6, and its derivative.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def hardsigmoid(x):
    """min(max(0, x + 3), 6) / 6: 0 for x <= -3, 1 for x >= 3, x/6 + 1/2 between."""
    x = _as_float(x)
    # float16 and float32 go through float64 and are rounded once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # x + 3 first: near x = -3 it is exact (Sterbenz), so the small outputs
    # there keep full relative accuracy; x/6 + 1/2 would cancel instead.
    return (np.minimum(np.maximum(w + 3, 0), 6) / 6).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def hardsigmoid_grad(x):
    """d/dx: 1/6 for -3 < x < 3, else 0 (also at the kinks -3 and 3)."""
    x = _as_float(x)
    # At both kinks we take the flat side's slope, 0, as PyTorch and JAX do.
    inside = (x > -3) & (x < 3)
    return np.where(np.isnan(x), x, np.where(inside, 1 / 6, 0.0)).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def hardsigmoid_grad_from_output(y):
    """d/dx from the output y = hardsigmoid(x): 1/6 where 0 < y < 1, else 0."""
    y = _as_float(y)
    # y = 1 also for the x just below 3 whose output rounds up to 1:
    # there this returns 0 where the slope is 1/6 (see the page).
    inside = (y > 0) & (y < 1)
    return np.where(np.isnan(y), y, np.where(inside, 1 / 6, 0.0)).astype(y.dtype)
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def hardsigmoid_naive(x):
    """The slope-intercept form x/6 + 1/2, clipped; kept to show where it fails."""
    x = _as_float(x)
    return np.clip(x / 6 + 0.5, 0, 1)
# --8<-- [end:naive]
