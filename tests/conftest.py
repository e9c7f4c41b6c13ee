import fcntl
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

# The project root and tests/ are on sys.path: pyproject.toml's pytest `pythonpath`.
from sitebuild import ROOT as _ROOT, build, cache_dir, owns_cache, warnings_in

# Everything a test run computes is cached in the run's own folder, never in
# the project's .cache (which holds what the developer's builds computed).
os.environ["BC_CACHE_DIR"] = str(cache_dir())


def pytest_sessionfinish(session, exitstatus):
    for thread in [t for t in threading.enumerate() if t.name == "session-site-build"]:
        thread.join()  # the other workers may still wait for its log
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: its tables go to the controller
        session.config.workeroutput["bc_tables"] = json.dumps([ACCURACY_RESULTS, BROWSER_TIMINGS, FAULTS])
    if owns_cache():
        shutil.rmtree(cache_dir(), ignore_errors=True)


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: absent under -p no:xdist
def pytest_testnodedown(node, error):
    """The controller gathers the workers' tables, printed whole at the end."""
    tables = getattr(node, "workeroutput", {}).get("bc_tables")
    if tables:
        accuracy, browser, faults = json.loads(tables)
        ACCURACY_RESULTS.extend(accuracy)
        BROWSER_TIMINGS.extend(tuple(row) for row in browser)
        FAULTS.extend(tuple(row) for row in faults)


def _build_shared_site(shared: Path) -> None:
    """Build the site into the run's shared folder and write its log, unless
    that is done; the caller holds the lock the other workers wait on."""
    if (shared / "site-build.json").exists():
        return
    try:
        run = build(_ROOT, shared / "site")
        result = [run.returncode, run.stdout, run.stderr]
    except Exception as error:  # a timeout: the other workers fail with it, not build again
        result = [-1, "", f"the session's build raised {error!r}"]
    (shared / "site-build.json").write_text(json.dumps(result))


