# SwiGLU: swiglu(x) = silu(u) * v = u * sigmoid(u) * v for the two halves
# [u, v] of x, and its backward pass, accurate for every float input.
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


# local: products times e^power as mantissa and 2^n, not _shared.py's _times_exp
def _times_exp(power, factors, divisor):
    """(product of factors) * e^power / divisor, for -2300 <= power <= 0,
    in float64. e^power underflows from power = -745 on, and a product of
    factors can overflow, while the result is a normal number (u = -700,
    v = 1e308 gives silu(u) * v = -6.9e6). So e^power is kept as e^r * 2^n
    with |r| <= ln(2)/2, each factor as a mantissa in [0.5, 1) times 2^k
    (frexp), and the powers of 2 are put back once, at the end: only the
    result can round to 0 or inf."""
    n = np.rint(power / _LN2_HI)
    # power - n * _LN2_HI is exact (Sterbenz): r carries only the rounding
    # of the small n * _LN2_LO term.
    r = (power - n * _LN2_HI) - n * _LN2_LO
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


def _limit_silu(u):
    """silu(u) where it meets an infinite factor: its limits +inf and 0 at
    ±inf, and the sign of u for finite u (only the sign matters there)."""
    return np.where(u == np.inf, np.inf, np.where(u == -np.inf, 0.0, np.sign(u)))


def _capped(u):
    """u, raised to -2300 where it is lower. Each result below has a factor
    e^u and at most three others: u, and two below 2**1024. Below u = -2300
    their product is under 2**-1200, 0 in float64: the cap changes no result."""
    return np.maximum(u, -2300.0)


def swiglu(x, axis=-1):
    """swiglu(x) = silu(u) * v = u * sigma(u) * v, x split into halves [u, v] along `axis`."""
    u, v, dtype = _halves(x, axis, "swiglu")
    ok, (u0, v0) = _finite(u, v)
    u0 = _capped(u0)
    # sigma(u) = e^min(u, 0) / (1 + e^-|u|) on both sides of 0, and u * v
    # is never formed on its own: it overflows for u = -700, v = 1e308.
    y = _times_exp(np.minimum(u0, 0.0), [u0, v0], 1 + np.exp(-np.abs(u0)))
    # Infinite inputs: the limits, NaN where there is none (u = -inf, v = ±inf).
    y = np.where(ok, y, _limit_product((_limit_silu(u), u), (v, v)))
    # A cast to float32 overflows only where the exact value is past its largest float.
    with np.errstate(over="ignore"):
        return y.astype(dtype)
# --8<-- [end:forward]


# --8<-- [start:vjp]
def swiglu_vjp(x, dy, axis=-1):
    """The backward pass of swiglu: dE/dx for dy = dE/dy, the upstream gradient
    ȳ, as one array shaped like x, the halves concatenated
    along `axis`: dE/du = dy * v * silu'(u), with
    silu'(u) = sigma(u) * (1 + u * (1 - sigma(u))), and dE/dv = dy * silu(u)."""
    u, v, dtype = _halves(x, axis, "swiglu_vjp")
    dy = _as_float(dy)
    if dy.shape != u.shape:
        raise ValueError(f"dy must have the shape of swiglu(x), {u.shape}; got {dy.shape}")
    dtype = np.result_type(dtype, dy)
    dy = dy.astype(np.promote_types(dtype, np.float64))
    ok_v, (dy0, u0) = _finite(dy, u)
    ok_u, (v0,) = _finite(v)
    ok_u &= ok_v
    u0 = _capped(u0)
    q = np.exp(-np.abs(u0))
    # silu'(u) = e^min(u, 0) * c / (1 + q)^2 with q = e^-|u| and
    #   c = 1 + q + u q   for u >= 0,
    #   c = (1 + u) + q   for u < 0,
    # so that no 1 - sigma(u) is formed. Near the root u = -1.28 of silu',
    # 1 + u is exact (Sterbenz): c carries only the rounding error of q.
    c = np.where(u0 >= 0, 1 + q + u0 * q, (1 + u0) + q)
    grad_u = _times_exp(np.minimum(u0, 0.0), [dy0, v0, c], (1 + q) * (1 + q))
    grad_v = _times_exp(np.minimum(u0, 0.0), [dy0, u0], 1 + q)
    # Infinite inputs: the limits, NaN where there is none. silu'(u) tends
    # to 1 and 0 at ±inf; at a finite u only its sign matters: that of c.
    slope = np.where(u == np.inf, 1.0, np.where(u == -np.inf, 0.0, np.sign(c)))
    grad_u = np.where(ok_u, grad_u, _limit_product((dy, dy), (v, v), (slope, u)))
    grad_v = np.where(ok_v, grad_v, _limit_product((dy, dy), (_limit_silu(u), u)))
    with np.errstate(over="ignore"):
        return np.concatenate([grad_u, grad_v], axis=axis).astype(dtype)
# --8<-- [end:vjp]


# --8<-- [start:naive]
def swiglu_naive(x, axis=-1):
    """The textbook formula, kept to show where it fails."""
    u, v = np.split(_as_float(x), 2, axis=axis)
    return u * (1 / (1 + np.exp(-u))) * v


def swiglu_vjp_naive(x, dy, axis=-1):
    """The textbook backward pass, through s = sigma(u) and 1 - s."""
    u, v = np.split(_as_float(x), 2, axis=axis)
    s = 1 / (1 + np.exp(-u))
    return np.concatenate([dy * v * s * (1 + u * (1 - s)), dy * u * s], axis=axis)
# --8<-- [end:naive]
