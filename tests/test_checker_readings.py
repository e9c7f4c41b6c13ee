"""The derivation checker reads what a page means (issue 15): \\pi the number,
x\\,(1+x)^{2} a product, one symbol per size, accented names, a chain whose
left side stands alone on its first row, domains on entries, sums from 0.
Each reading has a chain that holds and one that must fail."""

from __future__ import annotations

import re

import pytest

from sitekit.derivations import check_markdown


def block(*rows: str, page: str = "notes/scratch.md"):
    """Check one align block whose rows start at line 4."""
    return check_markdown("# Scratch\n\n\\begin{align}\n" + "\n".join(rows) + "\n\\end{align}\n", page)


def error_lines(report) -> set[int]:
    return {int(re.match(r"docs/[^:]+:(\d+):", e).group(1)) for e in report.errors}


def holds(*rows: str) -> None:
    report = block(*rows)
    assert report.ok and report.equalities >= 1, report.errors


def fails_at(line: int, *rows: str) -> None:
    report = block(*rows)
    assert error_lines(report) == {line}, report.errors


def test_pi_is_the_number():
    holds(r"\cos(\pi) &= -1.")
    holds(r"\sin\left(\frac{\pi}{2}\right) &= 1.")
    fails_at(4, r"\sin(\pi) &= 1.")
    fails_at(4, r"\pi &= \frac{22}{7}.")
    # A page that bound \pi itself in `% where:` keeps passing only with π's value.
    holds(r"% where: \pi = 4 \cdot \arctan\left(1\right)", r"\cos(\pi) &= -1.")
    fails_at(4, r"% where: \pi = 3", r"\cos(\pi) &= -1.")


def test_a_letter_before_a_bracket_with_a_power_is_a_product():
    # Read as the call x(1+x) squared, the left side was x^2 (1+x)^2.
    holds(r"x\,(1+x)^{2} &= x + 2 \cdot x^{2} + x^{3}.")
    fails_at(4, r"x\,(1+x)^{2} &= x^{2} \cdot (1+x)^{2}.")


def test_a_generic_function_squared_stays_a_call():
    holds("% generic: h", r"h(x)^{2} &= h(x) \cdot h(x).")


@pytest.mark.parametrize("rows", [
    (r"\sum_{j=1}^{J} c &= J \cdot c.",),
    (r"\frac{1}{N} \sum_{n=1}^{N} c &= \frac{N \cdot c}{N}.",),
    (r"\sum_{n=1}^{N} \frac{c}{N} &= c \\", r"&= \frac{1}{N} \sum_{n=1}^{N} c.",),
])
def test_a_size_is_one_symbol_in_a_bound_and_outside_it(rows):
    holds(*rows)


def test_a_wrong_count_of_a_size_fails():
    fails_at(4, r"\sum_{j=1}^{J} c &= (J+1) \cdot c.")


def test_accented_names_are_one_name():
    holds(r"\hat{x}_i \cdot \tilde{C} &= \tilde{C} \cdot \hat{x}_i.")
    holds(r"\bar{q} + \bar{q} &= 2 \cdot \bar{q}.")
    holds(r"\bar{\gamma}_{j} + \bar{\gamma}_{j} &= 2 \cdot \bar{\gamma}_{j}.")
    holds(r"\Delta_{ntk} + \Delta_{ntk} &= 2 \cdot \Delta_{ntk}.")
    holds(r"\frac{\partial}{\partial \hat{x}_i} \hat{x}_i^{2} &= 2 \cdot \hat{x}_i.")
    holds(r"\frac{\partial}{\partial \bar{q}} \left(\bar{q}^{2} \cdot q\right) &= 2 \cdot \bar{q} \cdot q.")
    # The accent makes another name, and the indices stay in order.
    fails_at(4, r"\hat{x}_i &= x_i.")
    fails_at(4, r"\bar{q} &= q.")
    fails_at(4, r"\Delta_{ntk} &= \Delta_{nkt}.")
    fails_at(4, r"\hat{x}_i &= \hat{x}_j.")


