"""Numbers typed in the prose of the softmax and softmin pages, each
asserted (tests/test_claims_vector.py takes the other vector pages).

Every test carries `@pytest.mark.claim(page, fragment)` with the sentence
it backs (read by tests/test_prose_numbers.py) and recomputes what that
sentence states from the snippets, SymPy or mpmath, never restating it.
"""

from __future__ import annotations

import re
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from claim_helpers import DOCS, block_after
from sitekit.catalogue import snippet
from sitekit.definitions_vector import softmin_outputs
from vector_claims import SOFTMAX, F64, iverson_jacobian_matches, mp_sigmoid_grad, page_line_number


# ---------------------------------------------------------------- softmax

@pytest.mark.claim("activations/softmax.md", r"Every \(p_i\) lies in \((0, 1)\), and the \(p_i\) sum to 1.")
def test_softmax_is_a_distribution():
    from sitekit.definitions import softmax_expr

    zs, ps = softmax_expr(3)
    assert sp.simplify(sum(ps) - 1) == 0
    for i, p in enumerate(ps):
        # 1/p_i - 1 is a sum of exponentials, > 0: so 0 < p_i < 1.
        others = sum(sp.exp(w - zs[i]) for k, w in enumerate(zs) if k != i)
        assert sp.simplify(1 / p - 1 - others) == 0
    rng = np.random.default_rng(4)
    for size in (2, 3, 10):
        p = snippet("softmax").softmax(rng.normal(0, 5, size))
        assert np.all((p > 0) & (p < 1)) and abs(p.sum() - 1) <= size * F64.eps


@pytest.mark.claim("activations/softmax.md", r"Three scores \(z = (x, 0, -1)\), the first one varying: the three outputs always sum to 1,")
def test_softmax_plot_outputs_sum_to_one():
    block = block_after(SOFTMAX, "Three scores")
    assert "np.stack([x, np.zeros_like(x), np.full_like(x, -1.0)], axis=-1)" in block
    xs = np.linspace(-6, 6, 2001)
    p = snippet("softmax").softmax(np.stack([xs, np.zeros_like(xs), np.full_like(xs, -1.0)], axis=-1))
    assert p.shape[1] == 3 and np.all(np.abs(p.sum(axis=1) - 1) <= 3 * F64.eps)


@pytest.mark.claim("activations/softmax.md", r"where the Iverson bracket \([i = j]\) is 1 if \(i = j\) and 0 otherwise.")
def test_softmax_jacobian_with_iverson_bracket():
    from sitekit.definitions import softmax_expr

    zs, ps = softmax_expr(3)
    iverson_jacobian_matches(3, ps, zs, lambda i, j, b: ps[i] * (b - ps[j]))


@pytest.mark.claim("activations/softmax.md", "symmetric, with rows that sum to 0 (shifting all scores changes nothing).")
def test_softmax_jacobian_symmetric_rows_sum_to_zero():
    from sitekit.definitions import softmax_expr

    zs, ps = softmax_expr(3)
    jacobian = sp.Matrix(ps).jacobian(zs)
    assert sp.simplify(jacobian - jacobian.T) == sp.zeros(3, 3)
    assert all(sp.simplify(sum(jacobian.row(i))) == 0 for i in range(3))
    c = sp.Symbol("c", real=True)
    assert all(sp.simplify(p.subs({z: z + c for z in zs}, simultaneous=True) - p) == 0 for p in ps)
    j = snippet("softmax").softmax_jacobian(np.random.default_rng(5).normal(0, 3, 6))
    np.testing.assert_array_equal(j, j.T)
    assert np.all(np.abs(j.sum(axis=1)) <= 6 * F64.eps)


@pytest.mark.claim("activations/softmax.md",
                   r"Once \(p_i\) rounds to 1, \(1 - p_i\) is exactly 0, while the true slope is still a normal number. "
                   r"For \(z = (x, 0)\) the build finds where \(p_1\) first rounds to 1 in float64,")
def test_softmax_from_output_slope_is_zero_once_p_rounds_to_one():
    from sitekit.tables import first_x_where

    sm = snippet("softmax")
    x_one = first_x_where(lambda x: sm.softmax([x, 0.0])[0] == 1.0, 0.0, 100.0)
    mpmath.mp.dps = 60
    for x in (x_one, x_one + 1, 2 * x_one):
        p = sm.softmax([x, 0.0])
        assert p[0] == 1.0 and 1 - p[0] == 0.0 and sm.softmax_jacobian_from_output(p)[0, 0] == 0.0
        assert float(mp_sigmoid_grad(mpmath.mpf(x))) >= F64.tiny  # dp_1/dz_1 = sigma'(x)
    below = sm.softmax([np.nextafter(x_one, 0), 0.0])
    assert below[0] < 1.0 and sm.softmax_jacobian_from_output(below)[0, 0] != 0.0
    # The page's block bisects on z = (x, 0) for the same x.
    assert "softmax([mid, 0.0])[0] == 1.0" in block_after(SOFTMAX, "For \\(z = (x, 0)\\) the build")


