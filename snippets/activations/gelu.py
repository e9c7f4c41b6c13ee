# GELU, the exact form x * Phi(x), and its derivative, accurate for every float input.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


# Everything below works on pairs (hi, lo) of float64 standing for hi + lo
# ("double-double"): about 32 digits, so that the float64 result is rounded
# essentially once, at the end.

def _ratio(numerator, denominator):
    """The exact fraction numerator / denominator (Python ints) as a pair (hi, lo)."""
    # Python divides integers with one correct rounding: hi, then the rest.
    hi = numerator / denominator
    n, d = hi.as_integer_ratio()
    return hi, (numerator * d - n * denominator) / (denominator * d)


def _pair(text):
    """A decimal constant as a pair: hi the nearest float64, lo the nearest float64 to the rest."""
    mantissa, _, exponent = text.lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits, scale = int(whole + fraction), len(fraction) - int(exponent or 0)
    return _ratio(digits, 10**scale) if scale >= 0 else _ratio(digits * 10**-scale, 1)


def _split(a):
    """a = high + low, each half with at most 26 significant bits (Veltkamp)."""
    c = 134217729.0 * a  # 2^27 + 1
    high = c - (c - a)
    return high, a - high


def _two_product(a, b):
    """(p, e) with p = a * b rounded and p + e = a * b exactly (Dekker)."""
    p = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    return p, ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low


def _two_sum(a, b):
    """(s, e) with s = a + b rounded and s + e = a + b exactly (Knuth)."""
    s = a + b
    b_virtual = s - a
    return s, (a - (s - b_virtual)) + (b - b_virtual)


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
    for c_high, c_low in coefficients[1:]:
        p, p_error = _two_product(high, v[0])
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
    """e^(y^2) erfc(y) for y >= 0.46875, as a pair."""
    middle = _divide(_horner(_ERFCX_NUM, y), _horner(_ERFCX_DEN, y))
    # For y > 4: (1/sqrt(pi) - z P(z) / Q(z)) / y with z = 1/y^2. The ratio
    # is a correction of at most 1.3 %, so float64 is enough for it.
    z = 1 / (y[0] * y[0])
    num, den = np.full_like(z, _ASYMPTOTIC_NUM[0]), np.ones_like(z)
    for p, q in zip(_ASYMPTOTIC_NUM[1:], _ASYMPTOTIC_DEN[1:]):
        num, den = num * z + p, den * z + q
    s, e = _two_sum(_RSQRT_PI[0], -(z * num / den))
    far = _divide((s, e + _RSQRT_PI[1]), y)
    return np.where(y[0] <= 4, middle[0], far[0]), np.where(y[0] <= 4, middle[1], far[1])


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


def _gelu_parts(x):
    """The pieces gelu and gelu_grad share: x in float64 (w), |x| capped (t),
    t^2 / 2 as a pair, where |x| <= 0.66 (small), and the pairs erf(x / sqrt(2))
    there and erfcx(t / sqrt(2)) elsewhere."""
    # float16/float32 are computed in float64 and rounded once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # Past |x| = 40 every e^(-x^2/2) below is 0 and x Phi(x) is x or -0:
    # capping keeps t^2 finite and gives those limits. NaN stays NaN.
    t = np.minimum(np.abs(w), 40.0)
    y = _times((t, np.zeros_like(t)), _SQRT_HALF)
    p, e = _two_product(t, t)
    half_square = (p / 2, e / 2)
    small = y[0] <= _SMALL
    # Each branch gets harmless stand-in values where the other one is used.
    # erf is odd: the pair y of |x| changes sign as a whole.
    sign = np.where(small, np.where(w < 0, -1.0, 1.0), 0.0)
    erf = _erf_small((sign * y[0], sign * y[1]))
    erfcx = _erfcx((np.where(small, 1.0, y[0]), np.where(small, 0.0, y[1])))
    return w, t, half_square, small, erf, erfcx