def pytest_collection_finish(session):
    """Under pytest-xdist, start the session's build as soon as a worker has
    collected a test that needs it, in a thread of that worker: the workers
    run the tests that need no site meanwhile (they come first, see
    pytest_collection_modifyitems), instead of waiting for it together."""
    if os.environ.get("BC_SITE") or not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if not any("site" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    shared = session.config._tmp_path_factory.getbasetemp().parent  # the run's, above each worker's own
    lock = open(shared / "site.lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # another worker is building it
        lock.close()
        return

    def build_then_unlock():
        with lock:
            _build_shared_site(shared)

    # Not a daemon: a worker whose tests end first still waits for the build, which others read.
    threading.Thread(target=build_then_unlock, name="session-site-build").start()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built with `mkdocs build --strict` once per test run: under
    pytest-xdist one worker builds it into the run's shared temporary folder
    (from the start, pytest_collection_finish), holding a lock the others
    wait on, and all read its log.
    BC_SITE=<dir> reuses a site built before (for working on the browser tests)."""
    if os.environ.get("BC_SITE"):
        return Path(os.environ["BC_SITE"])
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        out = tmp_path_factory.mktemp("site")
        run = build(_ROOT, out)
        returncode, stdout, stderr = run.returncode, run.stdout, run.stderr
    else:
        shared = tmp_path_factory.getbasetemp().parent
        out, log = shared / "site", shared / "site-build.json"
        with open(shared / "site.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            _build_shared_site(shared)
            returncode, stdout, stderr = json.loads(log.read_text())
    assert returncode == 0, f"mkdocs build --strict failed:\n{stdout}\n{stderr}"
    assert not warnings_in(stderr), stderr
    return out


# Max ULP errors measured by the accuracy tests, printed after the run.
ACCURACY_RESULTS: list = []
# (page, seconds from navigation to first paint with its math, formulas,
# bytes transferred with an empty cache (search index aside), 0) from the
# browser tests.
BROWSER_TIMINGS: list = []
# (fault, detected by, the message) from the fault-injection tests.
FAULTS: list = []


def pytest_terminal_summary(terminalreporter, config):
    if hasattr(config, "workerinput"):  # the controller prints every worker's rows
        return
    if FAULTS:
        terminalreporter.section("injected faults: each fails the build, naming the file and line or block")
        for fault, detector, message in FAULTS:
            terminalreporter.write_line(f"{fault:32s} {detector:24s} {message}")
    if BROWSER_TIMINGS:
        terminalreporter.section("browser: seconds from navigation until the math is visible; bytes per page")
        rows = sorted(BROWSER_TIMINGS, key=lambda t: -t[1])
        for page, seconds, count, size, _ in rows[:8]:
            terminalreporter.write_line(f"{seconds:6.2f} s  {count:4d} formulas  {size / 1e3:8.1f} kB  {page}")
        median = sorted(r[1] for r in rows)[len(rows) // 2]
        largest = max(rows, key=lambda r: r[3])
        activation = sorted(r[3] for r in rows if r[0].startswith("activations/"))
        typical = activation[len(activation) // 2] if activation else 0
        terminalreporter.write_line(f"{len(rows)} pages, {sum(r[2] for r in rows)} formulas; math visible: median "
                                    f"{median:.2f} s, max {rows[0][1]:.2f} s ({rows[0][0]}); largest page "
                                    f"{largest[3] / 1e3:.1f} kB ({largest[0]}); median activation page "
                                    f"{typical / 1e3:.1f} kB (empty cache, search index aside)")
        artifacts = _ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        lines = [f"{page}\t{count}\t{seconds:.3f}\t{size}"
                 for page, seconds, count, size, _ in sorted(BROWSER_TIMINGS)]
        (artifacts / "browser-pages.tsv").write_text(
            "page\tformulas\tseconds until math visible\tbytes (empty cache, search index aside)\n"
            + "\n".join(lines) + "\n")
        terminalreporter.write_line("every page visited: test-artifacts/browser-pages.tsv")
    if not ACCURACY_RESULTS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("max ULP error vs the 50-digit oracle (where the exact value is normal)")
    write(f"{'function':34s} {'float32':>9s} {'float64':>9s}   (bound)")
    table: dict[str, dict[str, float]] = {}
    bounds: dict[str, float] = {}
    for r in ACCURACY_RESULTS:
        table.setdefault(r["label"], {})
        prev = table[r["label"]].get(r["dtype"], 0.0)
        table[r["label"]][r["dtype"]] = max(prev, r["max_ulp"])
        bounds[r["label"]] = r["bound"]
    for label in sorted(table):
        row = table[label]
        cells = [f"{row[d]:9.2f}" if d in row else f"{'-':>9s}" for d in ("float32", "float64")]
        write(f"{label:34s} {' '.join(cells)}   ({bounds[label]:g})")


# The fast loop (`python -m pytest -m "not slow"`) leaves out what builds the
# site or drives a browser, and the exhaustive float32 sweeps: those are
# marked here, by what they use, so no test file has to remember to.
# "choosing" runs the choosing page's dead-unit experiment, "deep" the
# initialisation page's deep network (seconds each), "profiles" tests/test_init.py's
# six 50-layer networks (11 s of CPU).
_SLOW_FIXTURES = {"site", "project", "server", "page", "browser", "choosing", "deep", "profiles"}
# Tests in files of their own that took over 2 s of CPU each (sweeps over
# float32 ranges, root searches with the oracle, a build of a copied project).
_SLOW_TESTS = {
    "test_softsign_grad_within_five_roundings", "test_numpy_float32_tanh_within_2_2_ulp",
    "test_hard_functions_roundings_and_dtypes", "test_swish_slope_has_one_root_the_negative_minimum",
    "test_mish_slope_has_one_root_the_negative_minimum", "test_gelu_slope_one_root_negative_minimum_and_above_one_right",
    "test_self_gated_gates_rise_from_zero_to_one", "test_the_guide_adds_an_activation",
    # the short vector blocks' VJP sweep against the oracle (tests/vector_checks.py marks its own)
    "test_vjp_against_oracle",
    # the short blocks' oracle sweep (GELU's cases 6-8 s each), GELU-tanh's float32 sweeps, and the
    # formula checkers run over every page (what the build runs; `python -m sitekit.formulas <page>` for one)
    "test_short_block_against_oracle", "test_gelu_tanh_29_bits_to_spare", "test_gelu_tanh_near_root_points",
    "test_every_page_passes", "test_the_hook_runs_the_numeric_check_on_every_page",
    # two processes that import matplotlib and draw (1.5 s of CPU)
    "test_plots_are_deterministic",
    # the CNN trained from other starting points, and the notebook's training (5-15 s each, in NumPy)
    "test_training_clears_the_bar_from_other_starting_points", "test_notebook_reaches_the_accuracy_it_prints",
}
# A build of a copied project and the guide's commands beside it (37 s alone at the end of a run).
_LONGEST_SINGLE = {"test_the_guide_adds_an_activation"}
_SLOW_MODULES = {"test_browser.py", "test_plots_a11y.py", "test_serve.py", "test_cache.py"}
# Matched in the test's name and in the text of a parametrized claim (its
# id shows only the first 40 characters of the sentence).
# The two SymPy proofs of the initialisation page's variance formulas (6-17 s each).
_SLOW_WORDS = ("335 544 322", "every 7th", "every_7th", "sweep", "fault", "build", "init-relu-layer",
               "init-layer-variance")


def _words(item) -> str:
    params = getattr(getattr(item, "callspec", None), "params", {})
    return " ".join([item.name] + [str(getattr(value, "text", "")) for value in params.values()])


def pytest_collection_modifyitems(config, items):
    for item in items:
        slow = (_SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
                or item.path.name in _SLOW_MODULES
                or getattr(item, "originalname", item.name) in _SLOW_TESTS
                or any(word in _words(item) for word in _SLOW_WORDS))
        if slow:
            item.add_marker(pytest.mark.slow)
    # The tests that need the session's site last (stable: each file's order kept), so
    # pytest-xdist's workers run the others while it builds (pytest_collection_finish).
    # pytest-xdist hands out its groups largest first, then single tests in this order:
    # the longest single test goes first among those, not last, where it ran alone.
    items.sort(key=lambda item: (0 if item.name in _LONGEST_SINGLE else
                                 1 + ("site" in getattr(item, "fixturenames", ()))))
