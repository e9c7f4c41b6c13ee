import numpy as np


def log_softmax(z, axis=-1):
    """y = z - max z - log(sum(exp(z - max z))) along axis: exp never overflows."""
    z = np.asarray(z)
    # float32 is worked in float64 and rounded once.
    w = z.astype(np.float64)
    m = np.max(w, axis=axis, keepdims=True)
    m = np.where(m == -np.inf, np.nan, m)  # a row of only -inf is 0/0: no limit
    # Where z = max z = +inf, z - max z is taken as 0: the +inf entries
    # share the mass. z - max z (or the cast to float32) may overflow to
    # -inf, which is then the rounded value of y.
    with np.errstate(over="ignore", invalid="ignore"):
        d = np.where(w == m, 0, w - m)
        y = d - np.log(np.sum(np.exp(d), axis=axis, keepdims=True))
        return y.astype(np.result_type(z, np.float32))


def log_softmax_vjp(z, dy, axis=-1):
    """dE/dz = dy - p * sum(dy) along axis, for p = softmax(z) = exp(y), dy = dE/dy."""
    p = np.exp(log_softmax(np.asarray(z, np.float64), axis=axis))
    dz = dy - p * np.sum(dy, axis=axis, keepdims=True)
    return dz.astype(np.result_type(z, dy, np.float32))
