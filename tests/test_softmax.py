"""softmax, its Jacobian and its VJP against the definition.

The checks every vector function gets come from tests/vector_checks.py,
parametrised by sitekit.definitions_vector.VECTOR_DEFINITIONS["softmax"]
(oracle: p_i = e^{z_i} / sum_k e^{z_k} in SymPy, its Jacobian from
`sympy.Matrix.jacobian`, both evaluated by mpmath at 50 digits; limits at
±inf from `sympy.limit`; nothing uses the snippet's formulas), finite
differences of softmax_vjp among them. Below them, what the page states
about softmax alone.
Run with `python -m pytest tests/test_softmax.py -s` to see the max errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import vector_checks
from sitekit.catalogue import snippet
from sitekit.oracle import Oracle
from sitekit.points import hard_points
from vector_harness import DTYPES, checks_for, definition, parametrize_names, ulps

HERE = ["softmax"]
globals().update(checks_for(vector_checks, HERE))


def pytest_generate_tests(metafunc):
    parametrize_names(metafunc, HERE)


sm = snippet("softmax")


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_two_classes_is_sigmoid(dtype):
    """softmax([0, x])[1] = sigma(x), and d p_2 / d z_2 = sigma'(x), against the
    sigmoid oracle (a separate SymPy definition)."""
    sigmoid = Oracle("sigmoid")
    d = definition("softmax")
    xs = np.concatenate([hard_points(dtype), np.linspace(-60, 60, 241).astype(dtype)])
    zero = np.zeros_like(xs)
    p = sm.softmax(np.stack([zero, xs], axis=-1))[:, 1]
    assert ulps(p, sigmoid.many("f", xs), dtype)[1] <= d.forward_ulp
    finite = xs[np.isfinite(xs)]
    slopes = np.array([sm.softmax_jacobian(np.array([0.0, x], dtype=dtype))[1, 1] for x in finite])
    assert ulps(slopes, sigmoid.many("grad", finite), dtype)[1] <= d.derivative_ulp


def test_naive_fails_where_the_page_says():
    with pytest.warns(RuntimeWarning):
        assert np.isnan(sm.softmax_naive([1000.0, 0.0, -1000.0])).any()
