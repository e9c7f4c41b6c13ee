"""docs/contributing.md, followed to the letter: its "Add an activation" steps
add a throwaway function, the bent identity f(x) = (sqrt(x^2 + 1) - 1)/2 + x,
to a copy of the repository (the files `git ls-files` lists, tracked or new),
and the guide's "Run the checks" commands, for that name, must pass there:
the stamp, the catalogue, the derivation and formula checkers, the tests
restricted to the name, and `mkdocs build --strict`. (The last command, the
whole suite, is left out: CI runs it, and it would run this test too.)
A second copy gets the mistake its page warns about, a derivative missing
its halving: the tests must fail naming `bent_identity_grad`, and the
derivation check, which the build runs on every page, must fail naming the
page's line and the snippet file. (The build itself is not run again: a new
snippet changes the cache's fingerprint, so each build here is nearly cold,
and tests/test_build.py already shows this check failing the build.)

The steps live in STEPS below, one entry per numbered step of the guide,
matched against the guide by title and file: a guide that names a file this
test does not write, or the reverse, fails before anything is built.

The copy's build starts from a copy of a warm cache (what a new snippet does
not invalidate: exact values, drawings, typeset formulas): the folder named
by BC_WARM_CACHE if set, else this test session's cache; never the project's.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitebuild import build_env, cache_dir

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "contributing.md"
EXAMPLE = "softclip"  # the name the guide's steps and commands use
NAME = "bent_identity"


# ---------------------------------------------------------------- the files the steps write

SNIPPET = '''\
# Bent identity, (sqrt(x^2 + 1) - 1) / 2 + x, and its derivative.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


# stamp: _as_float
# end stamp: _as_float


def bent_identity(x):
    """(sqrt(x^2 + 1) - 1) / 2 + x, with no cancellation near 0."""
    x = _as_float(x)
    h = np.hypot(x, 1)  # sqrt(x^2 + 1) without overflow
    u = np.minimum(np.abs(x), 1)  # |x| where it is used: no overflow
    # Near 0, h - 1 cancels; u^2 / (h + 1) is the same number.
    bend = np.where(u < 1, u * u / (h + 1), h - 1) / 2
    # -inf gives inf - inf; past 1.2e308 the exact value exceeds the largest float.
    with np.errstate(invalid="ignore", over="ignore"):
        y = np.where(np.isinf(x), x, bend + x)
    return y.astype(x.dtype, copy=False)[()]
# --8<-- [end:forward]


# --8<-- [start:grad]
def bent_identity_grad(x):
    """x / (2 sqrt(x^2 + 1)) + 1, which tends to 1/2 and 3/2 at -inf and inf."""
    x = _as_float(x)
    with np.errstate(invalid="ignore"):  # inf / inf at x = +-inf
        ratio = np.where(np.isinf(x), np.sign(x), x / np.hypot(x, 1))
    return (ratio / 2 + 1).astype(x.dtype, copy=False)[()]
# --8<-- [end:grad]


# --8<-- [start:naive]
def bent_identity_naive(x):
    """The definition as written, kept to show where it fails."""
    x = _as_float(x)
    return (np.sqrt(x * x + 1) - 1) / 2 + x
# --8<-- [end:naive]
'''

# The mistake the page's "Common mistakes" names, put into the snippet.
RIGHT_GRAD, WRONG_GRAD = "return (ratio / 2 + 1)", "return (ratio + 1)"

SHORT = '''\
import numpy as np


def bent_identity(x):
    """(sqrt(x^2 + 1) - 1) / 2 + x; near 0, h - 1 = x^2 / (h + 1)."""
    x = np.asarray(x)
    h = np.hypot(x, 1)
    u = np.minimum(np.abs(x), 1)  # |x| where it is used: no overflow
    bend = np.where(u < 1, u * u / (h + 1), h - 1) / 2
    with np.errstate(invalid="ignore", over="ignore"):  # -inf; |f| > max
        return np.where(np.isinf(x), x, bend + x)


def bent_identity_grad(x):
    """x / (2 sqrt(x^2 + 1)) + 1."""
    x = np.asarray(x)
    with np.errstate(invalid="ignore"):  # inf / inf
        ratio = np.where(np.isinf(x), np.sign(x), x / np.hypot(x, 1))
    return ratio / 2 + 1
'''

ENTRY = '''\
    Activation(
        "bent_identity", (sp.sqrt(x**2 + 1) - 1) / 2 + x,
        latex=r"f(x) = \\frac{\\sqrt{x^{2}+1}-1}{2} + x",
    ),
'''

PAGE = r'''# Bent identity

## Definition

The bent identity adds a smooth bend to the identity:

\[
f(x) = \frac{\sqrt{x^{2}+1}-1}{2} + x.
\]

Symbols follow the [notation page](../notation.md).
It is smooth and increasing.

## Plot

```python exec="on" html="true" session="bent_identity"
--8<-- "activations/bent_identity.py:forward"
--8<-- "activations/bent_identity.py:grad"
from sitekit.plots import plot_activation

print(plot_activation("bent_identity", bent_identity, bent_identity_grad, lo=-4, hi=4))
```

## Derivative

\[
f'(x) = \frac{x}{2\sqrt{x^{2}+1}} + 1.
\]

??? success "Derivation, step by step"

    Differentiate the two terms:

    \begin{align}
    \frac{d}{dx}\left(\frac{\sqrt{x^{2}+1}-1}{2} + x\right) &= \frac{1}{2} \cdot \frac{2x}{2\sqrt{x^{2}+1}} + 1 \\
    &= \frac{x}{2\sqrt{x^{2}+1}} + 1.
    \end{align}

## Implementation

```python exec="on" source="above" session="bent_identity-short"
--8<-- "activations/short/bent_identity.py"
```

```python exec="on"
from sitekit.accuracy import short_contract

print(short_contract("bent_identity"))
```

??? note "Exact version"

    ```python exec="on" source="above" session="bent_identity-code" title="bent_identity.py: forward"
    --8<-- "activations/bent_identity.py:forward"
    ```

    ```python exec="on" source="above" session="bent_identity-code" title="bent_identity.py: grad (continues bent_identity.py: forward)"
    --8<-- "activations/bent_identity.py:grad"
    ```

## Numerics: naive vs stable

The definition as written:

```python exec="on" source="above" session="bent_identity" title="bent_identity.py: naive (continues bent_identity.py: grad)"
--8<-- "activations/bent_identity.py:naive"
```

```python exec="on" session="bent_identity"
from sitekit.oracle import Oracle
from sitekit.tables import value_table

exact = Oracle("bent_identity")
print(value_table(
    [-1e200, -1e-9, 1e-9, 1e200],
    [("bent_identity_naive(x)", bent_identity_naive), ("bent_identity(x)", bent_identity)],
    exact=("exact, 50 digits", lambda x: exact("f", x)),
))
```

## Convention at kinks

None: the bent identity is smooth on the whole real line.

## Common mistakes

**1. Dropping the halving of the square root's slope.**
The build compares each candidate with central finite differences:

```python exec="on" session="bent_identity"
from sitekit.tables import derivative_check_table

print(derivative_check_table(
    bent_identity,
    [("x / sqrt(x² + 1) + 1", lambda x: x / np.sqrt(x * x + 1) + 1), ("bent_identity_grad(x)", bent_identity_grad)],
    [-2.0, -0.5, 0.3, 1.0, 3.0],
))
```

## Verified by

- `tests/test_activations.py`: `bent_identity` and `bent_identity_grad` against the oracle.
'''


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _insert(path: Path, anchor: str, text: str, before: bool = True) -> None:
    """Put `text` next to the one occurrence of `anchor` in `path`."""
    source = path.read_text(encoding="utf-8")
    assert source.count(anchor) == 1, (
        f"{path.name}: {anchor!r} occurs {source.count(anchor)} times; the file changed shape: "
        f"update this step in tests/test_contributing.py (STEPS)")
    path.write_text(source.replace(anchor, text + anchor if before else anchor + text), encoding="utf-8")


def write_snippet(copy: Path) -> None:
    _write(copy / f"snippets/activations/{NAME}.py", SNIPPET)


def write_short(copy: Path) -> None:
    _write(copy / f"snippets/activations/short/{NAME}.py", SHORT)


def add_entry(copy: Path) -> None:
    _insert(copy / "sitekit/definitions_basic.py", "]\n", ENTRY)  # the end of the family's ENTRIES


def write_page(copy: Path) -> None:
    _write(copy / f"docs/activations/{NAME}.md", PAGE)


def add_nav_line(copy: Path) -> None:
    _insert(copy / "mkdocs.yml", "      - SwiGLU: activations/swiglu.md\n",
            f"      - Bent identity: activations/{NAME}.md\n", before=False)


# The guide's numbered steps, in its order: (title, the file it creates or
# edits, with {name} for the function's name, and what this test does for it).
STEPS = [
    ("The code", "snippets/activations/{name}.py", write_snippet),
    ("The block a reader copies", "snippets/activations/short/{name}.py", write_short),
    ("The registry entry", "sitekit/definitions_basic.py", add_entry),
    ("The page", "docs/activations/{name}.md", write_page),
    ("The navigation", "mkdocs.yml", add_nav_line),
]


# ---------------------------------------------------------------- reading the guide

def section(text: str, heading: str) -> str:
    """The text under `## heading`, up to the next `## `."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"docs/contributing.md: no section '## {heading}'"
    return match.group(1)


