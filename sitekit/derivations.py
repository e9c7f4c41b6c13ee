"""Check every derivation chain of the site with SymPy.

A derivation is an `align` block in a page's Markdown (indented or not):

    \\begin{align}
    \\frac{d}{dx}\\sigma(x) &= \\frac{d}{dx}\\left(1+e^{-x}\\right)^{-1} \\\\
    &= \\sigma(x) \\cdot \\left(1-\\sigma(x)\\right).
    \\end{align}

Each expression of the chain (the first line's left side included) is parsed
with SymPy's LaTeX parser (antlr) and checked equal to the one before it:
numerically at 20+ rational points of both signs and several magnitudes
(lambdified mpmath at 60 digits; any disagreement is confirmed with SymPy's
N(..., 50) on the exact rationals), then by `simplify` for a proof where
SymPy finds one.
On docs/activations/<name>.md with an entry in sitekit/definitions.py, the
first expression must be that definition (its derivative when the chain
starts with d/dx or d/d<parameter>), and the last must agree with the
snippet's <name>, <name>_grad or <name>_grad_<parameter> on the hard points.
A wrong step is reported at its own line; a step that follows a wrong one
is compared with the last good step too, so a typo is reported at its own
line only.

Two TeX comment lines, which MathJax does not show, may go in a block:

    % domain: x > 0          the chain holds there only (a branch of a
                             piecewise function): sample and assume there.
                             Comma-separated: x < 0, 0 < a < 1; i \\ne j
    % where: x = z_i, R = \\sum_{k=1}^{K} e^{z_k} - e^{z_i}
                             names the prose introduces; put in after each
                             step is evaluated, so d/dx holds R fixed
    % generic: g             g(u) is any differentiable function: the chain
                             is checked with a concrete g of no special form
    % prose-only: <reason>   not checked, only counted (aim for none)

A `% where:` binding is applied after the step is evaluated, so it can give
a symbol a value the parser cannot read as one: `% where: i = \\sqrt{-1}`
makes i the imaginary unit once the limit or derivative is taken.

A wide chain may put its left side alone on the first row and start the
next with `&= ...`. `\\begin{cases} value & condition \\\\ ... \\end{cases}` is a
piecewise function: each branch is compared where its own condition holds,
and a region no branch covers is an error where the other side is defined.

Names: `e` is Euler's number and \\pi the number π; \\sigma, \\operatorname{softplus}, \\operatorname{ReLU}, ...
(FUNCTION_ALIASES), `f` and `y` (= f(x)) mean the page's definition,
f'(x) its derivative; \\max, \\min, \\operatorname{sech}, ... are SymPy's; an
unknown one-letter "function" x(1+e^{-x}) is a product, and x\\,(1+x)^{2}
x times the square (brace_powers). Subscripts are
indices: z_k is entry k of a vector, w_{jk} entry (j, k) of a matrix (a chain
may differentiate by it), \\delta_k an error signal, the Iverson bracket
[i = j] (or \\delta_{ij}) Kronecker's delta, \\bar{Y}_{nk} an entry of the
upstream gradient \\bar{Y} (one name; so are \\hat{x}_i, \\tilde{C}, \\bar{q}, and a
word subscript E_{\\text{mean}}), \\Delta_{ntk} one entry as w_{jk} is,
\\sum_{k=1}^{K} a sum over an integer size K (K is that size outside the sum
too; indices run from 0 when the sums do), and on the softmax page
y_i and p_i are e^{z_i} / \\sum_{k=1}^{K} e^{z_k} (INDEXED_ALIASES).
What the parser would silently misread is refused with a message: trailing
text it cannot read (parsed with strict=True), an unbracketed operand of d/dx
followed by an operator, `\\tanh x` without parentheses, unbalanced brackets,
letters read as a product of symbols.

`python -m sitekit.derivations [FILE ...]` checks the given pages (default:
all of docs/), prints one line per block and a summary, and exits 1 on any
error. The MkDocs hook calls `check_markdown(markdown, page.file.src_uri)`.
"""

from __future__ import annotations

import difflib
import random
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from sitekit import cache
from sitekit.definitions import DEFINITIONS, EXTRA_FUNCTION_ALIASES, EXTRA_PARAMETER_ALIASES
from sitekit.definitions import x as DEFINITION_X

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

DIRECTIVES = ("domain", "where", "generic", "prose-only")

# `% generic: g` makes g(u) an arbitrary differentiable function. A chain that
# holds for every g holds for this one, and a wrong step almost never does:
# no symmetry, no fixed slope, every derivative non-zero somewhere.
_u = sp.Symbol("u", real=True)
GENERIC_FUNCTION = sp.Lambda(_u, sp.sin(2 * _u + 1) + sp.exp(_u / 3))

# Names a page may use for a function whose definition is in DEFINITIONS.
# `f` means the page's own function; `y` (the output, see notation.md) is f(x).
FUNCTION_ALIASES = {
    "sigma": "sigmoid",
    "sigmoid": "sigmoid",
    "softplus": "softplus",
    "ReLU": "relu",
    "relu": "relu",
    "LeakyReLU": "leaky_relu",
    "leakyrelu": "leaky_relu",
    "swish": "swish",
    "SiLU": "swish",
    "silu": "swish",
    "step": "binary_step",
    "linear": "linear",
}

# Letters a page uses for a parameter whose name in DEFINITIONS differs.
PARAMETER_ALIASES = {
    "leaky_relu": {"a": "negative_slope", "alpha": "negative_slope"},
}

FUNCTION_ALIASES.update(EXTRA_FUNCTION_ALIASES)
PARAMETER_ALIASES.update(EXTRA_PARAMETER_ALIASES)

# Subscripted names that mean a page's vector output: y_i = e^{z_i} / sum_k e^{z_k}.
INDEXED_ALIASES = {"softmax": ("y", "p")}

# Functions SymPy knows but the LaTeX parser does not.
SYMPY_FUNCTIONS = {
    "max": sp.Max,
    "min": sp.Min,
    "sech": sp.sech,
    "csch": sp.csch,
    "coth": sp.coth,
    "sgn": sp.sign,
    "sign": sp.sign,
    "erf": sp.erf,
    "abs": sp.Abs,
}

# Function commands the parser knows: it reads `\tanh x \cdot 2` as tanh(2x),
# so the checker insists on parentheses after them.
PARSER_FUNCTIONS = (
    "sin cos tan cot sec csc sinh cosh tanh arcsin arccos arctan arsinh arcosh artanh "
    "ln log exp"
).split()

GREEK = set(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
)

# Sample points: the ones the issue names first, then pseudo-random rationals
# of both signs, magnitudes 1e-3 to 60, for domains that exclude the first ones.
_FIRST_MAGNITUDES = ("3/10", "17/10", "4", "11", "1/100", "7/10", "5/2", "37/5", "1/7", "23", "13/10", "2/3")
MIN_POINTS = 20
BRANCH_POINTS = 8  # per branch of a \begin{cases}: x > 6 holds at fewer of the pool's points
MAX_POINTS = 24
TOLERANCE = sp.Rational(1, 10**30)
DIGITS = 50


def _point_pool() -> list[sp.Rational]:
    pool = [s * sp.Rational(m) for m in _FIRST_MAGNITUDES for s in (1, -1)]
    rng = random.Random(20240601)
    for _ in range(200):
        magnitude = 10 ** rng.uniform(-3, 1.78)
        value = Fraction(magnitude).limit_denominator(997)
        if value:
            pool.append(rng.choice((1, -1)) * sp.Rational(value.numerator, value.denominator))
    return pool


def _parameter_pool(name: str) -> list[sp.Rational]:
    # Both signs: a step true only for a positive parameter is wrong unless
    # the block says `% domain: beta > 0`.
    first = ["7/10", "-13/10", "3/7", "23/10", "-1/3", "1/20", "-5/2", "9/4"]
    # Seeded by the name itself: a sum of its characters gave w_{jk} and w_{kj}
    # (any two names that are anagrams) the same values, so a transposition passed.
    rng = random.Random(name)
    rng.shuffle(first)
    pool = [sp.Rational(v) for v in first]
    for _ in range(100):
        value = Fraction(10 ** rng.uniform(-2, 0.7)).limit_denominator(97)
        if value:
            pool.append(rng.choice((1, -1)) * sp.Rational(value.numerator, value.denominator))
    return pool


POINT_POOL = _point_pool()


# ---------------------------------------------------------------------------
# Report


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    blocks: int = 0
    equalities: int = 0  # step-to-step equalities checked
    prose_only: int = 0
    symbolic: int = 0  # of those, proved by simplify
    lines: list[str] = field(default_factory=list)  # one per block, for the CLI
    # One per block, in page order: (equalities checked, None if it passed
    # else "failed", or the prose-only reason); the hook marks each block.
    outcomes: list[tuple[int, str | None]] = field(default_factory=list)
    seconds: float = 0.0

    def __iadd__(self, other: Report) -> Report:
        self.errors += other.errors
        self.blocks += other.blocks
        self.equalities += other.equalities
        self.prose_only += other.prose_only
        self.symbolic += other.symbolic
        self.lines += other.lines
        self.outcomes += other.outcomes
        self.seconds += other.seconds
        return self

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"{self.blocks} blocks, {self.equalities} equalities checked, {self.prose_only} prose-only"