def test_the_first_row_may_hold_the_left_side_alone():
    rows = (r"\frac{d}{dx} \left(x^{2} + \frac{x}{2}\right) \\", r"&= 2 \cdot x + \frac{1}{2} \\", r"&= \frac{4 x + 1}{2}.")
    report = block(*rows)
    assert report.ok and report.equalities == 2, report.errors
    fails_at(5, rows[0], rows[1].replace("2 \\cdot x", "3 \\cdot x"), rows[2])
    # Two rows that each have a left side are still refused, at the second.
    fails_at(5, r"x \\", r"x &= x.")
    fails_at(4, r"x.")


def test_a_domain_on_an_entry_is_sampled():
    rows = (r"\sqrt{z_{i}^{2}} &= z_{i}.",)
    report = block("% domain: z_i > 0", *rows)
    assert report.ok and report.equalities == 1, report.errors
    fails_at(4, *rows)
    fails_at(5, "% domain: z_i < 0", *rows)


def test_sums_from_zero_sample_indices_from_zero():
    holds(r"\sum_{u=0}^{V-1} [u = j] \cdot z_{u} &= z_{j}.")
    fails_at(4, r"\sum_{u=0}^{V-2} [u = j] \cdot z_{u} &= z_{j}.")
    holds(r"\sum_{u=1}^{V} [u = j] \cdot z_{u} &= z_{j}.")


RELU6_CASES = r"\min(\max(0, x), 6) &= \begin{cases} 0 & x < 0, \\ x & 0 \le x \le 6, \\ 6 & x > 6. \end{cases}"


def test_cases_are_read_as_piecewise_and_each_branch_is_checked():
    report = block(RELU6_CASES, page="activations/relu6.md")
    assert report.ok and report.equalities == 1, report.errors
    wrong = block(RELU6_CASES.replace("6 & x > 6", "7 & x > 6"))
    assert error_lines(wrong) == {4} and "branch 3, where x > 6: differs at x=" in wrong.errors[0], wrong.errors
    # A branch is checked where its own condition holds: a wrong value on a
    # region that an earlier branch covers is not sampled there.
    swapped = block(RELU6_CASES.replace(r"x & 0 \le x \le 6", r"x & 0 \le x \le 7"))
    assert swapped.ok, swapped.errors
    fails_at(4, RELU6_CASES.replace(r"x & 0 \le x \le 6", r"x & 0 \le x \le 3"))


def test_a_cases_row_without_a_condition_fails():
    report = block(r"x &= \begin{cases} x & \\ 0 & x < 0 \end{cases}.")
    assert error_lines(report) == {4} and "cannot read the condition" in report.errors[0], report.errors


def test_a_word_subscript_names_a_quantity():
    holds(r"E_{\text{mean}} \cdot 2 &= E_{\text{mean}} + E_{\text{mean}}.")
    fails_at(4, r"E_{\text{mean}} &= E.")
    fails_at(4, r"E_{\text{mean}} &= E_{\text{sum}}.")


def test_a_prime_on_a_function_the_parser_knows():
    holds(r"\tanh'(x) &= 1-\tanh^2(x) \\", r"&= \frac{1}{\cosh^2(x)}.")
    holds(r"\tanh''(x) &= -2 \cdot \tanh(x) \cdot \left(1-\tanh^2(x)\right).")
    fails_at(4, r"\tanh'(x) &= 1+\tanh^2(x).")


def test_a_derivative_of_the_bare_loss_is_refused_not_read_as_zero():
    """\\partial E / \\partial w of a bare E read as 0, so `= 0` held for any E."""
    fails_at(4, r"\frac{\partial E}{\partial w} &= 0")
    assert "has no formula here" in block(r"\frac{\partial E}{\partial w_{jk}} &= 0").errors[0]
    holds(r"\frac{\partial E}{\partial E} &= 1")  # the seed of backprop
    holds(r"\frac{\partial}{\partial w} \left(w^{2}\right) &= 2\,w")  # the loss written out is read
    # A loss named with a word (E_{\text{mean}}) is the loss too: W - 0 = W held on frameworks.md.
    assert "has no formula here" in block(r"\frac{\partial E_{\text{mean}}}{\partial W} &= 0").errors[0]


