# Softsign and its derivative, stable for every float input.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def _as_float(x):
    """x as a float array; ints and bools become float64, floats keep their dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _finite(x):
    """x in at least float64, with +-inf clipped to +-max (NaN stays NaN)."""
    # NumPy's float16/float32 kernels are less accurate than its float64 one:
    # work in at least float64 and round once at the end.
    w = x.astype(np.promote_types(x.dtype, np.float64))
    # inf / (1 + inf) is nan; at +-max both softsign and its slope have
    # already reached their float limits (1 and 0), so clipping gives them.
    big = np.finfo(w.dtype).max
    return np.clip(w, -big, big)


def _one_plus_abs(w):
    """1 + |w| rounded, and its rounding error e: 1 + |w| = a + e exactly (Knuth's TwoSum)."""
    # 1 + |w| cannot overflow: at |w| = max it rounds to max.
    m = np.abs(w)
    a = 1 + m
    m_part = a - 1
    e = (1 - (a - m_part)) + (m - m_part)
    return a, e


def softsign(x):
    """softsign(x) = x / (1 + |x|), for any x."""
    x = _as_float(x)
    w = _finite(x)
    # The rounding error e of 1 + |x| is up to half an ULP; dividing by
    # a + e instead of a, to first order, removes it from the result.
    a, e = _one_plus_abs(w)
    q = w / a
    return (q - q * (e / a)).astype(x.dtype)
# --8<-- [end:forward]


# --8<-- [start:grad]
def softsign_grad(x):
    """d softsign / dx = 1 / (1 + |x|)^2."""
    x = _as_float(x)
    w = _finite(x)
    # (1 + |x|)^2 overflows for |x| > 1e154 although the slope is still a
    # (subnormal) number there; squaring the reciprocal only underflows.
    # Squaring doubles the relative error of 1 + |x|: correct it by its
    # rounding error e, 1 / (a + e)^2 = (1 / a^2) (1 - 2 e / a) to first order.
    a, e = _one_plus_abs(w)
    r = 1 / a
    r2 = r * r
    return (r2 - r2 * (2 * e * r)).astype(x.dtype)
# --8<-- [end:grad]


# --8<-- [start:grad_from_output]
def softsign_grad_from_output(y):
    """d softsign / dx from the output y = softsign(x): (1 - |y|)^2."""
    y = _as_float(y)
    # 1 - |y| = 1 / (1 + |x|): the slope is its square.
    return (1 - np.abs(y)) ** 2
# --8<-- [end:grad_from_output]


# --8<-- [start:naive]
def softsign_naive(x):
    """The textbook formula, kept to show where it fails."""
    x = _as_float(x)
    return x / (1 + np.abs(x))
# --8<-- [end:naive]