class DerivationError(Exception):
    """A problem with one expression or line; the message is for the page author."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


# ---------------------------------------------------------------------------
# Extracting blocks from Markdown


@dataclass
class Step:
    number: int  # 1-based position in the chain; step 1 is the first left side
    line: int
    tex: str


@dataclass
class Block:
    line: int  # of \begin{align}
    body: list[tuple[int, str]]  # (line, text with comments removed)
    domain: list[tuple[int, str]] = field(default_factory=list)
    where: list[tuple[int, str]] = field(default_factory=list)
    prose_only: str | None = None
    generic: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


_BEGIN = re.compile(r"\\begin\{align\*?\}")
_END = re.compile(r"\\end\{align\*?\}")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_COMMENT = re.compile(r"(?<!\\)%")
_DIRECTIVE = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:(.*)$")


def extract_blocks(markdown: str) -> list[Block]:
    """The align blocks of a page, outside fenced code."""
    blocks: list[Block] = []
    lines = markdown.splitlines()
    fence: str | None = None
    current: Block | None = None
    for number, raw in enumerate(lines, start=1):
        if current is None:
            match = _FENCE.match(raw)
            if fence is not None:
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                    fence = None
                continue
            if match:
                fence = match.group(1)
                continue
            begin = _BEGIN.search(raw)
            if not begin:
                continue
            current = Block(number, [])
            raw = raw[begin.end() :]
        text, comment = _split_comment(raw)
        end = _END.search(text)
        if end:
            text, comment = text[: end.start()], None
        if comment is not None:
            _directive(current, number, comment)
        current.body.append((number, text))
        if end:
            blocks.append(current)
            current = None
    if current is not None:
        current.errors.append((current.line, "\\begin{align} has no \\end{align}"))
        blocks.append(current)
    return blocks


def _split_comment(line: str) -> tuple[str, str | None]:
    match = _COMMENT.search(line)
    return (line, None) if match is None else (line[: match.start()], line[match.end() :])


def _directive(block: Block, line: int, comment: str) -> None:
    match = _DIRECTIVE.match(comment)
    if not match:
        return
    name, value = match.group(1).lower(), match.group(2).strip()
    if name == "domain":
        if not value:
            block.errors.append((line, "`% domain:` needs conditions, e.g. `% domain: x > 0`"))
        block.domain.append((line, value))
    elif name == "where":
        if not value:
            block.errors.append((line, "`% where:` needs bindings, e.g. `% where: x = z_i`"))
        block.where.append((line, value))
    elif name == "generic":
        names = [n.strip() for n in value.split(",")]
        if not value or not all(re.fullmatch(r"[A-Za-z]", n) for n in names):
            block.errors.append((line, "`% generic:` needs one-letter function names, e.g. `% generic: g, h`"))
        block.generic += [(line, n) for n in names if n]
    elif name == "prose-only":
        if not value:
            block.errors.append((line, "`% prose-only:` needs a reason after the colon"))
        block.prose_only = value or "(no reason given)"
    else:
        close = difflib.get_close_matches(name, DIRECTIVES, n=1, cutoff=0.6)
        if close:
            block.errors.append((line, f"unknown directive `% {name}:`; did you mean `% {close[0]}:`?"))


def split_steps(block: Block) -> list[Step]:
    """The chain's expressions, with the line each starts on."""
    rows = _rows(block.body)
    rows = [(line, text) for line, text in rows if text.strip()]
    steps: list[Step] = []
    for index, (line, text) in enumerate(rows):
        text = re.sub(r"\\(nonumber|notag)\b|\\(label|tag\*?)\{[^{}]*\}", "", text)
        text = _alignment_out(text).strip()
        if index == len(rows) - 1:
            text = re.sub(r"(\s|\\[,;!: ]|\\q?quad)*[.,]\s*$", "", text)
        parts = _split_top(text, "=")
        if index == 0:
            # A wide chain may put its left side alone on the first row: `left \\ &= right`.
            alone = len(parts) == 1 and len(rows) > 1
            if (len(parts) < 2 and not alone) or not parts[0].strip():
                raise DerivationError("the first line must read `left side &= right side`, "
                                      "or `left side` with the next line `&= right side`", line)
        elif parts[0].strip():
            raise DerivationError(
                "only the first line of a chain may have a left side; "
                "continue with `&= ...` or start a new align block",
                line,
            )
        else:
            parts = parts[1:]
        for part in parts:
            if not part.strip():
                raise DerivationError("empty side of `=`", line)
            steps.append(Step(len(steps) + 1, line, part.strip()))
    if len(steps) < 2:
        raise DerivationError("the block holds no equality", block.line)
    return steps


def _alignment_out(text: str) -> str:
    """The row without its alignment `&`s; those of an inner \\begin{cases} stay."""
    out, depth = [], 0
    for i, char in enumerate(text):
        depth += text.startswith("\\begin{", i) - text.startswith("\\end{", i)
        out.append(" " if char == "&" and depth == 0 and (i == 0 or text[i - 1] != "\\") else char)
    return "".join(out)


def _rows(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Split on `\\\\`; a row's line is where its first character stands."""
    rows: list[tuple[int, str]] = []
    current, start = [], None
    depth = 0  # inside \begin{cases} ... \end{cases}, `\\\\` separates its rows
    for line, text in body:
        i = 0
        while i < len(text):
            depth += text.startswith("\\begin{", i) - text.startswith("\\end{", i)
            if text.startswith("\\\\", i) and depth == 0:
                rows.append((start or line, "".join(current)))
                current, start = [], None
                spacing = re.compile(r"\s*\[[^\]]*\]").match(text, i + 2)  # \\[4pt]
                i = spacing.end() if spacing else i + 2
                continue
            step = 2 if text[i] == "\\" and i + 1 < len(text) else 1
            if start is None and not text[i].isspace():
                start = line
            current.append(text[i : i + step])
            i += step
        current.append("\n")
    rows.append((start or (body[-1][0] if body else 0), "".join(current)))
    return rows


def _split_top(text: str, separator: str) -> list[str]:
    parts, depth, last = [], 0, 0
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[last:i])
            last = i + 1
        i += 1
    parts.append(text[last:])
    return parts


# ---------------------------------------------------------------------------
# From LaTeX to SymPy

_SIZING = re.compile(r"\\(?:[Bb]igg?[lrm]?|displaystyle|textstyle)(?![A-Za-z])")
_NAMED = re.compile(r"\\(?:operatorname\*?|mathrm|textrm|mathit)\s*\{\s*([^{}]*?)\s*\}")
_DECIMAL = re.compile(r"(?<![\d.])(\d+\.\d+)(?![\d.])")
# The Iverson bracket [i = j]: 1 if the indices are equal, else 0 (Kronecker's delta).
_IVERSON = re.compile(r"(?:\\left\s*)?\[\s*([A-Za-z])\s*=\s*([A-Za-z])\s*(?:\\right\s*)?\]")
# An accented letter is one name: \bar{Y}_{nk} an entry of the upstream gradient
# \bar{Y} (Ybar), \hat{x}_i, \tilde{C}, \bar{q}, \bar{\gamma}; a subscript stays its indices.
_ACCENT = re.compile(r"\\(bar|hat|tilde)(?![A-Za-z])\s*(?:\{\s*(\\?[A-Za-z]+)\s*\}|(\\[A-Za-z]+|[A-Za-z]))"
                     r"(?:\s*_\s*(?:\{\s*([A-Za-z0-9]+)\s*\}|([A-Za-z0-9])))?")
# A Greek letter with several index letters, \Delta_{ntk}: one entry, as w_{jk}
# (not \delta_{ij}, Kronecker's delta).
_GREEK_ENTRY = re.compile(r"\\([A-Za-z]+)\s*_\s*\{\s*([A-Za-z]{2,})\s*\}")
_DERIVATIVE_OPERATOR = re.compile(
    r"\\[dt]?frac\s*\{\s*(?:d|\\partial)\s*\}\s*\{\s*(?:d|\\partial)\s*(?:\\[A-Za-z]+|[A-Za-z])\s*\}"
)
# d/dz_j and dy_i/dz_j: the parser takes only a bare letter after the d, so
# the variable becomes a placeholder command, decoded by Context._symbol.
_INDEXED_DERIVATIVE = re.compile(
    r"\\[dt]?frac\s*\{\s*(?:d|\\partial)(?![A-Za-z])\s*([^{}]*?)\s*\}"
    r"\s*\{\s*(?:d|\\partial)(?![A-Za-z])\s*\\?([A-Za-z]+)\s*_\s*(?:\{\s*([A-Za-z0-9]+)\s*\}|([A-Za-z0-9]))\s*\}"
)
_PLACEHOLDER = re.compile(r"IdxDiff([A-Za-z]+)Sub([A-Za-z0-9]+)")
_ACCENTED = re.compile(r"IdxAcc([A-Za-z]+)")
_PLACEHOLDER_DERIVATIVE = re.compile(
    r"\\[dt]?frac\s*\{\s*(?:d|\\partial)(?![A-Za-z])\s*([^{}]*?)\s*\}"
    r"\s*\{\s*(?:d|\\partial)(?![A-Za-z])\s*(\\Idx(?:Diff|Acc)[A-Za-z]+)\s*\}"
)


def _index_letters(index: str) -> str:
    """TeX command names are letters only: a digit d of an index is written Q<letter d>."""
    return "".join(c if c.isalpha() else "Q" + "ABCDEFGHIJ"[int(c)] for c in index)


