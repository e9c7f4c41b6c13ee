"""The gradient-check routine (snippets/network/gradcheck.py): its central
differences against closed forms, r = 0 when both sides are 0, the kinked and
tiny flags, the random entries; its step at the bottom of the float64
error curve; its thresholds on real cases (correct gradients below GOOD, bugs
above WRONG); and the page and the notebook running this one routine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

from sitekit.catalogue import load_snippet
from sitekit.notebook import section

ROOT = Path(__file__).resolve().parent.parent
gc = load_snippet(ROOT / "snippets" / "network" / "gradcheck.py")
mlp = load_snippet(ROOT / "snippets" / "network" / "mlp.py")
MACHINE = np.finfo(np.float64)


# --- relative_error --------------------------------------------------------------------


def test_both_sides_zero_agree():
    with np.errstate(all="raise"):  # no 0 / 0 on the way
        r = gc.relative_error(np.zeros(3), np.zeros(3))
    assert np.array_equal(r, np.zeros(3))


@pytest.mark.parametrize("u, v", [(1.0, 2.0), (-3.0, 3.0), (1e-300, 3e-300), (5e-324, 0.0)])
def test_relative_error_is_symmetric_and_scale_free(u, v):
    r = gc.relative_error(u, v)
    assert r == gc.relative_error(v, u)
    # Scaling both by a power of 2 is exact, so r must not move, unless
    # max(|u|, |v|) was below the smallest normal float, where nu takes over.
    if max(abs(u), abs(v)) >= MACHINE.tiny:
        assert gc.relative_error(2.0**40 * u, 2.0**40 * v) == r
    else:
        assert r == abs(u - v) / MACHINE.tiny


def test_relative_error_of_a_factor_two_is_one_half():
    """|2v - v| / |2v| = 1/2 exactly: the factor-2 bug's r on the page."""
    v = np.random.default_rng(0).normal(size=50)
    assert np.all(gc.relative_error(2 * v, v) == 0.5)


# --- gradient_check on functions with closed forms --------------------------------------


def test_central_difference_of_a_cubic_is_the_closed_form():
    """For E = sum(x^3), the central difference is 3 x^2 + eps^2 exactly
    (the page's derivation); the computed one is off by rounding alone."""
    x = np.random.default_rng(1).uniform(0.5, 2.0, size=7)
    grad = 3 * x**2
    before = x.copy()
    result = gc.gradient_check(lambda: np.sum(x**3), x, grad)
    assert np.array_equal(x, before), "the array must be restored bit for bit"
    closed = 3 * x**2 + gc.EPS**2
    # Each value of E is rounded by a few ULPs of |E|; their difference, over 2 eps:
    bound = 8 * MACHINE.eps * np.sum(x**3) / (2 * gc.EPS)
    assert np.all(np.abs(result["numeric"] - closed) <= bound)
    assert np.all(result["r"] < gc.GOOD)
    assert not result["kinked"].any() and not result["tiny"].any()


def test_a_wrong_gradient_is_wrong():
    x = np.random.default_rng(2).uniform(0.5, 2.0, size=7)
    result = gc.gradient_check(lambda: np.sum(x**3), x, 2 * x**2)  # 2x^2 for 3x^2
    assert gc.verdict(gc.worst(result)) == "wrong"


def test_kinked_entries_are_flagged_and_not_judged():
    x = np.array([gc.EPS / 3, 0.5, -0.5, -gc.EPS / 4])
    result = gc.gradient_check(lambda: np.sum(np.maximum(x, 0)), x, (x > 0).astype(float), pattern=lambda: x > 0)
    assert result["kinked"].tolist() == [True, False, False, True]
    # Across the kink the difference averages the slopes 0 and 1: far from either.
    assert np.all(result["r"][result["kinked"]] > gc.WRONG)
    assert gc.worst(result) < gc.GOOD


