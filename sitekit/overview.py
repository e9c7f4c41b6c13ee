"""The overview table of the activations, computed from the snippets.

Numerical properties come from evaluating the snippet functions; the
smoothness class comes from the SymPy definition (continuity of f and of its
derivatives at each branch point).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from sitekit.catalogue import elementwise_names, snippet
from sitekit.definitions import DEFINITIONS, x
from sitekit.tables import fmt

GRID = np.linspace(-50, 50, 200001)


def _side_limit(expr: sp.Expr, point, side: int):
    """The limit of a piecewise expression at `point` from one side: the
    limit of the branch in force just beside it (sympy.limit does not look
    at which branch applies)."""
    if isinstance(expr, sp.Piecewise):
        beside = point + side * sp.Rational(1, 10**9)
        for branch, cond in expr.args:
            if cond in (True, sp.true) or bool(cond.subs(x, beside)):
                return sp.limit(branch, x, point)
    return sp.limit(expr, x, point)


def smoothness(name: str) -> str:
    """'C∞', 'C⁰' (kink) or 'discontinuous', from the definition."""
    expr = DEFINITIONS[name].with_params()
    pieces = expr.atoms(sp.Piecewise)
    if not pieces:
        return "C∞"
    points = set()
    for piece in pieces:
        for _, cond in piece.args:
            if cond not in (True, sp.true):
                points |= {sp.solve(sp.Eq(cond.lhs, cond.rhs), x)[0]}
    order = 0
    for k in range(3):
        d = sp.diff(expr, x, k)
        if any(_side_limit(d, p, -1) != _side_limit(d, p, +1) for p in points):
            break
        order = k + 1
    return {0: "discontinuous", 1: "C⁰", 2: "C¹", 3: "C²"}[order]


def properties(name: str) -> dict[str, str]:
    module = snippet(name)
    f, grad = getattr(module, name), getattr(module, f"{name}_grad")
    y, slope = f(GRID), grad(GRID)
    limits = f(np.array([-np.inf, np.inf]))
    lo, hi = min(y.min(), limits.min()), max(y.max(), limits.max())
    # An end of the range is closed if some moderate x reaches it exactly; far
    # out, rounding would "reach" limits such as sigmoid's 1.
    moderate = y[np.abs(GRID) <= 10]
    lo_closed, hi_closed = bool(np.any(moderate == lo)), bool(np.any(moderate == hi))
    monotonic = bool(np.all(np.diff(y) >= 0))
    odd = bool(np.array_equal(f(-GRID), -y))
    return {
        "range": f"{'[' if lo_closed else '('}{fmt(lo)}, {fmt(hi)}{']' if hi_closed else ')'}",
        "monotonic": "yes" if monotonic else "no",
        "smoothness": smoothness(name),
        "zero-centred (odd)": "yes" if odd else "no",
        "max slope": fmt(slope.max(), 4),
        "f′ from output": "yes" if hasattr(module, f"{name}_grad_from_output") else "no",
    }


def overview_table() -> str:
    rows = {name: properties(name) for name in elementwise_names()}
    head = ["activation"] + list(next(iter(rows.values())))
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, props in rows.items():
        lines.append(f"| [{name}]({name}.md) | " + " | ".join(props.values()) + " |")
    return "\n".join(lines) + "\n"
