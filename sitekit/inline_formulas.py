"""Check the inline formulas `\\( ... \\)` a reader sees in the prose.

sitekit.formulas checks the display formulas; this module does the same for
inline math outside fenced code and code spans, and formulas.check_markdown
calls it. An inline formula is cut into statements as a display formula is
(top-level `\\quad`), and a statement with `=` and no other relation is
sorted by these rules, in this order (`classify`):

- value: every side but one is a lone name and the other a number, a
  tuple, \\pm, \\infty or a constant (`x = 0`, `\\alpha = 1`,
  `z = (1, 2, 3)`, `x = -\\tfrac32`), or a lone name is set to another
  (`x = -a`), or a tuple of names to as many numbers (`(N, T) = (3, 4)`);
  a point or a parameter, not a claim;
- index condition: index letters only (`i = j`, `n' = n`, `[i = j]`, `t = 1, \\dots, T`);
- definition: the left side is a lone plain name the checker has no meaning
  for on this page (`z = x\\,w + b`, `\\Phi(x) = ...`), so the page
  introduces it. Not a name with a bar, \\delta or \\Delta (a gradient is a
  result), nor a derivative (`f'(x)`, `\\partial`), nor a name the page's
  context already reads (`y` or `f(x)` on an activation page, `\\sigma`);
  or a formula `= J` right after a code span (`fan_in` \\(= J\\)) naming it;
- quoted as wrong: the first formula of a paragraph that starts with
  "Written:", or of a numbered bold heading under "Common mistakes", is a
  mistake quoted on purpose: it must read and be false, and the build fails
  if it holds or cannot be read (a table of quotes is declared as such);
- equality: everything else, checked side by side with the derivation
  checker's parser in the page's context, as a display formula is.

Prose notation is read as meant or refused, never misread: `\\pm`/`\\mp`
make two claims (both checked), `\\partial y / \\partial u` is the fraction,
a limit at `\\pm\\infty` runs along a positive symbol (but a statement that
states `\\text{nan}` reads its constants in IEEE arithmetic: 0 \\cdot \\infty is
nan), `softshrink(x; \\lambda)` puts the parameter in, the page's own function
without its argument (`f'`, `\\operatorname{hardsigmoid}'`) is read at x, a
domain `\\beta = 0` fixes a parameter, and any other prime with no
argument (`\\sigma'`, read by the parser as `\\sigma`) or an operator name
with a digit (`\\operatorname{ReLU6}`, read as ReLU) is refused (sitekit.derivations.latex
does both).

What remains (a claim the parser cannot read, or one checked elsewhere) is
declared in sitekit/inline_exceptions.py, one entry per formula text; an
"unreadable" entry whose formula the checker now reads without a failure is
stale and fails the build, as an entry whose formula is gone does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from sitekit.derivations import (
    FUNCTION_ALIASES,
    Context,
    DerivationError,
    brace_powers,
    check_equal,
    meaning,
    normalize,
    parse_domain,
)
from sitekit.derivations.blocks import page_lines
from sitekit.derivations.latex import page_function_at_x, refuse_bare_prime, refuse_cut_digits, write_out_shorthands

_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_NOT_EQUALITY = re.compile(
    r"\\(?:approx|le|leq|ge|geq|lt|gt|ne|neq|in|notin|to|mapsto|sim|simeq|propto|equiv|ll|gg|"
    r"subset|subseteq|rightarrow|Rightarrow|longrightarrow|iff|implies|coloneqq|triangleq)(?![A-Za-z])"
    r"|[<>≤≥≠≈]|:="
)

# A lone name: x, z_k, w^{(l)}_{jk}, \alpha, \hat{x}_n, \operatorname{Var}(z), \Phi(x), E(u, v).
_BASE = (r"(?:\\(?:hat|bar|tilde|mathbf|boldsymbol)\s*\{\s*\\?[A-Za-z]+\s*\}|\\operatorname\*?\{[A-Za-z]+\}"
         r"|\\?[A-Za-z]+|\\?\|[A-Za-z]\\?\|)")
_SCRIPT = r"(?:\s*[_^]\s*(?:\{[^{}=]*\}|\\?[A-Za-z0-9]))*"
_LONE = re.compile(rf"{_BASE}{_SCRIPT}")
_CALL = re.compile(rf"{_BASE}{_SCRIPT}\s*(?:\\left)?\s*\([^()=]*(?:\\right)?\s*\)")
# Names that are results, never introduced by a formula: gradients and derivatives.
_RESULT = re.compile(r"\\bar|\\delta|\\Delta|\\partial|'|\\nabla|\\frac\{d")
_SPACE = r"(?:\s|\\[,;!: ]|~)*"
_SCALAR = (r"(?:\\pm|\\mp|[+\-])?" + _SPACE +
           r"(?:\\infty|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?:\s*\\%)?|\\t?d?frac\s*\{?\s*-?\d+\s*\}?\s*\{?\s*\d+\s*\}?"
           r"|\d+\s*/\s*\d+|\d+\s*\^\s*\{?\s*-?\d+\s*\}?|\d+(?:\.\d+)?\s*\\times\s*10\s*\^\s*\{\s*-?\d+\s*\})")
_NUMBER = re.compile(rf"{_SCALAR}(?:{_SPACE}(?:\\cdot|\\times){_SPACE}{_SCALAR})*")
_TUPLE = re.compile(rf"(?:\\left)?\s*[(\[]\s*{_SCALAR}(?:\s*,\s*(?:{_SCALAR}|\\dots|\\ldots))+\s*(?:\\right)?\s*[)\]]")
# (N, T, D, H): a tuple of names, set to a tuple of numbers as a value.
_NAME_TUPLE = re.compile(rf"(?:\\left)?\s*\(\s*{_BASE}{_SCRIPT}(?:\s*,\s*{_BASE}{_SCRIPT})+\s*(?:\\right)?\s*\)")
# `fan_in` \(= J\): a code name given its letter, the formula continuing the code span before it.
_AFTER_CODE = re.compile(r"`[^`]+`\s*$")
_INDEX = re.compile(r"[ijklmnt]'*")  # n' = n: a primed index is another index
_RANGE = re.compile(r"\d\s*,\s*\\l?dots\s*,\s*[A-Z]")
_IVERSON = re.compile(r"\\?\[\s*([ijklmn])\s*=\s*([ijklmn])\s*\\?\]")
_WRONG_LEAD = "Written:"
_MISTAKE_SECTION = "## Common mistakes"
_MISTAKE_LEAD = re.compile(r"\*\*\d+\. ")


# \\frac{\\partial X}{\\partial V}, as written or from a slash: X alone must have a formula.
_PARTIAL = re.compile(r"\\[dt]?frac\s*\{\s*\\partial\s*([^{}\s][^{}]*?)\s*\}\s*\{\s*\\partial\s*([^{}]+?)\s*\}")
# \\pm and \\mp: the statement is two claims, one per sign, each checked; same length, same columns.
_SIGNS = (("\\pm", "+  "), ("\\mp", "-  ")), (("\\pm", "-  "), ("\\mp", "+  "))

# Entries of sitekit/inline_exceptions.py whose formula is still checked (true, or false for a quote).
CHECKED_KINDS = ("hint", "quoted as wrong")


@dataclass
class Inline:
    line: int  # where `\(` is
    tex: str  # between `\(` and `\)`, newlines kept
    lead: str  # the first line of its paragraph
    section: str = ""  # the heading above it
    before: str = ""  # the text of its line before `\(`

    @property
    def flat(self) -> str:
        return " ".join(self.tex.split())

    def line_at(self, offset: int) -> int:
        return self.line + self.tex.count("\n", 0, offset)


def _blank(match: re.Match) -> str:
    return "".join("\n" if c == "\n" else " " for c in match.group(0))


def extract_inline(markdown: str) -> list[Inline]:
    """The inline formulas of a page, outside fenced code and code spans."""
    kept: list[str] = []
    leads: list[str] = []
    lead = ""
    section = ""
    sections: list[str] = []
    for _, raw, code in page_lines(markdown):
        kept.append("" if code else _CODE_SPAN.sub(_blank, raw))
        if not raw.strip() or code:
            lead = ""
        elif not lead:
            lead = raw.strip()
        leads.append(lead)
        if not code and raw.startswith("#"):
            section = raw.strip()
        sections.append(section)
    text = "\n".join(kept)
    raw_lines = markdown.splitlines()
    found: list[Inline] = []
    position = 0
    while True:
        start = _find(text, "\\(", position)
        if start < 0:
            return found
        end = _find(text, "\\)", start + 2)
        if end < 0:
            return found
        line = text.count("\n", 0, start) + 1
        column = start - text.rfind("\n", 0, start) - 1
        before = raw_lines[line - 1][:column] if line <= len(raw_lines) else ""
        found.append(Inline(line, text[start + 2:end], leads[line - 1], sections[line - 1], before))
        position = end + 2


def _find(text: str, token: str, start: int) -> int:
    """Index of `\\(` or `\\)` at `start` or after, not preceded by a backslash."""
    i = text.find(token, start)
    while i > 0 and text[i - 1] == "\\":
        i = text.find(token, i + 1)
    return i


# ---------------------------------------------------------------------------
# Classification


def equality_sides(text: str) -> list[str] | None:
    """The sides of an equality statement, or None when it states something else."""
    from sitekit.formulas import _sides

    if "=" not in text or _NOT_EQUALITY.search(text):
        return None
    return [side for _, side in _sides(0, text)]


def read(side: str, context: Context) -> sp.Expr:
    """The value of one side; at \\pm\\infty, the limit there (f(+\\infty) = 1)."""
    if "\\infty" not in side:
        return _read(side, context)
    far = context.symbol("varpi")  # a Greek letter the pages do not use, as the point that runs away
    value = _read(side.replace("\\infty", "\\varpi"), context)
    # A positive runaway point settles |x| and the branch conditions (softsign'(-\\infty), CELU(+\\infty)).
    ahead = sp.Symbol("varpi_far", positive=True)
    try:
        return sp.limit(sp.piecewise_fold(value.subs(far, ahead)), ahead, sp.oo)
    except Exception as error:  # noqa: BLE001 - SymPy's errors have no common base
        raise DerivationError(f"SymPy cannot take the limit at infinity: {type(error).__name__}") from None


_NAN = re.compile(r"\s*\\(?:text|mathrm)\s*\{\s*(?:nan|NaN)\s*\}\s*")


def read_ieee(side: str, context: Context) -> sp.Expr:
    """A side of a statement that states a nan: constants in IEEE arithmetic, as
    SymPy's extended reals do it (0 \\cdot (-\\infty) is nan), not a limit."""
    if _NAN.fullmatch(side):
        return sp.nan
    value = _read(side, context)
    if value.free_symbols:
        raise DerivationError("a nan is stated for a side with names; IEEE results are read for constants only")
    return value


