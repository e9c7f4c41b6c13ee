"""erf, erfc and erfcx in double-double arithmetic, to a few ULP for every float.

The machinery behind the exact GELU (activations/gelu.py stamps this file in):
pairs (hi, lo) of float64 standing for hi + lo, W. J. Cody's rational
approximations, and a Taylor table of erfcx for the float64 path.
NumPy only; `erf` and `erfc` at the end are the entry points.
"""

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


# Everything below works on pairs (hi, lo) of float64 standing for hi + lo
# ("double-double"): about 32 digits, so that the float64 result is rounded
# essentially once, at the end.

# stamp: _ratio, from snippets/_shared.py (python -m sitekit.stamp)
def _ratio(numerator, denominator):
    """The exact fraction numerator / denominator (Python ints) as a pair (hi, lo)."""
    # Python divides integers with one correct rounding: hi, then the rest.
    hi = numerator / denominator
    n, d = hi.as_integer_ratio()
    return hi, (numerator * d - n * denominator) / (denominator * d)
# end stamp: _ratio


def _pair(text):
    """A decimal constant as a pair: hi the nearest float64, lo the nearest float64 to the rest."""
    mantissa, _, exponent = text.lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits, scale = int(whole + fraction), len(fraction) - int(exponent or 0)
    return _ratio(digits, 10**scale) if scale >= 0 else _ratio(digits * 10**-scale, 1)


# stamp: _split, from snippets/_shared.py (python -m sitekit.stamp)
def _split(a):
    """a = high + low, each half with at most 26 significant bits (Veltkamp)."""
    c = 134217729.0 * a  # 2^27 + 1
    high = c - (c - a)
    return high, a - high
# end stamp: _split


def _two_product(a, b):
    """(p, e) with p = a * b rounded and p + e = a * b exactly (Dekker)."""
    p = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    return p, ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low


# stamp: _two_sum, from snippets/_shared.py (python -m sitekit.stamp)
def _two_sum(a, b):
    """s = fl(a + b) and its rounding error: s + error == a + b exactly (Knuth)."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)
# end stamp: _two_sum


def _times(a, b):
    """The pair a * b of two pairs."""
    p, e = _two_product(a[0], b[0])
    return p, e + (a[0] * b[1] + a[1] * b[0])


def _divide(a, b):
    """The pair a / b of two pairs."""
    q = a[0] / b[0]
    p, e = _two_product(q, b[0])
    # a - q b is small, and a[0] - p is exact (the two are within a factor 2).
    return q, (((a[0] - p) - e) + a[1] - q * b[1]) / b[0]


def _horner(coefficients, v):
    """The polynomial (highest power first, each coefficient a pair) at the pair v,
    by Horner's rule with every rounding error carried along (compensated Horner)."""
    high, low = coefficients[0]
    # Every step multiplies by v: its halves are split once.
    v_high, v_low = _split(v[0])
    for c_high, c_low in coefficients[1:]:
        p = high * v[0]
        high_high, high_low = _split(high)
        p_error = ((high_high * v_high - p) + high_high * v_low + high_low * v_high) + high_low * v_low
        # The errors of this step, and the low parts, go to `low`: its own
        # rounding errors are 2^-53 times smaller than those of `high`.
        low = low * v[0] + high * v[1] + p_error + c_low
        high, s_error = _two_sum(p, c_high)
        low = low + s_error
    return high, low


# W. J. Cody, "Rational Chebyshev approximations for the error function",
# Math. Comp. 23 (1969) 631-638; the 18-digit coefficients of his public-domain
# SPECFUN routine CALERF, highest power first. Each ratio approximates its
# function with a relative error below 2e-18 on its interval.
_ERF_NUM = [_pair(c) for c in ("1.85777706184603153E-1", "3.16112374387056560E00", "1.13864154151050156E02",
                               "3.77485237685302021E02", "3.20937758913846947E03")]
_ERF_DEN = [_pair(c) for c in ("1", "2.36012909523441209E01", "2.44024637934444173E02",
                               "1.28261652607737228E03", "2.84423683343917062E03")]
_ERFCX_NUM = [_pair(c) for c in ("2.15311535474403846E-8", "5.64188496988670089E-1", "8.88314979438837594E0",
                                 "6.61191906371416295E01", "2.98635138197400131E02", "8.81952221241769090E02",
                                 "1.71204761263407058E03", "2.05107837782607147E03", "1.23033935479799725E03")]
_ERFCX_DEN = [_pair(c) for c in ("1", "1.57449261107098347E01", "1.17693950891312499E02",
                                 "5.37181101862009858E02", "1.62138957456669019E03", "3.29079923573345963E03",
                                 "4.36261909014324716E03", "3.43936767414372164E03", "1.23033935480374942E03")]
