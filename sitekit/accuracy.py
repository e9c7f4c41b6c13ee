"""The accuracy report: ULP errors of every activation and its derivative,
next to the naive formula and the library equivalent, against the oracle.

The points: a fixed log-spaced grid over the whole float64 range (both
signs, from the smallest subnormal to the largest finite value, one point a
decade, plus 0), without the kinks (their values are conventions, tested on
their own) and, for a derivative, without the points next to one of its roots
(where no formula keeps a relative error bound): catalogue.measurable.
Errors count wherever the exact value is finite: below the normal range in
units of the smallest subnormal, and an exact 0 must come out as 0. A NaN or
an infinity where the exact value is a number counts as an infinite error.

Each function's figures are kept in the content-hash cache (sitekit.cache):
the build recomputes them only when a snippet, the oracle or a package changes.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np

from sitekit import cache
from sitekit.catalogue import elementwise_names, measurable, snippet
from sitekit.oracle import shared_oracle, ulp_error
from sitekit.points import log_grid
from sitekit.references import REFERENCES

GRID = np.concatenate([[0.0], log_grid(np.float64, per_decade=1)])


def candidates(name: str, which: str) -> list[tuple[str, str, object]]:
    """(role, label, function) for ours, the naive formula and the library equivalent."""
    module = snippet(name)
    found = [("ours", f"{name}{'' if which == 'f' else '_grad'}", getattr(module, name if which == "f" else f"{name}_grad"))]
    naive = getattr(module, f"{name}_naive", None)
    if which == "f" and naive is not None:
        found.append(("naive", f"{name}_naive", naive))
    elif which == "grad" and hasattr(module, f"{name}_grad_naive"):
        found.append(("naive", f"{name}_grad_naive", getattr(module, f"{name}_grad_naive")))
    elif which == "grad" and naive is not None and hasattr(module, f"{name}_grad_from_output"):
        from_output = getattr(module, f"{name}_grad_from_output")
        found.append(("naive", f"{name}_grad_from_output({name}_naive(x))", lambda x: from_output(naive(x))))
    references = REFERENCES.get(name, {}).get(which, [])
    if references:
        found.append(("library", references[0][0], references[0][1]))
    return found


def measure(name: str) -> list[dict]:
    """Rows of (function, which, role, label, max and median ULP error, points)."""
    oracle = shared_oracle(name)
    rows = []
    for which in ("f", "grad"):
        xs = measurable(name, which, GRID)
        exact = oracle.many(which, xs)
        finite = np.array([bool(mpmath.isfinite(t)) for t in exact])
        for role, label, fn in candidates(name, which):
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")  # the naive formulas overflow: that is what is measured
                computed = np.asarray(fn(xs.copy()), dtype=np.float64)
            errors = ulp_error(computed, exact, np.float64)[finite]
            rows.append({
                "name": name, "which": which, "role": role, "label": label,
                "max": float(errors.max()), "median": float(np.median(errors)), "points": int(finite.sum()),
            })
    return rows


def prefetch(names: list[str] | None = None) -> None:
    """Start measuring, in worker processes, every function not in the cache."""
    for name in names or elementwise_names():
        cache.start("accuracy", (name,), measure, name)


def results(name: str) -> list[dict]:
    return cache.memo("accuracy", (name,), lambda: measure(name))


def _ulp(value: float) -> str:
    if value == float("inf"):
        return "∞"
    return f"{value:.2f}" if value < 100 else f"{value:.3g}"


def table() -> str:
    """The Markdown table of the accuracy page."""
    lines = [
        "| function | | ours: max | ours: median | naive | naive: max | naive: median "
        "| library | library: max | library: median |",
        "|---|---|---:|---:|---|---:|---:|---|---:|---:|",
    ]
    for name in elementwise_names():
        rows = results(name)
        for which in ("f", "grad"):
            by_role = {r["role"]: r for r in rows if r["which"] == which}
            cells = [f"[`{name}`](activations/{name}.md)" if which == "f" else "", "f" if which == "f" else "f′"]
            ours = by_role["ours"]
            cells += [_ulp(ours["max"]), _ulp(ours["median"])]
            for role in ("naive", "library"):
                r = by_role.get(role)
                cells += [f"`{r['label']}`", _ulp(r["max"]), _ulp(r["median"])] if r else ["—", "", ""]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def points_text() -> str:
    return (f"{GRID.size} points: 0 and ±10^k·u for every decade k from the smallest subnormal "
            f"({np.finfo(np.float64).smallest_subnormal:.3g}) to the largest float64 "
            f"({np.finfo(np.float64).max:.3g}), u a fixed random factor in [0.5, 1)")
