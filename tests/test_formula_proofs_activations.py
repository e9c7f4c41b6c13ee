r"""Activation formulas that are not algebra, proved: the binary step's
distributional derivative (integrals against test functions), tanhshrink's
series with its `\dots`, RReLU's branch-free form, and gelu_tanh's quoted
mistake about u'(x). Each is read from its page's TeX as
tests/test_formula_proofs.py reads it, and each has a one-place fault in its
TeX that must fail (for the quoted mistake, the fault is the correction)."""

from __future__ import annotations

import re

import numpy as np
import sympy as sp

from formula_proofs_reading import (
    DOCS, Proof, evaluate, proof_tests, read, sides,
)

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS, x

X = sp.Symbol("x", real=True)


def step(x):
    # docs/activations/binary_step.md:13: 0 for x < 0, 1 for x >= 0.
    return sp.Piecewise((0, x < 0), (1, True))


# Smooth test functions that vanish far out, as the prose asks of \varphi: not even, not centred at 0.
TEST_FUNCTIONS = [sp.exp(-X ** 2), (1 + X + X ** 3) * sp.exp(-X ** 2), (X + 2) / (1 + X ** 2) ** 2]


def distributional_derivative(tex: str) -> bool:
    r"""The chain after its first side (which defines f' by integration by parts, as the prose says):
    each side, its integrals evaluated by SymPy, equals \varphi(0), for each test function."""
    first, *rest = sides(tex.strip().rstrip(",.").strip(), {"\\varphi'(x)": "\\psi(x)", "f'(x)": "F(x)"})
    assert first.has(sp.Integral), f"`{tex}` no longer opens with the integral of f' against \\varphi"
    for phi in TEST_FUNCTIONS:
        names = {"f": step, "varphi": sp.Lambda(X, phi), "psi": sp.Lambda(X, sp.diff(phi, X)), "x": X}
        values = [sp.simplify(evaluate(side, names).doit()) for side in rest]
        if any(sp.simplify(value - phi.subs(X, 0)) != 0 for value in values):
            return False
    return True


def dirac_delta(tex: str) -> bool:
    r"""f' in the sense of distributions, the functional -\int f \varphi' (the display formula above it),
    against the Dirac delta at the point the TeX names, \varphi \mapsto \varphi(c), for each test function."""
    left, right = (side.strip() for side in tex.split("="))
    point = re.fullmatch(r"\\delta_\{?\s*(-?\d+)\s*\}?", right)
    assert left == "f'" and point, f"`{tex}` is no longer f' = \\delta_c"
    for phi in TEST_FUNCTIONS:
        derivative = -sp.integrate(step(X) * sp.diff(phi, X), (X, -sp.oo, sp.oo))
        if sp.simplify(derivative - phi.subs(X, int(point.group(1)))) != 0:
            return False
    return True


def tanhshrink_series(tex: str) -> bool:
    r"""x - tanh(x) = x s g(s) with s = x^2 and g(s) = (x - tanh(x))/x^3 (the formula's own definition), and
    g's series: the stated terms match SymPy's series of (x - tanh x)/x^3 in x, and `- \dots` says the
    next term is negative."""
    product, series = [part.strip().rstrip(",.").strip() for part in tex.split("\\qquad")]
    stated = re.fullmatch(r"(.*?)\s*([+-])\s*\\dots", series)
    assert stated, f"`{series}` does not end in + \\dots or - \\dots"
    s = X ** 2
    g_name, ratio, terms = sides(stated.group(1))
    g_value = evaluate(ratio, {"x": X})
    left, right = sides(product)
    names = {"x": X, "s": s, "g": sp.Lambda(sp.Symbol("u"), g_value)}
    if sp.simplify(evaluate(left, names) - evaluate(right, names)) != 0 or str(g_name) != "g(s)":
        return False
    order = 2 * (sp.Poly(evaluate(terms, {"s": sp.Symbol("s")}), sp.Symbol("s")).degree() + 1)
    rest = sp.limit((g_value - evaluate(terms, {"s": s})) / X ** order, X, 0)
    return rest.is_finite is True and rest != 0 and (rest < 0) == (stated.group(2) == "-")


