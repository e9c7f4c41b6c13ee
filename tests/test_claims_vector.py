"""Numbers typed in the prose of the GLU, SwiGLU and log_softmax pages, and
the random-vector sizes the softmax family's pages state, each asserted
(tests/test_claims_softmax.py takes softmax and softmin).

Each test is marked `@pytest.mark.claim(page, fragment)`, the sentence it
backs, for tests/test_prose_numbers.py; it recomputes what the sentence
states from the snippets, SymPy, or mpmath at high precision.
"""

from __future__ import annotations

import re
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from claim_helpers import block_after
from sitekit.catalogue import snippet
from sitekit.definitions_vector import ROOT_GAP, VECTOR_DEFINITIONS, log_softmax_outputs
from vector_claims import F64, iverson_jacobian_matches, mp_sigmoid, mp_sigmoid_grad, page_line_number, u_, v_


# ---------------------------------------------------------------- GLU

@pytest.mark.claim("activations/glu.md", r"The output \(2\,\sigma(x)\) opens from 0 to 2;")
def test_glu_slice_opens_from_zero_to_two():
    glu = snippet("glu").glu
    # The plotted slice: value half u = 2, gate v = x (the plot block's pair()).
    xs = np.linspace(-40, 40, 8001)
    ys = glu(np.stack([np.full_like(xs, 2.0), xs], axis=-1))[:, 0]
    assert np.all(np.diff(ys) >= 0) and np.all((ys >= 0) & (ys <= 2))
    # The limits at both ends of the gate: closed (0) and fully open (u = 2).
    assert glu(np.array([2.0, -np.inf]))[0] == 0.0
    assert glu(np.array([2.0, np.inf]))[0] == 2.0
    assert sp.limit(2 / (1 + sp.exp(-u_)), u_, sp.oo) == 2
    assert sp.limit(2 / (1 + sp.exp(-u_)), u_, -sp.oo) == 0


@pytest.mark.claim("activations/glu.md", "and every other partial derivative is 0.")
def test_glu_cross_partials_vanish():
    # SymPy: y_i = u_i sigma(v_i) for m = 3; d y_i / d u_j, d v_j for j != i.
    us, vs = sp.symbols("u1:4", real=True), sp.symbols("v1:4", real=True)
    ys = [u * (1 / (1 + sp.exp(-v))) for u, v in zip(us, vs)]
    for i, y in enumerate(ys):
        for j in range(3):
            if j != i:
                assert sp.diff(y, us[j]) == 0 and sp.diff(y, vs[j]) == 0
    # The snippet's VJP: a one-hot upstream gradient reaches only its own pair.
    rng = np.random.default_rng(0)
    x = rng.normal(size=6)
    for i in range(3):
        dx = snippet("glu").glu_vjp(x, np.eye(3)[i])
        others = [k for k in range(6) if k not in (i, i + 3)]
        assert np.all(dx[others] == 0.0) and np.all(dx[[i, i + 3]] != 0.0)


@pytest.mark.claim("activations/glu.md",
                   r"while \(e^{-745}\) is a subnormal with one significant bit, and \(e^{-750}\) rounds to 0.")
def test_exp_minus_745_is_one_bit_and_750_is_zero():
    tiny = np.exp(-745.0)
    assert 0 < tiny < F64.tiny
    assert tiny == F64.smallest_subnormal  # a single significant bit
    assert np.exp(-750.0) == 0.0
    # ... while u sigma(v) at u = 1e308, v = -745 (the sentence before) is normal.
    assert snippet("glu").glu(np.array([1e308, -745.0]))[0] >= F64.tiny


@pytest.mark.claim("activations/glu.md",
                   r"Nothing can overflow or underflow on the way; only the result itself rounds to 0 or \(\pm\infty\).")
