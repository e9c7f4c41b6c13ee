"""The numeric check of the matrix-form and summary formulas (sitekit.summaries):
every bound page passes; a wrong formula fails at its page and line, whether
it breaks the shapes or only the values; a binding whose formula is gone, an
exception entry no binding backs, and an unreadable formula fail; and the
central differences catch a formula that agrees with a wrong snippet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitekit import formula_exceptions, inline_exceptions, summaries, summary_bindings, summary_bindings_layers
from sitekit.formula_exceptions import Entry
from sitekit.summary_bindings import BINDINGS, Binding

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted({b.page for b in summaries.bindings()})


def error_lines(errors: list[str], page: str) -> set[int]:
    return {int(m.group(1)) for e in errors if (m := re.match(rf"docs/{re.escape(page)}:(\d+): ", e))}


def faulted(page: str, old: str, new: str) -> tuple[list[str], int]:
    """The errors of the page with `old` replaced by `new`, and the line the change starts on."""
    text = (DOCS / page).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the fault's text is not once in docs/{page}: update the test"
    line = text.count("\n", 0, text.index(old)) + 1
    return summaries._check_markdown(text.replace(old, new), page), line


# check_formula's errors by formula and binding, for the one-fault tests below: a fault
# changes one formula, and the page's other formulas (LSTM: about 20, 1.4 s) give what they gave.
_ONCE: dict[tuple, list[str]] = {}
_CHECK_FORMULA = summaries.check_formula


def _check_formula_once(formula, binding, label: str) -> list[str]:
    key = (type(formula).__name__, formula.line, formula.tex, formula.flat, id(binding), label)
    if key not in _ONCE:
        _ONCE[key] = _CHECK_FORMULA(formula, binding, label)
    return list(_ONCE[key])


@pytest.fixture
def one_fault(monkeypatch):
    """faulted(), with the unchanged formulas' results reused (no snippet is patched in these tests)."""
    monkeypatch.setattr(summaries, "check_formula", _check_formula_once)
    return faulted


