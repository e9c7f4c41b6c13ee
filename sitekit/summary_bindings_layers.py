"""Bindings of the backprop and layer pages' inline formulas, and of the display
formulas whose setups sitekit.summary_bindings does not have (pooling, the
forward systems, the quoted mistakes).

Same form as sitekit.summary_bindings, whose Binding and setups it reuses;
sitekit.summaries checks every list.
"""

from __future__ import annotations

from sitekit.summary_bindings import Binding, dense_layer

_DENSE = "dense_backward"

BINDINGS: list[Binding] = [
    *(Binding(page, fragment, _DENSE, dense_layer, inline=True)
      for page in ("backprop/computational_graphs.md", "backprop/frameworks.md")
      for fragment in ("\\bar{X} =", "\\bar{W} =")),
]