def guide_steps(text: str) -> list[tuple[str, str]]:
    """(title, file) of each numbered step of "Add an activation": the first
    file named on the step's first line, `N. **Title**: ... `path` ...`."""
    steps = []
    for match in re.finditer(r"^\d+\. \*\*(.+?)\*\*:(.*)$", section(text, "Add an activation"), re.M):
        files = re.findall(r"`([\w./-]+\.(?:py|md|yml))`", match.group(2))
        steps.append((match.group(1), files[0].replace(EXAMPLE, "{name}") if files else ""))
    return steps


def step_mismatch(text: str) -> list[str]:
    """What differs between the guide's steps and STEPS, one line each."""
    ours = [(title, path) for title, path, _ in STEPS]
    theirs = guide_steps(text)
    if ours == theirs:
        return []
    return ([f"the guide has {t!r} ({p}), which STEPS lacks" for t, p in theirs if (t, p) not in ours]
            + [f"STEPS has {t!r} ({p}), which the guide lacks" for t, p in ours if (t, p) not in theirs]
            or [f"the same steps in another order: guide {theirs}, STEPS {ours}"])


def guide_commands(text: str) -> list[str]:
    """The commands of the guide's "Run the checks" block, for the new name."""
    block = re.search(r"```sh\n(.*?)```", section(text, "Run the checks"), re.S)
    assert block, "docs/contributing.md: no ```sh block under '## Run the checks'"
    return [line.strip().replace(EXAMPLE, NAME) for line in block.group(1).splitlines() if line.strip()]


