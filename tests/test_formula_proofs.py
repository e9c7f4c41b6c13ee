r"""Formulas that are not algebra, proved: expectations and variances and a
layer's input gradient for any loss (docs/backprop/initialisation.md), error
terms of series (gradient_checking.md), a recursion solved in closed form and a
directional derivative (gradient_descent.md). Losses: test_formula_proofs_losses.py;
activations: test_formula_proofs_activations.py.
Each proof reads the formula's TeX (the one its entry in
sitekit/inline_exceptions.py or formula_exceptions.py pins, and the page
shows) through SymPy's LaTeX parser, with only the notation the parser cannot
read put in as placeholders whose values SymPy computes from the definitions
the prose states. Each has a one-place fault in its TeX that must fail.
tests/formula_proofs_reading.py holds the reader and the moment integrals."""

from __future__ import annotations

import functools
import re

import sympy as sp

from formula_proofs_reading import (
    Proof, at_indices, bracketed, evaluate, expect, normal, proof_tests, read, sides, sums_written_out, uniform,
)

# --- docs/backprop/initialisation.md: means and variances over the random draw --------------

MU_W, MU_X = sp.symbols("mu_w mu_x", real=True)
V_W, V_X, V, S = sp.symbols("v_w v_x v s", positive=True)


def distributions(names: list[str]) -> list[dict]:
    """Two independent draws of the named variables (normal, and uniform with the same
    mean and variance): the prose's argument holds for any distribution."""
    def spread(mean, variance):
        half = sp.sqrt(3 * variance)
        return mean - half, mean + half

    moments = {"w": (MU_W, V_W), "x": (MU_X, V_X)}
    draws = []
    for family in ("normal", "uniform"):
        densities = {}
        for name in names:
            symbol = sp.Symbol(name, real=True)
            mean, variance = moments[name[0]]
            densities[symbol] = normal(symbol, variance, mean) if family == "normal" else uniform(symbol, *spread(mean, variance))
        draws.append(densities)
    return draws


def moment_value(tex: str, densities: dict, extra: dict | None = None) -> list[sp.Expr]:
    r"""The sides of a chain of \mathbb{E}[...] and \operatorname{Var}(...) statements: each
    operator's inside is read by the parser and integrated against the densities."""
    placeholders, values = {}, dict(extra or {})
    symbols = {s.name: s for s in densities}
    for opener in ("\\mathbb{E}", "\\operatorname{Var}"):
        for start, end, inside in bracketed(tex, opener):
            name = f"M_{{{len(placeholders)}}}"
            inner = evaluate(read(inside, {k: v for k, v in TEX_NAMES.items() if k in inside}),
                             {**symbols, **values, "ReLU": lambda u: sp.Max(0, u)})
            mean = expect(inner, densities)
            values[name] = mean if opener.endswith("E}") else expect(inner ** 2, densities) - mean ** 2
            placeholders[tex[start:end]] = name
    return [sp.simplify(evaluate(side, {**values, **symbols})) for side in sides(tex, placeholders)]


# Index names the parser reads as products (w_{ik}) become one name each.
TEX_NAMES = {"w_{ik}": "w_{1}", "w_{jk}": "w_{2}", "x_i": "x_{1}", "x_j": "x_{2}", "z^{(l+1)}": "Z"}


def all_equal(values: list[sp.Expr]) -> bool:
    return all(sp.simplify(v - values[0]) == 0 for v in values[1:])


def independent_products(tex: str) -> bool:
    # w and x independent, any means and variances.
    return all(all_equal(moment_value(tex, d)) for d in distributions(["w", "x"]))


def mean_square(tex: str) -> bool:
    # v_w = Var(w), mu_w = E[w], as the prose writes them.
    return all(all_equal(moment_value(tex, d, {"v_{w}": V_W, "mu_{w}": MU_W})) for d in distributions(["w"]))


def uncorrelated_products(tex: str) -> bool:
    """Weights of mean 0, independent of the inputs; the inputs correlated (x_2 = x_1 + r,
    r independent): the prose says the products are uncorrelated even then."""
    w1, w2, x1, r = sp.symbols("w_{1} w_{2} x_{1} r", real=True)
    densities = {w1: normal(w1, V_W), w2: normal(w2, V_W), x1: normal(x1, V_X, MU_X), r: normal(r, V_X)}
    return all_equal(moment_value(tex, densities, {"x_{2}": x1 + r}))


