import numpy as np


def leaky_relu(x, negative_slope=0.01):
    """f(x) = x for x >= 0, a x for x < 0 (a = negative_slope)."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    if negative_slope == 0:  # ReLU: and 0 * (-inf) would be NaN
        return np.maximum(x, 0)
    return np.where(x >= 0, x, negative_slope * x)


def leaky_relu_grad(x, negative_slope=0.01):
    """f'(x) = 1 for x > 0, a for x <= 0 (the left slope at the kink, as PyTorch)."""
    x = np.asarray(x) * 1.0
    slope = np.where(x > 0, 1.0, negative_slope).astype(x.dtype)
    return np.where(np.isnan(x), x, slope)
