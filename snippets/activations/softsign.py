# Softsign and its derivative, stable for every float input.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


# stamp: _as_float, from snippets/_shared.py (python -m sitekit.stamp)
def _as_float(x):
    """x as a C-ordered float array in native byte order; ints and bools
    become float64, floats keep their dtype. A 0-d result is returned as a NumPy
    scalar of its dtype (`[()]`), as NumPy's own ufuncs do."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    # One layout for every input: flat views, in-place steps and NumPy's
    # vectorised loops (which round differently on strided data) rely on it.
    if x.dtype.kind == "f" and x.dtype.isnative and x.flags.c_contiguous:
        return x
    dtype = x.dtype.newbyteorder("=") if x.dtype.kind == "f" else np.float64
    return x.astype(dtype, order="C")
# end stamp: _as_float


def softsign(x):
    """softsign(x) = x / (1 + |x|) = 1 / (1 + 1/|x|) with the sign of x, for any x."""
    x = _as_float(x)
    # float16 and float32 are computed in float64 and rounded once.
    y = np.abs(x, out=np.empty(x.shape), dtype=np.float64)
    # x / (1 + |x|) can decrease as x grows (each rounding of 1 + |x| is a jump);
    # each step here is a rounded monotone function of the one before: no jump back.
    small = y < 2.0**-60  # there softsign(x) rounds to x, and 1/|x| could overflow
    with np.errstate(divide="ignore", over="ignore"):  # 1/0 and 1/tiny: replaced below
        np.divide(1, y, out=y)
    y += 1
    np.divide(1, y, out=y)  # at |x| = inf: 1 / (1 + 0) = 1, the limit
    np.abs(x, out=y, where=small, dtype=np.float64)  # NaN < 2^-60 is False: NaN stays NaN
    np.copysign(y, x, out=y)  # -0.0 stays -0.0
    return y.astype(x.dtype, copy=False)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def softsign_grad(x):
    """d softsign / dx = 1 / (1 + |x|)^2."""
    x = _as_float(x)
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # (1 + |x|)^2 overflows for |x| > 1e154 although the slope is still a
    # (subnormal) number there; squaring the reciprocal only underflows.
    # Five roundings of eps/2 at most, nothing cancels: within 5 ULP (the page).
    # At |x| = inf, 1 / inf = 0 is the limit.
    r = np.abs(w, out=np.empty_like(w))
    r += 1
    np.divide(1, r, out=r)
    np.multiply(r, r, out=r)
    return r.astype(x.dtype, copy=False)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def softsign_grad_from_output(y):
    """d softsign / dx from the output y = softsign(x): (1 - |y|)^2."""
    y = _as_float(y)
    # 1 - |y| = 1 / (1 + |x|): the slope is its square.
    return ((1 - np.abs(y)) ** 2)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def softsign_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return x / (1 + np.abs(x))
# --8<-- [end:naive]