def relu_mean_square(tex: str) -> bool:
    """z symmetric about 0 (normal, and uniform on [-s, s]), as the prose states."""
    z = sp.Symbol("z", real=True)
    return all(all_equal(moment_value(tex, {z: density}))
               for density in (normal(z, V), uniform(z, -S, S)))


@functools.cache
def relu_layer_variance_of(fan_in: int) -> sp.Expr:
    ws, zs = sp.symbols(f"w1:{fan_in + 1}", real=True), sp.symbols(f"z1:{fan_in + 1}", real=True)
    layer = sum(w * sp.Max(0, z) for w, z in zip(ws, zs))
    densities = {**{w: normal(w, V_W) for w in ws}, **{z: normal(z, V) for z in zs}}
    mean = expect(layer, densities)
    return expect(layer ** 2, densities) - mean ** 2


def relu_layer_variance(tex: str) -> bool:
    r"""z^{(l+1)} = \sum_{j=1}^{J} w_j ReLU(z_j): weights of mean 0 and variance v_w, inputs
    z_j normal with mean 0 and variance v (the prose's Var(z^{(l)}) = v), all independent; J = 2, 3."""
    for fan_in in (2, 3):
        left, right = sides(tex, {"\\operatorname{Var}(z^{(l+1)})": "M_{0}"})
        values = {"M_{0}": relu_layer_variance_of(fan_in), "J": fan_in, "v_{w}": V_W, "v": V}
        if sp.simplify(evaluate(left, values) - evaluate(right, values)) != 0:
            return False
    return True


def layer_variance(tex: str) -> bool:
    r"""z_k = \sum_j w_{jk} x_j (line 16), J = 2 and 3: weights independent, of mean 0 and variance v_w;
    inputs alike but correlated, as the prose allows (x_j = x_0 + r_j, one shared x_0); the sum
    over j written out from the TeX, x in \mathbb{E}[x^2] distributed as every x_j."""
    tex = tex.strip().rstrip(".").strip()
    v_shared, v_own = sp.symbols("v_0 v_r", positive=True)
    for fan_in in (2, 3):
        shared = sp.Symbol("x_0", real=True)
        own = sp.symbols(f"r1:{fan_in + 1}", real=True)
        weights = [sp.Symbol(f"w_{{{j}1}}", real=True) for j in range(1, fan_in + 1)]
        densities = {w: normal(w, V_W) for w in weights} | {shared: normal(shared, v_shared, MU_X)}
        densities |= {r: normal(r, v_own) for r in own}
        inputs = [shared + r for r in own]
        extra = {f"x_{{{j}}}": x for j, x in enumerate(inputs, 1)} | {"x": inputs[0], "v_{w}": V_W, "J": fan_in}
        extra["v_{x}"] = v_shared + v_own  # the variance of an input, for the fault the page quotes
        extra["z_{1}"] = sum(w * x for w, x in zip(weights, inputs))
        written = at_indices(sums_written_out(tex, {"J": fan_in}), {"k": 1})
        if not all_equal(moment_value(written, densities, extra)):
            return False
    return True


def input_gradient(tex: str, fan_in: int = 3, fan_out: int = 3) -> bool:
    r"""z_k = \sum_j w_{jk} x_j (line 16) into any differentiable loss E(z_1, ..., z_K), with
    \delta_k = \partial E / \partial z_k (notation page): SymPy's \partial E / \partial x_j against the
    stated sum, written out from the TeX, for each j (J = K, so a transposed w_{kj} names a real weight)."""
    xs = sp.symbols(f"x1:{fan_in + 1}", real=True)
    weights = sp.Matrix(fan_in, fan_out, lambda j, k: sp.Symbol(f"w_{{{j + 1}{k + 1}}}", real=True))
    zs = [sum(weights[j, k] * xs[j] for j in range(fan_in)) for k in range(fan_out)]
    free = sp.symbols(f"zeta1:{fan_out + 1}", real=True)
    loss = sp.Function("E")(*free)
    signals = {f"delta_{{{k + 1}}}": sp.diff(loss, z).subs(dict(zip(free, zs))) for k, z in enumerate(free)}
    for j in range(1, fan_in + 1):
        left, right = sides(tex, {"\\partial E / \\partial x_j": "L"}, sizes={"K": fan_out}, indices={"j": j})
        names = {"L": sp.diff(loss.subs(dict(zip(free, zs))), xs[j - 1]), **signals}
        names |= {str(w): w for w in weights}
        if sp.simplify(evaluate(left, names) - evaluate(right, names)) != 0:
            return False
    return True


