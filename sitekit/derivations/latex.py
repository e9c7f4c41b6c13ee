"""From a chain's LaTeX to SymPy: normalize (rewrite what the parser would
misread), lint (refuse what it would misread silently), parse (SymPy's antlr
LaTeX parser, strict), the bracket helpers other checkers share
(group_end, skip_power, split_top), and the prose shorthands of inline
formulas, written out or refused (write_out_shorthands, refuse_*)."""

from __future__ import annotations

import re
from fractions import Fraction

import sympy as sp

from sitekit.derivations.antlr import parse_sll
from sitekit.derivations.names import FUNCTION_ALIASES, GREEK, PARSER_FUNCTIONS, SYMPY_FUNCTIONS, command_name
from sitekit.derivations.report import DerivationError

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


# \frac{\partial {X}}{\partial v}: a bracketed numerator (a name put in by a hint) is the
# operator applied to it, \frac{\partial}{\partial v}\left(X\right).
_BRACED_NUMERATOR = re.compile(r"\\[dt]?frac\s*\{\s*(d|\\partial)\s*\{")


def _matching_brace(tex: str, start: int) -> int | None:
    """Index of the `}` closing the `{` at `start` (escaped braces skipped), else None."""
    depth, i = 0, start
    while i < len(tex):
        if tex[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth == 0:
            return i
        i += 1
    return None


def _braced_numerators(tex: str) -> str:
    position = 0
    while (match := _BRACED_NUMERATOR.search(tex, position)) is not None:
        inner_end = _matching_brace(tex, match.end() - 1)
        close = re.compile(r"\s*\}\s*\{").match(tex, inner_end + 1) if inner_end is not None else None
        denominator_end = _matching_brace(tex, close.end() - 1) if close else None
        if denominator_end is None:
            position = match.end()
            continue
        inner, denominator = tex[match.end():inner_end], tex[close.end():denominator_end]
        rewritten = f"\\frac{{{match.group(1)}}}{{{denominator}}}\\left({inner}\\right)"
        tex = tex[:match.start()] + rewritten + tex[denominator_end + 1:]
        position = match.start() + len(rewritten)
    return tex


def normalize(tex: str) -> str:
    """Rewrite what the parser misreads into what it reads as intended."""
    tex = _braced_numerators(tex)
    tex = re.sub(r"\\left\s*(\||\\[lr]?vert)|\\right\s*(\||\\[lr]?vert)|\\[lr]?vert(?![A-Za-z])", "|", tex)
    tex = _SIZING.sub("", tex)
    tex = re.sub(r"\\mathrm\s*\{\s*d\s*\}", "d", tex)
    tex = re.sub(r"\^\s*\{?\s*\\prime\s*\}?", "'", tex)

    def named(match: re.Match) -> str:
        name = command_name(re.sub(r"[^A-Za-z0-9]", "", match.group(1)))
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
        end = group_end(tex, match.end())
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
        end = group_end(tex, start)
        position = start
        if end is None or match.group(1) in functions:
            continue
        power = skip_power(tex, end)
        if power == end or tex[end:power].lstrip().startswith("_"):
            continue
        tex = tex[:start] + "{" + tex[start:power] + "}" + tex[power:]


_OPEN = re.compile(r"\\left\s*[(\[]|\\left\s*\\\{|[(\[{]")


_CLOSE = re.compile(r"\\right\s*[)\]]|\\right\s*\\\}|[)\]}]")


def group_end(tex: str, start: int) -> int | None:
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


def skip_power(tex: str, i: int) -> int:
    i = _skip_space(tex, i)
    if i < len(tex) and tex[i] in "^_":
        i = _skip_space(tex, i + 1)
        if i < len(tex) and tex[i] == "{":
            return group_end(tex, i) or len(tex)
        match = re.compile(r"\\[A-Za-z]+|.").match(tex, i)
        return match.end() if match else i
    return i


def lint(tex: str) -> None:
    """Refuse the constructs whose parsed meaning differs from the written one."""
    _check_balanced(tex)
    for name in PARSER_FUNCTIONS:
        for match in re.finditer(r"\\" + name + r"(?![A-Za-z])", tex):
            i = skip_power(tex, match.end())
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
        end = group_end(tex, operand)
        if end is not None:
            after = _skip_space(tex, skip_power(tex, end))
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
        end = group_end(tex, i)
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
        parsed = parse_sll(text)
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


def split_top(text: str, separator: str) -> list[str]:
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
# Prose notation: shorthands an inline formula may use, written out with the
# same meaning, and what the parser would misread there, refused.

# \\tanh'(x): the parser wants parentheses right after \\tanh; the same slope written d/dx \\tanh(x).
_PRIMED_COMMAND = re.compile(r"\\(tanh|sinh|cosh|log|ln|exp)'\s*\(\s*([a-z])\s*\)")

# Prose shorthands the parser rejects, written out with the same meaning.
_SHORTHANDS = (
    # \log\sigma(x) is \log(\sigma(x)); \log 0 is \log(0).
    (re.compile(r"\\(log|ln)\s*(\\sigma\s*\([^()]*\))"), r"\\\1(\2)"),
    (re.compile(r"\\(log|ln)\s+(\d+)(?![\d.])"), r"\\\1(\2)"),
    # \log\sqrt{2} is \log(\sqrt{2}): a root has one reading.
    (re.compile(r"\\(log|ln)\s*(\\sqrt\s*\{[^{}]*\})"), r"\\\1(\2)"),
    # \partial y / \partial u is \frac{\partial y}{\partial u}; of a function's name, its derivative at x.
    (re.compile(r"\\partial\s*(\\operatorname\{[A-Za-z]+\}|f)\s*/\s*\\partial\s*(\\[A-Za-z]+|[A-Za-z])(?![A-Za-z_])"),
     r"\\frac{\\partial}{\\partial \2}\\left(\1(x)\\right)"),
    # ... of a hinted expression in braces (E put in from the page): the derivative of the bracket.
    (re.compile(r"\\partial\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}\s*/\s*"
                r"\\partial\s*(\\[A-Za-z]+|[A-Za-z](?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?)"),
     r"\\frac{\\partial}{\\partial \2}\\left(\1\\right)"),
    (re.compile(r"\\partial\s*(\\[A-Za-z]+|[A-Za-z](?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?|\([^()/=]*\))\s*/\s*"
                r"\\partial\s*(\\[A-Za-z]+|[A-Za-z](?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?)"),
     r"\\frac{\\partial \1}{\\partial \2}"),
    # softshrink(x; \lambda): the parameters follow a `;`, read as further arguments.
    (re.compile(r"(\\operatorname\{[A-Za-z]+\}\s*\([^();]*);"), r"\1,"),
    # A bare \tanh' or \tanh^2 (\tanh' = 1 - \tanh^2) is a function of x.
    (re.compile(r"(\\tanh|\\operatorname\{sech\})('|\^\{2\}|\^2)(?!\s*[({'^])"), r"\1\2(x)"),
)

# A prime with no argument after it (\\sigma' = ..., f' = ...): the parser reads `\\sigma'` as \\sigma
# itself, so \\sigma' = \\sigma would pass; refused, to be written \\sigma'(x) (or declared with a hint).
_BARE_PRIME = re.compile(r"(\\[A-Za-z]+|(?<![\\A-Za-z])[A-Za-z])\s*('+)(?!\s*(?:\(|\\left|'))")
# \\operatorname{ReLU6}: a parser that keeps only the letters of an operator name reads ReLU6 as ReLU.
_DIGIT_NAME = re.compile(r"\\(?:operatorname\*?|mathrm)\s*\{\s*([A-Za-z]*\d[A-Za-z\d]*)\s*\}")


def write_out_shorthands(side: str) -> str:
    """\\log\\sigma(x), \\partial y / \\partial u, a bare \\tanh', \\tanh'(x): as the parser reads them."""
    for pattern, replacement in _SHORTHANDS:
        side = pattern.sub(replacement, side)
    return _PRIMED_COMMAND.sub(lambda m: f"\\frac{{d}}{{d{m.group(2)}}}\\{m.group(1)}({m.group(2)})", side)


def refuse_cut_digits(side: str) -> None:
    """\\operatorname{ReLU6}, while normalize would cut it to its letters (ReLU)."""
    digits = _DIGIT_NAME.search(side)
    if digits and normalize(digits.group(0)).strip() == "\\" + re.sub(r"[^A-Za-z]", "", digits.group(1)):
        raise DerivationError(f"the parser drops the digits of `{digits.group(0)}` (it would read "
                              f"{re.sub(r'[^A-Za-z]', '', digits.group(1))}); no LaTeX name with a digit is read")


def page_function_at_x(tex: str, aliases: list[str]) -> str:
    """The page's own function named without its argument (f' = ..., hardsigmoid' =
    hardsigmoid \\cdot ...) is that function at x: the prose gives its formula.
    `tex` is normalized; `aliases` are the function's LaTeX names."""
    names = sorted(aliases, key=len, reverse=True)
    pattern = "|".join([r"(?<![\\A-Za-z])f"] + [re.escape("\\" + a) for a in names])
    return re.sub(rf"({pattern})(?![A-Za-z])(\s*'*)(?!\s*(?:\(|\\left|'|\{{|_|\^))", r"\1\2(x)", tex)


def refuse_bare_prime(tex: str) -> None:
    """A prime with no argument (\\sigma' = \\sigma) the parser would read as the name itself."""
    bare = _BARE_PRIME.search(tex)
    if bare:
        raise DerivationError(f"`{bare.group(0)}` has no argument, and the parser would read it as "
                              f"`{bare.group(1)}` itself: write {bare.group(0)}(x)")