WHOLE_SUITE = "python -m pytest"


def argv(command: str, site: Path) -> list[str]:
    """A guide command as this test runs it: this Python, and the build into `site`."""
    words = shlex.split(command)
    if words[0] == "python":
        words[0] = sys.executable
    elif words[0] == "mkdocs":
        words = [sys.executable, "-m", "mkdocs", *words[1:]]
    if "mkdocs" in words and "build" in words:
        words += ["-d", str(site)]
    if "pytest" in words:
        # -n 0: one process (the copy's pytest-xdist workers would each collect the whole suite again).
        words += ["-q", "-p", "no:cacheprovider", "-n", "0"]
    return words


# ---------------------------------------------------------------- the fast checks

def test_the_guides_steps_are_the_ones_this_test_takes():
    mismatch = step_mismatch(GUIDE.read_text(encoding="utf-8"))
    assert not mismatch, ("docs/contributing.md, '## Add an activation': " + "; ".join(mismatch)
                          + ": change the guide and STEPS in tests/test_contributing.py together")


def test_a_step_the_test_does_not_take_is_reported():
    """The match can fail: a step added to the guide, or a step's file changed."""
    text = GUIDE.read_text(encoding="utf-8")
    steps = re.findall(r"^\d+\. \*\*.*$", section(text, "Add an activation"), re.M)
    added = text.replace(steps[-1], "9. **The registry**: one entry in `sitekit/registry.py`.\n" + steps[-1], 1)
    assert step_mismatch(added) == ["the guide has 'The registry' (sitekit/registry.py), which STEPS lacks"]
    moved = text.replace(steps[0], "1. **The code**: `snippets/softclip.py`.", 1)
    assert "STEPS has 'The code' (snippets/activations/{name}.py), which the guide lacks" in step_mismatch(moved)


def test_the_guide_ends_with_the_whole_suite():
    commands = guide_commands(GUIDE.read_text(encoding="utf-8"))
    assert commands[-1] == WHOLE_SUITE, f"docs/contributing.md: the last command to run is {commands[-1]!r}"
    assert any(c.startswith("mkdocs build --strict") for c in commands)
    assert any(c.startswith("python -m pytest ") and f"-k {NAME}" in c for c in commands)


