"""The computational-graph gates and the staged worked example of
docs/backprop/computational_graphs.md.

Oracles: central differences of each forward in float64; one-sided
differences at the max gate's tie; the fork example's gradient written out by
hand, (2uv + v^2, u^2 + 2uv); and, for every stored gradient of the worked
example, SymPy's derivative of the expression evaluated by mpmath at 50
digits. None of them uses the snippets' backward rules.
"""

from __future__ import annotations

from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp

from sitekit.catalogue import load_snippet

ROOT = Path(__file__).resolve().parent.parent
gates = load_snippet(ROOT / "snippets" / "graph" / "gates.py")
staged = load_snippet(ROOT / "snippets" / "graph" / "staged.py")

EPS = np.finfo(np.float64).eps
# Central differences in float64 at step h: rounding about eps / h = 2e-10
# relative, truncation about h^2 = 1e-12; the bound leaves a margin of 50.
STEP = 1e-6
FD_BOUND = 1e-8
# Float64 against the 50-digit value: a few roundings per gate, on the scale
# of the terms a fork adds (their sum may cancel).
ULP_BOUND = 8

GATES = ["add", "multiply", "max"]
rng = np.random.default_rng(1414)
# Random points away from a tie, with upstream gradients that are not 1.
POINTS = [(float(u), float(v), float(dq)) for u, v, dq in
          zip(rng.uniform(-5, 5, 12), rng.uniform(-5, 5, 12), rng.uniform(-3, 3, 12))]


def central(f, x, h=STEP):
    return (f(x + h) - f(x - h)) / (2 * h)


def close(got, want, bound=FD_BOUND):
    return abs(got - want) <= bound * max(abs(got), abs(want), 1.0)


@pytest.mark.parametrize("name", GATES)
@pytest.mark.parametrize("u, v, dq", POINTS)
def test_gate_backward_matches_central_differences(name, u, v, dq):
    forward, backward = getattr(gates, f"{name}_forward"), getattr(gates, f"{name}_backward")
    _, cache = forward(u, v)
    du, dv = backward(dq, cache)
    fd_u = dq * central(lambda x: forward(x, v)[0], u)
    fd_v = dq * central(lambda x: forward(u, x)[0], v)
    assert close(du, fd_u), (du, fd_u)
    assert close(dv, fd_v), (dv, fd_v)


@pytest.mark.parametrize("name", GATES)
def test_gates_work_entry_by_entry_on_arrays(name):
    forward, backward = getattr(gates, f"{name}_forward"), getattr(gates, f"{name}_backward")
    u, v, dq = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    q, cache = forward(u, v)
    du, dv = backward(dq, cache)
    assert q.shape == du.shape == dv.shape == u.shape
    for index in np.ndindex(u.shape):
        scalar_du, scalar_dv = backward(dq[index], forward(u[index], v[index])[1])
        assert du[index] == scalar_du and dv[index] == scalar_dv


def test_add_distributes_and_multiply_swaps_exactly():
    for u, v, dq in POINTS:
        assert gates.add_backward(dq, gates.add_forward(u, v)[1]) == (dq, dq)
        assert gates.multiply_backward(dq, gates.multiply_forward(u, v)[1]) == (dq * v, dq * u)


def test_max_routes_everything_to_the_larger_input():
    for u, v, dq in POINTS:
        du, dv = gates.max_backward(dq, gates.max_forward(u, v)[1])
        larger, smaller = (du, dv) if u > v else (dv, du)
        assert larger == dq and smaller == 0


def tie_shares_are_a_subgradient(max_backward, c):
    """At u = v = c: each share lies between the one-sided differences of max
    in its input, and the shares add up to the derivative of max(x, x) = x.
    A power-of-2 step keeps every difference exact at these c."""
    h = 2.0**-20
    share_u, share_v = (float(s) for s in max_backward(1.0, (c, c)))
    checks = []
    for share, f in [(share_u, lambda x: max(x, c)), (share_v, lambda x: max(c, x))]:
        left, right = (f(c) - f(c - h)) / h, (f(c + h) - f(c)) / h
        checks.append(left <= share <= right)
    diagonal = (max(c + h, c + h) - max(c - h, c - h)) / (2 * h)
    checks.append(share_u + share_v == diagonal)
    return all(checks)


TIES = [0.0, 1.5, -3.0, 1024.0]


@pytest.mark.parametrize("c", TIES)
def test_max_at_a_tie_splits_the_gradient_in_halves(c):
    assert tie_shares_are_a_subgradient(gates.max_backward, c)
    du, dv = gates.max_backward(2.0, gates.max_forward(c, c)[1])
    assert du == dv == 1.0


def test_max_tie_convention_on_arrays():
    u = np.array([1.0, 2.0, 3.0])
    v = np.array([3.0, 2.0, 1.0])
    du, dv = gates.max_backward(np.ones(3), gates.max_forward(u, v)[1])
    assert du.tolist() == [0.0, 0.5, 1.0] and dv.tolist() == [1.0, 0.5, 0.0]


@pytest.mark.parametrize("c", TIES)
def test_the_tie_check_rejects_strict_and_non_strict_masks(c):
    """The page's common mistake 2: the check above can fail."""
    def strict(dq, cache):
        u, v = cache
        return dq * float(u > v), dq * float(v > u)

    def non_strict(dq, cache):
        u, v = cache
        return dq * float(u >= v), dq * float(v >= u)

    assert not tie_shares_are_a_subgradient(strict, c)
    assert not tie_shares_are_a_subgradient(non_strict, c)


