# GELU, the exact form x * Phi(x), and its derivative, accurate for every float input.
# The erf machinery comes first, stamped from snippets/special/erf.py.

# stamp: special/erf.py, from snippets/special/erf.py (python -m sitekit.stamp)
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
# end stamp: special/erf.py


# --8<-- [start:forward]
_RSQRT_2PI_HALVES = _split(_RSQRT_2PI[0])


# stamp: _product_error_of_halves, from snippets/_shared.py (python -m sitekit.stamp)
def _product_error_of_halves(a_high, a_low, b_high, b_low, p):
    """a * b - p exactly, for p = a * b rounded and the halves of a and b (Dekker)."""
    return ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low
# end stamp: _product_error_of_halves


def _by_region(x, branches, beyond, limit):
    """The float64 array x through branches = (near, near_positive, middle, far),
    block by block: near for -1.768 < x <= 0 (v < 1.25), near_positive for
    0 < x < 1.768, middle up to |x| < 4.04 (v < 1/0.35), far beyond (and at NaN).
    Each element goes through its own branch only: np.flatnonzero picks them.
    From x = beyond on, the result is limit (None: x itself) to the last bit."""
    out = np.empty_like(x)
    flat, out_flat = x.reshape(-1), out.reshape(-1)
    for start in range(0, flat.size, _BLOCK_DOUBLE):
        w, o = flat[start:start + _BLOCK_DOUBLE], out_flat[start:start + _BLOCK_DOUBLE]
        # Every element gets its branch's value below, except those past beyond.
        if limit is None:
            np.copyto(o, w)
        else:
            o.fill(limit)
        done = w >= beyond
        t = np.abs(w)
        inside = t < _MIDDLE_END
        where = np.flatnonzero(~(inside | done))
        o[where] = branches[3](w[where])
        # The other three split the elements inside, fewer than the block.
        inside = np.flatnonzero(inside)
        w_in = w[inside]
        small = np.abs(w_in) < _NEAR_END
        positive = w_in > 0
        for branch, mask in zip(branches, (small & ~positive, small & positive, ~small)):
            where = np.flatnonzero(mask)
            o[inside[where]] = branch(w_in[where])
    return out


def _common(w):
    """t = |x| capped, its halves, t^2 as a pair (p, e) and e^-(p/2)."""
    # Past |x| = 40 every e^(-x^2/2) below is 0 and x Phi(x) is x or -0:
    # capping keeps t^2 finite and gives those limits. NaN stays NaN.
    t = np.minimum(np.abs(w), 40.0)
    halves = _split(t)
    p = t * t
    # e^-(p + e)/2 = e^-(p/2) (1 - e/2) to 32 digits: t^2 rounded would cost
    # up to t^2/2 ULP, hundreds on the left tail.
    return t, halves, p, _product_error_of_halves(*halves, *halves, p), np.exp(-p / 2)

# Past v = 1.25 the tail follows fdlibm's erfc (s_erf.c, Sun Microsystems
# 1993, freely distributable): erfc(v) = e^(-v^2 - 0.5625 + R(s)/S(s)) / v,
# s = 1/v^2, with two rational fits to log(v erfc(v)) + v^2 + 0.5625, to 2^-61
# on [1.25, 1/0.35] and on [1/0.35, 28]. Their coefficients, lowest power first:
_TAIL_FITS = (
    ((-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
      -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
      -8.12874355063065934246e+01, -9.81432934416914548592e+00),
     (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02,
      6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02,
      6.57024977031928170135e+00, -6.04244152148580987438e-02)),
    ((-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
      -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
      -4.83519191608651397019e+02),
     (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
      3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
      -2.24409524465858183362e+01)),
)
_NEAR_END = 1.768  # t = v sqrt(2) for v = 1.25: below, the Taylor table
_MIDDLE_END = 4.0406  # v = 1/0.35
_LOG_SQRT_2 = 0.34657359027997264  # log(2) / 2


def _tail_fit(fit):
    """R and S as polynomials in u = 1/t^2 = s/2 (the powers of 2 are exact), as
    one array: row k holds the two coefficients of u^(n-k), highest power first,
    so that one Horner pass evaluates both."""
    r, s = ([a * 2.0**k for k, a in enumerate(p)] for p in fit)
    r += [0.0] * (len(s) - len(r))
    return np.array([r[::-1], s[::-1]]).T[:, :, None]


_TAILS = [_tail_fit(fit) for fit in _TAIL_FITS]
_HIGH_BITS = np.int64(-(1 << 32))  # clears the low 32 bits of a float64


def _poly(coefficients, u):
    """The polynomial (highest power first) at u, by Horner's rule, in place."""
    p = coefficients[0] * u
    p += coefficients[1]
    for c in coefficients[2:]:
        p *= u
        p += c
    return p


