"""sitekit.derivations as a package: modules of one job under 600 lines,
SymPy's private parser API in one module pinned to requirements.txt's SymPy,
and the names other modules import still importable from the package."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sitekit" / "derivations"


def test_every_module_is_under_600_lines():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert {"blocks.py", "latex.py", "meaning.py", "equality.py", "snippets.py", "chains.py", "pages.py",
            "report.py", "antlr.py", "__main__.py"} <= set(sizes)
    assert {name: n for name, n in sizes.items() if n >= 600} == {}


def test_sympy_private_api_only_in_antlr_module():
    private = re.compile(r"sympy\.parsing\.latex\.(?:_parse_latex_antlr|_antlr)")
    users = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "sitekit").rglob("*.py")
                   if private.search(p.read_text(encoding="utf-8")))
    assert users == ["sitekit/derivations/antlr.py"]


def test_another_sympy_version_is_refused_with_what_to_do():
    code = "import sympy; sympy.__version__ = '0.0.1'; import sitekit.derivations"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("sitekit.derivations.antlr.SympyVersionError: sitekit/derivations/antlr.py uses SymPy's "
                           "private LaTeX parser API, checked against sympy=="), last
    assert "but SymPy 0.0.1 is installed: run `pip install -r requirements.txt`" in last


def test_the_pin_is_read_from_requirements():
    import sympy

    from sitekit.derivations.antlr import pinned_sympy

    assert pinned_sympy() == sympy.__version__
    assert f"sympy=={pinned_sympy()}" in (ROOT / "requirements.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["DOCS", "Context", "DerivationError", "_group_end", "_skip_power", "_split_top",
                                  "check_equal", "meaning", "normalize", "page_sources", "page_name", "parse_domain",
                                  "check_markdown", "check_files", "extract_blocks", "prefetch", "main", "Report",
                                  "_checked", "_check_markdown", "_expand_sums", "MIN_POINTS", "MAX_POINTS",
                                  "POINT_POOL", "FUNCTION_ALIASES", "PARAMETER_ALIASES", "INDEXED_ALIASES"])
def test_names_other_modules_import_are_still_there(name):
    from sitekit import derivations

    assert hasattr(derivations, name)


def test_the_cli_runs_as_a_module():
    page = ROOT / "docs" / "activations" / "sigmoid.md"
    run = subprocess.run([sys.executable, "-m", "sitekit.derivations", str(page)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^1 blocks, \d+ equalities checked, 0 prose-only", run.stdout, re.M), run.stdout


def test_the_build_cache_fingerprint_covers_every_module_of_the_package():
    """An edit anywhere in the checker must change the keys of every result
    that depends on all of sitekit/ (the display and inline formula checks)."""
    from sitekit import cache

    files = {p.relative_to(cache.ROOT).as_posix() for p in cache._code_files(cache._CODE)}
    package = {p.relative_to(cache.ROOT).as_posix() for p in (cache.ROOT / "sitekit" / "derivations").glob("*.py")}
    assert package and package <= files, sorted(package - files)


def test_both_exception_tables_share_one_entry_type():
    """They had two near-identical NamedTuples; one type keeps hint and domain the same in both."""
    from sitekit import exception_entry, formula_exceptions, inline_exceptions

    assert formula_exceptions.Entry is inline_exceptions.Entry is exception_entry.Entry
    assert all(type(e) is exception_entry.Entry for e in formula_exceptions.EXCEPTIONS + inline_exceptions.EXCEPTIONS)
    entry = exception_entry.Entry("p.md", "x = 1", "definition: names x")
    assert entry.fragment == entry.formula == "x = 1" and entry.kind == "definition"
