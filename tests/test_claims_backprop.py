"""Claims typed in the prose of the Backprop pages and the site's general
pages (errata, about, accuracy, contributing, home, notation), each tied to its
sentence by `@pytest.mark.claim(page, fragment)` and recomputed from the
site's code, the oracle, SymPy or the page's own executed blocks
(tests/test_prose_numbers.py counts a line as checked once a claim covers it).

Sampling tolerances: a sample mean of n independent draws of q is off by
about sqrt(Var(q) / n); a check allows SIGMAS of those, with Var(q) from the
sample itself. Float tolerances come from np.finfo.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from sitekit.catalogue import load_snippet, snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

EPS = np.finfo(np.float64).eps
SIGMAS = 6


# ---------------------------------------------------------------- reading pages

def _included(match: re.Match) -> str:
    """The snippet section a `--8<-- "file.py:section"` line includes, as pymdownx.snippets does."""
    path, _, section = match.group(1).partition(":")
    text = (ROOT / "snippets" / path).read_text(encoding="utf-8")
    if not section:
        return text
    start, end = f"# --8<-- [start:{section}]\n", f"# --8<-- [end:{section}]"
    return text[text.index(start) + len(start):text.index(end)]


def exec_blocks(page: str, session: str | None = None) -> list[str]:
    """The source of each executed Python block of docs/<page>, in order
    (only those of `session` when given), snippet includes expanded."""
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = []
    for header, body in re.findall(r"^```python ([^\n]*exec=\"on\"[^\n]*)\n(.*?)^```$", text, re.S | re.M):
        if session is None or f'session="{session}"' in header:
            blocks.append(re.sub(r'^--8<-- "([^"]+)"$', _included, body, flags=re.M))
    return blocks


def run_blocks(blocks: list[str], namespace: dict | None = None) -> tuple[dict, str]:
    """Run blocks in one namespace, as markdown-exec runs a session: (namespace, what they printed)."""
    namespace = {} if namespace is None else namespace
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, "<page block>", "exec"), namespace)
    return namespace, out.getvalue()


def assigned(block: str, name: str):
    """The literal value a block assigns to `name` (also from a tuple assignment)."""
    for node in ast.walk(ast.parse(block)):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    return ast.literal_eval(node.value)
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for t, v in zip(target.elts, node.value.elts):
                        if isinstance(t, ast.Name) and t.id == name:
                            return ast.literal_eval(v)
    raise LookupError(name)


def logistic(z):
    """The sigmoid written out, independent of the snippets."""
    return 1 / (1 + np.exp(-z))


def within_sampling(samples: np.ndarray, exact: float) -> bool:
    """The sample mean of `samples` is within SIGMAS standard errors of `exact`."""
    return abs(samples.mean() - exact) <= SIGMAS * samples.std() / np.sqrt(samples.size)


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


# ---------------------------------------------------------------- errata.md

ERRATA_PAGE = "errata.md"
GRID = np.linspace(-40, 40, 80001)


@pytest.mark.claim("errata.md", '## 2. The derivative of tanh as \\(1/(1+z^2)\\) '
                   '{ data-toc-label="2. The derivative of tanh as 1/(1 + z²)" }')
def test_errata_2_is_arctans_derivative():
    z = sp.Symbol("z", real=True)
    written = 1 / (1 + z**2)
    assert sp.simplify(sp.diff(sp.atan(z), z) - written) == 0
    assert sp.simplify(sp.diff(sp.tanh(z), z) - written) != 0
    assert float((sp.diff(sp.tanh(z), z) - written).subs(z, 1)) < -0.08


@pytest.mark.claim("errata.md", '## 4. "σ′ lies between 0 and 1" Written: the sigmoid\'s slope lies between 0 and 1.')
def test_errata_4_sigmoid_slope_between_0_and_a_quarter():
    slopes = snippet("sigmoid").sigmoid_grad(GRID[np.abs(GRID) <= 30])
    assert np.all(slopes > 0) and np.all(slopes <= 1)  # what is written holds,
    assert slopes.max() == 0.25 and Oracle("sigmoid")("grad", 0.0) == sp.Rational(1, 4)  # but the top is a quarter


@pytest.mark.claim("errata.md", '## 5. Leaky ReLU as \\(\\max(-a\\,x, x)\\), kinked at 1 '
                   '{ data-toc-label="5. Leaky ReLU as max(−a x, x), kinked at 1" }')
@pytest.mark.claim("errata.md", "and the kink is at 0, not at 1.")
def test_errata_5_leaky_relu_kink_at_0():
    assert [k.at for k in DEFINITIONS["leaky_relu"].kinks] == [0]
    a, h = 0.01, 1e-6
    leaky = snippet("leaky_relu").leaky_relu
    # between 0 and 1 the written slope -a is wrong for both the written max and the real function
    for f in (lambda x: np.maximum(-a * x, x), lambda x: leaky(x, a)):
        assert abs((f(0.5 + h) - f(0.5 - h)) / (2 * h) - 1) < 1e-9
    # and nothing bends at 1
    assert abs((leaky(1 + h, a) - leaky(1.0, a)) / h - (leaky(1.0, a) - leaky(1 - h, a)) / h) < 1e-9
    assert abs((leaky(h, a) - leaky(0.0, a)) / h - (leaky(0.0, a) - leaky(-h, a)) / h) > 0.9


@pytest.mark.claim("errata.md", "Written: tanh is less prone to saturation because a very negative input gives \\(-1\\), "
                   "so the gradient is not 0.")
@pytest.mark.claim("errata.md", "Correct: tanh's real advantages over the sigmoid are outputs centred on 0 "
                   "and a largest slope of 1 instead of \\(\\tfrac14\\).")
def test_errata_6_tanh():
    tanh = snippet("tanh")
    sigmoid_grad = snippet("sigmoid").sigmoid_grad
    assert tanh.tanh(-40.0) == -1  # the output is -1, as written,
    assert tanh.tanh_grad(-40.0) == tanh.tanh_grad(40.0) < 1e-30  # but the slope vanishes on both sides
    assert np.array_equal(tanh.tanh(-GRID), -tanh.tanh(GRID))  # centred on 0
    assert tanh.tanh_grad(GRID).max() == 1 == Oracle("tanh")("grad", 0.0)
    assert sigmoid_grad(GRID).max() == 0.25


@pytest.mark.claim("errata.md", '## 8. "In practice the derivative is set to 0 or 1" '
                   "Written: ReLU's derivative is not defined, so developers set it to 0 or 1.")
@pytest.mark.claim("errata.md", "it is 0 on the left and 1 on the right. At 0, any value in \\([0, 1]\\) is a subgradient; "
                   "that choice, and only that one, is a convention.")
@pytest.mark.claim("errata.md", "Correct: \\(\\operatorname{ReLU}'(x) = 0\\) for \\(x < 0\\), \\(1\\) for \\(x > 0\\), "
                   "and a stated convention at 0.")
def test_errata_8_relu_subgradients():
    relu = snippet("relu")
    exact = Oracle("relu")
    xs = GRID[GRID != 0]
    assert all(exact("grad", x) == (1 if x > 0 else 0) for x in xs[::500])
    assert np.array_equal(relu.relu_grad(xs), (xs > 0).astype(float))
    # c is a subgradient at 0 when relu(x) >= relu(0) + c x for every x
    for c in np.linspace(-0.5, 1.5, 21):
        assert bool(np.all(relu.relu(GRID) >= c * GRID)) == (0 <= c <= 1), c
    kink = DEFINITIONS["relu"].kinks[0]
    assert kink.at == 0 and kink.grad in (0, 1) and relu.relu_grad(0.0) == kink.grad  # the convention, stated


@pytest.mark.claim("errata.md", "2 inputs, 3 sigmoid hidden units, 3 sigmoid outputs,")
def test_errata_backprop_network():
    blocks = exec_blocks(ERRATA_PAGE, "errata")
    first = blocks[0][:blocks[0].index("print(")]
    space, _ = run_blocks([first, next(b for b in blocks if "x_net, t_net = " in b)])
    net, x, t = space["net"], space["x_net"], space["t_net"]
    assert x.shape == (2,) and net["W1"].shape == (2, 3) and net["W2"].shape == (3, 3) and t.shape == (3,)
    a2 = logistic(logistic(x @ net["W1"] + net["b1"]) @ net["W2"] + net["b2"])
    E = 0.5 * np.sum((a2 - t) ** 2)
    assert abs(space["net_error"](net) - E) <= 8 * EPS * E


@pytest.mark.claim("errata.md", "- `tests/test_build.py::test_errata_page` builds the site and checks that entries 1 to 11 are there, "
                   "and that entries 1, 2, 3, 5, 9 and 11 show a wrong formula failing (✗) and the correct one passing (✓).")
def test_errata_what_test_errata_page_checks():
    text = (DOCS / ERRATA_PAGE).read_text(encoding="utf-8")
    assert [int(n) for n in re.findall(r"^## (\d+)\. ", text, re.M)] == list(range(1, 12))
    tree = ast.parse((ROOT / "tests" / "test_build.py").read_text(encoding="utf-8"))
    test = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "test_errata_page")
    assigned_there = {t.id: node.value for node in ast.walk(test) if isinstance(node, ast.Assign)
                      for t in node.targets if isinstance(t, ast.Name)}
    assert ast.literal_eval(assigned_there["demonstrated"]) == {"1", "2", "3", "5", "9", "11"}
    assert "list(range(1, 12))" in ast.unparse(test)


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
    from sitekit import oracle

    import test_losses

    assert test_losses.DIGITS == oracle.DIGITS == 50


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


# ---------------------------------------------------------------- about.md, accuracy.md, contributing.md, index.md, notation.md

def _iverson_chain(last: str) -> str:
    return ("# t\n\n\\begin{align}\n"
            "\\frac{\\partial}{\\partial y_{j}} \\left(\\sum_{k=1}^{K} c_{k} \\cdot y_{k}\\right) &= "
            "\\sum_{k=1}^{K} c_{k} \\cdot [k = j] \\\\\n"
            f"&= {last}.\n\\end{{align}}\n")


@pytest.mark.claim("about.md", "It reads the Iverson bracket \\([i = j]\\) as 1 if \\(i = j\\), else 0,")
@pytest.mark.claim("notation.md", "| \\([i = j]\\) | the Iverson bracket: 1 if \\(i = j\\), else 0 "
                   "(Kronecker's delta, written so that \\(\\delta\\) keeps one meaning) |")
def test_the_checker_reads_the_iverson_bracket():
    from sitekit.derivations import check_markdown

    # the sum picks the one term k = j: the bracket is 1 there and 0 elsewhere
    assert check_markdown(_iverson_chain("c_{j}"), "iverson.md", label="iverson").errors == []
    assert check_markdown(_iverson_chain("0"), "iverson.md", label="iverson").errors  # not always 0
    assert check_markdown(_iverson_chain("\\sum_{k=1}^{K} c_{k}"), "iverson.md", label="iverson").errors  # not always 1


@pytest.mark.claim("about.md", "and otherwise numerically, at 20 or more points of both signs and several magnitudes, "
                   "with 60-digit arithmetic.")
def test_the_checker_samples_20_points_at_60_digits():
    from sitekit import derivations

    assert derivations.MIN_POINTS == 20 and derivations.MAX_POINTS >= derivations.MIN_POINTS
    pool = [float(p) for p in derivations.POINT_POOL]
    assert min(pool) < 0 < max(pool)
    assert np.ptp(np.log10(np.abs(pool))) > 3  # several magnitudes
    assert "mpmath.workdps(60)" in Path(derivations.__file__).read_text(encoding="utf-8")


@pytest.mark.claim("about.md", "(0, the kinks, ±tiny, ±709/710, ±1e308, ±inf, NaN, subnormals) in float32 and float64.")
@pytest.mark.claim("contributing.md", "in float32 and float64, on the hard points "
                   "(0, kinks, ±1e-300, subnormals, ±709/710, ±1e308, ±inf, NaN)")
def test_the_hard_points():
    from sitekit.points import hard_points

    points = hard_points(np.float64, [0.25])
    for value in (0.0, 0.25, 1e-300, -1e-300, 709.0, -709.0, 710.0, -710.0, 1e308, -1e308, np.inf, -np.inf):
        assert value in points, value
    assert np.isnan(points).any()
    assert np.finfo(np.float64).smallest_subnormal in points
    assert np.any((points != 0) & (np.abs(points) < np.finfo(np.float64).tiny) & np.isfinite(points))
    text = (ROOT / "tests" / "test_activations.py").read_text(encoding="utf-8")
    assert "np.float32, np.float64" in text and "hard_points" in text


@pytest.mark.claim("about.md", "Some results take seconds to compute: derivation verdicts, the accuracy figures, "
                   "the oracle's 50-digit values,")
@pytest.mark.claim("index.md", "What this build measured, against the 50-digit oracle:")
def test_the_oracle_has_50_digits():
    from sitekit import oracle

    import mpmath

    assert oracle.DIGITS == 50
    exact = Oracle("sigmoid")("grad", 0.7)
    with mpmath.workdps(70):
        x = mpmath.mpf(0.7)
        reference = mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2
        error = abs(exact - reference) / reference
    # right to 50 digits, and more than float64 carries
    assert error < mpmath.mpf(10) ** -49 and exact != mpmath.mpf(float(exact))


@pytest.mark.claim("about.md", "The build keeps each one under the SHA-256 of everything it is computed from:")
def test_the_cache_key_is_a_sha_256():
    import hashlib

    from sitekit import cache

    digest = cache.key("claims", 1, "two")
    assert len(digest) == 2 * hashlib.sha256().digest_size == 64 and int(digest, 16) >= 0
    assert cache.key("claims", 1, "two") == digest != cache.key("claims", 1, "three")
    assert cache.checksum(digest, [1]) == hashlib.sha256(__import__("json").dumps([digest, [1]], sort_keys=True).encode()).hexdigest()


@pytest.mark.claim("accuracy.md", "- The error: in units in the last place (ULP) of the exact value in float64; "
                   "0.5 is a correctly rounded result.")
@pytest.mark.claim("notation.md", "a correctly rounded result is within 0.5 |")
def test_a_correctly_rounded_result_is_within_half_an_ulp():
    import mpmath

    from sitekit.oracle import ulp_error

    exact = Oracle("sigmoid")
    xs = np.array([-30.0, -2.5, 0.7, 3.0, 12.0])
    values = [exact("f", x) for x in xs]
    rounded = np.array([float(v) for v in values])  # mpmath rounds to nearest
    errors = ulp_error(rounded, values, np.float64)
    assert np.all(errors <= 0.5) and np.any(errors > 0.1)
    # one float away is at least half an ULP off
    assert np.all(ulp_error(np.nextafter(rounded, np.inf), values, np.float64) >= 0.5)
    assert mpmath.mp.dps == 15  # the oracle's precision did not leak


@pytest.mark.claim("accuracy.md", "Below the normal range the unit is the smallest subnormal spacing, "
                   "and an exact 0 must come out as 0.")
def test_ulps_below_the_normal_range():
    import mpmath

    from sitekit.oracle import ulp_error

    for dtype in (np.float32, np.float64):
        tiny, step = float(np.finfo(dtype).tiny), float(np.finfo(dtype).smallest_subnormal)
        exact = [mpmath.mpf(tiny) / 8, mpmath.mpf(tiny) / 1000]
        off_by_one_step = np.array([float(exact[0]) + step, float(exact[1]) + step])
        errors = ulp_error(off_by_one_step, exact, dtype)
        assert np.all(np.abs(errors - 1) < 0.5), dtype
        assert ulp_error(np.array([0.0]), [mpmath.mpf(0)], dtype)[0] == 0
        assert ulp_error(np.array([step]), [mpmath.mpf(0)], dtype)[0] == np.inf


@pytest.mark.claim("accuracy.md", "on the hard points, this grid at six points a decade, and 2001 random points in [−50, 50].")
def test_the_tests_points():
    import inspect

    from sitekit import catalogue, points

    defaults = {n: p.default for n, p in inspect.signature(points.dense_grid).parameters.items()}
    assert (defaults["lo"], defaults["hi"], defaults["n"]) == (-50.0, 50.0, 2001)
    assert inspect.signature(points.log_grid).parameters["per_decade"].default == 6
    grid = points.dense_grid(np.float64)
    assert grid.size == 2001 and grid.min() >= -50 and grid.max() <= 50
    decades = np.log10(float(np.finfo(np.float64).max)) - np.log10(float(np.finfo(np.float64).smallest_subnormal))
    assert points.log_grid(np.float64).size == 2 * int(decades * 6)
    xs = points.accuracy_points(np.float64)
    assert xs.size == points.hard_points(np.float64).size + points.log_grid(np.float64).size + 2001
    assert "accuracy_points(dtype, kinks)" in inspect.getsource(catalogue.measure)


@pytest.mark.claim("contributing.md", "the whole file one block (its imports, `softclip` and `softclip_grad`, at most 20 code lines) "
                   "that runs alone; the tests hold it to its contract (float64 within 1e-12 relative, float32 within 16 ULP).")
def test_the_short_block_contract():
    from sitekit import accuracy

    import test_short_blocks

    assert test_short_blocks.max_code_lines("softclip") == 20
    assert accuracy.SHORT_RELATIVE == 1e-12 and accuracy.SHORT_ULP == 16


@pytest.mark.claim("index.md", "the derivative is a difference of terms of size about 1 that cancel.")
def test_near_a_root_the_derivative_cancels():
    x = sp.Symbol("x", real=True)
    for name in ("swish", "gelu", "gelu_tanh", "mish"):
        definition = DEFINITIONS[name].with_params()
        root = DEFINITIONS[name].grad_roots[0]
        # f' = f/x + x (f/x)': the two terms of the product rule, each of size about 1 at the root
        first = sp.simplify(definition / x)
        second = x * sp.diff(first, x)
        a, b = (float(term.subs(x, root)) for term in (first, second))
        assert 0.1 < abs(a) < 10 and 0.1 < abs(b) < 10, name
        assert abs(a + b) < 1e-12 * abs(a), name


@pytest.mark.claim("index.md", "| \\(\\sigma'\\) lies between 0 and 1 | \\(0 < \\sigma'(x) \\le \\tfrac14\\) | "
                   "[Sigmoid](activations/sigmoid.md#common-mistakes) |")
def test_index_sigmoid_slope_row():
    test_errata_4_sigmoid_slope_between_0_and_a_quarter()


@pytest.mark.claim("notation.md", "At a kink (ReLU at 0) the derivative is undefined.")
def test_relu_kink_one_sided_slopes_differ():
    assert [k.at for k in DEFINITIONS["relu"].kinks] == [0]
    tiny = np.finfo(np.float64).tiny
    assert Oracle("relu")("grad", -tiny) == 0 and Oracle("relu")("grad", tiny) == 1


@pytest.mark.claim("notation.md", "At a jump (the binary step at 0) no slope exists at all:")
def test_binary_step_jumps_at_0():
    assert [k.at for k in DEFINITIONS["binary_step"].kinks] == [0]
    step = snippet("binary_step").binary_step
    for h in (1e-3, 1e-9, 1e-200):
        assert step(h) - step(-h) == 1  # a jump of 1 however close: the difference quotient grows as 1/h
    x = sp.Symbol("x", real=True)
    definition = DEFINITIONS["binary_step"].with_params()
    just = sp.Rational(1, 10**300)
    assert definition.subs(x, just) - definition.subs(x, -just) == 1


@pytest.mark.claim("notation.md", "| float16, float32, float64 | IEEE 754 binary formats; the snippets return the dtype they are given |")
def test_the_snippets_return_the_dtype_they_are_given():
    # IEEE 754 binary16, binary32, binary64: 10, 23 and 52 stored fraction bits
    assert [np.finfo(d).nmant for d in (np.float16, np.float32, np.float64)] == [10, 23, 52]
    x = np.linspace(-3, 3, 7)
    for name in ("sigmoid", "tanh", "relu", "swish", "gelu", "softplus"):
        module = snippet(name)
        for dtype in (np.float16, np.float32, np.float64):
            assert getattr(module, name)(x.astype(dtype)).dtype == dtype, (name, dtype)
            assert getattr(module, f"{name}_grad")(x.astype(dtype)).dtype == dtype, (name, dtype)


@pytest.mark.claim("notation.md", "| \\(\\varepsilon_{\\text{mach}}\\) | machine epsilon, the gap between 1 and the next float: "
                   "\\(2^{-52}\\) in float64, `np.finfo(dtype).eps` |")
def test_machine_epsilon():
    assert np.nextafter(1.0, 2.0) - 1.0 == np.finfo(np.float64).eps == 2.0**-52
    assert np.nextafter(np.float32(1), np.float32(2)) - np.float32(1) == np.finfo(np.float32).eps
