"""The README's commands are the ones CI runs, and the layout is the product's."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_readme_has_the_two_commands():
    serve, test = readme_commands()
    assert serve == "pip install -r requirements.txt && mkdocs serve"
    assert test.startswith("pip install -r requirements-dev.txt && ")


def test_ci_runs_the_readme_test_command():
    _, test = readme_commands()
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test in lines


def test_requirements_are_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert "==" in line, f"{name}: {line} is not pinned"


def test_no_python_files_in_docs():
    """mkdocs-jupyter would turn them into pages."""
    assert not list((ROOT / "docs").rglob("*.py"))
