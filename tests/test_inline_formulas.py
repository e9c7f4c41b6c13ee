"""The inline-formula checker (sitekit.inline_formulas): every page passes, a
wrong inline result fails at its page and line, each classification rule
fires on its examples, and the exception table is honest (a stale entry, an
undeclared unreadable formula and a quoted mistake that holds all fail)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitekit import formulas, inline_exceptions, inline_formulas
from sitekit.derivations import Context, latex, page_name
from sitekit.inline_exceptions import Entry
from sitekit.inline_formulas import Inline, classify

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCRATCH = "notes/scratch.md"


def error_lines(errors: list[str], page: str) -> set[int]:
    return {int(m.group(1)) for e in errors if (m := re.match(rf"docs/{re.escape(page)}:(\d+): ", e))}


def check(text: str, page: str) -> dict:
    return inline_formulas.check_page(text, page, f"docs/{page}", page_name(page))


def scratch(body: str, entries: list[Entry], monkeypatch) -> dict:
    """A scratch page whose inline math is on line 3, with its own exception table."""
    monkeypatch.setattr(inline_exceptions, "EXCEPTIONS", entries)
    return check(f"# Scratch\n\n{body}\n", SCRATCH)


# ---------------------------------------------------------------------------
# The real pages


def test_every_page_passes():
    report = formulas.check_files(sorted(DOCS.rglob("*.md")))
    print(report.inline_summary())
    assert report.errors == []
    counts, declared = report.inline, report.inline_exceptions
    kinds = ("value", "index condition", "definition", "checked", "quoted as wrong", "not an equality")
    # Every inline formula with `=` ends in exactly one outcome, and each outcome occurs.
    assert counts["with ="] == sum(counts.get(k, 0) for k in kinds) + sum(declared.values())
    assert all(counts.get(k, 0) > 0 for k in kinds), counts
    assert counts["hinted"] > 0 and counts["equalities"] >= counts["checked"]
    assert {"checked by", "definition"} <= set(declared) <= {"checked by", "definition", "not an identity", "unreadable"}, declared


# A flipped sign, 2 -> 3 or a swapped index in an inline result, one page each at
# least (page, text of the formula, replacement). Formulas the checker reads fail
# as unequal; a declared one is pinned whole, so its edit fails as undeclared.
FAULTS = [
    ("activations/softplus.md", r"\max(0, x) = \ln\left(1+e^{-|x|}\right)", r"\max(0, x) = \ln\left(1-e^{-|x|}\right)"),
    ("activations/softplus.md", r"\(e^{x} = e^{y}-1\)", r"\(e^{x} = e^{y}+1\)"),
    ("activations/gelu.md", r"\operatorname{erf}(\xi) = \frac{2}{\sqrt{\pi}}\,e^{-\xi^{2}}",
     r"\operatorname{erf}(\xi) = \frac{3}{\sqrt{\pi}}\,e^{-\xi^{2}}"),
    ("activations/tanh.md", r"\cosh(x) = \frac{e^{x}+e^{-x}}{2}", r"\cosh(x) = \frac{e^{x}+e^{-x}}{3}"),
    ("activations/tanh.md", r"\(\tanh'(x) = 1-y^2\)", r"\(\tanh'(x) = 1+y^2\)"),
    ("activations/sigmoid.md", r"\(\sigma'(x) = y\,(1-y)\)", r"\(\sigma'(x) = y\,(1+y)\)"),
    ("activations/sigmoid.md", r"\(\sigma(0) = \tfrac12\)", r"\(\sigma(0) = \tfrac13\)"),
    ("activations/selu.md", r"\(\operatorname{SELU}(x) = \lambda\,x\)", r"\(\operatorname{SELU}(x) = -\lambda\,x\)"),
    ("activations/selu.md", r"\(y = \operatorname{SELU}(x)\)", r"\(y = 2\operatorname{SELU}(x)\)"),
    ("activations/relu.md", r"\(\max(0, x) = x\)", r"\(\max(0, x) = -x\)"),
    ("activations/softmax.md", r"\(e^{z_i + c} = e^{c} \cdot e^{z_i}\)", r"\(e^{z_i + c} = e^{-c} \cdot e^{z_i}\)"),
    ("activations/softmax.md", r"\(p_i = e^{z_i} / S\)", r"\(p_i = e^{z_k} / S\)"),
    ("activations/softmax.md", r"\(2 \cdot 4\varepsilon", r"\(3 \cdot 4\varepsilon"),
    ("activations/softmax.md", r"\frac{\partial p_i}{\partial z_j} = p_i\,([i = j] - p_j)\)",
     r"\frac{\partial p_i}{\partial z_j} = p_i\,([i = j] - p_i)\)"),
    ("backprop/hidden_layers.md", r"\(\delta_j = g'(z_j) \sum_k \delta_k w_{jk}\)",
     r"\(\delta_j = g'(z_j) \sum_k \delta_k w_{kj}\)"),
    ("backprop/hidden_layers.md", r"\(\delta_k = (a_k - t_k) \cdot g'(z_k)\)", r"\(\delta_k = (a_k + t_k) \cdot g'(z_k)\)"),
    ("layers/dropout.md", r"\(\bar{X} = M \odot \bar{Y}\)", r"\(\bar{X} = -M \odot \bar{Y}\)"),
    ("errata.md", r"\(\sigma'(z) = \sigma(z)\,\bigl(1-\sigma(z)\bigr) = a\,(1-a)\)",
     r"\(\sigma'(z) = \sigma(z)\,\bigl(1-\sigma(z)\bigr) = a\,(1+a)\)"),
    # \pm read as two claims; limits at \pm\infty taken with a positive runaway point.
    ("activations/sigmoid.md", r"\(\sigma'(\pm\infty) = 0\)", r"\(\sigma'(\pm\infty) = 1\)"),
    ("activations/softsign.md", r"\operatorname{softsign}'(\pm\infty) = 0", r"\operatorname{softsign}'(\pm\infty) = 1"),
    ("activations/celu.md", r"\(\operatorname{CELU}(+\infty) = +\infty\)", r"\(\operatorname{CELU}(+\infty) = -\infty\)"),
    ("activations/linear.md", r"\(f'(\pm\infty) = c\)", r"\(f'(\pm\infty) = 2c\)"),
    # A derivative written with a slash, \partial y / \partial u.
    ("activations/softmax.md", r"\partial p_1 / \partial z_1 = p_1 \cdot (1 - p_1)", r"\partial p_1 / \partial z_1 = p_1 \cdot (1 + p_1)"),
    ("activations/softmin.md", r"\(\partial(-z_j)/\partial z_j = -1\)", r"\(\partial(-z_j)/\partial z_j = 1\)"),
    ("activations/hardshrink.md", r"\(\partial f/\partial \lambda = 0\)", r"\(\partial f/\partial \lambda = 1\)"),
    # The hard family by name (registry aliases since 57a7aac).
    ("activations/relu6.md", r"\operatorname{ReLU6}(x) = \max(0, x) - \max(0, x - 6)",
     r"\operatorname{ReLU6}(x) = \max(0, x) - \max(0, x - 5)"),
    ("activations/tanhshrink.md", r"\operatorname{tanhshrink}'(\pm\infty) = 1", r"\operatorname{tanhshrink}'(\pm\infty) = 2"),
    ("activations/hardtanh.md", r"\(y = \operatorname{hardtanh}(x)\)", r"\(y = \operatorname{hardtanh}(2x)\)"),
    ("activations/hardtanh.md", r"\partial f/\partial x + \partial f/\partial a + \partial f/\partial b = 1",
     r"\partial f/\partial x + \partial f/\partial a - \partial f/\partial b = 1"),
    ("activations/softshrink.md", r"x\,\partial f/\partial x + \lambda\,\partial f/\partial \lambda = f",
     r"x\,\partial f/\partial x - \lambda\,\partial f/\partial \lambda = f"),
]


@pytest.mark.parametrize("page, old, new", FAULTS, ids=[f"{p}:{n}" for n, (p, _, _) in enumerate(FAULTS)])
def test_a_wrong_inline_result_fails_at_its_line(page, old, new):
    text = (DOCS / page).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the fault's text is not once in docs/{page}: update FAULTS"
    line = text.count("\n", 0, text.index(old)) + 1
    assert line not in error_lines(check(text, page)["errors"], page)
    errors = check(text.replace(old, new), page)["errors"]
    assert error_lines(errors, page) == {line}, errors


# ---------------------------------------------------------------------------
# The rules, one example set each (page context as on the page named)


def kind(tex: str, page: str | None = None, lead: str = "", section: str = "") -> str:
    inline = Inline(1, tex, lead or f"\\({tex}\\)", section)
    return classify(tex, Context(page_name(page) if page else None), inline, page or SCRATCH)


@pytest.mark.parametrize("tex", [r"x = 0", r"\alpha = 1", r"z = (1, 2, 3)", r"x = -\tfrac32", r"x = -a",
                                 r"\rho = 0.5", r"|x| = 40", r"\bar{y} = 1", r"x = \sqrt{3}", r"x = 10^{-6}"])
def test_a_value_or_point(tex):
    assert kind(tex) == "value"


@pytest.mark.parametrize("tex", [r"i = j", r"[i = j]", r"t = 1, \dots, T"])
def test_an_index_condition(tex):
    assert kind(tex) == "index condition"


@pytest.mark.parametrize("tex, page", [(r"z = x\,w + b", None), (r"E = \tfrac12 \sum_k (a_k - t_k)^2", None),
                                       (r"\operatorname{Var}(z) = J\,v", None), (r"a = \sigma(z)", None),
                                       (r"u = 1+e^{x}", "activations/softplus.md")])
def test_a_definition_of_a_name_the_page_introduces(tex, page):
    assert kind(tex, page) == "definition"


@pytest.mark.parametrize("tex, page", [
    (r"\bar{X} = M \odot \bar{Y}", None),  # a gradient's name: a result
    (r"\bar{s}_1 = \bar{h}_0", None),
    (r"\delta_j = g'(z_j) \sum_k \delta_k w_{jk}", None),
    (r"\Delta^{(l)} = \Delta^{(l+1)} W", None),
    (r"f'(x) = 1", None),  # a derivative
    (r"\frac{\partial E}{\partial w} = x", None),
    (r"y = \tanh(x)", "activations/tanh.md"),  # y is the page's output: known, so a claim
    (r"f(x) = \max(0, x)", "activations/relu.md"),
    (r"\tanh(-x) = -\tanh(x)", "activations/tanh.md"),
    (r"\sigma(0) = \tfrac12", None),
])
def test_an_equality_to_check(tex, page):
    assert kind(tex, page) == "equality"


def test_a_quoted_mistake():
    tex = r"\sigma'(x) = \sigma(x)\,(1+\sigma(x))"
    assert kind(tex, lead=rf"Written: \({tex}\).") == "quoted as wrong"
    heading = rf"**1. \({tex}\), copying \(y = x\).**"
    assert kind(tex, lead=heading, section="## Common mistakes") == "quoted as wrong"
    # Only the heading's first formula is the quote, and only under "Common mistakes".
    assert kind(r"\sigma(0) = \tfrac12", lead=rf"**1. \({tex}\), copying \(\sigma(0) = \tfrac12\).**",
                section="## Common mistakes") == "equality"
    assert kind(tex, lead=heading, section="## Derivative") == "equality"


@pytest.mark.parametrize("tex", [r"0 < \sigma(x) < 1", r"x \le 1", r"f(x) \approx x", r"x \to \infty"])
def test_relations_are_not_equalities(tex):
    assert kind(tex) == "not an equality"


def test_code_spans_and_fences_are_not_read():
    text = "`\\(x = 2x\\)` and \\(y = 1\\)\n\n```tex\n\\(x = 3x\\)\n```\n\\(a\n= b\\)\n"
    assert [(f.line, f.flat) for f in inline_formulas.extract_inline(text)] == [(1, "y = 1"), (6, "a = b")]


# ---------------------------------------------------------------------------
# The table of exceptions, on a scratch page


def test_an_undeclared_unreadable_formula_fails(monkeypatch):
    body = r"So \(\bar{Y} = X \odot W\)."
    result = scratch(body, [], monkeypatch)
    assert error_lines(result["errors"], SCRATCH) == {3}
    assert "inline_exceptions.py" in result["errors"][0] and "fix the TeX" in result["errors"][0]
    entry = Entry(SCRATCH, r"\bar{Y} = X \odot W", "unreadable: an elementwise product")
    result = scratch(body, [entry], monkeypatch)
    assert result["errors"] == [] and result["exceptions"] == {"unreadable": 1}


def test_a_stale_entry_fails(monkeypatch):
    result = scratch(r"\(x + x = 2x\)", [Entry(SCRATCH, r"x + x = 3x", "unreadable: no reason")], monkeypatch)
    assert result["counts"]["checked"] == 1
    assert [e for e in result["errors"] if "stale entry" in e and "x + x = 3x" in e], result["errors"]


def test_an_unreadable_entry_the_checker_now_reads_is_stale(monkeypatch):
    """A reading that improved must not leave a false 'unreadable' claim behind."""
    entry = Entry(SCRATCH, "x + x = 2x", "unreadable: claimed, not true")
    result = scratch(r"\(x + x = 2x\)", [entry], monkeypatch)
    assert error_lines(result["errors"], SCRATCH) == {3}, result["errors"]
    assert "stale entry" in result["errors"][0] and "remove the entry" in result["errors"][0]
    # Still unreadable, or read and false: the entry stays and is not stale.
    for formula in (r"\bar{Y} = X^{\mathsf T}", "x + x = 3x"):
        result = scratch(rf"\({formula}\)", [entry._replace(tex=formula)], monkeypatch)
        assert result["errors"] == [] and result["exceptions"] == {"unreadable": 1}, result["errors"]


def test_a_wrong_inline_equality_fails(monkeypatch):
    assert scratch(r"\(x + x = 2x\)", [], monkeypatch)["errors"] == []
    assert error_lines(scratch(r"\(x + x = 3x\)", [], monkeypatch)["errors"], SCRATCH) == {3}


def test_a_domain_checks_a_branch(monkeypatch):
    body = r"For \(x > 0\), \(\max(0, x) = x\)."
    assert error_lines(scratch(body, [], monkeypatch)["errors"], SCRATCH) == {3}
    entry = Entry(SCRATCH, r"\max(0, x) = x", "hint: where x > 0", domain="x > 0")
    result = scratch(body, [entry], monkeypatch)
    assert result["errors"] == [] and result["counts"]["hinted"] == 1
    assert error_lines(scratch(body, [entry._replace(domain="x < 0")], monkeypatch)["errors"], SCRATCH) == {3}


def test_a_hint_puts_in_a_name(monkeypatch):
    entry = Entry(SCRATCH, r"e^{x} = u", "hint: u = e^{x}", hint=(("u", "e^{x}"),))
    assert scratch(r"\(e^{x} = u\)", [entry], monkeypatch)["errors"] == []
    wrong = entry._replace(hint=(("u", "e^{2x}"),))
    assert error_lines(scratch(r"\(e^{x} = u\)", [wrong], monkeypatch)["errors"], SCRATCH) == {3}


def test_a_quoted_mistake_must_be_false():
    page = "errata.md"
    text = (DOCS / page).read_text(encoding="utf-8")
    wrong = r"Written: \(\sigma'(x) = \sigma(x)\,\bigl(1+\sigma(x)\bigr)\)."
    assert text.count(wrong) == 1, "update the quoted mistake of this test"
    line = text.count("\n", 0, text.index(wrong)) + 1
    assert check(text, page)["errors"] == []
    # Made true: the build fails, saying the quote holds.
    errors = check(text.replace(wrong, wrong.replace("1+", "1-")), page)["errors"]
    assert error_lines(errors, page) == {line} and "holds" in errors[0], errors
    # Made unreadable: it fails too, as any undeclared unreadable formula.
    errors = check(text.replace(wrong, wrong.replace(r"\bigl(1+", r"\bigl(1 \odot")), page)["errors"]
    assert error_lines(errors, page) == {line}, errors


def test_the_hook_reports_inline_errors():
    page = "activations/sigmoid.md"
    text = (DOCS / page).read_text(encoding="utf-8").replace(r"\(\sigma(0) = \tfrac12\)", r"\(\sigma(0) = 1\)")
    report = formulas._check_markdown(text, page, None)
    assert error_lines(report.errors, page) and report.inline["with ="] > 0


# ---------------------------------------------------------------------------
# What the parser would misread is read as meant or refused


def test_plus_minus_is_two_claims(monkeypatch):
    assert scratch(r"\(\tanh(\pm 1) = \pm\tanh(1)\)", [], monkeypatch)["counts"]["equalities"] == 2
    # Only the lower sign is wrong: checking one sign (or reading \pm as +) would pass it.
    assert error_lines(scratch(r"\(\tanh(\pm 1) = \tanh(1)\)", [], monkeypatch)["errors"], SCRATCH) == {3}
    assert error_lines(scratch(r"\(\tanh(\mp 1) = \pm\tanh(1)\)", [], monkeypatch)["errors"], SCRATCH) == {3}
    assert kind(r"x = \pm\lambda") == "value"


def test_a_limit_at_infinity_of_a_branch_or_an_absolute_value(monkeypatch):
    assert scratch(r"\(\frac{1}{(1 + |\pm\infty|)^2} = 0\)", [], monkeypatch)["errors"] == []
    assert error_lines(scratch(r"\(\max(0, -\infty) = -\infty\)", [], monkeypatch)["errors"], SCRATCH) == {3}
    assert scratch(r"\(\max(0, -\infty) = 0\)", [], monkeypatch)["errors"] == []


@pytest.mark.parametrize(("tex", "page"), [(r"\sigma' = \sigma", "activations/tanh.md"), (r"f' = 1", SCRATCH)])
def test_a_prime_without_its_argument_is_refused(tex, page):
    """The parser reads `\\sigma'` as \\sigma: \\sigma' = \\sigma passed as true. Of a
    function other than the page's own (which is read at x), it is refused."""
    inline = Inline(3, tex, "")
    outcome = inline_formulas.check_inline(inline, f"docs/{page}", page, page_name(page))
    assert outcome.kind == "unreadable" and "has no argument" in outcome.errors[0], outcome


