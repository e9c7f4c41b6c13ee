"""Claims typed in the prose, each tied to its sentence and recomputed.

A number or bound printed by a page's executed block is checked by the build
itself. A claim typed in the Markdown is not, so it goes in CLAIMS: the page,
the sentence fragment exactly as the page has it (line breaks and indentation
count as one space), and a check that recomputes what it states. The test
fails if the sentence changed or disappeared (then update the claim together
with the sentence) or if the check no longer holds.

Checks that read a table the build printed take the built page's tables
(`site` fixture; BC_SITE=<dir> reuses a built site).

Also here: the float32 sweeps that back the tanh and sigmoid pages, and the
marks of every table on the errata page against the promise the page makes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import sympy as sp

from claim_helpers import float32_ulp
from sitekit.accuracy import SHORT_SLACK_ULP, root_points, short_errors
from sitekit.catalogue import snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


# ---------------------------------------------------------------- reading pages

def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def source(page: str) -> str:
    """A page's Markdown, every run of whitespace one space."""
    return normalised((DOCS / page).read_text())


def html_tables(site: Path, page: str) -> list[list[list[str]]]:
    """Each table of the built page as rows of cell texts (header row first)."""
    built = site / "index.html" if page == "index.md" else site / page.removesuffix(".md") / "index.html"
    text = built.read_text()
    tables = []
    for table in re.findall(r"<table>.*?</table>", text, re.S):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([normalised(html.unescape(re.sub(r"<[^>]+>", "", c))) for c in cells])
        tables.append(rows)
    return tables


def number(cell: str) -> float:
    """The number a cell starts with, as fmt printed it (− for minus)."""
    return float(cell.split()[0].replace("−", "-"))


def table_with(tables, header: str) -> list[list[str]]:
    """The first table with a header cell that starts with `header`."""
    return next(t for t in tables if t and any(cell.startswith(header) for cell in t[0]))


# ---------------------------------------------------------------- float32 sweep

def sweep_float32(fn, reference, lo: float = 2.0 ** -12, hi: float = 2.0 ** 8, chunk: int = 1 << 22):
    """fn on every float32 in [lo, hi] and [-hi, -lo]: (how many, worst error
    in float32 ULP, where) against reference, computed in float64."""
    first, last = (int(np.float32(v).view(np.uint32)) for v in (lo, hi))
    count, worst, where = 0, 0.0, np.nan
    for sign in (np.float32(1), np.float32(-1)):
        for start in range(first, last + 1, chunk):
            x = np.arange(start, min(start + chunk, last + 1), dtype=np.uint32).view(np.float32) * sign
            got = fn(x)
            assert got.dtype == np.float32
            exact = reference(x.astype(np.float64))
            errors = np.abs(got.astype(np.float64) - exact) / float32_ulp(exact)
            count += x.size
            if errors.max() > worst:
                worst, where = float(errors.max()), float(x[errors.argmax()])
    return count, worst, where


def test_float32_ulp_is_the_spacing_of_float32():
    """At every float32 of the sweeps' binades and below the normal range: np.spacing's."""
    x = np.random.default_rng(5).uniform(-40, 9, 10_000)
    values = np.concatenate([np.exp2(x), -np.exp2(x), [0.0]]).astype(np.float32)
    tiny = np.finfo(np.float32).tiny
    expected = np.where(np.abs(values) < tiny, np.finfo(np.float32).smallest_subnormal, np.spacing(np.abs(values)))
    np.testing.assert_array_equal(float32_ulp(values.astype(np.float64)), expected.astype(np.float64))


def tanh_float64(x):
    """tanh from expm1, in float64: a route that shares nothing with np.tanh."""
    e = np.expm1(-2 * np.abs(x))
    return np.copysign(-e / (e + 2), x)


def sigmoid_float64(x):
    return 1 / (1 + np.exp(-x))


SWEEP_COUNT = 2 * (20 * 2 ** 23 + 1)  # 20 binades of 2^23 floats, and 2^8 itself, per sign


