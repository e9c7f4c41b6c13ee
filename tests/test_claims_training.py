"""Claims typed in the prose of the Backprop pages on training a network
(initialisation, gradient checking, gradient descent, regularisation), each
asserted (how, and the sampling tolerance SIGMAS: tests/claim_helpers.py).
"""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest
import sympy as sp
from claim_helpers import DOCS, ROOT, SIGMAS, assigned, exec_blocks, logistic, run_blocks, within_sampling
from claim_helpers import EPS64 as EPS

from sitekit.catalogue import load_snippet, snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle


# ---------------------------------------------------------------- backprop/initialisation.md

INIT_PAGE = "backprop/initialisation.md"
init = load_snippet(ROOT / "snippets" / "network" / "init.py")


@pytest.fixture(scope="module")
def init_blocks():
    return exec_blocks(INIT_PAGE, "initialisation")


@pytest.fixture(scope="module")
def deep(init_blocks):
    """init.depth_profile with the parameters of the page's deep-network block."""
    params = [assigned(init_blocks[2], n) for n in ("width", "depth", "batch", "seed")]
    return params, {(a, s): init.depth_profile(a, s, *params) for a, s in [
        ("ReLU", "std 0.01"), ("ReLU", "std 1"), ("ReLU", "Glorot"), ("ReLU", "He"), ("tanh", "std 0.01"), ("tanh", "std 1")]}


def per_layer(stds):
    """The factor by which one layer multiplies the activations' std, from layer 10 to the last."""
    return (stds[-1] / stds[10]) ** (1 / (len(stds) - 11))


@pytest.mark.claim("backprop/initialisation.md", "Over \\(D\\) layers the factors are raised to the power \\(D\\): "
       "slightly below 1, the signal vanishes; slightly above, it explodes.")
def test_init_factors_slightly_off_one_vanish_or_explode(deep):
    (width, depth, batch, seed), _ = deep
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, width))
    he = [init.he_normal(width, width, rng) for _ in range(depth)]
    relu = init.ACTIVATIONS["ReLU"][0]
    # He's weights times sqrt(c): each ReLU layer multiplies the mean square by c
    ratio = {c: init.deep_forward(X, [np.sqrt(c) * W for W in he], relu)[1][-1].std() / X.std() for c in (0.8, 1.0, 1.25)}
    assert ratio[0.8] < 0.1 * ratio[1.0] and ratio[1.25] > 10 * ratio[1.0]
    assert 0.5 < ratio[1.0] < 2


@pytest.mark.claim("backprop/initialisation.md", "One dense layer has \\(J\\) inputs \\(x_j\\) and \\(K\\) outputs, with the bias left at 0:")
@pytest.mark.claim("backprop/initialisation.md", "The build stacks 50 dense layers of width 256, without bias, on a batch of 64 normal random inputs (seeded),")
def test_init_deep_network_parameters_and_no_bias(deep, init_blocks):
    (width, depth, batch, seed), profiles = deep
    assert (width, depth, batch) == (256, 50, 64)
    # without bias: a zero input gives zero pre-activations in every layer
    rng = np.random.default_rng(seed)
    weights = [init.he_normal(width, width, rng) for _ in range(depth)]
    Zs, _ = init.deep_forward(np.zeros((batch, width)), weights, np.tanh)
    assert len(Zs) == 50 and all(not Z.any() for Z in Zs)
    # seeded: the same profile twice; the input is normal (checked at layer 0 below)
    assert init.depth_profile("tanh", "He", width, 3, batch, seed) == init.depth_profile("tanh", "He", width, 3, batch, seed)
    assert "depth_profile(activation, scheme, width, depth, batch, seed)" in init_blocks[2]


