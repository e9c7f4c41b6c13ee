"""The overview table of the activations, computed from the snippets.

Numerical properties come from evaluating the snippet functions; the
smoothness class comes from the SymPy definition (continuity of f and of its
derivatives at each branch point).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import sympy as sp

from sitekit.catalogue import elementwise_names, snippet, snippet_names
from sitekit.entries import x
from sitekit.registry import REGISTRY
from sitekit.tables import fmt

GRID = np.linspace(-50, 50, 200001)

# A view for code that still reads the name (tests/test_claims_activations.py).
SELF_GATED = {name for name, entry in REGISTRY.items() if entry.self_gated}
FRAMEWORK_VALUES = Path(__file__).resolve().parent / "framework_values.json"


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
    expr = REGISTRY[name].with_params()
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
    steps = np.diff(slope)
    slope_monotonic = bool(np.all(steps >= 0) or np.all(steps <= 0))
    odd = bool(np.array_equal(f(-GRID), -y))
    params = REGISTRY[name].params
    return {
        "range": f"{'[' if lo_closed else '('}{fmt(lo)}, {fmt(hi)}{']' if hi_closed else ')'}",
        "monotonic": "yes" if monotonic else "no",
        "monotonic f′": "yes" if slope_monotonic else "no",
        "smoothness": smoothness(name),
        "zero-centred (odd)": "yes" if odd else "no",
        "self-gated": "yes" if REGISTRY[name].self_gated else "no",
        "max slope": fmt(slope.max(), 4),
        "f′ from output": "yes" if hasattr(module, f"{name}_grad_from_output") else "no",
        "parameters": ", ".join(f"{k} = {fmt(v, 4)}" for k, v in params.items()) or "—",
    }


def overview_table() -> str:
    rows = {name: properties(name) for name in elementwise_names()}
    head = ["activation"] + list(next(iter(rows.values())))
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, props in rows.items():
        lines.append(f"| [{name}]({name}.md) | " + " | ".join(props.values()) + " |")
    return "\n".join(lines) + "\n"


def names_table() -> str:
    """The name of every activation of the site in PyTorch, JAX and Keras."""
    lines = ["| activation | PyTorch (`F` = `torch.nn.functional`) | JAX | Keras (`keras.activations.`) |",
             "|---|---|---|---|"]
    for name in snippet_names():
        entry = REGISTRY[name]
        cells = [f"`{n}`" if n != "—" else n for n in (entry.torch.name, entry.jax.name, entry.keras)]
        lines.append(f"| [{name}]({name}.md) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def gallery() -> str:
    """Small multiples of f and f′ for every elementwise activation, one
    small figure each, titled with its page's heading and linking to it."""
    from sitekit.plots import page_title, plot_gallery

    panels = []
    for name in elementwise_names():
        module = snippet(name)
        panels.append((page_title(name), f"{name}.md", getattr(module, name), getattr(module, f"{name}_grad")))
    return plot_gallery(panels)


def conventions_table() -> str:
    """Each kink: what the snippet returns (called now), why, and what
    PyTorch and JAX returned when sitekit/framework_values.json was measured."""
    measured = json.loads(FRAMEWORK_VALUES.read_text(encoding="utf-8"))
    lines = [
        f"Framework values measured with PyTorch {measured['torch']} and JAX {measured['jax']} "
        f"on {measured['measured']} by `python -m sitekit.frameworks`, in float64, default parameters.\n",
        "| function | at x | this site: f, f′ | PyTorch: f, f′ | JAX: f, f′ | why this site's choice |",
        "|---|---:|---|---|---|---|",
    ]

    def pair(entry):
        if entry is None:
            return "no such function"
        grad = entry["grad"]
        grad = fmt(grad) if isinstance(grad, (int, float)) else f"*{grad}*"
        value = "nan" if entry["f"] is None else fmt(entry["f"])
        return f"{value}, {grad}"

    for name in elementwise_names():
        definition = REGISTRY[name]
        if not definition.kinks:
            continue
        module = snippet(name)
        rows = {row["at"]: row for row in measured["values"].get(name, [])}
        for kink in definition.kinks:
            at = np.float64(kink.at)
            ours = f"{fmt(getattr(module, name)(at))}, {fmt(getattr(module, f'{name}_grad')(at))}"
            row = rows.get(kink.at)
            if row is None:
                raise ValueError(f"{name}: kink at {kink.at} not measured; run python -m sitekit.frameworks")
            lines.append(f"| [{name}]({name}.md) | {fmt(kink.at)} | {ours} | {pair(row.get('torch'))} "
                         f"| {pair(row.get('jax'))} | {kink.why} |")
    return "\n".join(lines) + "\n"