def check_sweep(name, reference, bound):
    def check(_):
        count, worst, where = sweep_float32(getattr(snippet(name), name), reference)
        assert count == SWEEP_COUNT == 335_544_322
        assert worst <= bound, f"{name}: {worst:.3f} ULP at x = {where!r} (bound {bound})"
    return check


# ---------------------------------------------------------------- the checks

def check_float16_through_float32(name):
    def check(_):
        x = np.arange(2 ** 16, dtype=np.uint16).view(np.float16)
        x = x[np.isfinite(x)]
        fn = getattr(snippet(name), name)
        np.testing.assert_array_equal(fn(x), fn(x.astype(np.float32)).astype(np.float16))
    return check


def check_leaky_relu_forward(_):
    module = snippet("leaky_relu")
    x = np.concatenate([np.linspace(-5, 5, 1001), [-np.inf, np.inf, 0.0, -0.0]])
    for dtype in (np.float32, np.float64):
        xs = x.astype(dtype)
        for a in (0.01, 0.2, 1.0, 2.0, 3.5):
            product = (xs.astype(np.float64) * a).astype(dtype)
            picked = np.maximum(product, xs) if a <= 1 else np.minimum(product, xs)
            np.testing.assert_array_equal(module.leaky_relu(xs, a), picked)
    code = Path(module.__file__).read_text()
    assert "np.maximum(y, x, out=y) if a <= 1 else np.minimum(y, x, out=y)" in code
    assert "if a.ndim or a == 0:" in code


def check_even_sum(_):
    x, beta = sp.symbols("x beta", real=True)
    swish = x / (1 + sp.exp(-beta * x))
    slope = sp.diff(swish, x)
    assert sp.simplify(slope + slope.subs(x, -x) - 1) == 0


def check_slope_bands(name, root_guess):
    """f' < 0 left of x0, in [0, 1] between x0 and x1, > 1 right of x1:
    the oracle at 50 digits, on a grid and next to both crossings."""
    def check(_):
        exact = Oracle(name)
        x = sp.Symbol("x", real=True)
        slope = sp.diff(DEFINITIONS[name].with_params(), x)
        x0, x1 = (float(sp.nsolve(slope - level, x, guess)) for level, guess in ((0, root_guess), (1, 1.0)))
        xs = np.concatenate([np.linspace(-30, 30, 1201), x0 + np.array([-1e-9, 1e-9]), x1 + np.array([-1e-9, 1e-9])])
        slopes = exact.many("grad", xs)  # compared at 50 digits: far right, f' - 1 is below float64's reach
        assert all(v < 0 for v, at in zip(slopes, xs) if at < x0)
        assert all(0 <= v <= 1 for v, at in zip(slopes, xs) if x0 < at < x1)
        assert all(v > 1 for v, at in zip(slopes, xs) if at > x1)
    return check


def check_tanh_relu_slopes(_):
    grid = np.linspace(-20, 20, 400_001)
    slopes = snippet("tanh").tanh_grad(grid)
    assert slopes[grid == 0] == 1 and np.all(slopes[grid != 0] < 1)
    relu_slopes = snippet("relu").relu_grad(grid)
    assert np.all(relu_slopes[grid > 0] == 1) and np.all(relu_slopes[grid < 0] == 0)


def check_slopes_tend_to_one(_):
    for name in ("relu", "leaky_relu", "elu", "swish", "gelu"):
        grad = getattr(snippet(name), f"{name}_grad")
        assert abs(float(grad(50.0)) - 1) <= np.finfo(float).eps, name
        x = sp.Symbol("x", real=True)
        if name in ("swish", "gelu"):
            assert sp.limit(sp.diff(DEFINITIONS[name].with_params(), x), x, sp.oo) == 1, name


def gradient_growth(tables) -> dict[str, list[float]]:
    table = table_with(tables, "‖Δ⁽¹⁾‖ / ‖Δ⁽³⁰⁾‖")
    assert table[0][0] == "activation"
    return {row[0]: [number(c) for c in row[1:]] for row in table[1:]}


