"""The helpers several snippet files share: the one source of their text.

Each snippet file must run on its own (pages include its sections, readers
paste them), so it carries its own copy of the helpers it uses, between
`# stamp: <name>` and `# end stamp: <name>` lines. `python -m sitekit.stamp`
writes these copies from the functions below; `--check` (run by the tests)
lists every copy that differs. Edit a helper here, never in a copy.
"""

import numpy as np

# _blockwise's block: each file that stamps it sets its own (8192 in both today).
_BLOCK = 8192


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


def _one_or_slope(x, a):
    """1 where x > 0, a elsewhere, NaN where x is NaN; a rounded to x's dtype."""
    # A slope beyond the range of x's dtype rounds to +-inf, its correctly
    # rounded value.
    with np.errstate(over="ignore"):
        a = a.astype(x.dtype)
    if a.ndim or not np.isfinite(a):  # slopes per element, or 0 * inf below
        return np.where(x > 0, 1, np.where(np.isnan(x), x, a)).astype(x.dtype)
    # (x <= 0) a + (x > 0) is exact: 0 a + 1 = 1, and 1 a + 0 = a.
    # One float array, changed in place.
    g = np.less_equal(x, 0, out=np.empty_like(x))
    g *= a
    g += x > 0
    return _nan_back(g, x)


def _split(a):
    """a = high + low, each half with at most 26 significant bits (Veltkamp)."""
    c = 134217729.0 * a  # 2^27 + 1
    high = c - (c - a)
    return high, a - high


def _product_error_of_halves(a_high, a_low, b_high, b_low, p):
    """a * b - p exactly, for p = a * b rounded and the halves of a and b (Dekker)."""
    return ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low


def _ratio(numerator, denominator):
    """The exact fraction numerator / denominator (Python ints) as a pair (hi, lo)."""
    # Python divides integers with one correct rounding: hi, then the rest.
    hi = numerator / denominator
    n, d = hi.as_integer_ratio()
    return hi, (numerator * d - n * denominator) / (denominator * d)


def _blockwise(kernel, x):
    """kernel(float64 block) over x, block by block, each result rounded once to x's dtype."""
    out = np.empty(x.shape, x.dtype)
    flat, out_flat = x.reshape(-1), out.reshape(-1)
    for start in range(0, flat.size, _BLOCK):
        out_flat[start:start + _BLOCK] = kernel(flat[start:start + _BLOCK].astype(np.float64, copy=False))
    return out


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


def _floor(t, dtype):
    """The largest number of dtype <= t (t a float64 array)."""
    # For x of that dtype, x > t exactly when x > _floor(t): the comparison
    # runs in x's own dtype and stays exact. A threshold beyond the dtype's
    # range rounds to ±inf, its correctly rounded value.
    with np.errstate(over="ignore"):
        r = t.astype(dtype)
    return np.where(r > t, np.nextafter(r, dtype.type(-np.inf)), r).astype(dtype)


def _threshold(lambd):
    """lambd as a float64 array, checked."""
    lambd = np.asarray(lambd, dtype=np.float64)
    if np.any(lambd < 0):
        raise ValueError("lambd must be >= 0")
    return lambd


def _classes(z, axis, name):
    """z as a float array with a class axis that has entries, or a ValueError
    naming the function: NumPy's own error would name a reduction."""
    z = _as_float(z)
    if z.ndim == 0:
        raise ValueError(f"{name} needs a vector (or a batch of them), got a 0-d array (a scalar)")
    if z.shape[axis] == 0:
        raise ValueError(f"{name}: the class axis (axis={axis}) is empty")
    return z


def _sum(x, axis):
    """Sum along `axis` (kept, length 1) with about one rounding in all,
    whatever the length: pairwise, carrying each addition's exact error."""
    x = np.moveaxis(x, axis, -1)
    carried = np.zeros(x.shape[:-1], dtype=x.dtype)
    while x.shape[-1] > 1:
        half = x.shape[-1] // 2
        s, error = _two_sum(x[..., :half], x[..., half : 2 * half])
        # The errors are below u times the sum: a plain sum of them is enough.
        carried = carried + error.sum(axis=-1)
        x = np.concatenate([s, x[..., 2 * half :]], axis=-1)
    return np.expand_dims(x[..., 0] + carried, axis)


