"""Lint: ruff on the code, and on the Python the pages execute at build time.

The executed blocks of a page that share a markdown-exec session run as one
program, so each (page, session) is linted as one file, its includes
(`--8<-- "file.py:section"`) resolved as pymdownx.snippets resolves them,
and every finding is reported at the page's line. Rules: pyproject.toml's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"

_FENCE = re.compile(r'^```python\b(?P<options>[^\n]*\bexec="on"[^\n]*)$')
_SESSION = re.compile(r'\bsession="([^"]+)"')
_INCLUDE = re.compile(r'^\s*--8<-- "([^"]+)"\s*$')
# Blocks of a session are concatenated: later imports and redefinitions are
# how a page proceeds, not mistakes. `l` is the notation's layer index, and a
# lambda keeps a one-line table entry on one line.
PAGE_IGNORES = "E402,F811,E741,E731"
# A block titled "(continues … from other.md)" uses names another page defines.
_CONTINUES_ELSEWHERE = re.compile(r'title="[^"]*\(continues [^"]* from [\w/]+\.md')


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def included(spec: str) -> list[str]:
    """The lines `--8<-- "spec"` puts in place: a file, or one named section of it."""
    name, _, section = spec.partition(":")
    lines = (SNIPPETS / name).read_text(encoding="utf-8").splitlines()
    if not section:
        return [line for line in lines if "--8<--" not in line]
    start = lines.index(next(line for line in lines if line.strip() == f"# --8<-- [start:{section}]"))
    end = lines.index(next(line for line in lines if line.strip() == f"# --8<-- [end:{section}]"))
    return [line for line in lines[start + 1:end] if "--8<--" not in line]


def page_programs(page: Path) -> dict[str, tuple[list[str], list[int]]]:
    """session -> (program lines, the page line of each); a block without a
    session is a program of its own."""
    programs: dict[str, tuple[list[str], list[int]]] = {}
    lines = page.read_text(encoding="utf-8").splitlines()
    number = 0
    while number < len(lines):
        fence = _FENCE.match(lines[number].strip())
        indent = len(lines[number]) - len(lines[number].lstrip())
        number += 1
        if not fence:
            continue
        session = _SESSION.search(fence.group("options"))
        key = session.group(1) if session else f"block at line {number}"
        if _CONTINUES_ELSEWHERE.search(fence.group("options")) or f"{key} (continued)" in programs:
            key += " (continued)"
        code, where = programs.setdefault(key, ([], []))
        while number < len(lines) and lines[number].strip() != "```":
            line = lines[number][indent:]  # a block inside an admonition is indented
            include = _INCLUDE.match(line)
            body = included(include.group(1)) if include else [line]
            code += body
            where += [number + 1] * len(body)
            number += 1
        number += 1
    return programs


def test_ruff_check_is_clean():
    run = ruff("check", "--output-format", "concise", ".")
    assert run.returncode == 0, run.stdout + run.stderr


def test_executed_page_blocks_are_lint_clean(tmp_path):
    where: dict[str, tuple[str, list[int]]] = {}
    for page in sorted(DOCS.rglob("*.md")):
        for index, (session, (code, lines)) in enumerate(page_programs(page).items()):
            path = tmp_path / f"{page.relative_to(DOCS).as_posix().replace('/', '__')}__{index}.py"
            path.write_text("\n".join(code) + "\n", encoding="utf-8")
            where[path.name] = (f"docs/{page.relative_to(DOCS).as_posix()} ({session})", lines)
    assert len(where) > 100, "the pages' executed blocks were not found"
    run = ruff("check", "--output-format", "json", "--extend-ignore", PAGE_IGNORES, "--no-cache", str(tmp_path))
    findings = [f"{where[Path(f['filename']).name][0]}:{where[Path(f['filename']).name][1][f['location']['row'] - 1]}: "
                f"{f['code']} {f['message']}" for f in json.loads(run.stdout or "[]")
                if not (f["code"] == "F821" and "(continued)" in where[Path(f["filename"]).name][0])]
    assert not findings, "\n".join(findings)


def test_a_page_block_finding_is_reported_at_its_page_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text('# Page\n\n```python exec="on"\nimport os\nprint(1)\n```\n', encoding="utf-8")
    programs = page_programs(page)
    assert programs == {"block at line 3": (["import os", "print(1)"], [4, 5])}


def test_no_sys_path_edits_outside_the_mkdocs_hook():
    """sitekit and the tests' helpers are importable by configuration
    (pyproject.toml's pytest pythonpath; `python -m` for the scripts)."""
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in sorted(ROOT.glob("[st]*/**/*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"sys\.path\.(insert|append)", line) and path != ROOT / "sitekit" / "hooks.py"]
    assert not offenders, offenders


def test_pre_commit_hooks_run_our_pinned_tools():
    """The hooks are local: each runs a module this project installs."""
    import importlib.util

    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {hook["id"] for hook in hooks} == {"ruff", "stamps"}
    for hook in hooks:
        assert hook["language"] == "system" and hook["entry"].startswith("python -m "), hook
        assert importlib.util.find_spec(hook["entry"].split()[2]) is not None, hook
