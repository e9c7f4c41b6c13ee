import numpy as np


def softmin(z, axis=-1):
    """q = softmax(-z) = exp(min z - z) / sum(exp(min z - z)) along axis."""
    z = np.asarray(z)
    # float32 is worked in float64 and rounded once: the rounding of
    # min z - z (half an ULP of the max) then does not show in exp.
    w = -z.astype(np.float64)
    m = np.max(w, axis=axis, keepdims=True)
    m = np.where(m == -np.inf, np.nan, m)  # a row of only +inf is 0/0: no limit
    # Where z = min z = -inf, min z - z is taken as 0: the -inf entries
    # share the mass. min z - z may overflow to -inf: its exp, 0, is right.
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.where(w == m, 0, w - m))
    q = e / np.sum(e, axis=axis, keepdims=True)
    return q.astype(np.result_type(z, np.float32))


def softmin_vjp(z, dy, axis=-1):
    """dE/dz = -q * (dy - sum(dy * q)) along axis, for q = softmin(z), dy = dE/dq."""
    q = softmin(np.asarray(z, np.float64), axis=axis)
    dz = -q * (dy - np.sum(dy * q, axis=axis, keepdims=True))
    return dz.astype(np.result_type(z, dy, np.float32))