def test_glu_times_exp_only_the_result_rounds():
    glu = snippet("glu")
    mpmath.mp.dps = 60
    cases = [(1e308, -745.0, 1.0), (1e308, -1400.0, 1e308), (1e-300, -700.0, 1e-300),
             (1e308, 30.0, 1e308), (1e-320, -5.0, 1e-10), (3.0, -1.0, 2.0)]
    for u, v, dy in cases:
        x = np.array([u, v])
        # No overflow on the way (an underflow of e^-|v| next to 1 in a divisor
        # is harmless); the accuracy check below is what catches one that is not.
        with np.errstate(over="raise", invalid="raise"):
            y = glu.glu(x)[0]
            du, dv = glu.glu_vjp(x, np.array([dy]))
        mu, mdy, s = mpmath.mpf(u), mpmath.mpf(dy), mp_sigmoid(mpmath.mpf(v))
        for got, exact in [(y, mu * s), (du, mdy * s), (dv, mdy * mu * mp_sigmoid_grad(mpmath.mpf(v)))]:
            rounded = float(exact)  # mpmath rounds past the largest float to inf
            if rounded == 0.0 or np.isinf(rounded) or abs(rounded) < F64.tiny:
                # Only the final result rounds: to 0, inf, or a subnormal.
                assert got == rounded or abs(got - rounded) <= F64.smallest_subnormal
            else:
                assert abs(got - rounded) <= 8 * F64.eps * abs(rounded), (u, v, dy, got, rounded)


@pytest.mark.claim("activations/glu.md",
                   r"The textbook \(u \cdot 1/(1 + e^{-v})\) overflows in \(e^{-v}\) for \(v < -709\) (float64), "
                   r"and returns 0 with a warning, also where \(u\,\sigma(v)\) is a normal number.")
