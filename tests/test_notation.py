"""One meaning per symbol: the notation page defines each symbol once, its
ULP is the one the accuracy code counts in, and the pages keep to it where a
pattern can tell (Kronecker's delta, an upstream gradient called g, a
Jacobian called J, a loss called L, a temporary called t). Reader pages
never mention the derivation checker: what it needs stays in TeX comments."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import mpmath
import numpy as np
import pytest

from sitebuild import html_of, nav_pages
from sitekit.oracle import ulp_error

DOCS = Path(__file__).resolve().parent.parent / "docs"
NOTATION = DOCS / "notation.md"
MARKDOWN_PAGES = [page for page in nav_pages() if page.endswith(".md")]
# The pages that explain the checker to the reader.
ABOUT_THE_CHECKER = {"about.md", "contributing.md"}

# Where a pattern can tell that a symbol is used in a meaning the notation page
# gives to another. Math only: the text between \( \), \[ \] and in align blocks.
FORBIDDEN = {
    "Kronecker's delta written δ (write [i = j])": re.compile(r"\\delta_\{?[a-z]{2}\}?"),
    "an upstream gradient written g": re.compile(
        r"(?<![\\A-Za-z])g_\{?[a-z]\}?(?!\w)|(?<![\\A-Za-z])g\s*=\s*\\frac\s*\{\s*\\partial"
        r"|\^\{?\\(?:top|mathsf\{?T\}?)\}?\s*g(?![\\A-Za-z'(])"),
    "a Jacobian written J": re.compile(r"(?<![\\A-Za-z])J\s*(?:\^|_\{?[a-z]{2})"),
    "a loss written L (the loss is E)": re.compile(r"\\partial\s*L(?![A-Za-z])|(?<![\\A-Za-z])L_\{\\text"),
    # A target is given a number (t = 1); a temporary is given a formula.
    "a temporary written t (t is the target)": re.compile(r"(?<![\\A-Za-z_{])t\s*=\s*(?![\s\d.\-(])"),
}
# Pages whose owners have yet to bring them to the notation page (issue 14),
# with the rules they still break: no page may break another one, and a page
# leaves this table once it is fixed.
KRONECKER, UPSTREAM_G, JACOBIAN_J, LOSS_L, TEMPORARY_T = FORBIDDEN
NOT_YET: dict[str, set[str]] = {
}


def math_of(markdown: str) -> list[tuple[int, str]]:
    """(line, text) of every math span of a page outside code fences; TeX
    comment lines (the checker's directives) are not shown and are left out."""
    spans, fence, block = [], None, None
    for number, line in enumerate(markdown.split("\n"), start=1):
        stripped = line.strip()
        if fence:
            fence = None if stripped.startswith(fence) else fence
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if stripped.startswith("%"):
            continue
        if block is not None or stripped.startswith(("\\begin{align}", "\\[")):
            block = number if block is None else block
            spans.append((number, line))
            if stripped.startswith(("\\end{align}", "\\]")):
                block = None
            continue
        spans += [(number, m) for m in re.findall(r"\\\((.+?)\\\)", line)]
    return spans


def violations(page: str) -> list[str]:
    markdown = (DOCS / page).read_text(encoding="utf-8")
    found = []
    for number, text in math_of(markdown):
        for rule, pattern in FORBIDDEN.items():
            match = pattern.search(text)
            if match:
                found.append(f"docs/{page}:{number}: {rule}: `{match.group(0)}`")
    return found


def broken_rules(page: str) -> set[str]:
    return {line.split(": ")[1] for line in violations(page)}


# ---------------------------------------------------------------------------
# The notation page


def notation_rows() -> list[tuple[int, str, str]]:
    """(line, first cell, second cell) of every table row of the notation page."""
    rows = []
    for number, line in enumerate(NOTATION.read_text(encoding="utf-8").split("\n"), start=1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and not set(cells[0]) <= set("-: "):
            rows.append((number, cells[0], cells[1]))
    return rows[1:] if rows else rows


def symbols_of(cell: str) -> list[str]:
    """The symbols a row defines: each math span of its first cell, or the
    cell's words when it has none (ULP, hard points)."""
    spans = re.findall(r"\\\((.+?)\\\)", cell)
    return [re.sub(r"\s+", "", s) for s in spans] or [cell]


def test_the_notation_page_defines_each_symbol_once():
    rows = [(n, first) for n, first, _ in notation_rows() if first not in ("Symbol", "Term")]
    assert len(rows) > 30, rows
    seen: dict[str, int] = {}
    twice = []
    for number, first in rows:
        for symbol in symbols_of(first):
            if symbol in seen:
                twice.append(f"notation.md:{number}: {symbol} (first at line {seen[symbol]})")
            seen.setdefault(symbol, number)
    assert not twice, twice


@pytest.mark.parametrize("symbol, meaning", [
    ("g", "activation function"), ("\\delta", "error signal"), ("J", "number of inputs"), ("t", "target"),
    ("E", "the loss"), ("\\bar{v}", "upstream gradient"), ("[i=j]", "Iverson bracket"),
])
def test_the_symbols_of_issue_14_have_their_one_meaning(symbol, meaning):
    rows = [second for _, first, second in notation_rows() if symbol in symbols_of(first)]
    assert len(rows) == 1 and meaning in rows[0], rows


def test_the_notation_page_keeps_to_itself():
    assert violations("notation.md") == []


def test_ulp_is_the_spacing_the_accuracy_code_counts_in():
    """ulp(v) = np.spacing(|v|) for a float v, and the gap between the two
    floats around an exact value: one float step is 1 ULP, rounding <= 0.5."""
    rng = np.random.default_rng(14)
    for dtype in (np.float32, np.float64):
        info = np.finfo(dtype)
        values = np.concatenate([rng.uniform(-1, 1, 50) * 10.0 ** rng.integers(-30, 30, 50),
                                 [1.0, -2.0, 0.75, float(info.tiny) * 3]]).astype(dtype)
        step = np.nextafter(values, np.copysign(np.inf, values).astype(dtype))
        assert np.array_equal(step - values, np.copysign(np.spacing(np.abs(values)), values))
        exact = [mpmath.mpf(float(v)) for v in values]
        assert np.array_equal(ulp_error(step, exact, dtype), np.ones(values.size))
        # An exact value strictly between two floats: its nearest float is
        # within half their gap, and the gap is ulp(exact).
        with mpmath.workdps(50):
            between = [mpmath.mpf(float(v)) + mpmath.mpf(float(s - v)) / 3 for v, s in zip(values, step)]
        # 1/3 to the float64 rounding of the quotient.
        np.testing.assert_allclose(ulp_error(values, between, dtype), 1 / 3, rtol=0, atol=np.finfo(np.float64).eps)
    # The two figures the page states.
    assert np.finfo(np.float64).eps == 2.0**-52
    assert f"{np.finfo(np.float64).tiny:.1e}" == "2.2e-308"


# ---------------------------------------------------------------------------
# The pages


@pytest.mark.parametrize("page", MARKDOWN_PAGES)
def test_page_keeps_to_the_notation(page):
    assert broken_rules(page) <= NOT_YET.get(page, set()), violations(page)


def test_not_yet_names_pages_of_the_site():
    assert set(NOT_YET) <= set(MARKDOWN_PAGES)
    assert set(CHECKER_NOT_YET) <= set(nav_pages())


def test_the_patterns_catch_what_they_forbid():
    """Each rule fires on the form it forbids, and not on the notation page's own."""
    caught = {"\\delta_{ij}": "Kronecker", "g_i \\cdot p_i": "upstream gradient",
              "g = \\frac{\\partial L}{\\partial y}": "upstream gradient", "J^{\\top} g": "Jacobian",
              "J_{ij}": "Jacobian", "\\frac{\\partial L}{\\partial z}": "loss written L",
              "t = \\beta x": "temporary written t", "t = |x|": "temporary written t"}
    for tex, rule in caught.items():
        fired = [name for name, pattern in FORBIDDEN.items() if pattern.search(tex)]
        assert any(rule in name for name in fired), (tex, fired)
    allowed = ["\\delta_k = \\frac{\\partial E}{\\partial z_k}", "a_j = g(z_j)", "g'(z_j)", "\\delta^{(l)}_{j}",
               "j = 1, \\dots, J", "N \\times J", "\\bar{y} = \\frac{\\partial E}{\\partial y}", "e^{x}", "[i = j]",
               "\\sum_{j=1}^{J} w_{jk}", "g\\left(w_{jk} \\cdot x_{j}\\right)",
               "t = 1", "t = (1, 1, 0)", "t_k = [k = c]", "\\sqrt{t}", "\\operatorname{sqrt} = 2"]
    for tex in allowed:
        assert not [name for name, pattern in FORBIDDEN.items() if pattern.search(tex)], tex


class _ShownText(HTMLParser):
    """The text a reader sees in a page's article: no scripts, styles or
    MathML/SVG (the formulas, checked in their source above)."""

    HIDDEN = {"script", "style", "svg", "math", "mjx-container"}

    def __init__(self):
        super().__init__()
        self.inside, self.hidden = 0, 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.inside += 1
        elif self.inside and tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.inside -= 1
        elif self.inside and tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data):
        if self.inside and not self.hidden:
            self.text.append(data)


def shown_text(html: str) -> str:
    parser = _ShownText()
    parser.feed(html)
    return " ".join(" ".join(parser.text).split())


# Pages whose owners have yet to take the checker out of their prose (issue 14).
CHECKER_NOT_YET: set[str] = set()


@pytest.mark.parametrize("page", [p for p in nav_pages() if p not in ABOUT_THE_CHECKER])
def test_reader_pages_do_not_talk_about_the_checker(site, page):
    text = shown_text(html_of(site, page))
    assert text, f"{page}: no article text found"
    mentions = [text[max(m.start() - 60, 0) : m.end() + 60] for m in re.finditer(r"checker", text, re.I)]
    assert not mentions or page in CHECKER_NOT_YET, mentions


def test_the_about_page_explains_the_checker(site):
    assert re.search(r"checker", shown_text(html_of(site, "about.md")), re.I)
