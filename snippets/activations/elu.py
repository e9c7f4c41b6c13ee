# ELU (exponential linear unit) and its derivatives, stable for every float input.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (e^x - 1) for x <= 0."""
    x = _as_float(x)
    # NumPy's float16/float32 kernels are less accurate than its float64 one:
    # work in at least float64 and round once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # expm1 keeps the digits of e^x - 1 near 0, where e^x - 1 would subtract
    # two numbers close to 1. min(x, 0) keeps e^x from overflowing in the
    # branch np.where drops (and keeps NaN).
    negative = alpha * np.expm1(np.minimum(w, 0))
    # A huge alpha can push alpha * (e^x - 1) past the float16/float32 max:
    # -inf is then its correctly rounded value.
    with np.errstate(over="ignore"):
        return np.where(w > 0, w, negative).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def _times_exp(a, x):
    """a * e^x for x <= 0, accurate also where e^x is subnormal and a * e^x is not."""
    z = np.exp(x)
    # A subnormal e^x has lost bits; (a h) h with h = e^(x/2) stays normal.
    h = np.exp(x / 2)
    return np.where(z >= np.finfo(z.dtype).tiny, a * z, (a * h) * h)


def elu_grad(x, alpha=1.0):
    """d elu / dx: 1 for x > 0, alpha * e^x for x <= 0 (alpha at x = 0)."""
    x = _as_float(x)
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # At the kink x = 0 the x <= 0 branch gives alpha, the left slope, as
    # PyTorch and JAX do. min(x, 0) keeps e^x finite in the dropped branch.
    with np.errstate(over="ignore"):
        return np.where(w > 0, 1, _times_exp(alpha, np.minimum(w, 0))).astype(x.dtype)


def elu_grad_alpha(x, alpha=1.0):
    """d elu / d alpha: e^x - 1 for x <= 0, 0 for x > 0."""
    x = _as_float(x)
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # expm1(min(x, 0)) is exactly 0 for every x > 0: one formula for both branches.
    return np.expm1(np.minimum(w, 0)).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def elu_grad_from_output(y, alpha=1.0):
    """d elu / dx from the output y = elu(x): 1 where y > 0, y + alpha elsewhere.
    Needs alpha >= 0."""
    y = _as_float(y)
    # For x <= 0, alpha * e^x = alpha * (e^x - 1) + alpha = y + alpha.
    # With alpha >= 0, y > 0 exactly when x > 0; with alpha < 0 a positive y
    # also comes from x < 0, and y cannot tell which branch it came from.
    if np.any(np.asarray(alpha) < 0):
        raise ValueError("alpha < 0: y does not determine the slope; use elu_grad(x)")
    w = y.astype(np.promote_types(y.dtype, np.float64))
    with np.errstate(over="ignore"):
        return np.where(w > 0, 1, w + alpha).astype(y.dtype)
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def elu_naive(x, alpha=1.0):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))
# --8<-- [end:naive]
