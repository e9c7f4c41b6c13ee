"""The display-formula checker (sitekit.formulas): every page passes, a wrong
formula fails at its page and line, and the exception table is honest
(a declared definition is not compared, a stale entry and an unreadable
formula outside the table fail)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitekit import formula_exceptions, formulas
from sitekit.formula_exceptions import Entry

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCRATCH = "notes/scratch.md"


def error_lines(report, page: str) -> set[int]:
    return {int(m.group(1)) for e in report.errors if (m := re.match(rf"docs/{re.escape(page)}:(\d+): ", e))}


def scratch(body: str, entries: list[Entry], monkeypatch) -> formulas.Report:
    """One display formula on a scratch page whose TeX starts at line 4, with
    its own exception table (uncached: the table is not on disk)."""
    monkeypatch.setattr(formula_exceptions, "EXCEPTIONS", entries)
    return formulas._check_markdown(f"# Scratch\n\n\\[\n{body}\n\\]\n", SCRATCH, None)


# ---------------------------------------------------------------------------
# The real pages


def test_every_page_passes():
    report = formulas.check_files(sorted(DOCS.rglob("*.md")))
    print(report.summary())
    assert report.errors == []
    # Each outcome occurs: formulas checked, declared exceptions, relations that are not equalities.
    assert report.checked > 0 and report.equalities >= report.checked
    # Every kind of exception is a known one; none is left unreadable today (issue 15), though the kind exists.
    assert report.exceptions.get("definition", 0) > 0
    assert set(report.exceptions) <= {"definition", "checked by", "not an identity", "unreadable"}, report.exceptions
    assert report.exceptions.get("checked by", 0) > 0 and report.hinted > 0
    assert report.not_equalities > 0
    assert report.formulas == report.checked + sum(report.exceptions.values()) + report.not_equalities


# The formulas issue 15 names (softplus.md:29 and :56, gelu.md:42 and :48,
# hidden_layers.md:16, 22, 29-33, 103-107; lines have moved since), each with
# a flipped sign and a 2 changed to 3. (page, text in the formula, replacement)
FAULTS = [
    ("activations/softplus.md", r"\operatorname{softplus}'(x) = \frac{e^{x}}{1+e^{x}} = \sigma(x)",
     r"\operatorname{softplus}'(x) = \frac{e^{x}}{1-e^{x}} = \sigma(x)"),
    ("activations/softplus.md", r"= \frac{e^{y}-1}{e^{y}} = 1-e^{-y}", r"= \frac{e^{y}-1}{e^{y}} = 1+e^{-y}"),
    ("activations/softplus.md", r"= \frac{e^{y}-1}{e^{y}} = 1-e^{-y}", r"= \frac{e^{y}-1}{e^{y}} = 1-e^{-2y}"),
    ("activations/gelu.md", r"x\,\Phi(x) = \frac{x}{2}\left(", r"x\,\Phi(x) = \frac{x}{3}\left("),
    ("activations/gelu.md", r"x\,\Phi(x) = \frac{x}{2}\left(1+", r"x\,\Phi(x) = \frac{x}{2}\left(1-"),
    ("activations/gelu.md", r"\operatorname{GELU}'(x) = \Phi(x) + x\,\varphi(x)",
     r"\operatorname{GELU}'(x) = \Phi(x) - x\,\varphi(x)"),
    ("activations/gelu.md", r"+ \frac{x}{\sqrt{2\pi}}\,e^{-x^2/2}", r"- \frac{x}{\sqrt{2\pi}}\,e^{-x^2/2}"),
    ("activations/gelu.md", r"+ \frac{x}{\sqrt{2\pi}}\,e^{-x^2/2}", r"+ \frac{x}{\sqrt{3\pi}}\,e^{-x^2/2}"),
    # Formulas checked with a hint: a change to the hinted name's own definition fails too.
    ("activations/gelu_tanh.md", r"f(x) = \frac{x}{2}\left(1+", r"f(x) = \frac{x}{2}\left(1-"),
    ("activations/gelu_tanh.md", r"u = \sqrt{2/\pi}\,\left(x+", r"u = \sqrt{3/\pi}\,\left(x+"),
    ("activations/gelu_tanh.md", r"1+3 \cdot 0.044715\,x^{2}", r"1+2 \cdot 0.044715\,x^{2}"),
    ("activations/mish.md", r"\frac{4\,x\,u\,(1+u)}", r"\frac{3\,x\,u\,(1+u)}"),
    ("backprop/hidden_layers.md", r"= g'(z_j) \cdot \sum_{k} \delta_k", r"= -g'(z_j) \cdot \sum_{k} \delta_k"),
    ("backprop/hidden_layers.md", r"= g'(z_j) \cdot \sum_{k} \delta_k", r"= 2 g'(z_j) \cdot \sum_{k} \delta_k"),
    ("backprop/hidden_layers.md", r"\frac{\partial E}{\partial w_{ij}} = \delta_j \cdot a_i",
     r"\frac{\partial E}{\partial w_{ij}} = -\delta_j \cdot a_i"),
    ("backprop/hidden_layers.md", r"\frac{\partial E}{\partial b_j} = \delta_j.", r"\frac{\partial E}{\partial b_j} = 2\delta_j."),
    ("backprop/hidden_layers.md", r"\cdot w^{(l+1)}_{jk},", r"\cdot w^{(l+2)}_{jk},"),
    ("backprop/hidden_layers.md", r"= \delta^{(l)}_j \cdot a^{(l-1)}_i", r"= -\delta^{(l)}_j \cdot a^{(l-1)}_i"),
    ("backprop/hidden_layers.md", r"\odot g'\bigl(Z^{(l)}\bigr)", r"\odot g'\bigl(-Z^{(l)}\bigr)"),
    ("backprop/hidden_layers.md", r"\Delta^{(l+1)} \, \bigl(W^{(l+1)}\bigr)^{\mathsf T}",
     r"\Delta^{(l+1)} \, \bigl(W^{(l+2)}\bigr)^{\mathsf T}"),
    ("backprop/hidden_layers.md", r"= \sum_{n=1}^{N} \Delta^{(l)}_{n,:}", r"= -\sum_{n=1}^{N} \Delta^{(l)}_{n,:}"),
    # \begin{cases} read branch by branch; ReLU6 is not ReLU; a parameter's range from its entry;
    # a condition u = v inside cases; the SELU constants put in by a hint.
    ("activations/relu6.md", r"x & 0 \le x \le 6, \\ 6 & x > 6.", r"x & 0 \le x \le 6, \\ x & x > 6."),
    ("activations/relu6.md", r"\min\bigl(\max(0, x), 6\bigr)", r"\min\bigl(\max(0, x), 5\bigr)"),
    ("activations/softshrink.md", r"\\ x - \lambda & x > \lambda \end{cases}", r"\\ x + \lambda & x > \lambda \end{cases}"),
    ("activations/hardtanh.md", r"\frac{\partial \operatorname{hardtanh}}{\partial a} = \begin{cases} 1 & x < a,",
     r"\frac{\partial \operatorname{hardtanh}}{\partial a} = \begin{cases} 0 & x < a,"),
    ("activations/selu.md", r"\lambda\,\alpha\,e^{x} & x < 0. \end{cases}", r"\lambda\,\alpha\,e^{-x} & x < 0. \end{cases}"),
    # tanhshrink read by its alias, its slope and the bound on it.
    ("activations/tanhshrink.md", r"\operatorname{tanhshrink}(x) = x - \tanh(x).", r"\operatorname{tanhshrink}(x) = x + \tanh(x)."),
    ("activations/tanhshrink.md", r"\operatorname{tanhshrink}'(x) = \tanh^2(x), \qquad",
     r"\operatorname{tanhshrink}'(x) = \tanh(x), \qquad"),
    # log-sigmoid with its logarithms bracketed: the value and the slope.
    ("activations/logsigmoid.md", r"= -\ln\left(1+e^{-x}\right) = -\operatorname{softplus}(-x)",
     r"= -\ln\left(1+e^{x}\right) = -\operatorname{softplus}(-x)"),
    ("activations/logsigmoid.md", r"\bigr) = 1 - \sigma(x) = \sigma(-x)", r"\bigr) = 1 + \sigma(x) = \sigma(-x)"),
    # Binary cross-entropy: its stable form, and its gradient with E put in by the hint.
    ("backprop/losses.md", r"= \max(z, 0) - z\,t + \log\bigl(1+e^{-|z|}\bigr),",
     r"= \max(z, 0) + z\,t + \log\bigl(1+e^{-|z|}\bigr),"),
    ("backprop/losses.md", r"\frac{\partial E}{\partial z} = \sigma(z) - t.", r"\frac{\partial E}{\partial z} = \sigma(z) + t."),
    # Jacobians pinned whole (checked by tests/test_formula_jacobians.py): an edit fails at the formula.
    ("activations/softmax.md", r"= p_i\,([i = j] - p_j),", r"= p_i\,([i = j] + p_j),"),
    ("activations/softmin.md", r"= -q \odot \bigl(\bar{q} - (\bar{q} \cdot q)\bigr)", r"= q \odot \bigl(\bar{q} - (\bar{q} \cdot q)\bigr)"),
    ("activations/log_softmax.md", r"= I - \mathbf{1}\,p^{\mathsf T}:", r"= I + \mathbf{1}\,p^{\mathsf T}:"),
    # log-softmax's definition, its logarithms bracketed and p_i put in by the hint.
    ("activations/log_softmax.md", r"= z_i - \log\Bigl(\sum_{k=1}^{K} e^{z_k}\Bigr), \qquad",
     r"= z_i + \log\Bigl(\sum_{k=1}^{K} e^{z_k}\Bigr), \qquad"),
    # GLU and SwiGLU partials, pinned whole (checked by tests/test_formula_jacobians.py).
    ("activations/glu.md", r"\frac{\partial y_i}{\partial u_i} = \sigma(v_i), \qquad",
     r"\frac{\partial y_i}{\partial u_i} = \sigma(u_i), \qquad"),
    ("activations/swiglu.md", r"= v_i\,\operatorname{silu}'(u_i) =", r"= u_i\,\operatorname{silu}'(u_i) ="),
    ("activations/prelu.md", r"= \sum_i \bar{y}_i\,\min(0, x_i).", r"= \sum_i \bar{y}_i\,\max(0, x_i)."),
    ("backprop/losses.md", r"\frac{\partial E}{\partial y_j} = y_j - t_j.", r"\frac{\partial E}{\partial y_j} = t_j - y_j."),
]


@pytest.mark.parametrize("page, old, new", FAULTS, ids=[f"{p}:{n}" for n, (p, _, _) in enumerate(FAULTS)])
def test_a_wrong_formula_fails_at_its_line(page, old, new):
    text = (DOCS / page).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the fault's text is not once in docs/{page}: update FAULTS"
    assert formulas.check_markdown(text, page).errors == []
    line = text.count("\n", 0, text.index(old) + len(old)) + 1  # the line the change ends on
    report = formulas.check_markdown(text.replace(old, new), page)
    span = next(range(f.line, f.line + f.tex.count("\n") + 1) for f in formulas.extract_formulas(text)
                if f.line <= line <= f.line + f.tex.count("\n"))
    lines = error_lines(report, page)
    assert lines, report.errors
    # Checked formulas fail at the changed line itself; a pinned one at its formula.
    assert lines <= set(span) and (line in lines or page.startswith("backprop/")), (line, report.errors)


# ---------------------------------------------------------------------------
# The table of exceptions, on a scratch page


def test_a_declared_definition_is_not_compared(monkeypatch):
    # z is a fresh name with its own sample values: compared, z = 3x fails.
    assert error_lines(scratch("z = 3 x", [], monkeypatch), SCRATCH) == {4}
    report = scratch("z = 3 x", [Entry(SCRATCH, "z = 3 x", "definition: introduces z")], monkeypatch)
    assert report.errors == [] and report.exceptions == {"definition": 1} and report.checked == 0


def test_a_definition_still_checks_its_further_equalities(monkeypatch):
    entry = [Entry(SCRATCH, "z = 3 x", "definition: introduces z")]
    assert scratch("z = 3 x = x + x + x", entry, monkeypatch).errors == []
    report = scratch("z = 3 x\n= x + x", entry, monkeypatch)
    assert error_lines(report, SCRATCH) == {5}, report.errors


def test_a_stale_entry_fails(monkeypatch):
    report = scratch("x + x = 2 x", [Entry(SCRATCH, "y = 4 x", "definition: introduces y")], monkeypatch)
    assert report.checked == 1
    assert [e for e in report.errors if "stale entry" in e and "y = 4 x" in e], report.errors


def test_an_edited_pinned_formula_names_its_entry():
    """A transposed index in a formula pinned as 'checked by' says where it was pinned
    (file and line), at the changed line, not why the generic checker cannot read it."""
    page = "backprop/hidden_layers.md"
    text = (DOCS / page).read_text(encoding="utf-8")
    old = r"\delta^{(l+1)}_k \cdot w^{(l+1)}_{jk},"
    line = text.count("\n", 0, text.index(old)) + 1
    errors = formulas.check_markdown(text.replace(old, old.replace("{jk}", "{kj}")), page).errors
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"docs/{page}:{line}: formula edited since it was pinned"), errors
    assert re.search(r"stale entry in sitekit/formula_exceptions\.py:\d+, checked by: sitekit\.summaries", errors[0]), errors


def test_an_unreadable_entry_the_checker_now_reads_is_stale(monkeypatch):
    """A reading that improved must not leave a false 'unreadable' claim behind."""
    entry = Entry(SCRATCH, "x + x = 2 x", "unreadable: claimed, not true")
    report = scratch("x + x = 2 x", [entry], monkeypatch)
    assert error_lines(report, SCRATCH) == {3}, report.errors  # the line of `\\[`, as other entry errors
    assert "stale entry" in report.errors[0] and "remove the entry" in report.errors[0]
    # Still unreadable, or read and false: the entry stays and is not stale.
    for body in (r"Y = X^{\mathsf T}", "x + x = 3 x"):
        report = scratch(body, [entry._replace(tex=body)], monkeypatch)
        assert report.errors == [] and report.exceptions == {"unreadable": 1}, report.errors


def test_an_unreadable_formula_outside_the_table_fails(monkeypatch):
    report = scratch(r"Y = X \odot W", [], monkeypatch)
    assert error_lines(report, SCRATCH) == {4}
    assert "formula_exceptions.py" in report.errors[0] and "fix the TeX" in report.errors[0]
    entry = Entry(SCRATCH, r"Y = X \odot W", "unreadable: an elementwise product")
    assert scratch(r"Y = X \odot W", [entry], monkeypatch).exceptions == {"unreadable": 1}


def test_a_hint_makes_a_formula_checked(monkeypatch):
    hint = Entry(SCRATCH, "e^{x} = u", "hint: u = e^{x}", hint=(("u", "e^{x}"),))
    report = scratch(r"e^{x} = u", [hint], monkeypatch)
    assert report.errors == [] and report.checked == 1 and report.hinted == 1
    assert error_lines(scratch(r"e^{x} = u", [hint._replace(hint=(("u", "e^{2x}"),))], monkeypatch), SCRATCH) == {4}


def test_relations_are_not_equalities(monkeypatch):
    for body in (r"0 < \sigma(x) < 1", r"x \approx 2", r"\sigma(x) \to 1", r"f(x) \le 1", r"x \in (0, 1)"):
        report = scratch(body, [], monkeypatch)
        assert report.errors == [] and report.not_equalities == 1, body
    # A formula of several statements: the equality is checked, the bound counted with it.
    report = scratch(r"x + x = 2x, \qquad 0 < 1", [], monkeypatch)
    assert report.checked == 1 and report.equalities == 1
    assert error_lines(scratch(r"x + x = 3x, \qquad 0 < 1", [], monkeypatch), SCRATCH) == {4}


def test_a_letter_before_a_bracket_raised_to_a_power(monkeypatch):
    # The parser reads x\,(1+x)^{2} as the call x(1+x), squared: x^2 (1+x)^2.
    assert scratch(r"x\,(1+x)^{2} = x + 2x^{2} + x^{3}", [], monkeypatch).errors == []
    assert error_lines(scratch(r"x\,(1+x)^{2} = x^{2}\,(1+x)^{2}", [], monkeypatch), SCRATCH) == {4}


def test_pi_is_the_number(monkeypatch):
    assert scratch(r"\sqrt{\pi}\,\sqrt{\pi} = \pi", [], monkeypatch).errors == []
    assert error_lines(scratch(r"\pi = 3.14159", [], monkeypatch), SCRATCH) == {4}


def test_formulas_in_code_fences_are_not_read():
    text = "```tex\n\\[\nx = 2 x\n\\]\n```\n\n\\[\nx = x\n\\]\n"
    assert [f.line for f in formulas.extract_formulas(text)] == [7]


def test_the_cli_prints_its_usage(capsys):
    """`python -m sitekit.formulas --help` took --help for a page and crashed."""
    assert formulas.main(["--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: python -m sitekit.formulas")
    assert formulas.main(["--bogus"]) == 2 and "unknown option: --bogus" in capsys.readouterr().err
    assert formulas.main(["docs/no_such_page.md"]) == 2 and "no such page" in capsys.readouterr().err
