# Mish, x * tanh(softplus(x)), and its derivative, stable for every float input.
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


def _mish_parts(x):
    """x in working precision with +-inf clipped, s = e^-|x| and h = e^(-|x|/2)."""
    # NumPy's float16/float32 kernels are less accurate than its float64 one:
    # work in at least float64 and round once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # -inf would meet a 0 below (inf * 0 = nan). Past x = -1e4, e^x is 0
    # already and the exact results round to 0 (of the sign of x), which the
    # clipped value gives; at +max every factor has reached its limit.
    c = np.clip(w, -1e4, np.finfo(w.dtype).max)
    s = np.exp(-np.abs(c))
    h = np.exp(-np.abs(c) / 2)
    return w, c, s, h


# stamp: _times_exp, from snippets/_shared.py (python -m sitekit.stamp)
def _times_exp(a, z, h):
    """a * z for z = e^-|t| = h^2, accurate also where z is subnormal and a * z is not."""
    # A subnormal z has lost bits; (a h) h goes through normal numbers only.
    return np.where(z >= np.finfo(z.dtype).tiny, a * z, (a * h) * h)
# end stamp: _times_exp


def _mish_exact(x):
    """mish(x) for any x, with the subnormal e^x of the far left handled."""
    w, c, s, h = _mish_parts(x)
    # tanh(ln(1 + u)) = ((1 + u)^2 - 1) / ((1 + u)^2 + 1) = u (u + 2) / (u (u + 2) + 2)
    # with u = e^x. For x >= 0, divide through by u^2 and use s = e^-x:
    #   (1 + 2s) / (1 + 2s + 2s^2),
    # and for x < 0 keep u = s, where mish(x) is about x e^x: no e^x can
    # overflow, and nothing cancels (every term is positive).
    # w, not c: at +inf the factor is exactly 1 and inf * 1 = inf is the limit.
    positive = w * ((1 + 2 * s) / (1 + 2 * s + 2 * s * s))
    negative = _times_exp(c, s, h) * ((s + 2) / (s * (s + 2) + 2))
    return np.where(w >= 0, positive, np.where(np.isnan(w), w, negative)).astype(x.dtype)


def _mish_pq(x):
    """w = x in float64 (at least), p = e^min(x, 0), q = e^-max(x, 0), and the
    mask `far` of x < -708 (None if there is none) with those x, set to 0 in w."""
    # float16/float32 go through float64 and are rounded once: the formulas
    # below round a few times, and float64 keeps that far below a float32 ULP.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # Below x = -708 e^x is subnormal and has lost bits (and -inf * 0 is nan):
    # those rare x, found by one fast check, go to the exact path instead.
    far, w_far = None, None
    if np.fmin.reduce(w, axis=None, initial=0) < -708:
        far = w < -708
        w_far = w[far]
        w[far] = 0
    # One of p, q is 1 and p q = e^-|x|: p = e^x on the left, q = e^-x on
    # the right. Neither can overflow, and no branch has to be selected.
    p = np.minimum(w, 0, out=np.empty_like(w))
    np.exp(p, out=p)
    q = np.maximum(w, 0, out=np.empty_like(w))
    np.negative(q, out=q)
    np.exp(q, out=q)
    return w, p, q, far, w_far


def mish(x):
    """mish(x) = x * tanh(ln(1 + e^x)), without overflow for any x."""
    x = _as_float(x)
    w, p, q, far, w_far = _mish_pq(x)
    # tanh(ln(1 + u)) = u (u + 2) / (u (u + 2) + 2) with u = e^x; times q^2
    # above and below, p F / D with F = p + 2q and D = p F + 2 q^2. Written as
    # p - p c, c = p (p + 1) q^2 / D: c is small where mish is small, so its
    # roundings barely count, and the subtraction rounds once. No term
    # cancels. At +inf: p = 1, q = 0, c = 0, and inf * (1 - 0) = inf.
    d = np.add(q, q, out=np.empty_like(q))
    d += p
    d *= p
    q *= q
    d += q
    d += q
    q *= p
    q *= p
    q /= d
    # p c = q (p + 1) = q p + q.
    np.multiply(q, p, out=d)
    q += d
    p -= q
    w *= p
    if far is not None:
        w[far] = _mish_exact(w_far)
    return w.astype(x.dtype)[()]

# --8<-- [end:forward]