# E_{\text{mean}}, \mu_{\text{run}}: a word as a subscript names a quantity (Emean), not an index.
_WORD_SUBSCRIPT = re.compile(r"(?<![A-Za-z])(\\[A-Za-z]+|[A-Za-z])\s*_\s*\{\s*\\(?:text|mathrm)\s*\{\s*([A-Za-z][A-Za-z -]*)\}\s*\}")


def _worded(match: re.Match) -> str:
    base = match.group(1).lstrip("\\")
    if len(base) > 1 and base not in GREEK:
        return match.group(0)
    return f"\\IdxAcc{base}{re.sub(r'[^A-Za-z]', '', match.group(2))} "


def _accented(match: re.Match) -> str:
    accent, base = match.group(1), (match.group(2) or match.group(3)).lstrip("\\")
    if len(base) > 1 and base not in GREEK:
        return match.group(0)  # \hat{xy}: not one letter, left to fail as it did
    index = match.group(4) or match.group(5)
    if index:
        return f"\\IdxDiff{base}{accent}Sub{_index_letters(index)} "
    return f"\\IdxAcc{base}{accent} "


def normalize(tex: str) -> str:
    """Rewrite what the parser misreads into what it reads as intended."""
    tex = re.sub(r"\\left\s*(\||\\[lr]?vert)|\\right\s*(\||\\[lr]?vert)|\\[lr]?vert(?![A-Za-z])", "|", tex)
    tex = _SIZING.sub("", tex)
    tex = re.sub(r"\\mathrm\s*\{\s*d\s*\}", "d", tex)
    tex = re.sub(r"\^\s*\{?\s*\\prime\s*\}?", "'", tex)

    def named(match: re.Match) -> str:
        name = re.sub(r"[^A-Za-z]", "", match.group(1))
        if not name:
            raise DerivationError(f"cannot read the operator name `{match.group(0)}`")
        return "\\" + name + " "

    tex = _NAMED.sub(named, tex)
    # \tanh'(x): the parser knows \tanh only unprimed; the placeholder is a call Context._call decodes.
    tex = re.sub(r"\\(" + "|".join(PARSER_FUNCTIONS) + r")\s*('+)(?=\s*(?:\(|\\left\s*\())", r"\\IdxPrime\1\2", tex)
    tex = _powered_calls(tex)

    def indexed_derivative(match: re.Match) -> str:
        numerator, base, index = match.group(1), match.group(2), match.group(3) or match.group(4)
        operator = f"\\frac{{d}}{{d\\IdxDiff{base}Sub{_index_letters(index)}}}"
        return f"{operator}\\left({numerator}\\right)" if numerator else operator + " "

    tex = _IVERSON.sub(r"\\delta_{\1\2}", tex)
    tex = _WORD_SUBSCRIPT.sub(_worded, tex)
    tex = _ACCENT.sub(_accented, tex)
    tex = _INDEXED_DERIVATIVE.sub(indexed_derivative, tex)
    # d/d\hat{x}_i: the accented variable is already a placeholder command.
    tex = _PLACEHOLDER_DERIVATIVE.sub(
        lambda m: f"\\frac{{d}}{{d{m.group(2)}}}" + (f"\\left({m.group(1)}\\right)" if m.group(1) else " "), tex)
    # w_{kj}: the parser reads the subscript as the product k*j, which SymPy
    # sorts to j*k, so w_{jk} and w_{kj} were one entry. The placeholder
    # keeps the letters in order (row k, column j).
    tex = re.sub(r"(?<![\\A-Za-z])([A-Za-z])\s*_\s*\{\s*([A-Za-z]{2,})\s*\}", r"\\IdxDiff\1Sub\2 ", tex)
    tex = _GREEK_ENTRY.sub(lambda m: m.group(0) if m.group(1) not in GREEK or m.group(1) == "delta"
                           else f"\\IdxDiff{m.group(1)}Sub{m.group(2)} ", tex)

    def decimal(match: re.Match) -> str:
        value = Fraction(match.group(1))
        return f"{{\\frac{{{value.numerator}}}{{{value.denominator}}}}}"

    tex = _DECIMAL.sub(decimal, tex)
    # Trailing spacing is skipped by the lexer and fails the strict parse.
    return re.sub(r"(\s|\\[,:;! ]|\\q?quad(?![A-Za-z]))+$", "", tex).strip()


def _powered_calls(tex: str) -> str:
    r"""`\softplus^{2}(x)` -> `\left(\softplus(x)\right)^{2}`: the parser reads
    a power between an unknown command and its argument as a product."""
    pattern = re.compile(r"\\([A-Za-z]+)\s*\^\s*(\{[^{}]*\}|\\?[A-Za-z0-9])\s*(?=\\left\s*\(|\()")
    names = set(FUNCTION_ALIASES) | set(SYMPY_FUNCTIONS)  # not \alpha^2(x+1), a product
    while True:
        match = next((m for m in pattern.finditer(tex) if m.group(1) in names), None)
        if match is None:
            return tex
        end = _group_end(tex, match.end())
        if end is None:
            return tex
        call = f"\\left(\\{match.group(1)}{tex[match.end() : end]}\\right)^{{{match.group(2)}}}"
        tex = tex[: match.start()] + call + tex[end:]


_LETTER_GROUP = re.compile(r"(?<![\\A-Za-z])([A-Za-z])((?:\s|\\[,;!: ])*)(?=\\left\s*\(|\()")


def brace_powers(tex: str, functions: set[str] | frozenset[str] = frozenset("fg")) -> str:
    """`x\\,(1+u)^{2}` -> `x\\,{(1+u)^{2}}`: the parser reads a letter before a
    bracket as a call x(1+u) and raises the call to the power, x^2 (1+u)^2.
    A letter in `functions` (f, g, the block's `% generic:` names) is a call."""
    position = 0
    while True:
        match = _LETTER_GROUP.search(tex, position)
        if match is None:
            return tex
        start = match.end()
        end = _group_end(tex, start)
        position = start
        if end is None or match.group(1) in functions:
            continue
        power = _skip_power(tex, end)
        if power == end or tex[end:power].lstrip().startswith("_"):
            continue
        tex = tex[:start] + "{" + tex[start:power] + "}" + tex[power:]


_OPEN = re.compile(r"\\left\s*[(\[]|\\left\s*\\\{|[(\[{]")
_CLOSE = re.compile(r"\\right\s*[)\]]|\\right\s*\\\}|[)\]}]")


def _group_end(tex: str, start: int) -> int | None:
    """Index just past the bracket group opening at `start`, else None."""
    if not _OPEN.match(tex, start):
        return None
    depth, i = 0, start
    while i < len(tex):
        opened, closed = _OPEN.match(tex, i), _CLOSE.match(tex, i)
        if opened:
            depth, i = depth + 1, opened.end()
        elif closed:
            depth, i = depth - 1, closed.end()
            if depth == 0:
                return i
        elif tex[i] == "\\":
            i += 2
        else:
            i += 1
    return None


def _skip_space(tex: str, i: int) -> int:
    while True:
        match = re.compile(r"\s+|\\[,;!: ]|\\q?quad(?![A-Za-z])").match(tex, i)
        if not match:
            return i
        i = match.end()


def _skip_power(tex: str, i: int) -> int:
    i = _skip_space(tex, i)
    if i < len(tex) and tex[i] in "^_":
        i = _skip_space(tex, i + 1)
        if i < len(tex) and tex[i] == "{":
            return _group_end(tex, i) or len(tex)
        match = re.compile(r"\\[A-Za-z]+|.").match(tex, i)
        return match.end() if match else i
    return i


def lint(tex: str) -> None:
    """Refuse the constructs whose parsed meaning differs from the written one."""
    _check_balanced(tex)
    for name in PARSER_FUNCTIONS:
        for match in re.finditer(r"\\" + name + r"(?![A-Za-z])", tex):
            i = _skip_power(tex, match.end())
            i = _skip_space(tex, i)
            if not _OPEN.match(tex, i) or tex[i] == "{":
                raise DerivationError(
                    f"write `\\{name}(...)` with parentheses: the parser reads "
                    f"`\\{name} x \\cdot y` as \\{name}(x y)"
                )
    for match in _DERIVATIVE_OPERATOR.finditer(tex):
        operand = _skip_space(tex, match.end())
        while operand < len(tex) and tex[operand] in "+-":
            operand = _skip_space(tex, operand + 1)
        end = _group_end(tex, operand)
        if end is not None:
            after = _skip_space(tex, _skip_power(tex, end))
            if after < len(tex) and not re.compile(r"[-+=)\]}|]|\\cdot|\\times|\\right").match(tex, after):
                raise DerivationError(
                    "ambiguous scope of d/dx: a factor follows the bracket, and the parser "
                    "differentiates it too; put the whole operand in one \\left( \\right)"
                )
            continue
        if _operand_stops_early(tex, operand):
            raise DerivationError(
                "ambiguous scope of d/dx: the operand is not in brackets and an operator "
                "follows it; write `\\frac{d}{dx}\\left( ... \\right)`"
            )


