"""Property-based tests over every elementwise snippet function (Hypothesis).

Arrays of every float dtype, values from the whole range (±0, subnormals,
±inf, NaN, ±max), shapes from 0-d to 3-d including empty ones, Python
scalars and lists. Invariants: no warning; shape and dtype kept; NaN only
where the input is NaN; the value lies between the limits at ±inf for a
monotonic function, and the function is monotonic on sorted input; bad
input types raise TypeError. What counts as monotonic, and the limits, come
from the SymPy definitions (the oracle), not from the snippets.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sitekit.catalogue import elementwise_names, snippet
from sitekit.definitions import DEFINITIONS, x
from sitekit.oracle import Oracle

NAMES = elementwise_names()
DTYPES = (np.float16, np.float32, np.float64)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A NaN out of a non-NaN input, where the function itself returns a value
# that is not a number: none so far. Each entry needs its reason.
NAN_FROM_NUMBER: dict[str, str] = {}
# NaN in, a number out: the definition gives a value whatever x is.
NUMBER_FROM_NAN: dict[str, str] = {}


def functions(name: str):
    module = snippet(name)
    return [(fn_name, getattr(module, fn_name)) for fn_name in (name, f"{name}_grad")]


def arrays(dtype):
    return hnp.arrays(
        dtype,
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6),
        elements=st.floats(width=np.finfo(dtype).bits, allow_nan=True, allow_infinity=True, allow_subnormal=True),
    )


@lru_cache(maxsize=None)
def monotonic(name: str) -> bool:
    """f' >= 0 at 400 points of the definition, by mpmath at 30 digits."""
    grad = sp.lambdify(x, sp.diff(DEFINITIONS[name].with_params(), x), modules="mpmath")
    with mpmath.workdps(30):
        points = [mpmath.mpf(v) for v in np.concatenate([np.linspace(-40, 40, 397), [-700, 0.5, 700]])]
        return all(grad(p) >= 0 for p in points)


def call(fn, value):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            return fn(value)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_shape_dtype_nan_and_no_warning(name, dtype):
    snippet_functions = functions(name)  # loaded once, not once per example

    @SETTINGS
    @given(arrays(dtype))
    def check(values):
        for fn_name, fn in snippet_functions:
            result = np.asarray(call(fn, values))
            assert result.shape == values.shape, fn_name
            assert result.dtype == values.dtype, fn_name
            if name not in NUMBER_FROM_NAN:
                assert np.all(np.isnan(result[np.isnan(values)])), f"{fn_name}: NaN in, a number out"
            if name not in NAN_FROM_NUMBER:
                bad = np.isnan(result) & ~np.isnan(values)
                assert not np.any(bad), f"{fn_name}: NaN out for {values[bad][:3]}"

    check()


@pytest.mark.parametrize("name", [n for n in NAMES if monotonic(n)])
def test_monotonic_and_within_its_limits(name):
    f = getattr(snippet(name), name)
    oracle = Oracle(name)
    low, high = float(oracle("f", -np.inf)), float(oracle("f", np.inf))

    @SETTINGS
    @given(st.sampled_from(DTYPES).flatmap(lambda d: hnp.arrays(
        d, st.integers(1, 40), elements=st.floats(width=np.finfo(d).bits, allow_nan=False))))
    def check(values):
        result = call(f, np.sort(values)).astype(np.float64)
        assert np.all(result[1:] >= result[:-1]), f"{name} decreases on sorted input"
        assert np.all((result >= low) & (result <= high)), f"{name} leaves [{low}, {high}]"

    check()


@pytest.mark.parametrize("name", NAMES)
def test_python_scalars_and_lists(name):
    snippet_functions = functions(name)  # loaded once, not once per example

    @SETTINGS
    @given(st.lists(st.floats(allow_nan=False, allow_infinity=True), max_size=6), st.integers(-10**6, 10**6))
    def check(items, integer):
        for fn_name, fn in snippet_functions:
            from_list = call(fn, items)
            assert np.asarray(from_list).dtype == np.float64 and np.shape(from_list) == (len(items),), fn_name
            expected = call(fn, np.asarray(items, dtype=np.float64))
            assert np.array_equal(from_list, expected, equal_nan=True), fn_name
            from_int = call(fn, integer)
            assert np.asarray(from_int).dtype == np.float64, f"{fn_name}: an int gives float64"
            assert np.array_equal(from_int, call(fn, float(integer)), equal_nan=True), fn_name

    check()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", ["0.5", None, object(), [1.0, "a"], {"x": 1.0}, 1 + 2j],
                         ids=["str", "None", "object", "mixed-list", "dict", "complex"])
def test_bad_input_raises_type_error(name, bad):
    for fn_name, fn in functions(name):
        with pytest.raises(TypeError, match="expected real numbers"):
            fn(bad)