@pytest.mark.claim("backprop/initialisation.md", "It prints the standard deviation of the activations at a few layers (layer 0 is the input),")
def test_init_layer_0_is_the_input(deep, init_blocks):
    (width, depth, batch, seed), profiles = deep
    X = np.random.default_rng(seed).normal(size=(batch, width))
    assert all(stds[0] == X.std() for stds, _ in profiles.values())
    assert 0 in assigned(init_blocks[2], "shown_depths")


@pytest.mark.claim("backprop/initialisation.md", "The weights are drawn independently, with mean 0, and independently of the inputs.")
@pytest.mark.claim("backprop/initialisation.md", "The weights have mean 0, so \\(\\mu_w = 0\\) and the last term goes:")
def test_init_weights_have_mean_0():
    rng = np.random.default_rng(14)
    for draw in (init.glorot_uniform, init.glorot_normal, init.he_normal):
        W = draw(784, 1280, rng)
        assert within_sampling(W.ravel(), 0.0), draw.__name__
        # independent entries: neighbouring entries uncorrelated
        assert within_sampling(W[:, :-1].ravel() * W[:, 1:].ravel(), 0.0), draw.__name__
    v_w, mu_w, v_x, mu_x = sp.symbols("v_w mu_w v_x mu_x", real=True)
    var_product = (v_w + mu_w**2) * (v_x + mu_x**2) - (mu_w * mu_x) ** 2
    assert sp.expand(var_product.subs(mu_w, 0) - v_w * (v_x + mu_x**2)) == 0


@pytest.mark.claim("backprop/initialisation.md", "With inputs of mean 0 as well, \\(\\operatorname{Var}(w x) = v_w \\, v_x\\).")
def test_init_var_of_product_with_both_means_0():
    v_w, mu_w, v_x, mu_x = sp.symbols("v_w mu_w v_x mu_x", real=True)
    var_product = (v_w + mu_w**2) * (v_x + mu_x**2) - (mu_w * mu_x) ** 2
    assert sp.expand(var_product.subs({mu_w: 0, mu_x: 0})) == v_w * v_x
    rng = np.random.default_rng(15)
    w, x = rng.normal(0, 0.5, 10**6), rng.normal(0, 3.0, 10**6)
    assert within_sampling((w * x) ** 2, 0.25 * 9.0)


@pytest.mark.claim("backprop/initialisation.md", "For inputs of mean 0, the layer multiplies the variance by \\(J v_w\\).")
def test_init_forward_factor_is_J_v_w():
    rng = np.random.default_rng(16)
    J, K, N = 512, 128, 2000
    X = rng.normal(0.0, 2.0, size=(N, J))
    W = init.glorot_normal(J, K, rng)
    Z = X @ W
    # per example, the mean of z_k^2 over k; examples are independent
    ratio = (Z**2).mean(axis=1) / (X**2).mean()
    assert within_sampling(ratio, J * W.var())
    assert abs(J * W.var() - 2 * J / (J + K)) < 0.01  # 1.6 here, not 1: J and K differ


@pytest.mark.claim("backprop/initialisation.md", "The forward factor \\(J v_w\\) and the backward factor \\(K v_w\\) then average to 1:")
def test_init_glorot_factors_average_to_1():
    J, K = sp.symbols("J K", positive=True)
    v_w = 2 / (J + K)
    assert sp.simplify((J * v_w + K * v_w) / 2) == 1
    rng = np.random.default_rng(17)
    for fan_in, fan_out in ((784, 256), (256, 10)):
        W = init.glorot_normal(fan_in, fan_out, rng)
        assert abs((fan_in + fan_out) * W.var() / 2 - 1) < SIGMAS * np.sqrt(2 / W.size)


@pytest.mark.claim("backprop/initialisation.md", "A uniform \\(w\\) on \\([-s, s]\\) has the density \\(1 / (2s)\\) there, mean 0, and the variance")
def test_init_uniform_density_and_mean():
    from sympy.stats import E, Uniform, density

    s = sp.Symbol("s", positive=True)
    u = sp.Symbol("u", real=True)
    w = Uniform("w", -s, s)
    assert sp.simplify(density(w)(u).rewrite(sp.Piecewise).subs(u, s / 3) - 1 / (2 * s)) == 0
    assert E(w) == 0
    W = init.glorot_uniform(784, 1280, np.random.default_rng(18))
    assert within_sampling(W.ravel(), 0.0)


