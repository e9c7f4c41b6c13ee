# ReLU(x) = max(0, x) and its derivative, with the subgradient 0 at the kink.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def relu(x):
    """ReLU(x) = max(0, x); NaN stays NaN, -0.0 gives +0.0."""
    x = _as_float(x)
    # np.maximum propagates NaN (np.fmax would return 0 for it).
    # Which zero it returns for -0.0 depends on the dtype's kernel;
    # adding +0 turns -0.0 into +0.0 and leaves every other value as it is.
    return np.maximum(x, 0) + 0
# --8<-- [end:forward]


# --8<-- [start:grad]
def relu_grad(x):
    """dReLU/dx: 1 for x > 0, 0 for x < 0, and the subgradient 0 at x = 0."""
    x = _as_float(x)
    return np.where(np.isnan(x), x, (x > 0).astype(x.dtype))
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def relu_grad_from_output(y):
    """dReLU/dx from the output y = max(0, x): y > 0 exactly when x > 0."""
    y = _as_float(y)
    return np.where(np.isnan(y), y, (y > 0).astype(y.dtype))
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def relu_naive(x):
    """The mask formula, kept to show where it fails."""
    x = _as_float(x)
    return x * (x > 0)
# --8<-- [end:naive]
