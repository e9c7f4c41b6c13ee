"""Views of the registry (sitekit/registry.py) under the names pages, tests
and the derivation checker imported before it existed. Nothing is defined
here: an activation's facts are its entry in a sitekit/definitions_<family>.py
file. Drop a name once nothing imports it.
"""

from __future__ import annotations

from sitekit.definitions_vector_entries import softmax_expr
from sitekit.entries import x
from sitekit.registry import ELEMENTWISE

__all__ = ["DEFINITIONS", "softmax_expr", "x"]

# The elementwise entries: what every former reader of this table expects.
DEFINITIONS = ELEMENTWISE