def test_digits_in_an_operator_name_are_kept():
    """\\operatorname{ReLU6} lost its digit and was read as ReLU."""
    holds(r"\operatorname{ReLU6}(x) &= \min\bigl(\max(0, x), 6\bigr)")
    fails_at(4, r"\operatorname{ReLU6}(x) &= \max(0, x)")


def test_a_derivative_of_a_name_with_no_formula_is_refused():
    """An entry by another entry, or a name other than the variable or a
    parameter by x, read as 0: `= 0` held for anything."""
    assert "has no formula here" in block(r"\frac{\partial y_i}{\partial z_j} &= 0").errors[0]
    assert "has no formula here" in block(r"\frac{\partial q}{\partial x} &= 0").errors[0]
    holds(r"\frac{\partial x}{\partial x} &= 1")
    holds(r"\frac{\partial}{\partial x} \left(x^{3}\right) &= 3\,x^{2}")


# ---------------------------------------------------------------------------
# Prose notation in inline formulas (sitekit.inline_formulas), each reading
# with a formula that holds and a wrong one that fails.


def inline(body: str, monkeypatch, page: str = "notes/scratch.md", entries=()) -> dict:
    """A page whose inline math is on line 3, with its own exception table."""
    from sitekit import inline_exceptions, inline_formulas
    from sitekit.derivations import page_name

    monkeypatch.setattr(inline_exceptions, "EXCEPTIONS", list(entries))
    return inline_formulas.check_page(f"# Scratch\n\n{body}\n", page, f"docs/{page}", page_name(page))


def inline_holds(body: str, monkeypatch, **kwargs) -> dict:
    result = inline(body, monkeypatch, **kwargs)
    assert result["errors"] == [] and result["counts"].get("equalities", 0) >= 1, result["errors"]
    return result


def inline_fails(body: str, monkeypatch, **kwargs) -> None:
    result = inline(body, monkeypatch, **kwargs)
    assert [e for e in result["errors"] if e.startswith(f"docs/{kwargs.get('page', 'notes/scratch.md')}:3: ")], result


def test_a_domain_may_fix_a_parameter(monkeypatch):
    """swish at beta = 0 is x/2 (the prose fixes the page's parameter)."""
    from sitekit.inline_exceptions import Entry

    page, formula = "activations/swish.md", r"\operatorname{swish}(x) = x/2"
    entry = Entry(page, formula, "hint: at beta = 0", domain=r"\beta = 0")
    inline_holds(rf"\({formula}\)", monkeypatch, page=page, entries=[entry])
    inline_fails(rf"\({formula}\)", monkeypatch, page=page, entries=[entry._replace(domain=r"\beta = 1")])
    inline_fails(rf"\({formula}\)", monkeypatch, page=page)


def test_erfcx_is_the_scaled_complement(monkeypatch):
    inline_holds(r"\(\operatorname{erfcx}'(v) = 2v\operatorname{erfcx}(v) - 2/\sqrt{\pi}\)", monkeypatch)
    inline_holds(r"\(\operatorname{erfcx}(v) = e^{v^2}\operatorname{erfc}(v) + 0\)", monkeypatch)
    inline_fails(r"\(\operatorname{erfcx}'(v) = 2v\operatorname{erfcx}(v) + 2/\sqrt{\pi}\)", monkeypatch)


def test_the_log_of_a_root(monkeypatch):
    inline_holds(r"\(\log\sqrt{2} = \tfrac12\log(2)\)", monkeypatch)
    inline_fails(r"\(\log\sqrt{2} = 2\log(2)\)", monkeypatch)