_ASYMPTOTIC_NUM = (1.63153871373020978E-2, 3.05326634961232344E-1, 3.60344899949804439E-1,
                   1.25781726111229246E-1, 1.60837851487422766E-2, 6.58749161529837803E-4)
_ASYMPTOTIC_DEN = (1.0, 2.56852019228982242E00, 1.87295284992346047E00, 5.27905102951428412E-1,
                   6.05183413124413191E-2, 2.33520497626869185E-3)

_SQRT_HALF = _pair("0.707106781186547524400844362104849039284835938")  # 1 / sqrt(2)
_RSQRT_PI = _pair("0.564189583547756286948079451560772585844050629")  # 1 / sqrt(pi)
_RSQRT_2PI = _pair("0.398942280401432677939946059934381868475858631")  # 1 / sqrt(2 pi)
_SMALL = 0.46875  # Cody's split: erf by its own ratio below, erfc above


def _erf_small(y):
    """erf(y) for |y| <= 0.46875, as a pair: y A(y^2) / B(y^2)."""
    square = _times(y, y)
    return _times(y, _divide(_horner(_ERF_NUM, square), _horner(_ERF_DEN, square)))


def _erfcx(y):
    """e^(y^2) erfc(y) for y >= 0.46875, as a pair; each element takes one branch only."""
    shape = np.shape(y[0])
    y = (np.ravel(y[0]), np.ravel(y[1]))  # 1-d, so that it can be indexed
    hi, lo = np.empty_like(y[0]), np.empty_like(y[0])
    middle = np.flatnonzero(y[0] <= 4)
    far = np.flatnonzero(~(y[0] <= 4))
    v = (y[0][middle], y[1][middle])
    hi[middle], lo[middle] = _divide(_horner(_ERFCX_NUM, v), _horner(_ERFCX_DEN, v))
    # For y > 4: (1/sqrt(pi) - z P(z) / Q(z)) / y with z = 1/y^2. The ratio
    # is a correction of at most 1.3 %, so float64 is enough for it.
    v = (y[0][far], y[1][far])
    z = 1 / (v[0] * v[0])
    num, den = np.full_like(z, _ASYMPTOTIC_NUM[0]), np.ones_like(z)
    for p, q in zip(_ASYMPTOTIC_NUM[1:], _ASYMPTOTIC_DEN[1:]):
        num, den = num * z + p, den * z + q
    s, e = _two_sum(_RSQRT_PI[0], -(z * num / den))
    hi[far], lo[far] = _divide((s, e + _RSQRT_PI[1]), v)
    return hi.reshape(shape), lo.reshape(shape)


def _exp_taylor(terms):
    """The pairs (-1)^k / k!, highest k first: e^-s = sum of (-s)^k / k!."""
    coefficients, factorial = [], 1
    for k in range(terms):
        coefficients.append(_ratio((-1) ** k, factorial))
        factorial *= k + 1
    return coefficients[::-1]


# 18 terms: the first one left out is below 1e-21 relative for 0 <= s <= 0.25.
_EXP_TAYLOR = _exp_taylor(18)


def _exp_minus_small(s):
    """e^-s for a pair 0 <= s <= 0.25, as a pair: np.exp alone rounds to float64."""
    return _horner(_EXP_TAYLOR, s)


# local: a double-double pair times e^-(pair), not _shared.py's _times_exp
def _times_exp(a, square):
    """The pair a times e^-(square), square a pair >= 0, rounded to float64 once more."""
    # e^-(hi + lo) = e^-hi (1 - lo) to 32 digits, as lo is tiny. Where e^-hi
    # is subnormal it has lost bits while a e^-hi may still be normal:
    # there the product goes through h = e^-(hi/2) twice.
    z = np.exp(-square[0])
    h = np.exp(-square[0] / 2)
    correction = a[1] - a[0] * square[1]
    whole = a[0] * z + z * correction
    halves = (a[0] * h + h * correction) * h
    return np.where(z >= np.finfo(np.float64).tiny, whole, halves)


# The float64 path: erfcx(y) = e^(y^2) erfc(y) for y <= 4 from its Taylor
# series around the nearest y0 = k/64. With |y - y0| <= 1/128 the terms fall
# fast (the first one left out, c8 (y - y0)^8, is below 1e-18 erfcx), so
# plain float64 sums the corrections to a fraction of an ULP of erfcx, which
# is kept as a pair: Cody's ratios in plain float64 would be off by up to
# 3 ULP, and in pairs they cost hundreds of passes.
_NODES_PER_UNIT = 64
_TERMS = 8


