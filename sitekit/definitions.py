"""The site's one table of definitions: each activation written in SymPy.

This is the oracle.
Tests differentiate these expressions with SymPy and evaluate them with
mpmath at 50 digits; they never use a snippet's own formula.
The derivation checker maps named functions (sigma, softplus, ...) to
these same expressions.

Adding an elementwise activation = a snippet file plus one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

x = sp.Symbol("x", real=True)


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
class Definition:
    name: str
    expr: sp.Expr  # in the symbol `x`, parameters as symbols
    params: dict[str, float] = field(default_factory=dict)  # name -> default
    # Other parameter values the tests try, besides the defaults.
    samples: dict[str, tuple[float, ...]] = field(default_factory=dict)
    kinks: tuple[Kink, ...] = ()
    latex: str = ""  # the definition as shown on the page
    # Roots of f' in the scaled variable (beta * x): relative accuracy is not
    # attainable next to them, so the ULP test leaves out |beta*x - r| < 0.05.
    grad_roots: tuple[float, ...] = ()

    def symbols(self) -> dict[str, sp.Symbol]:
        return {name: sp.Symbol(name, real=True) for name in self.params}

    def with_params(self, **values: float) -> sp.Expr:
        """The expression with parameters replaced by exact rationals."""
        merged = {**self.params, **values}
        return self.expr.subs(exact_values(merged))


def exact_values(values: dict[str, float]) -> dict[sp.Symbol, sp.Rational]:
    """Parameter symbols -> the exact binary value of each float (0.2 is not 1/5)."""
    return {sp.Symbol(k, real=True): sp.Rational(float(v)) for k, v in values.items()}


_c, _a, _beta = (sp.Symbol(n, real=True) for n in ("c", "negative_slope", "beta"))

DEFINITIONS: dict[str, Definition] = {
    d.name: d
    for d in [
        Definition("linear", _c * x, {"c": 1.0}, {"c": (-2.5, 0.0, 3.0)}, latex=r"f(x) = c\,x"),
        Definition(
            "binary_step",
            sp.Piecewise((0, x < 0), (1, True)),
            kinks=(
                Kink(
                    0.0,
                    value=1.0,
                    grad=0.0,
                    why="f jumps from 0 to 1; we take f(0) = 1 (Heaviside with H(0) = 1) and f' = 0 "
                    "everywhere, since the jump's 'derivative' is a Dirac delta, not a number",
                    pytorch="torch.heaviside(x, values) takes f(0) from its second argument; "
                    "autograd has no derivative for it",
                    jax="jnp.heaviside(x, 1.0) gives 1 at 0; jax.grad gives 0",
                ),
            ),
            latex=r"f(x) = \begin{cases} 0 & x < 0 \\ 1 & x \ge 0 \end{cases}",
        ),
        Definition("sigmoid", 1 / (1 + sp.exp(-x)), latex=r"\sigma(x) = \frac{1}{1+e^{-x}}"),
        Definition("tanh", sp.tanh(x), latex=r"\tanh(x) = \frac{e^{x}-e^{-x}}{e^{x}+e^{-x}}"),
        Definition(
            "relu",
            sp.Piecewise((0, x < 0), (x, True)),
            kinks=(
                Kink(
                    0.0,
                    value=None,
                    grad=0.0,
                    why="any value in [0, 1] is a subgradient at 0; 0 keeps the gradient sparse",
                    pytorch="torch.relu: 0 at x = 0",
                    jax="jax.nn.relu: 0 at x = 0",
                ),
            ),
            latex=r"\operatorname{ReLU}(x) = \max(0, x)",
        ),
        Definition(
            "leaky_relu",
            sp.Piecewise((_a * x, x < 0), (x, True)),
            {"negative_slope": 0.01},
            {"negative_slope": (0.2, 0.0)},
            kinks=(
                Kink(
                    0.0,
                    value=None,
                    grad="negative_slope",
                    why="any value between the two slopes is a subgradient; we take the left slope, "
                    "as PyTorch does",
                    pytorch="torch.nn.functional.leaky_relu: negative_slope at x = 0",
                    jax="jax.nn.leaky_relu: 1 at x = 0",
                ),
            ),
            latex=r"f(x) = \max(a x, x)\ \text{for}\ 0 \le a \le 1",
        ),
        Definition("softplus", sp.log(1 + sp.exp(x)), latex=r"\operatorname{softplus}(x) = \ln(1+e^{x})"),
        Definition("swish", x / (1 + sp.exp(-_beta * x)), {"beta": 1.0}, {"beta": (0.5, 2.0)}, grad_roots=(-1.2784645427610738,),
                   latex=r"f(x) = x\,\sigma(\beta x)"),
    ]
}


def softmax_expr(size: int) -> tuple[list[sp.Symbol], list[sp.Expr]]:
    """Symbols z_1..z_K and the K softmax outputs, straight from the definition."""
    zs = list(sp.symbols(f"z1:{size + 1}", real=True))
    total = sum(sp.exp(z) for z in zs)
    return zs, [sp.exp(z) / total for z in zs]


# Families added later live in their own files (same Definition contract);
# importing them here keeps DEFINITIONS the one table every test reads.
from sitekit import definitions_exp, definitions_gelu, definitions_hard, definitions_vector  # noqa: E402

FAMILIES = (definitions_exp, definitions_gelu, definitions_hard, definitions_vector)
EXTRA_FUNCTION_ALIASES: dict[str, str] = {}
EXTRA_PARAMETER_ALIASES: dict[str, dict[str, str]] = {}
for _family in FAMILIES:
    for _entry in _family.ENTRIES:
        if _entry.name in DEFINITIONS:
            raise ValueError(f"{_entry.name} is defined twice")
        DEFINITIONS[_entry.name] = _entry
    EXTRA_FUNCTION_ALIASES.update(_family.FUNCTION_ALIASES)
    EXTRA_PARAMETER_ALIASES.update(_family.PARAMETER_ALIASES)
