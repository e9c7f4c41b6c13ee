"""Claims typed in the prose of the site's general pages (errata, about,
accuracy, contributing, home, notation), each asserted (how:
tests/claim_helpers.py).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from claim_helpers import DOCS, ROOT, exec_blocks, logistic, run_blocks
from claim_helpers import EPS64 as EPS

from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle


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
    assert "mpmath.workdps(60)" in (Path(derivations.__file__).parent / "equality.py").read_text(encoding="utf-8")


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
    import mpmath

    from sitekit import oracle

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
    import test_short_blocks

    from sitekit import accuracy

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
