"""The faults of issue 15's fault table (tests/benchmarks/faults.py runs them):
each a `Fault` whose `inject(project, cache)` breaks a copy of the project or
of its cache as the issue describes, and returns the pattern of the line that
should report it. Sites are found by their text; one that moved raises
SystemExit naming this file (tests/test_fault_table.py injects them all).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


@dataclass
class Fault:
    name: str
    # Breaks the copy (project, cache); returns the pattern of the line that should report it.
    inject: Callable[[Path, Path], str]
    catcher: str = "build"  # "build", "serve", or a pytest node id
    survives: bool = False  # a cache fault: the build must pass and build the pristine site


# --- injecting --------------------------------------------------------------


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def replace(rel: str, old: str, new: str) -> Callable[[Path], int]:
    """Replace the first `old` in `rel`; the line it was on."""
    def edit(project: Path) -> int:
        path = project / rel
        text = path.read_text()
        index = text.find(old)
        if index < 0:
            raise SystemExit(f"{rel}: {old!r} not found: the fault cannot be injected; update {__file__}")
        path.write_text(text[:index] + new + text[index + len(old):])
        return _line_of(text, index)
    return edit


def at_line(rel: str, old: str, new: str, then: str = "") -> Callable[[Path, Path], str]:
    """A fault reported at the line it was injected on (`then`: more of the expected message)."""
    def inject(project: Path, cache: Path) -> str:
        line = replace(rel, old, new)(project)
        return rf"{re.escape(rel)}:{line}\b{then}"
    return inject


def append_block(rel: str, code: str, then: str = "") -> Callable[[Path, Path], str]:
    """An executed block at the end of a page, failing on its last line: reported at that line."""
    def inject(project: Path, cache: Path) -> str:
        path = project / rel
        text = path.read_text()
        path.write_text(f"{text}\n```python exec=\"on\"\n{code}\n```\n")
        fence = text.count(chr(10)) + 2
        return rf"{re.escape(rel)}:{fence + code.count(chr(10)) + 1}\b{then}"
    return inject


def remove_errstate(rel: str, statement: str) -> Callable[[Path, Path], str]:
    """`with np.errstate(...):` taken away, its body dedented: the overflow it hid warns."""
    def inject(project: Path, cache: Path) -> str:
        path = project / rel
        lines = path.read_text().splitlines(keepends=True)
        start = next((i for i, s in enumerate(lines) if s.strip() == statement), None)
        if start is None:
            raise SystemExit(f"{rel}: no line {statement!r}: update {__file__}")
        indent = len(lines[start]) - len(lines[start].lstrip())
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
            lines[end] = lines[end][4:] if lines[end].strip() else lines[end]
            end += 1
        del lines[start]
        path.write_text("".join(lines))
        return r"(docs/\S+\.md|" + re.escape(rel) + r"):\d+\b.*(overflow|RuntimeWarning)"
    return inject


def wrong_sigmoid_grad(project: Path) -> None:
    """sigmoid's derivative off by 1 %: its page's derivation no longer agrees (the serve fault's edit)."""
    path = project / "snippets/activations/sigmoid.py"
    text = path.read_text()
    wrong = re.sub(r"(def sigmoid_grad\(x\):.*?return )([^\n]+)", r"\g<1>1.01 * (\g<2>)", text, count=1, flags=re.S)
    if wrong == text:
        raise SystemExit(f"snippets/activations/sigmoid.py: no `def sigmoid_grad(x): ... return`: update {__file__}")
    path.write_text(wrong)


def leaky_relu(project: Path, cache: Path) -> str:
    path = project / "snippets/activations/relu.py"
    text = path.read_text()
    wrong = re.sub(r"(def relu\(x\):.*?\n    return )([^\n]+)", r"\g<1>np.where(x > 0, x, 0.01 * x)", text,
                   count=1, flags=re.S)
    if wrong == text:
        raise SystemExit(f"snippets/activations/relu.py: no `def relu(x): ... return` to break: update {__file__}")
    path.write_text(wrong)
    return r"snippets/activations/relu\.py\S*.*relu"


# --- damaging the cache -----------------------------------------------------


def _entries(cache: Path, namespace: str):
    """The cache's current entries of a namespace (key, checksum and value), as stored."""
    for path in sorted((cache / namespace).glob("*.json")):
        try:
            stored = json.loads(path.read_text())
        except ValueError:
            continue
        if isinstance(stored, dict) and {"key", "sha256", "value"} <= set(stored):
            yield path, stored


def alter(namespace: str, change: Callable) -> Callable[[Path, Path], str]:
    """Valid JSON, another value, the checksum left as it was: a hand edit."""
    def inject(project: Path, cache: Path) -> str:
        count = 0
        for path, stored in _entries(cache, namespace):
            value = change(stored["value"])
            if value != stored["value"]:
                path.write_text(json.dumps({**stored, "value": value}))
                count += 1
        if not count:
            raise SystemExit(f"no {namespace} entry in {cache} to alter")
        return rf"cache: \S*/{namespace}/\S+\.json does not match its checksum"
    return inject


def _svg(value):
    return value.replace("<svg", '<svg data-altered="1"', 1) if isinstance(value, str) else value


def _doubled_max(value):
    if isinstance(value, list):
        return [{**cell, "max": 2 * cell["max"] + 1} if isinstance(cell, dict) and "max" in cell else cell
                for cell in value]
    return value


def _doubled_exact(value):
    """Oracle values are mpmath's (sign, mantissa, exponent, bits): exponent + 1 doubles."""
    if isinstance(value, dict):
        return {k: [v[0], v[1], v[2] + 1, v[3]] if isinstance(v, list) and len(v) == 4 else v
                for k, v in value.items()}
    return value


def damaged_notebook(project: Path, cache: Path) -> str:
    entries = sorted((cache / "notebooks").glob("*/*.json"))
    if not entries:
        raise SystemExit(f"no mkdocs-jupyter entry in {cache}/notebooks")
    for path in entries:
        text = path.read_text()
        path.write_text(text[: len(text) // 2])
    return r"cache: \S*/notebooks/\S+\.json is not a notebook mkdocs-jupyter can read"


def read_only_cache(project: Path, cache: Path) -> str:
    """The project's own .cache (no BC_CACHE_DIR), warm and read-only, and a code
    change: everything is computed, nothing can be kept. The build runs in a
    user and mount namespace where .cache is bound read-only (root ignores modes)."""
    shutil.copytree(cache, project / ".cache")
    path = project / "sitekit/tables.py"
    path.write_text(path.read_text() + "\n# edited: a code change, so every result is computed again\n")
    return r"Read-only file system|\.cache\S*:\d+"


# --- tests ------------------------------------------------------------------


def drop_line(rel: str, contains: str) -> Callable[[Path, Path], str]:
    def inject(project: Path, cache: Path) -> str:
        path = project / rel
        lines = path.read_text().splitlines(keepends=True)
        # `pass` in its place keeps a body that had only this line.
        kept = [line[: len(line) - len(line.lstrip())] + "pass\n" if contains in line else line for line in lines]
        if kept == lines:
            raise SystemExit(f"{rel}: no line with {contains!r}: update {__file__}")
        path.write_text("".join(kept))
        return r"tests/\S+\.py:\d+"
    return inject


def no_cleanup(project: Path, cache: Path) -> str:
    drop_line("tests/sitebuild.py", "atexit.register(shutil.rmtree")(project, cache)
    drop_line("tests/conftest.py", "shutil.rmtree(cache_dir()")(project, cache)
    return r"tests/test_cache\.py:\d+"


HIDDEN = "docs/backprop/hidden_layers.md"
SOFTPLUS, GELU, TANH = "docs/activations/softplus.md", "docs/activations/gelu.md", "docs/activations/tanh.md"

FAULTS = [
    Fault("transposed index w_jk -> w_kj in a chain", at_line(
        HIDDEN, r"&= g'(z_{j}) \cdot \sum_{k=1}^{K} \delta_{k} \cdot w_{jk}.",
        r"&= g'(z_{j}) \cdot \sum_{k=1}^{K} \delta_{k} \cdot w_{kj}.")),
    Fault("display math: sign flipped (softplus')", at_line(
        SOFTPLUS, r"= \frac{e^{x}}{1+e^{x}} = \sigma(x), \qquad", r"= \frac{e^{x}}{1-e^{x}} = \sigma(x), \qquad")),
    Fault("display math: sign flipped (softplus' from y)", at_line(
        SOFTPLUS, r"= \frac{e^{y}-1}{e^{y}} = 1-e^{-y}.", r"= \frac{e^{y}-1}{e^{y}} = 1+e^{-y}.")),
    Fault("display math: 2 -> 3 (GELU)", at_line(
        GELU, r"= \frac{x}{2}\left(1+\operatorname{erf}", r"= \frac{x}{3}\left(1+\operatorname{erf}")),
    Fault("display math: 2 -> 3 (GELU')", at_line(
        GELU, r"= \frac{1}{2}\left(1+\operatorname{erf}", r"= \frac{1}{3}\left(1+\operatorname{erf}")),
    Fault("inline math: sign flipped (softplus - ReLU)", at_line(
        SOFTPLUS, r"= \ln\left(1+e^{-|x|}\right)\)", r"= \ln\left(1-e^{-|x|}\right)\)")),
    Fault("summary: delta recursion w_jk -> w_kj", at_line(
        HIDDEN, r"\delta_k \cdot w_{jk}.", r"\delta_k \cdot w_{kj}.")),
    Fault("summary: layered delta recursion w_jk -> w_kj", at_line(
        HIDDEN, r"\delta^{(l+1)}_k \cdot w^{(l+1)}_{jk},", r"\delta^{(l+1)}_k \cdot w^{(l+1)}_{kj},")),
    Fault("summary: matrix form without the transpose", at_line(
        HIDDEN, r"\Delta^{(l+1)} \, \bigl(W^{(l+1)}\bigr)^{\mathsf T} \Bigr)",
        r"\Delta^{(l+1)} \, \bigl(W^{(l+1)}\bigr) \Bigr)")),
    Fault("np.exp(1000.0) in an executed block (tanh.md)", append_block(
        TANH, "import numpy as np\nprint(np.exp(1000.0))")),
    Fault("overflow in a snippet (errstate removed, logsigmoid)", remove_errstate(
        "snippets/activations/logsigmoid.py", 'with np.errstate(over="ignore"):')),
    Fault("relu returns leaky ReLU", leaky_relu),
    Fault("read-only .cache plus a code change", read_only_cache, survives=True),
    Fault("corrupted mkdocs-jupyter cache entry", damaged_notebook, survives=True),
    Fault("altered JSON in plots cache entries", alter("plots", _svg), survives=True),
    Fault("altered JSON in accuracy cache entries", alter("accuracy", _doubled_max), survives=True),
    Fault("doubled oracle values in the cache", alter("oracle", _doubled_exact), survives=True),
    Fault("activation missing from the alias table (softplus)", lambda p, c: (
        replace("sitekit/definitions_basic.py", 'aliases=("softplus",),', "aliases=(),")(p),
        rf"{re.escape(SOFTPLUS)}:\d+: .*softplus")[1]),
    Fault("include of a missing snippet section", lambda p, c: (
        replace("snippets/activations/softplus.py", "[start:grad]\n", "[start:gradient]\n")(p),
        replace("snippets/activations/softplus.py", "[end:grad]\n", "[end:gradient]\n")(p),
        r"docs/\S+\.md:\d+: .*snippets/activations/softplus\.py.*\[grad\]")[2]),
    Fault("NameError at a snippet's import (softsign)", at_line(
        "snippets/activations/softsign.py", "# stamp: _as_float",
        "_SCALE = undefined_name\n\n\n# stamp: _as_float", r".*NameError")),
    Fault("bracket predicate that does not hold (gelu.md)", at_line(
        GELU, 'exact("grad", x) >= 0, -1.0, -0.5)', 'exact("grad", x) >= 0, -0.5, -0.4)',
        r".*(condition|predicate)")),
    Fault("serve: a snippet edit (wrong sigmoid') and the failing rebuild", lambda p, c: (
        r"docs/activations/sigmoid\.md:\d+:.*sigmoid_grad"), catcher="serve"),
    Fault("serve: snippets/ dropped from mkdocs.yml's watch", lambda p, c: (
        replace("mkdocs.yml", "\n  - snippets\n", "\n")(p), r"tests/test_serve\.py:\d+")[1],
        catcher="tests/test_serve.py::test_serve_watches_snippets_and_sitekit"),
    Fault("tests use the project's .cache (BC_CACHE_DIR not set)", drop_line(
        "tests/conftest.py", 'os.environ["BC_CACHE_DIR"] = str(cache_dir())'),
        catcher="tests/test_cache.py::test_the_tests_never_use_the_projects_cache"),
    Fault("a test session leaves a bc-test-cache-* folder", no_cleanup,
          catcher="tests/test_cache.py::test_a_test_run_leaves_no_cache_folder"),
]
