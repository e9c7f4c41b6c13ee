"""Every Python block a page shows runs on its own, as a reader would run it.

Taken from the built HTML (the text the copy button copies), each block runs
as in a fresh `python -I -W error` in an empty folder (tests/fresh_python.py), and a static check makes
sure every name it uses (at module level or inside its functions) is a
builtin or defined or imported in the block itself.

A block that needs another block says so in its title, which ends in
`(continues <title>)`: the title of another block on the same page,
`<title> from <page>.md` for one on another page, or `the block above`;
several are separated by "; ". It runs after the blocks it continues
(and the blocks they continue in turn).
Build-only code (anything importing `sitekit`) is never shown.
"""

from __future__ import annotations

import ast
import builtins
import posixpath
import re
import symtable
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fresh_python import run_all

# The three tests that read the site share one parse of its pages (6 CPU-s): one worker, one cache.
pytestmark = pytest.mark.xdist_group("shown-blocks")

CONTINUES = re.compile(r"\(continues (?P<what>.+)\)\s*$")
ABOVE = "the block above"


@dataclass
class Block:
    page: str
    index: int  # position among the page's shown blocks
    title: str
    code: str

    @property
    def name(self) -> str:
        """The title without its "(continues ...)"."""
        return CONTINUES.sub("", self.title).strip()

    @property
    def label(self) -> str:
        name = f"'{self.title}'" if self.title else f"block {self.index + 1}"
        return f"{self.page}: {name}"


class _Blocks(HTMLParser):
    """The `div.highlight` blocks inside the article: title and code text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.article = 0  # depth of <article> elements we are in
        self.divs: list[bool] = []  # per open div: is it a code block
        self.in_title = self.in_code = False
        self.blocks: list[tuple[str, str]] = []
        self.title = self.code = ""

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "article":
            self.article += 1
        elif tag == "div":
            start = bool(self.article) and "highlight" in classes
            self.divs.append(start)
            if start:
                self.title = self.code = ""
        elif tag == "span" and "filename" in classes and any(self.divs):
            self.in_title = True
        elif tag == "code" and any(self.divs):
            self.in_code = True

    def handle_endtag(self, tag):
        if tag == "article":
            self.article -= 1
        elif tag == "div" and self.divs:
            if self.divs.pop():
                self.blocks.append((self.title.strip(), self.code))
        elif tag == "span":
            self.in_title = False
        elif tag == "code":
            self.in_code = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif self.in_code:
            self.code += data


def _is_python(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


@lru_cache(maxsize=None)
def shown_blocks(site: Path) -> tuple[list[Block], list[str]]:
    """The Python blocks shown on every page, and the shown non-Python ones
    (parsed once per site; the tests only read them)."""
    blocks, other = [], []
    for html in sorted(site.rglob("index.html")):
        page = html.parent.relative_to(site).as_posix() or "index"
        parser = _Blocks()
        parser.feed(html.read_text(encoding="utf-8"))
        for title, code in parser.blocks:
            if _is_python(code):
                blocks.append(Block(page, len(blocks), title, code))
            else:
                other.append((page, code))
    by_page: dict[str, int] = {}
    for b in blocks:  # index within the page
        b.index = by_page.get(b.page, 0)
        by_page[b.page] = b.index + 1
    return blocks, other


def _continued(block: Block, what: str, pages: dict[str, list[Block]]) -> Block:
    """The block named `what` ("<title>", "<title> from <page>.md" or
    "the block above") that `block` continues."""
    if what == ABOVE:
        earlier = pages[block.page][: block.index]
        assert earlier, f"{block.label} continues the block above, but none is above"
        return earlier[-1]
    page = block.page
    m = re.fullmatch(r"(?P<title>.+) from (?P<md>[\w./-]+)\.md", what)
    if m:
        what = m["title"]
        page = posixpath.normpath(posixpath.join(posixpath.dirname(block.page), m["md"]))
    named = [b for b in pages.get(page, []) if b.name == what and b is not block]
    assert named, f"{block.label} continues '{what}', which is no block title on {page}"
    return named[0]


def chain(block: Block, pages: dict[str, list[Block]]) -> list[Block]:
    """The blocks `block` continues, and the ones they continue in turn
    (several are separated by "; " in a title), then `block` itself.
    They run in page order, another page's first: two sections whose
    functions call each other's may continue each other."""
    found: list[Block] = []
    todo = [block]
    while todo:
        current = todo.pop()
        m = CONTINUES.search(current.title)
        for what in m["what"].split("; ") if m else []:
            b = _continued(current, what.strip(), pages)
            if b is not block and all(b is not f for f in found):
                found.append(b)
                todo.append(b)
    found.sort(key=lambda b: (b.page == block.page, b.page, b.index))
    return found + [block]


