# Hard swish, x * min(max(0, x + 3), 6) / 6, and its derivative.
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


def hardswish(x):
    """x * min(max(0, x + 3), 6) / 6: 0 for x <= -3, x (x + 3) / 6 between, x for x >= 3."""
    x = _as_float(x)
    # float32 and float64 in their own arithmetic: three roundings, within
    # about 2 ULP, and no float64 copy of a float32 array. float16 goes
    # through float32 and is rounded once at the end.
    # m = max(x, -3) gives m + 3 = 0 for every x <= -3, so -inf * 0 never
    # happens. Near x = -3, m + 3 is exact (Sterbenz): the small outputs
    # keep their accuracy. Dividing by 6 before multiplying by m: m * 6
    # would overflow for m near the float max, and m * 1 is exactly m.
    m = np.maximum(x, -3, out=np.empty(x.shape, np.promote_types(x.dtype, np.float32)))
    y = np.add(m, 3, out=np.empty_like(m))
    np.minimum(y, 6, out=y)
    y /= 6
    y *= m
    y += 0  # -3 * 0 is -0.0; adding +0 makes it +0.0 and changes nothing else
    return y.astype(x.dtype, copy=False)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def hardswish_grad(x):
    """d/dx: 0 for x <= -3, (2x + 3) / 6 for -3 < x < 3, 1 for x >= 3."""
    x = _as_float(x)
    # float16 goes through float32 and is rounded once at the end.
    m = np.clip(x, -3, 3, out=np.empty(x.shape, np.promote_types(x.dtype, np.float32)))
    # (m + 1.5) / 3, not m/3 + 1/2: near the root x = -1.5, m + 1.5 is exact
    # (Sterbenz), so the small slopes there keep full relative accuracy.
    # It is (2m + 3) / 6 with both sides halved: the same rounded numbers.
    m += 1.5
    m /= 3
    # At the kinks we take the outer pieces' slopes, 0 at -3 and 1 at 3,
    # as PyTorch 2.13 and JAX do: zero the middle piece outside (-3, 3),
    # then add 1 from x = 3 on. NaN stays NaN (NaN * 0 is NaN).
    inside = np.greater(x, -3)
    inside &= x < 3
    m *= inside
    m += x >= 3
    return m.astype(x.dtype, copy=False)[()]
# --8<-- [end:grad]


# --8<-- [start:naive]
def hardswish_naive(x):
    """The definition as written, kept to show where it fails."""
    x = _as_float(x)
    return x * np.clip(x + 3, 0, 6) / 6


def hardswish_grad_naive(x):
    """The middle piece's slope in slope-intercept form, x/3 + 1/2."""
    x = _as_float(x)
    return np.where(x >= 3, 1.0, np.where(x <= -3, 0.0, x / 3 + 0.5))
# --8<-- [end:naive]
