# Swish (SiLU when beta = 1) and its derivatives, stable for every float input.
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


# stamp: _product_error, from snippets/_shared.py (python -m sitekit.stamp)
def _product_error(a, b, p):
    """a * b - p exactly, where p is a * b rounded to float64 (Dekker)."""
    # Veltkamp's split cuts a float64 into two halves of at most 26 bits;
    # every product of two halves is then exact.
    def split(v):
        c = 134217729.0 * v  # 2^27 + 1
        high = c - (c - v)
        return high, v - high

    a_high, a_low = split(a)
    b_high, b_low = split(b)
    return ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low
# end stamp: _product_error


def _swish_parts(x, beta):
    """The pieces of swish and of its derivatives, for t = beta * x:
    x in working precision, x with +-inf clipped, t, its rounding error dt,
    z = e^-|t| and h = e^(-|t|/2)."""
    # NumPy's float16/float32 kernels are less accurate than its float64 one:
    # work in at least float64 and round once at the end.
    x = x.astype(np.promote_types(x.dtype, np.float64))
    # +-inf would meet a 0 below (inf * 0 = nan); at +-max every factor has
    # already reached its limit, so the clipped copy gives the limits.
    big = np.finfo(x.dtype).max
    clipped = np.clip(x, -big, big)
    # With beta > 1, beta * x passes the float max for x near it; t = +-inf
    # is harmless there, as t is capped right away and only its sign and
    # e^-|t| = 0 (exact) matter that far out.
    with np.errstate(over="ignore"):
        t = beta * clipped
    # Past |t| = 1500, e^(-|t|/2) is 0 already: the cap changes no result
    # and keeps t finite, so t * 0 is 0, never nan.
    near = np.abs(t) < 1e4
    t = np.clip(t, -1e4, 1e4)
    # beta * x is rounded (unless beta is a power of 2), and on the left swish
    # is about x e^t: an error dt in t becomes a relative error dt, up to
    # |t| / 2 ULP. With the exact dt, e^-|t| is corrected to first order.
    # dt is skipped where |t| >= 1e4 (nothing to correct) and where
    # |x| >= 1e300 (the split would overflow; with |t| < 1e4 that takes
    # |beta| < 1e-296, far outside any use).
    needed = near & (np.abs(clipped) < 1e300)
    dt = _product_error(beta, np.where(needed, clipped, 0), np.where(needed, t, 0))
    # e^-|t + dt| = e^-|t| (1 + c) with c = -sign(t) dt to first order;
    # e + e c rounds once, e (1 + c) would round twice.
    c = -np.sign(t) * dt
    z = np.exp(-np.abs(t))
    h = np.exp(-np.abs(t) / 2)
    z, h = z + z * c, h + h * (c / 2)
    return x, clipped, t, dt, z, h


# stamp: _times_exp, from snippets/_shared.py (python -m sitekit.stamp)
def _times_exp(a, z, h):
    """a * z for z = e^-|t| = h^2, accurate also where z is subnormal and a * z is not."""
    # A subnormal z has lost bits; (a h) h goes through normal numbers only.
    return np.where(z >= np.finfo(z.dtype).tiny, a * z, (a * h) * h)
# end stamp: _times_exp


def _swish_exact(x, beta):
    """swish for any beta, with the rounding error of beta * x corrected."""
    w, clipped, t, dt, z, h = _swish_parts(x, beta)
    # With z = e^-|t| in [0, 1]: sigma(t) = 1 / (1 + z) for t >= 0
    # and z / (1 + z) for t < 0; neither can overflow.
    return (np.where(t >= 0, w, _times_exp(clipped, z, h)) / (1 + z)).astype(x.dtype)


def _exact_scale(beta):
    """True when beta is a power of 2: beta * x is then exact (short of over/underflow)."""
    return abs(float(np.frexp(beta)[0])) == 0.5