@pytest.mark.claim("backprop/initialisation.md", "After a ReLU the inputs of the next layer are the activations "
       "\\(a = \\operatorname{ReLU}(z) \\ge 0\\): their mean is not 0.")
@pytest.mark.claim("backprop/initialisation.md", "When \\(z\\) is symmetric about 0, \\(\\operatorname{ReLU}(z)^2\\) is \\(z^2\\) on one half and 0 on the other,")
def test_init_relu_of_a_normal():
    u = sp.Symbol("u", real=True)
    v = sp.Symbol("v", positive=True)
    normal = sp.exp(-u**2 / (2 * v)) / sp.sqrt(2 * sp.pi * v)
    assert sp.simplify(sp.integrate(u * normal, (u, 0, sp.oo)) - sp.sqrt(v / (2 * sp.pi))) == 0  # the mean, > 0
    assert sp.integrate(normal, (u, 0, sp.oo)) == sp.Rational(1, 2)  # one half
    relu = snippet("relu").relu
    z = np.random.default_rng(19).normal(size=10**5)
    a = relu(z)
    assert np.all(a >= 0) and a.mean() > SIGMAS * a.std() / np.sqrt(a.size)
    assert np.array_equal(a**2, np.where(z > 0, z**2, 0.0))


@pytest.mark.claim("backprop/initialisation.md", "The inputs are ReLU outputs of normal numbers, so their mean is not 0;")
@pytest.mark.claim("backprop/initialisation.md", "And \\(\\mathbb{E}[\\operatorname{ReLU}(z)^2] = \\operatorname{Var}(z)/2\\), "
       "for two symmetric distributions of \\(z\\) with mean 0,")
@pytest.mark.claim("backprop/initialisation.md", "and for one that is not symmetric (an exponential shifted to mean 0), where it fails:")
def test_init_check_blocks(init_blocks):
    space, _ = run_blocks(init_blocks[:2])
    X = space["X"]
    assert X.min() == 0 and X.mean() > SIGMAS * X.std() / np.sqrt(X.size)
    holds = {}
    for name, z in space["samples"].items():
        assert within_sampling(z, 0.0), name  # mean 0
        skew = np.mean((z - z.mean()) ** 3) / z.std() ** 3
        square = np.maximum(z, 0.0) ** 2
        holds[name] = (abs(skew) < 0.05, within_sampling(square, z.var() / 2))
    # the half holds exactly where the distribution is symmetric, for two of the three
    assert sorted(holds.values()) == [(False, False), (True, True), (True, True)]


@pytest.mark.claim("backprop/initialisation.md", "a fixed standard deviation of 0.01 (too small) or 1 (too large), Glorot's and He's.")
@pytest.mark.claim("backprop/initialisation.md", "With a standard deviation of 0.01 the factor per layer is far below 1:")
@pytest.mark.claim("backprop/initialisation.md", "With 1 and ReLU it is far above 1 and everything explodes.")
@pytest.mark.claim("backprop/initialisation.md", "and weights of standard deviation 0.01 make it collapse below \\(10^{-10}\\).")
def test_init_fixed_standard_deviations(deep, init_blocks):
    _, profiles = deep
    assert "\"std 0.01\", \"std 1\", \"Glorot\", \"He\"" in init_blocks[2]
    rng = np.random.default_rng(20)
    for scheme, std in (("std 0.01", 0.01), ("std 1", 1.0)):
        W = init.SCHEMES[scheme](256, 256, rng)
        assert abs(W.std() / std - 1) < SIGMAS * np.sqrt(1 / (2 * W.size)), scheme
    for activation in init.ACTIVATIONS:
        stds, norms = profiles[activation, "std 0.01"]
        assert per_layer(stds) < 0.2 and norms[0] < 1e-10, activation
    stds, norms = profiles["ReLU", "std 0.01"]
    assert stds[-1] < 1e-10 * stds[0]
    stds, norms = profiles["ReLU", "std 1"]
    assert per_layer(stds) > 5 and stds[-1] > 1e10 * stds[0] and min(norms) > 1e10