@pytest.mark.parametrize("tex", [r"\sigma' = \sigma", r"f' = 1", r"\sigma'(x) = \sigma(x)"])
def test_the_page_function_without_its_argument_is_read_at_x(tex):
    """On the sigmoid page \\sigma' is \\sigma'(x): the false claims fail, not pass."""
    page = "activations/sigmoid.md"
    outcome = inline_formulas.check_inline(Inline(3, tex, ""), f"docs/{page}", page, page_name(page))
    assert outcome.kind == "failed", outcome


def test_relu6_is_never_read_as_relu(monkeypatch):
    """A parser that cut \\operatorname{ReLU6} to its letters passed ReLU6(7) = 7 as ReLU(7) = 7."""
    page = "activations/relu6.md"

    def outcome(tex: str) -> inline_formulas.Outcome:
        return inline_formulas.check_inline(Inline(3, tex, ""), f"docs/{page}", page, page_name(page))

    assert outcome(r"\operatorname{ReLU6}(7) = 7").kind in ("unreadable", "failed")
    if outcome(r"\operatorname{ReLU6}(7) = 6").kind != "checked":  # the parser cannot read ReLU6 yet
        assert "ReLU6" in outcome(r"\operatorname{ReLU6}(7) = 6").errors[0]
    # Under a parser that cuts the digits, the formula is refused, not checked as ReLU's.
    real = inline_formulas.normalize
    cutting = lambda tex: real(re.sub(r"\{ReLU6\}", "{ReLU}", tex))  # noqa: E731
    monkeypatch.setattr(inline_formulas, "normalize", cutting)
    monkeypatch.setattr(latex, "normalize", cutting)  # where the guard reads it
    cut = outcome(r"\operatorname{ReLU6}(7) = 7")
    assert cut.kind == "unreadable" and "drops the digits" in cut.errors[0], cut