# --- docs/backprop/gradient_checking.md: the error terms of the differences -------------------

X, EPSILON = sp.symbols("x epsilon", real=True)
TAYLOR = sp.symbols("c0:8", real=True)  # c_k = h^{(k)}(x), real: h is real on the reals


def smooth_h(argument: sp.Expr) -> sp.Expr:
    """A generic analytic h, its Taylor series at x to degree 7 (the terms after it change
    each difference only at order epsilon^7, beyond every order the page states)."""
    return sum(c * (argument - X) ** k / sp.factorial(k) for k, c in enumerate(TAYLOR))


DERIVATIVES = {"h'(x)": "H_{1}", "h''(x)": "H_{2}", "h'''(x)": "H_{3}"}


def error_term_holds(tex: str, left: str, value: sp.Expr) -> bool:
    r"""`left = stated + o(\epsilon^p)` (or O): the remainder divided by epsilon^p tends to 0
    (o) or stays finite (O) as epsilon -> 0; the order and its letter are read from the TeX."""
    order = re.search(r"\+\s*([oO])\(\\epsilon(?:\^(\d+))?\)\s*$", tex)
    assert order, f"`{tex}` ends in no o(\\epsilon^p) or O(\\epsilon^p) term"
    assert tex.split("=", 1)[0].strip() == left, f"`{tex}` no longer starts with `{left}`"
    right = tex[:order.start()].split("=", 1)[1]
    stated = read(right, {k: v for k, v in DERIVATIVES.items() if k in right})
    names = {"H_{1}": TAYLOR[1], "H_{2}": TAYLOR[2], "H_{3}": TAYLOR[3], "epsilon": EPSILON, "x": X}
    power = int(order.group(2) or 1)
    remainder = sp.limit(sp.expand(value - evaluate(stated, names)) / EPSILON ** power, EPSILON, 0)
    return remainder == 0 if order.group(1) == "o" else remainder.is_finite is True


def forward_difference_error(tex: str) -> bool:
    # D_+ as the page defines it (line 12).
    value = (smooth_h(X + EPSILON) - smooth_h(X)) / EPSILON
    return error_term_holds(tex, "D_{+}(\\epsilon)", value)


def complex_step_error(tex: str) -> bool:
    value = sp.im(sp.expand(smooth_h(X + sp.I * EPSILON))) / EPSILON
    return error_term_holds(tex, "\\operatorname{Im} h(x + i\\epsilon) / \\epsilon", value)


# --- docs/backprop/gradient_descent.md ---------------------------------------------------------

def iterates_in_closed_form(tex: str) -> bool:
    """The recursion the page runs, w <- w - eta c (w - m) (the gradient of E = c (w - m)^2 / 2),
    solved by SymPy's rsolve from w_0; the stated w_n - m must equal it for every n."""
    n = sp.Symbol("n", integer=True, nonnegative=True)
    eta, c, m, start = sp.symbols("eta c m w_0", real=True)
    w = sp.Function("w")
    solved = sp.rsolve(w(n + 1) - (w(n) - eta * c * (w(n) - m)), w(n), {w(0): start})
    left, right = sides(tex, {"w_n": "W"})
    names = {"W": solved, "n": n, "eta": eta, "c": c, "m": m, "w_{0}": start}
    return sp.simplify(evaluate(left, names) - evaluate(right, names)) == 0


def first_order_change(tex: str, size: int = 3) -> bool:
    r"""A generic differentiable E of three weights: d/d\eta E(w - \eta \nabla E) at \eta = 0
    by SymPy, against the stated right side with \lVert \nabla E \rVert the Euclidean norm."""
    weights, eta = sp.symbols(f"w1:{size + 1}", real=True), sp.Symbol("eta", real=True)
    loss = sp.Function("E")(*weights)
    gradient = [sp.diff(loss, w) for w in weights]
    stepped = loss.subs({w: w - eta * g for w, g in zip(weights, gradient)}, simultaneous=True)
    slope = sp.diff(stepped, eta).subs(eta, 0).doit()
    left, right = sides(tex, {"\\frac{d}{d\\eta} E(w - \\eta \\nabla E)\\big|_{\\eta=0}": "D",
                              "\\lVert \\nabla E \\rVert": "N"})
    names = {"D": slope, "N": sp.sqrt(sum(g ** 2 for g in gradient))}
    return sp.simplify(evaluate(left, names) - evaluate(right, names)) == 0