def _tail_parts(w, fit, power=1.0):
    """t = |x| capped, e^(-z^2/2 - 0.5625) to the power 1 or 1/2, d and R/S for the pair fit, with
    d = (z - t)(z + t)/2 and z = t with its low 32 bits cleared: t^2/2 = z^2/2 - d."""
    # Past |x| = 40 every e^(-t^2/2) is 0: the cap keeps t^2 finite. NaN stays NaN.
    t = np.abs(w)
    np.minimum(t, 40.0, out=t)
    # z has 21 bits, so z^2 and -z^2/2 - 0.5625 are exact: np.exp rounds once.
    # A rounded t^2 would cost up to t^2/2 ULP, hundreds on the left tail.
    z = (t.view(np.int64) & _HIGH_BITS).view(np.float64)
    big = z * z
    big *= -0.5 * power
    big -= 0.5625 * power
    np.exp(big, out=big)
    d = z - t
    z += t
    d *= z
    d *= 0.5
    # The ratio is a small correction in the exponent: its rounding errors
    # change the result by a fraction of an ULP, t^2 rounded included.
    u = np.multiply(t, t, out=z)
    np.divide(1.0, u, out=u)
    both = _poly(fit, u)
    num = both[0]
    num /= both[1]
    # t Q(t) = t erfc(v) / 2 = e^(... - log sqrt(2)), as t/(2v) = 1/sqrt(2).
    # The ratio and this constant are added apart: folding the constant
    # into R would cost up to 1.5 ULP more.
    num -= _LOG_SQRT_2
    return t, big, d, num


def _gelu_tail(w, fit):
    """GELU past |x| = 1.768: max(x, 0) - t Q(t), t Q(t) = e^(-z^2/2 - 0.5625) e^(d + R/S - log sqrt(2))."""
    t, big, d, ratio = _tail_parts(w, fit)
    d += ratio
    np.exp(d, out=d)
    d *= big
    np.maximum(w, 0, out=t)
    t -= d
    return t


def _gelu_near(w):
    """GELU for -1.768 < x <= 0: max(x, 0) - t Q(t), with the upper tail
    Q(t) = e^(-t^2/2) erfcx(t/sqrt(2)) / 2 computed as such, never as 1 - Phi:
    for x < 0 the result keeps its relative accuracy."""
    t, halves, p, e, exp_half = _common(w)
    erfcx, erfcx_low = _erfcx_near(t)
    # (t/2) erfcx as a pair, then times e^-(p/2) (1 - e/2): one rounding.
    a = t / 2 * erfcx
    a_low = _product_error_of_halves(halves[0] / 2, halves[1] / 2, *_split(erfcx), a) + t / 2 * erfcx_low
    m = a * exp_half
    return np.maximum(w, 0) - (m + (a_low * exp_half - m * (e / 2)))


def _gelu_near_positive(t):
    """GELU for 0 < x < 1.768: x - t Q(t) in plain float64. As t Q(t) <= x/2,
    its relative error reaches the result at most once, and e^(-t^2/2) from
    a rounded t^2 costs at most 0.2 ULP of it here."""
    erfcx, erfcx_low = _erfcx_near(t)
    erfcx += erfcx_low
    e = t * t
    e *= -0.5
    np.exp(e, out=e)
    erfcx *= t
    erfcx *= 0.5
    erfcx *= e
    return t - erfcx


_GELU_BRANCHES = (_gelu_near, _gelu_near_positive, lambda w: _gelu_tail(w, _TAILS[0]),
                  lambda w: _gelu_tail(w, _TAILS[1]))


# Blocks stay in the CPU cache through the dozens of passes above: on whole
# arrays each pass would go out to main memory. float64 blocks are split
# four ways, and larger blocks keep each branch's share large.
_BLOCK = 8192
_BLOCK_DOUBLE = 65536


# stamp: _blockwise, from snippets/_shared.py (python -m sitekit.stamp)
def _blockwise(kernel, x):
    """kernel(float64 block) over x, block by block, each result rounded once to x's dtype."""
    out = np.empty(x.shape, x.dtype)
    flat, out_flat = x.reshape(-1), out.reshape(-1)
    for start in range(0, flat.size, _BLOCK):
        out_flat[start:start + _BLOCK] = kernel(flat[start:start + _BLOCK].astype(np.float64, copy=False))
    return out
# end stamp: _blockwise


def _plain_ratio(coefficients, denominator, v):
    """The ratio of two polynomials (pairs, highest power first) at v, in plain float64."""
    p, q = np.full_like(v, coefficients[0][0]), np.full_like(v, denominator[0][0])
    for a, b in zip(coefficients[1:], denominator[1:]):
        p *= v
        p += a[0]
        q *= v
        q += b[0]
    p /= q
    return p


def _single_parts(w):
    """For a float64 block of float32 or float16 values: t = |x| capped,
    erfcx(t/sqrt(2)) and e^(-t^2/2)."""
    # float64 carries 29 more bits than float32, so plain float64 is enough.
    # Cody's middle ratio alone, in float64, is within 5e-12 relative of
    # erfcx on [0, 0.47] and 5e-10 on [4, 10.3], where his other two ratios
    # take over for float64: far below a float32 ULP (6e-8). Past t = 14.6
    # (t/sqrt(2) = 10.3) every x Phi(x) and its slope for x < 0 are below the
    # float32 subnormals, and for x > 0 they are x and 1: the cap at 17
    # changes no result.
    # t^2 is exact, as t has 24 bits: e^(-t^2/2) rounds once.
    t = np.minimum(np.abs(w), 17.0)
    return t, _plain_ratio(_ERFCX_NUM, _ERFCX_DEN, t * _SQRT_HALF[0]), np.exp(-(t * t) / 2)