def _exp_minus_max(z, axis):
    """exp(z - max(z)) along `axis`, each entry within about 1 ULP, in float64
    (or wider). Rows whose max is not finite (a NaN or a +inf in the row, or
    only -inf) come back as NaN: softmax settles those by its conventions."""
    # float16 and float32 are worked in float64: the result is then rounded once.
    z = z.astype(np.promote_types(z.dtype, np.float64))
    m = np.max(z, axis=axis, keepdims=True)
    finite = np.isfinite(m)
    z, m = np.where(finite, z, 0.0), np.where(finite, m, 0.0)
    # z - m overflows to -inf only when the true difference is below -max
    # (z = -1e308, m = 1e308); exp(-inf) = 0 is then exactly the rounded
    # value of exp(z - m), so the overflow is harmless.
    with np.errstate(over="ignore"):
        kept = np.isfinite(z - m)  # drops -inf entries and those overflows
    z = np.where(kept, z, m)
    # fl(z - m) is off by up to half an ULP of m: 5.7e-14 at m = 700,
    # hundreds of ULP once exponentiated. TwoSum gives d + r == z - m
    # exactly, and exp(d + r) = exp(d) * (1 + r + ...) with |r| < 2**-44
    # wherever exp(d) is not 0.
    d, r = _two_sum(z, -m)
    e = np.exp(d)
    e = np.where(kept, e + e * r, 0.0)
    return np.where(finite, e, np.nan)


def _limit(z, axis):
    """softmax on rows whose max is not finite."""
    top = z == np.inf
    n = np.sum(top, axis=axis, keepdims=True)
    # +inf entries share the mass equally (the limit as they grow together);
    # a row of -inf only is 0/0 and a NaN has no limit: both give NaN.
    defined = (n > 0) & ~np.any(np.isnan(z), axis=axis, keepdims=True)
    return np.where(defined, top / np.maximum(n, 1), np.nan)


def _halves(x, axis, name):
    """The two halves (u, v) of x along `axis`, and x's dtype."""
    x = _as_float(x)
    if x.ndim == 0:
        raise ValueError(f"{name} needs a vector (or a batch of them), got a 0-d array (a scalar)")
    if x.shape[axis] % 2:
        raise ValueError(f"{name} splits axis {axis} into two halves, but its length {x.shape[axis]} is odd")
    # float16 and float32 are worked in float64: the result is then rounded once.
    u, v = np.split(x.astype(np.promote_types(x.dtype, np.float64)), 2, axis=axis)
    return u, v, x.dtype


def _finite(*arrays):
    """Where all the arrays are finite, and each array with 0 elsewhere
    (those entries are settled by _limit_product)."""
    ok = np.all([np.isfinite(v) for v in arrays], axis=0)
    return ok, [np.where(np.isfinite(v), v, 0.0) for v in arrays]


def _limit_product(*pairs):
    """Where some input is ±inf: the limit of a product of factors as the
    infinite inputs grow, the others held fixed. Each pair is (factor, the
    input it depends on): a factor that is exactly 0 at a finite input makes
    the product 0 whatever the others do; one that tends to 0 next to one
    that tends to ±inf has no limit (NaN); next to finite ones, the limit is 0.
    NaN in gives NaN. Entries whose inputs are all finite come out as
    garbage: the caller's np.where drops them."""
    factors = np.array([f for f, _ in pairs])
    exact_zero = np.any([(f == 0) & np.isfinite(v) for f, v in pairs], axis=0)
    nan = np.any([np.isnan(v) for _, v in pairs], axis=0)
    vanishing = np.any(factors == 0, axis=0) & ~np.any(np.isinf(factors), axis=0)
    # inf * 0 is the NaN we mean; an overflow of finite factors is the limit
    # itself past the largest float: inf is its rounded value.
    with np.errstate(invalid="ignore", over="ignore"):
        product = np.prod(factors, axis=0)
    return np.where(nan, np.nan, np.where(exact_zero | vanishing, 0.0, product))


