# Squared-error losses in both conventions, half sum and mean, and their gradients.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


# stamp: _as_float, from snippets/_shared.py (python -m sitekit.stamp)
def _as_float(x):
    """x as a C-ordered float array in native byte order; ints and bools
    become float64, floats keep their dtype. A 0-d result is returned as a NumPy
    scalar of its dtype (`[()]`), as NumPy's own ufuncs do."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    # One layout for every input: flat views, in-place steps and NumPy's
    # vectorised loops (which round differently on strided data) rely on it.
    if x.dtype.kind == "f" and x.dtype.isnative and x.flags.c_contiguous:
        return x
    dtype = x.dtype.newbyteorder("=") if x.dtype.kind == "f" else np.float64
    return x.astype(dtype, order="C")
# end stamp: _as_float


# local: real targets of Y's shape; softmax_cross_entropy's takes class labels or rows
def _check_targets(Y, T):
    """Y and T as float arrays of one shape; integer targets take Y's dtype."""
    Y = _as_float(Y)
    T = np.asarray(T)
    # Integer labels carry no precision of their own: converted to Y's dtype
    # they leave a float32 prediction with a float32 loss.
    T = T.astype(Y.dtype) if T.dtype.kind in "biu" else _as_float(T)
    # Y of shape (N, 1) minus T of shape (N,) broadcasts to (N, N): a loss
    # of the wrong size with no error. Equal shapes are required instead.
    if T.shape != Y.shape:
        raise ValueError(f"T must have shape {Y.shape} like Y, got {T.shape}")
    if Y.size == 0:
        raise ValueError("Y is empty: a loss needs at least one prediction")
    return Y, T


def sse_half(Y, T):
    """E = 1/2 * sum((Y - T)^2) over all entries: the textbook error, whose gradient is Y - T."""
    Y, T = _check_targets(Y, T)
    return 0.5 * np.sum((Y - T) ** 2)


def mse(Y, T):
    """mean((Y - T)^2) over all entries: what PyTorch's nn.MSELoss() and
    Keras's losses.MeanSquaredError() give with their default reductions."""
    Y, T = _check_targets(Y, T)
    return np.mean((Y - T) ** 2)
# --8<-- [end:forward]


# --8<-- [start:grad]
def sse_half_grad(Y, T):
    """dE/dY = Y - T: the 1/2 is there to cancel the 2 of the square."""
    Y, T = _check_targets(Y, T)
    return Y - T


def mse_grad(Y, T):
    """d mse / dY = 2 * (Y - T) / Y.size: the mean divides by every entry,
    batch and outputs alike, and the square's 2 stays."""
    Y, T = _check_targets(Y, T)
    return 2 * (Y - T) / Y.size
# --8<-- [end:grad]
