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

import ast
import inspect
import io
import logging
import math
import tokenize
import warnings
from pathlib import Path
from types import ModuleType

import mpmath
import numpy as np

from sitekit import cache
from sitekit.catalogue import (
    ACTIVATIONS, ROOT, SnippetImportError, elementwise_names, function_for, load_snippet, measurable, snippet,
)
from sitekit.oracle import DIGITS, is_normal, shared_oracle, ulp_error
from sitekit.points import hard_points, log_grid
from sitekit.registry import REGISTRY

GRID = np.concatenate([[0.0], log_grid(np.float64, per_decade=1)])

# The short blocks a reader copies: snippets/activations/short/<name>.py.
SHORT = ACTIVATIONS / "short"
# Their contract: float64 within this relative error where the exact value
# is a normal float (1e-12 is about 4500 ULP), float32 within 16 ULP.
SHORT_RELATIVE = 1e-12
SHORT_ULP = 16.0
# Next to a root of f' the bound is the change of f' when x moves by one
# float, plus this many ULP of 1 for the rounding of the terms that cancel
# there (they are of order 1: Phi(x) and x phi(x) are about 0.23 at GELU's).
SHORT_SLACK_ULP = 4.0
# The exact snippets' contract on GRID (tests/test_activations.py holds them
# to it on denser points too).
EXACT_ULP = {"f": 4.0, "grad": 8.0}

log = logging.getLogger("mkdocs.plugins.sitekit.accuracy")


def _def_line(file: str, label: str) -> str:
    """file:line of the `def` of the function the label names (`relu_grad (float32)` -> relu_grad):
    where Python has it (inspect, on the function the file defines), else the line that starts `def <name>(`."""
    function = label.split(" ", 1)[0]
    path = ROOT / file
    try:
        found = getattr(load_snippet(path), function, None) if path.is_file() else None
    except SnippetImportError:  # no line from Python: the text search below still finds one
        found = None
    if inspect.isfunction(found) and Path(inspect.getsourcefile(found)).resolve() == path.resolve():
        return f"{file}:{inspect.getsourcelines(found)[1]}"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    line = next((n for n, text in enumerate(lines, start=1) if text.startswith(f"def {function}(")), None)
    return f"{file}:{line}" if line else file


def _breach(page: str, file: str, label: str, found: str, bound: str) -> None:
    """A snippet beyond its contract fails the strict build, not only the tests."""
    log.warning(f"{page}: {_def_line(file, label)}: `{label}` measured {found}, beyond its contract of {bound}: "
                "the code is wrong (or the contract is); pytest tests/test_activations.py "
                "tests/test_short_blocks.py -k <name> shows the points")


def short_path(name: str) -> Path:
    return SHORT / f"{name}.py"


def short_names() -> list[str]:
    return sorted(p.stem for p in SHORT.glob("*.py"))


def short_snippet(name: str) -> ModuleType:
    return load_snippet(short_path(name))


def short_code_lines(name: str) -> int:
    return len(code_lines(short_path(name).read_text()))


def code_lines(source: str) -> list[int]:
    """Numbers of the lines that hold code: not blank, not only a comment,
    not part of a docstring (module, function or class)."""
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER, tokenize.ENCODING}
    lines: set[int] = set()
    for token in tokenize.tokenize(io.BytesIO(source.encode()).readline):
        if token.type not in skip:
            lines.update(range(token.start[0], token.end[0] + 1))
    return sorted(lines - docstrings)


def short_subnormal_bound(dtype) -> float:
    """Below the normal range the contract asks for no relative accuracy:
    an error up to the smallest normal number, in units of the smallest
    subnormal spacing (results may be flushed to 0 a little early)."""
    return float(2 ** np.finfo(dtype).nmant)


