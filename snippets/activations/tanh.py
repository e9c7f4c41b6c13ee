# Hyperbolic tangent and its derivative, stable for every float input.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def tanh(x):
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x), without overflow for any x."""
    x = _as_float(x)
    # NumPy's float16/float32 kernels are less accurate than its float64 one:
    # work in at least float64 and round once at the end.
    work = np.promote_types(x.dtype, np.float64)
    return np.tanh(x.astype(work)).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def tanh_grad(x):
    """d tanh / dx = 1 - tanh(x)^2, written as 1 / cosh(x)^2."""
    x = _as_float(x)
    work = np.promote_types(x.dtype, np.float64)
    # 1 - tanh(x)^2 is 0 once tanh(x) rounds to 1, where the slope is still
    # a normal number. sech = 1 / cosh(x) has no difference in it, and stays
    # normal about twice as far out as sech^2 does: the one rounding of
    # sech * sech is the only loss, even where the slope is subnormal.
    # Past |x| = 400 the slope is below every float64; the clip keeps cosh finite.
    sech = 1 / np.cosh(np.clip(x.astype(work), -400, 400))
    return (sech * sech).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def tanh_grad_from_output(y):
    """d tanh / dx from the forward output y = tanh(x): 1 - y^2."""
    y = _as_float(y)
    # (1 - y)(1 + y) is 1 - y^2 without rounding y^2 first: 1 - y is exact
    # for y in [1/2, 1], so no bits of the small difference are lost.
    return (1 - y) * (1 + y)
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def tanh_naive(x):
    """The textbook exp-ratio formula, kept to show where it fails."""
    x = _as_float(x)
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
# --8<-- [end:naive]
