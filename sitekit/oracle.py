"""High-precision reference values, built from the SymPy definitions.

f' comes from `sympy.diff` of the definition, evaluated with mpmath at 50
digits: nothing here shares a formula with the snippets.

Exact values are kept in the content-hash cache (sitekit.cache), one file
per function and parameters, keyed by this file and the expressions it
evaluates: all a value depends on. A snippet edit does not recompute them,
nor does a new or edited registry entry, except the values of its own function.
"""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np
from mpmath import libmp
import sympy as sp

from sitekit import cache
from sitekit.entries import exact_values, x
from sitekit.registry import ELEMENTWISE as DEFINITIONS

DIGITS = 50
# The file an exact value is computed by. The registry files that write the
# expressions are not named: the key holds the expressions themselves (values_key).
CODE = ("sitekit/oracle.py",)

# Stored exact values, by cache key: {"<which> <float.hex(x)>": mpf._mpf_}.
_stores: dict[str, dict[str, list[int]]] = {}
_unsaved: set[str] = set()
_read: dict[str, tuple | None] = {}  # digest -> cache.identity of the file last merged


def values_key(name: str, params: dict, exprs: dict[str, sp.Expr]) -> str:
    """The cache key of one function's exact values at these parameters."""
    # Parameters by their exact binary value: 0.1 and float32(0.1) differ.
    exact = sorted((k, float(v).hex()) for k, v in params.items())
    written = sorted((which, sp.srepr(expr)) for which, expr in exprs.items())
    return cache.key("oracle", name, exact, written, code=CODE)


def _stored(name: str, params: dict, exprs: dict[str, sp.Expr]) -> str:
    digest = values_key(name, params, exprs)
    if digest not in _stores:
        _stores[digest] = {}
        _read.pop(digest, None)
        _refresh(digest)
    return digest


def _refresh(digest: str) -> bool:
    """Merge the stored values into this process's, if the file changed since
    it last did: a worker of the build (sitekit.cache) saves what it
    computed after each job. Whether anything new came."""
    identity = cache.identity("oracle", digest)
    if identity is None or identity == _read.get(digest):
        return False
    stored = cache.load("oracle", digest) or {}
    _read[digest] = identity
    values = _stores[digest]
    before = len(values)
    for name, value in stored.items():
        values.setdefault(name, value)
    return len(values) > before


def save() -> None:
    """Write the exact values computed in this process to the cache, merged
    with what another process may have stored meanwhile. The build calls this
    (sitekit/hooks.py, after each build, and each of its worker jobs through
    cache.after_each_job); the tests do not, so the stores hold what the
    pages use, not the millions of points the tests sweep."""
    for digest in sorted(_unsaved & set(_stores)):
        merged = cache.load("oracle", digest) or {}
        merged.update(_stores[digest])
        cache.store("oracle", digest, merged)
    _unsaved.clear()


cache.after_each_job(save)  # a worker's values, for the build's other processes



def _exp(value):
    """mpmath.exp, without its slow path: above 600 bits of precision mpmath
    raises e to the integer x by repeated squaring, which takes seconds at
    x = -1e300. Here e^x = 2^n * e^r with n = round(x / ln 2) and
    |r| <= ln 2 / 2, r computed with as many extra bits as n has."""
    value = mpmath.mpmathify(value)
    # Below 2^64 mpmath's own exp is the faster (4-10x, measured up to 3,200 digits).
    if not mpmath.isfinite(value) or abs(value) < 2**64:
        return mpmath.exp(value)
    extra = int(mpmath.log(abs(value), 2)) + 10
    with mpmath.extraprec(extra):
        n = int(mpmath.nint(value / mpmath.ln2))
        r = value - n * mpmath.ln2
    return mpmath.ldexp(mpmath.exp(r), n)


def _erfc(value):
    """mpmath.erfc, without its slow path: at z = 1e300 it takes 70 ms. For z >= 2^90
    1 - 1/(2z^2) < erfc(z) z sqrt(pi) e^(z^2) < 1, so e^(-z^2) / (z sqrt(pi)) is
    within 2^-181 of it, relative: below the 50 digits the oracle keeps."""
    value = mpmath.mpmathify(value)
    if not mpmath.isfinite(value) or value < 2**90:
        return mpmath.erfc(value)
    with mpmath.extraprec(10):
        return _exp(-value * value) / (value * mpmath.sqrt(mpmath.pi))


# Two precisions agree when they differ by at most this, relative.
with mpmath.workdps(DIGITS):
    _AGREE = mpmath.mpf(10) ** (-DIGITS + 5)