def branch_free_leaky_relu(tex: str) -> bool:
    """RReLU at evaluation, slope a = (l + u)/2 (rrelu.md:21): x for x >= 0, a x below; the stated
    form must equal it on each side of 0."""
    a = sp.Symbol("a", positive=True)
    left, right = sides(tex, {"f(x)": "F"})
    for sign in (1, -1):
        t = sp.Symbol("t", positive=True)
        point = sign * t
        names = {"F": point if sign > 0 else a * point, "x": point, "a": a}
        if sp.simplify(evaluate(left, names) - evaluate(right, names)) != 0:
            return False
    return True


def dropped_three(tex: str) -> bool:
    """A quoted mistake: the stated u'(x) differs from SymPy's derivative of the page's
    u = sqrt(2/pi) (x + 0.044715 x^3) (gelu_tanh.md:13)."""
    u = sp.sqrt(2 / sp.pi) * (X + sp.Rational(44715, 10 ** 6) * X ** 3)
    left, right = sides(tex, {"u'(x)": "U"})
    names = {"U": sp.diff(u, X), "x": X}
    return sp.simplify(evaluate(left, names) - evaluate(right, names)) != 0


def folds_instead_of_leaking(tex: str) -> bool:
    """A quoted mistake (index.md's table): `= max(-ax, x)` is not leaky ReLU (x for x >= 0, a x below,
    0 < a <= 1 as the table's correct column says): SymPy finds them apart for x < 0. The fault is
    the correction, max(ax, x), which must then equal leaky ReLU."""
    t = sp.Symbol("t", positive=True)
    assert tex.startswith("="), f"`{tex}` no longer continues the words `leaky ReLU`"
    # Slopes inside the table's range 0 < a <= 1; x = -t any negative number; \\max read as SymPy's Max.
    return all(sp.simplify(evaluate(read(tex[1:]), {"x": -t, "a": a, "max": sp.Max}) - a * (-t)) != 0
               for a in (sp.Rational(1, 100), sp.Rational(1, 2)))


def linear_backward(tex: str) -> bool:
    r"""dE/dx = c dE/dy for y = f(x) the page's linear function (the registry's definition) and any
    loss E of y: the chain rule, d/dx E(f(x)), against the right side with dE/dy at y = f(x)."""
    left, right = (side.strip() for side in tex.split("="))
    assert left == "\\frac{\\partial E}{\\partial x}", f"`{tex}` no longer gives dE/dx"
    d = DEFINITIONS["linear"]
    loss, y = sp.Function("E"), sp.Dummy("y")
    upstream = sp.Subs(sp.Derivative(loss(y), y), y, d.expr)
    stated = evaluate(read(right, {"\\frac{\\partial E}{\\partial y}": "G"}), {"G": upstream, **d.symbols()})
    return sp.simplify((sp.diff(loss(d.expr), x) - stated).doit()) == 0


def hardtanh_kink_slope(tex: str) -> bool:
    r"""A convention, not a limit: the snippet's df/dx at each kink (x at either bound), in float32 and
    float64 and for several bounds, is the value the TeX states."""
    left, right = (side.strip() for side in tex.split("="))
    assert left == "\\partial f/\\partial x", f"`{tex}` no longer gives df/dx"
    value = float(read(right))
    grad = snippet("hardtanh").hardtanh_grad
    for lo, hi in ((-1.0, 1.0), (-2.5, 0.5), (0.25, 3.0)):
        for dtype in (np.float32, np.float64):
            kinks = np.array([lo, hi], dtype=dtype)
            if not np.all(grad(kinks, lo, hi) == value):
                return False
    return True


def _prose_vector(page: str, before: str, name: str) -> list[sp.Expr]:
    """A vector the prose sets, \\(name = (a, b)\\), in the paragraph that holds `before`, read from its TeX."""
    text = (DOCS / page).read_text(encoding="utf-8")
    paragraph = text[text.rfind("\n\n", 0, text.index(before)):text.index(before)]
    found = re.findall(rf"\\\(\s*{name} = \(([^()]*)\)\s*\\\)", paragraph)
    assert len(found) == 1, f"docs/{page}: {len(found)} places set \\({name} = (...)\\) before `{before}`"
    return [read(part) for part in found[0].split(",")]


