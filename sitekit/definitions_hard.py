"""Registry entries of the hard family of activations (hardtanh to
tanhshrink): same contract and sources as sitekit/definitions_basic.py;
sitekit/entries.py documents the fields.

Framework conventions at the kinks were read from the sources named in each
Kink and measured with PyTorch 2.13.0 and JAX 0.10.2 (float64, default
parameters): PyTorch's backward kernels in aten/src/ATen/native/cpu/Activation.cpp
(hardtanh_backward_kernel, hardsigmoid_backward_kernel, shrink_backward_kernel,
threshold) and its decompositions in torch/_decomp/decompositions.py; JAX's
jax/_src/nn/functions.py (hard_tanh, relu6 and its custom JVP, hard_sigmoid,
hard_silu)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from sitekit.entries import Activation, Framework, Kink, x

_min_val, _max_val = sp.Symbol("min_val", real=True), sp.Symbol("max_val", real=True)
_lambd = sp.Symbol("lambd", real=True)
_threshold, _value = sp.Symbol("threshold", real=True), sp.Symbol("value", real=True)

ENTRIES: list[Activation] = [
    Activation(
        "hardtanh",
        sp.Piecewise((_min_val, x < _min_val), (_max_val, x > _max_val), (x, True)),
        {"min_val": -1.0, "max_val": 1.0},
        # Narrower intervals only: the kinks at the defaults (x = ±1) stay
        # saturated, where the kink convention (slope 0) still holds.
        {"min_val": (-0.5, -0.65), "max_val": (0.7, 0.25)},
        kinks=(
            Kink(
                -1.0,
                value=None,
                grad=0.0,
                why="the slope is 0 on the left and 1 on the right; we take 0, the saturated side, "
                "as PyTorch does, so that df/dx + df/dmin_val + df/dmax_val = 1 holds at the kink too",
                pytorch="torch.nn.functional.hardtanh: 0 at x = min_val "
                "(hardtanh_backward passes the gradient only where min_val < x < max_val)",
                jax="jax.nn.hard_tanh: 1 at x = −1 (jnp.where(x < -1, -1, x) differentiates its x branch there)",
            ),
            Kink(
                1.0,
                value=None,
                grad=0.0,
                why="the slope is 1 on the left and 0 on the right; we take 0, the saturated side, as at x = −1",
                pytorch="torch.nn.functional.hardtanh: 0 at x = max_val",
                jax="jax.nn.hard_tanh: 1 at x = 1 (jnp.where(x > 1, 1, ...) is false there)",
            ),
        ),
        latex=r"\operatorname{hardtanh}(x) = \max\bigl(a, \min(b, x)\bigr), \quad a = \text{min\_val} \le b = \text{max\_val}",
        aliases=("hardtanh",),
        torch=Framework("F.hardtanh", "torch.nn.functional.hardtanh",
                        lambda torch: lambda x, min_val, max_val: torch.nn.functional.hardtanh(x, min_val, max_val)),
        jax=Framework("jax.nn.hard_tanh", "jax.nn.hard_tanh (min_val = −1, max_val = 1 only)",
                      lambda jax: lambda x, min_val, max_val: (jax.nn.hard_tanh(x) if (min_val, max_val) == (-1.0, 1.0)
                                                               else None)),
        keras="hard_tanh",
        references={"f": [("np.clip(x, -1, 1)", lambda x: np.clip(x, -1, 1))],
                    "grad": [("(|x| < 1).astype", lambda x: (np.abs(x) < 1).astype(x.dtype))]},
        parameter_aliases={"a": "min_val", "b": "max_val"},
    ),
    Activation(
        "relu6",
        sp.Piecewise((0, x < 0), (6, x > 6), (x, True)),
        kinks=(
            Kink(
                0.0,
                value=None,
                grad=0.0,
                why="the slope is 0 on the left and 1 on the right; we take 0, as for ReLU, "
                "which keeps the gradient sparse",
                pytorch="torch.nn.functional.relu6: 0 at x = 0 (relu6 is hardtanh(x, 0, 6) in ATen, "
                "whose backward is 0 at both bounds)",
                jax="jax.nn.relu6: 0 at x = 0 (its custom JVP passes the gradient only where 0 < x < 6)",
            ),
            Kink(
                6.0,
                value=None,
                grad=0.0,
                why="the slope is 1 on the left and 0 on the right; we take 0, the saturated side, "
                "as PyTorch and JAX do",
                pytorch="torch.nn.functional.relu6: 0 at x = 6",
                jax="jax.nn.relu6: 0 at x = 6",
            ),
        ),
        latex=r"\operatorname{ReLU6}(x) = \min\bigl(\max(0, x), 6\bigr)",
        aliases=("ReLU6", "relu6"),
        torch=Framework("F.relu6", "torch.nn.functional.relu6", lambda torch: torch.nn.functional.relu6),
        jax=Framework("jax.nn.relu6", "jax.nn.relu6", lambda jax: jax.nn.relu6),
        keras="relu6",
        references={"f": [("np.clip(x, 0, 6)", lambda x: np.clip(x, 0, 6))],
                    "grad": [("((0<x)&(x<6)).astype", lambda x: ((x > 0) & (x < 6)).astype(x.dtype))]},
    ),
    Activation(
        "hardsigmoid",
        sp.Piecewise((0, x < -3), (1, x > 3), (x / 6 + sp.Rational(1, 2), True)),
        kinks=(
            Kink(
                -3.0,
                value=None,
                grad=0.0,
                why="the slope is 0 on the left and 1/6 on the right; we take 0, the saturated side, "
                "as PyTorch and JAX do",
                pytorch="torch.nn.functional.hardsigmoid: 0 at x = −3 "
                "(hardsigmoid_backward passes grad/6 only where −3 < x < 3)",
                jax="jax.nn.hard_sigmoid: 0 at x = −3 (it is relu6(x + 3) / 6, and relu6's custom JVP is 0 at 0)",
            ),
            Kink(
                3.0,
                value=None,
                grad=0.0,
                why="the slope is 1/6 on the left and 0 on the right; we take 0, the saturated side, as at x = −3",
                pytorch="torch.nn.functional.hardsigmoid: 0 at x = 3",
                jax="jax.nn.hard_sigmoid: 0 at x = 3 (relu6's custom JVP is 0 at 6)",
            ),
        ),
        latex=r"\operatorname{hardsigmoid}(x) = \frac{\min\bigl(\max(0, x + 3), 6\bigr)}{6}",
        aliases=("hardsigmoid",),
        torch=Framework("F.hardsigmoid", "torch.nn.functional.hardsigmoid",
                        lambda torch: torch.nn.functional.hardsigmoid),
        jax=Framework("jax.nn.hard_sigmoid", "jax.nn.hard_sigmoid", lambda jax: jax.nn.hard_sigmoid),
        keras="hard_sigmoid",
        references={"f": [("np.clip(x/6+1/2, 0, 1)", lambda x: np.clip(x / 6 + 0.5, 0, 1))],
                    "grad": [("where(|x|<3, 1/6, 0)",
                              lambda x: np.where(np.abs(x) < 3, 1 / 6, 0.0).astype(x.dtype))]},
    ),
    Activation(
        "hardswish",
        sp.Piecewise((0, x < -3), (x, x > 3), (x * (x + 3) / 6, True)),
        kinks=(
            Kink(
                -3.0,
                value=None,
                grad=0.0,
                why="f' jumps from 0 on the left to −1/2 on the right; we take 0, the flat side, "
                "as PyTorch 2.13 and JAX do",
                pytorch="torch.nn.functional.hardswish: 0 at x = −3 in PyTorch 2.13 (hardswish_backward is 0 "
                "for x ≤ −3); PyTorch 2.6 returned −1/2 here (pytorch/pytorch issue #147801, fixed by PR #148049)",
                jax="jax.nn.hard_swish: 0 at x = −3 (x · hard_sigmoid(x), and hard_sigmoid's slope is 0 there)",
            ),
            Kink(
                3.0,
                value=None,
                grad=1.0,
                why="f' jumps from 3/2 on the left to 1 on the right; we take 1, the linear side, "
                "as PyTorch 2.13 and JAX do",
                pytorch="torch.nn.functional.hardswish: 1 at x = 3 in PyTorch 2.13 (hardswish_backward passes "
                "the gradient for x ≥ 3); PyTorch 2.6 returned 3/2 here (issue #147801)",
                jax="jax.nn.hard_swish: 1 at x = 3 (hard_sigmoid(3) = 1, and its slope is 0 there)",
            ),
        ),
        latex=r"\operatorname{hardswish}(x) = x \cdot \frac{\min\bigl(\max(0, x + 3), 6\bigr)}{6}",
        aliases=("hardswish",),
        torch=Framework("F.hardswish", "torch.nn.functional.hardswish", lambda torch: torch.nn.functional.hardswish),
        jax=Framework("jax.nn.hard_swish (= hard_silu)", "jax.nn.hard_swish", lambda jax: jax.nn.hard_swish),
        keras="hard_silu (= hard_swish)",
        references={"f": [("x*clip(x/6+1/2, 0, 1)", lambda x: x * np.clip(x / 6 + 0.5, 0, 1))],
                    "grad": [("where(x<-3,0,where(x>3,1,x/3+1/2))",
                              lambda x: np.where(x < -3, 0, np.where(x > 3, 1, x / 3 + 0.5)).astype(x.dtype))]},
        self_gated=True,
    ),
    Activation(
        "softshrink",
        sp.Piecewise((x - _lambd, x > _lambd), (x + _lambd, x < -_lambd), (0, True)),
        {"lambd": 0.5},
        # Larger thresholds only: x = ±0.5 then stays in the flat middle,
        # where the kink convention (slope 0) still holds.
        {"lambd": (1.5, 2.5)},
        kinks=(
            Kink(
                -0.5,
                value=None,
                grad=0.0,
                why="the slope is 1 on the left and 0 on the right; we take 0, the flat side, as PyTorch does, "
                "which also keeps x·df/dx + lambd·df/dlambd = f (f is homogeneous of degree 1) at the kink",
                pytorch="torch.nn.functional.softshrink: 0 at x = −lambd "
                "(shrink_backward is 0 for −lambd ≤ x ≤ lambd)",
                jax="no softshrink in jax.nn",
            ),
            Kink(
                0.5,
                value=None,
                grad=0.0,
                why="the slope is 0 on the left and 1 on the right; we take 0, the flat side, as at x = −lambd",
                pytorch="torch.nn.functional.softshrink: 0 at x = lambd",
                jax="no softshrink in jax.nn",
            ),
        ),
        latex=r"\operatorname{softshrink}(x) = x - \max\bigl(-\lambda, \min(\lambda, x)\bigr), \quad \lambda \ge 0",
        aliases=("softshrink",),
        torch=Framework("F.softshrink", "torch.nn.functional.softshrink",
                        lambda torch: lambda x, lambd: torch.nn.functional.softshrink(x, lambd)),
        keras="soft_shrink",
        references={"f": [("x - clip(x, -λ, λ)", lambda x: x - np.clip(x, -0.5, 0.5))],
                    "grad": [("(|x| > λ).astype", lambda x: (np.abs(x) > 0.5).astype(x.dtype))]},
        parameter_aliases={"lambda": "lambd"},
    ),
    Activation(
        "hardshrink",
        # Branch order keeps the conditions simple relations (no Or):
        # x below -lambd, then [-lambd, lambd], then above.
        sp.Piecewise((x, x < -_lambd), (0, x <= _lambd), (x, True)),
        {"lambd": 0.5},
        # Larger thresholds only: x = ±0.5 then stays in the zeroed middle,
        # where the kink convention (value 0, slope 0) still holds.
        {"lambd": (1.5, 2.5)},
        kinks=(
            Kink(
                -0.5,
                value=0.0,
                grad=0.0,
                why="f jumps from −lambd to 0; we take f(−lambd) = 0 (the interval [−lambd, lambd] is zeroed, "
                "as in PyTorch) and f' = 0: the jump's derivative is lambd times a Dirac delta, not a number",
                pytorch="torch.nn.functional.hardshrink: f = 0 and f' = 0 at x = −lambd "
                "(hardshrink zeroes −lambd ≤ x ≤ lambd; shrink_backward is 0 there)",
                jax="no hardshrink in jax.nn",
            ),
            Kink(
                0.5,
                value=0.0,
                grad=0.0,
                why="f jumps from 0 to lambd; we take f(lambd) = 0 and f' = 0, as at x = −lambd",
                pytorch="torch.nn.functional.hardshrink: f = 0 and f' = 0 at x = lambd",
                jax="no hardshrink in jax.nn",
            ),
        ),
        latex=r"\operatorname{hardshrink}(x) = \begin{cases} x & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}",
        aliases=("hardshrink",),
        torch=Framework("F.hardshrink", "torch.nn.functional.hardshrink",
                        lambda torch: lambda x, lambd: torch.nn.functional.hardshrink(x, lambd)),
        keras="hard_shrink",
        references={"f": [("where(|x|>λ, x, 0)", lambda x: np.where(np.abs(x) > 0.5, x, 0))],
                    "grad": [("(|x| > λ).astype", lambda x: (np.abs(x) > 0.5).astype(x.dtype))]},
        parameter_aliases={"lambda": "lambd"},
    ),
    Activation(
        "threshold",
        sp.Piecewise((x, x > _threshold), (_value, True)),
        {"threshold": 0.0, "value": 0.0},
        # A higher threshold or a lower value keeps x = 0 on the replaced
        # side, where the convention (slope 0) still holds, and keeps
        # value <= threshold, which the derivative from the output needs.
        {"threshold": (1.25, 2.5), "value": (-1.0, -2.0)},
        kinks=(
            Kink(
                0.0,
                value=None,
                grad=0.0,
                why="with the defaults threshold = value = 0 it is ReLU: the slope is 0 on the left and 1 on the "
                "right, and we take 0, as PyTorch does; for value ≠ threshold f jumps at x = threshold, "
                "and f(threshold) = value there (x > threshold is strict)",
                pytorch="torch.nn.functional.threshold: f = value and f' = 0 at x = threshold "
                "(the kernel replaces x ≤ threshold; threshold_backward is 0 there)",
                jax="no threshold in jax.nn",
            ),
        ),
        latex=r"\operatorname{threshold}(x) = \begin{cases} x & x > \theta \\ v & x \le \theta \end{cases}",
        aliases=("threshold",),
        torch=Framework("F.threshold", "torch.nn.functional.threshold",
                        lambda torch: lambda x, threshold, value: torch.nn.functional.threshold(x, threshold, value)),
        keras="threshold",
        references={"f": [("where(x>0, x, 0)", lambda x: np.where(x > 0, x, 0))],
                    "grad": [("(x > 0).astype", lambda x: (x > 0).astype(x.dtype))]},
        parameter_aliases={"theta": "threshold", "v": "value"},
    ),
    Activation(
        "tanhshrink", x - sp.tanh(x), latex=r"\operatorname{tanhshrink}(x) = x - \tanh(x)",
        aliases=("tanhshrink",),
        torch=Framework("F.tanhshrink"), keras="tanh_shrink",
        references={"f": [("x - tanh(x)", lambda x: x - np.tanh(x))], "grad": [("tanh²", lambda x: np.tanh(x) ** 2)]},
    ),
]