@pytest.mark.claim("backprop/initialisation.md", "and the two rows drew the same numbers, scaled by 100: "
       "the activations at layer \\(l\\) of one row are those of the other times \\(100^{l}\\).")
def test_init_relu_rows_scale_by_100_per_layer(deep):
    (width, *_), profiles = deep
    small, large = profiles["ReLU", "std 0.01"][0], profiles["ReLU", "std 1"][0]
    # each layer rounds a sum of `width` products: relative error up to width * eps per layer
    for layer, (a, b) in enumerate(zip(small, large)):
        assert abs(b / (a * 100.0**layer) - 1) <= (layer + 1) * width * EPS, layer


@pytest.mark.claim("backprop/initialisation.md", "With 1 and \\(\\tanh\\) the activations saturate near \\(\\pm 1\\), "
       "and the first layer's gradient explodes.")
def test_init_tanh_with_std_1_saturates(deep):
    (width, depth, batch, seed), profiles = deep
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, width))
    weights = [init.SCHEMES["std 1"](width, width, rng) for _ in range(depth)]
    _, As = init.deep_forward(X, weights, np.tanh)
    assert all(np.mean(np.abs(A) > 0.9) > 0.75 for A in As[1:])
    stds, norms = profiles["tanh", "std 1"]
    assert stds[-1] == As[-1].std()
    assert norms[0] > 1e10 * norms[-1]


@pytest.mark.claim("backprop/initialisation.md", "(\\(J v_w = 1\\), and ReLU halves the mean square), so after 50 layers the activations have nearly vanished.")
def test_init_glorot_on_relu(deep):
    (width, depth, *_), profiles = deep
    assert width * 2 / (width + width) == 1 and depth == 50
    stds, _ = profiles["ReLU", "Glorot"]
    assert abs(per_layer(stds) - 2**-0.5) < 0.02
    assert stds[depth] < 1e-6 * stds[0]


@pytest.mark.claim("backprop/initialisation.md", "on the 50-layer network, He's weights keep ReLU's activation std within a factor of 2 of the input's,")
def test_init_he_within_a_factor_of_2(deep):
    (_, depth, *_), profiles = deep
    stds, _ = profiles["ReLU", "He"]
    assert depth == 50 and all(0.5 <= s / stds[0] <= 2 for s in stds)


@pytest.mark.claim("backprop/initialisation.md", "Glorot's derivation assumes an activation with slope 1 at 0 and outputs of mean 0, such as \\(\\tanh\\).")
def test_init_tanh_slope_1_at_0_and_odd():
    tanh = snippet("tanh")
    assert tanh.tanh_grad(0.0) == 1 and Oracle("tanh")("grad", 0.0) == 1
    x = np.linspace(-5, 5, 1001)
    assert np.array_equal(tanh.tanh(-x), -tanh.tanh(x))  # odd: a symmetric input gives mean 0


# ---------------------------------------------------------------- backprop/gradient_checking.md

GC_PAGE = "backprop/gradient_checking.md"
gc = load_snippet(ROOT / "snippets" / "network" / "gradcheck.py")
mlp = load_snippet(ROOT / "snippets" / "network" / "mlp.py")


@pytest.fixture(scope="module")
def gc_network():
    """The page's network block, run up to the step sweep: its data, network and gradients."""
    block = exec_blocks(GC_PAGE, "gradient-checking-network")[0]
    space, _ = run_blocks([block[:block.index("steps = ")]])
    return space, block


