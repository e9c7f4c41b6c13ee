"""Views of the registry (sitekit/registry.py) under the names pages, tests
and the derivation checker imported before it existed. Nothing is defined
here: an activation's facts are its entry in a sitekit/definitions_<family>.py
file. Drop a name once nothing imports it.
"""

from __future__ import annotations

from sitekit.definitions_vector_entries import softmax_expr
# Definition and Kink: the committed sitekit/definitions_vector.py imports them.
from sitekit.entries import Activation as Definition
from sitekit.entries import Kink, x
from sitekit.registry import ELEMENTWISE, latex_aliases

__all__ = ["DEFINITIONS", "EXTRA_FUNCTION_ALIASES", "EXTRA_PARAMETER_ALIASES", "Definition", "Kink",
           "softmax_expr", "x"]

# The elementwise entries: what every former reader of this table expects.
DEFINITIONS = ELEMENTWISE
# The derivation checker merges these into its own tables (sitekit/derivations.py).
EXTRA_FUNCTION_ALIASES, EXTRA_PARAMETER_ALIASES, _ = latex_aliases()