@pytest.mark.parametrize("u, v, _dq", POINTS)
def test_fork_example_sums_both_uses(u, v, _dq):
    E, du, dv = gates.fork_example(u, v)
    assert close(du, central(lambda x: gates.fork_example(x, v)[0], u))
    assert close(dv, central(lambda x: gates.fork_example(u, x)[0], v))
    # The same gradient by hand: E = u^2 v + u v^2.
    assert abs(du - (2 * u * v + v * v)) <= 8 * EPS * (2 * abs(u * v) + v * v)
    assert abs(dv - (u * u + 2 * u * v)) <= 8 * EPS * (u * u + 2 * abs(u * v))


# The worked example in SymPy: each stored value as a function of its inputs.
_u, _v = sp.symbols("u v", real=True)
_q = {f"q{i}": sp.Symbol(f"q{i}", real=True) for i in range(1, 8)}


def _sigma(x):
    return 1 / (1 + sp.exp(-x))


NODES = {
    "q1": _sigma(_v),
    "q2": _u + _q["q1"],
    "q3": _sigma(_u),
    "q4": _u + _v,
    "q5": _q["q4"] ** 2,
    "q6": _q["q3"] + _q["q5"],
    "q7": 1 / _q["q6"],
    "E": _q["q2"] * _q["q7"],
}


def _expand(expression, keep=None):
    """Substitute every stored value by its definition, except `keep`."""
    while True:
        names = [name for name, symbol in _q.items() if symbol in expression.free_symbols and name != keep]
        if not names:
            return expression
        expression = expression.subs({_q[name]: NODES[name] for name in names})


def _exact_gradients():
    """dE/d(every stored value), each with the other values that do not
    depend on it held fixed: what a backward pass computes."""
    gradients = {"E": sp.Integer(1), "u": sp.diff(_expand(NODES["E"]), _u),
                 "v": sp.diff(_expand(NODES["E"]), _v)}
    for name, symbol in _q.items():
        gradients[name] = _expand(sp.diff(_expand(NODES["E"], keep=name), symbol).subs(symbol, NODES[name]))
    return {name: sp.lambdify((_u, _v), g, "mpmath") for name, g in gradients.items()}


EXACT = _exact_gradients()
# The scale a float64 gradient is judged on: a fork adds terms that may cancel.
FORK_TERMS = {
    "u": lambda g, s: [g["q2"], s(g, "q3"), g["q4"]],
    "v": lambda g, s: [s(g, "q1"), g["q4"]],
}
STAGED_POINTS = [(3.0, -4.0)] + [(float(a), float(b)) for a, b in
                                 zip(rng.uniform(-6, 6, 10), rng.uniform(-6, 6, 10))]


def staged_errors_in_ulps(backward, u, v):
    """Each stored gradient's error against the 50-digit value, in ULPs of
    its scale (the sum of the magnitudes of the terms at a fork)."""
    got = backward(staged.staged_forward(u, v)[1])
    with mpmath.workdps(50):
        exact = {name: fn(mpmath.mpf(u), mpmath.mpf(v)) for name, fn in EXACT.items()}
        sig = {"q1": 1 / (1 + mpmath.exp(-mpmath.mpf(v))), "q3": 1 / (1 + mpmath.exp(-mpmath.mpf(u)))}

        def through_sigmoid(g, name):
            return sig[name] * (1 - sig[name]) * g[name]

        errors = {}
        for name, want in exact.items():
            terms = FORK_TERMS[name](exact, through_sigmoid) if name in FORK_TERMS else [want]
            scale = max(sum(abs(t) for t in terms), mpmath.mpf(np.finfo(np.float64).tiny))
            errors[name] = float(abs(mpmath.mpf(float(got[name])) - want) / (scale * EPS))
    return errors


@pytest.mark.parametrize("u, v", STAGED_POINTS)
def test_staged_backward_matches_sympy_at_50_digits(u, v):
    errors = staged_errors_in_ulps(staged.staged_backward, u, v)
    assert set(errors) == set(EXACT)
    worst = max(errors, key=errors.get)
    assert errors[worst] <= ULP_BOUND, (worst, errors[worst])


def test_the_sympy_check_fails_on_a_fork_that_overwrites():
    """The page's common mistake 1, du keeping only its last use."""
    def overwriting(cache):
        gradients = staged.staged_backward(cache)
        gradients["u"] = gradients["q4"]
        return gradients

    assert staged_errors_in_ulps(overwriting, 3.0, -4.0)["u"] > 1e6


@pytest.mark.parametrize("u, v", STAGED_POINTS)
def test_staged_gradient_matches_central_differences(u, v):
    gradients = staged.staged_backward(staged.staged_forward(u, v)[1])
    assert close(gradients["u"], central(lambda x: staged.staged_forward(x, v)[0], u))
    assert close(gradients["v"], central(lambda x: staged.staged_forward(u, x)[0], v))


def test_staged_forward_value_matches_the_expression():
    for u, v in STAGED_POINTS:
        E, _ = staged.staged_forward(u, v)
        with mpmath.workdps(50):
            exact = sp.lambdify((_u, _v), _expand(NODES["E"]), "mpmath")(mpmath.mpf(u), mpmath.mpf(v))
            assert abs(mpmath.mpf(float(E)) - exact) <= ULP_BOUND * EPS * abs(exact)


def test_max_backward_agrees_with_jax_maximum():
    """The page says the tie convention is JAX's too (jax is pinned in
    requirements-dev.txt)."""
    import jax
    import jax.numpy as jnp

    grad = jax.grad(jnp.maximum, argnums=(0, 1))
    for u, v in [(c, c) for c in TIES] + [(1.0, 2.0), (2.0, 1.0)]:
        assert tuple(float(g) for g in grad(u, v)) == tuple(float(s) for s in gates.max_backward(1.0, (u, v)))
