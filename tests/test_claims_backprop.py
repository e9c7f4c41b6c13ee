"""Claims typed in the prose of the Backprop pages on the rules themselves
(chain rule, computational graphs, losses, PyTorch and JAX conventions,
matrix form, output layer), each asserted (how: tests/claim_helpers.py).
"""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest
import sympy as sp
from claim_helpers import EPS64 as EPS
from claim_helpers import ROOT, assigned, exec_blocks, run_blocks

from sitekit.catalogue import load_snippet, snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle


# ---------------------------------------------------------------- backprop/chain_rule.md

@pytest.mark.claim("backprop/chain_rule.md", "The \\(\\tfrac12\\) is there to cancel the 2 of the square:")
@pytest.mark.claim("backprop/chain_rule.md", "The first step differentiates the square (the 2 cancels the \\(\\tfrac12\\)) and drops \\(R\\).")
@pytest.mark.claim("backprop/regularisation.md", "The half in \\(\\frac{\\lambda}{2}\\) is there to cancel the 2 of the square.")
def test_the_half_cancels_the_2_of_the_square():
    a, t, R, lam = sp.symbols("a t R lambda", real=True)
    assert sp.expand(sp.diff((a - t) ** 2, a)) == sp.expand(2 * (a - t))
    assert sp.expand(sp.diff(sp.Rational(1, 2) * (a - t) ** 2 + R, a)) == sp.expand(a - t)
    assert sp.diff(lam / 2 * a**2 + R, a) == lam * a


@pytest.mark.claim("backprop/chain_rule.md", "PyTorch's `nn.MSELoss()` and Keras's `MeanSquaredError()` divide by every entry "
                   "of the batch, \\(N \\cdot K\\), and keep the 2.")
def test_the_mean_over_every_entry_keeps_the_2():
    """The frameworks' default reduction is the mean over every entry (their documentation; mse.py's
    docstring); its gradient, by JAX's autodiff, is 2 (Y - T) / (N K), as mse_grad returns."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    rng = np.random.default_rng(22)
    N, K = 5, 3
    Y, T = rng.standard_normal((N, K)), rng.standard_normal((N, K))
    by_jax = np.asarray(jax.grad(lambda A: jnp.mean((A - T) ** 2))(Y))
    expected = 2 * (Y - T) / (N * K)
    assert np.max(np.abs(by_jax - expected)) <= 4 * EPS * np.max(np.abs(expected))
    assert np.max(np.abs(squared.mse_grad(Y, T) - expected)) <= 4 * EPS * np.max(np.abs(expected))


# ---------------------------------------------------------------- backprop/computational_graphs.md

GRAPH_PAGE = "backprop/computational_graphs.md"
gates = load_snippet(ROOT / "snippets" / "graph" / "gates.py")


@pytest.fixture(scope="module")
def graphs():
    """The page's session, run as the build runs it."""
    space, _ = run_blocks(exec_blocks(GRAPH_PAGE, "graphs"))
    return space


TIE = 1.5
H_TIE = 2.0**-20  # a power of 2: at 1.5, 1.5 ± h and the differences are exact


@pytest.mark.claim("backprop/computational_graphs.md", "The local gradient of a sum is 1 for each input,")
def test_graph_add_local_gradient_is_1():
    u, v = sp.symbols("u v", real=True)
    assert sp.diff(u + v, u) == 1 and sp.diff(u + v, v) == 1
    for dq in (0.3, -2.5, 7.0):
        assert gates.add_backward(dq, gates.add_forward(1.25, -4.0)[1]) == (dq, dq)


@pytest.mark.claim("backprop/computational_graphs.md", "Raising \\(u\\) raises \\(q\\) at rate 1; lowering it leaves \\(q\\) unchanged.")
def test_graph_max_one_sided_at_a_tie():
    def q(x):
        return gates.max_forward(x, TIE)[0]

    assert (q(TIE + H_TIE) - q(TIE)) / H_TIE == 1
    assert q(TIE - H_TIE) == q(TIE)
    t = sp.Symbol("t", positive=True)
    assert sp.limit((sp.Max(TIE + t, TIE) - TIE) / t, t, 0) == 1