def _check_balanced(tex: str) -> None:
    # The parser closes a missing \right) silently, somewhere of its choosing.
    if len(re.findall(r"\\left(?![A-Za-z])", tex)) != len(re.findall(r"\\right(?![A-Za-z])", tex)):
        raise DerivationError("unbalanced \\left ... \\right")
    stack: list[str] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    i = 0
    while i < len(tex):
        if tex[i] == "\\":
            i += 2
            continue
        if tex[i] in "([{":
            stack.append(tex[i])
        elif tex[i] in ")]}":
            if not stack or stack.pop() != pairs[tex[i]]:
                raise DerivationError(f"unbalanced `{tex[i]}`")
        i += 1
    if stack:
        raise DerivationError(f"unclosed `{stack[-1]}`")


def _operand_stops_early(tex: str, i: int) -> bool:
    """Whether a binary operator follows an unbracketed operand at its depth."""
    while i < len(tex):
        if tex[i] in "+-/":
            return True
        if tex.startswith("\\cdot", i) or tex.startswith("\\times", i):
            return True
        if _CLOSE.match(tex, i):
            return False
        end = _group_end(tex, i)
        if end is not None:
            i = end
        elif tex[i] == "\\":
            match = re.compile(r"\\[A-Za-z]+|\\.").match(tex, i)
            i = match.end()
        else:
            i += 1
    return False


_PARSE_CACHE: dict[str, sp.Basic] = {}
_SKIPPED_FIRST = re.compile(r"\\(?:left|[,:;! ]|q?quad|(?:thin|med|thick|negthin|negmed|negthick)space)(?![A-Za-z])")


def parse(tex: str) -> sp.Basic:
    """The parser's reading of normalized LaTeX, cached by text."""
    if tex not in _PARSE_CACHE:
        from sympy.parsing.latex import parse_latex

        # strict: without it the parser returns the longest valid prefix,
        # silently dropping the rest (`x \cdot \cdot x` -> x). Its test wants
        # the first character parsed, but the lexer skips \left and spacing:
        # `0 + ` in front keeps `\left(x\right)^{2}` valid.
        text = "0 + " + tex if _SKIPPED_FIRST.match(tex) else tex
        parsed = _parse_fast(text)
        if parsed is None:
            try:
                parsed = parse_latex(text, strict=True, backend="antlr")
            except Exception as error:  # the parser raises several unrelated types
                message = " ".join(str(error).split())
                raise DerivationError(f"SymPy cannot parse it ({type(error).__name__}: {message})") from None
        if text != tex and isinstance(parsed, sp.Add) and len(parsed.args) == 2 and 0 in parsed.args:
            parsed = next(a for a in parsed.args if a != 0)  # the parser does not evaluate 0 + X
        _PARSE_CACHE[tex] = parsed
    return _PARSE_CACHE[tex]


def _parse_fast(text: str) -> sp.Basic | None:
    """SymPy's own antlr parse_latex(strict=True), but with SLL prediction,
    10 to 20 times faster. ANTLR guarantees that an SLL parse without a
    syntax error is the tree full LL would build; on any error this returns
    None and the caller runs parse_latex itself, for its verdict and message."""
    try:
        import antlr4
        from antlr4.atn.PredictionMode import PredictionMode
        from sympy.parsing.latex import _parse_latex_antlr as antlr_latex
        from sympy.parsing.latex._antlr.latexlexer import LaTeXLexer
        from sympy.parsing.latex._antlr.latexparser import LaTeXParser
    except ImportError:  # another SymPy layout: the public function only
        return None
    text = text.strip()
    try:
        listener = antlr_latex.MathErrorListener(text)
        lexer = LaTeXLexer(antlr4.InputStream(text))
        lexer.removeErrorListeners()
        lexer.addErrorListener(listener)
        parser = LaTeXParser(antlr4.CommonTokenStream(lexer))
        parser.removeErrorListeners()
        parser.addErrorListener(listener)
        parser._interp.predictionMode = PredictionMode.SLL
        relation = parser.math().relation()
        if relation.start.start != 0 or relation.stop.stop != len(text) - 1:
            return None  # parse_latex(strict=True) rejects it
        return antlr_latex.convert_relation(relation)
    except Exception:  # a syntax error, or SLL needs full LL here
        return None


# ---------------------------------------------------------------------------
# Meaning of names, per chain


@dataclass
class Domain:
    text: str
    conditions: list[sp.Basic]  # relations in plain real symbols

    def contains(self, point: dict) -> bool:
        """Whether a point (symbols of any assumptions -> rationals) is inside;
        an entry z_i takes the value _substitute gives it at that point."""
        plain = {sp.Symbol(s.name, real=True): v for s, v in point.items() if isinstance(s, sp.Symbol)}
        return all(_substitute(c.xreplace(plain), point) is sp.true for c in self.conditions)

    def symbol_names(self) -> set[str]:
        """The plain names of the conditions (x, a, i), not entries such as z_i."""
        labels = {v.label for v in self.vectors()}
        return {s.name for c in self.conditions for s in c.free_symbols
                if isinstance(s, sp.Symbol) and s not in labels}

    def vectors(self) -> set[sp.IndexedBase]:
        return {b for c in self.conditions for b in c.atoms(sp.IndexedBase)}


class Context:
    """How names read on one page, with one domain's assumptions."""

    def __init__(self, page: str | None, assumptions: dict[str, dict] | None = None):
        self.page = page
        self.definition = DEFINITIONS.get(page) if page else None
        self.assumptions = assumptions or {}
        self.aliases = PARAMETER_ALIASES.get(page or "", {})
        self.generics: set[str] = set()  # `% generic:` function names
        self._integers: set[str] = set()
        self.cases: dict[str, sp.Piecewise] = {}  # placeholders of \begin{cases} blocks (_cases)

    @staticmethod
    def integer(name: str) -> sp.Symbol:
        """An index (i, j, k: lower case) or a size (K, N: upper case). An index
        may be 0 (sums from 0): a positive u made [u = 0] false before u had a value."""
        if name[0].isupper():
            return sp.Symbol(name, integer=True, positive=True)
        return sp.Symbol(name, integer=True, nonnegative=True)

    def indexed(self, base: str, index: str) -> sp.Expr:
        """z_{j} -> z[j]; on the softmax page y_{j} is the j-th output."""
        if not re.fullmatch(r"[A-Za-z0-9+\-* ]+", index):
            raise DerivationError(f"cannot read the subscript in `{base}_{{{index}}}`")
        # The parser writes the subscript jk as j*k.
        compact = index.replace("*", "").replace(" ", "")
        if re.fullmatch(r"[A-Za-z]{2,}", compact) and base != "delta":
            index = compact
        if re.fullmatch(r"[A-Za-z]{2,}", index.strip()) and base != "delta":
            # w_{jk}: one index per letter, the entry in row j and column k.
            return sp.IndexedBase(base, real=True)[tuple(self.integer(c) for c in index.strip())]
        names = set(re.findall(r"[A-Za-z]+", index))
        value = sp.sympify(index, locals={n: self.integer(n) for n in names})
        if base == "delta" and isinstance(value, sp.Symbol):
            return sp.IndexedBase("delta", real=True)[value]  # an error signal, delta_k
        if base == "delta":
            if not isinstance(value, sp.Mul) or len(value.args) != 2:
                raise DerivationError(f"write the Kronecker delta as \\delta_{{ij}}, not `{base}_{{{index}}}`")
            return sp.KroneckerDelta(*value.args)
        if base in INDEXED_ALIASES.get(self.page or "", ()):
            z, k, size = sp.IndexedBase("z", real=True), self.integer("k"), self.integer("K")
            return sp.exp(z[value]) / sp.Sum(sp.exp(z[k]), (k, 1, size))
        return sp.IndexedBase(base, real=True)[value]

    def key(self) -> tuple:
        return (self.page, tuple(sorted((n, tuple(sorted(a))) for n, a in self.assumptions.items())),
                tuple(sorted(self.generics)))

    def symbol(self, name: str) -> sp.Symbol:
        name = self.aliases.get(name, name)
        return sp.Symbol(name, **self.assumptions.get(name, {"real": True}))

    @property
    def x(self) -> sp.Symbol:
        return self.symbol("x")

    def defined(self, name: str) -> sp.Expr:
        """DEFINITIONS[name] in this context's symbols."""
        definition = DEFINITIONS[name]
        mapping = {DEFINITION_X: self.x}
        mapping.update({s: self.symbol(p) for p, s in definition.symbols().items()})
        return definition.expr.xreplace(mapping)

    def page_expr(self) -> sp.Expr | None:
        return self.defined(self.page) if self.definition else None

    def function(self, name: str) -> sp.Lambda | None:
        """The definition behind a function name, as a Lambda of one argument."""
        if name in self.generics:
            return sp.Lambda(self.x, GENERIC_FUNCTION(self.x))
        if name == "f" and self.definition:
            return sp.Lambda(self.x, self.page_expr())
        if name in FUNCTION_ALIASES:
            return sp.Lambda(self.x, self.defined(FUNCTION_ALIASES[name]))
        return None

    def convert(self, expr: sp.Basic) -> sp.Basic:
        """Map the parser's names to their meaning (see the module docstring)."""
        self._integers = _index_names(expr)
        return self._convert(expr)

    def _convert(self, expr: sp.Basic) -> sp.Basic:
        if isinstance(expr, sp.Symbol):
            return self._symbol(expr.name)
        if isinstance(expr, sp.Float):
            return sp.Rational(str(expr))
        if isinstance(expr, AppliedUndef):
            return self._call(type(expr).__name__, [self._convert(a) for a in expr.args])
        if isinstance(expr, sp.Limit):  # its last argument is a direction, not a symbol
            body, variable, point, direction = expr.args
            return sp.Limit(self._convert(body), self._convert(variable), self._convert(point), str(direction))
        if not expr.args:
            return expr
        return expr.func(*[self._convert(a) for a in expr.args])

    def _symbol(self, name: str) -> sp.Basic:
        if name == "e":
            return sp.E
        if name == "pi":
            return sp.pi  # the parser's \pi is a plain symbol named pi
        if name in self.cases:
            return self.cases[name]
        accented = _ACCENTED.fullmatch(name)
        if accented:
            return self.symbol(accented.group(1))
        placeholder = _PLACEHOLDER.fullmatch(name)
        if placeholder:
            base, letters = placeholder.groups()
            index = re.sub(r"Q([A-J])", lambda m: str("ABCDEFGHIJ".index(m.group(1))), letters)
            return self.indexed(base, index)
        subscripted = re.fullmatch(r"\\?([A-Za-z]+)_\{(.+)\}", name)
        if subscripted:
            return self.indexed(*subscripted.groups())
        if name in self._integers:
            return self.integer(name)
        if name == "y" and self.definition:
            return self.page_expr()
        function = self.function(name)
        if function is not None:
            return function(self.x)
        if len(name) == 1 or name in GREEK or name in self.aliases or self._is_parameter(name):
            return self.symbol(name)
        raise DerivationError(
            f"the parser read `{name}` as a symbol: a command it does not know, or letters "
            "that were meant as one name (write \\operatorname{name}(x))"
        )

    def _is_parameter(self, name: str) -> bool:
        return bool(self.definition) and name in self.definition.params

    def _call(self, name: str, args: list[sp.Basic]) -> sp.Basic:
        primes = len(name) - len(name.rstrip("'"))
        base = name.rstrip("'")
        function = self.function(base)
        if base.startswith("IdxPrime"):  # \tanh'(x), see normalize
            known = base.removeprefix("IdxPrime")
            known = {"ln": "log", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arsinh": "asinh",
                     "arcosh": "acosh", "artanh": "atanh"}.get(known, known)
            function = sp.Lambda(self.x, getattr(sp, known)(self.x))
        if function is None and base in SYMPY_FUNCTIONS:
            if primes == 0:
                return SYMPY_FUNCTIONS[base](*args)
            function = sp.Lambda(self.x, SYMPY_FUNCTIONS[base](self.x))
        if function is not None:
            if len(args) != 1:
                raise DerivationError(f"`{base}` takes one argument, got {len(args)}")
            body = sp.diff(function.expr, self.x, primes) if primes else function.expr
            return body.xreplace({self.x: args[0]})
        if primes == 0 and len(args) == 1 and (len(base) == 1 or base in GREEK):
            # An unknown one-letter "function" is a product: x(1+e^{-x}).
            return self._symbol(base) * args[0]
        if base in DEFINITIONS:
            raise DerivationError(
                f"`{base}` is defined (sitekit/definitions*.py) but has no LaTeX name a chain can use: add"
                f" \"{base}\" to `aliases` in its registry entry, or write f(x) on its own page"
            )
        raise DerivationError(
            f"unknown function `{name}`: define it in sitekit/definitions*.py with \"{base}\" in its entry's"
            " `aliases`, or write its formula out"
        )


