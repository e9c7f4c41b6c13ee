"""The fast loop's exclusions name tests that exist: a renamed test would
silently fall back into `pytest -m "not slow"` (as test_numpy_float32_tanh_within_1_4_ulp did)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import _SLOW_MODULES, _SLOW_TESTS

TESTS = Path(__file__).resolve().parent


def test_every_slow_name_is_a_test():
    defined = {m.group(1) for path in TESTS.rglob("*.py")
               for m in re.finditer(r"^\s*def (test_\w+)\(", path.read_text(encoding="utf-8"), re.M)}
    # Tests bound by name (tests/formula_proofs_reading.proof_tests) are defined by assignment.
    defined |= {m.group(1) for path in TESTS.rglob("*.py")
                for m in re.finditer(r"^(test_\w+)\s*(?:,|=)", path.read_text(encoding="utf-8"), re.M)}
    assert sorted(_SLOW_TESTS - defined) == []
    assert sorted(m for m in _SLOW_MODULES if not (TESTS / m).is_file()) == []