@pytest.fixture(scope="module")
def gc_scalar():
    """The page's scalar session, up to the sigmoid and ReLU snippets it shows."""
    text = (DOCS / GC_PAGE).read_text(encoding="utf-8")
    blocks = exec_blocks(GC_PAGE, "gradient-checking")
    space = {"np": np, **{n: getattr(snippet("sigmoid"), n) for n in ("sigmoid", "sigmoid_grad")}}
    space.update({n: getattr(snippet("relu"), n) for n in ("relu", "relu_grad")})
    run_blocks([next(b for b in blocks if "x0 = " in b)], space)
    assert '--8<-- "activations/sigmoid.py:grad"' in text and '--8<-- "activations/relu.py:grad"' in text
    return space, blocks


@pytest.mark.claim("backprop/gradient_checking.md", "It matters only when both sides are 0 (or subnormal): "
                   "then \\(r = 0\\), they agree, and there is no \\(0/0\\).")
@pytest.mark.claim("backprop/gradient_checking.md", "\\(r = 0\\) when both sides are 0, the `kinked` and `tiny` flags, "
                   "the random entries;")
def test_gc_nu_matters_only_when_both_sides_vanish():
    tiny, subnormal = np.finfo(np.float64).tiny, np.finfo(np.float64).smallest_subnormal
    assert gc.relative_error(0.0, 0.0) == 0  # no 0/0: warnings are errors here
    assert gc.relative_error(-0.0, 0.0) == 0
    # with one side normal, nu is not the max: r is |u - v| / max(|u|, |v|)
    for u, v in ((tiny, 0.0), (1e-300, 3e-300), (2.0, -1.0), (1e-5, 1.1e-5)):
        assert gc.relative_error(u, v) == abs(u - v) / max(abs(u), abs(v))
    # both subnormal: nu is the max, and r stays finite
    assert gc.relative_error(subnormal, 3 * subnormal) == 2 * subnormal / tiny


@pytest.mark.claim("backprop/gradient_checking.md", "and ReLU, whose kink at 0 is the subject of the last common mistake:")
def test_gc_relu_kink_is_the_last_mistake():
    assert [k.at for k in DEFINITIONS["relu"].kinks] == [0]
    text = (DOCS / GC_PAGE).read_text(encoding="utf-8")
    mistakes = text[text.index("## Common mistakes"):text.index("## Verified by")]
    assert "kink" in re.findall(r"^\*\*\d+\. (.*)\*\*$", mistakes, re.M)[-1]


@pytest.mark.claim("backprop/gradient_checking.md", "(64 pixels, 10 tanh units, 10 classes, softmax cross-entropy, random biases) "
                   "on 32 digit images, for each step, with the loss computed in float64 and in float32.")
def test_gc_network_of_the_sweep(gc_network):
    space, block = gc_network
    params, X, T = space["params"], space["X"], space["T"]
    assert params["W1"].shape == (64, 10) and params["W2"].shape == (10, 10)
    assert X.shape == (32, 64) and T.shape == (32, 10) and np.array_equal(T.sum(axis=1), np.ones(32))
    assert np.all(params["b1"] != 0) and np.all(params["b2"] != 0)
    # tanh hidden units and softmax cross-entropy: the loss from scratch
    A1 = np.tanh(X @ params["W1"] + params["b1"])
    Z2 = A1 @ params["W2"] + params["b2"]
    log_p = Z2 - Z2.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    loss = mlp.loss_and_grads(params, X, T)[0]
    assert abs(loss + np.mean(np.sum(T * log_p, axis=1))) <= 64 * EPS * loss
    assert {v.dtype for v in space["params32"].values()} == {np.dtype(np.float32)}
    assert '("float64", params, X, T), ("float32", params32, X32, T32)' in block
    assert "for eps in steps" in block


@pytest.mark.claim("backprop/gradient_checking.md", "The table gives the median \\(r\\) over the entries "
                   "(the entries where both sides are 0 left out):")
