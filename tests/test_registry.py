"""The registry (sitekit/registry.py) is the one place an activation's facts live.

Adding an activation is: its snippet, its page, its registry entry and its nav
line. These tests check the four agree, that no other module keeps a table of
per-function facts, and that the sitekit modules import each other without a
cycle. Each check is a function of its inputs, so the fault tests below feed
it a broken input and see it fail.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from sitekit import registry
from sitekit.catalogue import ACTIVATIONS, snippet_names

ROOT = Path(__file__).resolve().parent.parent
SITEKIT = ROOT / "sitekit"

# Names of the per-function tables that lived outside the registry before it
# existed; a module that assigns one of them a literal has started a second
# source of facts.
OLD_TABLES = ("DEFINITIONS", "FRAMEWORK_NAMES", "SELF_GATED", "REFERENCES", "VECTOR_FUNCTIONS", "FUNCTION_ALIASES",
              "PARAMETER_ALIASES", "INDEXED_ALIASES", "EXTRA_FUNCTION_ALIASES", "EXTRA_PARAMETER_ALIASES",
              "_torch_functions", "_jax_functions")
# Tables still written out elsewhere, each until its module reads the registry;
# the test below fails once one is gone, so the exception is removed with it.
def entry_counts() -> Counter:
    """How many entries each name has, over every family file (the registry
    itself keeps one per name, so a duplicate shows only here)."""
    return Counter(entry.name for family in registry.FAMILIES for entry in family.ENTRIES)


def snippet_entry_mismatches(snippets: list[str], counts: Counter) -> list[str]:
    problems = [f"snippets/activations/{name}.py has no registry entry: add one to a sitekit/definitions_*.py file"
                for name in snippets if counts[name] == 0]
    problems += [f"{name} has {counts[name]} registry entries: keep one" for name in counts if counts[name] > 1]
    problems += [f"registry entry {name} has no snippet: add snippets/activations/{name}.py or remove the entry"
                 for name in counts if name not in snippets]
    return problems


def nav_pages(config_text: str) -> set[str]:
    """Every page path in mkdocs.yml's nav."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    pages: set[str] = set()

    def walk(item):
        if isinstance(item, str):
            pages.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(yaml.load(config_text, Loader=Loader)["nav"])
    return pages


def page_mismatches(entries, docs: Path, nav: set[str]) -> list[str]:
    problems = []
    for entry in entries:
        if not (docs / entry.page).is_file():
            problems.append(f"{entry.name}: its page docs/{entry.page} does not exist: write it, or set the "
                            f"entry's `page`")
        if entry.page not in nav:
            problems.append(f"{entry.name}: docs/{entry.page} is not in mkdocs.yml's nav: add a line for it "
                            f"under Activations")
    return problems


def _activation_names_in(node: ast.AST, names: set[str]) -> int:
    """How many activation names a literal lists (a dict's keys or its values)."""
    def strings(nodes):
        return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    if isinstance(node, ast.Dict):
        return max(len(set(strings(node.keys)) & names), len(set(strings(node.values)) & names))
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        return len(set(strings(node.elts)) & names)
    return 0


def literal_tables(source: str, names: set[str]) -> list[tuple[int, str]]:
    """Module-level tables of per-function facts in one source file: an old
    table name given a literal (or its builder function defined), or any
    literal dict, set, list or tuple naming three or more activations."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name in OLD_TABLES:
            found.append((node.lineno, node.name))
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        # An empty literal states no fact (a placeholder some importer still reads).
        literal = isinstance(value, (ast.Dict, ast.Set, ast.List, ast.Tuple)) and bool(
            value.keys if isinstance(value, ast.Dict) else value.elts)
        for target in targets:
            label = target.id if isinstance(target, ast.Name) else ast.unparse(target)
            if literal and (label in OLD_TABLES or _activation_names_in(value, names) >= 3):
                found.append((node.lineno, label))
    return found


def module_name(path: Path, root: Path = ROOT) -> str:
    """sitekit/a/b.py -> sitekit.a.b; sitekit/a/__init__.py -> sitekit.a."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_imports(path: Path, name: str = "") -> set[str]:
    """The sitekit modules a file (module `name`) imports when it is imported:
    its top-level statements (an import inside a function runs later, on a
    loaded package), relative imports resolved against `name`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    statements = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while statements:
        node = statements.pop()
        if isinstance(node, (ast.If, ast.Try)):  # run at import time too
            statements += node.body + node.orelse + getattr(node, "finalbody", [])
            statements += [s for handler in getattr(node, "handlers", []) for s in handler.body]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if module == "sitekit" or (node.level and not node.module):
                found |= {f"{module}.{alias.name}" for alias in node.names}
            elif module.startswith("sitekit."):
                found.add(module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("sitekit.")}
    return found


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle of the import graph, once, as the list of modules around it."""
    cycles, done = [], set()

    def visit(module, path):
        if module in path:
            cycle = path[path.index(module):]
            if frozenset(cycle) not in done:
                done.add(frozenset(cycle))
                cycles.append(cycle + [module])
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, path + [module])

    for module in sorted(graph):
        visit(module, [])
    return cycles


