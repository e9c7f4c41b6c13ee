"""Every check of tests/vector_checks.py fails on a fault a contributor could
make: each is run here on the snippet's functions with one fault injected
(vector_checks.functions patched), and must raise."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import test_short_vector_blocks as short_blocks
import vector_checks
from sitekit.catalogue import snippet
from vector_harness import functions


def scaled(function, factor):
    return lambda *args, **kwargs: function(*args, **kwargs) * factor


def shifted(function, offset):
    return lambda *args, **kwargs: function(*args, **kwargs) + offset


def no_nan(function):
    """NaN and ±inf replaced by finite numbers, as a careless clean-up would."""
    return lambda *args, **kwargs: np.nan_to_num(function(*args, **kwargs))


def last_axis_only(function):
    return lambda z, *more, axis=-1: function(z, *more)


def first_axis_by_default(function):
    return lambda z, *more, axis=0: function(z, *more, axis=axis)


def input_byte_order(function):
    return lambda z, *more, axis=-1: function(z, *more, axis=axis).astype(np.asarray(z).dtype)


def always_float64(function):
    return lambda z, *more, axis=-1: function(z, *more, axis=axis).astype(np.float64)


def accepts_scalars(function):
    return lambda z, *more, axis=-1: function(np.atleast_1d(z), *(np.atleast_1d(m) for m in more), axis=axis)


def transposed(function):
    return lambda z: function(z).T


def quiet_naive(name):
    """The textbook formula with its warnings silenced: inf / inf = NaN at an infinite score."""
    def forward(z, axis=-1):
        with np.errstate(all="ignore"):
            return getattr(snippet(name), f"{name}_naive")(z, axis=axis)

    return lambda f: forward


def as_float32(function):
    return lambda *args, **kwargs: function(*args, **kwargs).astype(np.float32)


# (check, name, which function: 0 forward, 1 vjp, 2 jacobian, the fault, arguments of the check)
FAULTS = [
    ("test_forward_ulp", "glu", 0, lambda f: scaled(f, 1 + 1e-13), ("random", np.float64)),
    ("test_jacobian_ulp", "log_softmax", 2, transposed, ("hard", np.float64)),
    ("test_vjp_against_the_oracle", "glu", 1, lambda f: scaled(f, 1 + 1e-13), ("random", np.float64)),
    ("test_vjp_against_the_oracle", "softmax", 1, lambda f: shifted(f, 1e-9), ("hard", np.float64)),
    ("test_vjp_next_to_a_root_of_the_slope", "swiglu", 1, lambda f: shifted(f, 1e-14), ()),
    ("test_vjp_finite_differences", "softmin", 1, lambda f: scaled(f, 1 + 1e-6), ()),
    ("test_jacobian_matches_vjp", "softmax", 1, lambda f: scaled(f, 1 + 1e-12), ()),
    ("test_jacobian_rows_sum_to_zero", "log_softmax", 2, lambda f: shifted(f, 1e-14), ()),
    ("test_rows_sum_to_one", "softmin", 0, lambda f: scaled(f, 1 + 1e-14), (np.float64,)),
    ("test_shift_invariance", "log_softmax", 0, lambda f: scaled(f, 1 + 1e-13), ()),
    ("test_axis", "softmax", 0, last_axis_only, (0,)),
    ("test_axis", "softmin", 1, last_axis_only, (0,)),
    ("test_default_axis_is_last", "glu", 0, first_axis_by_default, ()),
    ("test_layouts_and_byte_order", "log_softmax", 0, input_byte_order, (np.float64,)),
    ("test_dtype_preserved", "swiglu", 1, always_float64, (np.float32,)),
    ("test_ints_bools_lists_become_float64", "softmin", 0, as_float32, ([1, 2],)),
    ("test_bad_input_refused", "softmax", 0, accepts_scalars, ()),
    ("test_infinities_give_the_limit", "softmax", 0, quiet_naive("softmax"), (np.float64,)),
    ("test_infinities_give_the_limit", "glu", 1, no_nan, (np.float64,)),
    ("test_infinite_upstream_gradient", "swiglu", 1, no_nan, ()),
    ("test_undefined_inputs_give_nan", "log_softmax", 0, no_nan, ()),
    ("test_undefined_inputs_give_nan", "glu", 1, no_nan, ()),
]


def _slow_as_the_check(row):
    return pytest.param(*row, marks=[m for m in getattr(getattr(vector_checks, row[0]), "pytestmark", [])
                                     if m.name == "slow"])


@pytest.mark.parametrize("check, name, which, fault, args", [_slow_as_the_check(row) for row in FAULTS],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_a_check_fails_on_a_fault(monkeypatch, check, name, which, fault, args):
    faulty = list(functions(name))
    faulty[which] = fault(faulty[which])
    monkeypatch.setattr(vector_checks, "functions", lambda n, module=None: tuple(faulty))
    # pytest.fail.Exception: a pytest.raises inside the check that saw nothing raised.
    with pytest.raises((AssertionError, pytest.fail.Exception)):
        getattr(vector_checks, check)(name, *args)


def test_the_float_warning_check_fails_on_the_naive_formula(monkeypatch):
    """softmax_naive overflows in e^1000: the check turns the warning into an error."""
    faulty = list(functions("softmax"))
    faulty[0] = snippet("softmax").softmax_naive
    monkeypatch.setattr(vector_checks, "functions", lambda n, module=None: tuple(faulty))
    with pytest.raises(FloatingPointError):
        vector_checks.test_no_floating_point_warnings("softmax", [1000.0, 0.0, -1000.0, 5.0])


@pytest.mark.slow  # sympy.limit at every limit vector
@pytest.mark.parametrize("name, which", [("softmin", 0), ("swiglu", 1)])
def test_the_short_limit_check_fails_on_a_fault(monkeypatch, name, which):
    block = short_blocks.short(name)
    parts = [getattr(block, name), getattr(block, f"{name}_vjp")]
    parts[which] = no_nan(parts[which])
    fake = SimpleNamespace(**{name: parts[0], f"{name}_vjp": parts[1]})
    monkeypatch.setattr(short_blocks, "short", lambda n: fake)
    with pytest.raises(AssertionError):
        short_blocks.test_limits_at_infinity_and_nan(name, np.float64)