def _read(side: str, context: Context) -> sp.Expr:
    """The value of one side; anything the parser or SymPy raises becomes a
    DerivationError (a prose formula may be anything, not only a chain's line)."""
    side = write_out_shorthands(side)
    refuse_cut_digits(side)
    try:
        tex = brace_powers(normalize(side))
    except DerivationError:
        raise
    except Exception as error:  # noqa: BLE001 - SymPy's errors have no common base
        raise DerivationError(f"SymPy cannot read it: {type(error).__name__}: {' '.join(str(error).split())}") from None
    for numerator, variable in _PARTIAL.findall(side):
        _refuse_free_derivative(numerator, variable, context)
    if context.definition:
        tex = page_function_at_x(tex, [a for a, name in FUNCTION_ALIASES.items() if name == context.page])
    refuse_bare_prime(tex)
    try:
        value = meaning(tex, context)[0]
    except DerivationError:
        raise
    except Exception as error:  # noqa: BLE001 - SymPy's errors have no common base
        raise DerivationError(f"SymPy cannot read it: {type(error).__name__}: {' '.join(str(error).split())}") from None
    # The parser's \\pi reaches Context as a Greek letter (as in sitekit.formulas).
    return value.xreplace({context.symbol("pi"): sp.pi})


def _refuse_free_derivative(numerator: str, variable: str, context: Context) -> None:
    """\\partial y_i / \\partial z_j of a name with no formula here reads as 0, which makes
    any claim `... = 0` hold and any other fail: refuse it (as the checker does for E)."""
    if " ".join(numerator.split()) == " ".join(variable.split()):
        return  # \\partial E / \\partial E = 1
    try:
        value = meaning(brace_powers(normalize(numerator)), context)[0]
    except Exception:  # noqa: BLE001 - unreadable alone: the whole side says why
        return
    if isinstance(value, (sp.Symbol, sp.Indexed)) and value != context.x:
        raise DerivationError(f"`{numerator}` has no formula here, so its derivative by `{variable}` would "
                              "read as 0: put in its formula (a hint), or declare the formula")


