import numpy as np


def prelu(x, alpha=0.25):
    """max(0, x) + alpha * min(0, x): x for x > 0, alpha * x otherwise."""
    # For |alpha| > 1, alpha * x may overflow: -inf is then its rounded value.
    with np.errstate(over="ignore"):
        # alpha = 0: the term is 0 even at x = -inf, where 0 * inf is NaN.
        negative = alpha * np.minimum(x, 0) if alpha else 0
    return np.maximum(x, 0) + negative


def prelu_grad(x, alpha=0.25):
    """1 for x > 0, alpha for x <= 0 (at the kink the left slope, as PyTorch)."""
    # NaN fails both comparisons: the inner where passes it on.
    return np.where(x > 0, 1, np.where(x <= 0, alpha, x))