_MEANING_CACHE: dict[tuple, tuple[sp.Expr, str | None]] = {}


def meaning(tex: str, context: Context) -> tuple[sp.Expr, str | None]:
    """The value of one chain expression, and the variable it differentiates
    by, when it is d/d<variable> of something (x for f'(x)), else None."""
    key = (tex, context.key())
    if key not in _MEANING_CACHE:
        _MEANING_CACHE[key] = _meaning(tex, context)
    return _MEANING_CACHE[key]


def _index_names(expr: sp.Basic) -> set[str]:
    """Names used as subscripts or as the variable and bounds of a sum."""
    names: set[str] = set()
    for symbol in expr.atoms(sp.Symbol):
        match = _PLACEHOLDER.fullmatch(symbol.name) or re.fullmatch(r"\\?[A-Za-z]+_\{(.+)\}", symbol.name)
        if match:
            names |= set(re.findall(r"[A-Za-z]+", match.groups()[-1]))
    for total in expr.atoms(sp.Sum):
        for limit in total.limits:
            names |= {s.name for part in limit for s in part.free_symbols}
    return names


_CASES = re.compile(r"\\begin\s*\{cases\}(.*?)\\end\s*\{cases\}", re.S)
_CONDITION_WORDS = re.compile(r"\\(?:text|mathrm)\s*\{\s*(?:if|for|when)\s*\}|\\q?quad(?![A-Za-z])|\\[,;:! ]")


def _cases(tex: str, context: Context) -> str:
    """Each `\\begin{cases} value & condition \\\\ ... \\end{cases}` becomes a
    placeholder for Piecewise((value, condition), ...), kept in context.cases;
    check_equal then compares each branch on its own condition."""
    def piecewise(match: re.Match) -> str:
        branches = []
        for row in re.split(r"\\\\(?:\s*\[[^\]]*\])?", match.group(1)):
            if not row.strip():
                continue
            value, amp, condition = row.partition("&")
            if not amp or not value.strip():
                raise DerivationError(f"a row of \\begin{{cases}} must read `value & condition`, not `{row.strip()}`")
            condition = re.sub(r"[.,;]\s*$", "", _CONDITION_WORDS.sub(" ", condition)).strip()
            otherwise = re.fullmatch(r"\\text\s*\{\s*(?:otherwise|else)\s*\}", condition)
            branches.append((meaning(value.strip(), context)[0],
                             sp.true if otherwise else _condition(condition, context)))
        name = f"IdxCases{_index_letters(str(len(context.cases)))}"
        context.cases[name] = sp.Piecewise(*branches, evaluate=False)  # the conditions as written
        return f"{{\\{name}}}"

    return _CASES.sub(piecewise, tex)


def _condition(text: str, context: Context) -> sp.Basic:
    """`0 \\le x \\le 6` -> And(0 <= x, x <= 6), in the context's symbols."""
    tokens, operators = _RELATION.split(text), _RELATION.findall(text)
    if not operators or any(not t.strip() for t in tokens):
        raise DerivationError(f"cannot read the condition `{text}` of a \\begin{{cases}} row")
    sides = [meaning(t.strip(), context)[0] for t in tokens]
    return sp.And(*[_OPERATORS[op.strip()](left, right) for op, left, right in zip(operators, sides, sides[1:])])


def _meaning(tex: str, context: Context) -> tuple[sp.Expr, str | None]:
    if "cases" in tex:
        tex = _cases(tex, context)
    normalized = brace_powers(normalize(tex), {"f", "g"} | context.generics)
    lint(normalized)
    parsed = parse(normalized)
    if not isinstance(parsed, sp.Expr):
        raise DerivationError(f"not an expression: SymPy reads it as {type(parsed).__name__}")
    converted = context.convert(parsed)
    wrt = None
    if isinstance(parsed, AppliedUndef) and type(parsed).__name__.endswith("'"):
        wrt = "x"
    elif isinstance(converted, sp.Derivative) and len(converted.variables) == 1:
        variable = converted.variables[0]
        wrt = variable.name if isinstance(variable, sp.Symbol) else None
    try:
        # Derivatives and limits are taken; sums are left as sums: their closed
        # forms are slow to look for, and sampling writes them out anyway.
        value = converted.replace(lambda e: isinstance(e, (sp.Derivative, sp.Limit)),
                                  lambda e: e.doit(sums=False))
    # e.g. a limit that does not exist, or d/dw_{j} of w_{jk} (IndexException: a wrong index)
    except (ValueError, NotImplementedError, TypeError, sp.tensor.indexed.IndexException) as error:
        raise DerivationError(f"SymPy cannot evaluate it: {type(error).__name__}: {error}") from None
    leftover = value.atoms(sp.Derivative, AppliedUndef)
    if leftover:
        raise DerivationError(f"SymPy cannot evaluate {sorted(map(str, leftover))[0]}")
    return value, wrt


# ---------------------------------------------------------------------------
# Domains

_RELATION = re.compile(r"\\(?:geq?|leq?|gt|lt|neq?)(?![A-Za-z])|>=|<=|!=|[<>≤≥≠=]")
_OPERATORS = {
    "<": sp.StrictLessThan, "\\lt": sp.StrictLessThan, ">": sp.StrictGreaterThan, "\\gt": sp.StrictGreaterThan,
    "\\le": sp.LessThan, "\\leq": sp.LessThan, "<=": sp.LessThan, "≤": sp.LessThan,
    "\\ge": sp.GreaterThan, "\\geq": sp.GreaterThan, ">=": sp.GreaterThan, "≥": sp.GreaterThan,
    "\\ne": sp.Ne, "\\neq": sp.Ne, "!=": sp.Ne, "≠": sp.Ne, "=": sp.Eq,
}
_SIGNS = {  # (relation, symbol on the left?) with 0 on the other side -> assumption
    (sp.StrictGreaterThan, True): "positive", (sp.StrictLessThan, False): "positive",
    (sp.StrictLessThan, True): "negative", (sp.StrictGreaterThan, False): "negative",
    (sp.GreaterThan, True): "nonnegative", (sp.LessThan, False): "nonnegative",
    (sp.LessThan, True): "nonpositive", (sp.GreaterThan, False): "nonpositive",
    (sp.Ne, True): "nonzero", (sp.Ne, False): "nonzero",
}


