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
error. The MkDocs hook calls `check_markdown(markdown, page.file.src_uri)`
(optionally with `compare=`, how the last step meets the snippet).

The parts, one job each:
- blocks: the align blocks of a page, their directives and steps;
- latex: normalize, lint and parse the TeX (antlr: SymPy's private parser
  API, pinned to requirements.txt's SymPy);
- meaning: Context, the meaning of one step, `% domain:` and `% where:`;
- equality: sampling and check_equal (mpmath.workdps(60), then N(..., 50));
- snippets: the last step against the snippet (the default comparison);
- chains: one page's chains, a Report with a BlockOutcome per block;
- pages: the cache, prefetch in workers, files, the site, the CLI.
"""

from sitekit.definitions import DEFINITIONS
from sitekit.derivations.blocks import DIRECTIVES, Block, Step, extract_blocks, split_steps
from sitekit.derivations.chains import Comparison, _check_markdown, check_block, page_name
from sitekit.derivations.equality import (
    BRANCH_POINTS,
    DIGITS,
    MAX_POINTS,
    MIN_POINTS,
    POINT_POOL,
    SIZES,
    TOLERANCE,
    Domain,
    Verdict,
    _expand_sums,
    check_equal,
    sample_points,
)
from sitekit.derivations.latex import brace_powers, group_end, lint, normalize, parse, skip_power, split_top
from sitekit.derivations.meaning import Context, meaning, parse_domain, parse_where
from sitekit.derivations.names import (
    FUNCTION_ALIASES,
    GENERIC_FUNCTION,
    GREEK,
    INDEXED_ALIASES,
    PARAMETER_ALIASES,
    PARSER_FUNCTIONS,
    SYMPY_FUNCTIONS,
)
from sitekit.derivations.pages import (
    DOCS,
    ROOT,
    _checked,
    check_files,
    check_markdown,
    check_site,
    main,
    page_sources,
    prefetch,
)
from sitekit.derivations.report import BlockOutcome, DerivationError, Report
from sitekit.derivations.snippets import check_against_snippet

# The names formulas.py imported before the bracket helpers became public.
_group_end, _skip_power, _split_top = group_end, skip_power, split_top

__all__ = [
    "BRANCH_POINTS", "DEFINITIONS", "DIGITS", "DIRECTIVES", "DOCS", "FUNCTION_ALIASES", "GENERIC_FUNCTION", "GREEK",
    "INDEXED_ALIASES", "MAX_POINTS", "MIN_POINTS", "PARAMETER_ALIASES", "PARSER_FUNCTIONS", "POINT_POOL", "ROOT",
    "SIZES", "SYMPY_FUNCTIONS", "TOLERANCE", "Block", "BlockOutcome", "Comparison", "Context", "DerivationError",
    "Domain", "Report", "Step", "Verdict", "_check_markdown", "_checked", "_expand_sums", "_group_end", "_skip_power",
    "_split_top", "brace_powers", "check_against_snippet", "check_block", "check_equal", "check_files",
    "check_markdown", "check_site", "extract_blocks", "group_end", "lint", "main", "meaning", "normalize",
    "page_name", "page_sources", "parse", "parse_domain", "parse_where", "prefetch", "sample_points", "skip_power",
    "split_steps", "split_top",
]
