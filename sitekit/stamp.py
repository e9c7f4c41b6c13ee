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
why: `# local: <why>` right above its `def`. A private helper defined in two
snippet files is either shared this way or local in each, so no copy is left
unchecked.

A whole snippet file can be stamped the same way, its path (under snippets/)
in place of the name: `# stamp: special/erf.py` copies that file from its
first statement after the docstring (GELU's erf machinery is shown as its own
block, while gelu.py still runs alone); and one function of another snippet
file: `# stamp: layers/dense.py:dense_forward` (the MLP reuses the layers).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "snippets/_shared.py"

_NAME = r"[\w/]+(?:\.py(?::\w+)?)?"  # helper, file.py, or file.py:function
_BEGIN = re.compile(rf"^# stamp: ({_NAME})")
_END = re.compile(rf"^# end stamp: ({_NAME})\s*$")
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


def file_body(path: Path) -> str:
    """A stamped file's text: everything after its module docstring."""
    text = path.read_text(encoding="utf-8")
    body = ast.parse(text).body
    start = body[1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else body[0]
    return "".join(text.splitlines(keepends=True)[start.lineno - 1 :])


def function_text(path: Path, name: str) -> str | None:
    """The text of a top-level function of a snippet file, def to last line."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return "".join(lines[node.lineno - 1 : node.end_lineno])
    return None


def sources(root: Path = ROOT) -> dict[str, str]:
    """The text of every stampable name: shared helpers, and the files and
    functions of other snippet files stamped somewhere."""
    found = helpers(root)
    for path in sorted((root / "snippets").rglob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            begin = _BEGIN.match(line)
            if not begin or ".py" not in begin.group(1):
                continue
            file, _, function = begin.group(1).partition(":")
            source = root / "snippets" / file
            if not source.is_file():
                continue
            text = function_text(source, function) if function else file_body(source)
            if text is not None:
                found[begin.group(1)] = text
    return found


def source_of(name: str) -> str:
    """Where a stamped name comes from, as the markers and messages say it."""
    return f"snippets/{name.partition(':')[0]}" if ".py" in name else SOURCE


def begin_marker(name: str) -> str:
    return f"# stamp: {name}, from {source_of(name)} (python -m sitekit.stamp)\n"


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
        # A stamped file holds stamps of its own: its end is the one that names it.
        ends = (j for j in range(i + 1, len(lines)) if _END.match(lines[j]))
        if ".py" in name:
            ends = (j for j in ends if _END.match(lines[j]).group(1) == name)
        end = next(ends, None)
        if name not in shared or end is None or _END.match(lines[end]).group(1) != name:
            problems.append(f"{where}:{i + 1}: stamp {name} has no source in {source_of(name)} or no matching end marker")
            out.append(lines[i])
            i += 1
            continue
        copy = "".join(lines[i : end + 1])
        fresh = begin_marker(name) + shared[name] + lines[end]
        if copy != fresh:
            problems.append(f"{where}:{i + 1}: {name} differs from {source_of(name)}")
        out.append(fresh)
        i = end + 1
    return "".join(out), problems


def unshared(texts: dict[str, str]) -> list[str]:
    """Private helpers defined, outside stamp markers and without a `# local:`
    line, in more than one file: copies that nothing keeps equal."""
    places: dict[str, list[str]] = {}
    for where, text in texts.items():
        lines = text.splitlines()
        depth = 0
        for i, line in enumerate(lines):
            depth += bool(_BEGIN.match(line)) - bool(_END.match(line))
            name = _DEF.match(line)
            if depth or not name or not name.group(1).startswith("_"):
                continue
            if not (i and lines[i - 1].startswith("# local:")):
                places.setdefault(name.group(1), []).append(f"{where}:{i + 1}")
    return [
        f"{found[0]}: {name} is also defined in {', '.join(found[1:])}: share it in {SOURCE}"
        " or say why each differs on a '# local:' line above its def"
        for name, found in sorted(places.items())
        if len(found) > 1
    ]


def run(root: Path = ROOT, check: bool = False) -> list[str]:
    """Stamp (or, with check, only compare) every snippet file; the problems found."""
    # A stamped file may hold stamped helpers: when stamping, a second pass
    # carries the file's fresh helpers into the files that stamp it.
    if not check:
        _stamp_all(root)
    return _stamp_all(root, check)


def _stamp_all(root: Path, check: bool = False) -> list[str]:
    shared = sources(root)
    problems: list[str] = []
    texts: dict[str, str] = {}
    for path in sorted((root / "snippets").rglob("*.py")):
        where = path.relative_to(root).as_posix()
        if where == SOURCE:
            continue
        text = path.read_text(encoding="utf-8")
        new, found = stamped(text, shared, where)
        problems += found
        texts[where] = new
        if not check and new != text:
            path.write_text(new, encoding="utf-8")
    return problems + unshared(texts)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    problems = run(check=check)
    for problem in problems:
        print(problem)
    # Without --check the differing copies are now rewritten; only what could
    # not be stamped (a definition outside markers, a broken marker) remains.
    left = problems if check else [p for p in problems if " differs from " not in p]
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
