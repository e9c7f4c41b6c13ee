r"""Display formulas sitekit.formulas cannot read (indexed partials, transposes,
\bar vectors): the Jacobians of softmax, softmin, log-softmax, GLU and SwiGLU,
PReLU's shared-slope gradient and the squared error's gradient. SymPy proves
each against the derivative of the page's own definition (K = 2 and 3, m = 2
halves for the gates). sitekit/formula_exceptions.py names these tests
("checked by:") and pins each formula's TeX whole, so an edit fails there
until it is reviewed."""

from __future__ import annotations

import pytest
import sympy as sp

from sitekit.definitions_vector_entries import softmax_expr

SIZES = (2, 3)


def softmax_forward(size):
    zs, p = softmax_expr(size)
    return zs, sp.Matrix(p), sp.Matrix(p)


def softmin_forward(size):
    # softmin(z) = softmax(-z), as docs/activations/softmin.md defines it.
    zs, p = softmax_expr(size)
    q = sp.Matrix(p).xreplace({z: -z for z in zs})
    return zs, q, q


def log_softmax_forward(size):
    # y_i = z_i - log sum_k e^{z_k}; the page writes its Jacobian with p = softmax(z).
    zs, p = softmax_expr(size)
    total = sum(sp.exp(z) for z in zs)
    return zs, sp.Matrix([z - sp.log(total) for z in zs]), sp.Matrix(p)


def iverson(i, j):
    return 1 if i == j else 0


# Each page's three claims, as the page states them: (entries, matrix, vector-Jacobian product).
# p is the page's vector (p, q, or softmax for log-softmax); g the upstream gradient (\bar{p}, ...).
CLAIMS = {
    "activations/softmax.md": (
        softmax_forward,
        lambda p, i, j: p[i] * (iverson(i, j) - p[j]),           # \partial p_i / \partial z_j (line 87)
        lambda p: sp.diag(*p) - p * p.T,                          # diag(p) - p p^T (line 95)
        lambda p, g: p.multiply_elementwise(g - sp.ones(len(p), 1) * (g.T * p)[0])),  # line 104
    "activations/softmin.md": (
        softmin_forward,
        lambda q, i, j: -q[i] * (iverson(i, j) - q[j]),          # line 90
        lambda q: q * q.T - sp.diag(*q),                          # line 98
        lambda q, g: -q.multiply_elementwise(g - sp.ones(len(q), 1) * (g.T * q)[0])),  # line 106
    "activations/log_softmax.md": (
        log_softmax_forward,
        lambda p, i, j: iverson(i, j) - p[j],                     # line 94
        lambda p: sp.eye(len(p)) - sp.ones(len(p), 1) * p.T,      # I - 1 p^T (line 102)
        lambda p, g: g - p * sum(g)),                             # line 111
}


def claim_differences(forward, entry, matrix, product, sizes=SIZES) -> list[sp.Expr]:
    """Each claim minus the Jacobian (or its transpose times g) of the definition, simplified."""
    differences = []
    for size in sizes:
        zs, y, p = forward(size)
        jacobian = y.jacobian(zs)
        g = sp.Matrix(sp.symbols(f"g1:{size + 1}", real=True))
        stated = sp.Matrix(size, size, lambda i, j: entry(p, i, j))
        for claim, truth in ((stated, jacobian), (matrix(p), jacobian), (product(p, g), jacobian.T * g)):
            differences += [sp.simplify(d) for d in claim - truth]
    return differences


@pytest.mark.parametrize("page", sorted(CLAIMS))
def test_the_jacobian_formulas_hold(page):
    differences = claim_differences(*CLAIMS[page])
    assert differences == [0] * len(differences), f"docs/{page}: a Jacobian formula differs from the definition's"


@pytest.mark.parametrize("page", sorted(CLAIMS))
def test_a_wrong_jacobian_formula_fails(page):
    # Each claim with its sign flipped (softmin's sign is the one that tells it from softmax).
    forward, entry, matrix, product = CLAIMS[page]
    for wrong in ((lambda p, i, j: -entry(p, i, j)), matrix, product), \
                 (entry, (lambda p: -matrix(p)), product), \
                 (entry, matrix, (lambda p, g: -product(p, g))):
        assert any(d != 0 for d in claim_differences(forward, *wrong, sizes=(2,)))


# GLU and SwiGLU (docs/activations/glu.md, swiglu.md): x = [u, v] split in halves, y entrywise.
def sigmoid(v):
    return 1 / (1 + sp.exp(-v))


def silu(u):
    return u * sigmoid(u)


def silu_prime(u):
    s = sp.Symbol("s", real=True)
    return sp.diff(silu(s), s).subs(s, u)


