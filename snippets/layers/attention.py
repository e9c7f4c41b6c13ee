# Scaled dot-product attention: out = softmax(q k^T / sqrt(d)) v over the
# last two axes, with any leading batch axes; forward and backward.
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


def attention_forward(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d)) v for q (..., L, d), k (..., S, d), v (..., S, F).
    mask: booleans broadcastable to (..., L, S), True where query i may
    attend to key j. A query with no allowed key gets out = 0 (not NaN).
    Returns (out (..., L, F), cache)."""
    q, k, v = _as_float(q), _as_float(k), _as_float(v)
    _check_attention_shapes(q, k, v)
    # In q's dtype: a float64 scale would turn float32 scores into float64.
    scale = 1 / np.sqrt(q.dtype.type(q.shape[-1]))
    scores = (q @ np.swapaxes(k, -1, -2)) * scale
    if mask is not None:
        mask = _check_mask(mask, scores.shape)
        scores = np.where(mask, scores, -np.inf)
    # Subtracting the row max keeps exp() <= 1: scores of 1e4 do not overflow.
    # A row with every key masked has max -inf; 0 in its place keeps it NaN-free.
    row_max = np.max(scores, axis=-1, keepdims=True, initial=-np.inf)
    e = np.exp(scores - np.where(np.isfinite(row_max), row_max, 0))
    total = e.sum(axis=-1, keepdims=True)
    P = e / np.where(total > 0, total, 1)
    out = P @ v
    cache = (q, k, v, P, scale)
    return out, cache
# --8<-- [end:forward]


# --8<-- [start:backward]
def attention_backward(dout, cache):
    """From dout = dE/dout (..., L, F): (dq, dk, dv), each the shape of its input."""
    q, k, v, P, scale = cache
    dout = _as_float(dout)
    expected = P.shape[:-1] + v.shape[-1:]
    if dout.shape != expected:
        raise ValueError(f"dout must have shape {expected} like out, got {dout.shape}")
    dv = np.swapaxes(P, -1, -2) @ dout
    dP = dout @ np.swapaxes(v, -1, -2)
    # The softmax VJP row by row, P * (dP - rowsum(dP * P)): no S x S
    # Jacobian. Masked entries have P = 0, so they pass no gradient.
    dscores = P * (dP - np.sum(dP * P, axis=-1, keepdims=True))
    # scores = q k^T * scale: the scale comes back in both gradients.
    dq = (dscores @ k) * scale
    dk = (np.swapaxes(dscores, -1, -2) @ q) * scale
    return dq, dk, dv
# --8<-- [end:backward]


# --8<-- [start:checks]
def _check_attention_shapes(q, k, v):
    """ValueError naming the expected shape unless q (..., L, d),
    k (..., S, d) and v (..., S, F) fit, with the same leading axes."""
    if q.ndim < 2 or q.shape[-1] == 0:
        raise ValueError(f"q must have shape (..., L, d) with d >= 1, got {q.shape}")
    batch, d = q.shape[:-2], q.shape[-1]
    if k.ndim != q.ndim or k.shape[:-2] != batch or k.shape[-1] != d:
        raise ValueError(f"k must have shape {_shape_text(batch + ('S', d))} to match q {q.shape}, got {k.shape}")
    if v.ndim != k.ndim or v.shape[:-1] != k.shape[:-1]:
        raise ValueError(f"v must have shape {_shape_text(k.shape[:-1] + ('F',))}, one row per key, got {v.shape}")


def _shape_text(shape):
    """(2, S, 3): a shape with letters where any size will do."""
    return f"({', '.join(map(str, shape))})"


def _check_mask(mask, shape):
    """mask as booleans broadcast to the scores' shape (..., L, S)."""
    mask = np.asarray(mask)
    # 0/1 floats or additive -inf masks mean other things elsewhere: refused.
    if mask.dtype != bool:
        raise TypeError(f"mask must be boolean (True = may attend), got dtype {mask.dtype}")
    try:
        return np.broadcast_to(mask, shape)
    except ValueError:
        raise ValueError(f"mask of shape {mask.shape} does not broadcast to the scores' shape {shape}") from None
# --8<-- [end:checks]
