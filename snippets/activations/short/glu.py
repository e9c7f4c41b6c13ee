import numpy as np


def glu(x, axis=-1):
    """a * sigmoid(b) for the halves [a, b] of x along axis."""
    a, b = np.split(np.asarray(x), 2, axis=axis)
    # sigmoid(b) = 1 / (1 + e^2) for b >= 0, e^2 / (1 + e^2) below, with
    # e = exp(-|b| / 2) <= 1: nothing overflows, and (a e) e keeps digits
    # that sigmoid(b) alone would lose as a subnormal (b = -745, a = 1e308).
    e = np.exp(-np.abs(b) / 2)
    e = np.maximum(e, np.finfo(e.dtype).smallest_subnormal)  # so inf * e = inf
    with np.errstate(invalid="ignore"):  # inf * 0 where b >= 0 is not used
        return np.where(b >= 0, a, a * e * e) / (1 + e * e)


def glu_vjp(x, dy, axis=-1):
    """dE/d[a, b] = [dy sigmoid(b), dy a sigmoid(b) sigmoid(-b)], for dy = dE/dy."""
    a, b = np.split(np.asarray(x), 2, axis=axis)
    e = np.exp(-np.abs(b) / 2)
    e = np.maximum(e, np.finfo(e.dtype).smallest_subnormal)  # as in glu
    r = e / (1 + e * e)  # sigmoid(b) sigmoid(-b) = r * r, one r for each factor
    # inf * 0 has no limit (NaN); an overflow is where the exact value overflows.
    with np.errstate(invalid="ignore", over="ignore"):
        da = np.where(b >= 0, dy, dy * e * e) / (1 + e * e)
        db = (dy * r) * (a * r)
    return np.concatenate([da, db], axis=axis)
