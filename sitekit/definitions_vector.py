"""Definitions of the vector family of activations: entries of the one table in
sitekit/definitions.py, kept in their own file so that families can be
added side by side. Same contract as the entries there."""

from __future__ import annotations

import sympy as sp  # noqa: F401

from sitekit.definitions import Definition, Kink, x  # noqa: F401

ENTRIES: list[Definition] = []

# Names a derivation may use for these functions: LaTeX name -> DEFINITIONS key.
FUNCTION_ALIASES: dict[str, str] = {}

# Letters a page uses for a parameter whose name in DEFINITIONS differs: page -> {letter: name}.
PARAMETER_ALIASES: dict[str, dict[str, str]] = {}