def _constant(side: str, context: Context) -> bool:
    """A number written as an expression (\\ln 2, \\sqrt{3}): readable and free of names."""
    try:
        value = read(_sign_variants(side)[0], context)
    except DerivationError:
        return False
    return not value.free_symbols and not value.has(sp.Indexed)


def _fresh(side: str, context: Context) -> bool:
    """A lone name the page's context does not read: a free symbol or entry,
    or an unknown one-letter function, which the parser reads as a product."""
    try:
        value = read(_sign_variants(side)[0], context)
    except DerivationError as error:
        # A name no table knows is fresh; \\tanh(-x) the parser cannot read is not.
        return "unknown function" in str(error) or "as a symbol" in str(error)
    if isinstance(value, (sp.Symbol, sp.Indexed)):
        return value != context.x
    # h(x) read as the product h*x: h is fresh; \\tanh(-x) read as -tanh(x) is not.
    base = re.match(r"\\?([A-Za-z]+)", side)
    return (isinstance(value, sp.Mul) and _CALL.fullmatch(side) is not None and base is not None
            and any(isinstance(a, sp.Symbol) and a.name == base.group(1) for a in value.args))


def classify(text: str, context: Context, inline: Inline, page: str) -> str:
    """'not an equality', 'value', 'index condition', 'definition', 'quoted as wrong' or 'equality'."""
    if _IVERSON.fullmatch(text.strip()) or _RANGE.search(text) and _INDEX.fullmatch(text.split("=")[0].strip()):
        return "index condition"
    sides = equality_sides(text)
    if not sides or len(sides) < 2:
        return "not an equality"
    if not sides[0] and len(sides) == 2 and _AFTER_CODE.search(inline.before) and _LONE.fullmatch(sides[1]):
        return "definition"
    if all(_INDEX.fullmatch(side) for side in sides):
        return "index condition"
    if (len(sides) == 2 and _NAME_TUPLE.fullmatch(sides[0]) and _TUPLE.fullmatch(sides[1])
            and sides[0].count(",") == sides[1].count(",")):
        return "value"
    lone = [bool(_LONE.fullmatch(side)) for side in sides]
    settled = [bool(_NUMBER.fullmatch(side) or _TUPLE.fullmatch(side)) for side in sides]
    if all(a or b for a, b in zip(lone, settled)) and any(settled) and not all(settled):
        return "value"
    if len(sides) == 2 and lone[0] and not _RESULT.search(sides[0]):
        right = re.sub(r"^(?:[+-]|\\(?:pm|mp)(?![A-Za-z]))\s*", "", sides[1].strip())
        if _LONE.fullmatch(right) or _constant(sides[1], context):
            return "value"
    left = sides[0]
    named = (_LONE.fullmatch(left) or _CALL.fullmatch(left)) and not _RESULT.search(left)
    if quoted_wrong(inline, page):
        # Next to a wrong formula, `y = softplus(x)` says what y is.
        return "definition" if named and _LONE.fullmatch(left) else "quoted as wrong"
    if named and _fresh(left, context):
        return "definition"
    return "equality"


