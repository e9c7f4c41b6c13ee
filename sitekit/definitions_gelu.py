"""Registry entries of the gelu family of activations (GELU, its tanh
approximation, PReLU, RReLU): same contract and sources as
sitekit/definitions_basic.py; sitekit/entries.py documents the fields."""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy import special

from sitekit.entries import Activation, Framework, Kink, x

_alpha, _lower, _upper = (sp.Symbol(n, real=True) for n in ("alpha", "lower", "upper"))
_SQRT_2_OVER_PI = np.sqrt(2 / np.pi)


def _gelu_tanh_grad(x):
    t = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)


ENTRIES: list[Activation] = [
    Activation(
        "gelu",
        # The definition as written: the oracle evaluates 1 + erf(u) as erfc(-u), which does not cancel.
        x / 2 * (1 + sp.erf(x / sp.sqrt(2))),
        # The minimum of GELU: f' = Phi(x) + x phi(x) changes sign there.
        grad_roots=(-0.7517915246935645,),
        latex=r"\operatorname{GELU}(x) = x\,\Phi(x) = \frac{x}{2}\left(1+\operatorname{erf}\left(\frac{x}{\sqrt{2}}\right)\right)",
        torch=Framework("F.gelu(approximate='none')"), jax=Framework("jax.nn.gelu(approximate=False)"),
        keras="gelu(approximate=False)",
        references={"f": [("x * scipy ndtr(x)", lambda x: x * special.ndtr(x))],
                    "grad": [("ndtr + x φ",
                              lambda x: special.ndtr(x) + x * np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi))]},
        aliases=("GELU",),
        self_gated=True,
    ),
    Activation(
        "gelu_tanh",
        x / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + sp.Rational(44715, 10**6) * x**3))),
        # The minimum: as for gelu, f' changes sign there.
        grad_roots=(-0.7524614220710163,),
        latex=r"f(x) = \frac{x}{2}\left(1+\tanh\left(\sqrt{2/\pi}\,\left(x+0.044715\,x^{3}\right)\right)\right)",
        torch=Framework("F.gelu(approximate='tanh')"), jax=Framework("jax.nn.gelu (default approximate=True)"),
        keras="gelu(approximate=True)",
        references={"f": [("tanh formula",
                           lambda x: 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3))))],
                    "grad": [("tanh-formula slope", _gelu_tanh_grad)]},
        self_gated=True,
    ),
    Activation(
        "prelu",
        sp.Piecewise((_alpha * x, x < 0), (x, True)),
        {"alpha": 0.25},
        # alpha is learned: any real value, negative and above 1 included.
        {"alpha": (0.0, -0.5, 1.5)},
        kinks=(
            Kink(
                0.0,
                value=None,
                grad="alpha",
                why="any value between the two slopes is a subgradient; we take the left slope, alpha, "
                "as PyTorch does; the derivative in alpha, min(0, x), is 0 there from both sides",
                pytorch="torch.nn.functional.prelu: alpha (the weight) at x = 0; its backward kernel tests "
                "input > 0 and returns weight * grad otherwise, and 0 for the weight's gradient",
                jax="no jax.nn.prelu; jax.nn.leaky_relu(x, alpha) returns 1 at x = 0",
            ),
        ),
        latex=r"\operatorname{PReLU}(x) = \max(0, x) + \alpha \min(0, x)",
        torch=Framework("F.prelu", "torch.nn.functional.prelu",
                        lambda torch: lambda x, alpha: torch.nn.functional.prelu(x, torch.tensor([alpha], dtype=x.dtype))),
        references={"f": [("np.maximum(x, 0.25x)", lambda x: np.maximum(x, 0.25 * x))],
                    "grad": [("np.where(x > 0, 1, 0.25)", lambda x: np.where(x > 0, 1.0, 0.25).astype(x.dtype))]},
        aliases=("PReLU",),
    ),
    Activation(
        "rrelu",
        # At evaluation RReLU is a leaky ReLU with the mean of its random slopes.
        sp.Piecewise(((_lower + _upper) / 2 * x, x < 0), (x, True)),
        {"lower": 1 / 8, "upper": 1 / 3},
        # No samples: the slope at the kink, (lower + upper) / 2, is not one
        # parameter, and a Kink states a number or a parameter's name.
        kinks=(
            Kink(
                0.0,
                value=None,
                grad=(1 / 8 + 1 / 3) / 2,
                why="at evaluation any value between the mean slope (lower + upper) / 2 and 1 is a "
                "subgradient; we take the left slope, the mean slope, as PyTorch does (in training, "
                "the slope drawn for that element)",
                pytorch="torch.nn.functional.rrelu(training=False): (lower + upper) / 2 at x = 0, from "
                "leaky_relu_backward with that slope; with training=True the slope drawn for that element",
                jax="no RReLU in jax.nn",
            ),
        ),
        latex=r"f(x) = \max(0, x) + \frac{l+u}{2} \min(0, x)",
        torch=Framework("F.rrelu", "torch.nn.functional.rrelu (training=False)",
                        lambda torch: lambda x, lower, upper, **_: torch.nn.functional.rrelu(x, lower, upper,
                                                                                            training=False)),
        references={"f": [("np.maximum(x, ax)", lambda x: np.maximum(x, (1 / 8 + 1 / 3) / 2 * x))],
                    "grad": [("np.where(x > 0, 1, a)",
                              lambda x: np.where(x > 0, 1.0, (1 / 8 + 1 / 3) / 2).astype(x.dtype))]},
        aliases=("RReLU",),
        parameter_aliases={"l": "lower", "u": "upper"},
    ),
]
