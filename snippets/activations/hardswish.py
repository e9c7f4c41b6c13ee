# Hard swish, x * min(max(0, x + 3), 6) / 6, and its derivative.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def hardswish(x):
    """x * min(max(0, x + 3), 6) / 6: 0 for x <= -3, x (x + 3) / 6 between, x for x >= 3."""
    x = _as_float(x)
    # float16 and float32 go through float64 and are rounded once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # The middle piece is formed on x clipped to [-3, 3] only: x * 6 would
    # overflow for x near the float max, and -inf * 0 is NaN.
    # Near x = -3, m + 3 is exact (Sterbenz): the small outputs keep their accuracy.
    m = np.clip(w, -3, 3)
    middle = m * (m + 3) / 6
    return np.where(w >= 3, w, np.where(w <= -3, 0.0, middle)).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def hardswish_grad(x):
    """d/dx: 0 for x <= -3, (2x + 3) / 6 for -3 < x < 3, 1 for x >= 3."""
    x = _as_float(x)
    w = x.astype(np.promote_types(x.dtype, np.float64))
    m = np.clip(w, -3, 3)
    # (2x + 3) / 6, not x/3 + 1/2: near the root x = -1.5, 2x + 3 is exact
    # (Sterbenz), so the small slopes there keep full relative accuracy.
    middle = (2 * m + 3) / 6
    # At the kinks we take the outer pieces' slopes, 0 at -3 and 1 at 3,
    # as PyTorch 2.13 and JAX do.
    return np.where(w >= 3, 1.0, np.where(w <= -3, 0.0, middle)).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:naive]
def hardswish_naive(x):
    """The definition as written, kept to show where it fails."""
    x = _as_float(x)
    return x * np.clip(x + 3, 0, 6) / 6


def hardswish_grad_naive(x):
    """The middle piece's slope in slope-intercept form, x/3 + 1/2."""
    x = _as_float(x)
    return np.where(x >= 3, 1.0, np.where(x <= -3, 0.0, x / 3 + 0.5))
# --8<-- [end:naive]