def _without_erf(expr: sp.Expr) -> sp.Expr:
    """erf(u) as erfc(-u) - 1, the same function, so that SymPy folds 1 + erf(u)
    into erfc(-u): for u << 0, 1 + erf(u) cancels (GELU at x = -50 needed 2,300 digits)."""
    # evaluate=False: SymPy would write erfc(-u) back as 2 - erfc(u) for u = x/sqrt(2).
    return expr.replace(sp.erf, lambda u: sp.erfc(-u, evaluate=False) - 1) if expr.has(sp.erf) else expr


def _mp(value: float) -> mpmath.mpf:
    return mpmath.mpf(float(value))


class Oracle:
    """f and its derivatives for one activation at fixed parameters."""

    def __init__(self, name: str, **params: float):
        self.definition = DEFINITIONS[name]
        self.expr = self.definition.with_params(**params)
        written = {"f": self.expr, "grad": sp.diff(self.expr, x)}
        values = exact_values({**self.definition.params, **params})
        for pname in self.definition.params:
            d = sp.diff(self.definition.expr, sp.Symbol(pname, real=True))
            written[f"grad_{pname}"] = d.subs(values)
        self.exprs = {k: _without_erf(e) for k, e in written.items()}
        self._funcs = {k: sp.lambdify(x, e, modules=[{"exp": _exp, "erfc": _erfc}, "mpmath"]) for k, e in self.exprs.items()}
        self._values: dict[tuple[str, float], mpmath.mpf] = {}
        self._digest = _stored(name, params, self.exprs)

    @lru_cache(maxsize=None)
    def _limit(self, which: str, sign: int) -> mpmath.mpf:
        # x = ±1/t with t -> 0+: sympy.limit at ±oo fails on Piecewise.
        t = sp.Symbol("t", positive=True)
        expr = self.exprs[which]
        # Far out, a piecewise definition is one of its branches: take that
        # branch (its conditions cannot be compared with an infinite x).
        far = sp.Integer(sign) * sp.Integer(10) ** 100
        while isinstance(expr, sp.Piecewise):
            expr = next(branch for branch, cond in expr.args if cond in (True, sp.true) or bool(cond.subs(x, far)))
        lim = sp.limit(expr.subs(x, sign / t), t, 0, "+")
        if lim in (sp.oo, -sp.oo):
            return mpmath.inf if lim == sp.oo else -mpmath.inf
        return mpmath.mpf(sp.N(lim, DIGITS))

    def __call__(self, which: str, value: float, refresh: bool = True) -> mpmath.mpf:
        """The exact value (to 50 digits) of f, grad or grad_<param> at a float.
        refresh=False: do not look for values another process stored since (many() looks once per call)."""
        key = (which, value)
        if key not in self._values:
            stored, name = _stores[self._digest], f"{which} {float(value).hex()}"
            if name in stored or (refresh and _refresh(self._digest) and name in stored):
                # make_mpf: as stored, not rounded to the working precision;
                # the mantissa as mpmath's backend keeps it (an mpz on gmpy2).
                sign, man, exp, bc = stored[name]
                self._values[key] = mpmath.mp.make_mpf((sign, mpmath.libmp.MPZ(man), exp, bc))
            else:
                exact = self._evaluate(which, value)
                if not isinstance(exact, mpmath.mpf):  # a constant branch gives an int
                    with mpmath.workdps(DIGITS):
                        exact = mpmath.mpf(exact)
                self._values[key] = exact
                stored[name] = [int(part) for part in exact._mpf_]
                _unsaved.add(self._digest)
        return self._values[key]

    def _evaluate(self, which: str, value: float) -> mpmath.mpf:
        if math.isnan(value):
            return mpmath.nan
        if math.isinf(value):
            return self._limit(which, 1 if value > 0 else -1)
        # Raise the working precision until two evaluations agree: formulas
        # such as 1 - tanh(x)**2 or log(1 + exp(x)) cancel at fixed precision.
        # Start with one extra digit per decade of e^|x|: at x = -299, tanh(log(1 + e^x))
        # gives the same wrong value at 50 and at 100 digits.
        extra = int(abs(value) / 2.302585092994046) + 1 if abs(value) < 1000 else 0
        digits, previous = DIGITS + extra, None
        while True:
            with mpmath.workdps(digits):
                current = self._funcs[which](_mp(value))
            if isinstance(current, int):  # a constant branch of a Piecewise: exact, no rounding to settle
                return current
            if previous is not None and (
                current == previous
                or abs(current - previous) <= abs(current) * _AGREE
            ) and (current != 0 or digits >= 800):
                with mpmath.workdps(DIGITS):
                    return +current
            if digits > 3000:
                raise ArithmeticError(f"{which}({value!r}) does not settle at {digits} digits")
            previous, digits = current, digits * 2

    def many(self, which: str, values: np.ndarray) -> list[mpmath.mpf]:
        # One look at the stored file per call, not per point (a stat each: a quarter of a sweep's time).
        _refresh(self._digest)
        return [self(which, float(v), refresh=False) for v in np.asarray(values, dtype=np.float64).ravel()]