@pytest.mark.claim("backprop/gradient_checking.md", "**Both sides 0.** In the digits, some pixels are 0 in every image of the batch. "
                   "Nothing depends on their weights: the backprop gradient and the difference are both exactly 0.")
def test_gc_both_sides_0(gc_network):
    space, _ = gc_network
    params, X, T, grads = space["params"], space["X"], space["T"], space["grads"]
    dead = np.all(X == 0, axis=0)
    assert dead.any()
    result = gc.gradient_check(lambda: mlp.loss_and_grads(params, X, T)[0], params["W1"], grads["W1"])
    rows = np.array([index[0] for index in result["index"]])
    both = (result["analytic"] == 0) & (result["numeric"] == 0)
    assert np.array_equal(both, dead[rows])
    # the median leaves out exactly these entries at the routine's step
    assert np.array_equal(result["r"] == 0, both)
    r = np.array([0.0, 3.0, 0.0, 1.0, 2.0])
    assert space["median_r"]({"r": r}) == 2.0


@pytest.mark.claim("backprop/gradient_checking.md", "Here the backward loop over hidden units stops one short, "
                   "so the last column of \\(\\partial E / \\partial W_1\\) and the last entry of "
                   "\\(\\partial E / \\partial b_1\\) stay 0:")
def test_gc_loop_one_short(gc_network):
    space, _ = gc_network
    grads = space["grads"]
    block = next(b for b in exec_blocks(GC_PAGE, "gradient-checking-network") if 'short["W1"][:, -1] = 0' in b)
    namespace = dict(space)
    exec(compile(block[:block.index("full = ")], "<page block>", "exec"), namespace)
    hidden = grads["b1"].size
    # the loop written out: every hidden unit but the last gets its column and bias entry
    looped = {"W1": np.zeros_like(grads["W1"]), "b1": np.zeros_like(grads["b1"])}
    for j in range(hidden - 1):
        looped["W1"][:, j], looped["b1"][j] = grads["W1"][:, j], grads["b1"][j]
    for name in ("W1", "b1"):
        assert np.array_equal(namespace["short"][name], looped[name])
    assert np.any(grads["W1"][:, -1] != 0) and grads["b1"][-1] != 0


@pytest.mark.claim("backprop/gradient_checking.md", "the central difference loses digits, and at \\(\\epsilon = 10^{-20}\\) "
                   "it sees \\(x \\pm \\epsilon\\) round to \\(x\\) and returns 0.")
def test_gc_central_difference_at_1e_20(gc_scalar):
    space, blocks = gc_scalar
    x0, sigmoid = space["x0"], space["sigmoid"]
    assert any("1e-20, 1e-100" in b for b in blocks)
    eps = 1e-20
    assert x0 + eps == x0 and x0 - eps == x0
    assert (sigmoid(x0 + eps) - sigmoid(x0 - eps)) / (2 * eps) == 0


@pytest.mark.claim("backprop/gradient_checking.md", "and fails it where \\(\\sigma(x)\\) is of order 1:")
@pytest.mark.claim("backprop/gradient_checking.md", "Check at inputs of order 1, where every term of the formula matters, "
                   "and at several of them.")
def test_gc_sign_slip_fails_at_order_1(gc_scalar):
    space, blocks = gc_scalar
    sigmoid = space["sigmoid"]
    block = next(b for b in blocks if "sigmoid(x) * (1 + sigmoid(x))" in b)
    xs = assigned_loop(block)
    for x in xs:
        central = (sigmoid(x + gc.EPS) - sigmoid(x - gc.EPS)) / (2 * gc.EPS)
        r = gc.relative_error(sigmoid(x) * (1 + sigmoid(x)), central)
        s = float(sigmoid(x))
        if 0.1 < s < 0.9:  # sigma of order 1: its square, the slipped term, is as large as sigma itself
            assert r > gc.WRONG, x
        elif s < 1e-8:
            assert r < gc.GOOD, x
    assert sum(0.1 < float(sigmoid(x)) < 0.9 for x in xs) >= 2


