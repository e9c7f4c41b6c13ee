"""What a chain's expressions mean on one page: Context maps the parser's
names (the page's f and y, aliases, indices, sums, accents, cases) to SymPy,
meaning() evaluates one step, and the directives `% domain:` and `% where:`
become assumptions, sample conditions and bindings."""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef

from sitekit.definitions import DEFINITIONS
from sitekit.definitions import x as DEFINITION_X
from sitekit.derivations.equality import Domain
from sitekit.derivations.latex import (
    _ACCENTED,
    _PLACEHOLDER,
    _index_letters,
    brace_powers,
    lint,
    normalize,
    parse,
    split_top,
)
from sitekit.derivations.names import (
    FUNCTION_ALIASES,
    GENERIC_FUNCTION,
    GREEK,
    INDEXED_ALIASES,
    PARAMETER_ALIASES,
    SYMPY_FUNCTIONS,
    integer,
)
from sitekit.derivations.report import DerivationError

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
        # A parameter the domain fixes (`\beta = 0`, where the prose says swish is x/2): put in last.
        self.fixed: dict[sp.Symbol, sp.Expr] = {}

    integer = staticmethod(integer)

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
                tuple(sorted(self.generics)), tuple(sorted(map(str, self.fixed.items()))))

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

    def _parameters(self, name: str) -> list[sp.Symbol]:
        """The parameters of a named function (f: the page's), in its definition's order."""
        defined = self.page if name == "f" else FUNCTION_ALIASES.get(name)
        if defined not in DEFINITIONS or name in self.generics:
            return []
        return [self.symbol(p) for p in DEFINITIONS[defined].params]

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
            # softshrink(c x; c \lambda): the arguments after the first are the parameters, in order.
            parameters = self._parameters(base) if len(args) > 1 else []
            if len(args) != 1 + len(parameters):
                raise DerivationError(f"`{base}` takes one argument (and its parameters after a `;`, "
                                      f"{len(self._parameters(base))} here), got {len(args)}")
            body = sp.diff(function.expr, self.x, primes) if primes else function.expr
            return body.xreplace({self.x: args[0], **dict(zip(parameters, args[1:]))})
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
    _refuse_bare_derivatives(converted, context)
    held = converted.replace(lambda e: type(e) is sp.Sum, lambda e: _HeldSum(*e.args)) \
        if converted.has(sp.Sum) else converted
    try:
        # Derivatives and limits are taken; sums are left as sums: their closed
        # forms are slow to look for, and sampling writes them out anyway.
        value = held.replace(lambda e: isinstance(e, (sp.Derivative, sp.Limit)), lambda e: e.doit())
    # e.g. a limit that does not exist, or d/dw_{j} of w_{jk} (IndexException: a wrong index)
    except (ValueError, NotImplementedError, TypeError, sp.tensor.indexed.IndexException) as error:
        raise DerivationError(f"SymPy cannot evaluate it: {type(error).__name__}: {error}") from None
    if held is not converted:
        value = value.replace(lambda e: isinstance(e, _HeldSum), lambda e: sp.Sum(*e.args))
    value = value.xreplace(context.fixed) if context.fixed else value
    leftover = value.atoms(sp.Derivative, AppliedUndef)
    if leftover:
        raise DerivationError(f"SymPy cannot evaluate {sorted(map(str, leftover))[0]}")
    return value, wrt


class _HeldSum(sp.Sum):
    """A sum that doit leaves a sum (its terms done): SymPy's doit hint
    sums=False does not stop Sum.doit, whose search for a closed form took
    1.6 s on one chain of hidden_layers.md and found none on any page."""

    def doit(self, **hints):
        function = self.function.doit(**hints) if hints.get("deep", True) else self.function
        return self.func(function, *self.limits)


LOSS_NAMES = {"E"}  # docs/notation.md: E is the loss, a function of everything before it
# E_{\text{mean}}, E_{\text{reg}}: a loss too (latex._worded names it Emean, Ereg).
_WORDED_LOSS = re.compile(r"E[A-Za-z]+")


def _refuse_bare_derivatives(expr: sp.Basic, context: Context) -> None:
    """A derivative of a bare name with no formula would read as 0 and make
    any claim `... = 0` hold: refuse it. A name is bare when nothing on the
    page gives it a formula: the loss E; an entry y_i by another entry z_j;
    a name other than the variable, a parameter or another variable, by x.
    The variable, a parameter, or an input of a graph (v by u) is independent,
    and its derivative is 0 indeed."""
    x = context.x
    parameters = set(context.definition.params) if context.definition else set()
    for derivative in expr.atoms(sp.Derivative):
        name, variables = derivative.expr, set(derivative.variables)
        bases = {v.base if isinstance(v, sp.Indexed) else v for v in variables}
        if isinstance(name, sp.Indexed):
            bare = name.base not in bases
        elif isinstance(name, sp.Symbol):
            bare = name not in variables and (
                name.name in LOSS_NAMES or _WORDED_LOSS.fullmatch(name.name)
                or (x in variables and name != x and name.name not in parameters))
        else:
            bare = False
        if bare:
            raise DerivationError(
                f"the derivative of `{name}` with respect to {', '.join(map(str, derivative.variables))}: "
                f"`{name}` has no formula here, so it would read as 0; write the expression it stands for, "
                "or declare the formula with its reason")


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
        for binding in split_top(text, ","):
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
        for condition in split_top(text, ","):
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
    # `\beta = 0`: the parameter is fixed there (swish at beta = 0), not sampled and rejected.
    fixed = {left.name: right for relation, left, right in raw
             if relation is sp.Eq and isinstance(left, sp.Symbol) and not right.free_symbols}
    raw = [(relation, left, right) for relation, left, right in raw
           if not (relation is sp.Eq and isinstance(left, sp.Symbol) and left.name in fixed)]
    assumptions: dict[str, dict] = {}
    for relation, left, right in raw:
        for symbol, other, on_left in ((left, right, True), (right, left, False)):
            if isinstance(symbol, sp.Symbol) and other == 0 and (relation, on_left) in _SIGNS:
                assumptions.setdefault(symbol.name, {})[_SIGNS[(relation, on_left)]] = True
    # The conditions keep plain real symbols: with x positive, `x > 0` would
    # already be True and could not reject a sample point.
    conditions = [relation(left, right) for relation, left, right in raw]
    text = ", ".join(t for _, t in entries)
    context = Context(page, assumptions)
    context.fixed = {context.symbol(name): value for name, value in fixed.items()}
    return context, Domain(text, conditions)
