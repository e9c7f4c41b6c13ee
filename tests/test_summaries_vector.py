"""The vector-activation pages' formulas, checked numerically (sitekit/summary_bindings_vector.py):
every page with a READ binding passes; `read` turns the prose's notation into the
matrix reader's; and each kind of check fails at its page and line on a one-place fault:
the Iverson, exponential, dot-product, named-function and tuple readings, a quoted
mistake made true, and the BINDINGS the build checks (the δ recursion as rows,
the two-layer network, the chain rule at one x, gradients of a loss only the
prose defines, Jacobian entries, the one-entry and plotted-slice setups,
central differences alone)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitekit import summaries, summary_bindings_vector
from sitekit.matrix_tex import parse
from sitekit.summary_bindings_vector import READ, check_markdown, read

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted({b.page for b in READ})


def faulted(page: str, old: str, new: str, checker=check_markdown) -> tuple[list[str], int]:
    """The errors of the page with `old` replaced by `new`, and the line the change is on."""
    text = (DOCS / page).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the fault's text is not once in docs/{page}: update the test"
    line = text.count("\n", 0, text.index(old)) + 1
    return checker(text.replace(old, new), page), line


def lines(errors: list[str], page: str) -> set[int]:
    return {int(m.group(1)) for e in errors if (m := re.match(rf"docs/{re.escape(page)}:(\d+): ", e))}


@pytest.mark.parametrize("page", PAGES)
def test_read_formulas_hold(page):
    """Every READ binding of the page holds (a quoted mistake: is false), and every
    inline_exceptions entry that names this test has a READ binding behind it."""
    assert check_markdown((DOCS / page).read_text(encoding="utf-8"), page) == []


@pytest.mark.parametrize("prose, reader", [
    ("[i = j] - e^{y_j}", "\\mathbf{I}_{i j} - \\exp(y_j)"),
    ("2 \\operatorname{silu}'(x)", "2 f_{silu}'(x)"),
    ("e^{\\min(u, 0)}", "\\exp(f_{min0}(u))"),
    ("\\operatorname{softmax}(z)", "\\operatorname{softmax}(z)"),
])
def test_read_rewrites_the_prose_notation(prose, reader):
    assert read(prose) == reader
    parse(reader)


def test_a_tuple_of_numbers_is_that_vector():
    tex, vectors = summary_bindings_vector._tuples("\\bar{y} = (-1, 0, 0.5)")
    assert tex == "\\bar{y} = \\mathbf{A}" and vectors["\\mathbf{A}"].tolist() == [-1.0, 0.0, 0.5]


def test_read_takes_a_dot_product_only_where_asked():
    assert read("\\bar{p} - \\bar{p} \\cdot p", dot=True) == "\\bar{p} - (\\sum_{\\text{rows}} \\bar{p} \\odot p)"
    assert read("\\bar{y} \\cdot f'(x)", dot=False) == "\\bar{y} \\cdot f'(x)"


# (page, old, new): one place changed, in the reading the test names.
READ_FAULTS = {
    "Iverson bracket, indexed": ("errata.md", "p_i\\,([i = j] - p_j)", "p_i\\,([i = j] + p_j)"),
    "Iverson bracket and exponential": ("activations/log_softmax.md", "[i = j] - e^{y_j}", "[i = j] - e^{y_i}"),
    "exponential of a vector": ("activations/log_softmax.md", "\\bar{y} - e^{y} \\sum_i", "\\bar{y} - e^{-y} \\sum_i"),
    "min at 0, both signs of u": ("activations/swiglu.md", "\\cdot v \\cdot c / (1 + q)^{2}",
                                  "\\cdot v \\cdot c / (1 + q)"),
    "tuple of numbers": ("activations/log_softmax.md", "\\frac{\\partial E}{\\partial y} = (-1, 0, 0)",
                         "\\frac{\\partial E}{\\partial y} = (0, -1, 0)"),
    "dot product": ("activations/softmax.md", "\\bar{z} = p \\odot \\bigl(\\bar{p} - (\\bar{p} \\cdot p)\\bigr)",
                    "\\bar{z} = p \\odot \\bigl(\\bar{p} + (\\bar{p} \\cdot p)\\bigr)"),
    "dot product, transposed Jacobian": ("activations/index.md", "(\\bar{p} - \\bar{p} \\cdot p)",
                                         "(\\bar{p} - \\bar{p} \\cdot \\bar{p})"),
    "named function": ("activations/swiglu.md", "\\partial y / \\partial u = 2 \\operatorname{silu}'(x)",
                       "\\partial y / \\partial u = 2 \\operatorname{silu}(x)"),
    "named function, one entry": ("activations/swiglu.md", "\\operatorname{silu}'(u)\\) is an ordinary",
                                  "\\operatorname{silu}(u)\\) is an ordinary"),
    "quoted mistake made true, dot product": (
        "activations/softmin.md", "\\bar{z} = q \\odot \\bigl(\\bar{q}", "\\bar{z} = -q \\odot \\bigl(\\bar{q}"),
}


@pytest.mark.parametrize("kind", sorted(READ_FAULTS))
def test_a_read_formula_with_a_fault_fails_at_its_line(kind):
    page, old, new = READ_FAULTS[kind]
    errors, line = faulted(page, old, new)
    assert line in lines(errors, page), errors


# Faults in the formulas of BINDINGS, which sitekit.summaries checks at every build.
BOUND_FAULTS = {
    "δ recursion as rows": ("activations/choosing.md", "(W^{(l+1)})^{\\mathsf T}\\bigr)", "(W^{(l+1)})\\bigr)"),
    "δ recursion, slope of the layer above": ("activations/sigmoid.md", "\\odot g'(z^{(l)})\\)",
                                              "\\odot g'(z^{(l)}) \\odot g'(z^{(l)})\\)"),
    "two layers, transposed weight": ("errata.md", "\\sum_k w^{(2)}_{jk}\\, \\delta^{(2)}_k", "\\sum_k w^{(2)}_{jk}"),
    "two layers, the other layer's δ": ("errata.md", "\\frac{\\partial E}{\\partial b^{(2)}_k} = \\delta^{(2)}_k",
                                        "\\frac{\\partial E}{\\partial b^{(2)}_k} = 2 \\delta^{(2)}_k"),
    "weight gradient, swapped indices": ("errata.md", "a^{(l-1)}_j\\, \\delta^{(l)}_k", "a^{(l-1)}_k\\, \\delta^{(l)}_j"),
    "chain rule at one x": ("notation.md", "\\bar{x} = \\bar{y} \\cdot f'(x)", "\\bar{x} = \\bar{y} + f'(x)"),
    "loss in words, complex step": ("activations/log_softmax.md", "\\(\\bar{y} = -t\\)", "\\(\\bar{y} = -2 t\\)"),
    "loss in words, complex step, softmin": ("activations/softmin.md", "\\(\\bar{q} = c\\)", "\\(\\bar{q} = -c\\)"),
    "cross-entropy gradient": ("activations/log_softmax.md", "\\(\\bar{z} = p - t\\)", "\\(\\bar{z} = p - 2 t\\)"),    "Jacobian of a layer, index repeated": ("errata.md", "\\frac{\\partial z_k}{\\partial w_{jk}} = a_j",
                                            "\\frac{\\partial z_k}{\\partial w_{jk}} = a_k"),
    "Jacobian entry": ("activations/log_softmax.md", "\\partial y_1 / \\partial z_1 = 1 - p_1",
                       "\\partial y_1 / \\partial z_1 = 1 + p_1"),
    "Jacobian entry, softmin": ("activations/softmin.md", "\\partial q_1 / \\partial z_1 = -q_1",
                                "\\partial q_1 / \\partial z_1 = q_1"),
    "plotted slice": ("activations/glu.md", "\\partial y / \\partial v = 2\\,\\sigma(x)\\,(1 - \\sigma(x))",
                      "\\partial y / \\partial v = 2\\,\\sigma(x)\\,(1 + \\sigma(x))"),
    "one entry": ("activations/glu.md", "\\partial E / \\partial u = \\bar{y}\\,\\sigma(v)",
                  "\\partial E / \\partial u = \\bar{y}\\,\\sigma(u)"),
    "vectors": ("activations/glu.md", "\\partial E / \\partial u = \\bar{y} \\odot \\sigma(v)",
                "\\partial E / \\partial u = \\bar{y} \\odot \\sigma(v) \\odot v"),
    "central differences only": ("activations/log_softmax.md", "\\(\\bar{p} = \\bar{y} / p\\)",
                                 "\\(\\bar{p} = \\bar{y} \\odot p\\)"),
    "quoted mistake made true": ("activations/softmax.md", "\\bar{z} = \\bar{p} \\odot p \\odot (1 - p)",
                                 "\\bar{z} = \\bar{p} \\odot p - p \\sum_i \\bar{p}_i p_i"),
    "quoted mistake made true, one entry": (
        "activations/glu.md", "\\partial E / \\partial v = 0", "\\partial E / \\partial v = \\bar{y} \\odot u "
        "\\odot \\sigma(v) \\odot (1 - \\sigma(v))"),
}


@pytest.mark.parametrize("kind", sorted(BOUND_FAULTS))
def test_a_bound_formula_with_a_fault_fails_the_build_at_its_line(kind):
    page, old, new = BOUND_FAULTS[kind]
    errors, line = faulted(page, old, new, summaries._check_markdown)
    assert line in lines(errors, page), errors


def test_an_entry_naming_the_test_needs_a_read_binding(monkeypatch):
    page = "activations/swiglu.md"
    text = (DOCS / page).read_text(encoding="utf-8")
    monkeypatch.setattr(summary_bindings_vector, "READ", [b for b in READ if b.page != page])
    errors = check_markdown(text, page)
    assert errors and all("no READ binding" in e for e in errors), errors


def test_a_read_binding_whose_formula_is_gone_is_stale():
    errors, _ = faulted("activations/swiglu.md", "\\partial y / \\partial v = \\operatorname{silu}(x)",
                        "\\frac{\\partial y}{\\partial v} = \\operatorname{silu}(x)")
    assert any("stale binding" in e for e in errors), errors
