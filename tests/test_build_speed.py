"""What makes the cold build fast stays as strong as the slow way: a proof
is sought only when its count is read, and gives the verdict it gave before."""

from __future__ import annotations

import sympy as sp

from sitekit.derivations import equality
from sitekit.derivations.equality import Domain, check_equal

x = sp.Symbol("x", real=True)


def _counting_proofs(monkeypatch) -> list:
    calls: list = []
    proved = equality._proved

    def counted(a, b):
        calls.append((a, b))
        return proved(a, b)

    monkeypatch.setattr(equality, "_proved", counted)
    return calls


def test_a_proof_is_tried_only_when_read_and_then_once(monkeypatch):
    calls = _counting_proofs(monkeypatch)
    # Fresh expressions (the cache of verdicts is per process): tanh written two ways.
    a, b = sp.tanh(x / 3) + 7, (sp.exp(x / 3) - sp.exp(-x / 3)) / (sp.exp(x / 3) + sp.exp(-x / 3)) + 7
    verdict = check_equal(a, b, x, None)
    assert verdict.equal and calls == []
    assert verdict.symbolic is True
    assert verdict.symbolic is True and len(calls) == 1


def test_a_piecewise_proof_is_tried_only_when_read(monkeypatch):
    calls = _counting_proofs(monkeypatch)
    relu = sp.Piecewise((x + 5, x > 0), (5, True))
    verdict = check_equal(relu, sp.Max(x, 0) + 5, x, None)
    assert verdict.equal and calls == []
    # Read: the branches' proofs, as before (simplify does not know x > 0 in the first).
    assert verdict.symbolic is False and calls == [(x + 5, sp.Max(x, 0) + 5)]


def test_an_unproved_equality_still_reads_as_numeric_only():
    # Equal at every sample point of x > 0, not for all x: simplify cannot prove it.
    verdict = check_equal(sp.sqrt(x**2) + 11, x + 11, x, Domain("x > 0", [x > 0]))
    assert verdict.equal
    assert verdict.symbolic is False
