import numpy as np


def softsign(x):
    """softsign(x) = x / (1 + |x|)."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    big = np.finfo(x.dtype).max
    x = np.clip(x, -big, big)  # inf / inf would be NaN; at +-max the result is +-1
    return x / (1 + np.abs(x))


def softsign_grad(x):
    """softsign'(x) = 1 / (1 + |x|)^2, squared after dividing: no overflow."""
    return (1 / (1 + np.abs(x))) ** 2
