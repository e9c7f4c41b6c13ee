# Log-sigmoid, log(sigma(x)) = -softplus(-x), and its derivative, stable for every float input.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def logsigmoid(x):
    """log(sigma(x)) = -ln(1 + e^-x), without overflow or log(0) for any x."""
    x = _as_float(x)
    # NumPy's float16/float32 kernels are less accurate than its float64 one:
    # work in at least float64 and round once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # -ln(1 + e^-x) = min(x, 0) - ln(1 + e^-|x|): e^-|x| lies in [0, 1], so it
    # cannot overflow; log1p keeps the tiny values of the right tail, where
    # 1 + e^-x rounds to 1; on the left both terms are negative, so nothing cancels.
    return (np.minimum(w, 0) - np.log1p(np.exp(-np.abs(w)))).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def logsigmoid_grad(x):
    """d logsigmoid / dx = 1 - sigma(x) = sigma(-x)."""
    x = _as_float(x)
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # sigma(-x) with z = e^-|x| in [0, 1]: z / (1 + z) for x >= 0, where it is
    # tiny, and 1 / (1 + z) for x < 0. No 1 - sigma(x) is formed: that
    # difference is 0 once sigma(x) rounds to 1.
    z = np.exp(-np.abs(w))
    return np.where(w >= 0, z / (1 + z), 1 / (1 + z)).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def logsigmoid_grad_from_output(y):
    """d logsigmoid / dx from the output y = logsigmoid(x): 1 - e^y."""
    y = _as_float(y)
    w = y.astype(np.promote_types(y.dtype, np.float64))
    # e^y = sigma(x), so the slope 1 - sigma(x) is 1 - e^y; expm1 computes
    # e^y - 1 without cancellation when y is close to 0 (x large).
    return (-np.expm1(w)).astype(y.dtype)
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def logsigmoid_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return np.log(1 / (1 + np.exp(-x)))
# --8<-- [end:naive]
