"""The site-wide gate for numbers in prose: every number a page's Markdown
(or a notebook's source) states is printed by the build or asserted by a test.

A number printed by an executed block is not in the Markdown, so it never
reaches this gate. What is typed in the prose is accounted for when:
- the sentence is a claim of tests/test_claims.py (CLAIMS), or of a test marked
  `@pytest.mark.claim("page.md", "sentence fragment")` in any test file;
- it matches a site-wide pattern whose check is below (the tests' ULP bounds,
  the oracle's 50 digits, exp's overflow edges);
- it is not a quantity: a citation's year or section, a mistake's or an erratum's
  number, a name with digits (float32, ReLU6, L2).
Anything else fails, naming the page and the line.
Formulas (inline and display math) are left to the derivation checker.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import test_claims

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# Pages written by a script rather than typed: the benchmark script writes
# the performance page (timings need a quiet machine; the page says so).
GENERATED = {"performance.md": "This page is written by the benchmark script, not by the build"}

# Words with digits in them name things, not quantities.
_NAMES = re.compile(
    r"\b(?:[A-Za-z][A-Za-z_]*-?\d+[A-Za-z_\d]*|\d+-D|\d+(?:st|nd|rd|th))\b")
# A library's version or a journal's volume names an edition, not a quantity.
_EDITIONS = re.compile(r"\b(?:PyTorch|Keras|TensorFlow|JAX|jaxlib|NumPy|SciPy|SymPy|mpmath|Python|MkDocs|Flax|"
                       r"MathJax|Node(?:\.js)?|Material for MkDocs|JMLR|PMLR|Math\. Comp\.|IEEE|ISO)"
                       r",? (?:v|version )?\d+(?:\.\d+)*")
_NUMBER = re.compile(r"(?<![\w.#])[-−+]?\d+(?:[.,\u202f ]\d+)*(?:[eE][-−+]?\d+)?%?")
_CITATION_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-2]\d)\b")
_CITATION = re.compile(r"\]\(https?:|et al\.|\b[A-Z][a-z]+,? (?:and [A-Z][a-z]+ )?\(?(?:19|20)\d\d|arXiv|ICLR|ICML|NeurIPS|"
                       r"AISTATS|CVPR|Proceedings|\b(?:19|20)\d\d\)|\((?:19|20)\d\d,")
# Numbering and cross-references: "**2. …**", "entry 12", "#8", "section 7.1".
_NUMBERING = re.compile(r"^\s*(?:[-*]\s+|#+\s+)?\*{0,2}\d+\.\s|\b(?:[Ee]ntr(?:y|ies)|[Ii]tem|[Ss]ection|[Ss]tep|[Mm]istake|[Ee]rratum|"
                        r"[Cc]hapter|[Ll]ine)s? \d+(?:\.\d+)*(?:(?:,| and| to|–) ?\d+)*|#\d+|\b(?:counting|indices|numbered) from [01]\b")

# Site-wide patterns, each removed from a line only because a check below holds.
PATTERNS = {
    "ulp_bounds": re.compile(r"\b4 ULP for f, 8 for [^)\"]+|within 4 ULP, and [`\w, ]+ within 8|"
                             r"\b4 ULP(?: \(f\))?|\b8 ULP(?: \(f′\))?|\b8-ULP\b"),
    "oracle_digits": re.compile(r"\b50(?: |-)digits?\b"),
}


def check_ulp_bounds():
    import test_activations

    assert test_activations.BOUND == {"f": 4.0, "grad": 8.0}


def check_oracle_digits():
    from sitekit import oracle

    assert oracle.DIGITS == 50


PATTERN_CHECKS = {"ulp_bounds": check_ulp_bounds, "oracle_digits": check_oracle_digits}


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def prose_lines(text: str):
    """(line number, line) of the prose: no front matter, code fences, HTML
    comments, display math or snippet includes."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        start = next(i for i in range(1, len(lines)) if lines[i].strip() == "---") + 1
    fence, comment, math = None, False, None
    for number, line in enumerate(lines[start:], start + 1):
        stripped = line.strip()
        opening = re.match(r"(`{3,}|~{3,})", stripped)
        if fence:
            if opening and stripped == opening.group(1) and opening.group(1)[0] == fence[0] and len(stripped) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if comment:
            comment = "-->" not in line
            continue
        if "<!--" in line and "-->" not in line:
            comment = True
            continue
        if math:  # the token that closes the display math we are in
            math = None if (stripped.startswith(math) if math == r"\end{" else stripped.endswith(math)) else math
            continue
        opens = next((token for token in (r"\[", r"\begin{", "$$") if stripped.startswith(token)), None)
        if opens:  # $$ … $$ is a notebook's display math
            math = {r"\[": r"\]", r"\begin{": r"\end{", "$$": "$$"}[opens]
            body = stripped[len(opens):]
            if (math == r"\end{" and math in body) or (math != r"\end{" and body.endswith(math)):
                math = None
            continue
        if stripped.startswith("--8<--"):
            continue
        yield number, line


