# Tanhshrink, x - tanh(x), and its derivative tanh(x)^2, accurate also near 0.
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


# Near 0, x - tanh(x) = x^3 g(s), with s = x^2 and g smooth, g(0) = 1/3.
# g is a ratio P(s) / Q(s) of two short polynomials: its Pade approximant
# at s = 0, of degree 4/4 for float64 (relative error below 6e-19 for
# |x| <= 1.03) and 2/2 for float32 (below 3.5e-9). The coefficients are
# exact integers, so they have no rounding error in either dtype. From
#   from mpmath import mp, taylor, pade, tanh; mp.dps = 50
#   c = taylor(lambda x: x - tanh(x), 0, 19)[3::2]  # g(s) = sum c[k] s^k
#   p, q = pade(c, 4, 4)  # times 29462808375; pade(c, 2, 2) times 155925
# Highest power first.
_P64 = (1.0, 51480.0, 12220065.0, 712161450.0, 9820936125.0)
_Q64 = (52965.0, 13243230.0, 835134300.0, 13921607700.0, 29462808375.0)
_P32 = (1.0, 2520.0, 51975.0)
_Q32 = (2730.0, 69930.0, 155925.0)
# From |x| = 1.03 on, x - tanh(x) >= 0.25 > tanh(x) / 4: the subtraction
# then costs at most 2 ULP of tanh's error, and the ratio is not needed.
_RATIO_LIMIT = 1.03


# local: one float64 polynomial in place, not erf.py's Horner on double-double pairs
def _horner(coefficients, s):
    """c[0] s^n + c[1] s^(n-1) + ... + c[n], in place in one new array."""
    p = s + coefficients[1] if coefficients[0] == 1 else s * coefficients[0] + coefficients[1]
    for c in coefficients[2:]:
        p *= s
        p += c
    return p


def _near_zero(x):
    """x - tanh(x) for |x| <= 1.03, as x s P(s) / Q(s) with s = x^2."""
    # Every term of P and Q is positive: no cancellation, and the
    # constant terms dominate, so each sum is within about 1 ULP.
    # Still, the six roundings add up to 4 ULP in float32: the float32
    # ratio is evaluated in float64 and rounded once, on these x only.
    wide = x.dtype.itemsize >= 8
    x = x if wide else x.astype(np.float64)
    s = x * x
    g = _horner(_P64 if wide else _P32, s)
    g /= _horner(_Q64 if wide else _Q32, s)
    g *= s
    g *= x
    return g


def tanhshrink(x):
    """x - tanh(x), with full relative accuracy near 0."""
    x = _as_float(x)
    # float16 has no kernels of its own: work in float32, round once.
    # float32 stays float32 for tanh, which is within 1.4 ULP.
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # y is C-ordered, so that its ravel() is a view.
    y = np.empty(w.shape, w.dtype)
    flat, out = w.ravel(), y.ravel()
    # In blocks of 2^16 values, so that the five passes over each block
    # stay in the cache; only x is read from memory and y written to it.
    for start in range(0, flat.size, 65536):
        xb, yb = flat[start:start + 65536], out[start:start + 65536]
        # Near 0, x and tanh(x) agree in their leading digits, and
        # x - tanh(x) (about x^3/3) would keep only the rounding error of
        # tanh: those x, found by index, get the ratio instead.
        np.abs(xb, out=yb)  # yb is scratch for |x| here
        near = np.flatnonzero(yb <= _RATIO_LIMIT)
        # Far from 0, the definition as written, in place.
        np.tanh(xb, out=yb)
        np.subtract(xb, yb, out=yb)
        yb[near] = _near_zero(xb[near])
    return y.astype(x.dtype, copy=False)[()]


# --8<-- [end:forward]


# --8<-- [start:grad]
def tanhshrink_grad(x):
    """d/dx (x - tanh(x)) = 1 - (1 - tanh(x)^2) = tanh(x)^2."""
    x = _as_float(x)
    # float16 has no kernels of its own: work in float32, round once.
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # tanh(x)^2 has no subtraction; 1 - sech(x)^2, the same number, is 0
    # for every |x| below about 1e-8. The float32 tanh kernel is within
    # 1.4 ULP, so its square is within 3.3: float32 stays float32.
    t = np.tanh(w, out=np.empty_like(w))
    np.multiply(t, t, out=t)
    return t.astype(x.dtype, copy=False)[()]
# --8<-- [end:grad]


# --8<-- [start:naive]
def tanhshrink_naive(x):
    """The definition as written, kept to show where it fails."""
    x = _as_float(x)
    return x - np.tanh(x)


def tanhshrink_grad_naive(x):
    """1 - sech(x)^2, the derivative as first written, kept to show where it fails."""
    x = _as_float(x)
    return 1 - 1 / np.cosh(x) ** 2
# --8<-- [end:naive]
