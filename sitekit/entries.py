"""The type of a registry entry: everything the site knows about one activation.

An entry is written once, in a family file (sitekit/definitions_<family>.py),
and sitekit/registry.py collects them; the tables, the tests, the oracle and
the derivation checker all read the entry. This module imports nothing of
ours, so every family file can import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable

import sympy as sp

# The variable every elementwise definition is written in.
x = sp.Symbol("x", real=True)

ELEMENTWISE, VECTOR = "elementwise", "vector"


@dataclass(frozen=True)
class Kink:
    """A point where f or f' is not defined by the formula alone."""

    at: float
    value: float | None  # f(at) returned by the snippet, when f jumps there
    grad: float | str  # f'(at) returned by the snippet, or the parameter it equals
    why: str
    pytorch: str
    jax: str


@dataclass(frozen=True)
class Framework:
    """One library's function for an activation."""

    name: str = "—"  # as readers call it (the names table); "—" where the library has none
    # The call measured at the kinks, as sitekit/framework_values.json records it.
    call: str = ""
    # The library module (torch, or jax) -> fn(x, **params); None where not measured.
    build: Callable[[ModuleType], Callable] | None = None


# A reference implementation: (label, fn) with fn(x) -> array, default parameters.
Reference = tuple[str, Callable]


@dataclass(frozen=True)
class Activation:
    """One activation function: its definition (the oracle) and every other
    fact the site states about it. The first seven fields keep the order of
    the former `Definition`, so a family file reads as it did."""

    name: str  # = the snippet file's stem, snippets/activations/<name>.py
    expr: sp.Expr | None = None  # in the symbol `x`, parameters as symbols; None for a vector function
    params: dict[str, float] = field(default_factory=dict)  # name -> default
    # Other parameter values the tests try, besides the defaults.
    samples: dict[str, tuple[float, ...]] = field(default_factory=dict)
    kinks: tuple[Kink, ...] = ()
    latex: str = ""  # the definition as shown on the page
    # Roots of f' in the scaled variable (beta * x): relative accuracy is not
    # attainable next to them, so the ULP test leaves out |beta*x - r| < 0.05.
    grad_roots: tuple[float, ...] = ()
    kind: str = ELEMENTWISE  # or VECTOR: a function of a vector, its oracle in sitekit/definitions_vector.py
    page: str = ""  # under docs/; "" means activations/<name>.md
    torch: Framework = Framework()
    jax: Framework = Framework()
    keras: str = "—"  # the name in keras.activations
    # What a reader might use instead of the snippet, for the performance and
    # accuracy pages: {"f": [...], "grad": [...]}, library first, naive last.
    references: dict[str, list[Reference]] = field(default_factory=dict)
    # LaTeX names a derivation may use for this function (\sigma, \operatorname{ReLU}, ...).
    aliases: tuple[str, ...] = ()
    # Letters this function's page uses for a parameter whose name differs: {letter: name}.
    parameter_aliases: dict[str, str] = field(default_factory=dict)
    # Subscripted letters that mean this page's vector output (y_i, p_i).
    indexed_aliases: tuple[str, ...] = ()
    # Defined as x times a gate s(x) rising from 0 to 1: a property of the
    # definition's form, stated rather than measured.
    self_gated: bool = False

    def __post_init__(self):
        if self.kind not in (ELEMENTWISE, VECTOR):
            raise ValueError(f"{self.name}: kind is {self.kind!r}; write {ELEMENTWISE!r} or {VECTOR!r}")
        if (self.expr is None) != (self.kind == VECTOR):
            raise ValueError(f"{self.name}: an elementwise entry needs `expr` (its SymPy definition); "
                             f"a vector entry has none (its oracle is in sitekit/definitions_vector.py)")
        if not self.page:
            object.__setattr__(self, "page", f"activations/{self.name}.md")

    def symbols(self) -> dict[str, sp.Symbol]:
        return {name: sp.Symbol(name, real=True) for name in self.params}

    def with_params(self, **values: float) -> sp.Expr:
        """The expression with parameters replaced by exact rationals."""
        merged = {**self.params, **values}
        return self.expr.subs(exact_values(merged))



def exact_values(values: dict[str, float]) -> dict[sp.Symbol, sp.Rational]:
    """Parameter symbols -> the exact binary value of each float (0.2 is not 1/5)."""
    return {sp.Symbol(k, real=True): sp.Rational(float(v)) for k, v in values.items()}
