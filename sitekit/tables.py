"""Tables of values computed at build time: naive vs stable, and friends.

Every number in these tables is produced when the page is built.
"""

from __future__ import annotations

import warnings

import numpy as np


def call(fn, value, dtype=np.float64):
    """fn at one point; returns (result, warning messages raised on the way)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # NumPy's defaults: underflow to 0 or a subnormal is not an error.
        with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
            result = fn(np.asarray(value, dtype=dtype))
    messages = sorted({str(w.message) for w in caught})
    return result, messages


def fmt(value, digits: int = 6) -> str:
    value = float(value)
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf" if value > 0 else "−inf"
    text = f"{value:.{digits}g}"
    return text.replace("-", "−")


def value_table(xs, columns, exact=None, dtype=np.float64, digits: int = 6) -> str:
    """A Markdown table: one row per x, one column per (title, function).

    `exact`, if given, is (title, function returning an mpmath/float value).
    A cell whose computation raised a NumPy warning is marked ⚠ and the
    warning is listed under the table.
    """
    head = ["x"] + [title for title, _ in columns] + ([exact[0]] if exact else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    notes: dict[str, int] = {}
    for value in xs:
        row = [fmt(value)]
        for _, fn in columns:
            result, messages = call(fn, value, dtype)
            cell = fmt(result, digits)
            for message in messages:
                number = notes.setdefault(message, len(notes) + 1)
                cell += f" ⚠{number}"
            row.append(cell)
        if exact:
            row.append(fmt(exact[1](float(np.asarray(value, dtype=dtype))), digits))
        lines.append("| " + " | ".join(row) + " |")
    text = "\n".join(lines)
    if notes:
        text += "\n\n" + "\n".join(f"⚠{n}: NumPy warned *{m}*.  " for m, n in notes.items())
    return text + "\n"


def central_difference(f, x: float, h: float | None = None) -> float:
    """(f(x + h) − f(x − h)) / 2h in float64, h scaled to x."""
    h = h if h is not None else 1e-6 * max(1.0, abs(x))
    return float((f(np.float64(x + h)) - f(np.float64(x - h))) / (2 * h))


def derivative_check_table(f, candidates, xs, rtol: float = 1e-6) -> str:
    """Each candidate formula for f' against central differences of f.

    candidates: (title, function) pairs. A cell shows the candidate's value
    and ✓ or ✗: whether it matches the finite difference within `rtol`.
    """
    head = ["x", "finite difference"] + [title for title, _ in candidates]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for value in xs:
        reference = central_difference(f, value)
        row = [fmt(value), fmt(reference)]
        for _, fn in candidates:
            got = float(fn(np.float64(value)))
            ok = abs(got - reference) <= rtol * max(abs(reference), 1e-12)
            row.append(f"{fmt(got)} {'✓' if ok else '✗'}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def first_x_where(predicate, lo: float, hi: float) -> float:
    """The smallest float64 x in [lo, hi] with predicate(x) true, for a
    predicate that is false at lo and stays true once true (bisection on
    the floats themselves, so the answer is exact)."""
    at_lo, at_hi = bool(predicate(np.float64(lo))), bool(predicate(np.float64(hi)))
    if at_lo or not at_hi:
        # Say which end is wrong and what it gave: the claim the page was
        # about to print no longer holds there, or the bracket is too narrow.
        raise ValueError(
            f"first_x_where: the condition is {at_lo} at lo = {lo!r} and {at_hi} at hi = {hi!r};"
            " it must be False at lo and True at hi: widen [lo, hi], or the claim it finds changed"
        )
    lo, hi = np.float64(lo), np.float64(hi)
    while np.nextafter(lo, hi) < hi:
        mid = lo / 2 + hi / 2
        if mid in (lo, hi):
            mid = np.nextafter(lo, hi)
        if predicate(mid):
            hi = mid
        else:
            lo = mid
    return float(hi)
