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


def test_workflow_tests_pull_requests_and_publishes_main():
    """The GitHub workflow cannot run here: its YAML and the commands it calls are checked instead."""
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "docs.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    test_job, deploy = workflow["jobs"]["test"], workflow["jobs"]["deploy"]
    _, readme_test = readme_commands()
    runs = [step.get("run", "") for step in test_job["steps"]]
    assert readme_test in runs, "the test job must run the README's test command"
    pinned = {line.split("==")[0]: line.split("==")[1].strip() for line in
              (ROOT / "requirements-dev.txt").read_text().splitlines() if "==" in line}
    browser = next(r for r in runs if "playwright install" in r)
    assert f"playwright=={pinned['playwright']}" in browser, "the workflow installs the pinned Playwright"
    assert deploy["needs"] == "test"
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [step.get("uses", "") for step in deploy["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    upload = next(s for s in deploy["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    build = next(s["run"] for s in deploy["steps"] if "mkdocs build" in s.get("run", ""))
    assert build == "pip install -r requirements.txt && mkdocs build --strict"
    python = {s["with"]["python-version"] for job in (test_job, deploy) for s in job["steps"]
              if s.get("uses", "").startswith("actions/setup-python@")}
    assert python == {"3.11"}


def test_every_page_has_an_edit_link_target():
    import yaml

    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert "repo_url" not in config, "the repository widget would call api.github.com"
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/edit/main/docs/", config["edit_uri"])
    assert "content.action.edit" in config["theme"]["features"]


def test_no_build_command_silences_warnings():
    """`mkdocs build --strict -q` passes a failing build: -q drops warnings
    before strict mode counts them. No command we give or run may carry it."""
    import re

    sources = [ROOT / "README.md", ROOT / ".ci" / "run", ROOT / ".github" / "workflows" / "docs.yml",
               ROOT / "tests" / "sitebuild.py", ROOT / "tests" / "benchmarks" / "build_times.py"]
    offenders = []
    for path in sources:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "mkdocs" in line and re.search(r"(?<![\w-])(-q|--quiet)\b", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, offenders
    # The pattern does find the flag where it is used.
    assert re.search(r"(?<![\w-])(-q|--quiet)\b", "mkdocs build --strict -q")
