# Softplus and its derivative, stable for every float input.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def softplus(x):
    """softplus(x) = ln(1 + e^x), without overflow for any x."""
    x = _as_float(x)
    # NumPy's float16/float32 kernels are less accurate than its float64 one:
    # work in at least float64 and round once at the end.
    work = np.promote_types(x.dtype, np.float64)
    w = x.astype(work)
    # ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): e^-|x| lies in [0, 1], so it
    # cannot overflow, and log1p keeps the tiny values of the left tail,
    # where 1 + e^x would round to 1.
    return (np.maximum(w, 0) + np.log1p(np.exp(-np.abs(w)))).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def softplus_grad(x):
    """d softplus / dx = e^x / (1 + e^x) = sigma(x), the logistic sigmoid."""
    x = _as_float(x)
    work = np.promote_types(x.dtype, np.float64)
    w = x.astype(work)
    # The stable sigmoid: z = e^-|x| in [0, 1] cannot overflow and keeps full
    # relative accuracy on the left, where sigma(x) is tiny.
    z = np.exp(-np.abs(w))
    return np.where(w >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def softplus_grad_from_output(y):
    """d softplus / dx from the forward output y = softplus(x): 1 - e^-y."""
    y = _as_float(y)
    # For small y (x far left), 1 - exp(-y) subtracts two numbers close to 1
    # and loses every digit; expm1 computes e^-y - 1 without that cancellation.
    return -np.expm1(-y)
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def softplus_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return np.log(1 + np.exp(x))
# --8<-- [end:naive]