def underflowed_gradient(tex: str) -> bool:
    r"""log_softmax.md's worked case: p = softmax(z) at the prose's z, minus its one-hot t, exactly,
    against the stated vector (a tuple of entries over a common denominator)."""
    left, right = (side.strip() for side in tex.split("="))
    assert left == "p - t", f"`{tex}` no longer gives p - t"
    shape = re.fullmatch(r"\((.*)\)\s*/\s*\((.*)\)", right)
    assert shape, f"`{right}` is no longer (a, b) / (c)"
    entries = [evaluate(read(part), {}) for part in shape.group(1).split(",")]
    denominator = evaluate(read(shape.group(2)), {})
    z, t = (_prose_vector("activations/log_softmax.md", "\\(p - t =", name) for name in "zt")
    exps = [sp.exp(v) for v in z]
    p = [e / sum(exps) for e in exps]
    return len(entries) == len(p) and all(sp.simplify(pi - ti - entry / denominator) == 0
                                          for pi, ti, entry in zip(p, t, entries))


def first_order_in_d(tex: str) -> bool:
    """gelu.md: the two sides agree to first order in the tiny d (their difference over d tends to 0),
    as the prose says; a wrong sign of the d term leaves a difference of order d."""
    left, right = (read(side) for side in tex.split("="))
    d = next(s for s in left.free_symbols | right.free_symbols if s.name == "d")
    difference = evaluate(left - right, {})
    return sp.limit(difference / d, d, 0) == 0 and sp.limit(difference, d, 0) == 0


PROOFS: dict[str, Proof] = {
    "gelu-first-order-in-d": Proof(
        "activations/gelu.md", "e^{-(c + d)/2} = e^{-c/2}\\,(1 - d/2)", first_order_in_d, ("(1 - d/2)", "(1 + d/2)")),
    "binary-step-distribution": Proof(
        "activations/binary_step.md",
        "\\int_{-\\infty}^{\\infty} f'(x)\\,\\varphi(x)\\,dx = -\\int_{-\\infty}^{\\infty} f(x)\\,\\varphi'(x)\\,dx "
        "= -\\int_{0}^{\\infty} \\varphi'(x)\\,dx = \\varphi(0)",
        distributional_derivative, ("= -\\int_{0}^{\\infty}", "= -\\int_{-\\infty}^{0}"), display=True),
    "binary-step-dirac": Proof(
        "activations/binary_step.md", "f' = \\delta_0", dirac_delta, ("\\delta_0", "\\delta_1")),
    "index-leaky-relu-mistake": Proof(
        "index.md", "= \\max(-ax, x)", folds_instead_of_leaking, ("-ax", "ax")),
    "tanhshrink-series": Proof(
        "activations/tanhshrink.md",
        "x - \\tanh(x) = x\\,s\\,g(s), \\qquad g(s) = \\frac{x - \\tanh(x)}{x^3} = \\frac13 - \\frac{2s}{15} "
        "+ \\frac{17s^2}{315} - \\dots",
        tanhshrink_series, ("{315}", "{316}"), display=True),
    "rrelu-branch-free": Proof(
        "activations/rrelu.md", "f(x) = \\bigl((1+a)\\,x + (1-a)\\,|x|\\bigr)/2", branch_free_leaky_relu,
        ("(1-a)", "(a-1)")),
    "linear-backward": Proof(
        "activations/linear.md", "\\frac{\\partial E}{\\partial x} = c \\cdot \\frac{\\partial E}{\\partial y}",
        linear_backward, ("c \\cdot", "\\frac{1}{c} \\cdot")),
    "hardtanh-kink-slope": Proof(
        "activations/hardtanh.md", "\\partial f/\\partial x = 0", hardtanh_kink_slope, ("= 0", "= 1")),
    "log-softmax-underflowed-gradient": Proof(
        "activations/log_softmax.md", "p - t = (-e^{-1000}, e^{-1000}) / (1 + e^{-1000})", underflowed_gradient,
        ("(-e^{-1000}, e^{-1000})", "(e^{-1000}, -e^{-1000})")),
    "gelu-tanh-dropped-three": Proof(
        "activations/gelu_tanh.md", "u'(x) = \\sqrt{2/\\pi}\\,(1 + 0.044715\\,x^2)", dropped_three,
        ("0.044715", "3 \\cdot 0.044715")),
}

test_the_formula_holds, test_a_faulty_formula_fails, test_every_checked_by_entry_names_a_proof = proof_tests(
    PROOFS, "test_formula_proofs_activations.py")