@pytest.mark.claim("backprop/computational_graphs.md", "The shares must add up to 1, because moving \\(u\\) and \\(v\\) together moves \\(q\\) with them.")
@pytest.mark.claim("backprop/computational_graphs.md", "Moving \\(u\\) and \\(v\\) together moves \\(q\\) with them, at rate 1, so the shares must add up to 1:")
@pytest.mark.claim("backprop/computational_graphs.md", "the max at a tie (shares between the one-sided differences, adding up to 1, equal to JAX's)")
def test_graph_max_shares_at_a_tie_add_up_to_1(graphs):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    diagonal = (gates.max_forward(TIE + H_TIE, TIE + H_TIE)[0] - gates.max_forward(TIE - H_TIE, TIE - H_TIE)[0]) / (2 * H_TIE)
    t = sp.Symbol("t", real=True)
    assert diagonal == 1 == sp.diff(sp.Max(t, t), t)
    share_u, share_v = gates.max_backward(1.0, (TIE, TIE))
    assert share_u + share_v == diagonal == graphs["diagonal"]
    assert 0 <= share_u <= 1 and 0 <= share_v <= 1  # between the one-sided differences 0 and 1
    from_jax = jax.grad(lambda x, y: jnp.maximum(x, y), argnums=(0, 1))(TIE, TIE)
    assert (float(from_jax[0]), float(from_jax[1])) == (share_u, share_v)


@pytest.mark.claim("backprop/computational_graphs.md", "At \\(x = 0\\) the [ReLU page](../activations/relu.md#convention-at-kinks) "
                   "returns the slope 0, as PyTorch's `relu` does, not the max gate's half.")
def test_graph_relu_at_0_is_not_the_max_gates_half():
    kink = DEFINITIONS["relu"].kinks[0]
    assert kink.at == 0 and kink.grad == 0 and kink.pytorch.endswith(": 0 at x = 0")
    assert snippet("relu").relu_grad(0.0) == 0
    assert gates.max_backward(1.0, (0.0, 0.0))[0] == 0.5


@pytest.mark.claim("backprop/computational_graphs.md", "with an upstream gradient that is not 1, so that a gate that forgets to multiply by it fails.")
@pytest.mark.claim("backprop/computational_graphs.md", "- `tests/test_graph.py`: each gate's backward against central differences of its forward, "
                   "with upstream gradients that are not 1;")
def test_graph_upstream_gradients_are_not_1(graphs):
    rows = [row for row in graphs["rows"] if row[0] != "fork_example"]
    assert len(rows) == 9
    for name, a, b, dq, du, fd_u, dv, fd_v in rows:
        assert dq != 1
        forgot_u, forgot_v = getattr(gates, f"{name}_backward")(1.0, getattr(gates, f"{name}_forward")(a, b)[1])
        # a gate that forgets dq is off by the factor 1/dq wherever its gradient is not 0
        for forgot, exact in ((forgot_u, fd_u), (forgot_v, fd_v)):
            if exact != 0:
                assert abs(forgot - exact) > abs(1 - 1 / dq) * abs(exact) / 2 > 1e-8 * abs(exact), name


@pytest.mark.claim("backprop/computational_graphs.md", "Each use must add its part: `du += ...`, with every gradient starting at 0.")
def test_graph_parts_add_up_at_a_fork(graphs):
    staged = graphs["staged"]
    u, v = graphs["u"], graphs["v"]
    def E(x):
        return staged.staged_forward(x, v)[0]

    h = 1e-6
    exact = (E(u + h) - E(u - h)) / (2 * h)
    parts = dict(graphs["parts"])
    accumulated = 0.0
    for name in ("through q2 only", "through q3 only", "through q4 only"):
        assert abs(parts[name] - exact) > 1e-3 * abs(exact), name  # one use alone is wrong
        accumulated += parts[name]
    assert accumulated == parts["sum of the three"]
    assert abs(accumulated - exact) < 1e-8 * abs(exact)


@pytest.mark.claim("backprop/computational_graphs.md", "A mask `u > v` for \\(u\\) and `v > u` for \\(v\\) gives each input 0 at a tie, "
                   "and the gradient is lost.")
def test_graph_strict_masks_lose_the_gradient(graphs):
    u = v = graphs["u_tie"]
    assert float(u > v) == 0 and float(v > u) == 0
    assert float(u > v) + float(v > u) != graphs["diagonal"]


# ---------------------------------------------------------------- backprop/losses.md

LOSSES_PAGE = "backprop/losses.md"
squared = load_snippet(ROOT / "snippets" / "losses" / "mse.py")
binary = load_snippet(ROOT / "snippets" / "losses" / "bce_with_logits.py")
categorical = load_snippet(ROOT / "snippets" / "losses" / "softmax_cross_entropy.py")


@pytest.fixture(scope="module")
def losses_sessions():
    return {s: run_blocks(exec_blocks(LOSSES_PAGE, s))[0] for s in ("losses", "losses-bce", "losses-ce")}


@pytest.mark.claim("backprop/losses.md", "The Iverson bracket \\([k = j]\\) is 1 if \\(k = j\\), else 0:")
def test_losses_iverson_bracket_is_what_differentiation_gives():
    K = 4
    y = sp.symbols(f"y1:{K + 1}", real=True)
    assert sp.Matrix(K, K, lambda k, j: sp.diff(y[k], y[j])) == sp.eye(K)