@pytest.mark.parametrize("page", PAGES)
def test_every_bound_page_passes(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    assert summaries._check_markdown(text, page) == []
    # The hook's entry point: the same, through the cache.
    assert summaries.check_markdown(text, page) == []


def test_every_exception_entry_it_backs_is_bound():
    """Each "checked by: sitekit.summaries" entry names a formula a binding checks (the check
    itself fails otherwise, test_an_entry_without_a_binding_fails); and each of them is here."""
    from sitekit.inline_formulas import extract_inline

    entries = [e for module in (formula_exceptions, inline_exceptions) for e in module.EXCEPTIONS
               if "sitekit.summaries" in e.reason]
    assert {e.page for e in entries} <= set(PAGES)
    display = [e for e in formula_exceptions.EXCEPTIONS if "sitekit.summaries" in e.reason]
    assert len(display) == sum(not b.inline for b in summaries.bindings())
    # No inline formula a binding checks is still declared unreadable.
    for page in {b.page for b in summaries.bindings() if b.inline}:
        text = (DOCS / page).read_text(encoding="utf-8")
        unreadable = {" ".join(e.formula.split()) for e in inline_exceptions.EXCEPTIONS
                      if e.page == page and e.kind == "unreadable"}
        for binding in (b for b in summaries.bindings() if b.page == page and b.inline):
            fragment = " ".join(binding.fragment.split())
            checked = {f.flat for f in extract_inline(text) if fragment in f.flat}
            assert checked and not checked & unreadable, (page, checked & unreadable)


# (page, text in the formula, replacement): the faults of the brief on each page.
FAULTS = [
    # hidden_layers.md, matrix form
    ("backprop/hidden_layers.md", r"\Delta^{(l+1)} \, \bigl(W^{(l+1)}\bigr)^{\mathsf T}", r"\Delta^{(l+1)} \, W^{(l+1)}"),
    ("backprop/hidden_layers.md", r"\Bigl( \Delta^{(l+1)} \, \bigl(W", r"\Bigl( \Delta^{(l)} \, \bigl(W"),
    ("backprop/hidden_layers.md", r"\Bigr) \odot g'\bigl(Z^{(l)}\bigr),", r"\Bigr) \, g'\bigl(Z^{(l)}\bigr),"),
    ("backprop/hidden_layers.md", r"\Delta^{(l)} = \Bigl(", r"\Delta^{(l)} = -\Bigl("),
    ("backprop/hidden_layers.md", r"\Bigr) \odot g'\bigl(Z^{(l)}\bigr),", r"\Bigr),"),
    ("backprop/hidden_layers.md", r"\sum_{n=1}^{N} \Delta^{(l)}_{n,:}", r"\sum_{n=1}^{N} \Delta^{(l)}_{:,n}"),
    ("backprop/hidden_layers.md", r"\bigl(A^{(l-1)}\bigr)^{\mathsf T} \, \Delta^{(l)}", r"A^{(l-1)} \, \Delta^{(l)}"),
    # hidden_layers.md, index forms
    ("backprop/hidden_layers.md", r"\sum_{k} \delta_k \cdot w_{jk}.", r"\sum_{k} \delta_k \cdot w_{kj}."),
    ("backprop/hidden_layers.md", r"\sum_{k} \delta^{(l+1)}_k \cdot", r"\sum_{k} \delta^{(l)}_k \cdot"),
    ("backprop/hidden_layers.md", r"= \delta_j \cdot a_i", r"= \delta_i \cdot a_j"),
    ("backprop/hidden_layers.md", r"= g'(z_j) \cdot \sum_{k}", r"= \sum_{k}"),
    ("backprop/hidden_layers.md", r"= \delta^{(l)}_j \cdot a^{(l-1)}_i", r"= -\delta^{(l)}_j \cdot a^{(l-1)}_i"),
    # output_layer.md
    ("backprop/output_layer.md", r"\Delta = (A - T) \odot g'(Z)", r"\Delta = (T - A) \odot g'(Z)"),
    ("backprop/output_layer.md", r"\Delta = (A - T) \odot g'(Z)", r"\Delta = (A - T)"),
    ("backprop/output_layer.md", r"\Delta = (A - T) \odot g'(Z)", r"\Delta = (A - T) g'(Z)"),
    ("backprop/output_layer.md", r"A_{\text{in}}^{\mathsf T} \, \Delta", r"A_{\text{in}} \, \Delta"),
    ("backprop/output_layer.md", r"\sum_{n=1}^{N} \Delta_{n,:}", r"\sum_{n=1}^{N} \Delta_{:,n}"),
    ("backprop/output_layer.md", r"\sum_{n=1}^{N} \Delta_{n,:}", r"-\sum_{n=1}^{N} \Delta_{n,:}"),
    ("backprop/output_layer.md", r"= (a_k - t_k) \cdot g'(z_k).", r"= (t_k - a_k) \cdot g'(z_k)."),
    ("backprop/output_layer.md", r"= (a_k - t_k) \cdot g'(z_k).", r"= (a_k - t_k)."),
    ("backprop/output_layer.md", r"= \delta_k \cdot a_j", r"= \delta_j \cdot a_k"),
    # chain_rule.md, gradient_descent.md, frameworks.md
    ("backprop/chain_rule.md", r"X^{\mathsf T} \Bigl( (A - T) \odot g'(Z) \Bigr)", r"X^{\mathsf T} \Bigl( (T - A) \odot g'(Z) \Bigr)"),
    ("backprop/chain_rule.md", r"X^{\mathsf T} \Bigl( (A - T) \odot g'(Z) \Bigr)", r"X \Bigl( (A - T) \odot g'(Z) \Bigr)"),
    ("backprop/gradient_descent.md", r"= X^{\top} \Delta", r"= X \Delta"),
    ("backprop/gradient_descent.md", r"= \mathbf{1}^{\top} \Delta", r"= \mathbf{1} \Delta"),
    ("backprop/frameworks.md", r"\bar{X} = \bar{Y} \, V,", r"\bar{X} = \bar{Y} \, V^{\mathsf T},"),
    ("backprop/frameworks.md", r"= \bigl(X^{\mathsf T} \bar{Y}\bigr)^{\mathsf T}", r"= \bigl(X^{\mathsf T} \bar{Y}\bigr)"),
    ("backprop/frameworks.md", r"Y = X V^{\mathsf T} + b,", r"Y = X V^{\mathsf T} - b,"),
    # matrix_form.md
    ("backprop/matrix_form.md", r"\bar{Y} \, W^{\mathsf T}", r"\bar{Y} \, W"),
    ("backprop/matrix_form.md", r"\bar{W} = X^{\mathsf T} \bar{Y}", r"\bar{W} = X \bar{Y}"),
    ("backprop/matrix_form.md", r"\bar{W} = X^{\mathsf T} \bar{Y}", r"\bar{W} = -X^{\mathsf T} \bar{Y}"),
    ("backprop/matrix_form.md", r"\sum_{n=1}^{N} \bar{Y}_{n,:} \ \ ", r"\sum_{n=1}^{N} \bar{Y}_{:,n} \ \ "),
    ("backprop/matrix_form.md", r"\bar{X} = \bar{Y} \odot f'(X)", r"\bar{X} = \bar{Y} f'(X)"),
    ("backprop/matrix_form.md", r"\bar{X} = \bar{Y} \odot f'(X)", r"\bar{X} = \bar{Y}"),
    ("backprop/matrix_form.md", r"\bar{P}_{n,:} - \sum_{i}", r"\bar{P}_{n,:} + \sum_{i}"),
    ("backprop/matrix_form.md", r"\sum_{i} \bar{P}_{ni} \cdot P_{ni}", r"\sum_{i} \bar{P}_{in} \cdot P_{ni}"),
    # a layer page: dropout.md
    ("layers/dropout.md", r"\bar{X} = \frac{M \odot \bar{Y}}{1 - \rho}", r"\bar{X} = \frac{M \odot \bar{Y}}{1 + \rho}"),
    ("layers/dropout.md", r"\frac{M \odot \bar{Y}}{1 - \rho}", r"\frac{M \odot \bar{Y}}{1}"),
    ("layers/dropout.md", r"\bar{X} = \frac{M \odot \bar{Y}}{1 - \rho}", r"\bar{X} = \frac{M \bar{Y}}{1 - \rho}"),
    ("layers/dropout.md", r"\frac{M \odot X}{1 - \rho}", r"\frac{M \odot X}{\rho - 1}"),
    # embedding.md (a sum over the positions that hold id v)
    ("layers/embedding.md", r"\bar{W} = O^{\mathsf T} \, \bar{Y}", r"\bar{W} = O \, \bar{Y}"),
    ("layers/embedding.md", r"x_n = v} \bar{Y}_{n,:}", r"x_n = v} \bar{Y}_{v,:}"),
    ("layers/embedding.md", r"x_n = v} \bar{Y}_{n,:}", r"x_n = v} -\bar{Y}_{n,:}"),
    ("layers/embedding.md", r"Y_{nk} = \sum_{u=1}^{V} O_{nu} \cdot W_{uk}.", r"Y_{nk} = \sum_{u=1}^{V} O_{un} \cdot W_{uk}."),
    # conv2d.md (windows as rows)
    ("layers/conv2d.md", r"\bar{W} &= \bar{Y}^{\mathsf T} M", r"\bar{W} &= \bar{Y} M"),
    ("layers/conv2d.md", r"\bar{M} &= \bar{Y} W", r"\bar{M} &= \bar{Y} W^{\mathsf T}"),
    ("layers/conv2d.md", r"\sum_{\text{rows}} \bar{Y}", r"\sum_{\text{rows}} \bar{Y}^{\mathsf T}"),
    ("layers/conv2d.md", r"\bar{M} &= \bar{Y} W", r"\bar{M} &= -\bar{Y} W"),
    # lstm.md (the cell's two paths, the four gates, the recursion and the sums)
    ("layers/lstm.md", r"\bar{h}_t = \bar{Y}_t + \bar{s}_{t+1},", r"\bar{h}_t = \bar{Y}_t - \bar{s}_{t+1},"),
    ("layers/lstm.md", r"O_t \odot \bigl(1 - \tanh(C_t)^2\bigr)", r"O_t \odot \bigl(1 - \tanh(C_t)\bigr)"),
    ("layers/lstm.md", r"\bar{C}_t \odot G_t \odot I_t \odot (1 - I_t)", r"\bar{C}_t \odot G_t \odot I_t"),
    ("layers/lstm.md", r"\bar{C}_t \odot C_{t-1} \odot F_t", r"\bar{C}_t \odot C_{t} \odot F_t"),
    ("layers/lstm.md", r"\bar{C}_t \odot I_t \odot (1 - G_t \odot G_t)", r"\bar{C}_t \odot G_t \odot (1 - G_t \odot G_t)"),
    ("layers/lstm.md", r"\bar{h}_t \odot \tanh(C_t) \odot O_t", r"\bar{C}_t \odot \tanh(C_t) \odot O_t"),
    ("layers/lstm.md", r"\bar{h}_0 = \bar{s}_1", r"\bar{h}_0 = \bar{s}_2"),
    ("layers/lstm.md", r"\bar{s}_t &= \bar{Z}_t W_h^{\mathsf T}", r"\bar{s}_t &= \bar{Z}_t W_h"),
    ("layers/lstm.md", r"\bar{W}_h &= \sum_{t=1}^{T} h_{t-1}^{\mathsf T} \bar{Z}_t",
     r"\bar{W}_h &= \sum_{t=1}^{T} h_{t}^{\mathsf T} \bar{Z}_t"),
    # batchnorm.md, layernorm.md, attention.md, rnn.md
    ("layers/batchnorm.md", r"\bar{Y}_{n,:} \odot \hat{X}_{n,:}", r"\bar{Y}_{n,:} \hat{X}_{n,:}"),
    ("layers/batchnorm.md", r"\bar{\beta} = \sum_{n=1}^{N} \bar{Y}_{n,:},", r"\bar{\beta} = \sum_{n=1}^{N} \bar{Y}_{:,n},"),
    ("layers/batchnorm.md", r"\bar{Y} - \frac{\bar{\beta}}{N}", r"\bar{Y} + \frac{\bar{\beta}}{N}"),
    ("layers/batchnorm.md", r"\hat{X} \odot \frac{\bar{\gamma}}{N}", r"\hat{X} \odot \frac{\bar{\beta}}{N}"),
    ("layers/batchnorm.md", r"\bar{y}_m - \frac{\bar{\beta}}{N}", r"\bar{y}_m - \frac{\bar{\gamma}}{N}"),
    ("layers/layernorm.md", r"\bar{\hat{X}} - \operatorname{mean}_{\text{row}}", r"\bar{\hat{X}} + \operatorname{mean}_{\text{row}}"),
    ("layers/layernorm.md", r"\bar{X} = \frac{1}{s}", r"\bar{X} = \frac{1}{s^{\mathsf T}}"),
    ("layers/layernorm.md", r"\bar{\gamma} = \sum_{n=1}^{N} \bar{Y}_{n,:} \odot \hat{X}_{n,:}",
     r"\bar{\gamma} = \sum_{n=1}^{N} \bar{Y}_{n,:}"),
    ("layers/layernorm.md", r"\sum_{n=1}^{N} \bar{Y}_{nj} \hat{X}_{nj}", r"\sum_{n=1}^{N} \bar{Y}_{jn} \hat{X}_{nj}"),
    ("layers/attention.md", r"\bar{V} &= P^{\mathsf T} \bar{Y}", r"\bar{V} &= P \bar{Y}"),
    ("layers/attention.md", r"\bar{Z} &= P \odot \bigl(\bar{P} - \operatorname{rowsum}",
     r"\bar{Z} &= P \odot \bigl(\bar{P} + \operatorname{rowsum}"),
    ("layers/attention.md", r"\bar{Q} &= \frac{\bar{Z} \, K}{\sqrt{d}}", r"\bar{Q} &= \bar{Z} \, K"),
    ("layers/attention.md", r"\operatorname{rowsum}(\bar{P} \odot P)", r"\operatorname{rowsum}(\bar{P})"),
    ("layers/rnn.md", r"\bar{h}_t = \bar{Y}_t + \bar{s}_{t+1},", r"\bar{h}_t = \bar{Y}_t + \bar{s}_{t},"),
    ("layers/rnn.md", r"\left(1 - h_t \odot h_t\right)", r"\left(1 - h_{t-1} \odot h_{t-1}\right)"),
    ("layers/rnn.md", r"\bar{X}_t &= \bar{Z}_t W_x^{\mathsf T}", r"\bar{X}_t &= \bar{Z}_t W_x"),
    ("layers/rnn.md", r"\sum_{t=1}^{T} h_{t-1}^{\mathsf T} \bar{Z}_t", r"\sum_{t=1}^{T} h_{t}^{\mathsf T} \bar{Z}_t"),
    ("layers/rnn.md", r"\sum_{n=1}^{N} \bar{Z}_{t,n,:}", r"\sum_{n=1}^{N} \bar{Z}_{t,:,n}"),
    # inline formulas: a dropped transpose, swapped factors; one copy of a formula written twice
    ("backprop/computational_graphs.md", r"\(\bar{X} = \bar{Y} W^{\mathsf T}\)", r"\(\bar{X} = \bar{Y} W\)"),
    ("backprop/computational_graphs.md", r"\(\bar{W} = X^{\mathsf T} \bar{Y}\)", r"\(\bar{W} = \bar{Y} X^{\mathsf T}\)"),
    ("backprop/frameworks.md", r"and \(\bar{X} = \bar{Y} W^{\mathsf T}\) needs", r"and \(\bar{X} = \bar{Y} W\) needs"),
    ("backprop/frameworks.md", r"our \(\bar{W} = X^{\mathsf T} \bar{Y}\), transposed", r"our \(\bar{W} = X \bar{Y}\), transposed"),
    ("backprop/frameworks.md", r"\bar{A}^{(1)} = \bar{Y} W^{(2)\mathsf T}", r"\bar{A}^{(1)} = \bar{Y} W^{(2)}"),
    ("backprop/output_layer.md", r"\(\frac{\partial E}{\partial b_k} = \delta_k \cdot 1 = \delta_k\)",
     r"\(\frac{\partial E}{\partial b_k} = \delta_k \cdot 1 = -\delta_k\)"),
    # gradient_descent.md's two-layer network: index forms, the row form, the slash form per layer
    ("backprop/gradient_descent.md", r"(y_k - t_k)\,\sigma'(z^{(2)}_k)\)", r"(y_k - t_k)\)"),
    ("backprop/gradient_descent.md", r"\sum_k W^{(2)}_{jk} \delta^{(2)}_k", r"\sum_k W^{(2)}_{kj} \delta^{(2)}_k"),
    ("backprop/gradient_descent.md", r"(\delta^{(2)} W^{(2)\top}) \odot", r"(\delta^{(2)} W^{(2)}) \odot"),
    ("backprop/gradient_descent.md", r"\partial E / \partial b_k = \delta_k\)", r"\partial E / \partial b_k = 2 \cdot \delta_k\)"),
    # central differences only (no backward): batchnorm's inference mode, layernorm's x-hat-bar
    ("layers/batchnorm.md", r"\gamma / \sqrt{v_{\text{run}} + \kappa}", r"\gamma \odot \sqrt{v_{\text{run}} + \kappa}"),
    ("layers/layernorm.md", r"\(\bar{\hat{X}} = \bar{Y} \odot \gamma\)", r"\(\bar{\hat{X}} = \bar{Y}\)"),
    ("layers/layernorm.md", r"\(\bar{\hat{X}} = \bar{Y} \odot \gamma\)", r"\(\bar{\hat{X}} = \bar{Y} \odot \gamma \odot \gamma\)"),
    ("layers/layernorm.md", r"with \(\bar{\hat{x}} = \bar{y} \odot \gamma\)", r"with \(\bar{\hat{x}} = \bar{y} \odot \gamma \odot \gamma\)"),
    # pooling.md: the forward and backward matrix forms
    ("layers/pooling.md", r"\bar{Y} \, \mathbf{1}^{\mathsf T} / U^2", r"\bar{Y} \, \mathbf{1} / U^2"),
    ("layers/pooling.md", r"\bar{Y} \, \mathbf{1}^{\mathsf T} \odot S", r"\bar{Y} \, \mathbf{1}^{\mathsf T} \odot S / U"),
    ("layers/pooling.md", r"Y = (M \odot S) \, \mathbf{1}", r"Y = (M \odot S) \, \mathbf{1} / U"),
    ("layers/pooling.md", r"Y = M \, \mathbf{1} / U^2", r"Y = M \, \mathbf{1} / U^2 / U^2"),
    # the forward systems (attention, LSTM), rnn's last step, the window counts, layernorm's three terms
    ("layers/attention.md", r"Z &= \frac{Q K^{\mathsf T}}{\sqrt{d}}", r"Z &= \frac{Q K^{\mathsf T}}{d}"),
    ("layers/attention.md", r"Y &= P \, V.", r"Y &= P \, V \, 2."),
    ("layers/attention.md", r"\frac{e^{Z_{ij}}}{\sum_{u=1}^{S} e^{Z_{iu}}}", r"\frac{e^{Z_{ij}}}{\sum_{u=1}^{S} e^{Z_{ij}}}"),
    ("layers/attention.md", r"\frac{1}{\sqrt{d}} \sum_{m=1}^{d} Q_{im} \cdot K_{jm}", r"\frac{1}{d} \sum_{m=1}^{d} Q_{im} \cdot K_{jm}"),
    ("layers/lstm.md", r"F_t &= \sigma\bigl(Z^{F}_t\bigr)", r"F_t &= \tanh\bigl(Z^{F}_t\bigr)"),
    ("layers/lstm.md", r"C_t &= F_t \odot C_{t-1} + I_t \odot G_t", r"C_t &= F_t \odot C_{t} + I_t \odot G_t"),
    ("layers/lstm.md", r"C_0 &= 0,", r"C_0 &= 1,"),
    ("layers/lstm.md", r"h_t = O_t \odot \tanh(C_t).", r"h_t = O_t \odot \tanh(C_{t-1})."),
    ("layers/rnn.md", r"\bar{h}_T &= \bar{Y}_T", r"\bar{h}_T &= 2 \bar{Y}_T"),
    ("layers/pooling.md", r"\frac{H_{\mathrm{in}} - U}{s} \right\rfloor + 1", r"\frac{H_{\mathrm{in}} - U}{s} \right\rfloor"),
    ("layers/pooling.md", r"\frac{W_{\mathrm{in}} - U}{s}", r"\frac{W_{\mathrm{in}} - U + 1}{s}"),
    ("layers/conv2d.md", r"\frac{H_{\mathrm{in}} + 2m - U}{s}", r"\frac{H_{\mathrm{in}} + m - U}{s}"),
    ("layers/layernorm.md", r"- \hat{x}_j \, \rho \bigr)", r"+ \hat{x}_j \, \rho \bigr)"),
    # the normalisations' chain rule through the Jacobian of x-hat (symmetric for batchnorm: no index swap there)
    ("layers/batchnorm.md", r"\bar{y}_n \cdot \gamma \cdot \frac{\partial \hat{x}_n}", r"\bar{y}_n \cdot \frac{\partial \hat{x}_n}"),
    ("layers/layernorm.md", r"\bar{y}_i \cdot \gamma_i \cdot \frac{\partial \hat{x}_i}", r"\bar{y}_i \cdot \gamma_j \cdot \frac{\partial \hat{x}_i}"),
    # regularisation.md's penalty and weight decay, frameworks.md's batch mean
    ("backprop/regularisation.md", r"E + \frac{\lambda}{2} \lVert W \rVert^2,", r"E + \frac{\lambda}{2} \lVert W \rVert,"),
    ("backprop/regularisation.md", r"w_{jk}^2 ,", r"w_{jk} ,"),
    ("backprop/regularisation.md", r"= (1 - \eta \lambda) \, W - \eta", r"= (1 + \eta \lambda) \, W - \eta"),
    ("backprop/regularisation.md", r"(X W + b) + \frac{\lambda}{2} \lVert W \rVert^2\)", r"(X W + b) + \lambda \lVert W \rVert^2\)"),
    ("backprop/frameworks.md", r"= W - \frac{\eta}{N} \, \frac{\partial E_{\text{sum}}}", r"= W - \eta \, \frac{\partial E_{\text{sum}}}"),
    ("backprop/frameworks.md", r"= \frac{1}{N} E_{\text{sum}}\)", r"= E_{\text{sum}}\)"),
    # the normalisations' three paths: the direct one not held, or doubled (a fault on a later row of a
    # side is reported at the side's first line)
    ("layers/batchnorm.md", r"= \frac{\partial \hat{x}_n}{\partial x_m}\Big|_{\mu, v}", r"= \frac{\partial \hat{x}_n}{\partial x_m}"),
    ("layers/layernorm.md", r"= \frac{\partial \hat{x}_i}{\partial x_j}\Big|_{\mu, v}", r"= 2 \frac{\partial \hat{x}_i}{\partial x_j}\Big|_{\mu, v}"),
    # pooling's index forms: the largest and the mean of a window
    # (u and v swapped is no fault: a window's largest entry is the same either way)
    ("layers/pooling.md", r"&= \max_{u, v} M_{ncijuv}", r"&= \max_{u} M_{ncijuv}"),
    ("layers/pooling.md", r"\frac{1}{U^2} \sum_{u, v} M_{ncijuv}", r"\frac{1}{U} \sum_{u, v} M_{ncijuv}"),
    ("about.md", r"\(\bar{X} = \bar{Y}\, W^{\mathsf T}\)", r"\(\bar{X} = \bar{Y}\, W\)"),
    # primed indices: the chain rule over a layer's outputs, PyTorch's Linear by entries
    # (a dropped prime on Y-bar alone is no fault: the Jacobian's [n' = n] makes it equal)
    ("backprop/matrix_form.md", r"\bar{Y}_{n'k} \cdot \frac{\partial Y_{n'k}}{\partial X_{nj}}",
     r"\bar{Y}_{n'k} \cdot \frac{\partial Y_{n'k}}{\partial X_{nk}}"),
    ("backprop/frameworks.md", r"\bar{Y}_{n'k} \cdot \frac{\partial Y_{n'k}}{\partial X_{nj}}",
     r"\bar{Y}_{n'k} \cdot \frac{\partial Y_{n'k}}{\partial X_{n'j}}"),
    ("backprop/frameworks.md", r"X_{n'i} \cdot V_{ki}", r"X_{ni} \cdot V_{ki}"),
    # losses.md's matrix losses and their gradients
    ("backprop/losses.md", r"\nabla_Y E_{\text{half-sum}} &= Y - T,", r"\nabla_Y E_{\text{half-sum}} &= T - Y,"),
    ("backprop/losses.md", r"\nabla_Y E_{\text{mean}} &= \frac{2}{NK}", r"\nabla_Y E_{\text{mean}} &= \frac{1}{NK}"),
    ("backprop/losses.md", r"E_{\text{mean}} &= \frac{1}{NK} \sum_{n=1}^{N}", r"E_{\text{mean}} &= \frac{1}{N} \sum_{n=1}^{N}"),
    ("backprop/losses.md", r"\nabla_Z E_{\text{BCE}} &= \frac{1}{NK}", r"\nabla_Z E_{\text{BCE}} &= \frac{1}{N}"),
    ("backprop/losses.md", r"\bigl(T_{nk} \log(\sigma(Z_{nk}))", r"\bigl(T_{nk} \log(1 - \sigma(Z_{nk}))"),
    ("backprop/losses.md", r"T_{nk} \log(P_{nk})", r"T_{nk} \log(1 - P_{nk})"),
    ("backprop/losses.md", r"\frac{1}{N} \left(P - T\right)", r"\frac{1}{N} \left(T - P\right)"),
    ("backprop/losses.md", r"\operatorname{softmax}(Z_{n,:})", r"\operatorname{softmax}(-Z_{n,:})"),
    # computational_graphs.md's gate and fork
    ("backprop/computational_graphs.md", r"= \bar{q} \cdot \frac{\partial q}{\partial u}.", r"= \bar{q}."),
    ("backprop/computational_graphs.md", r"= m \cdot 1 + s \cdot v,", r"= m \cdot 1 + s \cdot u,"),
    # a Jacobian entry, and the chain rule through one (hidden_layers.md)
    ("backprop/output_layer.md", r"{\partial z_k}{\partial b_k} = 1", r"{\partial z_k}{\partial b_k} = 2"),
    ("backprop/hidden_layers.md", r"\frac{\partial z^{(l+1)}_k}{\partial z^{(l)}_j}\)", r"\frac{\partial z^{(l+1)}_j}{\partial z^{(l)}_k}\)"),
    # rnn.md, lstm.md: inline pieces of the recursion
    ("layers/rnn.md", r"\tanh'(Z_t) = 1 - h_t \odot h_t", r"\tanh'(Z_t) = 1 - h_{t-1} \odot h_{t-1}"),
    ("layers/rnn.md", r"\bar{s}_t = \bar{Z}_t W_h^{\mathsf T}", r"\bar{s}_t = \bar{Z}_{t+1} W_h^{\mathsf T}"),
    ("layers/rnn.md", r"\bar{X}_t = \bar{Z}_t W_x^{\mathsf T}", r"\bar{X}_t = \bar{Z}_t W_x"),
    ("layers/rnn.md", r"\(\bar{h}_0 = \bar{s}_1\)", r"\(\bar{h}_0 = \bar{s}_2\)"),
    ("layers/rnn.md", r"\(\bar{s}_1 = \bar{h}_0\)", r"\(\bar{s}_1 = \bar{h}_1\)"),
    ("layers/rnn.md", r"so \(\bar{h}_t = \bar{Y}_t + \bar{s}_{t+1}\)", r"so \(\bar{h}_t = \bar{Y}_t + \bar{s}_{t}\)"),
    ("layers/lstm.md", r"\(\bar{h}_t = \bar{Y}_t + \bar{s}_{t+1}\), as", r"\(\bar{h}_t = \bar{Y}_t\), as"),
]

# Mistakes the pages quote (wrong=True bindings), each corrected to what is true: the check must
# then fail, saying the quote holds.
CORRECTED = [
    ("backprop/output_layer.md", r"{\partial E}{\partial b_k} = 1\)", r"{\partial E}{\partial b_k} = 1 \cdot \delta_k\)"),
    ("backprop/chain_rule.md", r"g'(z_k) \cdot g'(z_k) \cdot x_j", r"g'(z_k) \cdot x_j"),
    ("backprop/chain_rule.md", r"= (a_k - t_k) \cdot x_j\)", r"= (a_k - t_k) \cdot g'(z_k) \cdot x_j\)"),
    ("backprop/hidden_layers.md", r"Written: \(\delta_j = g'(z_j) \cdot \delta_k \cdot w_{jk}\)",
     r"Written: \(\delta_j = \sum_k g'(z_j) \cdot \delta_k \cdot w_{jk}\)"),
    ("backprop/hidden_layers.md", r"W^{(l+1)}\bigr) \odot g'(Z^{(l)})\)", r"W^{(l+1)\mathsf T}\bigr) \odot g'(Z^{(l)})\)"),
    ("backprop/matrix_form.md", r"\frac{\partial E}{\partial W} = \bar{Y}^{\mathsf T} X\)", r"\frac{\partial E}{\partial W} = X^{\mathsf T} \bar{Y}\)"),
    ("backprop/matrix_form.md", r"\frac{\partial E}{\partial Z} = \bar{P} \odot P \odot (1 - P)",
     r"\frac{\partial E}{\partial Z} = P \odot (\bar{P} - \operatorname{rowsum}(\bar{P} \odot P))"),
    ("layers/attention.md", r"\(\bar{Q} = \bar{Z} K\)", r"\(\bar{Q} = \bar{Z} K / \sqrt{d}\)"),
    ("layers/attention.md", r"\(\bar{K} = \bar{Z}^{\mathsf T} Q\)", r"\(\bar{K} = \bar{Z}^{\mathsf T} Q / \sqrt{d}\)"),
    ("layers/attention.md", r"\(\bar{V} = P \bar{Y}\)", r"\(\bar{V} = P^{\mathsf T} \bar{Y}\)"),
    ("layers/attention.md", r"\(\bar{Z} = \bar{P} \odot P \odot (1 - P)\)",
     r"\(\bar{Z} = P \odot (\bar{P} - \operatorname{rowsum}(\bar{P} \odot P))\)"),
    ("layers/dropout.md", r"\(\bar{X} = M \odot \bar{Y}\)", r"\(\bar{X} = M \odot \bar{Y} / (1 - \rho)\)"),
    ("backprop/gradient_checking.md", r"\(\bar{A} = \Delta W\)", r"\(\bar{A} = \Delta W^{\mathsf T}\)"),
    ("layers/batchnorm.md", r"\(\bar{X} = \bar{Y} \odot \gamma / s\)",
     r"\(\bar{X} = \gamma / s \odot (\bar{Y} - \bar{\beta} / N - \hat{X} \odot \bar{\gamma} / N)\)"),
    ("layers/layernorm.md", r"\(\bar{x} = \bar{y} \odot \gamma / s\)",
     r"\(\bar{x} = \frac{1}{s}\bigl(\bar{\hat{x}} - \operatorname{mean}(\bar{\hat{x}}) - \hat{x} \odot \operatorname{mean}(\bar{\hat{x}} \odot \hat{x})\bigr)\)"),
]


@pytest.mark.parametrize("page, old, new", CORRECTED, ids=[f"{p}:{n}" for n, (p, _, _) in enumerate(CORRECTED)])
def test_a_quoted_mistake_that_holds_fails_at_its_line(page, old, new, one_fault):
    errors, line = one_fault(page, old, new)
    assert error_lines(errors, page) == {line}, errors
    assert all("a mistake quoted as wrong holds" in e for e in errors), errors


@pytest.mark.parametrize("page, old, new", FAULTS, ids=[f"{p}:{n}" for n, (p, _, _) in enumerate(FAULTS)])
def test_a_wrong_formula_fails_at_its_line(page, old, new, one_fault):
    errors, line = one_fault(page, old, new)
    assert error_lines(errors, page) == {line}, errors
    assert all("fix the formula" in e for e in errors), errors


def test_a_stale_binding_fails(monkeypatch):
    gone = Binding("backprop/matrix_form.md", r"\bar{V} =", "nothing", summary_bindings.dense_layer)
    monkeypatch.setattr(summary_bindings, "BINDINGS", [*BINDINGS, gone])
    errors = summaries._check_markdown((DOCS / gone.page).read_text(encoding="utf-8"), gone.page)
    assert len(errors) == 1 and errors[0].startswith("docs/backprop/matrix_form.md: stale binding"), errors
    assert r"\bar{V} =" in errors[0]


def test_an_unreadable_formula_fails_at_its_line():
    errors, line = faulted("backprop/output_layer.md", r"A_{\text{in}}^{\mathsf T} \, \Delta",
                           r"A_{\text{in}}^{\mathsf T} \oslash \Delta")
    assert error_lines(errors, "backprop/output_layer.md") == {line}
    assert "cannot read" in errors[0] and "oslash" in errors[0], errors


def test_a_continued_row_belongs_to_its_statement():
    """lstm.md's C-bar runs over two rows; the second starts with `+`: a fault there fails
    the statement, at the line where its right side starts."""
    errors, line = faulted("layers/lstm.md", r"&\quad + \bar{C}_{t+1} \odot F_{t+1}.", r"&\quad + \bar{C}_{t+1} \odot F_{t}.")
    assert error_lines(errors, "layers/lstm.md") == {line - 1}, errors
    assert r"\bar{C}_{t+1} \odot F_{t}" in errors[0]


def test_an_unknown_name_fails_at_its_line():
    errors, line = faulted("backprop/matrix_form.md", r"\bar{W} = X^{\mathsf T} \bar{Y}",
                           r"\bar{W} = X^{\mathsf T} \bar{U}")
    assert error_lines(errors, "backprop/matrix_form.md") == {line}
    assert r"`\bar{U}` is not a name" in errors[0], errors


def test_an_entry_without_a_binding_fails(monkeypatch):
    page = "backprop/matrix_form.md"
    monkeypatch.setattr(summary_bindings, "BINDINGS", [b for b in BINDINGS if b.fragment != r"\bar{W} ="])
    text = (DOCS / page).read_text(encoding="utf-8")
    errors = summaries._check_markdown(text, page)
    line = text.count("\n", 0, text.index(r"\bar{X} = \bar{Y} \, W")) + 1 - 1  # the line of `\[`
    assert error_lines(errors, page) == {line} and "no binding" in errors[0], errors
    monkeypatch.setattr(formula_exceptions, "EXCEPTIONS",
                        [e for e in formula_exceptions.EXCEPTIONS if not (e.page == page and "W^{\\mathsf" in e.fragment)]
                        + [Entry(page, r"\bar{X} = \bar{Y} \, W^{\mathsf", "unreadable: not checked")])
    assert summaries._check_markdown(text, page) == []


def test_an_inline_entry_without_a_binding_fails(monkeypatch):
    """An inline entry that says sitekit.summaries, with no binding for its formula, fails at
    every line the formula is on; an inline binding whose fragment is gone is stale."""
    page = "backprop/frameworks.md"
    monkeypatch.setattr(summary_bindings_layers, "BINDINGS",
                        [b for b in summary_bindings_layers.BINDINGS if not (b.page == page and b.fragment == r"\bar{X} =")])
    text = (DOCS / page).read_text(encoding="utf-8")
    errors = summaries._check_markdown(text, page)
    lines = {text.count("\n", 0, m.start()) + 1 for m in re.finditer(re.escape(r"\(\bar{X} = \bar{Y} W^{\mathsf T}\)"), text)}
    assert len(lines) == 2 and error_lines(errors, page) == lines, errors
    assert all("inline_exceptions.py says this inline formula" in e and "no binding" in e for e in errors), errors
    gone = Binding(page, r"\bar{V} = \bar{Z}", "nothing", summary_bindings.dense_layer, inline=True)
    monkeypatch.setattr(summary_bindings_layers, "BINDINGS", [*summary_bindings_layers.BINDINGS, gone])
    errors = summaries._check_markdown(text, page)
    assert any(e.startswith(f"docs/{page}: stale binding in sitekit/summary_bindings.py: no inline formulas")
               for e in errors), errors


def test_central_differences_catch_a_formula_that_agrees_with_a_wrong_snippet(monkeypatch):
    """A backward that doubles the bias gradient, and a page that says so: the snippets
    agree with the page, the central differences of the forward do not."""
    dense = summary_bindings._snippet("layers/dense.py")
    backward = dense.dense_backward

    def doubled(G, cache):
        dX, dW, db = backward(G, cache)
        return dX, dW, 2 * db

    monkeypatch.setattr(dense, "dense_backward", doubled)
    page, old = "backprop/matrix_form.md", r"\bar{b} = \sum_{n=1}^{N}"
    errors, line = faulted(page, old, r"\bar{b} = 2 \sum_{n=1}^{N}")
    assert error_lines(errors, page) == {line}
    assert len(errors) == 1 and "with central differences" in errors[0], errors
    # The same wrong snippet under the page's right formula fails against the snippet.
    errors = summaries._check_markdown((DOCS / page).read_text(encoding="utf-8"), page)
    assert len(errors) == 1 and "with the snippets" in errors[0], errors


def test_a_division_by_zero_fails_at_its_line():
    errors, line = faulted("layers/dropout.md", r"{M \odot \bar{Y}}{1 - \rho}", r"{M \odot \bar{Y}}{1 - 1}")
    assert error_lines(errors, "layers/dropout.md") == {line} and "divide by zero" in errors[0], errors


def test_a_snippet_that_raises_is_named_with_the_page(monkeypatch):
    dropout = summary_bindings._snippet("layers/dropout.py")

    def broken(dout, cache):
        raise ValueError("dout must have shape (5, 7)")

    monkeypatch.setattr(dropout, "dropout_backward", broken)
    page = "layers/dropout.md"
    errors = summaries._check_markdown((DOCS / page).read_text(encoding="utf-8"), page)
    assert errors and all(re.match(rf"docs/{page}:\d+: the binding .* failed: ValueError", e) for e in errors), errors


def test_the_hook_runs_the_numeric_check_on_every_page():
    """hook_checks.check_page (what the build runs per page) reports a wrong matrix form."""
    from sitekit import hook_checks

    page = "backprop/hidden_layers.md"
    text = (DOCS / page).read_text()
    wrong = text.replace(r"\bigl(A^{(l-1)}\bigr)^{\mathsf T}", "A^{(l-1)}", 1)
    assert wrong != text
    assert not [p for p in hook_checks.check_page(text, text, page)[1] if "summary_bindings" in p]
    problems = hook_checks.check_page(wrong, wrong, page)[1]
    assert any(p.startswith(f"docs/{page}:") and "summary_bindings" in p for p in problems), problems
