"""Bindings of the vector-activation pages' formulas (softmax, log-softmax, softmin, GLU, SwiGLU).

Same form as sitekit.summary_bindings, whose Binding and helpers it uses;
sitekit.summaries checks both lists.
"""

from __future__ import annotations

from sitekit.summary_bindings import Binding

BINDINGS: list[Binding] = []
