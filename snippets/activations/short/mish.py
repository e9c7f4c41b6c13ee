import numpy as np


def sigmoid(t):
    """sigma(t) = 1 / (1 + e^-t), from e^-|t| (in [0, 1]) split by sign."""
    z = np.exp(-np.abs(t))
    return np.where(t >= 0, 1 / (1 + z), z / (1 + z))


def softplus(x):
    """softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): no overflow."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def mish(x):
    """mish(x) = x tanh(softplus(x))."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    # -inf * tanh(0) is NaN: -inf becomes the lowest float (the limit is 0)
    return np.maximum(x, np.finfo(x.dtype).min) * np.tanh(softplus(x))


def mish_grad(x):
    """mish'(x) = tanh(sp) + x sigma(x) sech^2(sp), sp = softplus(x)."""
    x = np.asarray(x) * 1.0
    # sech^2(sp) = 1 - tanh^2(sp) = 4q / (1 + q)^2 with q = e^-2sp = sigma(-x)^2:
    # no cancellation once tanh(sp) rounds to 1.
    # In float64, rounded once: the sum cancels near the minimum of mish (x = -1.19).
    # Clipped to finite: inf * 0 would be NaN.
    big = np.finfo(np.float64).max
    w = np.clip(x.astype(np.float64), -big, big)
    q = sigmoid(-w) ** 2
    slope = np.tanh(softplus(w)) + w * sigmoid(w) * (4 * q / (1 + q) ** 2)
    return slope.astype(x.dtype)
