# Softmax cross-entropy from logits and its gradient, stable for every finite logit.
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


# stamp: _check_targets, from snippets/_shared.py (python -m sitekit.stamp)
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
# end stamp: _check_targets


# stamp: _shifted_exp, from snippets/_shared.py (python -m sitekit.stamp)
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
# end stamp: _shifted_exp


def softmax_cross_entropy(Z, T):
    """mean over the N rows of -sum_k T[n, k] * log softmax(Z[n])_k."""
    Z, T = _check_targets(Z, T)
    shifted, _, S, _ = _shifted_exp(Z)
    # log softmax(z) = z - logsumexp(z) = (z - max) - log(1 + S). No
    # probability is formed, so an underflowed one cannot become log(0);
    # log1p keeps S where 1 + S would round it away.
    # A class with t = 0 adds 0 (the limit of t log p), also at a logit of
    # -inf, where -log p = inf and t * inf would be NaN.
    minus_log_P = np.where(T == 0, 0, np.log1p(S) - shifted)
    # Both terms of -log_P are >= 0: the sum has no cancellation, and a loss
    # that underflows is +0, not -0.
    return np.sum(T * minus_log_P) / Z.shape[0]
# --8<-- [end:forward]


# --8<-- [start:grad]
def softmax_cross_entropy_grad(Z, T):
    """d loss / dZ = (softmax(Z) - T) / N, for the mean over the batch."""
    Z, T = _check_targets(Z, T)
    _, E, S, top = _shifted_exp(Z)
    # At the max entry p = 1 / (1 + S), so p - t = (1 - t) - S / (1 + S).
    # Forming p first rounds it to 1 once S is below the rounding unit, and
    # with t = 1 the gradient would be 0 instead of -S / (1 + S).
    difference = np.where(top, (1 - T) - S / (1 + S), E / (1 + S) - T)
    return difference / Z.shape[0]
# --8<-- [end:grad]


# --8<-- [start:naive]
def softmax_cross_entropy_naive(Z, T):
    """The textbook route, softmax then log, kept to show where it fails.
    T one-hot or probabilities, shape (N, K)."""
    Z, T = _as_float(Z), _as_float(T)
    E = np.exp(Z)
    P = E / E.sum(axis=1, keepdims=True)
    return -np.sum(T * np.log(P)) / Z.shape[0]
# --8<-- [end:naive]