def check_relu_vanishes_and_explodes(tables):
    s1, s2, s4 = gradient_growth(tables)["relu"]
    assert s1 < 1e-2 and s4 > 1e2


def check_sigmoid_vanishes(tables):
    assert all(v < 1e-6 for v in gradient_growth(tables)["sigmoid"])


def check_tanh_faster_than_sigmoid(_):
    tanh_grad, sigmoid_grad = snippet("tanh").tanh_grad, snippet("sigmoid").sigmoid_grad
    for x in (10.0, 20.0, 30.0, -10.0, -30.0):
        # the approximations' relative error is of order e^(-|x|) and e^(-2|x|)
        assert abs(tanh_grad(x) / (4 * np.exp(-2 * abs(x))) - 1) <= 2 * np.exp(-2 * abs(x)) + 1e-14
        assert abs(sigmoid_grad(x) / np.exp(-abs(x)) - 1) <= 2 * np.exp(-abs(x)) + 1e-14
    grid = np.linspace(2, 700, 100_001)
    assert np.all(tanh_grad(grid) < sigmoid_grad(grid)) and np.all(tanh_grad(-grid) < sigmoid_grad(-grid))


def check_test_bounds(_):
    import test_activations

    assert test_activations.BOUND == {"f": 4.0, "grad": 8.0}
    assert "np.float32, np.float64" in (ROOT / "tests" / "test_activations.py").read_text()


def check_root_functions(_):
    assert {n for n, d in DEFINITIONS.items() if d.grad_roots} == {"swish", "gelu", "gelu_tanh", "mish"}


def check_near_root_contract(_):
    """The exact snippets' derivatives within 0.05 of the root: within one
    float's change of f' plus SHORT_SLACK_ULP ULP of 1 (short_errors' "near")."""
    assert SHORT_SLACK_ULP <= 4
    for name in ("swish", "gelu", "gelu_tanh", "mish"):
        root = DEFINITIONS[name].grad_roots[0]
        for dtype in (np.float64, np.float32):
            xs = np.concatenate([root_points(name, dtype, count=16), root + np.linspace(-0.049, 0.049, 99)])
            result = short_errors(name, "grad", dtype, xs, module=snippet(name))
            assert result["near_points"] > 100 and result["near"] <= 1, (name, dtype, result["near"])


def check_shift_error_grows(tables):
    table = table_with(tables, "exact pₖ")
    shift = [number(row[2]) for row in table[1:] if number(row[1]) > 0]
    assert shift == sorted(shift) and shift[0] <= 8 and shift[-1] > 8


def check_overflow_thresholds(_):
    """exp overflows just above 709 in float64 and 88 in float32: ln of the largest float."""
    for dtype, edge in ((np.float64, 709), (np.float32, 88)):
        assert np.floor(np.log(float(np.finfo(dtype).max))) == edge
        with np.errstate(over="ignore"):
            assert np.isfinite(np.exp(dtype(edge))) and np.isinf(np.exp(dtype(edge + 1)))


@dataclass(frozen=True)
class Claim:
    page: str
    text: str  # exactly as on the page, whitespace aside
    check: Callable  # takes the built page's tables (or ignores them); raises if false
    built: bool = False  # the check reads the built page


