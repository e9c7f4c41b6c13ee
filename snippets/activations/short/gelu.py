import numpy as np
from scipy.special import ndtr  # Phi, the standard normal CDF


def gelu(x):
    """GELU(x) = x Phi(x)."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    # Below -40, x Phi(x) < 1e-340 is 0 in every float type; -inf * 0 would be NaN
    return np.maximum(x, -40) * ndtr(x)


def gelu_grad(x):
    """GELU'(x) = Phi(x) + x phi(x), phi(x) = e^(-x^2/2) / sqrt(2 pi)."""
    x = np.asarray(x) * 1.0
    # Past +-40, x phi(x) is 0 in every float type. In float64 x^2 is exact for
    # float32 x: e^(-x^2/2) magnifies the rounding of x^2 by x^2/2.
    t = np.clip(x, -40, 40).astype(np.float64)
    x_phi = t * np.exp(-t * t / 2) / np.sqrt(2 * np.pi)
    return (ndtr(x) + x_phi).astype(x.dtype)
