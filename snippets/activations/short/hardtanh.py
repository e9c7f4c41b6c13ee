import numpy as np


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """max(min_val, min(max_val, x)): x clipped to [min_val, max_val]."""
    return np.clip(x, min_val, max_val)


def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    """1 for min_val < x < max_val, else 0 (at both kinks the saturated side's 0)."""
    # NaN fails the comparisons: the inner where passes it on.
    return np.where((min_val < x) & (x < max_val), 1, np.where(np.isnan(x), x, 0))
