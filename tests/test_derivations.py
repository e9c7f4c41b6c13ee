"""The derivation checker: every page's chains pass, and wrong chains fail
at the line that is wrong."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp

from sitekit import derivations
from sitekit.derivations import check_files, check_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"
# Every page with an align block outside code fences: new pages join by themselves.
PAGES = sorted(p for p in DOCS.rglob("*.md") if derivations.extract_blocks(p.read_text(encoding="utf-8")))
SIGMOID = DOCS / "activations" / "sigmoid.md"


def error_lines(report) -> set[int]:
    return {int(re.match(r"docs/[^:]+:(\d+):", e).group(1)) for e in report.errors}


def block(*rows: str, page: str = "notes/scratch.md") -> derivations.Report:
    """Check one align block whose rows start at line 4."""
    markdown = "# Scratch\n\n\\begin{align}\n" + "\n".join(rows) + "\n\\end{align}\n"
    return check_markdown(markdown, page)


# ---------------------------------------------------------------------------
# The real pages


def test_pages_with_derivations_are_found():
    assert SIGMOID in PAGES


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_every_derivation_on_the_page_holds(page):
    report = check_files([page])
    assert report.equalities > 0 or report.prose_only == report.blocks
    assert not report.errors, "\n".join(report.errors)


def test_sigmoid_chain_is_checked_end_to_end():
    report = check_files([SIGMOID])
    assert report.blocks == 1 and report.prose_only == 0
    assert report.equalities == sum("&=" in text for _, text in _sigmoid_rows())
    assert "step 1 = d/dx sigmoid" in report.lines[0]
    assert "last step = sigmoid_grad at" in report.lines[0]


# ---------------------------------------------------------------------------
# Mutations of the real sigmoid derivation: exactly the mutated line fails


def _sigmoid_rows() -> list[tuple[int, str]]:
    """(line number, text) of each row of the sigmoid page's first align block."""
    lines = SIGMOID.read_text(encoding="utf-8").splitlines()
    begin = next(i for i, line in enumerate(lines) if "\\begin{align}" in line)
    end = next(i for i in range(begin, len(lines)) if "\\end{align}" in lines[i])
    return [(i + 1, lines[i]) for i in range(begin + 1, end)]


def _flip_sign(row: str) -> str:
    left, _, right = row.partition("&=")
    flipped = re.sub(r"[-+]", lambda m: "+" if m.group(0) == "-" else "-", right, count=1)
    return f"{left}&={flipped}"


def _drop_factor(row: str) -> str:
    # The factor before the first \cdot: a \frac{..}{..}, a \left(..\right)^{..} or a name(..).
    factor = r"\\frac\{[^{}]*\}\{[^{}]*\}|\\left\(.*?\\right\)(\^\{[^{}]*\})?|\\?\w+\([^()]*\)"
    return re.sub(rf"(&=\s*-?)({factor})\s*\\cdot\s*", r"\1", row, count=1)


def _change_exponent(row: str) -> str:
    return re.sub(r"\^\{(-?)(\d+)\}", lambda m: f"^{{{m.group(1)}{int(m.group(2)) + 1}}}", row, count=1)


def _one_plus_sigma(row: str) -> str:
    return row.replace("1-\\sigma(x)", "1+\\sigma(x)", 1)


MUTATIONS = {"flip a sign": _flip_sign, "drop a factor": _drop_factor,
             "change an exponent": _change_exponent, "1-sigma to 1+sigma": _one_plus_sigma}
CASES = [(name, line) for name, mutate in MUTATIONS.items()
         for line, text in _sigmoid_rows() if mutate(text) != text]


def test_every_mutation_applies_somewhere():
    assert {name for name, _ in CASES} == set(MUTATIONS)


@pytest.mark.parametrize(("mutation", "line"), CASES, ids=[f"{m}@{n}" for m, n in CASES])
def test_mutated_line_is_the_one_reported(mutation, line):
    lines = SIGMOID.read_text(encoding="utf-8").splitlines()
    mutated = MUTATIONS[mutation](lines[line - 1])
    lines[line - 1] = mutated
    report = check_markdown("\n".join(lines) + "\n", "activations/sigmoid.md")
    assert report.errors, f"{mutation} at line {line} went unnoticed: {mutated.strip()}"
    assert error_lines(report) == {line}, "\n".join(report.errors)
    wrong_side = mutated.partition("&=")[2].strip().removesuffix("\\\\").strip().rstrip(".,").strip()
    assert wrong_side in "\n".join(report.errors)  # the wrong side is shown