def parse_where(entries: list[tuple[int, str]], context: Context) -> dict[sp.Basic, sp.Expr]:
    """`% where: x = z_i, R = S - e^{z_i}`: names the prose introduces, put in
    after each step is evaluated (so d/dx holds R fixed, as the prose says)."""
    bindings: dict[sp.Basic, sp.Expr] = {}
    for line, text in entries:
        for binding in _split_top(text, ","):
            name, equals, tex = binding.partition("=")
            if not equals or not name.strip() or not tex.strip():
                raise DerivationError(f"cannot read the binding `{binding.strip()}`: write `name = formula`", line)
            try:
                symbol = context.convert(parse(normalize(name.strip())))
                value, _ = meaning(tex.strip(), context)
            except DerivationError as error:
                raise DerivationError(f"in `% where:`: {error}", line) from None
            if symbol.is_number and symbol.is_constant():
                # `\pi = 4 \arctan(1)` from when \pi was read as a letter: the
                # number itself now, so the binding is only checked, not used.
                if sp.simplify(value - symbol) != 0:
                    raise DerivationError(f"`{name.strip()}` is the number {symbol}, not a name: "
                                          "remove it from `% where:`", line)
                continue
            if not isinstance(symbol, (sp.Symbol, sp.Indexed)):
                raise DerivationError(f"`{name.strip()}` in `% where:` is not a name", line)
            bindings[symbol] = value
    return bindings


def parse_domain(entries: list[tuple[int, str]], page: str | None) -> tuple[Context, Domain | None]:
    """The context (symbols with the sign assumptions the domain implies) and the domain."""
    if not entries:
        return Context(page), None
    pieces: list[tuple[int, list]] = []
    for line, text in entries:
        for condition in _split_top(text, ","):
            tokens = _RELATION.split(condition)
            operators = _RELATION.findall(condition)
            if not operators or any(not t.strip() for t in tokens):
                raise DerivationError(f"cannot read the domain condition `{condition.strip()}`", line)
            pieces.append((line, [tokens, operators]))
    plain = Context(page)
    raw: list[tuple[type, sp.Expr, sp.Expr]] = []
    for line, (tokens, operators) in pieces:
        try:
            sides = [plain.convert(parse(normalize(t.strip()))) for t in tokens]
        except DerivationError as error:
            raise DerivationError(f"in the domain: {error}", line) from None
        for op, left, right in zip(operators, sides, sides[1:]):
            raw.append((_OPERATORS[op.strip()], left, right))
    assumptions: dict[str, dict] = {}
    for relation, left, right in raw:
        for symbol, other, on_left in ((left, right, True), (right, left, False)):
            if isinstance(symbol, sp.Symbol) and other == 0 and (relation, on_left) in _SIGNS:
                assumptions.setdefault(symbol.name, {})[_SIGNS[(relation, on_left)]] = True
    # The conditions keep plain real symbols: with x positive, `x > 0` would
    # already be True and could not reject a sample point.
    conditions = [relation(left, right) for relation, left, right in raw]
    text = ", ".join(t for _, t in entries)
    return Context(page, assumptions), Domain(text, conditions)


# ---------------------------------------------------------------------------
# Equality


@dataclass
class Verdict:
    equal: bool
    symbolic: bool = False
    detail: str = ""  # where they differ, for the message


_EQUAL_CACHE: dict[tuple, Verdict] = {}
_LAMBDA_CACHE: dict[tuple, object] = {}


SIZES = (3, 4, 2, 5)  # values of a size such as K: softmax over 2 to 5 entries


def sample_points(symbols: list[sp.Symbol], x: sp.Symbol, domain: Domain | None,
                  vectors: list[sp.IndexedBase] = (), first_index: int = 1) -> list[dict]:
    """Up to MAX_POINTS assignments inside the domain: rationals to real
    symbols, a size (K) to upper-case integers, first_index .. first_index +
    size - 1 to lower-case ones (indices), and a tuple of rationals to each
    vector (z in z_k)."""
    reals = [s for s in symbols if s != x and not s.is_integer]
    sizes = [s for s in symbols if s.is_integer and s.name[0].isupper()]
    indices = [s for s in symbols if s.is_integer and not s.name[0].isupper()]
    pools = {s: _parameter_pool(s.name) for s in reals}
    points = []
    for index, value in enumerate(POINT_POOL):
        point: dict = {x: value}
        point.update({s: pools[s][index % len(pools[s])] for s in reals})
        size = SIZES[index % len(SIZES)]
        point.update({s: sp.Integer(size) for s in sizes})
        rng = random.Random(index)
        point.update({s: sp.Integer(rng.randint(first_index, first_index + size - 1)) for s in indices})
        for number, vector in enumerate(vectors):
            start = (7 * index + 11 * number) % (len(POINT_POOL) - 8)
            point[vector] = tuple(POINT_POOL[start : start + 8])
        if domain is not None and not domain.contains(point):
            continue
        points.append(point)
        if len(points) == MAX_POINTS:
            break
    return points


def _substitute(expr: sp.Expr, point: dict) -> sp.Expr:
    integers = {s: v for s, v in point.items() if isinstance(s, sp.Symbol) and s.is_integer}
    if integers:
        expr = _expand_sums(expr.xreplace(integers))
    entries = {}
    for entry in expr.atoms(sp.Indexed):
        values = point.get(entry.base)
        if values is None or not all(i.is_Integer for i in entry.indices):
            return expr  # left symbolic: N() then fails and the point is skipped
        # An independent draw per index tuple (and per point), so that w_{jk}
        # and w_{kj} differ at almost every point: a sum of index*base^axis
        # modulo the pool gave them one value whenever base ≡ 1 (mod pool).
        tuple_ = tuple(int(i) for i in entry.indices)
        draw = random.Random(repr((str(entry.base), tuple_, values)))
        entries[entry] = values[draw.randrange(len(values))]
    reals = {s: v for s, v in point.items() if isinstance(s, sp.Symbol) and not s.is_integer}
    return expr.xreplace(entries).xreplace(reals)


def _expand_sums(expr: sp.Expr) -> sp.Expr:
    """Sums with numeric bounds written out term by term (Sum.doit first
    looks for a closed form, which is slow), innermost first."""
    def written_out(total: sp.Sum) -> sp.Expr:
        body = total.function
        for variable, low, high in reversed(total.limits):
            if not (low.is_Integer and high.is_Integer):
                return total.doit()
            body = sp.Add(*[body.xreplace({variable: n}) for n in range(int(low), int(high) + 1)])
        return body

    return expr.replace(lambda e: isinstance(e, sp.Sum), written_out)


def _exact(expr: sp.Expr, point: dict) -> sp.Expr | None:
    """expr at the point to DIGITS digits, or None where SymPy cannot reach them."""
    try:
        value = sp.N(_substitute(expr, point), DIGITS, strict=True)
    except (sp.PrecisionExhausted, ZeroDivisionError, OverflowError, ValueError, TypeError):
        return None
    return value if value.is_number and value.is_finite else None


def _fast(expr: sp.Expr, symbols: list[sp.Symbol]):
    """A 60-digit mpmath version of expr, or None: the first pass of the
    numeric test; any point it flags is re-evaluated exactly with N()."""
    key = (expr, tuple(symbols))
    if key not in _LAMBDA_CACHE:
        try:
            _LAMBDA_CACHE[key] = sp.lambdify(symbols, expr, modules="mpmath")
        except Exception:  # an expression lambdify cannot print: use N() only
            _LAMBDA_CACHE[key] = None
    return _LAMBDA_CACHE[key]


def _close(a, b) -> bool:
    return abs(a - b) < mpmath.mpf(TOLERANCE.p) / TOLERANCE.q * (1 + abs(a))


def _to_mp(value: sp.Expr):
    real, imag = value.as_real_imag()
    real = mpmath.mpf(sp.Float(real, DIGITS)._to_mpmath(200))
    if imag == 0:
        return real
    return mpmath.mpc(real, sp.Float(imag, DIGITS)._to_mpmath(200))


def _show(value) -> str:
    if value is None:
        return "undefined"
    value = complex(value) if not sp.sympify(value).is_real else float(value)
    return f"{value:.10g}" if isinstance(value, float) else f"{value:.6g}"


def _where(point: dict) -> str:
    def show(key, value):
        if isinstance(key, sp.IndexedBase):
            # Entries are drawn per index tuple (_substitute): list the pool,
            # not a vector w_1..K that a matrix w_{jk} never had.
            return f"each {key.label}_{{...}} one of ({', '.join(map(str, value))}), drawn per index tuple"
        return f"{key.name}={value}"

    order = sorted(point, key=lambda k: (isinstance(k, sp.IndexedBase), k.name != "x", str(k)))
    return ", ".join(show(k, point[k]) for k in order)


def check_equal(a: sp.Expr, b: sp.Expr, x: sp.Symbol, domain: Domain | None) -> Verdict:
    """Numbers first (a wrong step fails fast), then simplify for a proof."""
    key = (a, b, x, domain.text if domain else "")
    if key in _EQUAL_CACHE:
        return _EQUAL_CACHE[key]
    for piecewise, other, first in ((a, b, True), (b, a, False)):
        if isinstance(piecewise, sp.Piecewise):
            _EQUAL_CACHE[key] = _check_branches(piecewise, other, first, x, domain)
            return _EQUAL_CACHE[key]
    _EQUAL_CACHE[key] = _check_equal(a, b, x, domain, MIN_POINTS)
    return _EQUAL_CACHE[key]