def test_glu_naive_overflows_to_zero():
    glu = snippet("glu")
    # e^{-v} overflows exactly past v = -709 (ln of the largest float).
    assert -710 < -float(mpmath.log(F64.max)) < -709
    with np.errstate(over="raise"):
        np.exp(709.0)
        with pytest.raises(FloatingPointError):
            np.exp(710.0)
    x = np.array([1e308, -745.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        naive = glu.glu_naive(x)[0]
    assert naive == 0.0 and any(issubclass(w.category, RuntimeWarning) for w in caught)
    assert glu.glu(x)[0] >= F64.tiny


@pytest.mark.claim("activations/glu.md",
                   r"(\(u\,\sigma(v)\) with \(u \to \infty\), \(v \to -\infty\) tends to 0 along \(u = -v\), "
                   r"to 1 along \(u = e^{-v}\)),")
def test_glu_infinity_times_zero_depends_on_the_path():
    sigma = 1 / (1 + sp.exp(-v_))
    assert sp.limit(-v_ * sigma, v_, -sp.oo) == 0
    assert sp.limit(sp.exp(-v_) * sigma, v_, -sp.oo) == 1
    # So the snippets have no limit to return there: NaN.
    assert np.isnan(snippet("glu").glu(np.array([np.inf, -np.inf]))[0])


@pytest.mark.claim("activations/glu.md",
                   r"A factor that is exactly 0 (\(u = 0\), or \(\bar{y} = 0\)) gives 0 whatever the others do.")
def test_glu_exact_zero_factor():
    glu = snippet("glu")
    for other in [np.inf, -np.inf, F64.max, -F64.max, 1.0]:
        assert glu.glu(np.array([0.0, other]))[0] == 0.0
        assert glu.glu_vjp(np.array([0.0, other]), np.array([1.0]))[1] == 0.0
        assert np.all(glu.glu_vjp(np.array([other, other]), np.array([0.0])) == 0.0)
        assert np.all(glu.glu_vjp(np.array([other, -other]), np.array([0.0])) == 0.0)


@pytest.mark.claim("activations/glu.md",
                   r"The textbook backward pass, through \(s = \sigma(v)\) and \(1 - s\), "
                   r"loses \(\partial E / \partial v\) once \(s\) rounds to 1, "
                   r"where the slope \(u\,\sigma(v)\,(1 - \sigma(v))\) is still a normal number")
def test_glu_naive_vjp_loses_dv_once_s_rounds_to_one():
    glu = snippet("glu")
    mpmath.mp.dps = 60
    checked = 0
    for v in np.linspace(30.0, 700.0, 200):
        s = 1 / (1 + np.exp(-v))
        exact = float(mp_sigmoid_grad(mpmath.mpf(v)))
        dv_naive = glu.glu_vjp_naive(np.array([1.0, v]), np.array([1.0]))[1]
        if s == 1.0:
            checked += 1
            assert dv_naive == 0.0 and exact >= F64.tiny
            dv = glu.glu_vjp(np.array([1.0, v]), np.array([1.0]))[1]
            assert abs(dv - exact) <= 8 * F64.eps * exact
        else:
            assert dv_naive != 0.0
    assert checked > 0


# ---------------------------------------------------------------- SwiGLU

@pytest.mark.claim("activations/swiglu.md",
                   r"The output is \(2 \operatorname{silu}(x)\), which dips below 0 left of the origin; "
                   r"\(\partial y / \partial v = \operatorname{silu}(x)\) is the gate itself, "
                   r"and \(\partial y / \partial u = 2 \operatorname{silu}'(x)\) crosses 0 at the minimum of silu.")
def test_swiglu_slice_dips_below_zero_and_slope_crosses_at_the_minimum():
    sw = snippet("swiglu")
    # The plotted slice: gate half u = x, value half v = 2 (the plot block's pair()).
    xs = np.linspace(-6, 3, 9001)
    pair = np.stack([xs, np.full_like(xs, 2.0)], axis=-1)
    ys = sw.swiglu(pair)[:, 0]
    assert np.all(ys[xs < 0] < 0) and np.all(ys[xs > 0] > 0)
    du = sw.swiglu_vjp(pair, np.ones((xs.size, 1)))[:, 0]
    # One sign change of dy/du, where silu has its minimum (SymPy's root of silu').
    changes = np.flatnonzero(np.diff(np.sign(du)) != 0)
    assert changes.size == 1
    silu = u_ / (1 + sp.exp(-u_))
    minimum = float(sp.nsolve(sp.diff(silu, u_), u_, -1.0))
    assert xs[changes[0]] <= minimum <= xs[changes[0] + 1]
    assert sp.diff(silu, u_, 2).subs(u_, minimum) > 0  # a minimum, not a maximum


@pytest.mark.claim("activations/swiglu.md", "and every other partial derivative is 0.")
def test_swiglu_cross_partials_vanish():
    us, vs = sp.symbols("u1:4", real=True), sp.symbols("v1:4", real=True)
    ys = [u / (1 + sp.exp(-u)) * v for u, v in zip(us, vs)]
    for i, y in enumerate(ys):
        for j in range(3):
            if j != i:
                assert sp.diff(y, us[j]) == 0 and sp.diff(y, vs[j]) == 0
    x = np.random.default_rng(1).normal(size=6)
    for i in range(3):
        dx = snippet("swiglu").swiglu_vjp(x, np.eye(3)[i])
        others = [k for k in range(6) if k not in (i, i + 3)]
        assert np.all(dx[others] == 0.0) and np.all(dx[[i, i + 3]] != 0.0)


@pytest.mark.claim("activations/swiglu.md",
                   r"and \(e^{u}\) alone underflows (to a subnormal, then to 0) once \(u\) is below about \(-708\).")
def test_exp_underflows_below_about_minus_708():
    edge = float(mpmath.log(F64.tiny))  # where e^u leaves the normal numbers
    assert page_line_number("activations/swiglu.md", r"and \(e^{u}\) alone underflows", r"\).") == round(edge)
    assert np.exp(np.nextafter(edge, 0)) >= F64.tiny
    assert 0 < np.exp(edge - 1) < F64.tiny
    assert np.exp(float(mpmath.log(F64.smallest_subnormal)) - 1) == 0.0


@pytest.mark.claim("activations/swiglu.md",
                   r"Below \(u = -2300\) every result is 0 in float64, so \(u\) is capped there.")
def test_swiglu_cap_changes_no_result():
    sw = snippet("swiglu")
    mpmath.mp.dps = 60
    u = mpmath.mpf(-2300)
    big = mpmath.mpf(F64.max)
    s = mp_sigmoid(u)
    # The largest each result can be at u = -2300, with every other factor at its largest.
    largest = [abs(u * s * big), abs(big * big * s * (1 + u * (1 - s))), abs(big * u * s)]
    for value in largest:
        assert float(value) == 0.0
    assert sw._capped(np.array([-1e300]))[0] == -2300.0
    x = np.array([-1e300, F64.max])
    assert sw.swiglu(x)[0] == 0.0 and np.all(sw.swiglu_vjp(x, np.array([F64.max])) == 0.0)


@pytest.mark.claim("activations/swiglu.md",
                   r"The textbook \(u \cdot \sigma(u) \cdot v\), with \(\sigma(u) = 1/(1 + e^{-u})\), "
                   r"overflows in \(e^{-u}\) for \(u < -709\) (float64) and returns 0 with a warning.")
def test_swiglu_naive_overflows_to_zero():
    sw = snippet("swiglu")
    assert -710 < -float(mpmath.log(F64.max)) < -709
    x = np.array([-710.0, 1.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        naive = sw.swiglu_naive(x)[0]
    assert naive == 0.0 and any(issubclass(w.category, RuntimeWarning) for w in caught)
    mpmath.mp.dps = 60
    assert float(abs(-710 * mp_sigmoid(mpmath.mpf(-710)))) >= F64.tiny  # the exact value is normal
    assert abs(sw.swiglu(x)[0]) >= F64.tiny


@pytest.mark.claim("activations/swiglu.md",
                   r"\(\operatorname{silu}(u)\) underflows, and \(v\) times a subnormal keeps only its few bits, "
                   r"\(v\) times 0 none.")
def test_silu_times_v_loses_bits():
    silu = snippet("swish").swish
    mpmath.mp.dps = 60
    v = 1e308
    for u in (-740.0, -760.0):
        s = silu(np.array([u]))[0]
        exact = float(u * mp_sigmoid(mpmath.mpf(u)) * v)
        assert exact <= -F64.tiny  # silu(u) v is a normal number
        assert abs(s) < F64.tiny  # silu(u) is not
        err = abs(s * v - exact) / abs(exact)
        if s == 0.0:
            assert s * v == 0.0  # no bit left
        else:
            assert err > 1e6 * F64.eps  # a few bits only
    assert silu(np.array([-760.0]))[0] == 0.0 and silu(np.array([-740.0]))[0] != 0.0


@pytest.mark.claim("activations/swiglu.md",
                   r"\(\partial E / \partial u\) is left out within 0.05 of \(u_0\), where no formula keeps a relative bound,")
@pytest.mark.claim("activations/swiglu.md",
                   r"and on random pairs over the whole float32 and float64 range "
                   r"(for \(\partial E / \partial u\), 0.05 away from \(u_0\); "
                   r"within \(4\,\varepsilon\,|\bar{y}\,v|\) in absolute terms next to it), "
                   r"including products whose factor \(e^{u}\) is subnormal or 0;")
def test_swiglu_root_gap_is_the_tests():
    import inspect

    import vector_checks
    import vector_harness

    page = "activations/swiglu.md"
    assert page_line_number(page, r"\(\partial E / \partial u\) is left out within", "of") == ROOT_GAP
    assert page_line_number(page, r"(for \(\partial E / \partial u\),", "away") == ROOT_GAP
    # The tests leave out (vector_harness.near_root) and hold next to the root (vector_checks) that gap.
    assert "ROOT_GAP" in inspect.getsource(vector_harness.near_root)
    assert "ROOT_GAP" in inspect.getsource(vector_checks.test_vjp_next_to_a_root_of_the_slope)
    # u_0 is the root of silu' the tests use.
    (root,) = VECTOR_DEFINITIONS["swiglu"].grad_roots
    assert abs(float(sp.diff(u_ / (1 + sp.exp(-u_)), u_).subs(u_, root))) <= 4 * F64.eps


@pytest.mark.claim("activations/swiglu.md",
                   r"A factor that is exactly 0 (\(u = 0\), \(v = 0\) or \(\bar{y} = 0\)) gives 0 whatever the others do.")
def test_swiglu_exact_zero_factor():
    sw = snippet("swiglu")
    for other in [np.inf, -np.inf, F64.max, -F64.max, -1e4, 1.0]:
        # u = 0: silu(0) = 0 is a factor of y and of dE/dv.
        assert sw.swiglu(np.array([0.0, other]))[0] == 0.0
        assert sw.swiglu_vjp(np.array([0.0, other]), np.array([other]))[1] == 0.0
        # v = 0: a factor of y and of dE/du.
        assert sw.swiglu(np.array([other, 0.0]))[0] == 0.0
        assert sw.swiglu_vjp(np.array([other, 0.0]), np.array([other]))[0] == 0.0
        # dy = 0: a factor of both halves of the VJP.
        assert np.all(sw.swiglu_vjp(np.array([other, other]), np.array([0.0])) == 0.0)


# ---------------------------------------------------------------- softmax, log_softmax, softmin: shared

@pytest.mark.claim("activations/softmax.md",
                   r"`softmax` within 4 ULP on random vectors (\(K\) up to 10, and \(K = 1000\))")
@pytest.mark.claim("activations/log_softmax.md",
                   r"`log_softmax` within 4 ULP on random vectors (\(K\) up to 10, and \(K = 1000\))")
@pytest.mark.claim("activations/softmin.md",
                   r"`softmin` within 4 ULP on random vectors (\(K\) up to 10, and \(K = 1000\))")
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_random_vector_sizes_are_the_tests(name):
    import inspect

    import vector_checks

    d = VECTOR_DEFINITIONS[name]
    page = f"activations/{name}.md"
    fragment = f"`{name}` within 4 ULP on random vectors"
    # The forward test draws its random vectors at the definition's sizes.
    assert "d.random_sizes" in inspect.getsource(vector_checks.forward_vectors)
    assert "d.large_size" in inspect.getsource(vector_checks.forward_vectors)
    assert page_line_number(page, fragment, r", and \(K") == max(d.random_sizes)
    assert page_line_number(page, fragment, r"\))") == d.large_size
    assert page_line_number(page, fragment, "ULP on random") == d.forward_ulp


# ---------------------------------------------------------------- log_softmax

log_softmax_expr = log_softmax_outputs  # the definition the tests evaluate


def mp_log_softmax(z) -> list:
    """The definition at 60 digits, with log1p where the entry is tiny."""
    mpmath.mp.dps = 60
    zs = [mpmath.mpf(float(v)) for v in z]
    out = []
    for i, zi in enumerate(zs):
        out.append(-mpmath.log1p(mpmath.fsum(mpmath.exp(w - zi) for k, w in enumerate(zs) if k != i)))
    return out


@pytest.mark.claim("activations/log_softmax.md",
                   r"Every \(y_i\) is negative (for \(K \ge 2\)), and the \(e^{y_i}\) sum to 1.")
def test_log_softmax_negative_and_exp_sums_to_one():
    zs, ys = log_softmax_expr(3)
    assert sp.simplify(sum(sp.exp(y) for y in ys) - 1) == 0
    for i, y in enumerate(ys):
        # -y_i = log(1 + a sum of exponentials) > 0 for K >= 2.
        others = sum(sp.exp(w - zs[i]) for k, w in enumerate(zs) if k != i)
        assert sp.simplify(sp.exp(-y) - 1 - others) == 0
    # K = 1 is the exception: y = 0.
    assert log_softmax_expr(1)[1][0] == 0
    ls = snippet("log_softmax").log_softmax
    assert ls(np.array([3.0]))[0] == 0.0
    rng = np.random.default_rng(8)
    for size in (2, 3, 10):
        y = ls(rng.normal(0, 5, size))
        assert np.all(y < 0) and abs(np.exp(y).sum() - 1) <= size * F64.eps


@pytest.mark.claim("activations/log_softmax.md",
                   r"each close to a straight line far from 0 (slope 1 or 0) and never above 0. "
                   r"The slope \(\partial y_1 / \partial z_1 = 1 - p_1\) falls from 1 to 0.")
def test_log_softmax_plot_slice():
    lsm = snippet("log_softmax")
    assert "np.stack([x, np.zeros_like(x)], axis=-1)" in block_after("activations/log_softmax.md", "Two scores")
    xs = np.linspace(-40, 40, 8001)
    z = np.stack([xs, np.zeros_like(xs)], axis=-1)
    y = lsm.log_softmax(z)
    assert np.all(y <= 0)
    slope = lsm.log_softmax_vjp(z, np.broadcast_to([1.0, 0.0], z.shape))[:, 0]
    assert np.all(np.diff(slope) <= 0) and np.all((slope >= 0) & (slope <= 1))
    assert 1 - slope[0] <= F64.eps and slope[-1] <= F64.eps
    # The asymptotes of y_1 = log sigma(x): slope 1 on the left, 0 on the right.
    x = sp.Symbol("x", real=True)
    y1 = x - sp.log(sp.exp(x) + 1)
    assert sp.limit(sp.diff(y1, x), x, -sp.oo) == 1 and sp.limit(sp.diff(y1, x), x, sp.oo) == 0
    assert sp.limit(y1 - x, x, -sp.oo) == 0 and sp.limit(y1, x, sp.oo) == 0


@pytest.mark.claim("activations/log_softmax.md",
                   r"where the Iverson bracket \([i = j]\) is 1 if \(i = j\) and 0 otherwise, "
                   r"and \(p = \operatorname{softmax}(z)\).")
def test_log_softmax_jacobian_with_iverson_bracket():
    zs, ys = log_softmax_expr(3)
    ps = [sp.exp(z) / sum(sp.exp(w) for w in zs) for z in zs]
    iverson_jacobian_matches(3, ys, zs, lambda i, j, b: b - ps[j])


@pytest.mark.claim("activations/log_softmax.md",
                   r"row \(i\) is \(-p\), plus 1 in entry \(i\). "
                   r"Unlike the softmax Jacobian it is not symmetric, and its rows, not its columns, sum to 0.")
def test_log_softmax_jacobian_rows_not_columns():
    zs, ys = log_softmax_expr(3)
    jacobian = sp.Matrix(ys).jacobian(zs)
    ps = sp.Matrix([sp.exp(z) / sum(sp.exp(w) for w in zs) for z in zs])
    assert sp.simplify(jacobian - (sp.eye(3) - sp.ones(3, 1) * ps.T)) == sp.zeros(3, 3)
    assert all(sp.simplify(sum(jacobian.row(i))) == 0 for i in range(3))
    at = {zs[0]: 1, zs[1]: 2, zs[2]: 3}
    assert all(abs(float(sum(jacobian.col(j)).subs(at))) > 0.1 for j in range(3))
    assert sp.simplify((jacobian - jacobian.T).subs(at)) != sp.zeros(3, 3)
    j = snippet("log_softmax").log_softmax_jacobian(np.array([1.0, 2.0, 3.0]))
    assert np.all(np.abs(j.sum(axis=1)) <= 3 * F64.eps) and np.all(np.abs(j.sum(axis=0)) > 0.1)
    assert not np.allclose(j, j.T)


@pytest.mark.claim("activations/log_softmax.md",
                   r"so \(p_j\) recovered from \(y_j\) loses about \(\log_2 |y_j|\) bits where \(y_j\) is far below 0.")
def test_log_softmax_output_form_loses_log2_y_bits():
    lsm = snippet("log_softmax")
    for scale in (64.0, 512.0):  # |y| in [scale, 2 scale)
        worst = 0.0
        rng = np.random.default_rng(11)
        for x in np.linspace(scale, 2 * scale, 400)[:-1]:
            # A random first score, so that y_2 = -(x + u) - tiny is not a float already.
            z = np.array([rng.uniform(0.1, 0.9), -x])
            y = lsm.log_softmax(z)[1]
            exact_y = mp_log_softmax(z)[1]
            relative = abs(mpmath.exp(mpmath.mpf(float(y))) - mpmath.exp(exact_y)) / mpmath.exp(exact_y)
            worst = max(worst, float(relative) / F64.eps)
        # Bits lost: log2 of the relative error in units of eps, against log2 |y|.
        assert np.log2(scale) - 2 <= np.log2(worst) <= np.log2(2 * scale) + 1, (scale, worst)


@pytest.mark.claim("activations/log_softmax.md",
                   r"every \(e^{z_k - m}\) is then in \([0, 1]\), and the largest is exactly 1, so nothing overflows.")
@pytest.mark.claim("activations/log_softmax.md",
                   r"- Sum all \(e^{z_k - m}\) but the one of a maximal entry (that one is exactly 1): call it \(R\), the rest. "
                   r"The sum is \(1 + R\), and \(\log(1 + R)\) is `log1p(R)`: "
                   r"for a dominant entry, \(y_i \approx -R\) is tiny, and `log(1 + R)` would round it to 0.")
def test_log_softmax_parts():
    lsm = snippet("log_softmax")
    rows = [np.random.default_rng(9).normal(0, 10, 10), np.array([1e308, -1e308, 700.0]),
            np.array([-np.inf, 3.0, 3.0]), np.array([40.0, 0.0])]
    for z in rows:
        with np.errstate(over="raise", invalid="raise"):
            _, _, e, others = lsm._parts(z[None, :])
        e, others = e[0], float(np.asarray(others).ravel()[0])
        assert np.all((e >= 0) & (e <= 1)) and e[np.argmax(z)] == 1.0
        assert abs(1 + others - e.sum()) <= z.size * F64.eps
    # A dominant entry: z = (40, 0), R = e^-40; log(1 + R) rounds to 0, log1p keeps y_1.
    r = np.exp(-40.0)
    exact = mp_log_softmax([40.0, 0.0])[0]
    assert np.log(1 + r) == 0.0 and abs(-np.log1p(r) - float(exact)) <= 2 * F64.eps * abs(float(exact))
    assert abs(float(exact) + r) <= F64.eps * r  # y_1 ~ -R


@pytest.mark.claim("activations/log_softmax.md",
                   r"but its `log` of a sum close to 1 rounds a tiny \(y_i\) to 0: "
                   r"at \(z = (40, 0)\), \(y_1 = -\log(1 + e^{-40})\) comes out as 0, with no correct digit.")
def test_log_softmax_shift_only_rounds_tiny_y_to_zero():
    lsm = snippet("log_softmax")
    exact = float(mp_log_softmax([40.0, 0.0])[0])
    assert exact < 0 and lsm.log_softmax_shift_only(np.array([40.0, 0.0]))[0] == 0.0
    assert abs(lsm.log_softmax(np.array([40.0, 0.0]))[0] - exact) <= 4 * np.spacing(abs(exact))


@pytest.mark.claim("activations/log_softmax.md",
                   r"(with 80 digits more than the largest \(|z_k|\) has, since \(z_i - \log \sum_k e^{z_k}\) cancels;")
def test_log_softmax_oracle_extra_digits():
    block = block_after("activations/log_softmax.md", "with 80 digits more")
    extra = int(re.search(r"mpmath\.log10\(max\(\[abs\(v\) for v in zs\] \+ \[mpmath\.mpf\(1\)\]\)\)\) \+ (\d+)", block).group(1))
    assert page_line_number("activations/log_softmax.md", "(with 80 digits more", "digits more") == extra


@pytest.mark.claim("activations/log_softmax.md",
                   r"\(\sum_i \bar{y}_i\) can overflow where the result does not "
                   r"(\(\bar{y} = (10^{308}, 10^{308})\), \(p = (\tfrac12, \tfrac12)\) gives 0), "
                   r"so rows of large \(\bar{y}\) are scaled by a power of 2 first, which is exact.")
def test_log_softmax_vjp_large_upstream():
    lsm = snippet("log_softmax")
    dy = np.array([1e308, 1e308])
    with np.errstate(over="ignore"):
        assert np.sum(dy) == np.inf
    z = np.array([0.0, 0.0])  # p = (1/2, 1/2)
    np.testing.assert_array_equal(lsm.softmax(z) if hasattr(lsm, "softmax") else np.exp(lsm.log_softmax(z)), [0.5, 0.5])
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(lsm.log_softmax_vjp(z, dy), [0.0, 0.0])
    # Scaling by a power of 2 is exact: the VJP of a scaled row, scaled back, is the same.
    rng = np.random.default_rng(10)
    z, dy = rng.normal(0, 3, 5), rng.normal(0, 1, 5)
    for k in (-600, 600):
        np.testing.assert_array_equal(np.ldexp(np.ldexp(dy, k), -k), dy)
        np.testing.assert_array_equal(np.ldexp(lsm.log_softmax_vjp(z, np.ldexp(dy, k)), -k), lsm.log_softmax_vjp(z, dy))


@pytest.mark.claim("activations/log_softmax.md",
                   r"And even a stable softmax rounds \(p_i = e^{-1000}\) to 0, whose log is \(-\infty\), "
                   r"while \(y_i = -1000\) is an ordinary number.")
def test_stable_softmax_log_underflows():
    z = np.array([0.0, -1000.0])
    p = snippet("softmax").softmax(z)
    assert p[1] == 0.0
    with np.errstate(divide="ignore"):
        assert np.log(p[1]) == -np.inf
    y = snippet("log_softmax").log_softmax(z)[1]
    assert y == float(mp_log_softmax(z)[1]) and abs(y) >= F64.tiny and np.isfinite(y)


@pytest.mark.claim("activations/log_softmax.md",
                   r"Where \(p_i\) has underflowed to 0, that is \(\infty \cdot 0\) = NaN, "
                   r"although \(\bar{z} = \bar{y} - p \sum_i \bar{y}_i\) never divides.")
def test_log_softmax_two_step_backward_is_nan():
    z = np.array([0.0, -1000.0])
    p = snippet("softmax").softmax(z)
    y_bar = np.array([-1.0, -1.0])
    with np.errstate(divide="ignore"):
        p_bar = y_bar / p
    assert p_bar[1] == -np.inf and p[1] == 0.0
    with np.errstate(invalid="ignore"):
        assert np.isnan(p_bar[1] * p[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(snippet("log_softmax").log_softmax_vjp(z, y_bar)))


@pytest.mark.claim("activations/log_softmax.md",
                   r"The build backpropagates a cross-entropy loss \(E = -y_1\) (the target is class 1, \(t = (1, 0, 0)\)) all three ways,")
def test_log_softmax_cross_entropy_block_targets_class_one():
    page = "activations/log_softmax.md"
    target = int(page_line_number(page, "(the target is class", r", \(t"))
    block = block_after(page, "The build backpropagates a cross-entropy loss")
    lsm = snippet("log_softmax")
    namespace = {"np": np, "log_softmax": lsm.log_softmax, "softmax": snippet("softmax").softmax}
    setup = "\n".join(line for line in block.splitlines() if line.startswith(("z = ", "p = ", "y_bar = ", "loss = ")))
    exec(setup, namespace)  # noqa: S102 - the page's own block
    ys = sp.symbols("y1:4", real=True)
    gradient = [float(sp.diff(-ys[target - 1], y)) for y in ys]
    np.testing.assert_array_equal(namespace["y_bar"], gradient)
    z = namespace["z"]
    assert namespace["loss"](z) == -lsm.log_softmax(z)[target - 1]

