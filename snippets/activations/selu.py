# SELU (scaled exponential linear unit) and its derivative, stable for every float input.
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


# The constants of Klambauer et al. (2017), each the float64 nearest to the
# exact value. SELU_SCALE_ALPHA is the float64 nearest to the exact product
# lambda * alpha = 1.7580993408473768599..., not the rounded product of the
# two rounded constants, which is one ULP lower.
SELU_ALPHA = 1.6732632423543772  # 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554805  # 1.0507009873554804934193349852946 (lambda)
SELU_SCALE_ALPHA = 1.7580993408473768


# local: one constant, always in place; elu's _scale also takes an alpha array
def _scale(v, c):
    """v *= c in place, with c kept in float64 and each product rounded once to v's dtype."""
    # A float32 c would round the constant first: one more rounding error.
    return np.multiply(v, c, out=v, dtype=np.promote_types(v.dtype, np.float64), casting="same_kind")


def selu(x):
    """lambda * x for x > 0, lambda * alpha * (e^x - 1) for x <= 0."""
    x = _as_float(x)
    # float16 has no fast kernels: it is computed in float32, rounded once.
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    # expm1 keeps the digits of e^x - 1 near 0. On min(x, 0), e^x cannot
    # overflow, x > 0 gives expm1(0) = 0 exactly, and NaN stays NaN.
    negative = np.minimum(w, 0, out=np.empty_like(w))  # an array also for 0-d x
    np.expm1(negative, out=negative)
    _scale(negative, SELU_SCALE_ALPHA)
    # One of the two terms is 0, so the sum is exact: no np.where, which is
    # several times slower than a plain ufunc pass on mixed signs.
    # lambda * x passes the float max for x within 5% of it: the exact value
    # is then beyond the overflow threshold, and inf is its correct rounding.
    with np.errstate(over="ignore"):
        negative += SELU_SCALE * np.maximum(w, 0)
        return negative.astype(x.dtype, copy=False)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def selu_grad(x):
    """d selu / dx: lambda for x > 0, lambda * alpha * e^x for x <= 0 (lambda * alpha at 0)."""
    x = _as_float(x)
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    z = np.minimum(w, 0, out=np.empty_like(w))  # an array also for 0-d x
    np.exp(z, out=z)
    tiny = np.finfo(z.dtype).tiny
    # One min over z tells whether any e^x is subnormal (rarely so); fmin
    # skips NaN, where min would return NaN and miss a subnormal next to it.
    lost = np.flatnonzero(z < tiny) if z.size and np.fmin.reduce(z, axis=None) < tiny else None
    # x > 0 gives e^0 = 1, so c * e^min(x, 0) is c there, with c the constant
    # lambda * alpha rounded to the dtype; adding d = lambda - c (exact, as the
    # two are within a factor 2) turns it into lambda exactly. At the kink
    # x = 0 this gives lambda * alpha, the left slope, as PyTorch and JAX do.
    slope = _scale(z, SELU_SCALE_ALPHA)
    c = slope.dtype.type(SELU_SCALE_ALPHA)
    slope += (w > 0) * (slope.dtype.type(SELU_SCALE) - c)
    if lost is not None:
        # A subnormal e^x has lost bits while lambda * alpha * e^x may still be
        # normal: (c h) h with h = e^(x/2) goes through normal numbers only.
        # float64 throughout: float32 e^x is subnormal from x = -87.3 on already.
        # Only those elements: the others keep the value they get in any array.
        v = w.reshape(-1)[lost].astype(np.promote_types(w.dtype, np.float64))
        z, h = np.exp(v), np.exp(v / 2)
        normal = z >= np.finfo(z.dtype).tiny
        slope.reshape(-1)[lost] = np.where(normal, SELU_SCALE_ALPHA * z, (SELU_SCALE_ALPHA * h) * h)
    return slope.astype(x.dtype, copy=False)[()]
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def selu_grad_from_output(y):
    """d selu / dx from the output y = selu(x): lambda where y > 0, y + lambda * alpha elsewhere."""
    y = _as_float(y)
    # For x <= 0: lambda alpha e^x = lambda alpha (e^x - 1) + lambda alpha = y + lambda alpha.
    # y > 0 exactly when x > 0, since lambda and alpha are positive.
    w = y.astype(np.promote_types(y.dtype, np.float64))
    return np.where(w > 0, SELU_SCALE, w + SELU_SCALE_ALPHA).astype(y.dtype)[()]
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def selu_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return np.where(x > 0, SELU_SCALE * x, SELU_SCALE * SELU_ALPHA * (np.exp(x) - 1))
# --8<-- [end:naive]