# --8<-- [start:grad]
def _mish_grad_exact(x):
    """mish'(x) for any x, with the subnormal e^x of the far left handled."""
    w, c, s, h = _mish_parts(x)
    # With u = e^x, D = u^2 + 2u + 2 = (1 + u)^2 + 1:
    #   tanh(softplus) = u (u + 2) / D, sech(softplus)^2 = 4 (1 + u)^2 / D^2,
    #   sigma = u / (1 + u),
    # so mish' = u (u + 2) / D + 4 x u (1 + u) / D^2.
    # x >= 0, in s = e^-x (den = 1 + 2s + 2s^2): every term is positive.
    den = 1 + 2 * s + 2 * s * s
    positive = (1 + 2 * s) / den + 4 * (c * s) * s * (1 + s) / (den * den)
    # x < 0, in u = s: mish' = u B / D^2 with B = (u + 2) D + 4 x (1 + u),
    # regrouped as B = 4 (1 + x) + u (6 + 4x + 4u + u^2). B has a root at
    # x0 = -1.19 (the minimum of mish), where its terms cancel: regrouped,
    # they are about 0.8 instead of 6, and 1 + x and 6 + 4x are exact there
    # (Sterbenz), so only the rounding of u and of the small terms is left.
    # min(x, 0) keeps 4x finite in this branch, which np.where drops for x >= 0.
    n = np.minimum(c, 0)
    d = 2 + s * (2 + s)
    b = 4 * (1 + n) + s * ((6 + 4 * n) + s * (4 + s))
    negative = _times_exp(b, s, h) / (d * d)
    return np.where(w >= 0, positive, np.where(np.isnan(w), w, negative)).astype(x.dtype)


# The root x0 of mish' as x0_hi + x0_lo, u0 = e^x0, c0 = -4 (1 + x0) and c1 = u0 (4 + u0),
# from mpmath at 50 digits.
_X0_HI, _X0_LO = -1.1924312145154952, -4.8484829848031044e-17
_U0, _C0, _C1 = 0.3034825352815289, 0.7697248580619809, 1.3060317903470202


def _mish_grad_near_root(x):
    """mish'(x) for -1.6 < x < -0.75, where B in mish_grad cancels."""
    # With t = x - x0 and m = e^t - 1 (so u = e^x = u0 (1 + m)), B(x0) = 0
    # turns 4 (1 + x) + u (6 + 4x + 4u + u^2) into
    #   B = 4t (1 + u) + m (c0 + u (c1 + u0 u)),
    # whose terms all have the sign of t: nothing cancels, also at x0.
    # x - x0_hi is exact here (Sterbenz) and expm1 keeps m accurate near 0.
    u = np.exp(x)
    t = x - _X0_HI
    t -= _X0_LO
    m = np.expm1(t)
    t *= 4
    b = u * t
    b += t
    e = u * _U0
    e += _C1
    e *= u
    e += _C0
    e *= m
    b += e
    # D^2 = (u^2 + 2u + 2)^2 expanded, by Horner: fewer roundings than squaring.
    d = u + 4
    d *= u
    d += 8
    d *= u
    d += 8
    d *= u
    d += 4
    np.divide(u, d, out=d)
    b *= d
    return b


def mish_grad(x):
    """d mish / dx = tanh(softplus(x)) + x * sech(softplus(x))^2 * sigma(x)."""
    x = _as_float(x)
    w, p, q, far, w_far = _mish_pq(x)
    # With p and q as in mish (D = p (p + 2q) + 2 q^2), sigma = p / (p + q)
    # and sech^2 = 4 q^2 (p + q)^2 / D^2, so mish' = p B / D^2 with
    #   B = 4 q^3 (1 + x) + p (q^2 (6 + 4x) + S),  S = p (4q + p) (`s` below),
    #   D^2 = 4 q^4 + p (8 q^3 + p (8 q^2 + S)).
    # On the right (p = 1) every term is positive. On the left (q = 1) B has
    # the root x0 = -1.19, where its terms cancel: the few x near it are
    # recomputed in _mish_grad_near_root.
    # Flat indices: w and b are fresh contiguous arrays, so reshape(-1) is a view.
    near = np.flatnonzero((w > -1.6) & (w < -0.75))
    w_near = w.reshape(-1)[near]
    s = np.multiply(q, 4, out=np.empty_like(q))
    s += p
    s *= p
    q2 = np.multiply(q, q, out=np.empty_like(q))
    # x is capped at 1e4, where q = 0 already: 4x stays finite, so no inf * 0.
    np.minimum(w, 1e4, out=w)
    b = np.multiply(w, 4, out=np.empty_like(w))
    b += 6
    b *= q2
    b += s
    b *= p
    w += 1
    w *= q2
    w *= q
    w *= 4
    b += w
    # D^2 by Horner (fewer roundings than squaring D), reusing S.
    q2 *= 8
    s += q2
    s *= p
    q2 *= q
    s += q2
    s *= p
    q2 *= q
    q2 *= 0.5
    s += q2
    b *= p
    b /= s
    if near.size:
        b.reshape(-1)[near] = _mish_grad_near_root(w_near)
    if far is not None:
        b[far] = _mish_grad_exact(w_far)
    return b.astype(x.dtype)[()]

# --8<-- [end:grad]


# --8<-- [start:naive]
def mish_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return x * np.tanh(np.log(1 + np.exp(x)))
# --8<-- [end:naive]