def assigned_loop(block: str) -> list[float]:
    """The literal list a block's first `for x in [...]` loop runs over."""
    for node in ast.walk(ast.parse(block)):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and node.target.id == "x":
            return ast.literal_eval(node.iter)
    raise LookupError("for x in [...]")


@pytest.mark.claim("backprop/gradient_checking.md", "ReLU has no derivative at 0: the slope is 0 on the left and 1 on the right. "
                   "The central difference at \\(x = 0\\) averages them, and returns 0.5, neither side's slope,")
def test_gc_relu_at_its_kink(gc_scalar):
    space, _ = gc_scalar
    relu = space["relu"]
    exact = Oracle("relu")
    tiny = np.finfo(np.float64).tiny
    assert exact("grad", -tiny) == 0 and exact("grad", tiny) == 1
    left, right = (relu(0.0) - relu(-gc.EPS)) / gc.EPS, (relu(gc.EPS) - relu(0.0)) / gc.EPS
    central = (relu(gc.EPS) - relu(-gc.EPS)) / (2 * gc.EPS)
    assert (left, right) == (0, 1) and central == (left + right) / 2 == 0.5


@pytest.mark.claim("backprop/gradient_checking.md", "at \\(x = 10^{-8}\\) with the routine's step the difference mixes both slopes, "
                   "although the derivative there is exactly 1:")
def test_gc_relu_near_its_kink(gc_scalar):
    space, _ = gc_scalar
    relu, relu_grad = space["relu"], space["relu_grad"]
    x = 1e-8
    assert Oracle("relu")("grad", x) == 1 and relu_grad(x) == 1
    central = (relu(x + gc.EPS) - relu(x - gc.EPS)) / (2 * gc.EPS)
    assert gc.EPS > x and 0 < central < 1 and abs(central - 1) > 0.4


# ---------------------------------------------------------------- backprop/gradient_descent.md

GD_PAGE = "backprop/gradient_descent.md"


@pytest.fixture(scope="module")
def gd_check():
    space, _ = run_blocks(exec_blocks(GD_PAGE, "gradient-descent-check")[:2])
    return space


