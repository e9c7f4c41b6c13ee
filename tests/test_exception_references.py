"""Every "checked by:" entry of the exception tables names a check that exists.

An entry may say a formula is checked by a test (`tests/<file>.py::<test>[<id>]`)
or by an executed block (`the executed block at <page>:<line>`). A renamed test
or a moved block would leave the table claiming a check that no longer runs:
each reference must resolve to a collected test, or to the fence of an
executed block at that line of the page.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from sitekit import formula_exceptions, inline_exceptions
from sitebuild import ROOT

_TEST = re.compile(r"tests/([\w/]+\.py)::(\w+)(\[[^\]\s]*)?")
_BLOCK = re.compile(r"the executed block at ([\w/]+\.md):(\d+)")


def _entries():
    for table in (formula_exceptions, inline_exceptions):
        for entry in table.EXCEPTIONS:
            if entry.kind == "checked by":
                yield table.__name__.rsplit(".", 1)[-1], entry


def test_references_are_found():
    """The patterns find what the tables name (a pattern that found nothing would pass below)."""
    reasons = [entry.reason for _, entry in _entries()]
    assert sum(bool(_TEST.search(r)) for r in reasons) >= 10
    assert sum(bool(_BLOCK.search(r)) for r in reasons) >= 1


def resolve_tests(references: list[tuple[str, str, str]], collected: set[str]) -> list[str]:
    """(file, test, id prefix) references that no collected node id matches."""
    missing = []
    for file, test, ident in references:
        node = f"tests/{file}::{test}"
        if not any(c == node or c.startswith(node + ident if ident else node + "[") for c in collected):
            missing.append(f"{node}{ident}")
    return missing


@pytest.mark.slow
def test_named_tests_exist():
    references = sorted({m.groups(default="") for _, e in _entries() for m in _TEST.finditer(e.reason)})
    files = sorted({f"tests/{file}" for file, _, _ in references})
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", *files],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    collected = {line.strip() for line in run.stdout.splitlines() if "::" in line}
    missing = resolve_tests(references, collected)
    assert not missing, ("exception entries name tests that do not exist (renamed or removed?): "
                         f"{missing}; fix the entry's reason in sitekit/formula_exceptions.py or "
                         "sitekit/inline_exceptions.py")


def test_a_renamed_test_is_missing():
    collected = {"tests/test_a.py::test_b[x-1]", "tests/test_a.py::test_c"}
    assert resolve_tests([("test_a.py", "test_b", "[x"), ("test_a.py", "test_c", "")], collected) == []
    assert resolve_tests([("test_a.py", "test_b", "[y")], collected) == ["tests/test_a.py::test_b[y"]
    assert resolve_tests([("test_a.py", "test_d", "")], collected) == ["tests/test_a.py::test_d"]


def test_named_blocks_are_executed_blocks():
    wrong = []
    for table, entry in _entries():
        for page, line in _BLOCK.findall(entry.reason):
            # written as the page's own links are: relative to the entry's page
            path = (ROOT / "docs" / entry.page).parent / page
            lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
            fence = lines[int(line) - 1].strip() if 0 < int(line) <= len(lines) else ""
            if not (fence.startswith("```") and 'exec="on"' in fence):
                wrong.append(f"sitekit/{table}.py: {path.relative_to(ROOT)}:{line} is not the fence of an executed block "
                             f"({fence[:60]!r}); point the entry at the block that asserts the formula")
    assert not wrong, "\n".join(wrong)