def test_tiny_entries_are_flagged():
    """An entry below eps_mach |E| / eps / GOOD: the step cannot resolve it to GOOD."""
    x = np.array([0.3, 0.7])
    slope = 1e-9

    def loss():
        return 1.0 + slope * x[0] + x[1] ** 2

    result = gc.gradient_check(loss, x, np.array([slope, 2 * x[1]]))
    noise = MACHINE.eps * loss() / gc.EPS
    assert slope < noise / gc.GOOD
    assert result["tiny"].tolist() == [True, False]
    # Right, but judged by r it would not look it; by |u - v| it does.
    assert abs(result["analytic"][0] - result["numeric"][0]) <= 4 * noise


def test_count_checks_that_many_distinct_random_entries():
    W = np.random.default_rng(3).normal(size=(6, 5))
    a = gc.gradient_check(lambda: np.sum(W**2), W, 2 * W, count=7, rng=np.random.default_rng(9))
    b = gc.gradient_check(lambda: np.sum(W**2), W, 2 * W, count=7, rng=np.random.default_rng(9))
    assert len(a["index"]) == 7 == len(set(a["index"]))
    assert a["index"] == b["index"]
    assert len(gc.gradient_check(lambda: np.sum(W**2), W, 2 * W, count=100)["index"]) == W.size


def test_worst_and_verdict():
    flags = np.array([False, True, False])
    result = {"r": np.array([1e-9, 0.5, 3e-8]), "kinked": flags, "tiny": np.zeros(3, dtype=bool)}
    assert gc.worst(result) == 3e-8
    assert np.isnan(gc.worst({**result, "kinked": np.ones(3, dtype=bool)}))
    assert [gc.verdict(r) for r in (gc.GOOD / 2, gc.GOOD * 2, gc.WRONG * 2, float("nan"))] == [
        "good", "look closer", "wrong", "look closer"]


# --- the step and the thresholds, on the notebook's network -------------------------------


@pytest.fixture(scope="module")
def batch():
    digits = load_digits()
    return digits.data[:32] / 16.0, np.eye(10)[digits.target[:32]]


def _network(seed):
    rng = np.random.default_rng(seed)
    params = mlp.init_params(64, 10, 10, rng)
    params["b1"], params["b2"] = rng.normal(size=10), rng.normal(size=10)
    return params


def _loss(params, X, T):
    """loss_and_grads' loss by the same operations, without the backward pass
    it would redo at every one of the central differences' evaluations."""
    return mlp.softmax_cross_entropy(mlp.forward(params, X)[0], T)


def _check_all(loss, params, grads, **options):
    results = [gc.gradient_check(loss, params[name], grads[name], **options) for name in params]
    return {key: np.concatenate([r[key] for r in results]) for key in ("analytic", "numeric", "r", "kinked", "tiny")}


def _relu_network(params, X, T):
    """A ReLU network written out here, not from the layer snippets: the loss
    and its gradient by the matrix formulas."""
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ params["W2"] + params["b2"]
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    Delta2 = (np.exp(log_P) - T) / len(X)
    Delta1 = (Delta2 @ params["W2"].T) * (Z1 > 0)
    grads = {"W1": X.T @ Delta1, "b1": Delta1.sum(axis=0), "W2": A1.T @ Delta2, "b2": Delta2.sum(axis=0)}
    return -np.sum(T * log_P) / len(X), grads


@pytest.mark.parametrize("dtype, relation", [("float64", "equal"), ("float32", "larger")])
def test_eps_is_the_bottom_of_the_float64_curve(batch, dtype, relation):
    """The median r over all entries, for steps 1e-1 ... 1e-10: its lowest
    step is EPS in float64, and a step at least 100 times larger in float32."""
    X, T = batch
    params = _network(1)
    grads = mlp.loss_and_grads(params, X, T)[1]
    params = {name: value.astype(dtype) for name, value in params.items()}
    X, T = X.astype(dtype), T.astype(dtype)
    steps = [10.0**-k for k in range(1, 11)]
    medians = []
    for eps in steps:
        result = _check_all(lambda: _loss(params, X, T), params, grads, eps=eps)
        medians.append(np.median(result["r"][result["r"] > 0]))
    bottom = steps[int(np.argmin(medians))]
    if relation == "equal":
        assert bottom == gc.EPS, medians
    else:
        assert bottom >= 100 * gc.EPS, medians
        assert min(medians) > gc.GOOD, "float32 cannot reach GOOD"