GATES = {
    # (y_i of u_i, v_i; the page's [dy_i/du_i, ...]; the page's \bar{x} as the two halves)
    "activations/glu.md": (
        lambda u, v: u * sigmoid(v),                                                  # line 15
        lambda u, v: [sigmoid(v)],                                                    # line 89
        lambda u, v: [u * sigmoid(v) * (1 - sigmoid(v))],                             # line 90
        lambda u, v, g: (g * sigmoid(v), g * u * sigmoid(v) * (1 - sigmoid(v)))),     # line 98
    "activations/swiglu.md": (
        lambda u, v: u * sigmoid(u) * v,                                              # line 16
        lambda u, v: [v * silu_prime(u), v * sigmoid(u) * (1 + u * (1 - sigmoid(u)))],  # line 98
        lambda u, v: [silu(u)],                                                       # line 99
        lambda u, v, g: (g * v * silu_prime(u), g * silu(u))),                        # line 107
}


def gate_differences(y, du, dv, product, m=2) -> list[sp.Expr]:
    """Each stated partial minus the definition's, and the stated \\bar{x} minus J^T \\bar{y}, simplified."""
    us, vs = sp.symbols(f"u1:{m + 1}", real=True), sp.symbols(f"v1:{m + 1}", real=True)
    gs = sp.symbols(f"g1:{m + 1}", real=True)
    ys = sp.Matrix([y(u, v) for u, v in zip(us, vs)])
    jacobian = ys.jacobian(list(us) + list(vs))
    differences = []
    for i, (u, v) in enumerate(zip(us, vs)):
        differences += [sp.simplify(d - jacobian[i, i]) for d in du(u, v)]
        differences += [sp.simplify(d - jacobian[i, m + i]) for d in dv(u, v)]
    halves = [product(u, v, g) for u, v, g in zip(us, vs, gs)]
    stated = [h[0] for h in halves] + [h[1] for h in halves]
    differences += [sp.simplify(a - b) for a, b in zip(stated, jacobian.T * sp.Matrix(gs))]
    return differences


@pytest.mark.parametrize("page", sorted(GATES))
def test_the_gate_partials_hold(page):
    differences = gate_differences(*GATES[page])
    assert differences == [0] * len(differences), f"docs/{page}: a partial or \\bar{{x}} differs from the definition's"


@pytest.mark.parametrize("page", sorted(GATES))
def test_a_wrong_gate_partial_fails(page):
    y, du, dv, product = GATES[page]
    for wrong in ((lambda u, v: [-d for d in du(u, v)]), dv, product), \
                 (du, (lambda u, v: [-d for d in dv(u, v)]), product), \
                 (du, dv, (lambda u, v, g: (product(u, v, g)[1], product(u, v, g)[0]))):
        assert any(d != 0 for d in gate_differences(y, *wrong))


def prelu_alpha_difference(stated, n=3) -> sp.Expr:
    r"""docs/activations/prelu.md: the stated \partial E/\partial\alpha minus the chain rule's, for an
    arbitrary loss E(y_1, ..., y_n) of the outputs y_i = max(0, x_i) + alpha min(0, x_i) (line 13)."""
    alpha, xs = sp.Symbol("alpha", real=True), sp.symbols(f"x1:{n + 1}", real=True)
    ys = [sp.Max(0, x) + alpha * sp.Min(0, x) for x in xs]
    names = sp.symbols(f"y1:{n + 1}", real=True)
    loss = sp.Function("E")(*names)
    upstream = [sp.diff(loss, y).subs(dict(zip(names, ys))) for y in names]  # \bar{y}_i = dE/dy_i
    return sp.simplify(stated(upstream, xs) - sp.diff(loss.subs(dict(zip(names, ys))), alpha))


def test_the_prelu_alpha_gradient_holds():
    # \frac{\partial E}{\partial \alpha} = \sum_i \bar{y}_i\,\min(0, x_i) (line 92).
    assert prelu_alpha_difference(lambda g, xs: sum(gi * sp.Min(0, x) for gi, x in zip(g, xs))) == 0


def test_a_wrong_prelu_alpha_gradient_fails():
    assert prelu_alpha_difference(lambda g, xs: sum(gi * sp.Max(0, x) for gi, x in zip(g, xs))) != 0


def squared_error_differences(stated, size=3) -> list[sp.Expr]:
    r"""docs/backprop/losses.md: the stated \partial E/\partial y_j minus the derivative of
    E = \frac{1}{2}\sum_k (y_k - t_k)^2 (line 12), for each j."""
    ys, ts = sp.symbols(f"y1:{size + 1}", real=True), sp.symbols(f"t1:{size + 1}", real=True)
    loss = sp.Rational(1, 2) * sum((y - t) ** 2 for y, t in zip(ys, ts))
    return [sp.expand(stated(y, t) - sp.diff(loss, y)) for y, t in zip(ys, ts)]


def test_the_squared_error_gradient_holds():
    # \frac{\partial E}{\partial y_j} = y_j - t_j (line 14).
    assert squared_error_differences(lambda y, t: y - t) == [0, 0, 0]


def test_a_wrong_squared_error_gradient_fails():
    assert any(d != 0 for d in squared_error_differences(lambda y, t: 2 * (y - t)))
