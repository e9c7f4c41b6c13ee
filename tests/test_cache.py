"""The content-hash cache of build-time work (sitekit.cache): a result is
reused only for the same inputs and the same code, and never changes what
the build shows."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from sitekit import accuracy, cache, derivations

ROOT = Path(__file__).resolve().parent.parent
SIGMOID_PAGE = ROOT / "docs" / "activations" / "sigmoid.md"


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BC_CACHE", raising=False)
    return tmp_path / "cache"


def test_key_follows_every_code_file(tmp_path, monkeypatch):
    """Editing any snippet or sitekit file changes every key."""
    for folder in ("sitekit", "snippets"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "ROOT", tmp_path)
    before = cache.key("derivations", "same page")
    assert before == cache.key("derivations", "same page")
    assert before != cache.key("derivations", "another page")
    for edited in ("snippets/activations/relu.py", "sitekit/definitions.py"):
        path = tmp_path / edited
        path.write_text(path.read_text() + "\n# edited\n")
        after = cache.key("derivations", "same page")
        assert after != before, edited
        before = after


def test_memo_computes_once_and_off_means_off(fresh_cache, monkeypatch):
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    assert cache.memo("test", ("a",), compute) == {"value": 1}
    assert cache.memo("test", ("a",), compute) == {"value": 1}
    assert len(calls) == 1
    monkeypatch.setenv("BC_CACHE", "off")
    assert cache.memo("test", ("a",), compute) == {"value": 2}
    assert cache.memo("test", ("a",), compute) == {"value": 3}


def test_cached_derivation_report_is_the_computed_one(fresh_cache):
    text = SIGMOID_PAGE.read_text()
    fresh = derivations._check_markdown(text, "activations/sigmoid.md", None)
    derivations._checked.clear()
    first = derivations.check_markdown(text, "activations/sigmoid.md")  # computed, stored
    derivations._checked.clear()
    second = derivations.check_markdown(text, "activations/sigmoid.md")  # read back
    for report in (first, second):
        assert asdict(report) | {"seconds": 0} == asdict(fresh) | {"seconds": 0}
    assert list(fresh_cache.joinpath("derivations").glob("*.json"))


def test_a_wrong_step_is_not_hidden_by_the_cache(fresh_cache):
    """The cache holds the verdict of the page as it was; an edited page is
    checked again and its new error is reported."""
    text = SIGMOID_PAGE.read_text()
    assert derivations.check_markdown(text, "activations/sigmoid.md").ok
    broken = text.replace(r"\left(-e^{-x}\right) \\", r"\left(e^{-x}\right) \\", 1)
    assert broken != text
    assert not derivations.check_markdown(broken, "activations/sigmoid.md").ok


def test_background_check_gives_the_same_report(fresh_cache):
    derivations._checked.clear()
    assert derivations.prefetch([SIGMOID_PAGE]) == 1
    background = derivations.check_markdown(SIGMOID_PAGE.read_text(), "activations/sigmoid.md")
    fresh = derivations._check_markdown(SIGMOID_PAGE.read_text(), "activations/sigmoid.md", None)
    assert asdict(background) | {"seconds": 0} == asdict(fresh) | {"seconds": 0}
    # Now on disk: a second prefetch sends nothing to the workers.
    derivations._checked.clear()
    assert derivations.prefetch([SIGMOID_PAGE]) == 0


def test_accuracy_figures_from_the_cache_are_the_measured_ones(fresh_cache):
    measured = accuracy.measure("relu")
    assert accuracy.results("relu") == measured  # computed and stored
    assert accuracy.results("relu") == measured  # read back
    assert {(r["which"], r["role"]) for r in measured} >= {("f", "ours"), ("grad", "ours"), ("f", "naive")}