# Real entries whose hint or domain carries the check: a wrong one fails the page at the formula.
ENTRY_FAULTS = [
    ("errata.md", "f'(x) = a", {"hint": (("f'(x)", r"\frac{d}{dx}\max(2a\,x, x)"),)}),
    ("errata.md", r"f'(x) = \frac{1}{(1+|x|)^2} = \bigl(1 - |f(x)|\bigr)^2",
     {"hint": (("f'(x)", r"\tanh'(x)"), ("f(x)", r"\tanh(x)"))}),
    ("errata.md", "f'(x) = -a", {"domain": "x < 0, a > 0, a < 1"}),  # where the quote holds
    ("activations/hardshrink.md", "f(x) = x", {"domain": r"x < \lambda, \lambda > 0"}),  # |x| < \lambda too
    ("activations/threshold.md", "f(x) = x", {"domain": r"x < \theta"}),
    ("activations/threshold.md", r"\bigl(f(\theta + h) - f(\theta)\bigr)/h = (\theta + h - v)/h", {"domain": "h < 0"}),
    ("activations/celu.md", r"\operatorname{CELU}(-\infty) = -\alpha", {"domain": r"\alpha < 0"}),
    ("activations/linear.md", r"f(\pm\infty) = \pm\infty", {"domain": "c < 0"}),
    ("activations/hardtanh.md", r"\operatorname{hardtanh}(x) = \bigl(|x - a| - |x - b| + a + b\bigr)/2", {"domain": "a > b"}),
    # E put in from the page: \partial E / \partial a_k of a wrong loss is not a_k - t_k.
    ("backprop/chain_rule.md", r"\partial E / \partial a_k = a_k - t_k", {"hint": (("E", r"\frac12 \sum_{m=1}^{K} (a_m + t_m)^2"),)}),
    ("backprop/losses.md", r"\partial E / \partial p_j = -t_j / p_j", {"hint": (("E", r"-\sum_{k=1}^{K} t_k \log(p_k^{2})"),)}),
]


