# SELU (scaled exponential linear unit) and its derivative, stable for every float input.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


# The constants of Klambauer et al. (2017), each the float64 nearest to the
# exact value. SELU_SCALE_ALPHA is the float64 nearest to the exact product
# lambda * alpha = 1.7580993408473768599..., not the rounded product of the
# two rounded constants, which is one ULP lower.
SELU_ALPHA = 1.6732632423543772  # 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554805  # 1.0507009873554804934193349852946 (lambda)
SELU_SCALE_ALPHA = 1.7580993408473768


def selu(x):
    """lambda * x for x > 0, lambda * alpha * (e^x - 1) for x <= 0."""
    x = _as_float(x)
    # NumPy's float16/float32 kernels are less accurate than its float64 one:
    # work in at least float64 and round once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # expm1 keeps the digits of e^x - 1 near 0; min(x, 0) keeps e^x from
    # overflowing in the branch np.where drops (and keeps NaN).
    negative = SELU_SCALE_ALPHA * np.expm1(np.minimum(w, 0))
    # lambda * x passes the float max for x within 5% of it: the exact value
    # is then beyond the overflow threshold, and inf is its correct rounding.
    with np.errstate(over="ignore"):
        return np.where(w > 0, SELU_SCALE * w, negative).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def selu_grad(x):
    """d selu / dx: lambda for x > 0, lambda * alpha * e^x for x <= 0 (lambda * alpha at 0)."""
    x = _as_float(x)
    w = x.astype(np.promote_types(x.dtype, np.float64))
    u = np.minimum(w, 0)
    z = np.exp(u)
    # A subnormal e^x has lost bits while lambda * alpha * e^x may still be
    # normal: (c h) h with h = e^(x/2) goes through normal numbers only.
    h = np.exp(u / 2)
    negative = np.where(z >= np.finfo(z.dtype).tiny, SELU_SCALE_ALPHA * z, (SELU_SCALE_ALPHA * h) * h)
    # At the kink x = 0 the x <= 0 branch gives lambda * alpha, the left
    # slope, as PyTorch and JAX do.
    return np.where(w > 0, SELU_SCALE, negative).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def selu_grad_from_output(y):
    """d selu / dx from the output y = selu(x): lambda where y > 0, y + lambda * alpha elsewhere."""
    y = _as_float(y)
    # For x <= 0: lambda alpha e^x = lambda alpha (e^x - 1) + lambda alpha = y + lambda alpha.
    # y > 0 exactly when x > 0, since lambda and alpha are positive.
    w = y.astype(np.promote_types(y.dtype, np.float64))
    return np.where(w > 0, SELU_SCALE, w + SELU_SCALE_ALPHA).astype(y.dtype)
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def selu_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return np.where(x > 0, SELU_SCALE * x, SELU_SCALE * SELU_ALPHA * (np.exp(x) - 1))
# --8<-- [end:naive]
