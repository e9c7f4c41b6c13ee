import numpy as np


def softshrink(x, lambd=0.5):
    """x - max(-lambd, min(lambd, x)): x - lambd, 0 or x + lambd."""
    return x - np.clip(x, -lambd, lambd)


def softshrink_grad(x, lambd=0.5):
    """1 for |x| > lambd, else 0 (at both kinks the flat middle's 0, as PyTorch)."""
    # NaN fails the comparison: the inner where passes it on.
    return np.where(np.abs(x) > lambd, 1, np.where(np.isnan(x), x, 0))
