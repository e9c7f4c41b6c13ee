"""Registry entries of the first activations of the site (linear to swish).

Each entry is the function's definition in SymPy (the oracle: tests
differentiate it with SymPy and evaluate it with mpmath at 50 digits, never
the snippet's own formula) and every other fact the site states about it;
sitekit/entries.py documents the fields, sitekit/registry.py collects them.

Framework names: the PyTorch documentation of torch.nn.functional (2.x), the
jax.nn documentation (0.4 and later) and the Keras 3 list of
keras.activations. References: what a reader might use instead of the
snippet (library first, then a NumPy one-liner, then the naive formula).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy import special

from sitekit.entries import Activation, Framework, Kink, x

_c, _a, _beta = (sp.Symbol(n, real=True) for n in ("c", "negative_slope", "beta"))

ENTRIES: list[Activation] = [
    Activation(
        "linear", _c * x, {"c": 1.0}, {"c": (-2.5, 0.0, 3.0)}, latex=r"f(x) = c\,x",
        keras="linear",
        references={"f": [("x * 1.0", lambda x: x * 1.0)], "grad": [("ones_like", np.ones_like)]},
        aliases=("linear",),
    ),
    Activation(
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
        torch=Framework("torch.heaviside", "torch.heaviside(x, 1.0)",
                        lambda torch: lambda x: torch.heaviside(x, torch.tensor(1.0, dtype=x.dtype))),
        jax=Framework("jnp.heaviside", "jnp.heaviside(x, 1.0)", lambda jax: lambda x: jax.numpy.heaviside(x, 1.0)),
        references={"f": [("(x >= 0).astype", lambda x: (x >= 0).astype(x.dtype))],
                    "grad": [("zeros_like", np.zeros_like)]},
        aliases=("step",),
    ),
    Activation(
        "sigmoid", 1 / (1 + sp.exp(-x)), latex=r"\sigma(x) = \frac{1}{1+e^{-x}}",
        torch=Framework("torch.sigmoid"), jax=Framework("jax.nn.sigmoid"), keras="sigmoid",
        references={"f": [("scipy expit", special.expit), ("0.5*(1+tanh(x/2))", lambda x: 0.5 * (1 + np.tanh(x / 2))),
                          ("naive 1/(1+exp(-x))", lambda x: 1 / (1 + np.exp(-x)))],
                    "grad": [("s*(1-s), s = expit", lambda x: (lambda s: s * (1 - s))(special.expit(x)))]},
        aliases=("sigma", "sigmoid"),
    ),
    Activation(
        "tanh", sp.tanh(x), latex=r"\tanh(x) = \frac{e^{x}-e^{-x}}{e^{x}+e^{-x}}",
        torch=Framework("torch.tanh"), jax=Framework("jnp.tanh"), keras="tanh",
        references={"f": [("np.tanh", np.tanh)], "grad": [("1 - tanh²", lambda x: 1 - np.tanh(x) ** 2)]},
    ),
    Activation(
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
        torch=Framework("F.relu", "torch.relu", lambda torch: torch.relu),
        jax=Framework("jax.nn.relu", "jax.nn.relu", lambda jax: jax.nn.relu),
        keras="relu",
        references={"f": [("np.maximum(x, 0)", lambda x: np.maximum(x, 0))],
                    "grad": [("(x > 0).astype", lambda x: (x > 0).astype(x.dtype))]},
        aliases=("ReLU", "relu"),
    ),
    Activation(
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
        torch=Framework("F.leaky_relu", "torch.nn.functional.leaky_relu",
                        lambda torch: lambda x, negative_slope: torch.nn.functional.leaky_relu(x, negative_slope)),
        jax=Framework("jax.nn.leaky_relu", "jax.nn.leaky_relu",
                      lambda jax: lambda x, negative_slope: jax.nn.leaky_relu(x, negative_slope)),
        keras="leaky_relu",
        references={"f": [("np.maximum(x, 0.01x)", lambda x: np.maximum(x, 0.01 * x))],
                    "grad": [("np.where(x > 0, 1, 0.01)", lambda x: np.where(x > 0, 1.0, 0.01).astype(x.dtype))]},
        aliases=("LeakyReLU", "leakyrelu"),
        parameter_aliases={"a": "negative_slope", "alpha": "negative_slope"},
    ),
    Activation(
        "softplus", sp.log(1 + sp.exp(x)), latex=r"\operatorname{softplus}(x) = \ln(1+e^{x})",
        torch=Framework("F.softplus"), jax=Framework("jax.nn.softplus"), keras="softplus",
        references={"f": [("np.logaddexp(0, x)", lambda x: np.logaddexp(0, x)),
                          ("naive log(1+exp(x))", lambda x: np.log(1 + np.exp(x)))],
                    "grad": [("scipy expit", special.expit)]},
        aliases=("softplus",),
    ),
    Activation(
        "swish", x / (1 + sp.exp(-_beta * x)), {"beta": 1.0}, {"beta": (0.5, 2.0)},
        latex=r"f(x) = x\,\sigma(\beta x)",
        grad_roots=(-1.2784645427610738,),
        torch=Framework("F.silu"), jax=Framework("jax.nn.silu (= swish)"), keras="silu (= swish)",
        references={"f": [("x * expit(x)", lambda x: x * special.expit(x))],
                    "grad": [("s + x s (1-s)", lambda x: (lambda s: s + x * s * (1 - s))(special.expit(x)))]},
        aliases=("swish", "SiLU", "silu"),
        self_gated=True,
    ),
]