def numbers_in(line: str) -> list[str]:
    """The numbers of a prose line that state a quantity (see the module docstring)."""
    text = re.sub(r"<!--.*?-->", "", line)
    text = re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]|`[^`]*`|\$[^$]+\$", " ", text)
    text = re.sub(r"\]\([^)]*\)|\{[#.:][^}]*\}|\{ *data-toc-label=[^}]*\}|<[^>]+>", " ", text)
    text = re.sub(r"^\s*(?:\d+\.|[-*+])\s+", " ", text)
    for pattern in PATTERNS.values():
        text = pattern.sub(" ", text)
    text = _NUMBERING.sub(" ", text)
    text = _EDITIONS.sub(" ", text)
    text = _NAMES.sub(" ", text)
    if _CITATION.search(line):
        text = _CITATION_YEAR.sub(" ", text)
    return [n for n in _NUMBER.findall(text) if any(c.isdigit() for c in n)]


def marked_claims() -> list[tuple[str, str, str]]:
    """(page, fragment, where) of every `@pytest.mark.claim(page, fragment)` in tests/."""
    found = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "claim"
                    and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "mark"):
                try:
                    page, fragment = (ast.literal_eval(a) for a in node.args[:2])
                except ValueError as error:  # a name, not a string: the gate could not read it
                    raise ValueError(f"{path.relative_to(ROOT)}:{node.lineno}: write a claim's page and "
                                     "fragment as string literals") from error
                found.append((page, fragment, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


def claimed() -> dict[str, list[str]]:
    """page -> the claim fragments that test_claims.py and marked tests check."""
    fragments: dict[str, list[str]] = {}
    for claim in test_claims.CLAIMS:
        fragments.setdefault(claim.page, []).append(_normalised(claim.text))
    for page, fragment, _ in marked_claims():
        fragments.setdefault(page, []).append(_normalised(fragment))
    return fragments


def pages() -> list[str]:
    """Every page with prose: the Markdown pages, and the notebooks by the
    name of the page their source writes (sitekit/notebooks/)."""
    return sorted([str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")] + list(NOTEBOOKS))


# docs/<page>.ipynb -> its Markdown source, named on the source's first line.
NOTEBOOKS = {re.match(r"<!-- docs/(\S+) -->", path.read_text(encoding="utf-8")).group(1): path
             for path in sorted((ROOT / "sitekit" / "notebooks").glob("*.md"))}


def page_text(page: str) -> str:
    return (NOTEBOOKS[page] if page in NOTEBOOKS else DOCS / page).read_text(encoding="utf-8")


def unchecked(page: str, text: str, fragments: list[str]) -> list[tuple[int, str, list[str]]]:
    """(line, normalised line, numbers) of each prose line with a number nothing checks."""
    normal_page = _normalised(text)
    spans = [(normal_page.find(f), normal_page.find(f) + len(f)) for f in fragments if f in normal_page]
    found = []
    for number, line in prose_lines(text):
        numbers = numbers_in(line)
        if not numbers:
            continue
        normal_line = _normalised(line)
        at = normal_page.find(normal_line)
        # A line inside a claimed sentence is checked by that claim.
        if any(lo <= at and at + len(normal_line) <= hi or normal_line in normal_page[lo:hi] for lo, hi in spans):
            continue
        if any(f in normal_line for f in fragments):
            continue
        found.append((number, normal_line, numbers))
    return found


def site_unchecked() -> dict[tuple[str, str], int]:
    fragments = claimed()
    found = {}
    for page in pages():
        if page in GENERATED:
            continue
        for number, line, _ in unchecked(page, page_text(page), fragments.get(page, [])):
            found.setdefault((page, line), number)
    return found


def test_every_number_in_prose_is_checked():
    new = site_unchecked()
    assert not new, "numbers in prose that nothing prints or checks:\n" + "\n".join(
        f"  docs/{page}:{n}: {line[:120]}" for (page, line), n in sorted(new.items())) + (
        "\nPrint the number from an executed block, or check the sentence: a Claim in tests/test_claims.py, "
        "or a test marked @pytest.mark.claim(\"<page>\", \"<sentence fragment>\") that asserts it.")


def test_marked_claims_are_on_their_pages():
    claims = marked_claims()
    for page, fragment, where in claims:
        assert _normalised(fragment) in _normalised(page_text(page)), f"{where}: docs/{page} no longer says {fragment!r}"


@pytest.mark.parametrize("name", sorted(PATTERN_CHECKS))
def test_pattern_claims_hold(name):
    PATTERN_CHECKS[name]()


def test_generated_pages_say_so():
    for page, marker in GENERATED.items():
        assert marker in (DOCS / page).read_text(encoding="utf-8"), page


@pytest.mark.parametrize("line, expected", [
    ("The slope exceeds 1 right of 0.", ["1", "0"]),
    ("It is 0.74 at \\(x = 0.5\\), within 3 ULP.", ["0.74", "3"]),
    ("([Maas, Hannun and Ng, 2013](https://example.org/p.pdf)); float32 and ReLU6.", []),
    ("**2. The bias gradient summed over the wrong axis.**", []),
    ("See entry 12 and #8; within 4 ULP for f, 8 for f′, at 50 digits.", []),
    ("`np.exp(710.0)` overflows: \\(e^{710}\\).", []),
    ("PyTorch 2.13 and Keras 3 return 0 there (JMLR 12, 2011); CIFAR-10 (2010, unpublished).", ["0"]),
    ("Indices are counted from 0 here, counting from 0.", ["0"]),
    ("A notebook's $N \\times 8$ batch of 32.", ["32"]),
    ("## 2. Its slope { data-toc-label=\"σ'(0) = 1/4\" }; entries 1 to 11; IEEE 754, SHA-256, 50-digit values.", []),
])
def test_numbers_in_finds_quantities_only(line, expected):
    assert numbers_in(line) == expected


def test_a_new_number_fails_the_gate():
    text = "# Page\n\nSwish's slope exceeds 1 right of 0.5.\n\n```python\nx = 3\n```\n"
    assert [n for _, _, n in unchecked("x.md", text, [])] == [["1", "0.5"]]
    assert unchecked("x.md", text, ["Swish's slope exceeds 1 right of 0.5."]) == []