CLAIMS = [
    Claim("activations/sigmoid.md",
          r"Float32 stays within 4 ULP: `tests/test_claims.py` checks all 335 544 322 float32 values "
          r"in \([2^{-12}, 2^{8}]\) of either sign.",
          check_sweep("sigmoid", sigmoid_float64, 4.0)),
    Claim("activations/sigmoid.md",
          "float16 has no kernels of its own, so it is computed in float32 and rounded once.",
          check_float16_through_float32("sigmoid")),
    Claim("activations/tanh.md",
          # 1.37 with NumPy's AVX-512 kernel, 2.19 with NPY_DISABLE_CPU_FEATURES="AVX512_SPR AVX512_ICL X86_V4 X86_V3"
          r"Its float32 kernels are within 2.2 ULP, with or without NumPy's AVX2 and AVX-512 code paths, so float32 "
          r"stays float32 (`tests/test_claims.py` checks all 335 544 322 float32 values in \([2^{-12}, 2^{8}]\) of "
          r"either sign);",
          check_sweep("tanh", tanh_float64, 2.2)),
    Claim("activations/tanh.md", "float16 goes through float32 and is rounded once.",
          check_float16_through_float32("tanh")),
    Claim("activations/leaky_relu.md",
          r"then `np.maximum` keeps the larger of \(x\) and \(a\,x\) for \(a \le 1\), and `np.minimum` the smaller "
          r"for \(a > 1\).",
          check_leaky_relu_forward),
    Claim("activations/leaky_relu.md",
          r"Only a slope per element, or \(a = 0\), picks each output with `np.where`.",
          check_leaky_relu_forward),
    Claim("activations/swish.md",
          r"the two terms of the derivative give \(\operatorname{swish}'(x) + \operatorname{swish}'(-x) = 1\), "
          r"so \(x_1 = -x_0\).",
          check_even_sum),
    Claim("activations/swish.md",
          r"It is 1 at one point \(x_1 > 0\), and above 1 right of it; between \(x_0\) and \(x_1\) it lies in \([0, 1]\).",
          check_slope_bands("swish", -1.3)),
    Claim("activations/mish.md",
          r"It is 1 at one point \(x_1 > 0\), and above 1 right of it; between \(x_0\) and \(x_1\) it lies in \([0, 1]\).",
          check_slope_bands("mish", -1.2)),
    Claim("activations/choosing.md",
          r"Tanh's slope reaches 1 only at \(x = 0\); ReLU's slope is exactly 1 wherever the unit is active, "
          r"and 0 elsewhere.",
          check_tanh_relu_slopes),
    Claim("activations/choosing.md",
          r"(ReLU and its relatives, swish, GELU: their slopes tend to 1 as \(x \to +\infty\)),",
          check_slopes_tend_to_one),
    Claim("activations/choosing.md",
          "The same ReLU network loses its gradient with one scale of weights and blows it up with another:",
          check_relu_vanishes_and_explodes, built=True),
    Claim("activations/choosing.md",
          "At each of these scales the sigmoid's gradient vanishes:",
          check_sigmoid_vanishes, built=True),
    Claim("errata.md",
          r"It saturates faster than the sigmoid, not slower: \(\tanh'(x) = \frac{4}{(e^{x} + e^{-x})^{2}} "
          r"\approx 4e^{-2|x|}\) for large \(|x|\), while \(\sigma'(x) = \frac{e^{-x}}{(1 + e^{-x})^{2}} "
          r"\approx e^{-|x|}\).",
          check_tanh_faster_than_sigmoid),
    Claim("index.md",
          "The tests hold each function to 4 ULP and each derivative to 8 ULP, in float32 and float64,",
          check_test_bounds),
    Claim("index.md",
          "Next to a root of the derivative (swish, GELU, GELU with tanh, mish) no formula keeps a relative bound:",
          check_root_functions),
    Claim("index.md",
          r"the error is held to the change of the exact derivative when \(x\) moves by one float, plus a few ULP of 1.",
          check_near_root_contract),
    Claim("activations/softmax.md",
          r"That error grows with the gap to the maximum, so it is largest where \(p_k\) is smallest, "
          "and small for the probabilities a loss or a prediction depends on.",
          check_shift_error_grows, built=True),
]


# The bounds each page names, held by tests/test_activations.py (BOUND).
for _name in ("sigmoid", "tanh", "leaky_relu", "mish", "swish"):
    CLAIMS.append(Claim(f"activations/{_name}.md", "Last-bit accurate version (within 4 ULP for f, 8 for f′)",
                        check_test_bounds))
    CLAIMS.append(Claim(f"activations/{_name}.md",
                        f"`tests/test_activations.py`: `{_name}` within 4 ULP" + ("," if _name == "swish" else ""),
                        check_test_bounds))
