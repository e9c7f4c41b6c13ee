import numpy as np


def hardswish(x):
    """x * min(max(0, x + 3), 6) / 6: 0 up to -3, x (x + 3) / 6 between, x from 3."""
    # Clipped first, so that x (x + 3) neither overflows nor meets 0 * inf.
    m = np.clip(x, -3, 3)
    return np.where(x <= -3, 0, np.where(x >= 3, x, m * (m + 3) / 6))


def hardswish_grad(x):
    """(2x + 3) / 6 on (-3, 3), 0 for x <= -3, 1 for x >= 3 (kinks as PyTorch, JAX)."""
    slope = (2 * np.clip(x, -3, 3) + 3) / 6
    return np.where(x <= -3, 0, np.where(x >= 3, 1, slope))