@pytest.mark.claim("contributing.md", "its short block may have at most 25 code lines")
def test_a_vector_functions_short_block_may_be_longer():
    import test_short_blocks
    from sitekit.catalogue import VECTOR_FUNCTIONS

    assert {test_short_blocks.max_code_lines(name) for name in VECTOR_FUNCTIONS} == {25}


# ---------------------------------------------------------------- the guide, followed

def copy_repository(to: Path) -> Path:
    """The files of the repository, tracked or new (not ignored), as they are now."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is listed too
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, to / name)
    return to


def _copy_unless_gone(source: str, to: str) -> None:
    # Another pytest-xdist worker's build may rename its temporary file away meanwhile.
    try:
        shutil.copy2(source, to)
    except FileNotFoundError:
        pass


def warm_cache(to: Path) -> Path:
    source = Path(os.environ.get("BC_WARM_CACHE") or cache_dir())
    if source.is_dir():
        shutil.copytree(source, to, dirs_exist_ok=True, copy_function=_copy_unless_gone)
    to.mkdir(parents=True, exist_ok=True)
    return to


def run(words: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)


def shown(command: str, result: subprocess.CompletedProcess) -> str:
    return f"`{command}` exited {result.returncode}:\n{(result.stdout + result.stderr)[-4000:]}"


@pytest.mark.slow
def test_the_guide_adds_an_activation(site, tmp_path, record_property):
    # `site`: the session's build comes first, so the cache copied below is warm
    # and the copy's build recomputes what the new activation changes, not all.
    started = time.perf_counter()
    text = GUIDE.read_text(encoding="utf-8")
    assert not step_mismatch(text), step_mismatch(text)
    commands = guide_commands(text)
    assert commands[-1] == WHOLE_SUITE
    commands = commands[:-1]

    project = copy_repository(tmp_path / "project")
    for _, _, take in STEPS:
        take(project)
    env = build_env(BC_CACHE_DIR=str(warm_cache(tmp_path / "cache")))
    # The stamp writes the shared helpers into the new snippet: every other
    # command reads the stamped file, and the faulty copy starts from it.
    first, *checks = commands
    assert first == "python -m sitekit.stamp", f"docs/contributing.md: the checks start with {first!r}"
    stamped = run(argv(first, tmp_path / "site"), project, env)
    assert stamped.returncode == 0, shown(first, stamped)
    assert "def _as_float" in (project / f"snippets/activations/{NAME}.py").read_text()

    faulty = tmp_path / "faulty"
    shutil.copytree(project, faulty)
    snippet = faulty / f"snippets/activations/{NAME}.py"
    assert snippet.read_text().count(RIGHT_GRAD) == 1
    snippet.write_text(snippet.read_text().replace(RIGHT_GRAD, WRONG_GRAD))

    # The build takes longest: it runs beside the other commands.
    build_command = next(c for c in checks if c.startswith("mkdocs build"))
    building = subprocess.Popen(argv(build_command, tmp_path / "site"), cwd=project, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for command in (c for c in checks if c != build_command):
            result = run(argv(command, tmp_path / "site"), project, env)
            assert result.returncode == 0, shown(command, result)
        derivations = next(c for c in checks if "sitekit.derivations" in c)
        result = run(argv(derivations, tmp_path / "site"), faulty, env)
        page = f"docs/activations/{NAME}.md"
        assert result.returncode != 0 and re.search(
            rf"{re.escape(page)}:\d+: .*{NAME}_grad\(x\) of snippets/activations/{NAME}\.py", result.stdout), (
            f"a wrong derivative passed `{derivations}`:\n{result.stdout[-3000:]}")
        tests = next(c for c in checks if c.startswith("python -m pytest"))
        result = run(argv(tests, tmp_path / "site") + ["-x"], faulty, env)
        # The first failure names the function, or the file and which derivative (test_accuracy_at_hard_points).
        assert result.returncode == 1 and re.search(
            rf"{NAME}_grad|snippets/activations/{NAME}\.py: grad ", result.stdout), (
            f"a wrong derivative was not named by `{tests}`:\n{result.stdout[-3000:]}")
        log, _ = building.communicate(timeout=1200)
    finally:
        if building.poll() is None:
            building.kill()
            building.wait()
        building.stdout.close()  # else a failed run leaves the pipe to the garbage collector (a warning, later)
    assert building.returncode == 0, f"`{build_command}` in the copy failed:\n{log[-4000:]}"
    built = (tmp_path / "site" / "activations" / NAME / "index.html").read_text(encoding="utf-8")
    assert "✓ checked" in built and "Bent identity" in built
    record_property("seconds", round(time.perf_counter() - started, 1))
