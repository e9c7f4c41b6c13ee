# Logistic sigmoid and its derivative, stable for every float input.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def sigmoid(x):
    """sigma(x) = 1 / (1 + exp(-x)), without overflow for any x."""
    x = _as_float(x)
    # exp(-|x|) lies in [0, 1]: it cannot overflow, and it keeps full
    # relative accuracy on the side where sigma(x) is tiny.
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))
# --8<-- [end:forward]


# --8<-- [start:grad]
def sigmoid_grad(x):
    """d sigma / dx = sigma(x) * (1 - sigma(x)), written as z / (1 + z)^2."""
    x = _as_float(x)
    # With z = exp(-|x|) the slope is z / (1 + z)^2 on both sides (it is even),
    # and no 1 - sigma(x) is formed: that difference is 0 once sigma rounds to 1.
    z = np.exp(-np.abs(x))
    return z / ((1 + z) * (1 + z))
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def sigmoid_grad_from_output(y):
    """d sigma / dx from the forward output y = sigma(x): y * (1 - y)."""
    y = _as_float(y)
    return y * (1 - y)
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def sigmoid_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return 1 / (1 + np.exp(-x))
# --8<-- [end:naive]
