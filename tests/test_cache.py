"""The content-hash cache of build-time work (sitekit.cache): a result is
reused only for the same inputs and the same code, and never changes what
the build shows."""

from __future__ import annotations

import ast
import math
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import mpmath
import numpy as np
import pytest

from sitebuild import copy_project
from sitekit import accuracy, cache, derivations, formulas, oracle, plots, typeset
from sitekit.catalogue import snippet
from sitekit.derivations import pages

ROOT = Path(__file__).resolve().parent.parent
SIGMOID_PAGE = ROOT / "docs" / "activations" / "sigmoid.md"


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BC_CACHE", raising=False)
    return tmp_path / "cache"


@pytest.fixture
def project_copy(tmp_path, monkeypatch) -> Path:
    """The code and requirements in a temporary folder, seen by the cache as
    the project, so that a test can edit them."""
    copy_project(tmp_path)
    monkeypatch.setattr(cache, "ROOT", tmp_path)
    return tmp_path


def _edit(path: Path) -> None:
    path.write_text(path.read_text() + "\n# edited\n")


def test_key_follows_every_code_file(project_copy):
    """Editing any snippet or sitekit file, or the requirements, changes every key."""
    before = cache.key("derivations", "same page")
    assert before == cache.key("derivations", "same page")
    assert before != cache.key("derivations", "another page")
    for edited in ("snippets/activations/relu.py", "sitekit/definitions.py", "sitekit/plots.py", "requirements.txt"):
        _edit(project_copy / edited)
        after = cache.key("derivations", "same page")
        assert after != before, edited
        before = after


def test_key_follows_a_new_or_removed_code_file(project_copy):
    """The list of code files is kept between keys (a glob per key cost ms);
    a file added to or removed from any folder, a new subfolder's included,
    still changes the key."""
    before = cache.key("derivations", "same page")
    (project_copy / "snippets/activations/new_activation.py").write_text("# new\n")
    added = cache.key("derivations", "same page")
    assert added != before
    (project_copy / "snippets/layers/deeper").mkdir()
    assert cache.key("derivations", "same page") == added
    (project_copy / "snippets/layers/deeper/new_layer.py").write_text("# new\n")
    deeper = cache.key("derivations", "same page")
    assert deeper != added
    (project_copy / "snippets/layers/deeper/new_layer.py").unlink()
    (project_copy / "snippets/activations/new_activation.py").unlink()
    assert cache.key("derivations", "same page") == before


def test_key_follows_every_pinned_package(project_copy, monkeypatch):
    """An upgraded package (here: another version reported for NumPy) changes the key."""
    import importlib.metadata

    assert "numpy" in cache.packages() and "matplotlib" in cache.packages()
    before = cache.key("plots", "same", code=plots.CODE)
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.0" if name == "numpy" else real(name))
    cache._fingerprint.cache_clear()
    cache._versions.cache_clear()
    assert cache.key("plots", "same", code=plots.CODE) != before
    cache._fingerprint.cache_clear()
    cache._versions.cache_clear()


def test_narrow_keys_follow_their_own_files_only(project_copy):
    """The oracle's values depend on the oracle and the expressions it
    evaluates; a drawing on sitekit/plots.py. Editing a snippet, or a registry
    file (a new entry: docs/contributing.md), leaves both keys alone; editing
    their own files, or the function's expression, changes them."""
    exprs = oracle.Oracle("relu").exprs
    oracle_key = oracle.values_key("relu", {}, exprs)
    plot_key = cache.key("plots", "relu", code=plots.CODE)
    for edited in ("snippets/activations/relu.py", "sitekit/accuracy.py", "sitekit/definitions_basic.py",
                   "sitekit/registry.py", "sitekit/entries.py"):
        _edit(project_copy / edited)
        assert oracle.values_key("relu", {}, exprs) == oracle_key, edited
        assert cache.key("plots", "relu", code=plots.CODE) == plot_key, edited
    assert oracle.values_key("relu", {}, {**exprs, "grad": 2 * exprs["grad"]}) != oracle_key
    assert oracle.values_key("relu", {"alpha": 0.1}, exprs) != oracle_key
    _edit(project_copy / "sitekit/oracle.py")
    assert oracle.values_key("relu", {}, exprs) != oracle_key
    _edit(project_copy / "sitekit/plots.py")
    assert cache.key("plots", "relu", code=plots.CODE) != plot_key