def _check_equal(a: sp.Expr, b: sp.Expr, x: sp.Symbol, domain: Domain | None, min_points: int) -> Verdict:
    a, b = _one_symbol_per_size(a, b)
    vectors = sorted(a.atoms(sp.IndexedBase) | b.atoms(sp.IndexedBase)
                     | (domain.vectors() if domain is not None else set()), key=str)
    labels = {v.label for v in vectors}
    free = {s for s in a.free_symbols | b.free_symbols if isinstance(s, sp.Symbol) and s not in labels}
    symbols = sorted(free | {x}, key=lambda s: (s != x, s.name))
    if domain is not None:
        names = {s.name for s in symbols}
        # A parameter the domain restricts but the expressions lack still needs
        # a value; next to indices, it is an index too (i = j).
        indexed = any(s.is_integer for s in symbols)
        symbols += [Context.integer(n) if indexed else sp.Symbol(n, real=True)
                    for n in sorted(domain.symbol_names() - names)]
    points = sample_points(symbols, x, domain, vectors, first_index=_first_index(a, b))
    if x not in free and (domain is None or "x" not in domain.symbol_names()):
        points = [{k: v for k, v in p.items() if k != x} for p in points]
    if len(points) < min_points:
        return Verdict(False, detail=f"only {len(points)} sample points lie in the domain {domain.text}")
    if vectors or any(s.is_integer for s in symbols):
        symbols = []  # sums and indices: N() at each point, no lambdify
    else:
        symbols = [s for s in symbols if s in points[0]]
    fast_a, fast_b = (_fast(a, symbols), _fast(b, symbols)) if symbols else (None, None)
    compared = 0
    with mpmath.workdps(60):
        for point in points:
            try:
                args = [mpmath.mpf(point[s].p) / point[s].q for s in symbols]
                if fast_a is not None and fast_b is not None and _close(fast_a(*args), fast_b(*args)):
                    compared += 1
                    continue
            except Exception:  # a pole, an unsupported function: decide with N() below
                pass
            va, vb = _exact(a, point), _exact(b, point)
            if va is None and vb is None:
                continue
            if va is None or vb is None or not _close(_to_mp(va), _to_mp(vb)):
                return Verdict(False, detail=f"differs at {_where(point)}: {_show(va)} vs {_show(vb)}")
            compared += 1
    if compared < min_points:
        return Verdict(False, detail=f"only {compared} sample points could be evaluated")
    return Verdict(True, symbolic=_proved(a, b))


def _check_branches(piecewise: sp.Piecewise, other: sp.Expr, first: bool, x: sp.Symbol,
                    domain: Domain | None) -> Verdict:
    """Each branch of a \\begin{cases} against the other side, sampled where its
    own condition holds (and no earlier one does): a wrong branch is named."""
    earlier: list[sp.Basic] = []
    symbolic, checked = True, 0
    for number, (value, condition) in enumerate(piecewise.args, start=1):
        own = sp.And(condition, *[sp.Not(c) for c in earlier])
        earlier.append(condition)
        plain = own.xreplace({s: sp.Symbol(s.name, real=True) for s in own.free_symbols if isinstance(s, sp.Symbol)})
        if plain is sp.false:
            continue
        text = f"{domain.text + ', ' if domain else ''}{plain}"
        branch = Domain(text, (domain.conditions if domain else []) + ([] if plain is sp.true else [plain]))
        pair = (value, other) if first else (other, value)
        verdict = _check_equal(*pair, x, branch, BRANCH_POINTS)
        if verdict.detail.startswith("only 0 sample points lie"):
            continue  # the branch lies outside the chain's domain (x < 0 in `% domain: x > 0`)
        if not verdict.equal:
            return Verdict(False, detail=f"branch {number}, where {condition}: {verdict.detail}")
        symbolic = symbolic and verdict.symbolic
        checked += 1
    if not checked:
        return Verdict(False, detail=f"no sample point lies in any branch ({domain.text if domain else 'no domain'})")
    rest = sp.And(*[sp.Not(c) for c in earlier])
    rest = rest.xreplace({s: sp.Symbol(s.name, real=True) for s in rest.free_symbols if isinstance(s, sp.Symbol)})
    if rest is not sp.false:
        # Where no branch holds the cases say nothing: a gap the other side fills is an error.
        gap = Domain(f"{domain.text + ', ' if domain else ''}{rest}", (domain.conditions if domain else []) + [rest])
        points = sample_points(sorted({s for s in other.free_symbols if isinstance(s, sp.Symbol)} | {x}, key=str), x, gap)
        defined = [p for p in points if _exact(other, p) is not None]
        if defined:
            return Verdict(False, detail=f"no branch holds at {_where(defined[0])}, where the other side is "
                                         f"{_show(_exact(other, defined[0]))}")
    return Verdict(True, symbolic=symbolic)