INIT = "backprop/initialisation.md"
PROOFS: dict[str, Proof] = {
    "init-product-of-squares": Proof(
        INIT, "\\mathbb{E}[w^2 x^2] = \\mathbb{E}[w^2]\\,\\mathbb{E}[x^2]", independent_products,
        ("\\mathbb{E}[x^2]", "\\mathbb{E}[x]")),
    "init-product": Proof(
        INIT, "\\mathbb{E}[w x] = \\mathbb{E}[w]\\,\\mathbb{E}[x]", independent_products,
        ("\\mathbb{E}[w]\\,", "\\mathbb{E}[w^2]\\,")),
    "init-mean-square": Proof(
        INIT, "\\mathbb{E}[w^2] = v_w + \\mu_w^2", mean_square, ("+ \\mu_w^2", "- \\mu_w^2")),
    "init-uncorrelated": Proof(
        INIT, "\\mathbb{E}[w_{ik} x_i \\, w_{jk} x_j] = \\mathbb{E}[w_{ik}]\\,\\mathbb{E}[w_{jk}]\\,\\mathbb{E}[x_i x_j] = 0",
        uncorrelated_products, ("\\, w_{jk} x_j]", "\\, w_{ik} x_j]")),
    "init-relu-mean-square": Proof(
        INIT, "\\mathbb{E}[\\operatorname{ReLU}(z)^2] = \\operatorname{Var}(z) / 2", relu_mean_square, ("/ 2", "/ 4")),
    "init-relu-mean-square-check": Proof(
        INIT, "\\mathbb{E}[\\operatorname{ReLU}(z)^2] = \\operatorname{Var}(z)/2", relu_mean_square, ("^2]", "]")),
    "init-relu-layer": Proof(
        INIT, "\\operatorname{Var}(z^{(l+1)}) = J \\, v_w \\, v / 2", relu_layer_variance, ("v / 2", "v")),
    "init-layer-variance": Proof(
        INIT, "\\operatorname{Var}(z_k) = \\sum_{j=1}^{J} \\operatorname{Var}(w_{jk} x_j) = J \\, v_w \\, \\mathbb{E}[x^2]",
        layer_variance, ("\\mathbb{E}[x^2]", "v_x"), display=True),
    "init-input-gradient": Proof(
        INIT, "\\partial E / \\partial x_j = \\sum_{k=1}^{K} w_{jk} \\, \\delta_k", input_gradient,
        ("w_{jk}", "w_{kj}")),
    "checking-forward-difference": Proof(
        "backprop/gradient_checking.md", "D_{+}(\\epsilon) = h'(x) + \\frac{h''(x)}{2}\\,\\epsilon + o(\\epsilon)",
        forward_difference_error, ("{2}", "{3}")),
    "checking-complex-step": Proof(
        "backprop/gradient_checking.md",
        "\\operatorname{Im} h(x + i\\epsilon) / \\epsilon = h'(x) - \\frac{h'''(x)}{6}\\,\\epsilon^2 + O(\\epsilon^4)",
        complex_step_error, ("O(\\epsilon^4)", "O(\\epsilon^5)")),
    "descent-closed-form": Proof(
        "backprop/gradient_descent.md", "w_n - m = (1 - \\eta c)^n (w_0 - m)", iterates_in_closed_form,
        ("^n", "^{n+1}")),
    "descent-first-order": Proof(
        "backprop/gradient_descent.md",
        "\\frac{d}{d\\eta} E(w - \\eta \\nabla E)\\big|_{\\eta=0} = -\\lVert \\nabla E \\rVert^2",
        first_order_change, ("\\rVert^2", "\\rVert")),
}

test_the_formula_holds, test_a_faulty_formula_fails, test_every_checked_by_entry_names_a_proof = proof_tests(
    PROOFS, "test_formula_proofs.py")
