import numpy as np


def swiglu(x, axis=-1):
    """silu(a) * b = a sigmoid(a) b for the halves [a, b] of x along axis."""
    a, b = np.split(np.asarray(x), 2, axis=axis)
    a = np.maximum(a, -1e4)  # silu(a) b is 0 below anyway: no -inf * 0
    # sigmoid(a) = u u / (1 + e^2), e = exp(-|a| / 2), u = 1 for a >= 0 and
    # e below: (a u) and (b u) keep digits that a sigmoid(a) would lose as
    # a subnormal (a = -745, b = 1e308), and nothing overflows early; a is
    # not divided, so a subnormal a keeps its digits too (a = 5e-324).
    e = np.exp(-np.abs(a) / 2)
    e = np.maximum(e, np.finfo(e.dtype).smallest_subnormal)  # so inf * e = inf
    u = np.where(a >= 0, 1, e)
    with np.errstate(invalid="ignore", over="ignore"):  # inf * 0: no limit
        return (a * u) * (b * u / (1 + e * e))


def swiglu_vjp(x, dy, axis=-1):
    """dE/d[a, b] = [dy b silu'(a), dy silu(a)] for dy = dE/dy,
    with silu'(a) = sigmoid(a) (1 + a sigmoid(-a))."""
    a, b = np.split(np.asarray(x), 2, axis=axis)
    a = np.maximum(a, -1e4)  # both are 0 below anyway: no -inf * 0
    e = np.exp(-np.abs(a) / 2)
    e = np.maximum(e, np.finfo(e.dtype).smallest_subnormal)  # as in swiglu
    u = np.where(a >= 0, 1, e)  # sigmoid(a) = u u / (1 + e^2), as in swiglu
    # a sigmoid(-a) is 0 above a = 1e4: capped there, so inf * 0 never appears
    a_sigmoid_minus_a = np.minimum(a, 1e4) * np.where(a >= 0, e * e, 1) / (1 + e * e)
    with np.errstate(invalid="ignore", over="ignore"):  # as in swiglu
        da = (dy * u * (1 + a_sigmoid_minus_a) / (1 + e * e)) * (b * u)
        db = (a * u) * (dy * u / (1 + e * e))
    return np.concatenate([da, db], axis=axis)
