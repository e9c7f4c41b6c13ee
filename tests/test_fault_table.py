"""The fault table's tool (`python -m tests.benchmarks.faults`, issue 15) can
still inject every fault it promises: its sites are found by their text on
pages and snippets that keep changing, and a site that moved must fail here,
in the fast loop, not an hour into the table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.benchmarks import faults


def _files(*folders: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for folder in folders for path in folder.rglob("*") if path.is_file()}


def _small_cache(folder: Path) -> Path:
    """One entry per namespace the cache faults damage, in the stored format."""
    values = {"plots": "<div><svg></svg></div>",
              "accuracy": [{"name": "relu", "max": 0.5}],
              "oracle": {"f 0x1.0000000000000p+0": [0, 1, 0, 1]}}
    for namespace, value in values.items():
        (folder / namespace).mkdir(parents=True)
        (folder / namespace / "a.json").write_text(json.dumps({"key": "a", "sha256": "b", "value": value}))
    (folder / "notebooks" / "fingerprint").mkdir(parents=True)
    (folder / "notebooks" / "fingerprint" / "n.json").write_text('{"content": "<p>ok</p>", "toc_tokens": []}')
    return folder


def test_each_promised_injection_changes_the_copy(tmp_path):
    """All injected one after another into one copy (their sites are distinct),
    each seen to change a file of the copy or of its cache."""
    project = faults.pristine_copy(tmp_path / "project", head=False)
    cache = _small_cache(tmp_path / "cache")
    for fault in faults.FAULTS:
        before = _files(project, cache)
        pattern = fault.inject(project, cache)
        if fault.catcher == "serve":
            faults.wrong_sigmoid_grad(project)
        assert isinstance(pattern, str) and pattern, fault.name
        assert _files(project, cache) != before, f"{fault.name}: nothing was changed"


def test_names_are_distinct_and_only_must_match_one():
    names = [fault.name for fault in faults.FAULTS]
    assert len(set(names)) == len(names)
    assert [f.name for f in faults.select(["serve:"])] == [n for n in names if "serve:" in n]
    with pytest.raises(SystemExit, match="--only 'no such fault' matches no fault"):
        faults.select(["transposed", "no such fault"])