def _one_symbol_per_size(a: sp.Expr, b: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """J in `\\sum_{j=1}^{J} c = J c` is the sum's integer bound on the left and
    a real symbol on the right (each side is read alone): one name, one symbol."""
    symbols = {s for s in a.free_symbols | b.free_symbols if isinstance(s, sp.Symbol)}
    integers = {s.name: s for s in symbols if s.is_integer}
    mapping = {s: integers[s.name] for s in symbols if not s.is_integer and s.name in integers}
    return (a.xreplace(mapping), b.xreplace(mapping)) if mapping else (a, b)


def _first_index(a: sp.Expr, b: sp.Expr) -> int:
    """0 when the sums run from 0 (u = 0 .. V-1): indices are then drawn from 0
    to size - 1, not from 1 to size, where u = V lies outside every sum."""
    lows = {low for total in a.atoms(sp.Sum) | b.atoms(sp.Sum) for _, low, _ in total.limits}
    return 0 if 0 in lows and 1 not in lows else 1


def _proved(a: sp.Expr, b: sp.Expr) -> bool:
    """Whether SymPy shows a - b == 0: in exponentials over a common
    denominator first (cheap, and enough for most steps), then simplify."""
    difference = a - b
    if difference == 0:
        return True
    try:
        if sp.cancel(difference.rewrite(sp.exp)) == 0:
            return True
        if difference.has(sp.Sum):
            return False  # simplify takes seconds on sums and rarely closes them
        return sp.simplify(difference) == 0
    except Exception:  # simplify gives up on some Piecewise and Sum forms: numbers decide
        return False


# ---------------------------------------------------------------------------
# Chains, pages, the CLI


def page_name(src_uri: str) -> str | None:
    """docs/activations/<name>.md -> <name>; DEFINITIONS[name] is its function, if any."""
    match = re.fullmatch(r"(?:docs/)?activations/(\w+)\.md", src_uri.replace("\\", "/"))
    return match.group(1) if match else None


_SNIPPETS: dict[str, tuple[int, object]] = {}


def _snippet(name: str):
    """The snippet module, reloaded when its file changes (mkdocs serve)."""
    from sitekit.catalogue import ACTIVATIONS, snippet

    stamp = (ACTIVATIONS / f"{name}.py").stat().st_mtime_ns
    if name not in _SNIPPETS or _SNIPPETS[name][0] != stamp:
        _SNIPPETS[name] = (stamp, snippet(name))
    return _SNIPPETS[name][1]


def _in_domain(domain: Domain | None, point: dict) -> bool:
    return domain is None or domain.contains(point)


def _snippet_function(name: str, wrt: str | None) -> str:
    """The snippet function a chain ends on: f, d/dx f, or d/d<param> f."""
    return name if wrt is None else f"{name}_grad" if wrt == "x" else f"{name}_grad_{wrt}"


def check_against_snippet(name: str, value: sp.Expr, wrt: str | None, context: Context,
                          domain: Domain | None) -> tuple[int, str | None]:
    """(points compared, None) or (_, what differs): the chain's last expression
    against snippets/activations/<name>.py on the hard points, where the exact
    value is a finite float64, away from kinks."""
    from sitekit.points import hard_points

    definition = DEFINITIONS[name]
    function_name = _snippet_function(name, wrt)
    try:
        function = getattr(_snippet(name), function_name)
    except (AttributeError, OSError) as error:
        return 0, f"cannot load {function_name} from snippets/activations/{name}.py: {error}"
    defaults = {context.symbol(p): sp.nsimplify(v, rational=True) for p, v in definition.params.items()}
    expr = value.xreplace(defaults)
    x = context.x
    extra = expr.free_symbols - {x}
    if extra:
        return 0, f"the last step has symbols other than x and the page's parameters: {sorted(map(str, extra))}"
    kinks = [k.at for k in definition.kinks]
    points = [p for p in hard_points(np.float64, kinks) if np.isfinite(p) and p not in kinks]
    points = [p for p in points if _in_domain(domain, {x: sp.Rational(float(p)), **defaults})]
    try:
        computed = function(np.array(points, dtype=np.float64), **definition.params)
    except Exception as error:  # a warning (an error under -W error) or a crash of the snippet
        return 0, f"{function_name} of snippets/activations/{name}.py raised {type(error).__name__}: {error}"
    compared = 0
    fast = _fast(expr, [x])
    for p, got in zip(points, computed):
        want = _float_value(expr, fast, x, float(p))
        if want is None or not np.isfinite(want):
            continue
        tolerance = 1e-6 * abs(want) + 8 * float(np.spacing(min(abs(want), np.finfo(float).max / 2)))
        if not abs(float(got) - want) <= tolerance:
            return compared, (f"the last step ≠ {function_name}(x) of snippets/activations/{name}.py "
                              f"at x={float(p)!r}: {want:.10g} (last step, exact) vs {float(got):.10g} (snippet)")
        compared += 1
    if compared == 0:
        return 0, f"no hard point in the domain to compare the last step with {function_name}"
    return compared, None


def _float_value(expr: sp.Expr, fast, x: sp.Symbol, point: float) -> float | None:
    """expr at a float64 point, rounded to float64. mpmath at 40 and 80
    digits when they agree to 25 digits (fast, even at x = 1e308), else
    SymPy's N() with guaranteed digits, else None (the point is skipped)."""
    if fast is not None:
        try:
            with mpmath.workdps(40):
                low = fast(mpmath.mpf(point))
            with mpmath.workdps(80):
                high = fast(mpmath.mpf(point))
            if isinstance(high, mpmath.mpf) and mpmath.isfinite(high) and high != 0 \
                    and abs(low - high) <= abs(high) * mpmath.mpf(10) ** -25:
                return float(high)
        except Exception:  # overflow, a pole, a function mpmath lacks: N() decides
            pass
    exact = _exact(expr, {x: sp.Rational(point)})
    return float(exact) if exact is not None and exact.is_real else None


def _branch_hint(a: sp.Expr, b: sp.Expr, x: sp.Symbol, domain: Domain | None) -> str:
    """Say so when an undeclared chain holds on one side of 0 only."""
    if domain is not None:
        return ""
    for text, condition in (("x > 0", x > 0), ("x < 0", x < 0)):
        if check_equal(a, b, x, Domain(text, [condition])).equal:
            return (f"; it holds for {text}: if this chain is that branch, "
                    f"put `% domain: {text}` in the block")
    return ""


def _quote(step: Step) -> str:
    return f"\n    step {step.number} (line {step.line}): {step.tex}"


def check_block(block: Block, label: str, page: str | None) -> Report:
    report = Report(blocks=1)
    where = f"{label}:{block.line}"

    def fail(line: int | None, message: str) -> None:
        report.errors.append(f"{label}:{line or block.line}: {message}")

    for line, message in block.errors:
        fail(line, message)
    if block.prose_only is not None:
        report.prose_only = 1
        report.lines.append(f"{where}: prose-only ({block.prose_only})")
        report.outcomes.append((0, f"prose-only: {block.prose_only}"))
        return report
    try:
        steps = split_steps(block)
        context, domain = parse_domain(block.domain, page)
        context.generics = {name for _, name in block.generic}
        bindings = parse_where(block.where, context)
    except DerivationError as error:
        fail(error.line, str(error))
        report.lines.append(f"{where}: FAILED, cannot read the block")
        report.outcomes.append((0, "failed"))
        return report

    values: list[sp.Expr | None] = []
    wrt = None
    for step in steps:
        try:
            value, variable = meaning(step.tex, context)
        except DerivationError as error:
            fail(step.line, f"step {step.number} cannot be checked: {error}{_quote(step)}")
            value, variable = None, None
        values.append(value.xreplace(bindings) if value is not None and bindings else value)
        if step.number == 1:
            wrt = variable

    x = context.x
    anchor = 0 if values[0] is not None else None
    failed = 0
    for i in range(1, len(steps)):
        if values[i] is None:
            continue
        previous = i - 1 if values[i - 1] is not None else anchor
        if previous is None:
            anchor = i
            continue
        report.equalities += 1
        verdict = check_equal(values[previous], values[i], x, domain)
        if not verdict.equal and anchor is not None and anchor != previous:
            # The previous step was wrong and this one returns to the chain.
            resumed = check_equal(values[anchor], values[i], x, domain)
            verdict = resumed if resumed.equal else verdict
        if verdict.equal:
            report.symbolic += verdict.symbolic
            anchor = i
        else:
            failed += 1
            fail(steps[i].line, f"step {steps[i].number} ≠ step {steps[previous].number} ({verdict.detail})"
                 f"{_branch_hint(values[previous], values[i], x, domain)}"
                 f"{_quote(steps[previous])}{_quote(steps[i])}")

    ends = ["no definition for this page: endpoints not checked"]
    if context.definition is not None:
        name = f"d/d{wrt} {page}" if wrt else page
        if values[0] is not None:
            target = context.page_expr()
            target = sp.diff(target, context.symbol(wrt)) if wrt else target
            verdict = check_equal(target, values[0], x, domain)
            if verdict.equal:
                ends = [f"step 1 = {name} (definitions.py)"]
            else:
                fail(steps[0].line, f"step 1 is not {name} as defined in sitekit/definitions.py "
                     f"({verdict.detail}){_quote(steps[0])}\n    definition: {DEFINITIONS[page].latex}")
                ends = ["step 1 ≠ definition"]
        else:
            # Unread, step 1 does not say whether the chain ends on f or on a
            # derivative: comparing with either would report a second, false error.
            ends = ["step 1 unread: endpoints not checked"]
        if values[-1] is not None and values[0] is not None:
            compared, problem = check_against_snippet(page, values[-1], wrt, context, domain)
            if problem:
                fail(steps[-1].line, f"step {steps[-1].number}: {problem}{_quote(steps[-1])}")
                ends.append("last step ≠ snippet")
            else:
                ends.append(f"last step = {_snippet_function(page, wrt)} at {compared} hard points")
    status = "FAILED" if report.errors else "ok"
    how = f"{report.symbolic} by simplify, {report.equalities - report.symbolic - failed} numerically"
    how += f", {failed} FAILED" if failed else ""
    domain_text = f", domain {domain.text}" if domain else ""
    domain_text += f", where {'; '.join(t for _, t in block.where)}" if block.where else ""
    report.outcomes.append((report.equalities, "failed" if report.errors else None))
    report.lines.append(f"{where}: {status}: {len(steps)} steps, {report.equalities} equalities "
                        f"({how}){domain_text}; {'; '.join(ends)}")
    return report


_checked: dict[tuple[tuple[str, str, str | None], str], Report] = {}


def check_markdown(markdown: str, src_uri: str, label: str | None = None) -> Report:
    """Check every align block of one page.

    src_uri: the page's path relative to docs/ (MkDocs' `page.file.src_uri`);
    messages name the file as `docs/<src_uri>:<line>`, or `<label>:<line>`.
    A page checked once in this process (same text) is not checked again:
    the build checks each page, and the site summary checks them all.
    Across processes, the result is kept on disk under the hash of the page
    and of all code it depends on (sitekit.cache): never stale."""
    key = (markdown, src_uri, label)
    memo_key = (key, cache.fingerprint())
    if memo_key not in _checked:
        stored = cache.memo("derivations", key, lambda: _stored_report(*key))
        report = Report(**stored)
        report.outcomes = [tuple(o) for o in report.outcomes]
        _checked[memo_key] = report
    return _checked[memo_key]


def _stored_report(markdown: str, src_uri: str, label: str | None) -> dict:
    return asdict(_check_markdown(markdown, src_uri, label))


def prefetch(paths: list[Path]) -> int:
    """Start checking pages in worker processes, so the build renders other
    pages meanwhile; check_markdown then takes each result. Returns the
    number of pages sent to the workers (those not found in the cache)."""
    keys = [(Path(p).read_text(encoding="utf-8"), Path(p).resolve().relative_to(DOCS).as_posix(), None)
            for p in paths]
    keys = [k for k in keys if (k, cache.fingerprint()) not in _checked]
    # The slowest pages first, so no worker is left with one long page at the end.
    keys.sort(key=lambda k: -k[0].count("\\begin{align"))
    return sum(cache.start("derivations", key, _stored_report, *key) for key in keys)


def _check_markdown(markdown: str, src_uri: str, label: str | None) -> Report:
    started = time.perf_counter()
    src_uri = src_uri.replace("\\", "/").removeprefix("docs/")
    label, page = label or f"docs/{src_uri}", page_name(src_uri)
    report = Report()
    for block in extract_blocks(markdown):
        report += check_block(block, label, page)
    report.seconds = time.perf_counter() - started
    return report


def page_sources(paths: list[Path]):
    """(text, src_uri, label) of each file: a page of docs/ by its name there,
    any other file by its path (also its label)."""
    for path in paths:
        path = Path(path).resolve()
        try:
            src_uri, label = path.relative_to(DOCS).as_posix(), None
        except ValueError:
            src_uri = label = path.as_posix()
        yield path.read_text(encoding="utf-8"), src_uri, label


def check_files(paths: list[Path]) -> Report:
    report = Report()
    for text, src_uri, label in page_sources(paths):
        report += check_markdown(text, src_uri, label)
    return report


def check_site(docs: Path = DOCS) -> Report:
    """Every page of the site: what the home page's summary reports."""
    return check_files(sorted(Path(docs).rglob("*.md")))


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(DOCS.rglob("*.md"))
    started = time.perf_counter()
    report = check_files(paths)
    for line in report.lines:
        print(line)
    for error in report.errors:
        print(error)
    print(f"{report.summary()} ({report.symbolic} by simplify); {len(report.errors)} errors; "
          f"{len(paths)} files in {time.perf_counter() - started:.2f} s")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
