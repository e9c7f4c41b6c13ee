"""erf.py, the error function behind the exact GELU, against mpmath's."""

import mpmath
import numpy as np
import pytest

from sitekit.catalogue import ROOT, load_snippet
from sitekit.oracle import ulp_error
from sitekit.points import log_grid

erf_py = load_snippet(ROOT / "snippets" / "special" / "erf.py")

# Cody's ratios carry 18 digits; the pairs keep them to the final rounding.
BOUND_ULP = 2


def points():
    spread = log_grid(np.float64, per_decade=2)
    rng = np.random.default_rng(11)
    return np.concatenate([rng.uniform(-6, 6, 500), spread[np.abs(spread) < 1e100], [0.0, -0.0]])


@pytest.mark.parametrize("name, reference", [("erf", mpmath.erf), ("erfc", mpmath.erfc)])
def test_within_a_few_ulp_of_mpmath(name, reference):
    xs = points()
    with mpmath.workdps(60):
        truth = [reference(mpmath.mpf(float(v))) for v in xs]
    errors = ulp_error(getattr(erf_py, name)(xs), truth, np.float64)
    assert errors.max() <= BOUND_ULP, xs[np.argmax(errors)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_limits_nan_and_dtype(dtype):
    x = np.array([-np.inf, np.inf, np.nan, -0.0], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        erf, erfc = erf_py.erf(x), erf_py.erfc(x)
    assert erf.dtype == erfc.dtype == dtype
    np.testing.assert_array_equal(erf, np.array([-1, 1, np.nan, -0.0], dtype=dtype))
    np.testing.assert_array_equal(erfc, np.array([2, 0, np.nan, 1], dtype=dtype))
    assert np.signbit(erf[3])


def test_gelu_py_carries_erf_py_unchanged():
    # gelu.py runs alone: it starts with erf.py stamped in (python -m sitekit.stamp).
    gelu_py = load_snippet(ROOT / "snippets" / "activations" / "gelu.py")
    x = np.linspace(-30, 30, 601)
    np.testing.assert_array_equal(gelu_py.erf(x), erf_py.erf(x))
    np.testing.assert_array_equal(gelu_py.erfc(x), erf_py.erfc(x))
