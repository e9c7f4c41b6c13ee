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
from pathlib import Path
from types import ModuleType

import mpmath
import numpy as np

from sitekit import cache
from sitekit.catalogue import ACTIVATIONS, elementwise_names, function_for, load_snippet, measurable, snippet
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import DIGITS, is_normal, shared_oracle, ulp_error
from sitekit.points import hard_points, log_grid
from sitekit.references import REFERENCES

GRID = np.concatenate([[0.0], log_grid(np.float64, per_decade=1)])

# The short blocks a reader copies: snippets/activations/short/<name>.py.
SHORT = ACTIVATIONS / "short"
# Their contract: float64 within this relative error where the exact value
# is a normal float (1e-12 is about 4500 ULP), float32 within 16 ULP.
SHORT_RELATIVE = 1e-12
SHORT_ULP = 16.0
# Next to a root of f' the bound is the change of f' when x moves by one
# float, plus this many ULP of the exact value for the rounding of the result.
SHORT_SLACK_ULP = 4.0


def short_path(name: str) -> Path:
    return SHORT / f"{name}.py"


def short_names() -> list[str]:
    return sorted(p.stem for p in SHORT.glob("*.py"))


def short_snippet(name: str) -> ModuleType:
    return load_snippet(short_path(name))


def short_within(dtype) -> float:
    """The contract as a ULP count in `dtype` (float64: 1e-12 relative is at
    least this many ULP), used where the exact value is not a normal float."""
    return SHORT_RELATIVE / float(np.finfo(np.float64).eps) if np.dtype(dtype) == np.float64 else SHORT_ULP


def short_errors(name: str, which: str, dtype, xs: np.ndarray, module: ModuleType | None = None,
                 **params) -> dict:
    """The short block's `which` ("f" or "grad") against the oracle over xs
    cast to dtype, kinks left out (their values are conventions, tested on
    their own). Warnings raise. Returns worst relative error (where the exact
    value is normal), worst ULP (normal) and worst ULP anywhere (subnormal
    units below the normal range; a wrong NaN, infinity or nonzero at an
    exact 0 counts as inf), away from the roots of f'. Next to a root
    (catalogue.measurable's window) a point passes if it meets the contract
    or if its error is at most the change of the exact value when x moves
    by one float either way, plus SHORT_SLACK_ULP: "near" is the worst ratio
    of its error to the more lenient of the two bounds (<= 1 passes)."""
    module = module or short_snippet(name)
    dtype = np.dtype(dtype)
    kinks = [k.at for k in DEFINITIONS[name].kinks]
    xs = np.unique(np.asarray(xs, dtype=np.float64).astype(dtype))
    xs = np.concatenate([xs[~np.isnan(xs)], np.array([np.nan], dtype)])
    xs = xs[~np.isin(xs, np.array(kinks, dtype=dtype))] if kinks else xs
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        computed = np.asarray(function_for(module, name, which)(xs.copy(), **params))
    if computed.dtype != dtype or computed.shape != xs.shape:
        raise AssertionError(f"{name} {which}: {computed.dtype} {computed.shape} from {dtype} {xs.shape}")
    oracle = shared_oracle(name, **params)
    exact = oracle.many(which, xs)
    ulps = ulp_error(computed, exact, dtype)
    normal = is_normal(exact, dtype)
    with mpmath.workdps(DIGITS):
        rel = np.array([float(abs(mpmath.mpf(float(c)) - t) / abs(t)) if n else 0.0
                        for c, t, n in zip(computed, exact, normal)])
    met = (rel <= SHORT_RELATIVE) if dtype == np.float64 else (ulps <= SHORT_ULP)
    met &= ulps <= short_within(dtype)
    kept = measurable(name, which, xs, **params)
    near = ~np.isin(xs, kept) & np.isfinite(xs)
    ratio = 0.0
    for i in np.flatnonzero(near):
        x, t = xs[i], exact[i]
        moved = oracle.many(which, np.array([np.nextafter(x, -np.inf), np.nextafter(x, np.inf)], dtype))
        with mpmath.workdps(DIGITS):
            shift = max(abs(m - t) for m in moved)
            slack = SHORT_SLACK_ULP * float(np.spacing(np.abs(dtype.type(float(t)))))
            err = abs(mpmath.mpf(float(computed[i])) - t)
            ratio = max(ratio, 0.0 if met[i] else float(err / (shift + slack)))
    away = ~near
    worst = int(np.argmax(np.where(away & normal, rel if dtype == np.float64 else ulps, -1.0)))
    return {
        "name": name, "which": which, "dtype": dtype.name, "params": params, "points": int(xs.size),
        "max_rel": float(rel[away & normal].max(initial=0.0)),
        "max_ulp": float(ulps[away & normal].max(initial=0.0)),
        "max_ulp_all": float(ulps[away].max(initial=0.0)),
        "worst_x": float(xs[worst]), "worst_x_all": float(xs[int(np.argmax(np.where(away, ulps, -1.0)))]),
        "near_points": int(near.sum()), "near": ratio,
    }


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