@pytest.mark.claim("backprop/losses.md", "The mean divides by the number \\(M\\) of entries instead of 2.")
@pytest.mark.claim("backprop/losses.md", "The mean's gradient is \\(2(Y - T)/(NK)\\): the 2 stays, "
                   "and the mean divides by every entry, batch and outputs alike.")
def test_losses_mean_divides_by_every_entry():
    rng = np.random.default_rng(21)
    N, K = 4, 3
    Y, T = rng.standard_normal((N, K)), rng.standard_normal((N, K))
    total = np.sum((Y - T) ** 2)
    assert abs(squared.mse(Y, T) - total / (N * K)) <= 4 * EPS * total
    assert abs(squared.sse_half(Y, T) - total / 2) <= 4 * EPS * total
    h = 1e-6
    numeric = np.zeros_like(Y)
    for index in np.ndindex(Y.shape):
        up, down = Y.copy(), Y.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (squared.mse(up, T) - squared.mse(down, T)) / (2 * h)
    expected = 2 * (Y - T) / (N * K)
    assert np.max(np.abs(numeric - expected)) < 1e-8 * np.max(np.abs(expected))
    assert np.array_equal(squared.mse_grad(Y, T), expected)


@pytest.mark.claim("backprop/losses.md", "On the left, \\(e^{-z}\\) overflows, \\(\\sigma(z)\\) becomes 0 and \\(\\log 0 = -\\infty\\). "
                   "On the right, \\(\\sigma(z)\\) rounds to 1, and \\((1-t)\\log(1-\\sigma(z))\\) is "
                   "\\(0 \\cdot (-\\infty) = \\text{nan}\\).")
def test_losses_naive_bce_fails_on_both_sides():
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        left = -800.0
        assert np.isinf(np.exp(-left)) and 1 / (1 + np.exp(-left)) == 0 and np.log(0.0) == -np.inf
        assert binary.bce_with_logits_naive(left, 1.0) == np.inf
        right = 40.0
        p = 1 / (1 + np.exp(-right))
        assert p == 1 and np.isnan((1 - 1.0) * np.log(1 - p))
        assert np.isnan(binary.bce_with_logits_naive(right, 1.0))
    assert np.isfinite(binary.bce_with_logits(left, 1.0)) and np.isfinite(binary.bce_with_logits(right, 1.0))


@pytest.mark.claim("backprop/losses.md", "Softmax cross-entropy on the row of logits \\((x, 0, -x)\\), target class 1 (the first entry).")
@pytest.mark.claim("backprop/losses.md", "At \\(x = 40\\) the naive form loses the whole answer: \\(p_1\\) rounds to 1 and \\(\\log 1 = 0\\).")
def test_losses_softmax_cross_entropy_row(losses_sessions):
    space = losses_sessions["losses-ce"]
    x = 2.5
    assert np.array_equal(space["row"](x), np.array([[x, 0.0, -x]]))
    assert space["first_class"].shape == (1, 3) and np.flatnonzero(space["first_class"]).tolist() == [0]
    exact = float(space["exact_ce"](x))
    got = categorical.softmax_cross_entropy(space["row"](x), space["first_class"])
    assert abs(got - exact) <= 4 * EPS * exact
    x = 40.0
    logits = space["row"](x)
    p = np.exp(logits) / np.exp(logits).sum()
    assert p[0, 0] == 1 and categorical.softmax_cross_entropy_naive(logits, space["first_class"]) == 0
    assert float(space["exact_ce"](x)) > np.finfo(np.float64).tiny  # the answer lost is a normal number


@pytest.mark.claim("backprop/losses.md", "and its gradient is 0 there, so a confidently wrong prediction is never corrected.")
def test_losses_clipped_probability_has_no_gradient(losses_sessions):
    clipped = losses_sessions["losses-bce"]["bce_clipped"]
    h = 1e-6
    for z in (-1e4, -100.0, -20.0):  # confidently wrong with target 1: p below the clip
        assert (clipped(z + h, 1.0) - clipped(z - h, 1.0)) / (2 * h) == 0
        assert binary.bce_with_logits_grad(z, 1.0) < -0.99


@pytest.mark.claim("backprop/losses.md", "Even with a stable sigmoid, \\(\\sigma(z) - 1\\) is exactly 0 once \\(\\sigma(z)\\) rounds to 1,")
def test_losses_sigmoid_minus_1_is_0():
    sigmoid = snippet("sigmoid").sigmoid
    for z in (40.0, 700.0):
        assert sigmoid(z) == 1 and sigmoid(z) - 1.0 == 0
        exact = -float(Oracle("sigmoid")("f", -z))
        assert exact < -np.finfo(np.float64).tiny
        assert abs(binary.bce_with_logits_grad(z, 1.0) - exact) <= 4 * EPS * abs(exact)