def _check_dense_shapes(X, W, b):
    """Raise ValueError naming the expected shape unless X (N, n_in),
    W (n_in, n_out) and b (n_out,) fit together."""
    # Broadcasting would accept a bias of shape (N, n_out) or (1,), and a
    # single example of shape (n_in,): each gives a Y of a plausible shape
    # and a gradient of the wrong one, so shapes are checked, not broadcast.
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, n_in), one row per example, got {X.shape}")
    n_in = X.shape[1]
    if W.ndim != 2 or W.shape[0] != n_in:
        raise ValueError(f"W must have shape ({n_in}, k) to match X with {n_in} columns, got {W.shape}")
    n_out = W.shape[1]
    if b.shape != (n_out,):
        raise ValueError(f"b must have shape ({n_out},) to match W with {n_out} columns, got {b.shape}")


def _check_targets(Z, T):
    """Z as float logits (N, K), and T as class probabilities (N, K): T may be
    one-hot or soft rows of shape (N, K), or N integer class labels of shape (N,)."""
    Z = _as_float(Z)
    if Z.ndim == 2 and Z.shape[0] and not Z.shape[1]:
        raise ValueError("softmax_cross_entropy: the class axis (axis=1) is empty")
    if Z.ndim != 2 or Z.size == 0:
        raise ValueError(f"Z must have shape (N, K), one row of K logits per example, got {Z.shape}")
    N, K = Z.shape
    T = np.asarray(T)
    if T.shape == (N,):
        if T.dtype.kind not in "iu":
            raise ValueError(f"T of shape ({N},) must hold integer class labels, got dtype {T.dtype}")
        if T.min() < 0 or T.max() >= K:
            raise ValueError(f"class labels must lie in 0..{K - 1}, got labels from {T.min()} to {T.max()}")
        # Labels are one-hot rows written short: the same loss, in Z's dtype.
        return Z, (np.arange(K) == T[:, None]).astype(Z.dtype)
    if T.shape != (N, K):
        raise ValueError(
            f"T must have shape ({N}, {K}) like Z (one-hot or probabilities)"
            f" or ({N},) (integer class labels), got {T.shape}"
        )
    T = T.astype(Z.dtype) if T.dtype.kind in "biu" else _as_float(T)
    # The gradient softmax(Z) - T holds only when each row of T sums to 1:
    # with counts or unnormalized scores it would be wrong without an error.
    # The tolerance is far above the rounding of probabilities stored in
    # float32 (and summed in any order), far below such a mistake.
    row_sums = T.sum(axis=1)
    off = np.abs(row_sums - 1) > 1e-3
    if off.any():
        n = int(np.argmax(off))
        raise ValueError(f"each row of T must sum to 1 (one-hot or probabilities), row {n} sums to {row_sums[n]}")
    return Z, T


def _shifted_exp(Z):
    """Per row: Z - max(Z); E = exp(Z - max(Z)) with one max entry set to 0;
    S, the sum of E; and where that max entry is.
    softmax(Z) is then E / (1 + S) off the max entry and 1 / (1 + S) at it."""
    top = np.arange(Z.shape[1]) == Z.argmax(axis=1)[:, None]
    shifted = Z - Z.max(axis=1, keepdims=True)
    # Every exponent is <= 0, so nothing overflows. The max entry's exp(0) = 1
    # is kept out of S: S alone may be far below the rounding unit, where
    # 1 + S rounds to 1 and S is lost.
    E = np.where(top, 0, np.exp(shifted))
    S = E.sum(axis=1, keepdims=True)
    return shifted, E, S, top
