"""Whether two expressions are equal: sampled at 20+ points inside the
chain's domain (rationals of both signs and several magnitudes, sizes and
indices, a value per entry of a vector or matrix), compared with mpmath at
60 digits and confirmed with SymPy's N(..., 50), then proved by simplify
where SymPy can; a piecewise side is compared branch by branch. The proof
is sought when a verdict's `symbolic` is first read (only the chains count
it), not for every display and inline formula."""

from __future__ import annotations

import cmath
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp
from sympy.printing.pycode import MpmathPrinter

from sitekit.derivations.names import integer

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


@functools.cache
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


class Verdict:
    """equal; symbolic: whether simplify proves it, a bool or the proof to try
    when first read; detail: where they differ, for the message."""

    def __init__(self, equal: bool, symbolic: bool | Callable[[], bool] = False, detail: str = ""):
        self.equal, self.detail, self._symbolic = equal, detail, symbolic

    @property
    def symbolic(self) -> bool:
        # simplify takes seconds and only the chains' count reads it: tried once, when read.
        if callable(self._symbolic):
            self._symbolic = bool(self._symbolic())
        return self._symbolic

    def __repr__(self) -> str:
        return f"Verdict(equal={self.equal}, symbolic={self._symbolic!r}, detail={self.detail!r})"


_EQUAL_CACHE: dict[tuple, Verdict] = {}


_LAMBDA_CACHE: dict[tuple, object] = {}


SIZES = (3, 4, 2, 5)  # values of a size such as K: softmax over 2 to 5 entries


def sample_points(symbols: list[sp.Symbol], x: sp.Symbol, domain: Domain | None,
                  vectors: list[sp.IndexedBase] = (), first_index: int = 1) -> list[dict]:
    """Up to MAX_POINTS assignments inside the domain: rationals to real
    symbols, a size (K) to upper-case integers, first_index .. first_index +
    size - 1 to lower-case ones (indices), and a tuple of rationals to each
    vector (z in z_k)."""
    key = (tuple(symbols), x, domain and (domain.text, tuple(domain.conditions)), tuple(vectors), first_index)
    if key not in _POINTS_CACHE:
        _POINTS_CACHE[key] = _sample_points(symbols, x, domain, vectors, first_index)
    return [dict(point) for point in _POINTS_CACHE[key]]  # callers may drop x from theirs


_POINTS_CACHE: dict[tuple, list[dict]] = {}


def _sample_points(symbols: list[sp.Symbol], x: sp.Symbol, domain: Domain | None,
                   vectors: list[sp.IndexedBase], first_index: int) -> list[dict]:
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
        expr = expr.xreplace(integers)
        # has() only reads the tree; replace() rebuilds it, for each condition of a domain at each point.
        expr = _expand_sums(expr) if expr.has(sp.Sum) else expr
    entries = {}
    for entry in expr.atoms(sp.Indexed):
        values = point.get(entry.base)
        if values is None or not all(i.is_Integer for i in entry.indices):
            return expr  # left symbolic: N() then fails and the point is skipped
        entries[entry] = _draw(entry.base, tuple(int(i) for i in entry.indices), values)
    reals = {s: v for s, v in point.items() if isinstance(s, sp.Symbol) and not s.is_integer}
    return expr.xreplace(entries).xreplace(reals)


@functools.cache  # the seed's repr of sympy rationals is slow, and each entry recurs at every comparison
def _draw(base: sp.IndexedBase, indices: tuple[int, ...], values: tuple) -> sp.Rational:
    """The value of entry `indices` of `base` at a point whose pool for it is
    `values`: one draw per index tuple (and per point), so that w_{jk} and
    w_{kj} differ at almost every point (a sum of index*base^axis modulo the
    pool gave them one value whenever base = 1 modulo the pool's length)."""
    return values[random.Random(repr((str(base), indices, values))).randrange(len(values))]


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


class _LoopPrinter(MpmathPrinter):
    """Sums as loops over mpf indices, the innermost limit inside: with
    Python ints, 1/K and K/(K+1) would be 53-bit floats."""

    def _print_Sum(self, expr: sp.Sum) -> str:
        loops = " ".join(f"for {self._print(v)} in _indices({self._print(low)}, {self._print(high)})"
                         for v, low, high in reversed(expr.limits))
        return f"(builtins.sum({self._print(expr.function)} {loops}))"


def _indices(low, high) -> list:
    return [mpmath.mpf(n) for n in range(_whole(low), _whole(high) + 1)]


def _whole(value) -> int:
    number = int(value)
    if number != value:
        raise TypeError(f"an index or a bound is not an integer: {value}")
    return number


_ENTRY = sp.Function("_entry")

_TABLE = sp.Symbol("_entries")  # the point's _Entries, an argument of the lambdified function