@pytest.mark.claim("backprop/gradient_descent.md", "and one full step of a 2–2–2 network, every number printed by the build.")
@pytest.mark.claim("backprop/gradient_descent.md", "One step of gradient descent on a 2–2–2 network:")
@pytest.mark.claim("backprop/gradient_descent.md", "The build checks both equalities on the 2–2–2 network of the [worked example](#worked-example),")
def test_gd_two_two_two_network(gd_check):
    worked, _ = run_blocks([b for b in exec_blocks(GD_PAGE, "gradient-descent")], {"np": np})
    for space in (worked, gd_check):
        params = space["params"]
        assert {k: v.shape for k, v in params.items()} == {"W1": (2, 2), "b1": (2,), "W2": (2, 2), "b2": (2,)}
    assert worked["x"].shape == (1, 2) and worked["t"].shape == (1, 2)
    assert gd_check["X"].shape[1] == 2 and gd_check["T"].shape[1] == 2
    # the same architecture: dense, sigmoid, dense, sigmoid, in both sessions
    y, _ = gd_check["network_forward"](worked["params"], worked["x"])
    p = worked["params"]
    expected = logistic(logistic(worked["x"] @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
    assert np.max(np.abs(y - expected)) <= 4 * EPS


def test_gd_batch_gradient_is_the_mean_of_the_per_example_gradients(gd_check):
    """gradient_descent.md's display formula dE/dW = (1/N) sum_n dE_n/dW, on
    the page's own batch: against the per-example gradients and central differences."""
    space = gd_check
    N = space["N"]
    assert N > 1
    for name, grad in space["batch"].items():
        mean = sum(g[name] for g in space["per_example"]) / N
        assert np.max(np.abs(grad - mean)) <= 16 * EPS * max(1.0, np.max(np.abs(grad)))
        assert space["relative_error"](grad, space["numeric"][name]) < 1e-7


@pytest.mark.claim("backprop/gradient_descent.md", "The ratio tends to 1 as \\(\\eta\\) shrinks: "
                   "the first-order term is the whole story for small steps.")
def test_gd_first_order_ratio_tends_to_1(gd_check):
    space = gd_check
    params, batch, X, T = space["params"], space["batch"], space["X"], space["T"]
    loss0 = space["mean_loss"](params, X, T)
    norm2 = sum(float((g**2).sum()) for g in batch.values())
    gaps = []
    for eta in (1e-1, 1e-2, 1e-3, 1e-4):
        change = space["mean_loss"]({k: params[k] - eta * batch[k] for k in params}, X, T) - loss0
        gaps.append(abs(change / eta / -norm2 - 1))
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 1e-3


@pytest.mark.claim("backprop/gradient_descent.md", "- `tests/test_losses.py`: `sse_half_grad` and `mse_grad` against "
                   "central differences and the 50-digit definition.")
def test_gd_test_losses_digits():
    import test_losses

    from sitekit import oracle

    assert test_losses.DIGITS == oracle.DIGITS == 50


# ---------------------------------------------------------------- backprop/regularisation.md

decay = load_snippet(ROOT / "snippets" / "network" / "weight_decay.py")


@pytest.mark.claim("backprop/regularisation.md", "Where the data's gradient is 0, each step multiplies the weight by \\(1 - \\eta \\lambda\\),")
@pytest.mark.claim("backprop/regularisation.md", "it decays geometrically towards 0.")
def test_regularisation_decay_without_data_gradient():
    lr, lam = 1e-2, 0.5
    W = np.random.default_rng(23).standard_normal((4, 3))
    w = W.copy()
    for step in range(1, 2001):
        previous = w
        w = decay.sgd_step_weight_decay(w, np.zeros_like(w), lr, lam)
        assert np.all(np.abs(w - (1 - lr * lam) * previous) <= EPS * np.abs(w)), step
    assert np.max(np.abs(w - (1 - lr * lam) ** 2000 * W)) <= 2000 * EPS * np.max(np.abs(W))
    assert np.max(np.abs(w)) < 1e-3 * np.max(np.abs(W))


@pytest.mark.claim("backprop/regularisation.md", "while pulling them towards 0 can make the network underfit:")
def test_regularisation_decayed_bias_underfits():
    """A unit whose target sits at 3 needs its bias: least squares with lam/2 b^2 added
    gives b = 3 / (1 + lam), and the fit's error grows with lam."""
    rng = np.random.default_rng(24)
    x = rng.standard_normal(1000)
    y = 0.5 * x + 3.0
    errors = []
    for lam in (0.0, 1.0):
        # minimise mean((w x + b - y)^2) / 2 + lam / 2 * b^2: the normal equations
        A = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0 + lam]])
        w, b = np.linalg.solve(A, [np.mean(x * y), np.mean(y)])
        errors.append(np.mean((w * x + b - y) ** 2))
    assert errors[0] < 1e-20 and errors[1] > 1.0


@pytest.mark.claim("backprop/regularisation.md", "on a weight that starts at 1 and gets no gradient from the data, "
                   "with \\(\\eta = 10^{-3}\\):")
def test_regularisation_adam_experiment_parameters():
    block = next(b for b in exec_blocks("backprop/regularisation.md", "regularisation") if "decay.adam_step(" in b)
    assert assigned(block, "lr") == 1e-3
    assert "w, state = np.array([1.0]), (0.0, 0.0, 0)" in block
    assert "decay.adam_step(w, np.zeros(1), state, lr, lam_adam, decoupled)" in block
