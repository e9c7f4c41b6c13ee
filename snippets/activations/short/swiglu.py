import numpy as np


def swiglu(x, axis=-1):
    """silu(u) * v = u sigmoid(u) v for the halves [u, v] of x along axis."""
    u, v = np.split(np.asarray(x), 2, axis=axis)
    u = np.maximum(u, -1e4)  # silu(u) v is 0 below anyway: no -inf * 0
    # sigmoid(u) = h1 h1 / (1 + h^2), h = exp(-|u| / 2), h1 = 1 for u >= 0 and
    # h below: (u h1) and (v h1) keep digits that a sigmoid(u) would lose as
    # a subnormal (u = -745, v = 1e308), and nothing overflows early; u is
    # not divided, so a subnormal u keeps its digits too (u = 5e-324).
    h = np.exp(-np.abs(u) / 2)
    h = np.maximum(h, np.finfo(h.dtype).smallest_subnormal)  # so inf * h = inf
    h1 = np.where(u >= 0, 1, h)
    with np.errstate(invalid="ignore", over="ignore"):  # inf * 0: no limit
        return (u * h1) * (v * h1 / (1 + h * h))


def swiglu_vjp(x, dy, axis=-1):
    """dE/d[u, v] = [dy v silu'(u), dy silu(u)] for dy = dE/dy,
    with silu'(u) = sigmoid(u) (1 + u sigmoid(-u))."""
    u, v = np.split(np.asarray(x), 2, axis=axis)
    u = np.maximum(u, -1e4)  # both are 0 below anyway: no -inf * 0
    h = np.exp(-np.abs(u) / 2)
    h = np.maximum(h, np.finfo(h.dtype).smallest_subnormal)  # as in swiglu
    h1 = np.where(u >= 0, 1, h)  # sigmoid(u) = h1 h1 / (1 + h^2), as in swiglu
    # u sigmoid(-u) is 0 above u = 1e4: capped there, so inf * 0 never appears
    u_sigmoid_minus_u = np.minimum(u, 1e4) * np.where(u >= 0, h * h, 1) / (1 + h * h)
    with np.errstate(invalid="ignore", over="ignore"):  # as in swiglu
        du = (dy * h1 * (1 + u_sigmoid_minus_u) / (1 + h * h)) * (v * h1)
        dv = (u * h1) * (dy * h1 / (1 + h * h))
    return np.concatenate([du, dv], axis=axis)