def quoted_wrong(inline: Inline, page: str) -> bool:
    """A mistake quoted on purpose: the first formula of a paragraph that starts
    with "Written:", or of a numbered bold heading in a "Common mistakes" section
    (a later formula there is the true one it was copied from, or its reason)."""
    if not (inline.lead.startswith(_WRONG_LEAD) or inline.section.startswith(_MISTAKE_SECTION)
            and _MISTAKE_LEAD.match(inline.lead)):
        return False
    at = inline.lead.find("\\(" + inline.tex + "\\)")
    end = inline.lead.find("**", 2) if inline.lead.startswith("**") else len(inline.lead)
    return 0 <= at == inline.lead.find("\\(") and at < end


# ---------------------------------------------------------------------------
# Checking


def _statements(inline: Inline) -> list[tuple[int, str]]:
    from sitekit.formulas import Formula, statements

    return statements(Formula(inline.line, inline.tex, inline.line))


def _apply_hints(inline: Inline, hint: tuple[tuple[str, str], ...]) -> Inline | str:
    """The formula with each hinted name replaced by its value, or an error."""
    for name, value in hint:
        # The bare name: a hint for \\sigma leaves \\sigma' and \\sigma(x) alone.
        pattern = re.compile((r"(?<![\\A-Za-z])" if name[0].isalpha() else "") + re.escape(name)
                             + (r"(?![A-Za-z'(])" if name[-1].isalpha() else ""))
        if not pattern.search(inline.tex):
            return f"the hint `{name}` of sitekit/inline_exceptions.py is not in the formula"
        inline = Inline(inline.line, pattern.sub(lambda _: "{" + value + "}", inline.tex), inline.lead)
    return inline