def _snippet_keys() -> dict[str, str]:
    return {
        "relu page": cache.key("derivations", "p", code=pages.code("activations/relu.md")),
        "sigmoid page": cache.key("derivations", "p", code=pages.code("activations/sigmoid.md")),
        "chain rule page": cache.key("derivations", "p", code=pages.code("backprop/chain_rule.md")),
        "relu accuracy": cache.key("accuracy", "relu", code=accuracy.code("relu")),
        "relu short": cache.key("short-accuracy", "relu", code=accuracy.short_code("relu")),
        "sigmoid accuracy": cache.key("accuracy", "sigmoid", code=accuracy.code("sigmoid")),
        "formulas": cache.key("formulas", "p", code=formulas.CODE),
    }


def _changed(edited: Path) -> set[str]:
    before = _snippet_keys()
    _edit(edited)
    after = _snippet_keys()
    return {name for name in before if before[name] != after[name]}


def test_a_snippet_edit_changes_only_the_keys_of_what_reads_it(project_copy):
    """A page's derivation check reads its own function's snippet (the last
    steps are compared with it), a measurement its function's snippet and
    short block, the formula check no snippet: an edit to relu.py computes
    relu's results again, and nothing else; an edit to sitekit/, everything."""
    assert _changed(project_copy / "snippets/activations/relu.py") == {"relu page", "relu accuracy", "relu short"}
    assert _changed(project_copy / "snippets/activations/short/relu.py") == {"relu short"}
    assert _changed(project_copy / "snippets/layers/dense.py") == set()
    assert _changed(project_copy / "sitekit/plots.py") == set(_snippet_keys())


def _read_relu() -> int:
    return int(snippet("relu").relu(1.0))


def test_a_job_that_reads_a_snippet_its_key_leaves_out_fails(fresh_cache):
    """A narrow key is safe only if the job reads no other snippet: one that
    does fails, naming the file, here and in a worker (cache.start)."""
    left_out = r"a probe job read snippets/activations/relu\.py, which its cache key leaves out"
    with pytest.raises(RuntimeError, match=left_out):
        cache.memo("probe", (1,), _read_relu, code=cache.SITEKIT)
    assert cache.memo("probe", (2,), _read_relu, code=accuracy.code("relu")) == 1
    assert cache.start("probe", (3,), _read_relu, code=cache.SITEKIT)
    with pytest.raises(RuntimeError, match=left_out):
        cache.memo("probe", (3,), lambda: 0, code=cache.SITEKIT)


