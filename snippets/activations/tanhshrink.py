# Tanhshrink, x - tanh(x), and its derivative tanh(x)^2, accurate also near 0.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _taylor_coefficients(terms):
    """t_0, t_1, ... with x - tanh(x) = x^3 (t_0 + t_1 x^2 + t_2 x^4 + ...)."""
    # x - tanh(x) = (x cosh(x) - sinh(x)) / cosh(x), and with u = x^2
    #   x cosh(x) - sinh(x) = x^3 * sum_j u^j / ((2j+3) (2j+1)!),
    #   cosh(x)             =       sum_j u^j / (2j)!;
    # dividing the first series by the second gives the t_j, one by one.
    numerator, denominator, factorial = [], [], 1  # factorial = (2j)!, an exact int
    for j in range(terms):
        if j > 0:
            factorial *= (2 * j - 1) * (2 * j)
        numerator.append(1 / ((2 * j + 3) * factorial * (2 * j + 1)))
        denominator.append(1 / factorial)
    coefficients = []  # the denominator series starts with 1: no division
    for j in range(terms):
        known = sum(coefficients[i] * denominator[j - i] for i in range(j))
        coefficients.append(numerator[j] - known)
    return coefficients


# The series converges for |x| < pi/2; at |x| <= 0.8 each term is at most
# 0.26 times the one before, and 32 terms reach float64 precision.
_SERIES_LIMIT = 0.8
_COEFFICIENTS = _taylor_coefficients(32)


def _two_product(a, b):
    """(p, e): p = a * b rounded, and p + e = a * b exactly (Dekker)."""
    # Veltkamp's split cuts a float64 into two halves of at most 26 bits;
    # every product of two halves is then exact.
    def split(v):
        c = 134217729.0 * v  # 2^27 + 1
        high = c - (c - v)
        return high, v - high

    p = a * b
    a_high, a_low = split(a)
    b_high, b_low = split(b)
    return p, ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low


def _series(x, terms=len(_COEFFICIENTS)):
    """x - tanh(x) for |x| <= 0.8, to about one rounding (with all the terms)."""
    # x^3 (t_0 + t_1 u + ...) with u = x^2 and t_0 = 1/3. Evaluated plainly,
    # its four roundings (u, the sum, two products) can add up to 4 ULP.
    # So the leading term x^3/3 is formed in double-double (hi + lo), and the
    # rest, at most 0.3 of the result, is added to lo: one final rounding.
    u, u_err = _two_product(x, x)               # x^2 = u + u_err
    cube, cube_err = _two_product(u, x)          # u x = cube + cube_err
    cube_err = cube_err + u_err * x              # x^3 = cube + cube_err
    hi = cube / 3
    three_hi, three_hi_err = _two_product(hi, 3.0)
    lo = (((cube - three_hi) - three_hi_err) + cube_err) / 3  # x^3/3 = hi + lo
    rest = 0.0
    for c in reversed(_COEFFICIENTS[1:terms]):
        rest = rest * u + c
    return hi + (lo + (cube * u) * rest)


def tanhshrink(x):
    """x - tanh(x), with full relative accuracy near 0."""
    x = _as_float(x)
    # float16 and float32 go through float64 and are rounded once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    a = np.abs(w, out=np.empty_like(w))
    # Near 0, x and tanh(x) agree in their leading digits, and x - tanh(x)
    # (about x^3/3) would keep only the rounding error of tanh: use the
    # series x^3/3 - 2x^5/15 + ..., which does not cancel for |x| <= 0.8.
    # It is long (32 terms), so it runs only on those x, gathered by index.
    near = np.flatnonzero(a <= _SERIES_LIMIT)
    # float32 needs about 1e-8: 14 terms (0.26^14) reach it.
    terms = len(_COEFFICIENTS) if x.dtype.itemsize >= 8 else 14
    series = _series(w.ravel()[near], terms)
    # Beyond 0.8, with tanh(x) = 1 - 2 / (1 + e^(2x)) for x > 0:
    #   x - tanh(x) = (x - 1) + 2 / (1 + e^(2x)),
    # where x - 1 is exact up to x = 2 and both terms are positive from
    # x = 1 on: no cancellation worth the name. Odd: the sign goes outside.
    # e^(2x) is capped at x = 40, where 2 / (1 + e^(2x)) is already below
    # the last digit of x - 1; the cap keeps it from overflowing.
    # In place: two arrays, a and e, and one pass per operation.
    e = np.minimum(a, 40.0, out=np.empty_like(a))
    e *= 2
    np.exp(e, out=e)
    e += 1
    np.divide(2, e, out=e)
    a -= 1
    a += e
    np.copysign(a, w, out=a)
    a.ravel()[near] = series
    return a.astype(x.dtype, copy=False)


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
    return t.astype(x.dtype, copy=False)
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
