import numpy as np


def softmax(z, axis=-1):
    """p = exp(z - max z) / sum(exp(z - max z)) along axis: exp never overflows."""
    z = np.asarray(z)
    # float32 is worked in float64 and rounded once: the rounding of
    # z - max z (half an ULP of the max) then does not show in exp.
    w = z.astype(np.float64)
    m = np.max(w, axis=axis, keepdims=True)
    m = np.where(m == -np.inf, np.nan, m)  # a row of only -inf is 0/0: no limit
    # Where z = max z = +inf, z - max z is taken as 0: the +inf entries
    # share the mass. z - max z may overflow to -inf: its exp, 0, is right.
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.where(w == m, 0, w - m))
    p = e / np.sum(e, axis=axis, keepdims=True)
    return p.astype(np.result_type(z, np.float32))


def softmax_vjp(z, dy, axis=-1):
    """dE/dz = p * (dy - sum(dy * p)) along axis, for p = softmax(z)
    and the upstream gradient dy = dE/dp."""
    p = softmax(np.asarray(z, np.float64), axis=axis)
    dz = p * (dy - np.sum(dy * p, axis=axis, keepdims=True))
    return dz.astype(np.result_type(z, dy, np.float32))
