# Embedding lookup: out = table[ids], forward and backward, ids of any shape.
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


def embedding_forward(ids, table):
    """Row ids[...] of table (V, D) for every id: out has shape ids.shape + (D,).
    ids: integers in 0..V-1, of any shape. Returns (out, cache)."""
    ids = np.asarray(ids)
    table = _as_float(table)
    # Bools and floats would index (or fail) in ways that hide the mistake.
    if ids.dtype.kind not in "iu":
        raise TypeError(f"ids must be an array of integers, got dtype {ids.dtype}")
    if table.ndim != 2:
        raise ValueError(f"table must have shape (V, D), one row per id, got {table.shape}")
    V = table.shape[0]
    # NumPy would read -1 as the last row: a silent wrong lookup, so refused.
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        raise ValueError(f"ids must lie in 0..{V - 1} (table has {V} rows), got ids from {ids.min()} to {ids.max()}")
    out = table[ids]
    # The backward needs where each row went and the table's shape and dtype.
    cache = (ids, table.shape, table.dtype)
    return out, cache
# --8<-- [end:forward]


# --8<-- [start:backward]
def embedding_backward(dout, cache):
    """dE/dtable (V, D) from dout = dE/dout (ids.shape + (D,)).
    ids are integers: they get no gradient."""
    ids, (V, D), dtype = cache
    dout = _as_float(dout)
    if dout.shape != ids.shape + (D,):
        raise ValueError(f"dout must have shape {ids.shape + (D,)} like out, got {dout.shape}")
    dtable = np.zeros((V, D), dtype=np.result_type(dtype, dout.dtype))
    # An id that occurs twice must add both rows: np.add.at accumulates,
    # where dtable[ids] += dout would keep only the last one.
    np.add.at(dtable, ids.reshape(-1), dout.reshape(-1, D))
    return dtable
# --8<-- [end:backward]
