# GELU, tanh approximation (PyTorch's approximate="tanh"), and its derivative,
# accurate for every float input. Standalone: NumPy only.

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


# v = 2u = x (A + B x^2), with A = 2 sqrt(2/pi) and B = 0.044715 A, is formed
# as a pair (hi, lo) of float64 standing for hi + lo ("double-double"). On
# the left the result is about x e^v, so an error of one ULP in v would cost
# |v| ULP in the result, up to 745 ULP before it underflows.

# stamp: _ratio, from snippets/_shared.py (python -m sitekit.stamp)
def _ratio(numerator, denominator):
    """The exact fraction numerator / denominator (Python ints) as a pair (hi, lo)."""
    # Python divides integers with one correct rounding: hi, then the rest.
    hi = numerator / denominator
    n, d = hi.as_integer_ratio()
    return hi, (numerator * d - n * denominator) / (denominator * d)
# end stamp: _ratio


# stamp: _split, from snippets/_shared.py (python -m sitekit.stamp)
def _split(a):
    """a = high + low, each half with at most 26 significant bits (Veltkamp)."""
    c = 134217729.0 * a  # 2^27 + 1
    high = c - (c - a)
    return high, a - high
# end stamp: _split


# stamp: _product_error_of_halves, from snippets/_shared.py (python -m sitekit.stamp)
def _product_error_of_halves(a_high, a_low, b_high, b_low, p):
    """a * b - p exactly, for p = a * b rounded and the halves of a and b (Dekker)."""
    return ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low
# end stamp: _product_error_of_halves


# stamp: _two_sum, from snippets/_shared.py (python -m sitekit.stamp)
def _two_sum(a, b):
    """s = fl(a + b) and its rounding error: s + error == a + b exactly (Knuth)."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)
# end stamp: _two_sum


# sqrt(2/pi) to 45 digits; A and B are exact fractions of it, rounded to pairs.
_SQRT_2_OVER_PI_DIGITS = 797884560802865355879892119868763736951717262
_A = _ratio(2 * _SQRT_2_OVER_PI_DIGITS, 10**45)
_B = _ratio(2 * 44715 * _SQRT_2_OVER_PI_DIGITS, 10**51)
_B_HALVES = _split(_B[0])
# Blocks of 8192 float64 (64 KB) stay in the CPU cache through the dozens of
# passes below: on whole arrays each pass would go out to main memory.
_BLOCK = 8192


# stamp: _blockwise, from snippets/_shared.py (python -m sitekit.stamp)
def _blockwise(kernel, x):
    """kernel(float64 block) over x, block by block, each result rounded once to x's dtype."""
    out = np.empty(x.shape, x.dtype)
    flat, out_flat = x.reshape(-1), out.reshape(-1)
    for start in range(0, flat.size, _BLOCK):
        out_flat[start:start + _BLOCK] = kernel(flat[start:start + _BLOCK].astype(np.float64, copy=False))
    return out
# end stamp: _blockwise


def _two_u(c):
    """v = c (A + B c^2) as a pair, for c in [-40, 40]; also the halves of c and
    B c^2 as a pair, which the derivative reuses."""
    c_high, c_low = _split(c)
    square = c * c
    square_error = _product_error_of_halves(c_high, c_low, c_high, c_low, square)
    bs = _B[0] * square
    s_high, s_low = _split(square)
    bs_error = _product_error_of_halves(s_high, s_low, *_B_HALVES, bs) + (_B[0] * square_error + _B[1] * square)
    r, r_error = _two_sum(_A[0], bs)
    r_error += _A[1] + bs_error
    v = c * r
    r_high, r_low = _split(r)
    v_error = _product_error_of_halves(c_high, c_low, r_high, r_low, v) + c * r_error
    return v, v_error, (c_high, c_low), (bs, bs_error)


def _gelu_tanh_block(w):
    """gelu_tanh of a float64 block, to a few ULP."""
    # x^3 overflows past |x| = 5.6e102. Past |x| = 40, |v| > 4000 and e^-|v|
    # is 0 already: the cap changes no result. NaN stays NaN.
    c = np.clip(w, -40.0, 40.0)
    v, v_error = _two_u(c)[:2]
    # x sigma(v) = x / (1 + e^-v). e^-(v_hi + v_lo) = e^-v_hi (1 - v_lo) to 32
    # digits, and 1 + e^-v_hi is kept as a pair: the division then rounds
    # once more, q - q d with d the relative rest of the denominator. No
    # 1 + tanh(u) is formed: it is 0 once tanh(u) rounds to -1, long before
    # f underflows. The floor -700 keeps e^-v finite (see below for v < -700),
    # and -40 keeps x = -inf from giving inf / inf. d is 0 wherever q may be
    # huge (v > 40): the cap on q in q d only keeps inf * 0 out at x = inf.
    e = np.exp(-np.maximum(v, -700.0))
    one, one_error = _two_sum(1.0, e)
    q = np.maximum(w, -40.0) / one
    f = q - np.minimum(q, 1e300) * ((one_error - e * v_error) / one)
    # Below v = -700, e^v nears the subnormals, where it has lost bits while
    # x e^v may still be normal: (x h) h with h = e^(v/2) stays normal.
    if np.any(v < -700):  # min() would be NaN with a NaN in the block
        h = np.exp(np.minimum(v, -700.0) / 2)  # the values past -700 are the ones used
        h += h * (v_error / 2)
        f = np.where(v < -700, (c * h) * h, f)
    return f