class _Entries:
    """A point's vectors for the lambdified expression: entry (i, j) of the
    n-th vector is the rational _draw gives _substitute, at the working precision."""

    def __init__(self, vectors: list[sp.IndexedBase], point: dict):
        self.pools = [point[v] for v in vectors]
        self.vectors = vectors
        self.values: dict[tuple, mpmath.mpf] = {}  # a sum reads each entry once per term, both sides alike

    def __call__(self, number: int, *indices):
        key = (number, *indices)
        if key not in self.values:
            value = _draw(self.vectors[number], tuple(_whole(i) for i in indices), self.pools[number])
            self.values[key] = mpmath.mpf(value.p) / value.q
        return self.values[key]


def _entry(table: _Entries, number: int, *indices):
    return table(number, *indices)


def _fast(expr: sp.Expr, symbols: list[sp.Symbol], vectors: list[sp.IndexedBase] = ()):
    """A 60-digit mpmath version of expr, or None: the first pass of the
    numeric test; any point it flags is re-evaluated exactly with N(). With
    vectors, it takes their _Entries after the symbols, and an entry z_k is
    looked up at the point, indices and sum variables being mpf integers."""
    key = (expr, tuple(symbols), tuple(vectors))
    if key not in _LAMBDA_CACHE:
        numbers = {v: n for n, v in enumerate(vectors)}
        calls = expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base in numbers,
                             lambda e: _ENTRY(_TABLE, numbers[e.base], *e.indices)) if vectors else expr
        printer = _LoopPrinter({"fully_qualified_modules": False, "inline": True,
                                "allow_unknown_functions": True, "user_functions": {}})
        try:
            _LAMBDA_CACHE[key] = sp.lambdify([*symbols, _TABLE] if vectors else symbols, calls, printer=printer,
                                             modules=[{"_entry": _entry, "_indices": _indices}, "mpmath"])
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
    exact = sp.sympify(value)
    value = complex(exact) if not exact.is_real else float(exact)
    if not cmath.isfinite(value):  # beyond float range: "inf vs inf" would read as equal
        return str(sp.N(exact, 10))
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
        symbols += [integer(n) if indexed else sp.Symbol(n, real=True)
                    for n in sorted(domain.symbol_names() - names)]
    points = sample_points(symbols, x, domain, vectors, first_index=_first_index(a, b))
    if x not in free and (domain is None or "x" not in domain.symbol_names()):
        points = [{k: v for k, v in p.items() if k != x} for p in points]
    if len(points) < min_points:
        return Verdict(False, detail=f"only {len(points)} sample points lie in the domain {domain.text}")
    symbols = [s for s in symbols if s in points[0]]
    fast_a, fast_b = _fast(a, symbols, vectors), _fast(b, symbols, vectors)
    compared = 0
    with mpmath.workdps(60):
        for point in points:
            try:
                args = [mpmath.mpf(point[s].p) / point[s].q for s in symbols]
                args += [_Entries(vectors, point)] if vectors else []
                if fast_a is not None and fast_b is not None and _close(fast_a(*args), fast_b(*args)):
                    compared += 1
                    continue
            except Exception:  # a pole, an unsupported function, an index that is no integer: N() decides
                pass
            va, vb = _exact(a, point), _exact(b, point)
            if va is None and vb is None:
                continue
            if va is None or vb is None or not _close(_to_mp(va), _to_mp(vb)):
                return Verdict(False, detail=f"differs at {_where(point)}: {_show(va)} vs {_show(vb)}")
            compared += 1
    if compared < min_points:
        return Verdict(False, detail=f"only {compared} sample points could be evaluated")
    return Verdict(True, symbolic=lambda: _proved(a, b))


def _check_branches(piecewise: sp.Piecewise, other: sp.Expr, first: bool, x: sp.Symbol,
                    domain: Domain | None) -> Verdict:
    """Each branch of a \\begin{cases} against the other side, sampled where its
    own condition holds (and no earlier one does): a wrong branch is named."""
    earlier: list[sp.Basic] = []
    held: list[Verdict] = []
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
        held.append(verdict)
    if not held:
        return Verdict(False, detail=f"no sample point lies in any branch ({domain.text if domain else 'no domain'})")
    rest = sp.And(*[sp.Not(c) for c in earlier])
    rest = rest.xreplace({s: sp.Symbol(s.name, real=True) for s in rest.free_symbols if isinstance(s, sp.Symbol)})
    if rest is not sp.false:
        # Where no branch holds the cases say nothing: a gap the other side fills is an error.
        gap = Domain(f"{domain.text + ', ' if domain else ''}{rest}", (domain.conditions if domain else []) + [rest])
        names = {s for s in other.free_symbols if isinstance(s, sp.Symbol)} | {x}
        points = sample_points(sorted(names, key=str), x, gap)
        defined = [p for p in points if _exact(other, p) is not None]
        if defined:
            return Verdict(False, detail=f"no branch holds at {_where(defined[0])}, where the other side is "
                                         f"{_show(_exact(other, defined[0]))}")
    return Verdict(True, symbolic=lambda: all(v.symbolic for v in held))


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
