"""Numbers typed in the prose of the activation pages that speak of all of them
(the overview and choosing an activation), each asserted (how: tests/claim_helpers.py).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from claim_helpers import EPS64, block_after, page_text, x_

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle


# ---------------------------------------------------------------- overview (index)

@pytest.mark.claim("activations/index.md",
                   r"- **zero-centred (odd)**: \(f(-x) = -f(x)\) exactly on the grid, "
                   "so outputs are centred on 0 for centred inputs.")
def test_odd_functions_are_centred_on_zero():
    from sitekit import overview

    odd = [n for n in overview.elementwise_names() if overview.properties(n)["zero-centred (odd)"] == "yes"]
    assert {"tanh", "linear", "softsign"} <= set(odd)
    sample = np.random.default_rng(0).normal(size=10_000)
    centred = np.concatenate([sample, -sample])
    for name in odd:
        f = getattr(snippet(name), name)
        assert np.sum(f(centred)) == 0, name
    # Not so for one that is not odd.
    assert np.mean(snippet("relu").relu(centred)) > 0.1


@pytest.mark.claim("activations/index.md",
                   r"- **self-gated**: defined as \(x\) times a gate computed from \(x\) itself, rising from 0 to 1, "
                   r"\(f(x) = x\,s(x)\) (swish, GELU, Mish, hard swish).")
def test_self_gated_gates_rise_from_zero_to_one():
    from sitekit import overview

    for name in overview.SELF_GATED:
        expr = DEFINITIONS[name].with_params()
        if expr.has(sp.Piecewise):  # hard swish: the gate is exactly 0 and 1 past its kinks
            assert [expr.subs(x_, v) / v for v in (-10, 10)] == [0, 1], name
        else:
            gate = sp.simplify(expr / x_)
            assert sp.limit(gate, x_, -sp.oo) == 0, name
            assert sp.limit(gate, x_, sp.oo) == 1, name
        xs = np.linspace(-30, 30, 241)
        xs = xs[xs != 0]
        values = [float(v) / x for v, x in zip(Oracle(name).many("f", xs), xs)]
        assert np.all(np.diff(values) >= -EPS64), name


# ---------------------------------------------------------------- choosing

def run_session(page: str, session: str) -> tuple[dict, list[tuple[str, str]]]:
    """Run every executed block of one markdown-exec session of the page, in order:
    the final namespace, and (source, printed text) of each block."""
    text = page_text(page)
    out: list[str] = []
    scope: dict = {"print": lambda *a, sep=" ", end="\n", **k: out.append(sep.join(map(str, a)) + end)}
    blocks = []
    fence = re.compile(r'^ *```python exec="on"([^\n]*)\n(.*?)^ *```\s*$', re.S | re.M)
    for options, body in fence.findall(text):
        if f'session="{session}"' in options and "--8<--" not in body:
            out.clear()
            exec(body, scope)
            blocks.append((body, "".join(out)))
    return scope, blocks


@pytest.fixture(scope="module")
def choosing():
    return run_session("activations/choosing.md", "choosing")


def printed_by(blocks, marker: str) -> str:
    """The output of the session block whose source contains marker."""
    (printed,) = [out for body, out in blocks if marker in body]
    return printed


@pytest.mark.claim("activations/choosing.md",
                   "A ReLU unit whose pre-activation is negative for every input has slope 0 everywhere,")
def test_dead_relu_slope():
    xs = -np.geomspace(1e-300, 1e300, 10_001)
    np.testing.assert_array_equal(snippet("relu").relu_grad(xs), 0.0)
    assert sp.diff(DEFINITIONS["relu"].with_params(), x_).subs(x_, -1) == 0


@pytest.mark.claim("activations/choosing.md",
                   r"The build gives 1000 units a batch of 256 inputs, with pre-activations \(\mathcal{N}(b, 1)\) "
                   "for several biases \\(b\\), and counts the units whose gradient is 0 for the whole batch:")
def test_dead_units_block(choosing):
    _, blocks = choosing
    block = block_after("activations/choosing.md", "The build gives 1000 units")
    assert "x = rng.standard_normal((256, 1000)) + bias" in block
    assert "np.all(relu_grad(x) == 0, axis=0)" in block
    biases = [float(b) for b in re.search(r"for bias in \(([^)]*)\)", block).group(1).split(",") if b.strip()]
    assert len(biases) > 2
    rows = [line for line in printed_by(blocks, "dead_leaky").splitlines() if line.startswith("| ") and "bias" not in line]
    assert len(rows) == len(biases)
    for row in rows:
        dead, dead_leaky = (int(c) for c in row.strip("| ").split(" | ")[1:])
        assert 0 <= dead <= 1000 and dead_leaky == 0
    assert int(rows[-1].strip("| ").split(" | ")[1]) > 0


@pytest.mark.claim("activations/choosing.md",
                   "The build propagates 2000 standardised samples through 32 dense layers of width 256, "
                   "LeCun-normal weights, no biases, and prints the mean and variance of the activations:")
@pytest.mark.claim("activations/choosing.md",
                   "[SELU](selu.md) keeps the mean and variance of the activations near 0 and 1 from layer to layer,")
@pytest.mark.claim("activations/choosing.md", "inputs standardised to mean 0 and variance 1,")
def test_selu_propagation_block(choosing):
    _, blocks = choosing
    block = block_after("activations/choosing.md", "The build propagates 2000 standardised samples")
    assert "x0 = rng.standard_normal((2000, 256))" in block
    assert "weights = [rng.standard_normal((256, 256)) / np.sqrt(256) for _ in range(32)]" in block
    assert "h @ W)" in block and "+ b" not in block  # no biases
    rows = [line.strip("| ").split(" | ") for line in printed_by(blocks, "SELU mean").splitlines()
            if re.match(r"\| \d", line)]
    assert [int(r[0]) for r in rows][-1] == 32
    for row in rows:
        mean, variance = (float(c.replace("−", "-")) for c in row[1:3])
        assert abs(mean) < 0.05 and abs(variance - 1) < 0.05, row
    # Standardised inputs: the SELU page's moments at N(0, 1) are 0 and 1 (test_selu_moments).


@pytest.mark.claim("activations/choosing.md",
                   r"one per layer, and multiplies the slopes along 10 and 30 layers, 10 000 times;")
def test_slope_products_block():
    block = block_after("activations/choosing.md", "one per layer, and multiplies the slopes")
    assert "x = rng.standard_normal((10_000, 30))" in block
    assert "for depth in (10, 30)" in block and "np.prod(slopes[:, :depth], axis=1)" in block


@pytest.mark.claim("activations/choosing.md",
                   "The build sends a batch of 256 examples forward through 30 dense layers of width 256, without biases,")
@pytest.mark.claim("activations/choosing.md",
                   r"and prints how much the size of the error signal, \(\lVert \Delta \rVert\) over the batch, "
                   "changes from layer 30 down to layer 1:")
def test_weights_block_parameters():
    block = block_after("activations/choosing.md", "The build sends a batch of 256 examples")
    assert "width, depth, scales = 256, 30, (1.0, 2.0, 4.0)" in block
    assert "inputs = rng.standard_normal((256, width))" in block
    assert "zs.append(a @ W)" in block  # no bias added
    assert "weights = [w * np.sqrt(s / width) for w in draws]" in block
    # The ratio printed is the norm at the bottom over the norm at the top.
    assert "growth[name, s] = np.linalg.norm(delta) / top" in block and "for W, z in zip(weights[:0:-1]" in block


@pytest.mark.claim("activations/choosing.md",
                   "what decides is the product of the weights and the slopes, "
                   "which is what initialisation schemes set to about 1 per layer")
def test_weights_times_slopes_decide(choosing):
    scope, _ = choosing
    growth = scope["growth"]
    layers = 29  # the recursion crosses 29 weight matrices from layer 30 down to layer 1
    for s in (1.0, 2.0, 4.0):
        # ReLU: each layer multiplies E[delta^2] by s E[relu'(z)^2] = s/2, so the norm by (s/2)^(1/2).
        predicted = (s / 2) ** (layers / 2)
        assert abs(np.log(growth["relu", s]) - np.log(predicted)) < 0.1 * max(1.0, abs(np.log(predicted))), s
    per_layer = {key: value ** (1 / layers) for key, value in growth.items()}
    assert 0.9 < per_layer["relu", 2.0] < 1.1  # He et al.: s = 2 for ReLU
    assert 0.9 < per_layer["tanh", 1.0] < 1.1  # Glorot and Bengio: variance 1/J for square tanh layers
    assert per_layer["relu", 1.0] < 0.8 and per_layer["relu", 4.0] > 1.25