def test_step_error_message_names_page_line_steps_and_point():
    lines = SIGMOID.read_text(encoding="utf-8").splitlines()
    rows = _sigmoid_rows()
    line = rows[2][0]
    lines[line - 1] = _flip_sign(lines[line - 1])
    report = check_markdown("\n".join(lines), "activations/sigmoid.md")
    message = report.errors[0]
    pattern = rf"docs/activations/sigmoid\.md:{line}: step 4 ≠ step 3 \(differs at x=-?\d+(/\d+)?: \S+ vs \S+\)"
    assert re.match(pattern, message), message
    assert rows[1][1].strip().removeprefix("&=").strip().rstrip("\\").strip() in message


# ---------------------------------------------------------------------------
# Endpoints: the definition and the snippet


def test_first_line_must_be_the_definition():
    report = block(
        r"\frac{d}{dx} \frac{1}{1+e^{x}} &= -\frac{e^{x}}{\left(1+e^{x}\right)^{2}}.",
        page="activations/sigmoid.md",
    )
    assert error_lines(report) == {4}
    assert "step 1 is not d/dx sigmoid" in report.errors[0]


def test_a_chain_without_d_dx_starts_from_the_function_itself():
    report = block(r"\sigma(x) &= \frac{e^{x}}{e^{x}+1}.", page="activations/sigmoid.md")
    assert not report.errors, report.errors
    assert "last step = sigmoid at" in report.lines[0]


def test_last_line_must_agree_with_the_snippet(monkeypatch):
    from sitekit.derivations import snippets

    real = snippets._snippet("sigmoid")
    wrong = SimpleNamespace(sigmoid_grad=lambda x: real.sigmoid_grad(x) * (1 + 1e-3 * np.sign(x)))
    monkeypatch.setattr(snippets, "_snippet", lambda name: wrong)
    report = block(r"\frac{d}{dx}\sigma(x) &= \sigma(x) \cdot \left(1-\sigma(x)\right).",
                   page="activations/sigmoid.md")
    assert error_lines(report) == {4}
    assert "≠ sigmoid_grad(x) of snippets/activations/sigmoid.py" in report.errors[0]


def test_the_snippet_comparison_is_a_callable_the_caller_may_hand_in():
    # Not the chain of the test above, whose report holds its patched snippet's verdict.
    chain = "# Scratch\n\n\\begin{align}\n\\frac{d}{dx}\\sigma(x) &= \\left(1-\\sigma(x)\\right) \\cdot \\sigma(x).\n\\end{align}\n"
    seen = []

    def compare(name, value, wrt, context, domain):
        seen.append((name, wrt))
        return 0, "the hook's comparison says no"

    report = check_markdown(chain, "activations/sigmoid.md", compare=compare)
    assert seen == [("sigmoid", "x")]
    assert error_lines(report) == {4} and "the hook's comparison says no" in report.errors[0], report.errors
    assert check_markdown(chain, "activations/sigmoid.md").ok  # the default: snippets.check_against_snippet


def test_page_function_names_map_to_definitions():
    report = block(
        r"\frac{d}{dx} f(x) &= \frac{d}{dx}\operatorname{softplus}(x) \\",
        r"&= \frac{e^{x}}{1+e^{x}} \\",
        r"&= \sigma(x).",
        page="activations/softplus.md",
    )
    assert not report.errors, report.errors


# ---------------------------------------------------------------------------
# Domains, prose-only blocks, unparseable lines


def test_a_step_true_only_for_positive_x_is_caught():
    report = block(r"\frac{d}{dx} \sqrt{x^2} &= \frac{d}{dx} x \\", r"&= 1.")
    assert error_lines(report) == {4}
    assert "it holds for x > 0" in report.errors[0]
    report = block(r"|x| \cdot x &= x^2.")
    assert error_lines(report) == {4}


def test_the_same_step_passes_inside_its_declared_domain():
    report = block(r"% domain: x > 0", r"\frac{d}{dx} \sqrt{x^2} &= \frac{d}{dx} x \\", r"&= 1.")
    assert not report.errors, report.errors
    assert "domain x > 0" in report.lines[0]


