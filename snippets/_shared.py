"""The helpers several snippet files share: the one source of their text.

Each snippet file must run on its own (pages include its sections, readers
paste them), so it carries its own copy of the helpers it uses, between
`# stamp: <name>` and `# end stamp: <name>` lines. `python -m sitekit.stamp`
writes these copies from the functions below; `--check` (run by the tests)
lists every copy that differs. Edit a helper here, never in a copy.
"""

import numpy as np


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


def _nan_back(g, x):
    """g with NaN put back where x is NaN: a comparison gives 0 there."""
    # One reduction tells whether x holds any NaN at all; NaN is the rare
    # case, so this costs less than building a NaN mask every time.
    if np.isnan(np.min(x, initial=0)):
        return np.where(np.isnan(x), x, g)
    return g


def _two_sum(a, b):
    """s = fl(a + b) and its rounding error: s + error == a + b exactly (Knuth)."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def _times_exp(a, z, h):
    """a * z for z = e^-|t| = h^2, accurate also where z is subnormal and a * z is not."""
    # A subnormal z has lost bits; (a h) h goes through normal numbers only.
    return np.where(z >= np.finfo(z.dtype).tiny, a * z, (a * h) * h)
