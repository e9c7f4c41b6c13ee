import numpy as np


def sigmoid(t):
    """sigma(t) = 1 / (1 + e^-t), from e^-|t| (in [0, 1]) split by sign."""
    z = np.exp(-np.abs(t))
    return np.where(t >= 0, 1 / (1 + z), z / (1 + z))


def swish(x, beta=1.0):
    """swish(x) = x sigma(beta x)."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    # In float64, rounded once: in float32, sigma(beta x) is subnormal (few bits)
    # while x sigma(beta x) may still be normal. Past the float range it is 0 or 1.
    with np.errstate(over="ignore"):
        s = sigmoid(beta * x.astype(np.float64))
    # -inf * sigma(-inf) = -inf * 0 is NaN: -inf becomes the lowest float (limit 0)
    return (np.maximum(x, np.finfo(x.dtype).min) * s).astype(x.dtype)


def swish_grad(x, beta=1.0):
    """swish'(x) = s + beta x s (1 - s), s = sigma(beta x), 1 - s = sigma(-beta x)."""
    x = np.asarray(x) * 1.0
    big = np.finfo(np.float64).max
    with np.errstate(over="ignore"):  # as in swish; clipped to finite: inf * 0 is NaN
        t = np.clip(beta * x.astype(np.float64), -big, big)
    return (sigmoid(t) * (1 + t * sigmoid(-t))).astype(x.dtype)