def test_piecewise_branches_with_domains(tmp_path):
    branches = (
        "For \\(x > 0\\):\n\n\\begin{align}\n% domain: x > 0\n"
        "\\frac{d}{dx}\\max(0, x) &= \\frac{d}{dx} x \\\\\n&= 1.\n\\end{align}\n\n"
        "For \\(x < 0\\):\n\n\\begin{align}\n% domain: x < 0\n"
        "\\frac{d}{dx}\\max(0, x) &= \\frac{d}{dx} 0 \\\\\n&= 0.\n\\end{align}\n"
    )
    report = check_markdown(branches, "activations/relu.md")
    assert not report.errors, report.errors
    assert report.blocks == 2 and report.equalities == 4
    swapped = branches.replace("% domain: x > 0", "% domain: x < 0", 1)
    assert check_markdown(swapped, "activations/relu.md").errors


def test_domain_with_a_parameter():
    rows = (r"\frac{d}{dx}\max(a \cdot x, x) &= \frac{d}{dx} x \\", r"&= 1.")
    assert not block("% domain: x > 0, 0 < a < 1", *rows, page="activations/leaky_relu.md").errors
    # Without the bound on a, max(a x, x) = x fails for a > 1.
    assert error_lines(block("% domain: x > 0", *rows, page="activations/leaky_relu.md")) == {5}


def test_unparseable_line_fails():
    report = block(r"\frac{d}{dx}\sigma(x) &= \sigma(x) \cdot \left(1-\sigma(x) \\", r"&= \sigma(x) - \sigma(x)^{2}.")
    assert error_lines(report) == {4}
    assert "cannot be checked" in report.errors[0]


def test_line_the_parser_rejects_fails():
    report = block(r"x \cdot x &= x^{2} \\", r"&= x \cdot \cdot x.")
    assert error_lines(report) == {5}
    assert "SymPy cannot parse it" in report.errors[0]


def test_unknown_function_name_fails():
    # gelu is defined, but not a name chains may use: the message says where to add it.
    report = block(r"\operatorname{gelu}(x) &= x \cdot \Phi(x).")
    assert error_lines(report) == {4}
    assert "`gelu` is defined (sitekit/definitions*.py) but has no LaTeX name a chain can use: add \"gelu\" to" \
        " `aliases` in its registry entry" in report.errors[0]
    report = block(r"\operatorname{squiggle}(x) &= x.")
    assert error_lines(report) == {4}
    assert "unknown function `squiggle`: define it in sitekit/definitions*.py with \"squiggle\" in its entry's" \
        " `aliases`" in report.errors[0]


def test_prose_only_marker_is_counted_and_skips_the_block():
    report = block(r"% prose-only: a limit argument, not a chain of equalities",
                   r"\lim_{h \to 0^+} \frac{\max(0, h)}{h} &\ne \lim_{h \to 0^-} \frac{\max(0, h)}{h}.")
    assert not report.errors
    assert (report.blocks, report.prose_only, report.equalities) == (1, 1, 0)
    assert "prose-only (a limit argument" in report.lines[0]


def test_prose_only_needs_a_reason_and_typos_are_errors():
    assert error_lines(block("% prose-only:", r"a &= b.")) == {4}
    assert error_lines(block("% domian: x > 0", r"x &= x.")) == {4}


# ---------------------------------------------------------------------------
# The parser's pitfalls, handled


def test_e_is_eulers_number_and_one_letter_calls_are_products():
    assert not block(r"x(1+e^{-x}) &= x + x \cdot e^{-x} \\", r"&= x + \frac{x}{\exp(x)}.").errors


def test_operatorname_and_sizing_commands():
    assert not block(r"\operatorname{sech}^2(x) &= 1 - \tanh^{2}(x) \\",
                     r"&= \bigl(1-\tanh(x)\bigr) \cdot \Bigl(1+\tanh(x)\Bigr).").errors


def test_ambiguous_derivative_scope_is_refused():
    report = block(r"\frac{d}{dx} x \cdot \sigma(x) &= \sigma(x) + x \cdot \sigma(x) \cdot \left(1-\sigma(x)\right).")
    assert error_lines(report) == {4}
    assert "ambiguous scope of d/dx" in report.errors[0]


def test_function_without_parentheses_is_refused():
    report = block(r"\tanh x \cdot 2 &= 2 \cdot \tanh(x).")
    assert "with parentheses" in report.errors[0]


