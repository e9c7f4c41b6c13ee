import numpy as np


def elu(x, alpha=1.0):
    """ELU(x) = x for x > 0, alpha (e^x - 1) for x <= 0."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    # expm1 keeps e^x - 1 accurate near 0; min(x, 0) so that e^x never overflows
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_grad(x, alpha=1.0):
    """ELU'(x) = 1 for x > 0, alpha e^x for x <= 0 (alpha at the kink)."""
    x = np.asarray(x) * 1.0
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))
