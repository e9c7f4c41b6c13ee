import numpy as np

C, A = np.sqrt(2 / np.pi), 0.044715


def gelu_tanh(x):
    """f(x) = x/2 (1 + tanh(u)) = x sigma(2u), u = C (x + A x^3)."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    # sigma(2u) = (1 + tanh(u)) / 2 keeps its accuracy where tanh(u) is near -1.
    # Past +-40, sigma(2u) is exactly 0 or 1. u in float64: e^(2u) magnifies
    # the rounding of u by |2u|, up to 87 in float32.
    t = np.clip(x, -40, 40).astype(np.float64)
    z = np.exp(-2 * np.abs(C * (t + A * t**3)))
    s = np.where(t >= 0, 1 / (1 + z), z / (1 + z))
    return (np.maximum(x, -40) * s).astype(x.dtype)  # -inf * 0 would be NaN


def gelu_tanh_grad(x):
    """f'(x) = s + 2 x u'(x) s (1 - s), s = sigma(2u), u'(x) = C (1 + 3 A x^2)."""
    x = np.asarray(x) * 1.0
    t = np.clip(x, -40, 40).astype(np.float64)  # as in gelu_tanh
    z = np.exp(-2 * np.abs(C * (t + A * t**3)))
    s = np.where(t >= 0, 1 / (1 + z), z / (1 + z))
    s_1_s = z / (1 + z) ** 2  # s (1 - s), without the difference
    return (s + 2 * t * C * (1 + 3 * A * t * t) * s_1_s).astype(x.dtype)