@pytest.mark.claim("backprop/losses.md", "**5. \\(p - t\\) with targets that do not sum to 1.**")
def test_losses_multi_label_targets(losses_sessions):
    space = losses_sessions["losses"]
    z, t, loss = space["z"], space["t"], space["multi_label"]
    assert t.sum() != 1
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    h = 1e-6
    numeric = np.array([(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(z.size)])
    assert np.max(np.abs(numeric - (t.sum() * p - t))) < 1e-8
    assert np.max(np.abs(numeric - (p - t))) > 0.1


# ---------------------------------------------------------------- backprop/frameworks.md

@pytest.mark.claim("backprop/frameworks.md", "The build runs the forward pass of a network 784 → 256 → 256 → 10 with sigmoid hidden layers "
                   "on a batch of 128 in float32,")
def test_frameworks_cache_network():
    block = next(b for b in exec_blocks("backprop/frameworks.md", "frameworks") if "sizes, N, dtype = " in b)
    assert assigned(block, "sizes") == [784, 256, 256, 10] and assigned(block, "N") == 128
    assert "sizes, N, dtype = [784, 256, 256, 10], 128, np.float32" in block
    assert "saved.sigmoid_layer_forward" in block and "activation.activation_forward(" in block


@pytest.mark.claim("backprop/frameworks.md", "Far right of 0, \\(\\sigma(x)\\) rounds to 1, and \\(y\\,(1 - y)\\) is 0,")
@pytest.mark.claim("backprop/frameworks.md", "Where \\(y\\) has rounded to 1, the derivative from the output is exactly 0 "
                   "and the exact one is not.")
def test_frameworks_derivative_from_a_rounded_output():
    saved = load_snippet(ROOT / "snippets" / "layers" / "saved_for_backward.py")
    for name, x in (("sigmoid", 40.0), ("tanh", 20.0)):
        y, _ = getattr(saved, f"{name}_layer_forward")(np.array(x))
        assert y == 1, name
        assert getattr(saved, f"{name}_layer_backward")(1.0, y) == 0, name
        assert Oracle(name)("grad", x) > np.finfo(np.float64).tiny, name


# ---------------------------------------------------------------- backprop/matrix_form.md

@pytest.mark.claim("backprop/matrix_form.md", "with the Iverson bracket \\([i = j]\\) (1 if \\(i = j\\), else 0).")
def test_matrix_form_softmax_jacobian_bracket():
    z = sp.symbols("z1:4", real=True)
    p = [sp.exp(zi) / sum(sp.exp(zk) for zk in z) for zi in z]
    for i in range(3):
        for j in range(3):
            bracket = 1 if i == j else 0
            assert sp.simplify(sp.diff(p[i], z[j]) - p[i] * (bracket - p[j])) == 0


@pytest.mark.claim("backprop/matrix_form.md", "The build makes every size 3, so that each wrong formula runs, "
                   "and compares each with central finite differences:")
def test_matrix_form_every_size_3():
    block = next(b for b in exec_blocks("backprop/matrix_form.md", "matrix_form") if "rng.normal(size=s)" in b)
    shapes = ast.literal_eval(re.search(r"for s in (\[.*?\])\)", block).group(1))
    assert {d for s in shapes for d in (s if isinstance(s, tuple) else (s,))} == {3}
    assert "rng.normal(size=(3, 3)), rng.normal(size=(3, 3))" in block
    # with every size 3, the transposed and wrongly summed formulas run: same shapes, other values
    rng = np.random.default_rng(13)
    X, G = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    assert (G.T @ X).shape == (X.T @ G).shape and not np.allclose(G.T @ X, X.T @ G)
    assert G.sum(axis=1).shape == G.sum(axis=0).shape and not np.allclose(G.sum(axis=1), G.sum(axis=0))


# ---------------------------------------------------------------- backprop/output_layer.md

@pytest.mark.claim("backprop/output_layer.md", "**3. \"The bias gradient is 1.\"** Written: \\(\\frac{\\partial E}{\\partial b_k} = 1\\), "
                   "because \\(\\frac{\\partial z_k}{\\partial b_k} = 1\\).")
def test_output_layer_bias_gradient_is_not_1():
    z_rest, b, t = sp.symbols("s b t", real=True)
    sigma = 1 / (1 + sp.exp(-(z_rest + b)))
    assert sp.diff(z_rest + b, b) == 1  # the factor that is right
    E = sp.Rational(1, 2) * (sigma - t) ** 2
    gradient = sp.diff(E, b)
    delta = (sigma - t) * sigma * (1 - sigma)
    assert sp.simplify(gradient - delta) == 0
    assert abs(float(gradient.subs({z_rest: 0.4, b: 0.3, t: 0.9})) - 1) > 0.9  # far from 1