def sitekit_graph() -> dict[str, set[str]]:
    return {module_name(p): module_imports(p, module_name(p)) for p in sorted(SITEKIT.rglob("*.py"))}


def test_every_snippet_has_one_entry_and_every_entry_a_snippet():
    assert snippet_entry_mismatches(snippet_names(), entry_counts()) == []
    assert set(registry.REGISTRY) == set(snippet_names())


def test_every_entry_has_its_page_in_the_nav():
    nav = nav_pages((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert page_mismatches(registry.REGISTRY.values(), ROOT / "docs", nav) == []


def test_vector_entries_have_their_oracles():
    """sitekit/definitions_vector.py holds the vector functions' oracles
    (VECTOR_DEFINITIONS, while it has them): one per vector entry, no other."""
    import sitekit.definitions_vector as vector

    oracles = getattr(vector, "VECTOR_DEFINITIONS", None)
    if oracles is not None:
        assert set(oracles) == set(registry.VECTOR), "sitekit/definitions_vector.py and the vector entries disagree"
        assert all(registry.vector_oracle(name) is oracles[name] for name in registry.VECTOR)
    with pytest.raises(KeyError, match="not a vector activation"):
        registry.vector_oracle("relu")


def test_no_per_function_table_outside_the_registry():
    names = set(registry.REGISTRY)
    # The registry's own files: the families, the vector oracles, the views.
    family_files = {Path(f.__file__).name for f in registry.FAMILIES} | {"registry.py", "definitions.py",
                                                                         "definitions_vector.py"}
    files = [p for p in SITEKIT.rglob("*.py") if p.name not in family_files] + sorted((ROOT / "tests").rglob("*.py"))
    found = {(p.relative_to(ROOT).as_posix(), label): line
             for p in files for line, label in literal_tables(p.read_text(encoding="utf-8"), names)
             if p.is_relative_to(SITEKIT) or label in OLD_TABLES}
    unexpected = [f"{path}:{line}: {label} lists facts per function: move them into the registry entries "
                  f"(sitekit/entries.py) and compute {label} from sitekit.registry"
                  for (path, label), line in sorted(found.items())]
    assert unexpected == []


def test_no_import_cycle_among_sitekit_modules():
    graph = sitekit_graph()
    assert "sitekit.registry" in graph and graph["sitekit.registry"], "the import parser found nothing"
    assert import_cycles(graph) == []


# Fault injection: each check above, fed a broken input.

def test_a_snippet_without_entry_or_a_duplicate_entry_is_reported():
    counts = entry_counts()
    assert snippet_entry_mismatches(snippet_names() + ["softclip"], counts) == [
        "snippets/activations/softclip.py has no registry entry: add one to a sitekit/definitions_*.py file"]
    counts["relu"] += 1
    assert snippet_entry_mismatches(snippet_names(), counts) == ["relu has 2 registry entries: keep one"]
    counts["relu"] -= 1
    assert snippet_entry_mismatches([n for n in snippet_names() if n != "relu"], counts) == [
        "registry entry relu has no snippet: add snippets/activations/relu.py or remove the entry"]


def test_a_page_missing_from_disk_or_nav_is_reported():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    without = re.sub(r"^\s*- [^:]+: activations/relu\.md\n", "", config, flags=re.M)
    assert without != config
    problems = page_mismatches(registry.REGISTRY.values(), ROOT / "docs", nav_pages(without))
    assert problems == ["relu: docs/activations/relu.md is not in mkdocs.yml's nav: add a line for it under Activations"]
    moved = page_mismatches(registry.REGISTRY.values(), ACTIVATIONS, nav_pages(config))
    assert len(moved) == len(registry.REGISTRY) and "does not exist" in moved[0]


def test_a_literal_table_is_found():
    names = set(registry.REGISTRY)
    source = ('SELF_GATED = {"swish"}\n'
              'NOTES = {"relu": 1, "elu": 2, "selu": 3}\n'
              'def _torch_functions(torch):\n    return {}\n'
              'def helper():\n    local = ("relu", "elu", "selu")\n'
              'FAMILIES = ("a", "b")\n'
              'REFERENCES: dict = {}\n')
    assert literal_tables(source, names) == [(1, "SELF_GATED"), (2, "NOTES"), (3, "_torch_functions")]


def test_an_import_cycle_is_found(tmp_path):
    package = tmp_path / "sitekit"
    (package / "p").mkdir(parents=True)
    (package / "a.py").write_text("from sitekit import b\n")
    (package / "b.py").write_text("if True:\n    from sitekit.p.c import thing\n")
    (package / "p" / "c.py").write_text("from . import d\nimport sitekit.a\n\ndef later():\n    from sitekit import e\n")
    (package / "p" / "__init__.py").write_text("from .c import thing\nfrom .. import a\n")
    graph = {module_name(p, tmp_path): module_imports(p, module_name(p, tmp_path)) for p in package.rglob("*.py")}
    assert graph["sitekit.p.c"] == {"sitekit.p.d", "sitekit.a"}
    assert graph["sitekit.p"] == {"sitekit.p.c", "sitekit.a"}
    assert import_cycles(graph) == [["sitekit.a", "sitekit.b", "sitekit.p.c", "sitekit.a"]]
