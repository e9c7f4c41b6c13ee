# GELU, tanh approximation (PyTorch's approximate="tanh"), and its derivative,
# accurate for every float input. Standalone: NumPy only.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


# u = sqrt(2/pi) (x + 0.044715 x^3) is formed as a pair (hi, lo) of float64
# standing for hi + lo ("double-double"). On the left the result is about
# x e^(2u), so an error of one ULP in 2u would cost |2u| ULP in the result,
# up to 745 ULP before it underflows.

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


def _one_plus(a):
    """The pair 1 + a of a pair a."""
    s, e = _two_sum(1.0, a[0])
    return s, e + a[1]


_SQRT_2_OVER_PI = _pair("0.797884560802865355879892119868763736951717262")
_KAPPA = _pair("0.044715")


def _gelu_tanh_parts(x):
    """x in float64 (w), x capped (c), the pairs 0.044715 x^2 and
    u = sqrt(2/pi) (x + 0.044715 x^3), and z = e^-|2u|, h = e^-|u|."""
    # float16/float32 are computed in float64 and rounded once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # x^3 overflows past |x| = 5.6e102. Past |x| = 40, |2u| > 4000, so
    # e^-|2u| is 0 already: the cap changes no result. NaN stays NaN.
    c = np.clip(w, -40.0, 40.0)
    square = _two_product(c, c)
    kappa_square = _times(_KAPPA, square)
    u = _times(_times(_SQRT_2_OVER_PI, (c, np.zeros_like(c))), _one_plus(kappa_square))
    # e^-|2u_hi + 2u_lo| = e^-|2u_hi| (1 + d) with d = -sign(u) 2u_lo, to
    # 32 digits: lo is below 2^-53 |2u|. z + z d rounds once, z (1 + d) twice.
    d = -np.sign(u[0]) * 2 * u[1]
    z = np.exp(-2 * np.abs(u[0]))
    h = np.exp(-np.abs(u[0]))
    return w, c, kappa_square, u, z + z * d, h + h * (d / 2)


def _times_z_over(a, z, h, denominator):
    """a z / denominator for pairs a and denominator and z = h^2, rounded once,
    also where z is subnormal and the result is not."""
    q = _divide(_times(a, (z, np.zeros_like(z))), denominator)
    # A subnormal z has lost bits; (a h) h goes through normal numbers only
    # (the denominator, 1 + z or its square, is then 1).
    halves = ((a[0] + a[1]) * h) * h
    return np.where(z >= np.finfo(z.dtype).tiny, q[0] + q[1], halves)


def gelu_tanh(x):
    """x/2 (1 + tanh(u)) = x sigma(2u), u = sqrt(2/pi) (x + 0.044715 x^3), for any x."""
    x = _as_float(x)
    w, c, kappa_square, u, z, h = _gelu_tanh_parts(x)
    # 1 + tanh(u) = 2 sigma(2u); with z = e^-|2u| in [0, 1]: sigma(2u) is
    # 1 / (1 + z) for u >= 0 and z / (1 + z) for u < 0. No 1 + tanh(u) is
    # formed: it is 0 once tanh(u) rounds to -1, long before f underflows.
    left = _times_z_over((c, np.zeros_like(c)), z, h, _two_sum(1.0, z))
    return np.where(u[0] >= 0, w / (1 + z), left).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def gelu_tanh_grad(x):
    """d/dx x sigma(2u) = sigma(2u) + x sigma(2u) (1 - sigma(2u)) 2u'(x),
    with 2u'(x) = 2 sqrt(2/pi) (1 + 3 * 0.044715 x^2)."""
    x = _as_float(x)
    w, c, kappa_square, u, z, h = _gelu_tanh_parts(x)
    # x 2u'(x) as a pair.
    x_du = _times(_times(_SQRT_2_OVER_PI, (2 * c, np.zeros_like(c))),
                  _one_plus(_times((3.0, 0.0), kappa_square)))
    # In terms of z = e^-|2u|:
    #   u >= 0:  (1 + z + x 2u' z) / (1 + z)^2,
    #   u < 0:   z (1 + z + x 2u') / (1 + z)^2.
    # On the left, 1 + z + x 2u' cancels near the minimum, x = -0.75:
    # it is summed as a pair, so only the rounding of z is left in it.
    one_z = _two_sum(1.0, z)
    positive = (1 + z + x_du[0] * z) / ((1 + z) * (1 + z))
    s, e = _two_sum(one_z[0], x_du[0])
    negative = _times_z_over((s, e + one_z[1] + x_du[1]), z, h, _times(one_z, one_z))
    return np.where(u[0] >= 0, positive, negative).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:naive]
def gelu_tanh_naive(x):
    """The formula as printed, kept to show where it fails."""
    x = _as_float(x)
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
# --8<-- [end:naive]