def test_a_nan_is_an_ieee_result_of_constants(monkeypatch):
    """0 * (-inf) is nan in IEEE arithmetic (a limit would say 0)."""
    inline_holds(r"\(0 \cdot (-\infty) = \text{nan}\)", monkeypatch)
    inline_fails(r"\(1 \cdot (-\infty) = \text{nan}\)", monkeypatch)
    # A function at infinity stays its limit, and a nan next to names is refused.
    inline_holds(r"\(\tanh(-\infty) = -1\)", monkeypatch)
    inline_fails(r"\(0 \cdot x = \text{nan}\)", monkeypatch)


def test_a_tuple_of_names_set_to_numbers_is_a_value(monkeypatch):
    assert inline(r"\((N, T, D, H) = (3, 4, 2, 5)\)", monkeypatch)["counts"]["value"] == 1
    # One number short: not a value, and unreadable.
    inline_fails(r"\((N, T, D, H) = (3, 4, 2)\)", monkeypatch)


def test_a_code_name_given_its_letter_is_a_definition(monkeypatch):
    assert inline(r"with `fan_in` \(= J\) inputs", monkeypatch)["counts"]["definition"] == 1
    # Without the code span there is no left side: refused.
    inline_fails(r"with fan in \(= J\) inputs", monkeypatch)


def test_the_page_function_without_its_argument_is_at_x(monkeypatch):
    page = "activations/hardsigmoid.md"
    inline_holds(r"\(\operatorname{hardsigmoid} = \operatorname{hardsigmoid}(x)\)", monkeypatch, page=page)
    inline_holds(r"\(f' = \operatorname{hardsigmoid}'(x)\)", monkeypatch, page=page)
    inline_fails(r"\(\operatorname{hardsigmoid}' = \operatorname{hardsigmoid}\cdot(1 - \operatorname{hardsigmoid})\)",
                 monkeypatch, page=page)
    # Another function's name without its argument is still refused.
    inline_fails(r"\(\sigma' = \sigma(x)\,(1 - \sigma(x))\)", monkeypatch, page=page)


def test_a_primed_index_is_an_index(monkeypatch):
    """n' = n inside a sum over n' is an index condition, not a claim about n'."""
    assert inline(r"\(n' = n\)", monkeypatch)["counts"]["index condition"] == 1
    inline_fails(r"\(x' = n\)", monkeypatch)


def test_a_bracketed_numerator_is_the_operator_applied_to_it():
    """What a hint puts in for a name under \\partial (batchnorm's mu) is differentiated as written."""
    mean = r"{\frac{1}{N} \sum_{p=1}^{N} x_{p}}"
    holds(rf"\frac{{\partial {mean}}}{{\partial x_m}} &= \frac{{1}}{{N}}.")
    fails_at(4, rf"\frac{{\partial {mean}}}{{\partial x_m}} &= \frac{{2}}{{N}}.")
    holds(r"\frac{d {x^{2} + x}}{dx} &= 2 \cdot x + 1.")


def test_parameters_after_a_semicolon(monkeypatch):
    """softshrink(c x; c lambda): the page's parameter given in the call."""
    from sitekit.inline_exceptions import Entry

    page = "activations/softshrink.md"

    def entries(formula: str) -> list:
        return [Entry(page, formula, r"hint: \lambda > 0", domain=r"\lambda > 0")]

    good = r"\operatorname{softshrink}(2x; 2\lambda) = 2\operatorname{softshrink}(x; \lambda)"
    inline_holds(rf"\({good}\)", monkeypatch, page=page, entries=entries(good))
    wrong = good.replace("= 2", "= 3")
    inline_fails(rf"\({wrong}\)", monkeypatch, page=page, entries=entries(wrong))
    # The parameter is put in, not ignored: softshrink(x; 0) is x.
    shrunk = r"\operatorname{softshrink}(x; 0) = x"
    inline_holds(rf"\({shrunk}\)", monkeypatch, page=page, entries=entries(shrunk))
    too_many = r"\operatorname{softshrink}(x; \lambda; 2) = x"
    inline_fails(rf"\({too_many}\)", monkeypatch, page=page, entries=entries(too_many))
