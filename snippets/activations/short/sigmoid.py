import numpy as np


def sigmoid(x):
    """sigma(x) = 1 / (1 + e^-x), from e^-|x| so that nothing overflows."""
    x = np.asarray(x)
    z = np.exp(-np.abs(x))  # in (0, 1]: no overflow for any x
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def sigmoid_grad(x):
    """sigma'(x) = sigma(x) (1 - sigma(x)) = e^-|x| / (1 + e^-|x|)^2 (even)."""
    z = np.exp(-np.abs(np.asarray(x)))
    return z / (1 + z) ** 2
