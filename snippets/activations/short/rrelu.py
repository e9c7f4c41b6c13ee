import numpy as np


def rrelu(x, lower=1 / 8, upper=1 / 3):
    """At evaluation: x for x >= 0, a x below, with a = (lower + upper) / 2."""
    a = (lower + upper) / 2
    return np.where(x >= 0, x, a * x)


def rrelu_grad(x, lower=1 / 8, upper=1 / 3):
    """1 for x > 0, a = (lower + upper) / 2 for x <= 0 (at the kink the left slope)."""
    # NaN fails both comparisons: the inner where passes it on.
    return np.where(x > 0, 1, np.where(x <= 0, (lower + upper) / 2, x))
