# Binary cross-entropy from logits and its gradient, stable for every finite logit.
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


# local: 0/1 targets of Z's shape; softmax_cross_entropy's takes class labels or rows
def _check_targets(Z, T):
    """Z and T as float arrays of one shape; integer or boolean targets take Z's dtype."""
    Z = _as_float(Z)
    T = np.asarray(T)
    # 0/1 labels carry no precision of their own: converted to Z's dtype
    # they leave float32 logits with a float32 loss.
    T = T.astype(Z.dtype) if T.dtype.kind in "biu" else _as_float(T)
    # Logits of shape (N, 1) against targets of shape (N,) would broadcast
    # to (N, N) and average N^2 wrong terms without an error.
    if T.shape != Z.shape:
        raise ValueError(f"T must have shape {Z.shape} like Z, got {T.shape}")
    if Z.size == 0:
        raise ValueError("Z is empty: a loss needs at least one logit")
    return Z, T


def bce_with_logits(Z, T):
    """mean of -[t log sigma(z) + (1 - t) log(1 - sigma(z))] over all entries,
    from the logits z and targets t in [0, 1]."""
    Z, T = _check_targets(Z, T)
    # The loss is log(1 + e^z) - z t = max(z, 0) - z t + log1p(e^-|z|):
    # exp never sees a positive argument, and no probability is formed, so
    # nothing overflows and no log(0) happens.
    # max(z, 0) - z t is z (1 - t) for z >= 0 and -z t below: a single
    # product, where the difference would cancel when t is near 1.
    weight = np.where(Z >= 0, 1 - T, -T)
    # At z = +-inf with the label its sign agrees with (t = 1 at +inf, t = 0
    # at -inf) the loss is 0, its limit: the product is skipped, not inf * 0.
    linear = np.multiply(Z, weight, out=np.zeros_like(Z), where=weight != 0)
    return np.mean(linear + np.log1p(np.exp(-np.abs(Z))))
# --8<-- [end:forward]


# --8<-- [start:grad]
def bce_with_logits_grad(Z, T):
    """d loss / dZ = (sigma(Z) - T) / Z.size, for the mean loss."""
    Z, T = _check_targets(Z, T)
    # sigma(-|z|) = e^-|z| / (1 + e^-|z|) cannot overflow, and is accurate
    # down to the smallest floats.
    e = np.exp(-np.abs(Z))
    sigma_minus_abs = e / (1 + e)
    # For z >= 0, sigma(z) = 1 - sigma(-z), so sigma(z) - t = (1 - t) - sigma(-z).
    # Forming sigma(z) first rounds it to 1 beyond about z = 37 (float64),
    # and with t = 1 the gradient would then be 0 instead of -sigma(-z).
    difference = np.where(Z >= 0, (1 - T) - sigma_minus_abs, sigma_minus_abs - T)
    return difference / Z.size
# --8<-- [end:grad]


# --8<-- [start:naive]
def bce_with_logits_naive(Z, T):
    """The textbook route, sigmoid then log, kept to show where it fails."""
    Z, T = _as_float(Z), _as_float(T)
    P = 1 / (1 + np.exp(-Z))
    return np.mean(-(T * np.log(P) + (1 - T) * np.log(1 - P)))
# --8<-- [end:naive]
