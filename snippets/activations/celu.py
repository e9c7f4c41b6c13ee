# CELU (continuously differentiable ELU) and its derivatives, stable for every float input.
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


def _celu_parts(x, alpha):
    """For the branch x <= 0: w = x in working precision, t = min(x, 0) / alpha
    rounded, and r = min(x, 0) - alpha * t exactly, so that x / alpha = t + r / alpha."""
    if np.any(np.asarray(alpha) <= 0):
        raise ValueError("celu needs alpha > 0")
    # NumPy's float16/float32 kernels are less accurate than its float64 one:
    # work in at least float64 and round once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    a = np.asarray(alpha, dtype=w.dtype)
    # min(x, 0) keeps e^(x/alpha) from overflowing in the branch np.where
    # drops, and keeps NaN.
    u = np.minimum(w, 0)
    # With alpha < 1, u / alpha passes -max for u near -max: t = -inf is
    # harmless, as only e^t = 0 and e^t - 1 = -1 (exact) are used that far out.
    with np.errstate(over="ignore"):
        t = u / a
    # x / alpha is rounded (unless alpha is a power of 2), and the slope
    # e^(x/alpha) turns an error dt in t into a relative error dt, up to
    # |t| / 2 ULP at t = -700. Dekker's exact product gives the residual r.
    # Skipped where e^t is 0 anyway (t < -1e4) and where the split would
    # overflow (|u| or |t| >= 1e300, which needs an alpha beyond any use).
    needed = (t > -1e4) & (np.abs(u) < 1e300)
    u_n, t_n = np.where(needed, u, 0), np.where(needed, t, 0)
    p = a * t_n
    r = (u_n - p) - _product_error(a, t_n, p)  # u - p is exact (Sterbenz)
    # Past t = -1e4, e^t is 0 already: the cap keeps t * e^t at 0, never inf * 0.
    return w, np.maximum(t, -1e4), r


def _elu_unit(x, f):
    """f(min(x, 0)), then x where x > 0 if f is expm1 (f(0) = 0) and 1 if f is exp (f(0) = 1)."""
    # float16 has no fast kernels: it is computed in float32, rounded once.
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # On min(x, 0), e^x cannot overflow, and NaN stays NaN. No np.where: it
    # is several times slower than a plain ufunc pass on mixed signs.
    out = np.minimum(w, 0, out=np.empty_like(w))  # an array also for 0-d x
    f(out, out=out)
    if f is np.expm1:
        # e^x - 1 >= x for every x: the max picks x exactly where x > 0.
        np.maximum(out, w, out=out)
    return out.astype(x.dtype, copy=False)


def celu(x, alpha=1.0):
    """max(0, x) + min(0, alpha * (e^(x/alpha) - 1)), for alpha > 0."""
    x = _as_float(x)
    if np.ndim(alpha) == 0 and alpha == 1:
        # x / 1 is exact, and this is ELU: see _elu_unit.
        return _elu_unit(x, np.expm1)[()]
    w, t, r = _celu_parts(x, alpha)
    # alpha * (e^(t + r/alpha) - 1) = alpha * expm1(t) + e^t * r to first order;
    # expm1 keeps the digits of e^t - 1 near 0.
    negative = alpha * np.expm1(t) + np.exp(t) * r
    # A huge alpha can push the floor -alpha past the float16/float32 max:
    # -inf is then its correctly rounded value.
    with np.errstate(over="ignore"):
        return np.where(w > 0, w, negative).astype(x.dtype)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def _expm1_minus_identity(s):
    """e^s - 1 - s for 0 <= s <= 5, without the cancellation of the direct form near 0."""
    # The Taylor series s^2/2! + s^3/3! + ... has positive terms only; 19 of
    # them reach float64 precision for s < 1. From s = 1 on, e^s - 1 is at
    # least 1.7 times s, and the direct form loses little.
    small = np.minimum(s, 1.0)
    series = np.zeros_like(small)
    for n in range(20, 1, -1):
        series = (series + 1) * small / n
    series = series * small
    # e^s overflows past s = 709: the cap keeps the unused values finite.
    direct = np.expm1(np.minimum(s, 5.0)) - s
    return np.where(s < 1, series, direct)


def celu_grad(x, alpha=1.0):
    """d celu / dx: 1 for x > 0, e^(x/alpha) for x <= 0 (both 1 at x = 0)."""
    x = _as_float(x)
    if np.ndim(alpha) == 0 and alpha == 1:
        # e^min(x, 0) is e^x for x <= 0 and e^0 = 1 for x > 0.
        return _elu_unit(x, np.exp)[()]
    w, t, r = _celu_parts(x, alpha)
    # e^(t + r/alpha) = e^t + e^t * (r / alpha) to first order.
    z = np.exp(t)
    return np.where(w > 0, 1, z + z * (r / alpha)).astype(x.dtype)[()]


def celu_grad_alpha(x, alpha=1.0):
    """d celu / d alpha: e^t - 1 - t e^t with t = x / alpha for x <= 0, 0 for x > 0."""
    x = _as_float(x)
    w, t, r = _celu_parts(x, alpha)
    z = np.exp(t)
    # With s = -t >= 0: e^t - 1 - t e^t = -e^t (e^s - 1 - s). The direct form
    # subtracts numbers of similar size for small s (the result is about
    # -t^2 / 2); past s = 5, e^t - 1 is close to -1 and t e^t small, so it is
    # accurate there.
    s = -t
    near = -z * _expm1_minus_identity(s)
    far = np.expm1(t) - t * z
    # The derivative of this in t is -t e^t: correct by the rounding error of t.
    g = np.where(s <= 5, near, far) - t * z * (r / alpha)
    return np.where(w > 0, 0, g).astype(x.dtype)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def celu_grad_from_output(y, alpha=1.0):
    """d celu / dx from the output y = celu(x): 1 where y > 0, 1 + y / alpha elsewhere."""
    y = _as_float(y)
    if np.any(np.asarray(alpha) <= 0):
        raise ValueError("celu needs alpha > 0")
    # For x <= 0: e^(x/alpha) = 1 + alpha (e^(x/alpha) - 1) / alpha = 1 + y / alpha,
    # and y > 0 exactly when x > 0.
    w = y.astype(np.promote_types(y.dtype, np.float64))
    return np.where(w > 0, 1, 1 + w / alpha).astype(y.dtype)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def celu_naive(x, alpha=1.0):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return np.maximum(0, x) + np.minimum(0, alpha * (np.exp(x / alpha) - 1))
# --8<-- [end:naive]
