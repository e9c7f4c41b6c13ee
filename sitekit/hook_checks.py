"""The checks of a page's Markdown, run as the page renders, each problem by
page and line: every align chain, each step checked equal to the one before
it (sitekit.derivations), with the verdict written under the block; every
other display and inline formula (sitekit.formulas, exceptions declared in
formula_exceptions.py and inline_exceptions.py); the summary and matrix-form
formulas, numerically against the snippets (sitekit.summaries); every `--8<--` include (pymdownx names neither file
nor line of a missing one).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from sitekit import derivations, formulas, summaries

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"

_INCLUDE = re.compile(r'^[ \t]*--8<-- "([^"]+)"', re.M)


def check_page(markdown: str, source: str, src_uri: str) -> tuple[str, list[str]]:
    """(the Markdown with each derivation's verdict under it, the problems).
    Line numbers refer to the file, so the checks read its full text
    (`source`, front matter included)."""
    report = derivations.check_markdown(source, src_uri)
    problems = list(report.errors)
    problems += formulas.check_markdown(source, src_uri).errors
    problems += summaries.check_markdown(source, src_uri)
    missing = missing_includes(source, src_uri)
    problems += [problem for _, problem in missing]
    markdown = without_includes(markdown, {include for include, _ in missing})
    return mark_blocks(markdown, report.outcomes, src_uri), problems


def without_includes(markdown: str, includes: set[str]) -> str:
    """The page with these includes put as text lines: pymdownx would stop
    the whole build at the first missing one, and the strict build is to go
    on and report every page's problems (it fails on them at the end)."""
    return _INCLUDE.sub(lambda m: m.group(0).replace("--8<--", "missing include:") if m.group(1) in includes
                        else m.group(0), markdown)


def missing_includes(text: str, src_uri: str) -> list[tuple[str, str]]:
    """(include, problem) for each `--8<-- "file:section"` whose file or section
    does not exist: the problem by page line, file and the sections it has
    (pymdownx names neither file nor line)."""
    problems = []
    for match in _INCLUDE.finditer(text):
        where = f"docs/{src_uri}:{text.count(chr(10), 0, match.start()) + 1}"
        path, _, section = match.group(1).partition(":")
        file = SNIPPETS / path
        if not file.is_file():
            problems.append((match.group(1), f"{where}: --8<-- {match.group(1)!r}: no file snippets/{path}"))
            continue
        if not section or section.replace(":", "").replace("-", "").isdigit():
            continue  # the whole file, or a range of lines
        found = re.findall(r"--8<-- \[start:([\w-]+)\]", file.read_text(encoding="utf-8"))
        if section not in found:
            problems.append((match.group(1), f"{where}: --8<-- {match.group(1)!r}: snippets/{path} has no section "
                                             f"[{section}] (it has: {', '.join(found) or 'none'})"))
    return problems


def mark_blocks(markdown: str, outcomes, src_uri: str) -> str:
    """Put the checker's verdict under each derivation block, at its indentation."""
    blocks = derivations.extract_blocks(markdown)
    if len(blocks) != len(outcomes):  # front matter cannot hold a block
        raise RuntimeError(f"docs/{src_uri}: {len(blocks)} align blocks rendered, {len(outcomes)} checked")
    about = posixpath.relpath("about.md", posixpath.dirname(src_uri) or ".")
    lines = markdown.split("\n")
    for block, (equalities, problem) in sorted(zip(blocks, outcomes), key=lambda b: -b[0].line):
        if problem == "failed":
            continue  # the build fails on this block already
        end = block.body[-1][0]
        indent = lines[end - 1][: len(lines[end - 1]) - len(lines[end - 1].lstrip())]
        if problem is None:
            noun = "equality" if equalities == 1 else "equalities"
            text = (f'<span class="derivation-check">✓ checked</span> '
                    f"by computer: {equalities} {noun}, each line equal to the one before "
                    f"([how]({about}#derivations)).")
        else:
            text = f'<span class="derivation-check unchecked">not checked</span> {problem}.'
        lines[end:end] = ["", indent + text, ""]
    return "\n".join(lines)
