import numpy as np


def logsigmoid(x):
    """log sigma(x) = -ln(1 + e^-x) = min(x, 0) - ln(1 + e^-|x|): no overflow."""
    x = np.asarray(x)
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def logsigmoid_grad(x):
    """(log sigma)'(x) = 1 - sigma(x) = sigma(-x), from e^-|x| split by sign."""
    x = np.asarray(x)
    z = np.exp(-np.abs(x))  # in [0, 1]: no overflow for any x
    return np.where(x >= 0, z / (1 + z), 1 / (1 + z))
