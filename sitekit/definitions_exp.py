"""Definitions of the exp family of activations: entries of the one table in
sitekit/definitions.py, kept in their own file so that families can be
added side by side. Same contract as the entries there."""

from __future__ import annotations

import sympy as sp  # noqa: F401

from sitekit.definitions import Definition, Kink, x  # noqa: F401

_alpha = sp.Symbol("alpha", real=True)

# SELU's constants as exact rationals from the decimal strings of Klambauer et
# al. (2017); the snippet uses the nearest float64 of each.
SELU_ALPHA = sp.Rational("1.6732632423543772848170429916717")
SELU_SCALE = sp.Rational("1.0507009873554804934193349852946")

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
    Definition(
        "selu",
        sp.Piecewise((SELU_SCALE * x, x > 0), (SELU_SCALE * SELU_ALPHA * (sp.exp(x) - 1), True)),
        kinks=(
            Kink(
                0.0,
                value=None,
                grad=1.7580993408473768,
                why="the left slope lambda * alpha (the float64 nearest to it) is the x <= 0 branch of the "
                "definition and what PyTorch and JAX return; the right slope is lambda",
                pytorch="torch.nn.functional.selu: lambda * alpha at x = 0, as the float64 product of its "
                "two rounded constants, one ULP below the float64 nearest to lambda * alpha",
                jax="jax.nn.selu: lambda * alpha at x = 0, as the same product of rounded constants",
            ),
        ),
        latex=r"\operatorname{SELU}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x}-1) & x \le 0 \end{cases}",
    ),
    Definition(
        "celu",
        # max(0, x) + min(0, alpha (e^(x/alpha) - 1)) for alpha > 0: the min
        # picks the exponential exactly when x <= 0.
        sp.Piecewise((x, x > 0), (_alpha * (sp.exp(x / _alpha) - 1), True)),
        {"alpha": 1.0},
        {"alpha": (0.7, 2.5)},
        # No kink: both branches have slope 1 at x = 0 for every alpha (C^1);
        # only f'' jumps there, from 1/alpha to 0.
        latex=r"\operatorname{CELU}(x) = \max(0, x) + \min\left(0, \alpha\,(e^{x/\alpha}-1)\right)",
    ),
    Definition(
        "softsign",
        # x / (1 + |x|), with |x| written as its two branches so that the
        # smoothness of the overview sees the branch point at 0 (C^1: the
        # slope is 1 from both sides, f'' jumps from 2 to -2). No kink.
        sp.Piecewise((x / (1 + x), x > 0), (x / (1 - x), True)),
        latex=r"\operatorname{softsign}(x) = \frac{x}{1+|x|}",
    ),
    Definition(
        "logsigmoid",
        -sp.log(1 + sp.exp(-x)),
        latex=r"\log\sigma(x) = -\ln\left(1+e^{-x}\right)",
    ),
    Definition(
        "mish",
        x * sp.tanh(sp.log(1 + sp.exp(x))),
        # mish' has one root, the minimum of mish (mpmath.findroot at 30 digits).
        grad_roots=(-1.1924312145154952,),
        latex=r"\operatorname{mish}(x) = x\,\tanh\left(\operatorname{softplus}(x)\right)",
    ),
]

# Names a derivation may use for these functions: LaTeX name -> DEFINITIONS key.
FUNCTION_ALIASES: dict[str, str] = {
    "ELU": "elu",
    "elu": "elu",
    "SELU": "selu",
    "selu": "selu",
    "CELU": "celu",
    "celu": "celu",
    "softsign": "softsign",
    "logsigmoid": "logsigmoid",
    "mish": "mish",
}

# Letters a page uses for a parameter whose name in DEFINITIONS differs: page -> {letter: name}.
PARAMETER_ALIASES: dict[str, dict[str, str]] = {}