def test_trailing_punctuation_only_on_the_last_line():
    assert not block(r"x &= x \cdot 1 \\", r"&= x,").errors
    assert error_lines(block(r"x &= x \cdot 1. \\", r"&= x.")) == {4}


def test_blocks_in_admonitions_code_fences_and_inline_math():
    markdown = (
        "Inline \\(x = 2\\) and display \\[x = x + 1\\] are not chains.\n\n"
        "```latex\n\\begin{align}\nx &= 2\n\\end{align}\n```\n\n"
        '??? success "Derivation, step by step"\n\n'
        "    Text.\n\n"
        "    \\begin{align}\n"
        "    x \\cdot x &= x^{2} \\\\\n"
        "    &= x^{3}.\n"
        "    \\end{align}\n"
    )
    report = check_markdown(markdown, "notes/scratch.md")
    assert report.blocks == 1
    assert error_lines(report) == {15}


# ---------------------------------------------------------------------------
# Indices: the softmax Jacobian


SOFTMAX_CHAIN = (
    r"\frac{\partial y_i}{\partial z_j} &= \frac{\partial}{\partial z_j} \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}} \\",
    r"&= \frac{\delta_{ij} \cdot e^{z_i} \cdot \sum_{k=1}^{K} e^{z_k} - e^{z_i} \cdot e^{z_j}}"
    r"{\left(\sum_{k=1}^{K} e^{z_k}\right)^{2}} \\",
    r"&= y_i \cdot \left(\delta_{ij} - y_j\right).",
)


def test_softmax_jacobian_with_indices_and_sums():
    report = block(*SOFTMAX_CHAIN, page="activations/softmax.md")
    assert not report.errors, report.errors
    assert report.equalities == 3


def test_softmax_wrong_step_is_caught():
    wrong = SOFTMAX_CHAIN[:2] + (SOFTMAX_CHAIN[2].replace("- y_j", "+ y_j"),)
    report = block(*wrong, page="activations/softmax.md")
    assert error_lines(report) == {6}
    assert re.search(r"differs at K=\d, i=\d, j=\d, each z_\{\.\.\.\} one of \(", report.errors[0]), report.errors[0]


def test_index_domain():
    rows = (r"\frac{\partial y_i}{\partial z_j} &= y_i \cdot \left(1 - y_i\right).",)
    assert not block("% domain: i = j", *rows, page="activations/softmax.md").errors
    assert block(*rows, page="activations/softmax.md").errors


QUOTIENT_RULE = (
    r"\frac{\partial}{\partial x} \frac{e^{x}}{e^{x} + R} &= \frac{e^{x} \cdot R}{\left(e^{x} + R\right)^{2}} \\",
    r"&= p_i \cdot \left(1 - p_i\right).",
)


def test_where_binds_names_from_the_prose_after_differentiating():
    where = r"% where: x = z_i, R = \sum_{k=1}^{K} e^{z_k} - e^{z_i}"
    report = block(where, *QUOTIENT_RULE, page="activations/softmax.md")
    assert not report.errors, report.errors
    assert "where x = z_i" in report.lines[0]
    # Without the bindings the last step is about other symbols; with a wrong one it is false.
    assert error_lines(block(*QUOTIENT_RULE, page="activations/softmax.md")) == {5}
    wrong = where.replace(" - e^{z_i}", "")
    assert error_lines(block(wrong, *QUOTIENT_RULE, page="activations/softmax.md")) == {6}
    assert error_lines(block("% where: x", *QUOTIENT_RULE, page="activations/softmax.md")) == {4}


def test_softmax_alias_is_the_definition():
    from sitekit.definitions import softmax_expr

    context = derivations.Context("softmax")
    zs, outputs = softmax_expr(3)
    z = sp.IndexedBase("z", real=True)
    for name in ("y", "p"):
        alias = context.indexed(name, "i")
        for i, output in enumerate(outputs, start=1):
            value = derivations._expand_sums(alias.xreplace({context.integer("i"): i, context.integer("K"): 3}))
            assert sp.simplify(value.xreplace({z[n + 1]: zs[n] for n in range(3)}) - output) == 0