@pytest.mark.claim("activations/softmax.md",
                   r"every \(e^{z_i - m}\) is then in \([0, 1]\), and the largest is exactly 1, "
                   r"so nothing overflows and the sum is at least 1.")
def test_softmax_shift_by_max_bounds():
    sm = snippet("softmax")
    rng = np.random.default_rng(6)
    rows = [rng.normal(0, 10, 10), np.array([1e308, -1e308, 700.0]), np.array([-1e308, -1e308 * 0.5]),
            np.array([-np.inf, 3.0, 3.0])]
    for z in rows:
        with np.errstate(over="raise", invalid="raise"):
            e = sm._exp_minus_max(z, -1)
        assert np.all((e >= 0) & (e <= 1)) and e.max() == 1.0 and e.sum() >= 1.0


@pytest.mark.claim("activations/softmax.md",
                   r"when every score is below \(\ln(\text{smallest subnormal} / 2)\), every `exp` rounds to 0 "
                   r"and it returns \(0 / 0\) = NaN.")
def test_softmax_naive_underflows_to_nan():
    edge = float(mpmath.log(mpmath.mpf(F64.smallest_subnormal) / 2))
    below, above = np.nextafter(edge, -np.inf), np.nextafter(edge, 0)
    assert np.exp(below) == 0.0 and np.exp(above) == F64.smallest_subnormal
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        naive = snippet("softmax").softmax_naive(np.array([below, below - 1]))
    assert np.all(np.isnan(naive)) and any(issubclass(w.category, RuntimeWarning) for w in caught)
    assert np.all(np.isfinite(snippet("softmax").softmax_naive(np.array([above, above]))))


@pytest.mark.claim("activations/softmax.md",
                   r"The build draws 1000 rows of 10 logits \(z_k \sim \mathcal{N}(0, 10^2)\) (seeded),")
def test_softmax_shift_only_experiment_sizes():
    block = block_after(SOFTMAX, "The build draws")
    loc, scale, rows, size = re.search(r"rng\.normal\(([\d.]+), ([\d.]+), size=\((\d+), (\d+)\)\)", block).groups()
    fragment = "The build draws"
    assert page_line_number(SOFTMAX, fragment, "rows") == int(rows)
    assert page_line_number(SOFTMAX, fragment, "logits") == int(size)
    assert page_line_number(SOFTMAX, fragment, "^2)") == float(scale)  # N(0, 10^2): the standard deviation
    assert float(loc) == 0.0
    assert re.search(r"default_rng\(\d+\)", block)  # seeded


@pytest.mark.claim("activations/softmax.md",
                   r"- \(+\infty\) entries share the mass equally and every other entry gets 0: "
                   r"the limit as the infinite entries grow together. "
                   r"- \(-\infty\) entries get 0 when some entry is finite or \(+\infty\) (the limit). "
                   r"- A row of \(-\infty\) only is undefined: every \(e^{z_k}\) is 0, so the formula is \(0/0\),")
def test_softmax_infinite_scores():
    sm = snippet("softmax")
    inf = np.inf
    np.testing.assert_array_equal(sm.softmax([inf, inf, 0.0, -inf]), [0.5, 0.5, 0.0, 0.0])
    np.testing.assert_array_equal(sm.softmax([inf, 1.0, inf, inf]), [1 / 3, 0.0, 1 / 3, 1 / 3])
    np.testing.assert_array_equal(sm.softmax([-inf, 0.0, 0.0]), [0.0, 0.5, 0.5])
    np.testing.assert_array_equal(sm.softmax([-inf, inf]), [0.0, 1.0])
    assert np.exp(-inf) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isnan(sm.softmax([-inf, -inf, -inf])))
    from sitekit.definitions import softmax_expr

    zs, ps = softmax_expr(2)
    assert sp.limit(ps[0], zs[0], sp.oo) == 1 and sp.limit(ps[1], zs[0], sp.oo) == 0
    assert sp.limit(ps[0], zs[0], -sp.oo) == 0


@pytest.mark.claim("activations/softmax.md",
                   r"\(\partial S / \partial z_k\) comes out as \(S\) instead of \(e^{z_k}\), and the derivative of \(p_k\) as 0.")
