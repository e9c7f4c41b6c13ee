"""Registry entries of the vector activations (softmax to SwiGLU): every fact
but the oracle, which sitekit/definitions_vector.py holds (VECTOR_DEFINITIONS)
and sitekit/registry.py looks up by name. Same sources as
sitekit/definitions_basic.py; sitekit/entries.py documents the fields."""

from __future__ import annotations

import sympy as sp

from sitekit.entries import VECTOR, Activation, Framework

ENTRIES: list[Activation] = [
    Activation(
        "softmax", kind=VECTOR,
        torch=Framework("F.softmax"), jax=Framework("jax.nn.softmax"), keras="softmax",
        indexed_aliases=("y", "p"),
    ),
    Activation(
        "log_softmax", kind=VECTOR,
        torch=Framework("F.log_softmax"), jax=Framework("jax.nn.log_softmax"), keras="log_softmax",
    ),
    Activation("softmin", kind=VECTOR, torch=Framework("F.softmin")),
    Activation("glu", kind=VECTOR, torch=Framework("F.glu"), jax=Framework("jax.nn.glu"), keras="glu"),
    Activation("swiglu", kind=VECTOR),
]


def softmax_expr(size: int) -> tuple[list[sp.Symbol], list[sp.Expr]]:
    """Symbols z_1..z_K and the K softmax outputs, straight from the definition."""
    zs = list(sp.symbols(f"z1:{size + 1}", real=True))
    total = sp.Add(*[sp.exp(z) for z in zs])  # one Add: sum() rebuilds it per term, O(K^2)
    return zs, [sp.exp(z) / total for z in zs]
