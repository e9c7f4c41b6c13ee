"""Stamp the shared helpers of snippets/_shared.py into the snippet files.

Every snippet file runs on its own, so it carries a copy of each shared helper
it uses, between two marker lines:

    # stamp: _as_float, from snippets/_shared.py (python -m sitekit.stamp)
    def _as_float(x):
        ...
    # end stamp: _as_float

`python -m sitekit.stamp` rewrites each copy (and its first marker line) from
the source; `python -m sitekit.stamp --check` writes nothing and exits 1,
listing file and line of every copy that differs from the source and of every
top-level definition of a shared name outside markers (the tests run it).
A variant that is not the shared helper stays local under a line that says
why: `# local: <why>` right above its `def`.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "snippets/_shared.py"

_BEGIN = re.compile(r"^# stamp: (\w+)\b")
_END = re.compile(r"^# end stamp: (\w+)\s*$")
_DEF = re.compile(r"^def (\w+)\(")


def helpers(root: Path = ROOT) -> dict[str, str]:
    """Each top-level function of the source, by name: its text, def to last line."""
    text = (root / SOURCE).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    return {
        node.name: "".join(lines[node.lineno - 1 : node.end_lineno])
        for node in ast.parse(text).body
        if isinstance(node, ast.FunctionDef)
    }


def begin_marker(name: str) -> str:
    return f"# stamp: {name}, from {SOURCE} (python -m sitekit.stamp)\n"


def stamped(text: str, shared: dict[str, str], where: str) -> tuple[str, list[str]]:
    """`text` with every stamped copy replaced by the source's, and the problems
    found in it (`where:line: ...`), each copy that differed among them."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    problems: list[str] = []
    i = 0
    while i < len(lines):
        begin = _BEGIN.match(lines[i])
        if not begin:
            name = _DEF.match(lines[i])
            # A variant kept local on purpose says why on the line above it.
            local = i > 0 and lines[i - 1].startswith("# local:")
            if name and name.group(1) in shared and not local:
                problems.append(f"{where}:{i + 1}: {name.group(1)} defined outside stamp markers")
            out.append(lines[i])
            i += 1
            continue
        name = begin.group(1)
        end = next((j for j in range(i + 1, len(lines)) if _END.match(lines[j])), None)
        if name not in shared or end is None or _END.match(lines[end]).group(1) != name:
            problems.append(f"{where}:{i + 1}: stamp {name} has no source in {SOURCE} or no matching end marker")
            out.append(lines[i])
            i += 1
            continue
        copy = "".join(lines[i : end + 1])
        fresh = begin_marker(name) + shared[name] + lines[end]
        if copy != fresh:
            problems.append(f"{where}:{i + 1}: {name} differs from {SOURCE}")
        out.append(fresh)
        i = end + 1
    return "".join(out), problems


def run(root: Path = ROOT, check: bool = False) -> list[str]:
    """Stamp (or, with check, only compare) every snippet file; the problems found."""
    shared = helpers(root)
    problems: list[str] = []
    for path in sorted((root / "snippets").rglob("*.py")):
        where = path.relative_to(root).as_posix()
        if where == SOURCE:
            continue
        text = path.read_text(encoding="utf-8")
        new, found = stamped(text, shared, where)
        problems += found
        if not check and new != text:
            path.write_text(new, encoding="utf-8")
    return problems


def main(argv: list[str]) -> int:
    check = "--check" in argv
    problems = run(check=check)
    for problem in problems:
        print(problem)
    # Without --check the differing copies are now rewritten; only what could
    # not be stamped (a definition outside markers, a broken marker) remains.
    left = problems if check else [p for p in problems if not p.endswith(f"differs from {SOURCE}")]
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