def ulp_error(computed: np.ndarray, exact: list, dtype) -> np.ndarray:
    """|computed - exact| in units in the last place of `exact` in `dtype`.

    The unit is the spacing of `dtype` at the exact value (the smallest
    subnormal spacing below the normal range), so the error of a result that
    rounds to a subnormal counts in absolute units of that spacing.
    Matching infinities and NaNs count as 0; any other mismatch as inf.
    """
    info = np.finfo(dtype)
    computed = np.asarray(computed).ravel()
    out = np.empty(computed.size)
    with mpmath.workdps(DIGITS):
        prec, rounding = mpmath.mp._prec_rounding
        for i, (c, t) in enumerate(zip(computed.tolist(), exact)):
            c = float(c)
            parts = getattr(t, "_mpf_", None)
            if parts is None or not parts[1] or not math.isfinite(c):
                out[i] = _special_ulp_error(c, t, info)
                continue
            # As float(ldexp(abs(mpf(c) - t), nmant - exponent)) at DIGITS, on
            # mpmath's tuples: the same roundings, without an mpf per step
            # (a third of a sweep's time). floor(log2 |t|) = exp + bc - 1.
            exponent = max(parts[2] + parts[3] - 1, info.minexp)
            difference = libmp.mpf_abs(libmp.mpf_sub(libmp.from_float(c), parts, prec, rounding))
            out[i] = libmp.to_float(libmp.mpf_shift(difference, info.nmant - exponent), rnd=rounding)
    return out


def _special_ulp_error(c: float, t, info) -> float:
    """ulp_error where the exact value is 0, ±inf or NaN, or the computed one ±inf or NaN."""
    with mpmath.workdps(DIGITS):
        if mpmath.isnan(t) or math.isnan(c):
            return 0.0 if (mpmath.isnan(t) and math.isnan(c)) else math.inf
        if mpmath.isinf(t) or math.isinf(c):
            # inf is also the correctly rounded result of an exact value
            # past the overflow threshold (max + half an ULP at max).
            overflow_at = mpmath.mpf(float(info.max)) + mpmath.ldexp(1, info.maxexp - 1 - info.nmant - 1)
            overflows = mpmath.isinf(t) or abs(t) >= overflow_at
            return 0.0 if (overflows and math.isinf(c) and (c > 0) == (t > 0)) else math.inf
        if t == 0:
            return 0.0 if c == 0 else math.inf
        # Not an mpf (an int, a SymPy number): as mpmath converts it.
        exponent = max(mpmath.frexp(t)[1] - 1, info.minexp)
        return float(mpmath.ldexp(abs(mpmath.mpf(c) - t), info.nmant - exponent))


def is_normal(exact: list, dtype) -> np.ndarray:
    """True where the exact value is a normal, finite number of `dtype`."""
    info = np.finfo(dtype)
    tiny, big = mpmath.mpf(float(info.smallest_normal)), mpmath.mpf(float(info.max))
    out = np.empty(len(exact), dtype=bool)
    prec, rounding = mpmath.mp._prec_rounding  # abs(t) rounds to the working precision
    for i, t in enumerate(exact):
        parts = getattr(t, "_mpf_", None)
        if parts is None:  # not an mpf: as mpmath compares it
            out[i] = bool(mpmath.isfinite(t) and tiny <= abs(t) <= big)
            continue
        # On mpmath's tuples, as the comparisons above: 0, ±inf and NaN have no mantissa.
        size = libmp.mpf_abs(parts, prec, rounding)
        out[i] = bool(parts[1]) and libmp.mpf_cmp(size, tiny._mpf_) >= 0 and libmp.mpf_cmp(size, big._mpf_) <= 0
    return out


@lru_cache(maxsize=None)
def _shared(name: str, params: tuple) -> Oracle:
    return Oracle(name, **dict(params))


def shared_oracle(name: str, **params: float) -> Oracle:
    """One Oracle per function and parameters in this process, so exact values
    computed by one test are not computed again by the next."""
    return _shared(name, tuple(sorted(params.items())))