def undefined_names(code: str) -> set[str]:
    """Names the code uses, at module level or in any function or class body,
    that it neither defines nor imports and that are not builtins."""
    top = symtable.symtable(code, "<block>", "exec")
    defined = {s.get_name() for s in top.get_symbols()
               if s.is_assigned() or s.is_imported() or s.is_namespace()}
    known = defined | set(dir(builtins))
    missing: set[str] = set()

    def walk(table: symtable.SymbolTable, module: bool) -> None:
        for s in table.get_symbols():
            name = s.get_name()
            if module:
                if s.is_referenced() and name not in known:
                    missing.add(name)
            elif s.is_global() and s.is_referenced() and name not in known:
                missing.add(name)
        for child in table.get_children():
            walk(child, False)

    walk(top, True)
    return missing


def test_every_shown_block_runs_on_its_own(site, tmp_path, record_property):
    blocks, _ = shown_blocks(site)
    assert blocks, "no code blocks found on the site"
    pages: dict[str, list[Block]] = {}
    for b in blocks:
        pages.setdefault(b.page, []).append(b)

    failures: list[str] = []
    runs = {}
    for b in blocks:
        if re.search(r"^\s*(import|from)\s+sitekit\b", b.code, re.M):
            failures.append(f"{b.label}: shows build-only code (imports sitekit)")
            continue
        try:
            parts = chain(b, pages)
        except AssertionError as e:
            failures.append(str(e))
            continue
        code = "\n\n".join(p.code for p in parts)
        missing = undefined_names(code)
        if missing:
            failures.append(f"{b.label}: uses names it does not define: {', '.join(sorted(missing))}")
        folder = tmp_path / f"{b.page.replace('/', '_')}-{b.index}"
        folder.mkdir()
        runs[b.page, b.index] = (b.label, len(parts), code, folder)

    # Two at a time, each as `python -I -W error -c` in a fork of an interpreter that has
    # imported NumPy and scipy.special (tests/fresh_python.py): most of a fresh start is those imports.
    done = run_all([(code, folder) for _, _, code, folder in runs.values()])
    for (label, *_), run in zip(runs.values(), done):
        if run.returncode != 0:
            last = (run.stderr.strip().splitlines() or ["(no message)"])[-1]
            failures.append(f"{label}: fails under python -I -W error: {last}")
    alone = sum(1 for _, n, _, _ in runs.values() if n == 1)
    continued = len(runs) - alone
    summary = (f"{len(blocks)} shown Python blocks, {len(runs)} executed: {alone} alone, "
               f"{continued} after the blocks they continue; {len(failures)} failures")
    record_property("shown_blocks", summary)
    print(summary)
    assert not failures, summary + "\n" + "\n".join(failures)


def test_shown_blocks_are_found_where_the_page_shows_them(site):
    """The extraction itself: the sigmoid page's Implementation opens with the
    short block, whose code the test must see verbatim."""
    blocks, _ = shown_blocks(site)
    short = (Path(__file__).resolve().parent.parent / "snippets/activations/short/sigmoid.py").read_text()
    assert any(b.page == "activations/sigmoid" and b.code.strip() == short.strip() for b in blocks)


def test_blocks_left_out_are_shell_commands(site):
    """A shown block is left out only when it is not Python: then it must be
    a shell command, so a Python block with a syntax error is not skipped."""
    _, other = shown_blocks(site)
    command = re.compile(r"(pip|python|mkdocs|git|apt-get|npm|npx|cd|[A-Z_]+=\S*)\s")
    for page, code in other:
        for line in code.strip().splitlines():
            assert command.match(line), f"{page}: a block that is neither Python nor a command: {line!r}"


@pytest.mark.parametrize("code, missing", [
    ("def f(x):\n    return _helper(x)\n", {"_helper"}),
    ("import numpy as np\nx = np.ones(2)\n", set()),
    ("y = [np.sin(v) for v in range(3)]\n", {"np"}),
    ("class A:\n    def m(self):\n        return np.e\n", {"np"}),
    ("def f(x):\n    def g():\n        return x\n    return g\n", set()),
])
def test_undefined_names_sees_inside_functions(code, missing):
    assert undefined_names(code) == missing
