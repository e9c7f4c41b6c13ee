# Gradient checking: a backprop gradient against central differences of the loss.
# Standalone: NumPy only. docs/backprop/gradient_checking.md shows it and measures
# its step and thresholds; the notebook train_mlp.ipynb includes the same section.

# --8<-- [start:check]
import numpy as np

# The step: the bottom of the error-against-step curve of a float64 loss of order 1.
EPS = 1e-5
# r below GOOD: correct. r above WRONG: a bug. Between: look at the entry.
GOOD, WRONG = 1e-7, 1e-2


def relative_error(analytic, numeric):
    """r = |u - v| / max(|u|, |v|, tiny), entry by entry: u analytic, v numeric."""
    u, v = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    # The smallest normal float in the max makes u = v = 0 give r = 0 (they
    # agree: nothing depends on the entry), never 0 / 0.
    return np.abs(u - v) / np.maximum(np.maximum(np.abs(u), np.abs(v)), np.finfo(np.float64).tiny)


def gradient_check(loss, array, grad, eps=EPS, count=None, rng=None, pattern=None):
    """Compare grad, the backprop gradient of loss() with respect to array,
    with central differences. loss() must read array, which is changed in
    place and restored. count: check that many random entries, not all.
    pattern(): e.g. which ReLU inputs are > 0. Returns a dict of arrays, one
    entry per checked index: analytic, numeric, r, and two flags for entries
    r cannot judge: kinked (x - eps and x + eps give different patterns: the
    difference crosses a kink) and tiny (below what the step can resolve)."""
    indices = list(np.ndindex(array.shape))
    if count is not None and count < len(indices):
        picked = (rng or np.random.default_rng()).choice(len(indices), count, replace=False)
        indices = [indices[i] for i in picked]
    numeric, kinked = np.empty(len(indices)), np.zeros(len(indices), dtype=bool)
    for m, index in enumerate(indices):
        original = array[index]
        array[index] = original + eps
        up, up_pattern = loss(), pattern() if pattern else None
        array[index] = original - eps
        down, down_pattern = loss(), pattern() if pattern else None
        array[index] = original
        numeric[m] = (up - down) / (2 * eps)
        kinked[m] = pattern is not None and not np.array_equal(up_pattern, down_pattern)
    analytic = np.array([grad[index] for index in indices], dtype=np.float64)
    # Rounding the loss E moves the difference by about eps_mach |E| / eps: an
    # entry below that / GOOD cannot show r < GOOD even when it is right
    # (equal sides, as both 0, need no such resolution).
    noise = np.finfo(array.dtype).eps * abs(float(loss())) / eps
    tiny = (np.maximum(np.abs(analytic), np.abs(numeric)) < noise / GOOD) & (analytic != numeric)
    return {"index": indices, "analytic": analytic, "numeric": numeric,
            "r": relative_error(analytic, numeric), "kinked": kinked, "tiny": tiny}


def worst(result):
    """The largest r among the entries r can judge: not kinked, not tiny."""
    judged = ~(result["kinked"] | result["tiny"])
    return float(result["r"][judged].max()) if judged.any() else float("nan")


def verdict(r):
    """The verdict on a relative error (NaN, nothing judged: look closer)."""
    return "good" if r < GOOD else "wrong" if r > WRONG else "look closer"
# --8<-- [end:check]