def _gelu_block_single(w):
    """GELU of a float64 block of float32 or float16 values, rounded to them afterwards."""
    t, erfcx, e = _single_parts(w)
    # x Phi(x) = max(x, 0) - t Q(t), with Q(t) = e^(-t^2/2) erfcx(t/sqrt(2)) / 2:
    # no cancellation near 0 either, where t Q(t) is at most x/2.
    t_tail = (t / 2 * erfcx) * e
    return np.maximum(w, 0) - t_tail


def gelu(x):
    """GELU(x) = x Phi(x) = x/2 (1 + erf(x/sqrt(2))), to a few ULP for every x."""
    x = _as_float(x)
    if x.dtype == np.float64:
        # Past x = 8.5, t Q(t) < 2e-16 is below half an ULP of x.
        return _by_region(x, _GELU_BRANCHES, 8.5, None)[()]
    return _blockwise(_gelu_block_single, x)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def _from_bracket(w, bracket):
    """Phi(x) + x phi(x) from bracket = Q(t) - t phi(t): the bracket for x < 0,
    1 minus it for x > 0, as (1 + s)/2 - s bracket with s = +-1 the sign of x
    (cheaper than np.where on mixed signs)."""
    sign = np.copysign(1.0, w)
    return (1 + sign) / 2 - sign * bracket


def _gelu_grad_near(w):
    """GELU' for -1.768 < x <= 0, from e^(-t^2/2) (erfcx/2 - t/sqrt(2 pi))."""
    t, halves, p, e, exp_half = _common(w)
    erfcx, erfcx_low = _erfcx_near(t)
    # The bracket cancels near the minimum of GELU, x = -0.75: it is formed
    # as a pair, and e^(-t^2/2) multiplies it after that.
    tc = t * _RSQRT_2PI[0]
    tc_low = _product_error_of_halves(*halves, *_RSQRT_2PI_HALVES, tc) + t * _RSQRT_2PI[1]
    b, b_error = _two_sum(erfcx / 2, -tc)
    m = b * exp_half
    return _from_bracket(w, m + ((b_error + (erfcx_low / 2 - tc_low)) * exp_half - m * (e / 2)))


_SLOPE_K = 0.70016550707689571  # e^0.5625 / sqrt(2 pi)


def _gelu_grad_tail(w, fit):
    """GELU' past |x| = 1.768: the bracket Q(t) - t phi(t) is
    e^(-z^2/2 - 0.5625) e^d (m/t - t e^0.5625/sqrt(2 pi)), m = e^(R/S - log sqrt(2));
    the difference cancels by at most 1.4."""
    t, big, d, ratio = _tail_parts(w, fit, 0.5)
    np.exp(ratio, out=ratio)
    ratio /= t
    ratio -= t * _SLOPE_K
    np.exp(d, out=d)
    # e^(-z^2/2 - 0.5625) may be subnormal, and so have lost bits, where
    # the bracket, up to 30 times larger, is normal: (ratio big) big, with
    # big its square root, stays normal.
    ratio *= d
    ratio *= big
    ratio *= big
    return _from_bracket(w, ratio)


def _gelu_grad_near_positive(t):
    """GELU' for 0 < x < 1.768: 1 - e^(-t^2/2) (erfcx/2 - t/sqrt(2 pi)) in plain
    float64. The bracket is below 0.5 and the result above 0.5: no cancellation."""
    erfcx, erfcx_low = _erfcx_near(t)
    erfcx += erfcx_low
    erfcx *= 0.5
    erfcx -= t * _RSQRT_2PI[0]
    e = t * t
    e *= -0.5
    np.exp(e, out=e)
    erfcx *= e
    return 1 - erfcx


_GELU_GRAD_BRANCHES = (_gelu_grad_near, _gelu_grad_near_positive, lambda w: _gelu_grad_tail(w, _TAILS[0]),
                       lambda w: _gelu_grad_tail(w, _TAILS[1]))


def _gelu_grad_block_single(w):
    """GELU' of a float64 block of float32 or float16 values."""
    t, erfcx, e = _single_parts(w)
    # Phi(x) + x phi(x) = e^(-t^2/2) (erfcx/2 - t/sqrt(2 pi)) for x < 0, and 1 minus that for x > 0.
    return _from_bracket(w, (erfcx / 2 - t * _RSQRT_2PI[0]) * e)


def gelu_grad(x):
    """d GELU / dx = Phi(x) + x phi(x), with phi(x) = e^(-x^2/2) / sqrt(2 pi)."""
    x = _as_float(x)
    if x.dtype == np.float64:
        # Past x = 9, t phi(t) < 1e-17 is below half an ULP of 1.
        return _by_region(x, _GELU_GRAD_BRANCHES, 9.0, 1.0)[()]
    return _blockwise(_gelu_grad_block_single, x)[()]
# --8<-- [end:grad]



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