CLAIMS += [
    Claim("activations/sigmoid.md", r"(\(x < -709\) in float64, \(-88\) in float32)", check_overflow_thresholds),
    Claim("activations/sigmoid.md", r"in float32 the same happens from \(x < -88\).", check_overflow_thresholds),
    Claim("activations/tanh.md", r"for \(|x| > 709\) (float64)", check_overflow_thresholds),
    Claim("activations/swish.md", r"(\(u < -709\), or \(-88\) in float32)", check_overflow_thresholds),
    Claim("activations/mish.md", r"For \(x > 709\), `exp(x)` overflows", check_overflow_thresholds),
]


def _id(claim: Claim) -> str:
    return f"{claim.page}:{claim.text[:40]}"


@pytest.mark.parametrize("claim", CLAIMS, ids=_id)
def test_claim_is_on_its_page(claim):
    assert normalised(claim.text) in source(claim.page), (
        f"{claim.page} no longer says: {claim.text!r}. Update the claim with the sentence.")


@pytest.mark.parametrize("claim", [c for c in CLAIMS if not c.built], ids=_id)
def test_claim_holds(claim):
    claim.check(None)


@pytest.mark.parametrize("claim", [c for c in CLAIMS if c.built], ids=_id)
def test_claim_holds_on_the_built_page(claim, site):
    claim.check(html_tables(site, claim.page))


def test_a_changed_sentence_is_caught():
    claim = CLAIMS[0]
    assert normalised(claim.text.replace("4 ULP", "3 ULP")) not in source(claim.page)


def test_the_sweep_catches_an_error_of_one_float():
    """Two floats off, the sweep reports at least 1.5 ULP (part of the range, to keep it quick)."""
    tanh = snippet("tanh").tanh

    def off(x):
        return np.nextafter(np.nextafter(tanh(x), np.float32(np.inf)), np.float32(np.inf))

    count, worst, _ = sweep_float32(off, tanh_float64, lo=0.5, hi=1.0)
    assert count == 2 * (2 ** 23 + 1) and worst >= 1.5


# ---------------------------------------------------------------- errata marks

def marked_columns(table: list[list[str]]) -> list[int]:
    return [i for i in range(len(table[0])) if all(("✓" in row[i]) or ("✗" in row[i]) for row in table[1:])]


def test_errata_marks_keep_the_promise(site):
    """Every table with marks: the last marked column (the correct formula)
    is ✓ in every row, every marked column before it has a ✗, and each ✓
    agrees with its row's printed reference (printed to 6 digits, so to a
    relative 1e-5): a finite difference, or a value between the one-sided ones."""
    promise = ("In each table the correct formula is the last marked column, and it is marked ✓ in every row; "
               "each formula before it is marked ✗ in at least one.")
    assert promise in source("errata.md")
    checked = 0
    for table in html_tables(site, "errata.md"):
        columns = marked_columns(table)
        if not columns:
            continue
        checked += 1
        head = table[0]
        assert all("✓" in row[columns[-1]] for row in table[1:]), head
        assert all(any("✗" in row[i] for row in table[1:]) for i in columns[:-1]), head
        for row in table[1:]:
            for i in columns:
                if "✓" not in row[i]:
                    continue
                value = number(row[i])
                if head[1].startswith("finite difference"):
                    reference = number(row[1])
                    assert abs(value - reference) <= 1e-5 * abs(reference) + 1e-12, (head, row)
                else:
                    assert head[1:3] == ["left difference", "right difference"], head
                    left, right = number(row[1]), number(row[2])
                    assert min(left, right) - 1e-5 <= value <= max(left, right) + 1e-5, (head, row)
    assert checked == 11  # entries 1, 2, 3, 5, 8, 9, 11 (three), 12, 13
