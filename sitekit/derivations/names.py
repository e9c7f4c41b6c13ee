"""What the names of a chain may mean: the functions a page may call by
name, the parameters' letters, SymPy's functions the parser lacks, the
parser's own function commands, the Greek letters, and the integer symbols
of indices and sizes."""

from __future__ import annotations

import re

import sympy as sp

from sitekit.registry import latex_aliases

# `% generic: g` makes g(u) an arbitrary differentiable function. A chain that
# holds for every g holds for this one, and a wrong step almost never does:
# no symmetry, no fixed slope, every derivative non-zero somewhere.
_u = sp.Symbol("u", real=True)
GENERIC_FUNCTION = sp.Lambda(_u, sp.sin(2 * _u + 1) + sp.exp(_u / 3))

# From the registry entries (their `aliases`, `parameter_aliases`,
# `indexed_aliases`): the LaTeX name a page may use for a function whose
# definition is in DEFINITIONS (`f` is the page's own function and `y`, the
# output, f(x)); the letters a page uses for a parameter whose name in
# DEFINITIONS differs; the subscripted names that mean a page's vector
# output (y_i = e^{z_i} / sum_k e^{z_k} on the softmax page).
_DIGIT_WORDS = ("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")


def command_name(name: str) -> str:
    """`ReLU6` -> `ReLUSix`: a TeX command cannot hold digits, and dropping
    them would read ReLU6 as ReLU."""
    return re.sub(r"\d", lambda m: _DIGIT_WORDS[int(m.group(0))], name)


FUNCTION_ALIASES, PARAMETER_ALIASES, INDEXED_ALIASES = latex_aliases()
# As normalize writes them: digits spelled out (ReLU6 -> ReLUSix).
FUNCTION_ALIASES = {command_name(alias): name for alias, name in FUNCTION_ALIASES.items()}

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
    "erfc": sp.erfc,
    # The scaled complementary error function, as scipy.special.erfcx defines it.
    "erfcx": lambda v: sp.exp(v**2) * sp.erfc(v),
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


def integer(name: str) -> sp.Symbol:
    """An index (i, j, k: lower case) or a size (K, N: upper case). An index
    may be 0 (sums from 0): a positive u made [u = 0] false before u had a value."""
    if name[0].isupper():
        return sp.Symbol(name, integer=True, positive=True)
    return sp.Symbol(name, integer=True, nonnegative=True)
