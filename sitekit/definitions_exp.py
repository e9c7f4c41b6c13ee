"""Registry entries of the exp family of activations (ELU, SELU, CELU,
softsign, log-sigmoid, mish): same contract and sources as
sitekit/definitions_basic.py; sitekit/entries.py documents the fields."""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy import special

from sitekit.entries import Activation, Framework, Kink, x

_alpha = sp.Symbol("alpha", real=True)

# SELU's constants as exact rationals from the decimal strings of Klambauer et
# al. (2017); the snippet uses the nearest float64 of each.
SELU_ALPHA = sp.Rational("1.6732632423543772848170429916717")
SELU_SCALE = sp.Rational("1.0507009873554804934193349852946")
# The float64 constants a reader's reference implementation uses.
_ALPHA_F64, _SCALE_F64 = 1.6732632423543772, 1.0507009873554805


def _mish_grad(x):
    t = np.tanh(np.logaddexp(0, x))
    return t + x * special.expit(x) * (1 - t * t)

ENTRIES: list[Activation] = [
    Activation(
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
        torch=Framework("F.elu", "torch.nn.functional.elu",
                        lambda torch: lambda x, alpha: torch.nn.functional.elu(x, alpha)),
        jax=Framework("jax.nn.elu", "jax.nn.elu", lambda jax: lambda x, alpha: jax.nn.elu(x, alpha)),
        keras="elu",
        references={"f": [("where(x>0, x, expm1(x))", lambda x: np.where(x > 0, x, np.expm1(x)))],
                    "grad": [("where(x>0, 1, exp(x))", lambda x: np.where(x > 0, 1.0, np.exp(x)))]},
        aliases=("ELU", "elu"),
    ),
    Activation(
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
        torch=Framework("F.selu", "torch.nn.functional.selu", lambda torch: torch.nn.functional.selu),
        jax=Framework("jax.nn.selu", "jax.nn.selu", lambda jax: jax.nn.selu),
        keras="selu",
        references={"f": [("λ where(x>0, x, α expm1(x))",
                           lambda x: _SCALE_F64 * np.where(x > 0, x, _ALPHA_F64 * np.expm1(x)))],
                    "grad": [("λ where(x>0, 1, α exp(x))",
                              lambda x: _SCALE_F64 * np.where(x > 0, 1.0, _ALPHA_F64 * np.exp(x)))]},
        aliases=("SELU", "selu"),
    ),
    Activation(
        "celu",
        # max(0, x) + min(0, alpha (e^(x/alpha) - 1)) for alpha > 0: the min
        # picks the exponential exactly when x <= 0.
        sp.Piecewise((x, x > 0), (_alpha * (sp.exp(x / _alpha) - 1), True)),
        {"alpha": 1.0},
        {"alpha": (0.7, 2.5)},
        # No kink: both branches have slope 1 at x = 0 for every alpha (C^1);
        # only f'' jumps there, from 1/alpha to 0.
        latex=r"\operatorname{CELU}(x) = \max(0, x) + \min\left(0, \alpha\,(e^{x/\alpha}-1)\right)",
        torch=Framework("F.celu", "torch.nn.functional.celu",
                        lambda torch: lambda x, alpha: torch.nn.functional.celu(x, alpha)),
        jax=Framework("jax.nn.celu", "jax.nn.celu", lambda jax: lambda x, alpha: jax.nn.celu(x, alpha)),
        keras="celu",
        references={"f": [("max(0,x)+min(0,expm1(x))", lambda x: np.maximum(0, x) + np.minimum(0, np.expm1(x)))],
                    "grad": [("where(x>0, 1, exp(x))", lambda x: np.where(x > 0, 1.0, np.exp(x)))]},
        aliases=("CELU", "celu"),
    ),
    Activation(
        "softsign",
        # x / (1 + |x|), with |x| written as its two branches so that the
        # smoothness of the overview sees the branch point at 0 (C^1: the
        # slope is 1 from both sides, f'' jumps from 2 to -2). No kink.
        sp.Piecewise((x / (1 + x), x > 0), (x / (1 - x), True)),
        latex=r"\operatorname{softsign}(x) = \frac{x}{1+|x|}",
        torch=Framework("F.softsign"), jax=Framework("jax.nn.soft_sign"), keras="softsign",
        references={"f": [("x/(1+|x|)", lambda x: x / (1 + np.abs(x)))],
                    "grad": [("1/(1+|x|)²", lambda x: 1 / (1 + np.abs(x)) ** 2)]},
        aliases=("softsign",),
    ),
    Activation(
        "logsigmoid",
        -sp.log(1 + sp.exp(-x)),
        latex=r"\log\sigma(x) = -\ln\left(1+e^{-x}\right)",
        torch=Framework("F.logsigmoid"), jax=Framework("jax.nn.log_sigmoid"), keras="log_sigmoid",
        references={"f": [("scipy log_expit", special.log_expit)],
                    "grad": [("expit(-x)", lambda x: special.expit(-x))]},
        aliases=("logsigmoid",),
    ),
    Activation(
        "mish",
        x * sp.tanh(sp.log(1 + sp.exp(x))),
        # mish' has one root, the minimum of mish (mpmath.findroot at 30 digits).
        grad_roots=(-1.1924312145154952,),
        latex=r"\operatorname{mish}(x) = x\,\tanh\left(\operatorname{softplus}(x)\right)",
        torch=Framework("F.mish"), jax=Framework("jax.nn.mish"), keras="mish",
        references={"f": [("x tanh(logaddexp(0,x))", lambda x: x * np.tanh(np.logaddexp(0, x)))],
                    "grad": [("t + x s (1-t²), t = tanh(sp)", _mish_grad)]},
        aliases=("mish",),
        self_gated=True,
    ),
]
