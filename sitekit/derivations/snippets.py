"""The chain's last step against the page's snippet: its value, derivative
or parameter derivative from snippets/activations/<name>.py on the hard
points. check_against_snippet is the default comparison; the checker takes
any callable of the same signature (chains.check_block's `compare`)."""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from sitekit.definitions import DEFINITIONS
from sitekit.derivations.equality import Domain, _exact, _fast
from sitekit.derivations.meaning import Context

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
