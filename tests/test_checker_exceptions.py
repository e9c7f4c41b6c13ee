"""Display formulas that sitekit/formula_exceptions.py declares "checked by"
this file: each test evaluates the formula's own claim on the definition."""

from __future__ import annotations

import pytest
import sympy as sp

from sitekit.definitions import softmax_expr


def shifted_softmax_differences(sizes=range(2, 7), shift=lambda z, c: z + c) -> list[sp.Expr]:
    """softmax(z + c) - softmax(z), entry by entry, simplified, for each size K."""
    c = sp.Symbol("c", real=True)
    differences = []
    for size in sizes:
        zs, outputs = softmax_expr(size)
        mapping = {z: shift(z, c) for z in zs}
        differences += [sp.simplify(output.xreplace(mapping) - output) for output in outputs]
    return differences


def test_softmax_is_shift_invariant():
    r"""docs/activations/softmax.md: \operatorname{softmax}(z + c) = \operatorname{softmax}(z),
    for the definition itself (SymPy proves every entry equal), K = 2 to 6."""
    assert shifted_softmax_differences() == [0] * sum(range(2, 7))


def test_the_shift_check_can_fail():
    # Scaling instead of shifting changes softmax: the same check sees it.
    assert any(d != 0 for d in shifted_softmax_differences(sizes=[2], shift=lambda z, c: c * z))


@pytest.mark.parametrize("size", [2, 3])
def test_a_shift_of_one_entry_is_not_invariance(size):
    c = sp.Symbol("c", real=True)
    zs, outputs = softmax_expr(size)
    assert sp.simplify(outputs[0].xreplace({zs[0]: zs[0] + c}) - outputs[0]) != 0