def _gelu_tanh_block_single(w):
    """gelu_tanh of a float64 block of float32 or float16 values, rounded to them afterwards."""
    # float64 carries 29 more bits than float32: v in plain float64 is off by
    # |v| 2^-52 at most, far below a float32 ULP even at |v| = 104, where
    # float32 underflows.
    c = np.clip(w, -40.0, 40.0)
    v = c * (_A[0] + _B[0] * (c * c))
    return np.maximum(w, -40.0) / (1 + np.exp(-np.maximum(v, -700.0)))


def gelu_tanh(x):
    """x/2 (1 + tanh(u)) = x sigma(2u), u = sqrt(2/pi) (x + 0.044715 x^3), for any x."""
    x = _as_float(x)
    return _blockwise(_gelu_tanh_block if x.dtype == np.float64 else _gelu_tanh_block_single, x)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def _gelu_tanh_grad_block(w):
    """The derivative for a float64 block, to a few ULP."""
    c = np.clip(w, -40.0, 40.0)
    v, v_error, c_halves, bs = _two_u(c)
    # x v'(x) = x (A + 3 B x^2) = v + 2 x (B x^2), as a pair.
    p = c * bs[0]
    b_high, b_low = _split(bs[0])
    p_error = _product_error_of_halves(*c_halves, b_high, b_low, p) + c * bs[1]
    x_dv, x_dv_error = _two_sum(v, 2 * p)
    x_dv_error += v_error + 2 * p_error
    # With z = e^-|v| in [0, 1], corrected by v_lo as in the forward pass:
    #   v >= 0:  (1 + z + x v' z) / (1 + z)^2,
    #   v < 0:   z (1 + z + x v') / (1 + z)^2.
    # On the left, 1 + z + x v' cancels near the minimum, x = -0.75: it is
    # summed as a pair, so only the rounding of z is left in it.
    negative = v < 0
    z = np.exp(-np.abs(v))
    z_relative = -np.sign(v) * v_error  # z e^(z_relative) is e^-|v|, to 32 digits
    z_low = z * z_relative
    one, one_error = _two_sum(1.0, z)
    square = one * one
    right = (one + x_dv * z) / square
    s, s_error = _two_sum(one, x_dv)
    s += s_error + one_error + z_low + x_dv_error
    # z (1 + z_relative) s / (1 + z)^2, with (1 + z)^2 = one^2 (1 + 2 one_error/one):
    # the corrections, each tiny, go into the last rounding.
    q = z * s / square
    left = q + q * (z_relative - 2 * one_error / one)
    # Where z is subnormal it has lost bits: (s h) h with h = e^(v/2) stays
    # normal (1 + z is 1 there).
    if np.any(v < -700):  # min() would be NaN with a NaN in the block
        h = np.exp(np.minimum(v, -700.0) / 2)  # the values past -700 are the ones used
        h += h * (v_error / 2)
        left = np.where(v < -700, (s * h) * h, left)
    # left * 1 + right * 0 (or the reverse) is exact, and cheaper than
    # np.where on mixed signs.
    return left * negative + right * ~negative


def _gelu_tanh_grad_block_single(w):
    """The derivative for a float64 block of float32 or float16 values."""
    # Near the minimum 1 + z + x v' cancels, but float64 has 29 bits to spare.
    c = np.clip(w, -40.0, 40.0)
    square = c * c
    v = c * (_A[0] + _B[0] * square)
    x_dv = c * (_A[0] + 3 * _B[0] * square)
    z = np.exp(-np.abs(v))
    negative = v < 0
    # left * 1 + right * 0 (or the reverse) is exact, and cheaper than np.where.
    numerator = z * (1 + z + x_dv) * negative + (1 + z + x_dv * z) * ~negative
    return numerator / ((1 + z) * (1 + z))


def gelu_tanh_grad(x):
    """d/dx x sigma(2u) = sigma(2u) + x sigma(2u) (1 - sigma(2u)) 2u'(x),
    with 2u'(x) = 2 sqrt(2/pi) (1 + 3 * 0.044715 x^2)."""
    x = _as_float(x)
    return _blockwise(_gelu_tanh_grad_block if x.dtype == np.float64 else _gelu_tanh_grad_block_single, x)[()]
# --8<-- [end:grad]


# --8<-- [start:naive]
def gelu_tanh_naive(x):
    """The formula as printed, kept to show where it fails."""
    x = _as_float(x)
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
# --8<-- [end:naive]