def swish(x, beta=1.0):
    """swish(x) = x * sigma(beta * x) = x / (1 + e^(-beta x)), for any x."""
    x = _as_float(x)
    # float16 has no kernels of its own: work in float32, round once.
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    if not _exact_scale(beta) or w.dtype not in (np.float32, np.float64):
        return _swish_exact(w, beta).astype(x.dtype)[()]
    # beta a power of 2 (the default 1 included): t = beta x has no rounding
    # error, and x / (1 + e^-t) keeps full relative accuracy on both sides:
    # on the left e^-t is large and 1 + e^-t rounds once; nothing cancels.
    # In place, one array. beta x may overflow to +-inf: e^-t is then 0 or inf.
    y = np.empty_like(w)
    with np.errstate(over="ignore"):
        np.multiply(w, -beta, out=y)
        np.exp(y, out=y)
    # e^-t = inf (t < -709, or -88 in float32) would give x / inf = 0 (or
    # inf / inf) where swish is x e^t, still a (subnormal) number: those
    # rare x, found by one fast check, are redone by the exact path.
    far = np.isinf(y) if np.fmax.reduce(y, axis=None, initial=0) == np.inf else None
    y += 1
    with np.errstate(invalid="ignore"):
        np.divide(w, y, out=y)
    if far is not None:
        y[far] = _swish_exact(w[far], beta)
    return y.astype(x.dtype, copy=False)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def _swish_grad_exact(x, beta):
    """swish' for any beta, with the rounding error of beta * x corrected."""
    w, clipped, t, dt, z, h = _swish_parts(x, beta)
    positive = 1 + z + t * z
    negative = _times_exp((1 + t) + (z + dt), z, h)
    return (np.where(t >= 0, positive, negative) / ((1 + z) * (1 + z))).astype(x.dtype)


def swish_grad(x, beta=1.0):
    """d swish / dx = sigma(t) + t sigma(t) (1 - sigma(t)), t = beta x."""
    x = _as_float(x)
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    if not _exact_scale(beta) or w.dtype not in (np.float32, np.float64):
        return _swish_grad_exact(w, beta).astype(x.dtype)[()]
    # In terms of z = e^-|t|, the slope is
    #   (1 + z + t z) / (1 + z)^2     for t >= 0,
    #   z (1 + t + z) / (1 + z)^2     for t < 0,
    # with no 1 - sigma(t) to cancel. Near the root t = -1.28, 1 + t is exact
    # (Sterbenz): only the error of z is left in the difference 1 + t + z.
    if w.dtype == np.float32:
        # float32 goes through float64, whose rounding is far below a float32
        # ULP even near the root, so the plain (1 + em (1 + t)) / (1 + em)^2,
        # em = e^-t, will do. Past |t| = 350 every float32 result has reached
        # its limit; the clip keeps (1 + em)^2 finite.
        # m = -t, clipped; em = e^m; then 1 + t = 1 - m.
        m = w.astype(np.float64)
        m *= -beta
        np.clip(m, -350, 350, out=m)
        em = np.exp(m)
        np.subtract(1, m, out=m)
        m *= em
        m += 1
        em += 1
        em *= em
        m /= em
        return m.astype(x.dtype)[()]
    # float64: both cases at once with p = e^min(t, 0) and q = e^-max(t, 0)
    # (one of them is 1, and p q = z): slope = p (p + q (1 + t)) / (1 + p q)^2.
    with np.errstate(over="ignore"):  # beta = 2, x near max: t = +-inf, handled below
        t = np.multiply(w, beta, out=np.empty_like(w))
    # A subnormal z (t < -708) has lost bits, and t = +-inf would meet a 0:
    # those rare x, found by two fast checks, are redone by the exact path.
    far = None
    if np.fmin.reduce(t, axis=None, initial=0) < -708 or np.fmax.reduce(t, axis=None, initial=0) == np.inf:
        far = (t < -708) | np.isinf(t)
        t[far] = 0
    p = np.minimum(t, 0, out=np.empty_like(t))
    np.exp(p, out=p)
    q = np.maximum(t, 0, out=np.empty_like(t))
    np.negative(q, out=q)
    np.exp(q, out=q)
    t += 1
    t *= q
    t += p
    t *= p
    q *= p
    q += 1
    q *= q
    t /= q
    if far is not None:
        t[far] = _swish_grad_exact(w[far], beta)
    return t[()]


def swish_grad_beta(x, beta=1.0):
    """d swish / d beta = x^2 sigma(t) (1 - sigma(t)), t = beta x."""
    x = _as_float(x)
    w, clipped, t, dt, z, h = _swish_parts(x, beta)
    # sigma(t) (1 - sigma(t)) = z / (1 + z)^2 on both sides of 0.
    # x (x s) has no x^2 to overflow early and no inf * 0; where z is
    # subnormal, 1 + z = 1 and (x h)^2 keeps the bits that z has lost.
    s = z / ((1 + z) * (1 + z))
    # Overflow happens only in the branch np.where drops, or where the exact
    # value exceeds the float max (beta near 0, huge x): inf is then exact.
    with np.errstate(over="ignore"):
        x2s = np.where(z >= np.finfo(z.dtype).tiny, clipped * (clipped * s), (clipped * h) * (clipped * h))
        return x2s.astype(x.dtype)[()]
# --8<-- [end:grad]


# --8<-- [start:naive]
def swish_naive(x, beta=1.0):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return x / (1 + np.exp(-beta * x))
# --8<-- [end:naive]
