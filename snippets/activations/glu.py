# Gated linear unit: glu(x) = u * sigmoid(v) for the two halves [u, v] of x,
# and its backward pass, accurate for every float input.
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


# stamp: _halves, from snippets/_shared.py (python -m sitekit.stamp)
def _halves(x, axis, name):
    """The two halves (u, v) of x along `axis`, and x's dtype."""
    x = _as_float(x)
    if x.ndim == 0:
        raise ValueError(f"{name} needs a vector (or a batch of them), got a 0-d array (a scalar)")
    if x.shape[axis] % 2:
        raise ValueError(f"{name} splits axis {axis} into two halves, but its length {x.shape[axis]} is odd")
    # float16 and float32 are worked in float64: the result is then rounded once.
    u, v = np.split(x.astype(np.promote_types(x.dtype, np.float64)), 2, axis=axis)
    return u, v, x.dtype
# end stamp: _halves


# ln 2 in two parts: _LN2_HI has 32 significant bits, so n * _LN2_HI is exact
# for every |n| < 2**21 (fdlibm's split).
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10


# local: products times e^q as mantissa and 2^n, not _shared.py's _times_exp
def _times_exp(q, factors, divisor):
    """(product of factors) * e^q / divisor, for q <= 0, in float64.
    e^q underflows from q = -745 on, and a product of factors can overflow,
    while the result is a normal number (u = 1e308, v = -745 gives
    u * sigmoid(v) = 2.8e-16). So e^q is kept as e^r * 2^n with |r| <= ln(2)/2,
    each factor as a mantissa in [0.5, 1) times 2^k (frexp), and the powers
    of 2 are put back once, at the end: only the result can round to 0 or inf."""
    # Below q = -2300, e^q times two factors below 2**1024 is under 2**-1200:
    # 0 in float64. The cap changes no result and keeps n * _LN2_HI exact.
    q = np.maximum(q, -2300.0)
    n = np.rint(q / _LN2_HI)
    # q - n * _LN2_HI is exact (Sterbenz): r carries only the rounding of the
    # small n * _LN2_LO term.
    r = (q - n * _LN2_HI) - n * _LN2_LO
    mantissa, exponent = np.exp(r), n.astype(np.int64)
    for factor in factors:
        m, k = np.frexp(factor)
        mantissa, exponent = mantissa * m, exponent + k
    # ldexp overflows only where the exact result is past the largest float:
    # inf is then its rounded value.
    with np.errstate(over="ignore"):
        return np.ldexp(mantissa / divisor, exponent)


# stamp: _finite, from snippets/_shared.py (python -m sitekit.stamp)
def _finite(*arrays):
    """Where all the arrays are finite, and each array with 0 elsewhere
    (those entries are settled by _limit_product)."""
    ok = np.all([np.isfinite(v) for v in arrays], axis=0)
    return ok, [np.where(np.isfinite(v), v, 0.0) for v in arrays]
# end stamp: _finite


# stamp: _limit_product, from snippets/_shared.py (python -m sitekit.stamp)
def _limit_product(*pairs):
    """Where some input is ±inf: the limit of a product of factors as the
    infinite inputs grow, the others held fixed. Each pair is (factor, the
    input it depends on): a factor that is exactly 0 at a finite input makes
    the product 0 whatever the others do; one that tends to 0 next to one
    that tends to ±inf has no limit (NaN); next to finite ones, the limit is 0.
    NaN in gives NaN. Entries whose inputs are all finite come out as
    garbage: the caller's np.where drops them."""
    factors = np.array([f for f, _ in pairs])
    exact_zero = np.any([(f == 0) & np.isfinite(v) for f, v in pairs], axis=0)
    nan = np.any([np.isnan(v) for _, v in pairs], axis=0)
    vanishing = np.any(factors == 0, axis=0) & ~np.any(np.isinf(factors), axis=0)
    # inf * 0 is the NaN we mean; an overflow of finite factors is the limit
    # itself past the largest float: inf is its rounded value.
    with np.errstate(invalid="ignore", over="ignore"):
        product = np.prod(factors, axis=0)
    return np.where(nan, np.nan, np.where(exact_zero | vanishing, 0.0, product))
