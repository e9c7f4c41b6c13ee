# Hard shrinkage (hard thresholding): x where |x| > lambd, else 0; and its derivative.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _threshold(lambd):
    """lambd as a float64 array, checked."""
    lambd = np.asarray(lambd, dtype=np.float64)
    if np.any(lambd < 0):
        raise ValueError("lambd must be >= 0")
    return lambd


def _outside(x, lam):
    """|x| > lambd, compared exactly."""
    # The comparison with a float64 lambd is exact for every input dtype. In
    # float32, lambd = 0.1 would be rounded up first, and the input
    # float32(0.1), which lies above 0.1, would be zeroed: a jump in the wrong place.
    return (x > lam) | (x < -lam)


def hardshrink(x, lambd=0.5):
    """x for |x| > lambd, 0 for -lambd <= x <= lambd (so 0 at both jumps); NaN stays NaN."""
    x = _as_float(x)
    # Both comparisons are false for NaN: it is kept, so that it is passed on.
    kept = _outside(x, _threshold(lambd)) | np.isnan(x)
    return np.where(kept, x, 0).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def hardshrink_grad(x, lambd=0.5):
    """d/dx: 1 for |x| > lambd, 0 for |x| < lambd, and 0 by convention at x = ±lambd."""
    x = _as_float(x)
    # At the jumps we take 0, the slope of the zeroed middle, as PyTorch does.
    outside = _outside(x, _threshold(lambd))
    return np.where(np.isnan(x), x, outside).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def hardshrink_grad_from_output(y, lambd=0.5):
    """d/dx from the output y = hardshrink(x): 1 where y != 0, else 0."""
    y = _as_float(y)
    # A kept x is returned unchanged, and it is not 0 (|x| > lambd >= 0).
    return np.where(np.isnan(y), y, y != 0).astype(y.dtype)
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def hardshrink_naive(x, lambd=0.5):
    """The one-line mask, compared in x's own dtype; kept to show where it fails."""
    x = _as_float(x)
    return np.where(np.abs(x) > lambd, x, 0)
# --8<-- [end:naive]
