# ELU (exponential linear unit) and its derivatives, stable for every float input.
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


def _working(x):
    """x itself for float32/float64; float16 has no fast kernels and is computed in float32."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


# local: alpha may be an array that broadcasts v; selu's _scale multiplies by one constant
def _scale(v, alpha):
    """alpha * v, with alpha kept in float64 and the product rounded once to v's
    dtype; in place in v unless an array alpha broadcasts v to a larger shape."""
    # A float32 alpha would round alpha first: one more rounding error.
    # A huge alpha can push the product past the float32 max: -inf is then
    # its correctly rounded value.
    work = np.promote_types(v.dtype, np.float64)
    with np.errstate(over="ignore"):
        if np.broadcast_shapes(np.shape(v), np.shape(alpha)) == v.shape:
            return np.multiply(v, alpha, out=v, dtype=work, casting="same_kind")
        return np.multiply(v, alpha, dtype=work).astype(v.dtype)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (e^x - 1) for x <= 0."""
    x = _as_float(x)
    w = _working(x)
    # expm1 keeps the digits of e^x - 1 near 0, where e^x - 1 would subtract
    # two numbers close to 1. On min(x, 0), e^x cannot overflow, the x > 0
    # half gives expm1(0) = 0 exactly, and NaN stays NaN. No np.where: it is
    # several times slower than a plain ufunc pass on mixed signs.
    negative = np.minimum(w, 0, out=np.empty_like(w))  # an array also for 0-d x
    np.expm1(negative, out=negative)
    if np.ndim(alpha) == 0 and alpha == 1:
        # e^x - 1 >= x for every x: the max picks x exactly where x > 0.
        return np.maximum(negative, w, out=negative).astype(x.dtype, copy=False)[()]
    # One of the two terms is 0, so the sum is exact.
    negative = _scale(negative, alpha)
    negative += np.maximum(w, 0)
    with np.errstate(over="ignore"):
        return negative.astype(x.dtype, copy=False)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
# local: a * e^x from x, through float64 (_shared.py's _times_exp takes z = h^2)
def _times_exp(a, x):
    """a * e^x for x <= 0, accurate also where e^x is subnormal and a * e^x is not."""
    if np.ndim(a) == 0:
        z = np.exp(x, out=np.empty_like(x))  # an array also for 0-d x
        tiny = np.finfo(z.dtype).tiny
        # One min over z tells whether any e^x is subnormal (rarely so); fmin
        # skips NaN, where min would return NaN and miss a subnormal next to it.
        if not (z.size and np.fmin.reduce(z, axis=None) < tiny):
            return _scale(z, a)
        # Only those elements go the long way: the others keep the value
        # they get in any array.
        lost = np.flatnonzero(z < tiny)
        out = _scale(z, a)
        out.reshape(-1)[lost] = _times_exp(np.asarray([a]), x.reshape(-1)[lost])
        return out
    # A subnormal e^x has lost bits; (a h) h with h = e^(x/2) stays normal.
    # float64 throughout: float32 e^x is subnormal from x = -87.3 on already.
    v = x.astype(np.promote_types(x.dtype, np.float64))
    z, h = np.exp(v), np.exp(v / 2)
    with np.errstate(over="ignore"):
        return np.where(z >= np.finfo(z.dtype).tiny, a * z, (a * h) * h).astype(x.dtype)


def elu_grad(x, alpha=1.0):
    """d elu / dx: 1 for x > 0, alpha * e^x for x <= 0 (alpha at x = 0)."""
    x = _as_float(x)
    w = _working(x)
    # At the kink x = 0 the x <= 0 branch gives alpha, the left slope, as
    # PyTorch and JAX do. min(x, 0) keeps e^x finite, and e^0 = 1 is the
    # slope for x > 0 already when alpha = 1.
    u = np.minimum(w, 0, out=np.empty_like(w))
    if np.ndim(alpha) == 0 and alpha == 1:
        return np.exp(u, out=u).astype(x.dtype, copy=False)[()]
    return np.where(w > 0, 1, _times_exp(alpha, u)).astype(x.dtype, copy=False)[()]


def elu_grad_alpha(x, alpha=1.0):
    """d elu / d alpha: e^x - 1 for x <= 0, 0 for x > 0."""
    x = _as_float(x)
    # expm1(min(x, 0)) is exactly 0 for every x > 0: one formula for both branches.
    u = np.minimum(_working(x), 0, out=np.empty_like(x, dtype=_working(x).dtype))
    return np.expm1(u, out=u).astype(x.dtype, copy=False)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def elu_grad_from_output(y, alpha=1.0):
    """d elu / dx from the output y = elu(x): 1 where y > 0, y + alpha elsewhere.
    Needs alpha >= 0."""
    y = _as_float(y)
    # For x <= 0, alpha * e^x = alpha * (e^x - 1) + alpha = y + alpha.
    # With alpha >= 0, y > 0 exactly when x > 0; with alpha < 0 a positive y
    # also comes from x < 0, and y cannot tell which branch it came from.
    if np.any(np.asarray(alpha) < 0):
        raise ValueError("alpha < 0: y does not determine the slope; use elu_grad(x)")
    w = y.astype(np.promote_types(y.dtype, np.float64))
    with np.errstate(over="ignore"):
        return np.where(w > 0, 1, w + alpha).astype(y.dtype)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def elu_naive(x, alpha=1.0):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))
# --8<-- [end:naive]
