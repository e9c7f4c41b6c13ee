import numpy as np


def relu(x):
    """ReLU(x) = max(0, x); NaN stays NaN."""
    return np.maximum(x, 0)


def relu_grad(x):
    """ReLU'(x) = 1 for x > 0, 0 for x <= 0 (0 at the kink, as PyTorch and JAX)."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    return np.where(np.isnan(x), x, x > 0).astype(x.dtype)
