r"""Formulas about losses the prose gives in words or on another line, proved:
the softmax cross-entropy and its gradient under \sum_k t_k = 1 and the two
sigmoid-output error signals (docs/backprop/losses.md), and the weight
gradient of gradient_descent.md's network, whose loss and layers the prose
gives in words and code. Each formula is read from its
page's TeX as tests/test_formula_proofs.py reads it (sums written out, index
letters given values), and each has a one-place fault in its TeX that must
fail."""

from __future__ import annotations

import numpy as np
import sympy as sp

from formula_proofs_reading import (
    DOCS, Proof, display_formula, evaluate, proof_tests, read, sides, vanishes,
)


def sigmoid(z):
    return 1 / (1 + sp.exp(-z))


def equal(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(a - b) == 0


# --- docs/backprop/losses.md -----------------------------------------------------------------

K = 3
ZS, TS = sp.symbols(f"z1:{K + 1}", real=True), list(sp.symbols(f"t1:{K + 1}", real=True))
PROBABILITY_TARGETS = {TS[-1]: 1 - sum(TS[:-1])}  # \sum_k t_k = 1, as the prose requires


def softmax(i: int) -> sp.Expr:
    return sp.exp(ZS[i - 1]) / sum(sp.exp(z) for z in ZS)


def cross_entropy() -> sp.Expr:
    return -sum(t * sp.log(softmax(k)) for k, t in enumerate(TS, 1))


def vector_names(i: int) -> dict:
    names = {f"z_{{{k}}}": z for k, z in enumerate(ZS, 1)} | {f"t_{{{k}}}": t for k, t in enumerate(TS, 1)}
    return names | {f"p_{{{k}}}": softmax(k) for k in range(1, K + 1)}


def softmax_gradient(tex: str) -> bool:
    """\\partial E / \\partial z_i of E = -\\sum_k t_k \\log p_k (line 31), K = 3, targets summing to 1."""
    for i in range(1, K + 1):
        gradient = sp.diff(cross_entropy(), ZS[i - 1]).xreplace(PROBABILITY_TARGETS)
        left, right = sides(tex, {"\\partial E / \\partial z_i": "L"}, indices={"i": i})
        names = vector_names(i) | {"L": gradient}
        if not equal(evaluate(left, names), evaluate(right, names).xreplace(PROBABILITY_TARGETS)):
            return False
    return True


def cross_entropy_display(tex: str) -> bool:
    r"""E = -\sum t_k \log p_k (its definition) = \log\sum e^{z_j} - \sum t_k z_k, and its gradient p_i - t_i,
    K = 3, targets summing to 1; the sums are written out from the TeX."""
    chain, gradient = [part.strip().rstrip(",.").strip() for part in tex.split("\\qquad")]
    defined, *rest = sides(chain, sizes={"K": K})
    assert str(defined) == "E", f"`{chain}` no longer defines E"
    values = [evaluate(side, vector_names(1)).xreplace(PROBABILITY_TARGETS) for side in rest]
    if not all(equal(value, values[0]) for value in values):
        return False
    for i in range(1, K + 1):
        left, right = sides(gradient, {"\\frac{\\partial E}{\\partial z_i}": "L"}, indices={"i": i})
        names = vector_names(i) | {"L": sp.diff(values[0], ZS[i - 1])}
        if not equal(evaluate(left, names), evaluate(right, names).xreplace(PROBABILITY_TARGETS)):
            return False
    return True


def sigmoid_output_signal(loss):
    def check(tex: str) -> bool:
        z, t = sp.symbols("z t", real=True)
        left, right = sides(tex, {"\\delta": "D"})
        names = {"D": sp.diff(loss(sigmoid(z), t), z), "z": z, "t": t, "sigma": sigmoid}
        return equal(evaluate(left, names), evaluate(right, names))
    return check


def squared_error(y, t):
    return (y - t) ** 2 / 2


def binary_cross_entropy(y, t):
    return -t * sp.log(y) - (1 - t) * sp.log(1 - y)


# --- docs/backprop/chain_rule.md: the three factors, for any activation g ----------------------

CHAIN = "backprop/chain_rule.md"


def three_factors(tex: str, size: int = 2) -> bool:
    r"""z_k and E read from the page's own definitions (lines 8 and 15, sums written out, J = K = 2),
    g any differentiable function; each factor of the middle side is SymPy's derivative of its own
    definition (E of a_k, a_k = g(z_k), z_k of w_{jk}), each side compared for each j, k."""
    g = sp.Function("g")
    xs, ts = sp.symbols(f"x1:{size + 1}", real=True), sp.symbols(f"t1:{size + 1}", real=True)
    weights = sp.Matrix(size, size, lambda j, k: sp.Symbol(f"w_{{{j + 1}{k + 1}}}", real=True))
    names = {f"x_{{{j}}}": x for j, x in enumerate(xs, 1)} | {f"t_{{{k}}}": t for k, t in enumerate(ts, 1)}
    names |= {str(w): w for w in weights} | {f"b_{{{k}}}": sp.Symbol(f"b{k}", real=True) for k in range(1, size + 1)}
    sizes = {"J": size, "K": size}
    definition = display_formula(CHAIN, "z_k = ").split("\\qquad")[0].strip().rstrip(",")
    zs = []
    for k in range(1, size + 1):
        _, value = sides(definition, sizes=sizes, indices={"k": k})
        zs.append(evaluate(value, names))
    names |= {f"z_{{{k}}}": z for k, z in enumerate(zs, 1)} | {"g": g}
    _, loss_tex = sides(display_formula(CHAIN, "E = "), sizes=sizes)
    loss = evaluate(loss_tex, names)
    outputs = sp.symbols(f"alpha1:{size + 1}", real=True)
    loss_of_outputs = loss.xreplace({g(z): a for z, a in zip(zs, outputs)})
    variable = sp.Symbol("u")
    def slope(z):  # g'(z) at an expression: a Subs, as SymPy's chain rule writes it
        return sp.diff(g(variable), variable).subs(variable, z)

    factors = {"\\frac{\\partial E}{\\partial w_{jk}}": "L", "\\frac{\\partial E}{\\partial a_k}": "P",
               "\\frac{\\partial a_k}{\\partial z_k}": "Q", "\\frac{\\partial z_k}{\\partial w_{jk}}": "R",
               "g'(z_k)": "G"}
    for j in range(1, size + 1):
        for k in range(1, size + 1):
            weight, z = weights[j - 1, k - 1], zs[k - 1]
            values = {"L": sp.diff(loss, weight), "G": slope(z), "Q": slope(z), "R": sp.diff(z, weight),
                      "P": sp.diff(loss_of_outputs, outputs[k - 1]).xreplace({a: g(z) for z, a in zip(zs, outputs)})}
            stated = [evaluate(side, names | values)
                      for side in sides(tex.rstrip(".").strip(), factors, indices={"j": j, "k": k})]
            if any(sp.simplify(side - stated[0]) != 0 for side in stated[1:]):
                return False
    return True


# --- docs/backprop/gradient_descent.md: the 2-2-2 sigmoid network, E = 1/2 sum_k (y_k - t_k)^2 ---

W1 = sp.Matrix(2, 2, lambda j, k: sp.Symbol(f"u{j + 1}{k + 1}", real=True))
W2 = sp.Matrix(2, 2, lambda j, k: sp.Symbol(f"v{j + 1}{k + 1}", real=True))
B1, B2 = sp.Matrix([sp.symbols("c1:3", real=True)]), sp.Matrix([sp.symbols("d1:3", real=True)])
X_NET, T_NET = sp.Matrix([sp.symbols("x1:3", real=True)]), sp.symbols("t1:3", real=True)
NET_POINTS = [dict(zip([*W1, *W2, *B1, *B2, *X_NET, *T_NET], (sp.Rational(n, 9) for n in ns)))
              for ns in ((4, -3, 2, 5, 7, -6, -5, 3, 1, -1, 2, 4, 9, -18, 9, 0),
                         (-2, 6, 3, -4, 1, 5, -7, 2, 3, 2, -1, -3, 5, 4, 3, 6))]


def network_loss(z1: sp.Matrix | None = None, z2: sp.Matrix | None = None) -> sp.Expr:
    """E from the pre-activations z^{(1)} (row convention z^{(1)} = x W^{(1)} + b^{(1)}, line 278),
    or from z^{(2)} alone; by default from the parameters."""
    if z2 is None:
        z1 = X_NET * W1 + B1 if z1 is None else z1
        z2 = z1.applyfunc(sigmoid) * W2 + B2
    return sp.Rational(1, 2) * sum((sigmoid(z) - t) ** 2 for z, t in zip(z2, T_NET))


def network_signals() -> dict:
    """\\delta^{(l)}_k = \\partial E / \\partial z^{(l)}_k (notation page), at the forward pass's values."""
    z1 = X_NET * W1 + B1
    z2 = z1.applyfunc(sigmoid) * W2 + B2
    free1, free2 = sp.Matrix([sp.symbols("p1:3")]), sp.Matrix([sp.symbols("q1:3")])
    delta1 = [sp.diff(network_loss(z1=free1), p).xreplace(dict(zip(free1, z1))) for p in free1]
    delta2 = [sp.diff(network_loss(z2=free2), q).xreplace(dict(zip(free2, z2))) for q in free2]
    return {"z1": z1, "z2": z2, "h": z1.applyfunc(sigmoid), "delta1": delta1, "delta2": delta2}


def layer_gradients(tex: str) -> bool:
    """\\partial E / \\partial W_{jk} of each layer, against its input j and \\delta_k, for each j, k."""
    net, loss = network_signals(), network_loss()
    for weights, inputs, delta in ((W1, X_NET, net["delta1"]), (W2, net["h"], net["delta2"])):
        for j in (1, 2):
            for k in (1, 2):
                left, right = sides(tex, {"\\partial E / \\partial W_{jk}": "G", "(\\text{input } ": "(I_",
                                          "\\delta_": "D_"}, indices={"j": j, "k": k})
                names = {"G": sp.diff(loss, weights[j - 1, k - 1])}
                names |= {f"I_{{{i}}}": inputs[i - 1] for i in (1, 2)} | {f"D_{{{i}}}": delta[i - 1] for i in (1, 2)}
                if not vanishes(evaluate(left, names) - evaluate(right, names), NET_POINTS):
                    return False
    return True


def signal_of_any_dependence(tex: str) -> bool:
    r"""hidden_layers.md: E = h(z_j) for any h (the prose's definition of h), and delta_j is dE/dz_j
    (the notation page's definition of delta): the stated side against d/dz_j h(z_j)."""
    left, right = (side.strip() for side in tex.split("="))
    assert left == "\\delta_j", f"`{tex}` no longer gives delta_j"
    assert "\\delta_k = \\frac{\\partial E}{\\partial z_k}" in (DOCS / "notation.md").read_text(encoding="utf-8")
    assert "\\(E = h(z_j)\\)" in (DOCS / "backprop/hidden_layers.md").read_text(encoding="utf-8")
    h, z, s = sp.Function("h"), sp.Symbol("z_j", real=True), sp.Dummy("s")
    slope = sp.Subs(sp.Derivative(h(s), s), s, z)
    stated = evaluate(read(right, {"h'(z_j)": "D"}), {"D": slope})
    return sp.simplify((sp.diff(h(z), z) - stated).doit()) == 0


def log_of_zero(tex: str) -> bool:
    """losses.md: log 0 is the limit of log from above, and NumPy's float64 log(0) gives it."""
    left, right = (side.strip() for side in tex.split("="))
    assert left == "\\log 0", f"`{tex}` no longer gives log 0"
    stated, t = read(right), sp.Symbol("t", positive=True)
    with np.errstate(divide="ignore"):
        computed = float(np.log(np.float64(0.0)))
    return sp.limit(sp.log(t), t, 0, "+") == stated and computed == float(stated)


PROOFS: dict[str, Proof] = {
    "losses-log-of-zero": Proof("backprop/losses.md", "\\log 0 = -\\infty", log_of_zero, ("-\\infty", "\\infty")),
    "hidden-signal-of-any-dependence": Proof(
        "backprop/hidden_layers.md", "\\delta_j = h'(z_j)", signal_of_any_dependence, ("h'(z_j)", "2 h'(z_j)")),
    "chain-rule-three-factors": Proof(
        CHAIN, "\\frac{\\partial E}{\\partial w_{jk}} = \\frac{\\partial E}{\\partial a_k} \\cdot \\frac{\\partial a_k}{\\partial z_k} "
        "\\cdot \\frac{\\partial z_k}{\\partial w_{jk}} = \\bigl(g(z_k) - t_k\\bigr) \\cdot g'(z_k) \\cdot x_j",
        three_factors, ("\\cdot g'(z_k) \\cdot x_j", "\\cdot x_j"), display=True),
    "descent-weight-gradient": Proof(
        "backprop/gradient_descent.md", "\\partial E / \\partial W_{jk} = (\\text{input } j) \\cdot \\delta_k",
        layer_gradients, ("(\\text{input } j)", "(\\text{input } k)")),
    "losses-softmax-gradient": Proof(
        "backprop/losses.md", "\\partial E / \\partial z_i = p_i - t_i", softmax_gradient, ("- t_i", "+ t_i")),
    "losses-cross-entropy": Proof(
        "backprop/losses.md",
        "E = -\\sum_{k=1}^{K} t_k \\log p_k = \\log \\sum_{j=1}^{K} e^{z_j} - \\sum_{k=1}^{K} t_k z_k, "
        "\\qquad \\frac{\\partial E}{\\partial z_i} = p_i - t_i",
        cross_entropy_display, ("- \\sum_{k=1}^{K} t_k z_k", "+ \\sum_{k=1}^{K} t_k z_k"), display=True),
    "losses-squared-error-signal": Proof(
        "backprop/losses.md", "\\delta = (\\sigma(z) - t)\\,\\sigma(z)\\,(1-\\sigma(z))",
        sigmoid_output_signal(squared_error), ("\\,(1-\\sigma(z))", "")),
    "losses-cross-entropy-signal": Proof(
        "backprop/losses.md", "\\delta = \\sigma(z) - t", sigmoid_output_signal(binary_cross_entropy),
        ("\\sigma(z) - t", "\\sigma(z) - 2t")),
}

test_the_formula_holds, test_a_faulty_formula_fails, test_every_checked_by_entry_names_a_proof = proof_tests(
    PROOFS, "test_formula_proofs_losses.py")
