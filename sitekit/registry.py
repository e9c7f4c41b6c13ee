"""The registry: one entry per activation, everything the site knows about it.

Entries are written in the family files (sitekit/definitions_<family>.py,
one `Activation` each, fields in sitekit/entries.py) and collected here;
the overview and names tables, the conventions page, the framework
measurements, the reference implementations, the accuracy report, the
oracle, the derivation checker's LaTeX names and the tests all read them.

Adding an activation: its snippet (snippets/activations/<name>.py), its page
(docs/activations/<name>.md), its entry in a family file, its nav line in
mkdocs.yml. tests/test_registry.py checks the four agree.
"""

from __future__ import annotations

import importlib

from sitekit import (
    definitions_basic,
    definitions_exp,
    definitions_gelu,
    definitions_hard,
    definitions_vector_entries,
)
from sitekit.entries import ELEMENTWISE as _ELEMENTWISE_KIND
from sitekit.entries import VECTOR as _VECTOR_KIND
from sitekit.entries import Activation

FAMILIES = (definitions_basic, definitions_exp, definitions_gelu, definitions_hard, definitions_vector_entries)


def _collect() -> dict[str, Activation]:
    entries: dict[str, Activation] = {}
    for family in FAMILIES:
        for entry in family.ENTRIES:
            if entry.name in entries:
                raise ValueError(f"{entry.name} has two registry entries: keep the one in one "
                                 f"sitekit/definitions_*.py file and delete the other from {family.__name__}")
            entries[entry.name] = entry
    return entries


REGISTRY: dict[str, Activation] = _collect()
ELEMENTWISE: dict[str, Activation] = {n: e for n, e in REGISTRY.items() if e.kind == _ELEMENTWISE_KIND}
VECTOR: dict[str, Activation] = {n: e for n, e in REGISTRY.items() if e.kind == _VECTOR_KIND}


def vector_oracle(name: str):
    """The oracle of a vector activation, from sitekit/definitions_vector.py
    (None while that file has no VECTOR_DEFINITIONS). Imported on first use:
    that file may import the entry types, and this module must not need it
    to load."""
    if name not in VECTOR:
        raise KeyError(f"{name} is not a vector activation of the registry (sitekit/definitions_vector_entries.py)")
    module = importlib.import_module("sitekit.definitions_vector")
    return getattr(module, "VECTOR_DEFINITIONS", {}).get(name)


def latex_aliases() -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, tuple[str, ...]]]:
    """The derivation checker's tables, from the entries: FUNCTION_ALIASES
    (LaTeX name -> function), PARAMETER_ALIASES (page -> {letter: parameter})
    and INDEXED_ALIASES (page -> letters meaning its vector output)."""
    functions: dict[str, str] = {}
    for entry in REGISTRY.values():
        for alias in entry.aliases:
            if alias in functions:
                raise ValueError(f"LaTeX name {alias!r} is an alias of both {functions[alias]} and {entry.name}: "
                                 f"remove it from one entry's `aliases`")
            functions[alias] = entry.name
    parameters = {e.name: dict(e.parameter_aliases) for e in REGISTRY.values() if e.parameter_aliases}
    indexed = {e.name: e.indexed_aliases for e in REGISTRY.values() if e.indexed_aliases}
    return functions, parameters, indexed
