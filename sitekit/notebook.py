"""Write the site's notebooks from their sources, with the snippets inlined.

A notebook's source is a Markdown file in sitekit/notebooks/: its text becomes
Markdown cells, each ```python fence a code cell. A line
`--8<-- "network/mlp.py:forward"` inside a fence is replaced by that named
section of snippets/, exactly as pymdownx.snippets does on the pages, so the
notebook a reader downloads runs on its own and the snippets stay the one
source of the code. `+++` on a line of its own splits Markdown cells.

`python -m sitekit.notebook` writes docs/<path>.ipynb for every source
(the path is the source's first line, `<!-- docs/backprop/train_mlp.ipynb -->`);
`python -m sitekit.notebook --check` exits 1 if a committed notebook differs
from what its source gives (the tests run it).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sitekit" / "notebooks"
SNIPPETS = ROOT / "snippets"

_TARGET = re.compile(r"^<!--\s*(docs/\S+\.ipynb)\s*-->\s*$")
_INCLUDE = re.compile(r'^--8<--\s+"([^":]+):([\w-]+)"\s*$')
_FENCE = re.compile(r"^```(python)?\s*$")


_STAMP = re.compile(r"# (?:end )?stamp: ")
_MARKER = re.compile(r"--8<-- \[(?:start|end):[\w-]+\]")


def section_of(lines: list[str], name: str | None, *, stamps: bool = False) -> list[str]:
    """The lines of a snippet file that `--8<-- "file:name"` puts in a page (the
    whole file when name is None), without section markers, as pymdownx.snippets
    includes them. The stamp lines of shared helpers (sitekit.stamp) are for
    maintainers: dropped unless stamps=True (sitekit.hook_blocks matches the code
    markdown-exec ran, which had them)."""
    if name is not None:
        begins = [i for i, line in enumerate(lines) if f"--8<-- [start:{name}]" in line]
        ends = [i for i, line in enumerate(lines) if f"--8<-- [end:{name}]" in line]
        if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
            raise ValueError(f"no single section [{name}]")
        lines = lines[begins[0] + 1 : ends[0]]
    return [line for line in lines if not _MARKER.search(line) and (stamps or not _STAMP.match(line))]


def section(path: str, name: str) -> str:
    """The named section of a snippet file, as a notebook shows it."""
    try:
        return "\n".join(section_of((SNIPPETS / path).read_text(encoding="utf-8").splitlines(), name))
    except ValueError as error:
        raise ValueError(f"snippets/{path}: {error}") from None


def cells_of(source: str, label: str) -> list[dict]:
    cells: list[dict] = []
    markdown: list[str] = []
    code: list[str] | None = None

    def flush_markdown():
        text = "\n".join(markdown).strip("\n")
        if text:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": text})
        markdown.clear()

    for number, line in enumerate(source.splitlines(), start=1):
        if code is None:
            if _FENCE.match(line) and line.strip() != "```":
                flush_markdown()
                code = []
            elif line.strip() == "+++":
                flush_markdown()
            else:
                markdown.append(line)
            continue
        if line.strip() == "```":
            cells.append({"cell_type": "code", "execution_count": None, "metadata": {},
                          "outputs": [], "source": "\n".join(code).strip("\n")})
            code = None
            continue
        include = _INCLUDE.match(line.strip())
        if include:
            try:
                code.append(section(*include.groups()))
            except (OSError, ValueError) as error:
                raise ValueError(f"{label}:{number}: {error}") from None
        else:
            code.append(line)
    if code is not None:
        raise ValueError(f"{label}: a ```python fence is not closed")
    flush_markdown()
    return cells


def notebook(source_path: Path) -> tuple[Path, str]:
    text = source_path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    target = _TARGET.match(first)
    if not target:
        raise ValueError(f"{source_path}: first line must be <!-- docs/<path>.ipynb -->")
    cells = cells_of(rest, str(source_path.relative_to(ROOT)))
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number:02d}"  # stable ids: the same source gives the same file
        cell["source"] = cell["source"].splitlines(keepends=True)
    document = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return ROOT / target.group(1), json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for source_path in sorted(SOURCES.glob("*.md")):
        target, text = notebook(source_path)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if check:
            stale.append(f"{target.relative_to(ROOT)} differs from {source_path.relative_to(ROOT)}")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    for line in stale:
        print(f"{line}: run `python -m sitekit.notebook`")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