@pytest.mark.parametrize("page, formula, change", ENTRY_FAULTS, ids=[f"{p}:{n}" for n, (p, _, _) in enumerate(ENTRY_FAULTS)])
def test_a_wrong_hint_or_domain_fails(page, formula, change, monkeypatch):
    text = (DOCS / page).read_text(encoding="utf-8")
    lines = {f.line for f in inline_formulas.extract_inline(text) if f.flat == formula}
    entries = [e for e in inline_exceptions.EXCEPTIONS if e.page == page]
    at = [i for i, e in enumerate(entries) if e.formula == formula]
    assert lines and at, f"{formula} is not on docs/{page} or not declared: update ENTRY_FAULTS"
    assert check(text, page)["errors"] == []
    entries[at[0]] = entries[at[0]]._replace(**change)
    monkeypatch.setattr(inline_exceptions, "EXCEPTIONS", entries)
    errors = check(text, page)["errors"]
    assert error_lines(errors, page) and error_lines(errors, page) <= lines, errors


@pytest.mark.parametrize("page, tex", [("activations/log_softmax.md", r"\partial y_i / \partial z_j = 0"),
                                       ("errata.md", r"\frac{\partial z_k}{\partial b_k} = 0")])
def test_a_derivative_of_a_name_with_no_formula_is_refused(page, tex):
    """y_i has no formula on the log_softmax page: its derivative read as 0, so `= 0` held."""
    outcome = inline_formulas.check_inline(Inline(3, tex, ""), f"docs/{page}", page, page_name(page))
    assert outcome.kind == "unreadable" and "has no formula here" in outcome.errors[0], outcome
    # A name with a formula on its page is differentiated: softmax's p_1.
    softmax = "activations/softmax.md"
    assert inline_formulas.check_inline(Inline(3, r"\partial p_1 / \partial z_1 = 0", ""), f"docs/{softmax}", softmax,
                                        page_name(softmax)).kind == "failed"