def test_correct_gradients_are_good_and_bugs_wrong(batch):
    X, T = batch
    params = _network(2)
    loss, grads = mlp.loss_and_grads(params, X, T)
    correct = _check_all(lambda: _loss(params, X, T), params, grads)
    assert gc.worst(correct) < gc.GOOD
    # ... judged on nearly all entries: few are too small for the step.
    assert correct["tiny"].mean() < 0.1
    # The pixels that are 0 in every image: both sides exactly 0, r exactly 0.
    both_zero = (correct["analytic"] == 0) & (correct["numeric"] == 0)
    assert both_zero.sum() >= 10 * np.all(X == 0, axis=0).sum() > 0
    assert np.all(correct["r"][both_zero] == 0)

    bugs = {"transpose": dict(grads), "factor 2": dict(grads), "slope": dict(grads)}
    A1 = np.tanh(X @ params["W1"] + params["b1"])
    Delta2 = mlp.softmax_cross_entropy_grad(A1 @ params["W2"] + params["b2"], T)
    Delta1_transposed = (Delta2 @ params["W2"]) * (1 - A1**2)  # W2 is square
    Delta1_no_slope = Delta2 @ params["W2"].T
    bugs["transpose"].update(W1=X.T @ Delta1_transposed, b1=Delta1_transposed.sum(axis=0))
    bugs["slope"].update(W1=X.T @ Delta1_no_slope, b1=Delta1_no_slope.sum(axis=0))
    bugs["factor 2"]["W2"] = 2 * grads["W2"]
    for name, wrong in bugs.items():
        result = _check_all(lambda: _loss(params, X, T), params, wrong)
        assert gc.worst(result) > gc.WRONG, name


def test_relu_network_near_a_kink(batch):
    X, T = batch
    params = _network(3)
    Z1 = X @ params["W1"] + params["b1"]
    n, j = 0, int(np.argmin(np.abs(Z1[0])))
    params["b1"][j] -= Z1[n, j] - gc.EPS / 3

    def pattern():
        return (X @ params["W1"] + params["b1"]) > 0

    grads = _relu_network(params, X, T)[1]
    result = _check_all(lambda: _relu_network(params, X, T)[0], params, grads, pattern=pattern)
    assert result["kinked"].any()
    assert gc.worst(result) < gc.GOOD
    # Crossing the kink looks like a bug for some entries: why they are flagged.
    assert result["r"][result["kinked"]].max() > 100 * gc.GOOD
    again = _check_all(lambda: _relu_network(params, X, T)[0], params, grads, eps=gc.EPS / 10, pattern=pattern)
    assert not again["kinked"].any()
    assert gc.worst(again) < gc.GOOD


# --- one routine, used by the page and by the notebook -----------------------------------


def test_page_and_notebook_use_the_routine():
    page = (ROOT / "docs" / "backprop" / "gradient_checking.md").read_text()
    assert '--8<-- "network/gradcheck.py:check"' in page
    notebook = json.loads((ROOT / "docs" / "backprop" / "train_mlp.ipynb").read_text())
    code = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert section("network/gradcheck.py", "check") in code
    # No step or threshold of its own: the notebook's numbers are the routine's.
    check_cell = next(c for c in code if "gradient_check(" in c and "def gradient_check" not in c)
    assert not re.search(r"\d(\.\d*)?e-\d", check_cell), check_cell