def gelu(x):
    """GELU(x) = x Phi(x) = x/2 (1 + erf(x/sqrt(2))), to a few ULP for every x."""
    x = _as_float(x)
    w, t, half_square, small, erf, erfcx = _gelu_parts(x)
    # |x| <= 0.66: x/2 (1 + erf(x/sqrt(2))); 1 + erf stays above 0.5.
    half_w = np.where(small, w, 0.0) / 2
    one, one_error = _two_sum(1.0, erf[0])
    p, e = _two_product(half_w, one)
    near_zero = p + (e + half_w * (one_error + erf[1]))
    # Elsewhere x Phi(x) = x - t Q(t) for x > 0 and -t Q(t) for x < 0, with
    # the upper tail Q(t) = e^(-t^2/2) erfcx(t/sqrt(2)) / 2 computed as such,
    # never as 1 - Phi: for x < 0 the result keeps its relative accuracy.
    t_tail = _times_exp(_times((t / 2, np.zeros_like(t)), erfcx), half_square)
    return np.where(small, near_zero, np.where(w < 0, -t_tail, w - t_tail)).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def gelu_grad(x):
    """d GELU / dx = Phi(x) + x phi(x), with phi(x) = e^(-x^2/2) / sqrt(2 pi)."""
    x = _as_float(x)
    w, t, half_square, small, erf, erfcx = _gelu_parts(x)
    # |x| <= 0.66: (1 + erf(x/sqrt(2))) / 2 + x phi(x). Towards x = -0.66 the
    # two terms cancel, by a factor up to 11: e^(-x^2/2) is needed to more
    # than float64 precision, so it is summed as a pair.
    w_small = np.where(small, w, 0.0)
    one, one_error = _two_sum(1.0, erf[0])
    half_square_small = (np.where(small, half_square[0], 0.0), np.where(small, half_square[1], 0.0))
    x_phi = _times(_times((w_small, np.zeros_like(w_small)), _RSQRT_2PI), _exp_minus_small(half_square_small))
    s, s_error = _two_sum(one / 2, x_phi[0])
    near_zero = s + (s_error + (one_error + erf[1]) / 2 + x_phi[1])
    # Elsewhere, with the tail Q(t) = e^(-t^2/2) erfcx(t/sqrt(2)) / 2:
    #   x < 0:  Phi(x) + x phi(x) = Q(t) - t phi(t) = e^(-t^2/2) (erfcx/2 - t/sqrt(2 pi)),
    #   x > 0:  Phi(x) + x phi(x) = 1 - Q(t) + t phi(t) = 1 - (the same).
    # The bracket is formed as a pair: its two terms cancel near the minimum
    # of GELU, x = -0.75; e^(-t^2/2) multiplies the bracket after that.
    tc = _times((t, np.zeros_like(t)), _RSQRT_2PI)
    b, b_error = _two_sum(erfcx[0] / 2, -tc[0])
    bracket = _times_exp((b, b_error + (erfcx[1] / 2 - tc[1])), half_square)
    return np.where(small, near_zero, np.where(w < 0, bracket, 1 - bracket)).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:erf]
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
    return np.where(small, near_zero, np.where(v < 0, 2 - tail, tail)).astype(x.dtype)


def erf(x):
    """The error function, to a few ULP for every x."""
    x = _as_float(x)
    v = x.astype(np.promote_types(x.dtype, np.float64))
    a = np.minimum(np.abs(v), 30.0)
    small = a <= _SMALL
    erf_small = _erf_small((np.where(small, v, 0.0), np.zeros_like(v)))
    tail = _times_exp(_erfcx((np.where(small, 1.0, a), np.zeros_like(a))), _two_product(a, a))
    return np.where(small, erf_small[0] + erf_small[1], np.copysign(1 - tail, v)).astype(x.dtype)
# --8<-- [end:erf]


# --8<-- [start:naive]
def gelu_naive(x):
    """The textbook formula, with the accurate erf above, kept to show where it fails."""
    x = _as_float(x)
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def gelu_grad_naive(x):
    """Phi(x) + x phi(x) written out, kept to show where it fails."""
    x = _as_float(x)
    return 0.5 * (1 + erf(x / np.sqrt(2))) + x * np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
# --8<-- [end:naive]
