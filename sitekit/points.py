"""The hard inputs, listed once and reused by every test and every page."""

from __future__ import annotations

import numpy as np

HARD_MAGNITUDES = (
    0.0, 1e-300, 1.0, 20.0, 40.0, 88.0, 89.0, 709.0, 710.0, 745.0, 1e308,
)


def hard_points(dtype, kinks=()) -> np.ndarray:
    """0, kinks, ±1e-300, subnormals, ±1, ±20, ±40, ±88/89, ±709/710/745,
    ±1e308, ±max, ±inf and NaN, cast to `dtype` (values out of its range
    become ±inf or ±0 there, which are hard points too)."""
    info = np.finfo(dtype)
    mags = list(HARD_MAGNITUDES) + [
        float(info.smallest_subnormal),
        float(info.smallest_subnormal) * 3,
        float(info.smallest_normal),
        float(info.smallest_normal) / 2,
        float(info.max),
        float(info.eps),
    ]
    values = [s * m for m in mags for s in (1.0, -1.0)] + list(kinks)
    with np.errstate(over="ignore", under="ignore"):
        finite = np.unique(np.array(values, dtype=np.float64).astype(dtype))
    # NaN is appended after np.unique, which can turn a quiet NaN into a
    # signalling one in float16; a quiet NaN is what arithmetic produces.
    special = np.array([-np.inf, np.inf, np.nan], dtype=dtype)
    return np.concatenate([finite[np.isfinite(finite)], special])


def log_grid(dtype, per_decade: int = 6, seed: int = 0) -> np.ndarray:
    """Both signs of magnitudes from the smallest subnormal to the largest
    finite value, log-spaced, each nudged by a random mantissa so that
    round numbers do not hide errors."""
    info = np.finfo(dtype)
    lo = np.log10(float(info.smallest_subnormal))
    hi = np.log10(float(info.max)) - 1e-9  # stay below max after rounding
    n = int((hi - lo) * per_decade)
    rng = np.random.default_rng(seed)
    mags = 10.0 ** np.linspace(lo, hi, n) * rng.uniform(0.5, 1.0, n)
    with np.errstate(over="ignore", under="ignore"):
        grid = np.concatenate([mags, -mags]).astype(dtype)
    return grid[np.isfinite(grid)]


def dense_grid(dtype, lo: float = -50.0, hi: float = 50.0, n: int = 2001, seed: int = 1) -> np.ndarray:
    """Random points where activations bend the most."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.uniform(lo, hi, n)).astype(dtype)


def accuracy_points(dtype, kinks=()) -> np.ndarray:
    return np.concatenate([hard_points(dtype, kinks), log_grid(dtype), dense_grid(dtype)])