def test_softmax_reused_index_derivative_is_zero():
    z = sp.IndexedBase("z")
    k = sp.Symbol("k", integer=True)
    size = sp.Symbol("K", integer=True, positive=True)
    total = sp.Sum(sp.exp(z[k]), (k, 1, size))
    assert sp.simplify(sp.diff(total, z[k]) - total) == 0
    reused = sp.exp(z[k]) / total
    assert sp.simplify(sp.diff(reused, z[k])) == 0
    fresh = sp.exp(z[1]) / sp.Sum(sp.exp(z[k]), (k, 1, 3)).doit()
    assert sp.diff(fresh, z[1]).subs({z[1]: 1, z[2]: 2, z[3]: 3}) != 0


@pytest.mark.claim("activations/softmax.md",
                   r"The build backpropagates a cross-entropy loss \(E = -\log p_1\) (the target is class 1) both ways,")
def test_softmax_cross_entropy_block_targets_class_one():
    target = int(page_line_number(SOFTMAX, "(the target is class", ")"))
    block = block_after(SOFTMAX, "The build backpropagates a cross-entropy loss")
    sm = snippet("softmax")
    namespace = {"np": np, "softmax": sm.softmax}
    setup = "\n".join(line for line in block.splitlines() if line.startswith(("z = ", "p = ", "p_bar = ", "loss = ")))
    exec(setup, namespace)  # noqa: S102 - the page's own block
    z, p = namespace["z"], namespace["p"]
    # p_bar is dE/dp for E = -log p_target, and loss is that E.
    ps = sp.symbols("p1:4", positive=True)
    gradient = [sp.diff(-sp.log(ps[target - 1]), q).subs(dict(zip(ps, p))) for q in ps]
    np.testing.assert_allclose(namespace["p_bar"], np.array(gradient, dtype=float), rtol=F64.eps)
    assert namespace["loss"](z) == -np.log(sm.softmax(z)[target - 1])


@pytest.mark.claim("activations/softmax.md", "rows summing to 1; `axis` on 3-D batches;")
def test_softmax_tests_check_rows_and_3d_axis():
    import inspect

    import test_softmax
    import vector_checks
    import vector_harness

    # The generic checks test_softmax.py collects for softmax: rows summing to 1, and axes of a 3-D batch.
    rows = test_softmax.test_rows_sum_to_one
    assert rows is vector_checks.test_rows_sum_to_one and vector_harness.applicable(rows, ["softmax"])
    assert "forward(z)" in inspect.getsource(rows) and "- 1.0" in inspect.getsource(rows)
    assert "AXIS_SHAPE" in inspect.getsource(test_softmax.test_axis)
    assert len(vector_harness.AXIS_SHAPE) == 3
    axes = test_softmax.test_axis.pytestmark[0].args[1]
    assert set(axes) >= {0, 1, 2}


# ---------------------------------------------------------------- softmin

softmin_expr = softmin_outputs  # the definition the tests evaluate


@pytest.mark.claim("activations/softmin.md", r"Every \(q_i\) lies in \((0, 1)\), the \(q_i\) sum to 1,")
def test_softmin_is_a_distribution():
    zs, qs = softmin_expr(3)
    assert sp.simplify(sum(qs) - 1) == 0
    for i, q in enumerate(qs):
        # 1/q_i - 1 is a sum of exponentials, > 0: so 0 < q_i < 1.
        others = sum(sp.exp(zs[i] - w) for k, w in enumerate(zs) if k != i)
        assert sp.simplify(1 / q - 1 - others) == 0
    rng = np.random.default_rng(2)
    for size in (2, 3, 10):
        z = rng.normal(0, 5, size)
        q = snippet("softmin").softmin(z)
        assert np.all((q > 0) & (q < 1))
        assert abs(q.sum() - 1) <= size * F64.eps


@pytest.mark.claim("activations/softmin.md",
                   r"It is the Boltzmann (Gibbs) distribution over energies \(z_i\) at temperature 1,")
def test_softmin_is_boltzmann_at_temperature_one():
    temperature = sp.Symbol("T", positive=True)
    zs, qs = softmin_expr(3)
    boltzmann = [sp.exp(-z / temperature) / sum(sp.exp(-w / temperature) for w in zs) for z in zs]
    (solution,) = sp.solve(sp.Eq(boltzmann[0].subs({zs[1]: 0, zs[2]: 0, zs[0]: 1}),
                                 qs[0].subs({zs[1]: 0, zs[2]: 0, zs[0]: 1})), temperature)
    assert solution == 1
    assert all(sp.simplify(b.subs(temperature, solution) - q) == 0 for b, q in zip(boltzmann, qs))


