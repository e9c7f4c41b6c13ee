"""Central differences and the relative error the gradient tests compare
by, and a generator seeded per test case: one copy for every test file."""

from __future__ import annotations

import zlib

import numpy as np

# Central differences in float64: truncation O(h^2) and rounding O(eps / h)
# are both near 1e-10 at h = 1e-5, far below the bound.
STEP = 1e-5


def rng_for(*key) -> np.random.Generator:
    """A generator seeded from the test's parameters: each case its own numbers."""
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def relative_error(a, b) -> float:
    """||a - b|| / max(||a||, ||b||); refuses two zero arrays, which prove nothing."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, f"shapes differ: {a.shape} and {b.shape}"
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    assert scale > 0, "both are zero: comparing them would prove nothing"
    return float(np.linalg.norm(a - b) / scale)


def numerical_gradient(loss, array, step=STEP):
    """d loss() / d array by central differences, one entry at a time.
    loss() must read `array`, which is perturbed in place and restored."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + step
        up = loss()
        array[index] = original - step
        down = loss()
        array[index] = original
        grad[index] = (up - down) / (2 * step)
    return grad
