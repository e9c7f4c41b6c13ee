import numpy as np


def hardsigmoid(x):
    """min(max(0, x + 3), 6) / 6: (x + 3) / 6 clipped to [0, 1]."""
    # (x + 3) / 6, not x / 6 + 1/2: near x = -3, x + 3 is exact, and
    # x / 6 + 1/2 would cancel to a result with few correct digits.
    return np.clip((x + 3) / 6, 0, 1)


def hardsigmoid_grad(x):
    """1/6 for -3 < x < 3, else 0 (at both kinks the saturated side's 0)."""
    # NaN fails the comparisons: the inner where passes it on.
    return np.where((-3 < x) & (x < 3), 1 / 6, np.where(np.isnan(x), x, 0))
