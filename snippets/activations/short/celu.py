import numpy as np


def celu(x, alpha=1.0):
    """CELU(x) = x for x > 0, alpha (e^(x/alpha) - 1) for x <= 0."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    with np.errstate(over="ignore"):  # x/alpha below the float range: e^-inf - 1 = -1
        t = np.minimum(x, 0) / alpha  # <= 0, so e^t never overflows
    return np.where(x > 0, x, alpha * np.expm1(t))


def celu_grad(x, alpha=1.0):
    """CELU'(x) = 1 for x > 0, e^(x/alpha) for x <= 0 (1 from both sides at 0)."""
    x = np.asarray(x) * 1.0
    # x/alpha in float64: e^t magnifies its rounding by |t|, up to 87 in float32
    with np.errstate(over="ignore"):
        t = np.minimum(x, 0).astype(np.float64) / alpha
    return np.where(x > 0, 1.0, np.exp(t)).astype(x.dtype)
