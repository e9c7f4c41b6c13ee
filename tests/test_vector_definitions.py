"""The oracles of the vector activations (sitekit/definitions_vector.py)
against the site's other definitions and against themselves: each is
written from its definition, and the forms the oracle evaluates for
accuracy (the small form of log_softmax, the cancelled Jacobians) equal it.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from sitekit import oracle
from sitekit.definitions import DEFINITIONS, softmax_expr, x
from sitekit.definitions_vector import (
    DIGITS, GATED, VECTOR_DEFINITIONS, log_softmax_outputs, log_softmax_rest, softmax_outputs, softmin_outputs,
)

SIZES = (2, 3, 4)


def test_the_oracles_give_the_digits_of_the_elementwise_ones():
    """(tests/test_registry.py checks one VectorDefinition per vector entry.)"""
    assert DIGITS == oracle.DIGITS


def test_softmax_definition_is_the_sites():
    for size in SIZES:
        assert softmax_outputs(size) == softmax_expr(size)


def test_log_softmax_definition_is_log_of_softmax():
    for size in SIZES:
        _, ys = log_softmax_outputs(size)
        _, ps = softmax_outputs(size)
        for y, p in zip(ys, ps):
            assert sp.simplify(sp.expand_log(sp.log(p), force=True) - y) == 0


def test_softmin_definition_is_softmax_of_minus_z():
    for size in SIZES:
        zs, qs = softmin_outputs(size)
        _, ps = softmax_outputs(size)
        for q, p in zip(qs, ps):
            assert sp.simplify(q - p.xreplace({z: -z for z in zs})) == 0


def test_gated_definitions_are_sigmoid_and_silu():
    """glu = a sigma(b), swiglu = silu(a) b, with sigma and silu (swish at
    beta = 1) from sitekit/definitions.py; swiglu's root is silu's."""
    a, b = sp.symbols("z1 z2", real=True)
    sigmoid, silu = DEFINITIONS["sigmoid"].expr, DEFINITIONS["swish"].with_params(beta=1.0)
    assert sp.simplify(VECTOR_DEFINITIONS["glu"].expr(2)[1][0] - a * sigmoid.subs(x, b)) == 0
    assert sp.simplify(VECTOR_DEFINITIONS["swiglu"].expr(2)[1][0] - silu.subs(x, a) * b) == 0
    assert VECTOR_DEFINITIONS["swiglu"].grad_roots == DEFINITIONS["swish"].grad_roots


def test_log_softmax_oracle_forms_agree():
    """The small form equals the definition: symbolically (their exponentials
    are equal, and both are real), and at 200 digits on random vectors; the
    oracle's y equals both."""
    for size in SIZES:
        _, ys = log_softmax_outputs(size)
        _, rests = log_softmax_rest(size)
        for y, rest in zip(ys, rests):
            assert sp.simplify(sp.exp(y) - 1 / (1 + rest)) == 0
    rng = np.random.default_rng(12)
    for size in (2, 3, 5):
        zs, ys = log_softmax_outputs(size)
        _, rests = log_softmax_rest(size)
        for _ in range(10):
            z = rng.normal(0.0, 30.0, size)
            with mpmath.workdps(200):
                values = [mpmath.mpf(float(v)) for v in z]
                plain = sp.lambdify(zs, ys, modules="mpmath")(*values)
                small = [-mpmath.log1p(r) for r in sp.lambdify(zs, rests, modules="mpmath")(*values)]
                for u, v, w in zip(plain, small, VECTOR_DEFINITIONS["log_softmax"].forward(z)):
                    assert abs(u - v) <= mpmath.mpf(10) ** -150 * (1 + abs(u))
                    assert abs(u - w) <= mpmath.mpf(10) ** (1 - DIGITS) * abs(u)


@pytest.mark.parametrize("name", list(VECTOR_DEFINITIONS))
def test_jacobian_oracle_is_the_plain_derivative(name):
    """The oracle's Jacobian (each entry put over one denominator by
    sympy.cancel) equals the one straight from jacobian(), evaluated with
    enough digits to survive its cancellation."""
    d = VECTOR_DEFINITIONS[name]
    rng = np.random.default_rng(11)
    for size in (2, 4) if d.kind == GATED else SIZES:
        zs, ys = d.expr(size)
        plain = sp.lambdify(zs, sp.Matrix(ys).jacobian(zs).tolist(), modules="mpmath")
        for _ in range(10):
            z = rng.normal(0.0, 200.0 if d.kind != GATED else 20.0, size)
            digits = DIGITS + 20 + int((z.max() - z.min()) / math.log(10))
            with mpmath.workdps(digits):
                expected = plain(*[mpmath.mpf(float(v)) for v in z])
            for a_row, b_row in zip(expected, d.jacobian(z)):
                for a, b in zip(a_row, b_row):
                    assert abs(a - b) <= abs(b) * mpmath.mpf(10) ** (5 - DIGITS)