# end stamp: _limit_product


def _limit_sigmoid(v):
    """sigma(v) where it meets an infinite factor: its limits 1 and 0 at
    ±inf, and 1 for finite v, where only its sign (+) matters."""
    return np.where(v == -np.inf, 0.0, 1.0)


def glu(x, axis=-1):
    """glu(x) = u * sigma(v), with x split into halves [u, v] along `axis`."""
    u, v, dtype = _halves(x, axis, "glu")
    ok, (u0, v0) = _finite(u, v)
    # sigma(v) = e^min(v, 0) / (1 + e^-|v|) on both sides of 0: for v < 0
    # that is e^v / (1 + e^v), with no 1 - sigma to cancel.
    y = _times_exp(np.minimum(v0, 0.0), [u0], 1 + np.exp(-np.abs(v0)))
    # Infinite inputs: the limits, NaN where there is none (u = ±inf, v = -inf).
    y = np.where(ok, y, _limit_product((u, u), (_limit_sigmoid(v), v)))
    # A cast to float32 overflows only where the exact value is past its largest float.
    with np.errstate(over="ignore"):
        return y.astype(dtype)
# --8<-- [end:forward]


# --8<-- [start:vjp]
def glu_vjp(x, dy, axis=-1):
    """The backward pass of glu: dE/dx for dy = dE/dy, the upstream gradient
    ȳ, as one array shaped like x, the halves concatenated
    along `axis`: dE/du = dy * sigma(v), dE/dv = dy * u * sigma(v) * (1 - sigma(v))."""
    u, v, dtype = _halves(x, axis, "glu_vjp")
    dy = _as_float(dy)
    if dy.shape != u.shape:
        raise ValueError(f"dy must have the shape of glu(x), {u.shape}; got {dy.shape}")
    dtype = np.result_type(dtype, dy)
    dy = dy.astype(np.promote_types(dtype, np.float64))
    ok_u, (dy0, v0) = _finite(dy, v)
    ok_v, (u0,) = _finite(u)
    ok_v &= ok_u
    ev = np.exp(-np.abs(v0))
    grad_u = _times_exp(np.minimum(v0, 0.0), [dy0], 1 + ev)
    # sigma(v) * (1 - sigma(v)) = e^-|v| / (1 + e^-|v|)^2 on both sides:
    # no 1 - sigma(v) is formed, and dy * u cannot overflow on its own.
    grad_v = _times_exp(-np.abs(v0), [dy0, u0], (1 + ev) * (1 + ev))
    # Infinite inputs: the limits, NaN where there is none.
    # sigma'(v) tends to 0 at ±inf, and is > 0 at finite v.
    slope = np.where(np.isinf(v), 0.0, 1.0)
    grad_u = np.where(ok_u, grad_u, _limit_product((dy, dy), (_limit_sigmoid(v), v)))
    grad_v = np.where(ok_v, grad_v, _limit_product((dy, dy), (u, u), (slope, v)))
    with np.errstate(over="ignore"):
        return np.concatenate([grad_u, grad_v], axis=axis).astype(dtype)
# --8<-- [end:vjp]


# --8<-- [start:naive]
def glu_naive(x, axis=-1):
    """The textbook formula, kept to show where it fails."""
    u, v = np.split(_as_float(x), 2, axis=axis)
    return u * (1 / (1 + np.exp(-v)))


def glu_vjp_naive(x, dy, axis=-1):
    """The textbook backward pass, through s = sigma(v) and 1 - s."""
    u, v = np.split(_as_float(x), 2, axis=axis)
    s = 1 / (1 + np.exp(-v))
    return np.concatenate([dy * s, dy * u * s * (1 - s)], axis=axis)
# --8<-- [end:naive]
