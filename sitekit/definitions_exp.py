"""Definitions of the exp family of activations: entries of the one table in
sitekit/definitions.py, kept in their own file so that families can be
added side by side. Same contract as the entries there."""

from __future__ import annotations

import sympy as sp  # noqa: F401

from sitekit.definitions import Definition, Kink, x  # noqa: F401

_alpha = sp.Symbol("alpha", real=True)

ENTRIES: list[Definition] = [
    Definition(
        "elu",
        sp.Piecewise((x, x > 0), (_alpha * (sp.exp(x) - 1), True)),
        {"alpha": 1.0},
        {"alpha": (0.3, 2.5)},
        kinks=(
            Kink(
                0.0,
                value=None,
                grad="alpha",
                why="the left slope alpha is the x <= 0 branch of the definition, and what PyTorch and JAX "
                "return; with alpha = 1 both slopes are 1 and f' is continuous",
                pytorch="torch.nn.functional.elu: alpha at x = 0 (its backward takes the x <= 0 branch)",
                jax="jax.nn.elu: alpha at x = 0 (the x > 0 test is false there)",
            ),
        ),
        latex=r"\operatorname{ELU}(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x}-1) & x \le 0 \end{cases}",
    ),
]

# Names a derivation may use for these functions: LaTeX name -> DEFINITIONS key.
FUNCTION_ALIASES: dict[str, str] = {"ELU": "elu", "elu": "elu"}

# Letters a page uses for a parameter whose name in DEFINITIONS differs: page -> {letter: name}.
PARAMETER_ALIASES: dict[str, dict[str, str]] = {}
