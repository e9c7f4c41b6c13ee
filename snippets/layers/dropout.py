# Inverted dropout: forward and backward for an array of any shape.
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


def dropout_forward(x, p, rng):
    """Inverted dropout in training mode: each entry of x is zeroed with
    probability p and the kept ones are scaled by 1 / (1 - p), so that the
    expected output is x and inference uses x unchanged.
    p in [0, 1); rng a np.random.Generator. Returns (out, cache)."""
    x = _as_float(x)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator, got {type(rng).__name__}")
    # p = 1 would drop every unit and scale by 1 / 0: refused, not guessed.
    if not 0 <= p < 1:
        raise ValueError(f"p, the probability of dropping a unit, must lie in [0, 1), got {p}")
    # A uniform draw in [0, 1) is >= p with probability 1 - p; p = 0 keeps all.
    keep = rng.random(np.shape(x)) >= p
    # The mask holds 0 or the scale, in x's dtype: the backward reuses it.
    mask = keep * x.dtype.type(1 / (1 - p))
    out = x * mask
    return out, mask
# --8<-- [end:forward]


# --8<-- [start:backward]
def dropout_backward(dout, cache):
    """dE/dx from the upstream gradient dout = dE/dout: the same mask as the
    forward (a fresh draw would route the gradient to other units)."""
    mask = cache
    dout = _as_float(dout)
    if np.shape(dout) != np.shape(mask):
        raise ValueError(f"dout must have shape {np.shape(mask)} like out, got {np.shape(dout)}")
    return dout * mask
# --8<-- [end:backward]
