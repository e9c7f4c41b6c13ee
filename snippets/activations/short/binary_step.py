import numpy as np


def binary_step(x):
    """H(x) = 1 for x >= 0 (H(0) = 1), 0 for x < 0; NaN stays NaN."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    return np.where(np.isnan(x), x, x >= 0).astype(x.dtype)


def binary_step_grad(x):
    """H'(x) = 0 everywhere, at the jump too (its Dirac delta is not a number)."""
    x = np.asarray(x) * 1.0
    return np.where(np.isnan(x), x, 0).astype(x.dtype)
