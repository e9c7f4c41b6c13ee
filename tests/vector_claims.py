"""Helpers of the claim tests of the vector activation pages
(tests/test_claims_vector.py, tests/test_claims_softmax.py), besides
tests/claim_helpers.py: a number read from a page's sentence, the Iverson
bracket in a SymPy Jacobian, and sigma in mpmath."""

from __future__ import annotations

import re

import mpmath
import numpy as np
import sympy as sp

from claim_helpers import DOCS

SOFTMAX = "activations/softmax.md"

F64 = np.finfo(np.float64)
u_, v_ = sp.symbols("u v", real=True)


def mp_sigmoid(v):
    return 1 / (1 + mpmath.exp(-v))


def mp_sigmoid_grad(v):
    """sigma'(v) = sigma(v) (1 - sigma(v)), without the cancellation of 1 - sigma."""
    e = mpmath.exp(-abs(v))
    return e / (1 + e) ** 2


def page_line_number(page: str, fragment: str, before: str) -> float:
    """The number typed just before `before` in the page's sentence `fragment`:
    the test compares it with the constant the code uses, so neither side restates it."""
    text = " ".join((DOCS / page).read_text(encoding="utf-8").split())
    sentence = text[text.index(fragment):]
    return float(re.findall(r"-?\d+(?:\.\d+)?", sentence[:sentence.index(before)])[-1])


def iverson_jacobian_matches(size: int, outputs, symbols, entry) -> None:
    """SymPy's Jacobian of `outputs` equals entry(i, j, bracket) with the
    Iverson bracket [i = j] taken as 1 if i = j and 0 otherwise."""
    jacobian = sp.Matrix(outputs).jacobian(symbols)
    for i in range(size):
        for j in range(size):
            bracket = 1 if i == j else 0
            assert sp.simplify(jacobian[i, j] - entry(i, j, bracket)) == 0
            # The other reading of the bracket would be wrong off or on the diagonal.
            assert sp.simplify(jacobian[i, j] - entry(i, j, 1 - bracket)) != 0
