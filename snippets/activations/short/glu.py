import numpy as np


def glu(x, axis=-1):
    """u * sigmoid(v) for the halves [u, v] of x along axis."""
    u, v = np.split(np.asarray(x), 2, axis=axis)
    # sigmoid(v) = 1 / (1 + h^2) for v >= 0, h^2 / (1 + h^2) below, with
    # h = exp(-|v| / 2) <= 1: nothing overflows, and (u h) h keeps digits
    # that sigmoid(v) alone would lose as a subnormal (v = -745, u = 1e308).
    h = np.exp(-np.abs(v) / 2)
    h = np.maximum(h, np.finfo(h.dtype).smallest_subnormal)  # so inf * h = inf
    with np.errstate(invalid="ignore"):  # inf * 0 where v >= 0 is not used
        return np.where(v >= 0, u, u * h * h) / (1 + h * h)


def glu_vjp(x, dy, axis=-1):
    """dE/d[u, v] = [dy sigmoid(v), dy u sigmoid(v) sigmoid(-v)], for dy = dE/dy."""
    u, v = np.split(np.asarray(x), 2, axis=axis)
    h = np.exp(-np.abs(v) / 2)
    h = np.maximum(h, np.finfo(h.dtype).smallest_subnormal)  # as in glu
    r = h / (1 + h * h)  # sigmoid(v) sigmoid(-v) = r * r, one r for each factor
    # inf * 0 has no limit (NaN); an overflow is where the exact value overflows.
    with np.errstate(invalid="ignore", over="ignore"):
        du = np.where(v >= 0, dy, dy * h * h) / (1 + h * h)
        dv = (dy * r) * (u * r)
    return np.concatenate([du, dv], axis=axis)
