# Hyperbolic tangent and its derivative, stable for every float input.
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


def tanh(x):
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x), without overflow for any x."""
    x = _as_float(x)
    # NumPy's tanh saturates to +-1 without overflow, and its float32 kernel
    # is within 1.4 ULP (tests/test_claims.py checks every float32 in
    # +-[2^-12, 2^8]): no need to work in float64. float16 has no kernel of
    # its own: float32, rounded once.
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    return np.tanh(w).astype(x.dtype, copy=False)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def tanh_grad(x):
    """d tanh / dx = 1 - tanh(x)^2, written as 1 / cosh(x)^2."""
    x = _as_float(x)
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # 1 - tanh(x)^2 is 0 once tanh(x) rounds to 1, where the slope is still
    # a normal number. sech = 1 / cosh(x) has no difference in it, and stays
    # normal about twice as far out as sech^2 does: the one rounding of
    # sech * sech is the only loss, even where the slope is subnormal.
    # cosh overflows only where the slope is below every float (|x| > 710,
    # or 89 in float32): 1 / inf = 0 is then the right answer.
    sech = np.empty_like(w)
    with np.errstate(over="ignore"):
        np.cosh(w, out=sech)
    np.divide(1, sech, out=sech)
    np.multiply(sech, sech, out=sech)
    return sech.astype(x.dtype, copy=False)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def tanh_grad_from_output(y):
    """d tanh / dx from the forward output y = tanh(x): 1 - y^2."""
    y = _as_float(y)
    # (1 - y)(1 + y) is 1 - y^2 without rounding y^2 first: 1 - y is exact
    # for y in [1/2, 1], so no bits of the small difference are lost.
    return ((1 - y) * (1 + y))[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def tanh_naive(x):
    """The textbook exp-ratio formula, kept to show where it fails."""
    x = _as_float(x)
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
# --8<-- [end:naive]