def _equal(a: sp.Expr, b: sp.Expr, context: Context, domain) -> tuple[bool, str]:
    """check_equal's verdict; two constants at least one of them infinite are compared as they are."""
    infinite = (sp.oo, -sp.oo, sp.zoo, sp.nan)
    if not (a.free_symbols or b.free_symbols) and (a in infinite or b in infinite):
        return a == b, f"{a} vs {b}"
    verdict = check_equal(a, b, context.x, domain)
    return verdict.equal, verdict.detail


def _sign_variants(text: str) -> list[str]:
    """The statement once per sign of its \\pm and \\mp (upper signs, then lower), else itself."""
    if "\\pm" not in text and "\\mp" not in text:
        return [text]
    variants = []
    for signs in _SIGNS:
        variant = text
        for sign, replacement in signs:
            variant = re.sub(re.escape(sign) + r"(?![A-Za-z])", replacement, variant)
        variants.append(variant)
    return variants


@dataclass
class Outcome:
    kind: str  # a classify() kind, or 'unreadable' / 'failed' / 'checked' for a claim
    errors: list[str]
    equalities: int = 0


def check_inline(inline: Inline, label: str, page: str, page_name: str | None,
                 hint: tuple[tuple[str, str], ...] = (), where: str = "", wrong: bool = False) -> Outcome:
    """Classify every statement of one inline formula and check its claims.
    The formula's kind is its strongest statement's: a claim outranks a
    definition, an index condition and a value."""
    from sitekit.formulas import _sides

    shown = inline
    if hint:
        hinted = _apply_hints(inline, hint)
        if isinstance(hinted, str):
            return Outcome("failed", [f"{label}:{inline.line}: {hinted}\n    {inline.flat}"])
        inline = hinted
    try:
        context, domain = parse_domain([(inline.line, where)] if where else [], page_name)
    except DerivationError as error:
        return Outcome("failed", [f"{label}:{inline.line}: the domain `{where}` of sitekit/inline_exceptions.py: "
                                  f"{error}\n    {inline.flat}"])
    kinds: list[str] = []
    errors: list[str] = []
    equalities = 0
    refuted = False
    for offset, text in _statements(inline):
        kind = "quoted as wrong" if wrong else classify(text, context, shown, page)
        if hint:  # a hinted formula is a claim: its names are now the hinted values
            kind = "quoted as wrong" if kind == "quoted as wrong" else "equality"
        kinds.append(kind)
        if kind not in ("equality", "quoted as wrong"):
            continue
        for variant in _sign_variants(text):
            sides = _sides(offset, variant)
            values = []
            # A statement that states a nan gives IEEE results of constants, not limits.
            reader = read_ieee if any(_NAN.fullmatch(side) for _, side in sides) else read
            for position, side in sides:
                try:
                    values.append(reader(side, context))
                except DerivationError as error:
                    return Outcome("unreadable", [
                        f"{label}:{inline.line_at(position)}: inline formula cannot be checked: {error}\n"
                        f"    formula: {shown.flat}\n    fix the TeX, or declare the formula in "
                        f"sitekit/inline_exceptions.py (page, the formula, why it is not checked here)"])
            for (_, left), (right_at, right), a, b in zip(sides, sides[1:], values, values[1:]):
                equalities += 1
                equal, detail = _equal(a, b, context, domain)
                if kind == "quoted as wrong":
                    refuted = refuted or not equal
                elif not equal:
                    errors.append(f"{label}:{inline.line_at(right_at)}: inline formula: left ≠ right "
                                  f"({detail})\n    left:  {left}\n    right: {right}")
    if "quoted as wrong" in kinds:
        if not refuted:
            errors.append(f"{label}:{inline.line}: a mistake quoted as wrong holds: `{shown.flat}` is true "
                          "for every sample; fix the quote, or move it out of the paragraph that starts "
                          f"with \"{_WRONG_LEAD}\"")
        return Outcome("quoted as wrong", errors, equalities)
    if errors:
        return Outcome("failed", errors, equalities)
    for kind in ("equality", "definition", "index condition", "value"):
        if kind in kinds:
            return Outcome("checked" if kind == "equality" else kind, errors, equalities)
    return Outcome("not an equality", errors, equalities)