def test_cli_summary(capsys):
    assert derivations.main([str(SIGMOID)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^1 blocks, \d+ equalities checked, 0 prose-only", out, re.M), out


def test_generic_function_chain_rule_holds_and_a_spurious_factor_fails():
    left = r"\frac{\partial}{\partial w} \frac{1}{2} \left(g(w \cdot x) - t\right)^{2}"
    right = r"\left(g(w \cdot x) - t\right) \cdot g'(w \cdot x)"
    good = block("% generic: g", f"{left} &= {right} \\cdot x.")
    assert good.ok and good.equalities == 1, good.errors
    bad = block("% generic: g", f"{left} &= {right} \\cdot g'(w \\cdot x) \\cdot x.")
    assert error_lines(bad) == {5}, bad.errors
    # Without the directive, g(...) is a product g times (...): the step fails.
    plain = block(f"{left} &= {right} \\cdot x.")
    assert not plain.ok


def test_generic_needs_one_letter_names():
    report = block("% generic: gee", r"x &= x.")
    assert any("one-letter function names" in e for e in report.errors), report.errors


def test_delta_with_one_index_is_an_error_signal():
    report = block(r"\delta_{k} \cdot a_{j} &= a_{j} \cdot \delta_{k}.")
    assert report.ok and report.equalities == 1, report.errors


def test_iverson_bracket_is_kroneckers_delta():
    left = r"\frac{\partial}{\partial y_{j}} \left(\frac{1}{2} \cdot \sum_{k=1}^{K} \left(y_{k} - t_{k}\right)^{2}\right)"
    good = block(f"{left} &= \\sum_{{k=1}}^{{K}} \\left(y_{{k}} - t_{{k}}\\right) \\cdot [k = j] \\\\", r"&= y_{j} - t_{j}.")
    assert good.ok and good.equalities == 2, good.errors
    sized = block(r"\sum_{i=1}^{K} \left[i = j\right] \cdot z_{i} &= z_{j}.")
    assert sized.ok, sized.errors
    # Without the bracket the sum keeps every term: the step fails at its line.
    bad = block(f"{left} &= \\sum_{{k=1}}^{{K}} \\left(y_{{k}} - t_{{k}}\\right) \\\\", r"&= y_{j} - t_{j}.")
    assert error_lines(bad) == {4}, bad.errors


def test_barred_entry_is_one_name_and_keeps_its_indices():
    left = r"\sum_{k=1}^{K} \bar{Y}_{nk} \cdot \frac{\partial}{\partial X_{nj}} \left(X_{nj} \cdot W_{jk} + C_{nk}\right)"
    good = block(f"{left} &= \\sum_{{k=1}}^{{K}} \\bar{{Y}}_{{nk}} \\cdot W_{{jk}}.")
    assert good.ok and good.equalities == 1, good.errors
    swapped = block(f"{left} &= \\sum_{{k=1}}^{{K}} \\bar{{Y}}_{{kn}} \\cdot W_{{jk}}.")
    assert error_lines(swapped) == {4}, swapped.errors
    # \bar{Y} is not Y: the upstream gradient and the output are two names.
    other = block(f"{left} &= \\sum_{{k=1}}^{{K}} Y_{{nk}} \\cdot W_{{jk}}.")
    assert error_lines(other) == {4}, other.errors


def test_two_index_weight_is_one_entry_of_a_matrix():
    left = r"\frac{\partial}{\partial w_{jk}} \left(\frac{1}{2} \cdot \left(g\left(w_{jk} \cdot x_{j} + c_{k}\right) - t_{k}\right)^{2}\right)"
    common = r"\left(g\left(w_{jk} \cdot x_{j} + c_{k}\right) - t_{k}\right) \cdot g'\left(w_{jk} \cdot x_{j} + c_{k}\right)"
    good = block("% generic: g", f"{left} &= {common} \\cdot x_{{j}}.")
    assert good.ok and good.equalities == 1, good.errors
    wrong_index = block("% generic: g", f"{left} &= {common} \\cdot x_{{k}}.")
    assert error_lines(wrong_index) == {5}, wrong_index.errors
    # w_{jk} and w_{kj} are different entries.
    swapped = block(r"\frac{\partial}{\partial w_{jk}} \left(w_{jk} \cdot w_{kj}\right) &= w_{jk}.")
    assert not swapped.ok


def test_numbered_entry_as_the_variable():
    report = block(r"\frac{\partial}{\partial w_{21}} \left(w_{21} \cdot w_{12}\right)^{2} &= 2 \cdot w_{21} \cdot w_{12}^{2}.")
    assert report.ok and report.equalities == 1, report.errors


def _index_mutations():
    """On every backprop page: each chain line holding a two-index entry
    (w_{jk}, \\bar{Y}_{nk}), with that entry's indices swapped, one dropped, or one repeated."""
    entry = re.compile(r"(?<![\\A-Za-z])(\\bar\{[A-Za-z]\}|[A-Za-z])_\{([a-z])([a-z])\}")
    for page in (p for p in PAGES if p.parent.name == "backprop"):
        lines = page.read_text(encoding="utf-8").split("\n")
        for found in derivations.extract_blocks("\n".join(lines)):
            for number, _ in found.body:
                match = entry.search(lines[number - 1])
                if match is None or match.group(2) == match.group(3):
                    continue
                base, first, second = match.groups()
                for kind, text in (("swapped", f"{base}_{{{second}{first}}}"), ("dropped", f"{base}_{{{first}}}"),
                                   ("repeated", f"{base}_{{{first}{first}}}")):
                    yield pytest.param(page, number, match.span(), text, id=f"{page.name}:{number}-{kind}")


INDEX_MUTATIONS = list(_index_mutations())


def test_index_mutations_reach_every_backprop_page_with_matrices():
    assert {case.values[0].name for case in INDEX_MUTATIONS} >= {"hidden_layers.md"}


@pytest.mark.parametrize("page, line, span, replacement", INDEX_MUTATIONS)
def test_a_wrong_index_fails_at_its_line(page, line, span, replacement):
    """The classic backprop slip: w_{kj} for w_{jk}, w_{j} or w_{jj}."""
    lines = page.read_text(encoding="utf-8").split("\n")
    text = lines[line - 1]
    lines[line - 1] = text[: span[0]] + replacement + text[span[1] :]
    report = check_markdown("\n".join(lines), str(page.relative_to(DOCS)))
    assert report.errors, f"{page.name}:{line}: {replacement} passed"


def test_values_beyond_float_range_are_shown_as_numbers():
    """A wrong step found where both sides overflow a float was reported as 'inf vs inf'."""
    from sitekit.derivations.equality import _show

    assert _show(sp.exp(sp.Integer(1000))) == "1.970071114e+434"
    assert _show(-sp.exp(sp.Integer(1000))) != _show(sp.exp(sp.Integer(1000)))
    assert _show(sp.Rational(1, 3)) == "0.3333333333"


def test_indexed_sums_are_lambdified_to_the_exact_value():
    """The 60-digit first pass over sums and entries agrees with N() on the
    exact rationals, 1/K and 1/k included (Python ints would make them floats)."""
    import mpmath

    from sitekit.derivations.equality import _Entries, _exact, _fast

    context = derivations.Context(None)
    K, k, j = context.integer("K"), context.integer("k"), context.integer("j")
    z, w = sp.IndexedBase("z"), sp.IndexedBase("w")
    x = sp.Symbol("x", real=True)
    expr = sp.Sum(w[j, k] * sp.exp(z[k]) + 1 / k, (k, 1, K)) / K + x * sp.KroneckerDelta(j, K) / (K + 1)
    symbols, vectors = [x, K, j], [w, z]
    for point in derivations.sample_points(symbols, x, None, vectors)[:6]:
        with mpmath.workdps(60):
            args = [mpmath.mpf(point[s].p) / point[s].q for s in symbols] + [_Entries(vectors, point)]
            fast = _fast(expr, symbols, vectors)(*args)
            exact = sp.Float(_exact(expr, point), 50)._to_mpmath(200)
            assert abs(fast - exact) < mpmath.mpf(10) ** -40 * (1 + abs(exact)), point


def test_sample_points_are_copies():
    """Points are computed once per symbols and domain; a caller dropping x
    from its points must not drop it from the next caller's."""
    x = sp.Symbol("x", real=True)
    first = derivations.sample_points([x], x, None)
    first[0].pop(x)
    assert x in derivations.sample_points([x], x, None)[0]


def test_a_derivative_of_a_sum_stays_a_sum():
    """Sum.doit searches for a closed form (1.6 s on hidden_layers.md) even
    under doit(sums=False): the checker writes sums out at each point instead."""
    value, _ = derivations.meaning(r"\frac{\partial}{\partial x} \sum_{k=1}^{K} x^{2}", derivations.Context(None))
    assert isinstance(value, sp.Sum), value
