"""What a reader might use instead of the site's snippets, for each activation.

For each function and its derivative: the library equivalent first
(scipy.special where it has one), then a NumPy one-liner, then the naive
textbook formula. The benchmark times the snippets against these, and the
accuracy page measures them against the same oracle as the snippets.
"""

from __future__ import annotations

import numpy as np
from scipy import special

SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
SQRT_2_OVER_PI = np.sqrt(2 / np.pi)


def _sig(x):
    return special.expit(x)


def _gelu_tanh_grad(x):
    t = np.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x**3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)


def _mish_grad(x):
    t = np.tanh(np.logaddexp(0, x))
    return t + x * special.expit(x) * (1 - t * t)


# name -> {"f": [(label, fn)], "grad": [(label, fn)]}; library first, then a
# NumPy one-liner, then the naive formula. Each is what a reader might use.
REFERENCES = {
    "linear": {"f": [("x * 1.0", lambda x: x * 1.0)], "grad": [("ones_like", np.ones_like)]},
    "binary_step": {"f": [("(x >= 0).astype", lambda x: (x >= 0).astype(x.dtype))],
                    "grad": [("zeros_like", np.zeros_like)]},
    "sigmoid": {"f": [("scipy expit", special.expit), ("0.5*(1+tanh(x/2))", lambda x: 0.5 * (1 + np.tanh(x / 2))),
                      ("naive 1/(1+exp(-x))", lambda x: 1 / (1 + np.exp(-x)))],
                "grad": [("s*(1-s), s = expit", lambda x: (lambda s: s * (1 - s))(special.expit(x)))]},
    "tanh": {"f": [("np.tanh", np.tanh)], "grad": [("1 - tanh²", lambda x: 1 - np.tanh(x) ** 2)]},
    "relu": {"f": [("np.maximum(x, 0)", lambda x: np.maximum(x, 0))],
             "grad": [("(x > 0).astype", lambda x: (x > 0).astype(x.dtype))]},
    "leaky_relu": {"f": [("np.maximum(x, 0.01x)", lambda x: np.maximum(x, 0.01 * x))],
                   "grad": [("np.where(x > 0, 1, 0.01)", lambda x: np.where(x > 0, 1.0, 0.01).astype(x.dtype))]},
    "softplus": {"f": [("np.logaddexp(0, x)", lambda x: np.logaddexp(0, x)),
                       ("naive log(1+exp(x))", lambda x: np.log(1 + np.exp(x)))],
                 "grad": [("scipy expit", special.expit)]},
    "swish": {"f": [("x * expit(x)", lambda x: x * special.expit(x))],
              "grad": [("s + x s (1-s)", lambda x: (lambda s: s + x * s * (1 - s))(special.expit(x)))]},
    "logsigmoid": {"f": [("scipy log_expit", special.log_expit)], "grad": [("expit(-x)", lambda x: special.expit(-x))]},
    "elu": {"f": [("where(x>0, x, expm1(x))", lambda x: np.where(x > 0, x, np.expm1(x)))],
            "grad": [("where(x>0, 1, exp(x))", lambda x: np.where(x > 0, 1.0, np.exp(x)))]},
    "selu": {"f": [("λ where(x>0, x, α expm1(x))",
                    lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)))],
             "grad": [("λ where(x>0, 1, α exp(x))", lambda x: SELU_SCALE * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(x)))]},
    "celu": {"f": [("max(0,x)+min(0,expm1(x))", lambda x: np.maximum(0, x) + np.minimum(0, np.expm1(x)))],
             "grad": [("where(x>0, 1, exp(x))", lambda x: np.where(x > 0, 1.0, np.exp(x)))]},
    "gelu": {"f": [("x * scipy ndtr(x)", lambda x: x * special.ndtr(x))],
             "grad": [("ndtr + x φ", lambda x: special.ndtr(x) + x * np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi))]},
    "gelu_tanh": {"f": [("tanh formula", lambda x: 0.5 * x * (1 + np.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x**3))))],
                  "grad": [("tanh-formula slope", _gelu_tanh_grad)]},
    "mish": {"f": [("x tanh(logaddexp(0,x))", lambda x: x * np.tanh(np.logaddexp(0, x)))],
             "grad": [("t + x s (1-t²), t = tanh(sp)", _mish_grad)]},
    "softsign": {"f": [("x/(1+|x|)", lambda x: x / (1 + np.abs(x)))],
                 "grad": [("1/(1+|x|)²", lambda x: 1 / (1 + np.abs(x)) ** 2)]},
    "hardtanh": {"f": [("np.clip(x, -1, 1)", lambda x: np.clip(x, -1, 1))],
                 "grad": [("(|x| < 1).astype", lambda x: (np.abs(x) < 1).astype(x.dtype))]},
    "relu6": {"f": [("np.clip(x, 0, 6)", lambda x: np.clip(x, 0, 6))],
              "grad": [("((0<x)&(x<6)).astype", lambda x: ((x > 0) & (x < 6)).astype(x.dtype))]},
    "hardsigmoid": {"f": [("np.clip(x/6+1/2, 0, 1)", lambda x: np.clip(x / 6 + 0.5, 0, 1))],
                    "grad": [("where(|x|<3, 1/6, 0)", lambda x: np.where(np.abs(x) < 3, 1 / 6, 0.0).astype(x.dtype))]},
    "hardswish": {"f": [("x*clip(x/6+1/2, 0, 1)", lambda x: x * np.clip(x / 6 + 0.5, 0, 1))],
                  "grad": [("where(x<-3,0,where(x>3,1,x/3+1/2))",
                            lambda x: np.where(x < -3, 0, np.where(x > 3, 1, x / 3 + 0.5)).astype(x.dtype))]},
    "softshrink": {"f": [("x - clip(x, -λ, λ)", lambda x: x - np.clip(x, -0.5, 0.5))],
                   "grad": [("(|x| > λ).astype", lambda x: (np.abs(x) > 0.5).astype(x.dtype))]},
    "hardshrink": {"f": [("where(|x|>λ, x, 0)", lambda x: np.where(np.abs(x) > 0.5, x, 0))],
                   "grad": [("(|x| > λ).astype", lambda x: (np.abs(x) > 0.5).astype(x.dtype))]},
    "threshold": {"f": [("where(x>0, x, 0)", lambda x: np.where(x > 0, x, 0))],
                  "grad": [("(x > 0).astype", lambda x: (x > 0).astype(x.dtype))]},
    "tanhshrink": {"f": [("x - tanh(x)", lambda x: x - np.tanh(x))], "grad": [("tanh²", lambda x: np.tanh(x) ** 2)]},
    "prelu": {"f": [("np.maximum(x, 0.25x)", lambda x: np.maximum(x, 0.25 * x))],
              "grad": [("np.where(x > 0, 1, 0.25)", lambda x: np.where(x > 0, 1.0, 0.25).astype(x.dtype))]},
    "rrelu": {"f": [("np.maximum(x, ax)", lambda x: np.maximum(x, (1 / 8 + 1 / 3) / 2 * x))],
              "grad": [("np.where(x > 0, 1, a)", lambda x: np.where(x > 0, 1.0, (1 / 8 + 1 / 3) / 2).astype(x.dtype))]},
}