def _our_imports(path: Path) -> set[str]:
    """The sitekit modules a file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "sitekit":
            found |= {f"sitekit.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sitekit."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("sitekit.")}
    return found


@pytest.mark.parametrize("module", [oracle, plots, typeset, formulas], ids=lambda m: m.__name__)
def test_narrow_code_lists_cover_every_import(module):
    """A narrow key is only safe if the code it names is all the code that
    runs: every sitekit module the named files import is named too (the
    cache itself only files results away)."""
    named = {path for pattern in module.CODE for path in ROOT.glob(pattern)}
    assert Path(module.__file__).resolve() in {p.resolve() for p in named}
    for path in (p for p in named if p.suffix == ".py"):
        # The oracle's key holds the expressions the registry writes, not its files.
        written = {"sitekit.registry", "sitekit.entries"} if module is oracle else set()
        for imported in _our_imports(path) - {"sitekit.cache"} - written:
            target = ROOT / (imported.replace(".", "/") + ".py")
            if not target.is_file():  # a package
                target = ROOT / imported.replace(".", "/") / "__init__.py"
            assert target in named, f"{path.name} imports {imported}, which {module.__name__}.CODE leaves out"


def test_stored_exact_values_are_the_computed_ones(fresh_cache, monkeypatch):
    """Exact values read back from the cache are the computed ones, bit for
    bit (not rounded to mpmath's working precision), at ordinary points, a
    constant branch, ±inf and NaN; a new parameter value is not read from
    another's store."""
    points = [-1.3, -0.0, 0.0, 2.5, 1e-300, -710.0, math.inf, -math.inf, math.nan]
    # This test's own stores: what earlier tests computed stays out of it.
    monkeypatch.setattr(oracle, "_stores", {})
    monkeypatch.setattr(oracle, "_unsaved", set())
    computed = {which: oracle.Oracle("celu", alpha=0.3).many(which, points) for which in ("f", "grad")}
    computed_relu = oracle.Oracle("relu").many("grad", points)  # 0 and 1: constant branches
    oracle.save()
    assert list(fresh_cache.joinpath("oracle").glob("*.json"))
    monkeypatch.setattr(oracle, "_stores", {})

    def refuse(*args):
        raise AssertionError("computed again, not read from the cache")

    monkeypatch.setattr(oracle.Oracle, "_evaluate", refuse)
    for which, values in computed.items():
        stored = oracle.Oracle("celu", alpha=0.3).many(which, points)
        assert [v._mpf_ for v in stored] == [v._mpf_ for v in values], which
        # mpmath's invariant (checked under MPMATH_STRICT): a mantissa is its backend's integer.
        assert {type(v._mpf_[1]) for v in stored} == {mpmath.libmp.MPZ_TYPE}, which
    assert [v._mpf_ for v in oracle.Oracle("relu").many("grad", points)] == [v._mpf_ for v in computed_relu]
    assert all(isinstance(v, mpmath.mpf) for v in computed_relu)
    with pytest.raises(AssertionError, match="computed again"):
        oracle.Oracle("celu", alpha=float(np.float32(0.3))).many("f", [1.0])


def _exact_values(name: str, alpha: float, points: list[float]) -> list[list[int]]:
    """A worker's job: exact values, as the cache keeps them (JSON lists of
    ints: on gmpy2 a mantissa is an mpz, which JSON cannot write)."""
    return [[int(part) for part in v._mpf_] for v in oracle.Oracle(name, alpha=alpha).many("f", points)]


def test_a_workers_exact_values_reach_the_other_processes(fresh_cache, monkeypatch):
    """A worker job ends by saving the exact values it computed
    (cache.after_each_job), and a process that read the store before then
    merges them on its next miss instead of computing them again."""
    for state, empty in (("_stores", {}), ("_unsaved", set()), ("_read", {})):
        monkeypatch.setattr(oracle, state, empty)
    monkeypatch.setattr(cache, "_pool", [])
    monkeypatch.setattr(cache, "_pending", {})
    points = [-2.5, 0.25, 3.0, math.inf]
    here = oracle.Oracle("celu", alpha=0.7)  # its store read now, empty
    try:
        assert cache.start("test-oracle", (points,), _exact_values, "celu", 0.7, points)
        from_worker = cache.memo("test-oracle", (points,), lambda: None)
    finally:
        for pool in cache._pool:
            pool.shutdown()

    def refuse(*args):
        raise AssertionError("computed again, not read from the worker's values")

    monkeypatch.setattr(oracle.Oracle, "_evaluate", refuse)
    assert [list(v._mpf_) for v in here.many("f", points)] == from_worker


def test_a_drawing_is_reused_only_for_the_same_data(fresh_cache, monkeypatch):
    svg = plots.plot_function([("f", np.tanh)], lo=-2, hi=2, n=51)
    assert svg.startswith('<div class="bc-plot"><svg')
    drawn = []
    draw = plots._draw_function
    monkeypatch.setattr(plots, "_draw_function", lambda *a: drawn.append(1) or draw(*a))
    assert plots.plot_function([("f", np.tanh)], lo=-2, hi=2, n=51) == svg
    assert drawn == []
    # Data one ULP apart at one point: drawn again.
    nudged = plots.plot_function([("f", lambda x: np.where(x == 0, 5e-324, np.tanh(x)))], lo=-2, hi=2, n=51)
    assert drawn == [1]
    assert plots.plot_function([("f", np.tanh)], lo=-2, hi=2, n=51, title="t") != svg
    assert drawn == [1, 1]
    assert nudged.startswith('<div class="bc-plot"><svg')


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


def test_typeset_formulas_from_the_cache_are_the_typeset_ones(fresh_cache, monkeypatch):
    """MathJax's SVG (or its error) for each formula is kept: a second build
    with the same formulas does not start Node, and gets the same results;
    a formula not seen before is still typeset, and a bad one still fails."""
    formulas = [(r"\frac{1}{2}", False), (r"\frac{1}{", True), (r"\sigmaa", False), (r"\frac{1}{2}", False)]
    first = typeset.Typesetter()
    results = first.typeset(formulas)
    first.close()
    assert "svg" in results[0] and results[0] == results[3] and results[0]["defs"]
    assert "Missing close brace" in results[1]["error"] and "Undefined control sequence" in results[2]["error"]
    started = []
    popen = typeset.subprocess.Popen
    monkeypatch.setattr(typeset.subprocess, "Popen", lambda command, **kw: started.append(command) or popen(command, **kw))
    second = typeset.Typesetter()
    assert second.typeset(formulas) == results
    assert not [c for c in started if str(typeset.SCRIPT) in c], "MathJax started for formulas already in the cache"
    more = second.typeset(formulas + [(r"\left(x", False)])
    second.close()
    assert more[:4] == results and "error" in more[4]
    assert [c for c in started if str(typeset.SCRIPT) in c]


def test_an_unwritable_cache_is_only_unused(tmp_path, monkeypatch):
    """A cache folder that cannot be made (here a file is in the way): every
    result is computed, none kept, and nothing fails."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("BC_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("BC_CACHE", raising=False)
    calls = []
    assert cache.memo("test", ("b",), lambda: calls.append(1) or len(calls)) == 1
    assert cache.memo("test", ("b",), lambda: calls.append(1) or len(calls)) == 2


def test_a_failed_store_leaves_no_file(fresh_cache, monkeypatch):
    """A value JSON cannot hold raises before anything is written, and a write
    that fails midway (a full disk) leaves no half-written temporary file."""
    folder = cache._path("test", cache.key("test", "e")).parent
    with pytest.raises(TypeError):
        cache.store("test", cache.key("test", "e"), {"x": object()})

    def full_disk(self, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.tempfile._TemporaryFileWrapper, "write", full_disk, raising=False)
    cache.store("test", cache.key("test", "f"), [1.0])
    assert not folder.exists() or not list(folder.iterdir()), sorted(folder.iterdir())


def test_the_tests_never_use_the_projects_cache():
    """A test run caches in a temporary folder of its own (removed at its end)."""
    assert cache.directory().resolve() != (ROOT / ".cache").resolve()
    assert cache.directory().name.startswith("bc-test-cache-")


@pytest.mark.parametrize("damage", ["edited value", "truncated", "another key", "old format"])
def test_an_altered_entry_is_computed_again_with_one_line(fresh_cache, caplog, damage):
    """A stored value changed by hand (valid JSON too), cut short, copied
    under another key, or written without a checksum is not served."""
    calls = []
    compute = lambda: calls.append(1) or {"sigma_prime_1": 0.19661193324148185}  # noqa: E731
    assert cache.memo("test", ("c",), compute) == compute()
    calls.clear()
    digest = cache.key("test", "c")
    path = cache._path("test", digest)
    stored = path.read_text(encoding="utf-8")
    other = cache.key("test", "d")
    damaged = {
        "edited value": stored.replace("0.19661193324148185", "0.3932238664829637"),
        "truncated": stored[: len(stored) // 2],
        "another key": stored.replace(digest, other),
        "old format": '{"sigma_prime_1": 0.3932238664829637}',
    }[damage]
    assert damaged != stored
    path.write_text(damaged, encoding="utf-8")
    with caplog.at_level("INFO", logger="mkdocs.plugins.sitekit.cache"):
        assert cache.memo("test", ("c",), compute) == {"sigma_prime_1": 0.19661193324148185}
    assert calls == [1]
    assert [r.getMessage() for r in caplog.records] == [
        f"cache: {path} does not match its checksum (edited or damaged); computing it again"
    ]
    # The fresh result replaced the damaged file.
    assert cache.load("test", digest) == {"sigma_prime_1": 0.19661193324148185}


def test_a_damaged_notebook_entry_is_dropped_and_a_good_one_kept(tmp_path, caplog):
    good, bad, odd = (tmp_path / f"{name}.json" for name in ("good", "bad", "odd"))
    good.write_text('{"content": "<p>ok</p>", "toc_tokens": [], "title": null}', encoding="utf-8")
    bad.write_text('{"content": "<p>cut', encoding="utf-8")
    odd.write_text('{"content": 3}', encoding="utf-8")
    with caplog.at_level("INFO", logger="mkdocs.plugins.sitekit.cache"):
        cache.drop_damaged_notebooks(tmp_path)
    assert good.exists() and not bad.exists() and not odd.exists()
    assert len(caplog.records) == 2 and all("executing it again" in r.getMessage() for r in caplog.records)


def test_writable_tells_a_folder_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cache.writable(tmp_path / "new" / "folder")
    assert not cache.writable(blocker / "cache")
    assert not list((tmp_path / "new" / "folder").iterdir()), "the probe file is left behind"


def test_prune_keeps_what_the_build_used_and_only_that(fresh_cache, monkeypatch):
    import os
    import time

    cache.memo("test", ("old",), lambda: 1)
    cache.memo("test", ("kept",), lambda: 2)
    stale_notebooks = fresh_cache / "notebooks" / ("0" * 64)
    stale_notebooks.mkdir(parents=True)
    (stale_notebooks / "entry.json").write_text("{}")
    current_notebooks = cache.notebook_folder()
    current_notebooks.mkdir(parents=True)
    (current_notebooks / "entry.json").write_text("{}")
    past = time.time() - 60
    for path in fresh_cache.rglob("*.json"):
        os.utime(path, (past, past))
    started = time.time() - 1
    calls = []
    assert cache.memo("test", ("kept",), lambda: calls.append(1)) == 2 and not calls  # read: used
    cache.memo("test", ("new",), lambda: 3)  # written: used
    assert cache.prune(started) == 2  # the old result and the other fingerprint's notebook
    assert not stale_notebooks.exists() and (current_notebooks / "entry.json").exists()
    assert cache.memo("test", ("kept",), lambda: calls.append(1)) == 2 and not calls
    assert cache.memo("test", ("old",), lambda: 4) == 4  # gone, so computed again


def test_prune_is_for_the_projects_own_folder_unless_asked(monkeypatch):
    monkeypatch.delenv("BC_CACHE", raising=False)
    monkeypatch.delenv("BC_CACHE_PRUNE", raising=False)
    monkeypatch.delenv("BC_CACHE_DIR", raising=False)
    assert cache.pruning()
    monkeypatch.setenv("BC_CACHE_DIR", "/tmp/shared")
    assert not cache.pruning()
    monkeypatch.setenv("BC_CACHE_PRUNE", "on")
    assert cache.pruning()
    monkeypatch.setenv("BC_CACHE", "off")
    assert not cache.pruning()


def test_a_test_run_leaves_no_cache_folder(tmp_path):
    """A test run (with its xdist workers) removes the cache folder it made: run one small test
    file in a fresh temporary directory and find no bc-test-cache-* left in it."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("BC_TEST_RUN_CACHE", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider",
                          "tests/test_hooks.py"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    left = sorted(p.name for p in tmp_path.glob("bc-test-cache-*"))
    assert not left, f"the test run left {left} in the temporary directory: tests/sitebuild.py cache_dir() must remove it"


def test_an_edit_to_the_code_keeps_the_executed_notebooks(project_copy, fresh_cache):
    """A notebook runs the code written into it: an edited snippet changes the
    fingerprint of every other result, not the folder of executed notebooks;
    a package version changes both."""
    code, notebooks = cache.fingerprint(), cache.notebook_folder()
    snippet = project_copy / "snippets" / "activations" / "relu.py"
    snippet.write_text(snippet.read_text() + "\n# edited\n")
    assert cache.fingerprint() != code and cache.notebook_folder() == notebooks
    requirements = project_copy / "requirements.txt"
    requirements.write_text(requirements.read_text() + "\nno-such-package==1.0\n")
    assert cache.notebook_folder() != notebooks
