import numpy as np


def softplus(x):
    """softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): no overflow."""
    x = np.asarray(x)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_grad(x):
    """softplus'(x) = sigma(x) = 1 / (1 + e^-x), from e^-|x| split by sign."""
    x = np.asarray(x)
    z = np.exp(-np.abs(x))  # in [0, 1]: no overflow for any x
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))