def _stale(inline: Inline, label: str, src_uri: str, page_name: str | None) -> list[str]:
    """An "unreadable" entry whose formula the checker now reads without a failure
    is stale: a reading that improved must not leave a false claim in the table."""
    outcome = check_inline(inline, label, src_uri, page_name)
    if outcome.errors or outcome.kind in ("unreadable", "failed"):
        return []
    return [f"{label}:{inline.line}: stale entry in sitekit/inline_exceptions.py: the checker now reads this "
            f"formula ({outcome.kind}, no failure); remove the entry\n    {inline.flat}"]


def check_page(markdown: str, src_uri: str, label: str, page_name: str | None) -> dict:
    """Every inline formula of one page: {"counts", "exceptions", "errors", "lines"}."""
    from sitekit.exception_entry import report_edited
    from sitekit.inline_exceptions import EXCEPTIONS

    counts: dict[str, int] = {}
    exceptions: dict[str, int] = {}
    errors: list[str] = []
    lines: list[str] = []
    entries = [e for e in EXCEPTIONS if e.page == src_uri]
    used: set[int] = set()
    seen: dict[str, int] = {}
    unmatched: list[tuple] = []  # (formula, its errors' slice in errors)

    def count(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    for inline in extract_inline(markdown):
        count("inline formulas")
        if "=" not in inline.tex:
            continue
        count("with =")
        where = f"{label}:{inline.line}"
        matches = [i for i, e in enumerate(entries) if " ".join(e.formula.split()) == inline.flat]
        # Several entries for one text (a quote and its correction) apply in page order.
        seen[inline.flat] = seen.get(inline.flat, -1) + 1
        entry = entries[matches[min(seen[inline.flat], len(matches) - 1)]] if matches else None
        used.update(matches)
        if entry is not None and entry.kind not in CHECKED_KINDS:
            exceptions[entry.kind] = exceptions.get(entry.kind, 0) + 1
            lines.append(f"{where}: exception ({entry.reason})")
            if entry.kind == "unreadable":
                errors += _stale(inline, label, src_uri, page_name)
            continue
        outcome = check_inline(inline, label, src_uri, page_name, *(entry[3:] if entry else ()),
                               wrong=entry is not None and entry.kind == "quoted as wrong")
        if entry is None:
            unmatched.append((inline, slice(len(errors), len(errors) + len(outcome.errors))))
        errors += outcome.errors
        count(outcome.kind)
        counts["equalities"] = counts.get("equalities", 0) + outcome.equalities
        if entry is not None:
            count("hinted")
        lines.append(f"{where}: {outcome.kind}" + (" with a hint" if entry else "") + f"  {inline.flat}")
    for i, entry in enumerate(entries):
        if i in used:
            continue
        # A pinned formula edited: say so at its line, instead of why the generic checker cannot read it.
        if report_edited(entry, unmatched, errors, label, "inline_exceptions"):
            continue
        errors.append(f"{label}: stale entry in sitekit/inline_exceptions.py: no inline formula is "
                      f"`{entry.formula}`; delete the entry or copy the formula's new text into it")
    errors = [e for e in errors if e is not None]
    return {"counts": counts, "exceptions": exceptions, "errors": errors, "lines": lines}