@pytest.mark.claim("activations/softmin.md",
                   r"where the Iverson bracket \([i = j]\) is 1 if \(i = j\) and 0 otherwise:")
def test_softmin_jacobian_with_iverson_bracket():
    zs, qs = softmin_expr(3)
    iverson_jacobian_matches(3, qs, zs, lambda i, j, b: -qs[i] * (b - qs[j]))


@pytest.mark.claim("activations/softmin.md", "symmetric, with rows that sum to 0.")
def test_softmin_jacobian_symmetric_rows_sum_to_zero():
    zs, qs = softmin_expr(3)
    jacobian = sp.Matrix(qs).jacobian(zs)
    assert sp.simplify(jacobian - jacobian.T) == sp.zeros(3, 3)
    assert all(sp.simplify(sum(jacobian.row(i))) == 0 for i in range(3))
    z = np.random.default_rng(3).normal(0, 3, 6)
    j = snippet("softmin").softmin_jacobian(z)
    np.testing.assert_array_equal(j, j.T)
    assert np.all(np.abs(j.sum(axis=1)) <= 6 * F64.eps)


@pytest.mark.claim("activations/softmin.md",
                   r"and is exactly 0 once \(q_i\) rounds to 1, while the true slope is still a normal number. "
                   r"For \(z = (-x, 0)\) the build finds where \(q_1\) first rounds to 1 in float64,")
def test_softmin_from_output_slope_is_zero_once_q_rounds_to_one():
    from sitekit.tables import first_x_where

    sm = snippet("softmin")
    x_one = first_x_where(lambda x: sm.softmin([-x, 0.0])[0] == 1.0, 0.0, 100.0)
    mpmath.mp.dps = 60
    for x in (x_one, x_one + 1, 2 * x_one):
        q = sm.softmin([-x, 0.0])
        assert q[0] == 1.0 and sm.softmin_jacobian_from_output(q)[0, 0] == 0.0
        exact = -mp_sigmoid_grad(mpmath.mpf(x))  # dq_1/dz_1 = -q_1 (1 - q_1), q_1 = sigma(x)
        assert float(-exact) >= F64.tiny
    below = sm.softmin([-np.nextafter(x_one, 0), 0.0])
    assert below[0] < 1.0 and sm.softmin_jacobian_from_output(below)[0, 0] != 0.0
    # The page's block finds that x the same way, on z = (-x, 0).
    text = (DOCS / "activations/softmin.md").read_text(encoding="utf-8")
    assert "first_x_where(lambda x: softmin([-x, 0.0])[0] == 1.0" in text


@pytest.mark.claim("activations/softmin.md",
                   r"when every score is above \(-\ln(\text{smallest subnormal} / 2)\), every \(e^{-z_i}\) rounds to 0, "
                   r"and it returns \(0 / 0\) = NaN.")
def test_softmin_naive_underflows_to_nan():
    edge = float(-mpmath.log(mpmath.mpf(F64.smallest_subnormal) / 2))
    above, below = np.nextafter(edge, np.inf), np.nextafter(edge, 0)
    assert np.exp(-above) == 0.0 and np.exp(-below) == F64.smallest_subnormal
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        naive = snippet("softmin").softmin_naive(np.array([above, above + 1]))
    assert np.all(np.isnan(naive)) and any(issubclass(w.category, RuntimeWarning) for w in caught)
    assert np.all(np.isfinite(snippet("softmin").softmin_naive(np.array([below, below]))))


@pytest.mark.claim("activations/softmin.md",
                   r"- \(-\infty\) entries (the smallest scores) share the mass equally, and every other entry gets 0. "
                   r"- \(+\infty\) entries get 0 when some entry is finite or \(-\infty\).")
def test_softmin_infinite_scores():
    sm = snippet("softmin")
    inf = np.inf
    np.testing.assert_array_equal(sm.softmin([-inf, -inf, 1.0, inf]), [0.5, 0.5, 0.0, 0.0])
    np.testing.assert_array_equal(sm.softmin([-inf, 3.0, -inf, -inf]), [1 / 3, 0.0, 1 / 3, 1 / 3])
    np.testing.assert_array_equal(sm.softmin([inf, 1.0]), [0.0, 1.0])
    np.testing.assert_array_equal(sm.softmin([inf, -inf]), [0.0, 1.0])
    # The limits of the definition agree.
    zs, qs = softmin_expr(2)
    assert sp.limit(qs[0], zs[0], -sp.oo) == 1 and sp.limit(qs[1], zs[0], -sp.oo) == 0
    assert sp.limit(qs[0], zs[0], sp.oo) == 0