def short_errors(name: str, which: str, dtype, xs: np.ndarray, module: ModuleType | None = None,
                 **params) -> dict:
    """The short block's `which` ("f" or "grad") against the oracle over xs
    cast to dtype, kinks left out (their values are conventions, tested on
    their own). Warnings raise. Returns worst relative error (where the exact
    value is normal), worst ULP (normal), worst error where the exact value
    is subnormal (in subnormal units), and "wrong": how many results are
    NaN, infinite or nonzero where the exact value is a number, a finite
    number or 0 (or the other way round), away from the roots of f'. Next to a root
    (catalogue.measurable's window) a point passes if it meets the contract
    or if its error is at most the change of the exact value when x moves
    by one float either way, plus SHORT_SLACK_ULP ULP of 1: "near" is the worst ratio
    of its error to the more lenient of the two bounds (<= 1 passes), and
    "near_shift" the worst ratio of its error to that change alone."""
    module = module or short_snippet(name)
    dtype = np.dtype(dtype)
    kinks = [k.at for k in REGISTRY[name].kinks]
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
    subnormal = ~normal & np.array([bool(mpmath.isfinite(t) and t != 0) for t in exact])
    with mpmath.workdps(DIGITS):
        rel = np.array([float(abs(mpmath.mpf(float(c)) - t) / abs(t)) if n else 0.0
                        for c, t, n in zip(computed, exact, normal)])
    met = (rel <= SHORT_RELATIVE) if dtype == np.float64 else (ulps <= SHORT_ULP)
    kept = measurable(name, which, xs, **params)
    near = ~np.isin(xs, kept) & np.isfinite(xs)
    ratio, shift_ratio = 0.0, 0.0
    for i in np.flatnonzero(near):
        x, t = xs[i], exact[i]
        moved = oracle.many(which, np.array([np.nextafter(x, -np.inf), np.nextafter(x, np.inf)], dtype))
        with mpmath.workdps(DIGITS):
            shift = max(abs(m - t) for m in moved)
            slack = SHORT_SLACK_ULP * float(np.finfo(dtype).eps)
            err = abs(mpmath.mpf(float(computed[i])) - t)
            shift_ratio = max(shift_ratio, float(err / shift)) if shift else math.inf
            ratio = max(ratio, 0.0 if met[i] else float(err / (shift + slack)))
    away = ~near
    worst = int(np.argmax(np.where(away & normal, rel if dtype == np.float64 else ulps, -1.0)))
    return {
        "name": name, "which": which, "dtype": dtype.name, "params": params, "points": int(xs.size),
        "max_rel": float(rel[away & normal].max(initial=0.0)),
        "max_ulp": float(ulps[away & normal].max(initial=0.0)),
        "max_subnormal": float(ulps[away & subnormal].max(initial=0.0)),
        "wrong": [float(v) for v in xs[np.isinf(ulps)]],
        "worst_x": float(xs[worst]),
        "near_points": int(near.sum()), "near": ratio, "near_shift": shift_ratio,
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
    references = REGISTRY[name].references.get(which, [])
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


def code(name: str) -> tuple[str, ...]:
    """What a measurement of `name` reads: sitekit/ and the function's snippet."""
    return cache.reading(f"activations/{name}.py")


def short_code(name: str) -> tuple[str, ...]:
    """What short_results(name) reads: also the short block."""
    return cache.reading(f"activations/{name}.py", f"activations/short/{name}.py")


def prefetch(names: list[str] | None = None) -> None:
    """Start measuring, in worker processes, every function not in the cache."""
    for name in names or elementwise_names():
        cache.start("accuracy", (name,), measure, name, code=code(name))
    for name in short_elementwise():
        cache.start("short-accuracy", (name,), measure_short, name, code=short_code(name))


def short_elementwise() -> list[str]:
    return [n for n in short_names() if n in elementwise_names()]


def short_points(dtype) -> np.ndarray:
    """The points of the pages' figures: the hard points and GRID, in dtype."""
    with np.errstate(over="ignore", under="ignore"):
        return np.unique(np.concatenate([hard_points(dtype), GRID.astype(dtype)]))


def root_points(name: str, dtype, count: int = 4, scale: float = 1.0) -> np.ndarray:
    """Each root of f' (in the variable scale * x) rounded to dtype, and
    `count` floats on each side of it."""
    found = []
    for root in REGISTRY[name].grad_roots:
        lo = hi = dtype(root / scale)
        found.append(lo)
        for _ in range(count):
            lo, hi = np.nextafter(lo, dtype(-np.inf)), np.nextafter(hi, dtype(np.inf))
            found += [lo, hi]
    return np.array(found, dtype=dtype)


def measure_short(name: str) -> list[dict]:
    """short_errors of the short block and of the exact snippet, f and f',
    float64 and float32, default parameters, over short_points and the floats
    next to each root of f'."""
    rows = []
    for version, module in (("short", short_snippet(name)), ("exact", snippet(name))):
        for which in ("f", "grad"):
            for dtype in (np.float64, np.float32):
                xs = np.concatenate([short_points(dtype), root_points(name, dtype)])
                row = short_errors(name, which, dtype, xs, module=module)
                rows.append({**row, "version": version, "params": {}})
    return rows


def short_results(name: str) -> list[dict]:
    return cache.memo("short-accuracy", (name,), lambda: measure_short(name), code=short_code(name))


def short_figure(rows: list[dict], version: str, which: str, dtype: str) -> dict:
    return next(r for r in rows if (r["version"], r["which"], r["dtype"]) == (version, which, dtype))


def _fmt_rel(value: float) -> str:
    return "0" if value == 0 else f"{value:.2g}"


def short_contract(name: str) -> str:
    """The sentences under a page's short block: its contract and the worst
    errors this build measured (one sentence a line)."""
    rows = short_results(name)
    check_short(name, rows)
    f64 = [short_figure(rows, "short", w, "float64") for w in ("f", "grad")]
    f32 = [short_figure(rows, "short", w, "float32") for w in ("f", "grad")]
    roots = REGISTRY[name].grad_roots
    grid = "the [accuracy grid](../accuracy.md#how-it-is-measured)"
    where = f"the hard points, {grid} and the 9 floats nearest the root of f′" if roots else f"the hard points and {grid}"
    lines = [
        f"Against the exact values (the oracle), on {f64[0]['points']} float64 and {f32[0]['points']} float32 points "
        f"({where}), this build measured a worst relative error of {_fmt_rel(f64[0]['max_rel'])} for `{name}` "
        f"and {_fmt_rel(f64[1]['max_rel'])} for `{name}_grad` in float64, "
        f"and {_ulp(f32[0]['max_ulp'])} and {_ulp(f32[1]['max_ulp'])} ULP in float32."
    ]
    if roots:
        g64, g32 = f64[1], f32[1]
        lines.append(
            f"Within 0.05 of the root of f′ at x ≈ {roots[0]:.4f}, where no formula keeps a relative bound, "
            f"the error of `{name}_grad` is held to the change of f′ when x moves by one float "
            f"(plus {SHORT_SLACK_ULP:g} ULP of 1, the rounding of the terms that cancel there); "
            f"it is at most {g64['near_shift']:.2g} times that change in float64 and {g32['near_shift']:.2g} in float32."
        )
    lines.append(
        "The contract, tested by `tests/test_short_blocks.py` on denser points: float64 within "
        f"{SHORT_RELATIVE:g} relative where the exact value is a normal float; float32 in, float32 out, within "
        f"{SHORT_ULP:g} ULP; no warning, NaN in, NaN out, and the right limits at ±∞."
    )
    return "\n".join(lines)


def check_short(name: str, rows: list[dict]) -> None:
    """Log a warning for each figure of the short block beyond its contract."""
    page, file = f"docs/activations/{name}.md", f"snippets/activations/short/{name}.py"
    for r in (r for r in rows if r["version"] == "short"):
        label = f"{name}{'' if r['which'] == 'f' else '_grad'} ({r['dtype']})"
        if r["dtype"] == "float64" and r["max_rel"] > SHORT_RELATIVE:
            _breach(page, file, label, f"a relative error of {r['max_rel']:.3g} at x = {r['worst_x']!r}",
                    f"{SHORT_RELATIVE:g}")
        if r["dtype"] == "float32" and r["max_ulp"] > SHORT_ULP:
            _breach(page, file, label, f"{_ulp(r['max_ulp'])} ULP at x = {r['worst_x']!r}", f"{SHORT_ULP:g} ULP")
        if r["wrong"]:
            _breach(page, file, label, f"NaN, inf or a wrong 0 at x = {r['wrong'][:3]}", "finite where f is")
        if r["near"] > 1:
            _breach(page, file, label, f"{r['near']:.3g} times the one-float change next to a root of f′",
                    "1 time")
        if r["max_subnormal"] > short_subnormal_bound(np.dtype(r["dtype"])):
            _breach(page, file, label, f"{r['max_subnormal']:.3g} subnormal units where f is subnormal",
                    "the smallest normal")


def short_table() -> str:
    """The short blocks next to the exact snippets: worst float64 relative error and worst float32 ULP."""
    lines = [
        "| function | | code lines | short: float64 | exact: float64 | short: float32 | exact: float32 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name in short_elementwise():
        rows = short_results(name)
        for which in ("f", "grad"):
            cells = [f"[`{name}`](activations/{name}.md#implementation)" if which == "f" else "",
                     "f" if which == "f" else "f′", str(short_code_lines(name)) if which == "f" else ""]
            for dtype, key in (("float64", "max_rel"), ("float32", "max_ulp")):
                for version in ("short", "exact"):
                    value = short_figure(rows, version, which, dtype)[key]
                    cells.append(_fmt_rel(value) if key == "max_rel" else _ulp(value))
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def results(name: str) -> list[dict]:
    return cache.memo("accuracy", (name,), lambda: measure(name), code=code(name))


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
            if by_role["ours"]["max"] > EXACT_ULP[which]:
                _breach("docs/accuracy.md", f"snippets/activations/{name}.py", by_role["ours"]["label"],
                        f"{_ulp(by_role['ours']['max'])} ULP on the accuracy grid", f"{EXACT_ULP[which]:g} ULP")
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