def _erfcx_taylor_table():
    """Row 0, 1: erfcx(y0) as a pair; rows 2 .. 8: the Taylor coefficients c1 .. c7 at y0 = k/64."""
    y0 = np.arange(4 * _NODES_PER_UNIT + 1) / _NODES_PER_UNIT
    zero = np.zeros_like(y0)
    small = y0 <= _SMALL
    # y0 <= 0.46875: e^(y0^2) (1 - erf(y0)), with y0^2 exact; above, Cody's erfcx.
    y_small = np.where(small, y0, 0.0)
    erf = _erf_small((y_small, zero))
    one, one_error = _two_sum(1.0, -erf[0])
    near = _divide((one, one_error - erf[1]), _exp_minus_small((y_small * y_small, zero)))
    far = _erfcx((np.where(small, 1.0, y0), zero))
    c0 = (np.where(small, near[0], far[0]), np.where(small, near[1], far[1]))
    # erfcx' = 2y erfcx - 2/sqrt(pi), and c_n = (2 y0 c_(n-1) + 2 c_(n-2)) / n.
    # c1 cancels (by 35 at y0 = 4): it is formed as a pair. The later c_n
    # weigh little (|c_n (y - y0)^n| < 1e-4 erfcx): float64 is enough there.
    p = _times((2 * y0, zero), c0)
    c1, c1_error = _two_sum(p[0], -2 * _RSQRT_PI[0])
    coefficients = [c0[0], c0[1], c1 + (c1_error + p[1] - 2 * _RSQRT_PI[1])]
    previous, current = c0[0] + c0[1], coefficients[2]
    for n in range(2, _TERMS):
        previous, current = current, (2 * y0 * current + 2 * previous) / n
        coefficients.append(current)
    return np.array(coefficients)


_ERFCX_TAYLOR = _erfcx_taylor_table()  # 9 rows (erfcx hi, lo, c1 .. c7), one column per y0
# sqrt(2)/64 = (1/sqrt(2))/32, the step of the nodes in t, as a 45-bit head
# (Veltkamp's split with 2^8 + 1) and the rest.
_STEP = _SQRT_HALF[0] / 32
_STEP_HEAD = 257.0 * _STEP - (257.0 * _STEP - _STEP)
_NODE_STEP = (_STEP_HEAD, (_STEP - _STEP_HEAD) + _SQRT_HALF[1] / 32)


def _erfcx_near(t):
    """erfcx(t/sqrt(2)) for t <= 4 sqrt(2), as a pair (hi, lo)."""
    k = np.rint(t * (_SQRT_HALF[0] * _NODES_PER_UNIT))
    # h = y - y0 = (t - k sqrt(2)/64) / sqrt(2), never through a rounded y
    # (that alone would cost up to 1 ULP): k times the 45-bit head of
    # sqrt(2)/64 is exact, and so is t minus it (the two are close); only the
    # small h then rounds.
    h = ((t - k * _NODE_STEP[0]) - k * _NODE_STEP[1]) * _SQRT_HALF[0]
    c = np.take(_ERFCX_TAYLOR, k.astype(np.intp), axis=1)
    series = c[_TERMS].copy()
    for j in range(_TERMS - 1, 1, -1):
        series *= h
        series += c[j]
    return c[0], c[1] + h * series



def erfc(x):
    """The complementary error function 1 - erf(x), to a few ULP for every x."""
    x = _as_float(x)
    v = x.astype(np.promote_types(x.dtype, np.float64))
    # erfc(27) is below the smallest subnormal: capping |x| keeps x^2 finite.
    a = np.minimum(np.abs(v), 30.0)
    small = a <= _SMALL
    erf = _erf_small((np.where(small, v, 0.0), np.zeros_like(v)))
    one, one_error = _two_sum(1.0, -erf[0])
    near_zero = one + (one_error - erf[1])
    # e^(-x^2) erfcx(|x|), with x^2 exact as a pair; for x < 0, 2 - erfc(|x|).
    tail = _times_exp(_erfcx((np.where(small, 1.0, a), np.zeros_like(a))), _two_product(a, a))
    return np.where(small, near_zero, np.where(v < 0, 2 - tail, tail)).astype(x.dtype)[()]


def erf(x):
    """The error function, to a few ULP for every x."""
    x = _as_float(x)
    v = x.astype(np.promote_types(x.dtype, np.float64))
    a = np.minimum(np.abs(v), 30.0)
    small = a <= _SMALL
    erf_small = _erf_small((np.where(small, v, 0.0), np.zeros_like(v)))
    tail = _times_exp(_erfcx((np.where(small, 1.0, a), np.zeros_like(a))), _two_product(a, a))
    # erf is odd: copysign keeps erf(-0) = -0, which hi + lo would round to +0.
    return np.copysign(np.where(small, erf_small[0] + erf_small[1], 1 - tail), v).astype(x.dtype)[()]
