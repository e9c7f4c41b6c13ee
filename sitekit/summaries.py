"""Check the summary and matrix-form formulas of the backprop and layer pages numerically.

sitekit.formulas reads scalar formulas with SymPy; the formulas a reader
remembers, `\\Delta^{(l)} = (\\Delta^{(l+1)} (W^{(l+1)})^{\\mathsf T}) \\odot g'(Z^{(l)})`,
`\\bar{X} = \\bar{Y} W^{\\mathsf T}`, are in matrix notation it cannot read. This
module reads each such formula's TeX from the page at every build
(sitekit.matrix_tex), binds its names to what the page's snippets compute on
seeded random float64 arrays of small odd shapes (sitekit.summary_bindings),
and evaluates every side of every statement twice:
- with the gradients the snippets' backward functions return; the sides must
  agree within `CLOSE` ulps of their size;
- with every gradient replaced by central differences of the snippets'
  forward functions, so nothing rests on the backward code alone; the sides
  must agree within the central-difference bound `_CENTRAL`.

A binding marked `inline` checks an inline formula `\\( ... \\)` (as
sitekit.inline_formulas extracts them) instead of a display formula.

A formula the reader cannot read, a name the binding does not give, shapes
that do not fit, or sides that differ: each fails with the page and line
and what to do. A binding whose formula is gone fails (stale), and so does an
entry of sitekit/formula_exceptions.py or sitekit/inline_exceptions.py that
says "checked by: sitekit.summaries" for a formula no binding checks.

`python -m sitekit.summaries [FILE ...]` checks the given pages (default: every
page with a binding) and exits 1 on any failure. The MkDocs hook calls
`check_markdown(markdown, page.file.src_uri)`.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np

from sitekit import cache
from sitekit.matrix_eval import Evaluator
from sitekit.matrix_tex import ShapeError, TexError, parse

_EPS = np.finfo(np.float64).eps
# Sides computed in another order (loops, matmul): a few rounding errors per
# term of sums of at most a dozen terms; 2^8 ulps of the largest entry.
CLOSE = 2.0**8 * _EPS
# Central differences with the step eps^(1/3) err by about eps^(2/3) relative
# (truncation and rounding alike); 2^7 of that leaves room for sums of terms
# (the pages' largest is 3.2e-10 of 4.7e-9).
_CENTRAL = 2.0**7 * _EPS ** (2 / 3)
_ALIGNED = re.compile(r"\\(?:begin|end)\{aligned\}")
# A row break, a \quad, or a comma before `&` (`I_t &= ..., & F_t &= ...`: two statements in a row).
_BREAK = re.compile(r"\\\\(?:\[[^\]]*\])?|\\q?quad(?![A-Za-z])|,(?=\s*&)")
_TRAILING = re.compile(r"[\s.,;]*$")
_ASSIGN = re.compile(r"^[^{}()]*?\\leftarrow(?![A-Za-z])")


def statements(tex: str) -> list[tuple[int, str]]:
    """(offset, text) of each statement: rows of `aligned`, pieces between \\qquad, pieces of a row
    that a comma before `&` separates; a row that starts with `+` or `-` (after `&` and spacing)
    continues the statement above it."""
    tex = _ALIGNED.sub(lambda m: " " * len(m.group(0)), tex)
    spans, last, depth, i = [], 0, 0, 0
    while i < len(tex):
        match = _BREAK.match(tex, i)
        if match and depth == 0:
            spans.append((last, i))
            last = i = match.end()
            continue
        if tex[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        i += 1
    spans.append((last, len(tex)))
    merged: list[list[int]] = []
    for start, end in spans:
        text = tex[start:end].replace("&", " ").strip()
        if not text:
            continue
        if merged and text[0] in "+-":
            merged[-1][1] = end
        else:
            merged.append([start, end])
    out = []
    for start, end in merged:
        # Breaks inside a continued statement blanked, same length, so offsets still hold.
        text = _BREAK.sub(lambda m: " " * len(m.group(0)), tex[start:end])
        # The offset of the first character, so a statement's line is its own.
        out.append((start + len(text) - len(text.lstrip()), _TRAILING.sub("", text.strip())))
    return out


def sides(offset: int, text: str) -> list[tuple[int, str]]:
    """(offset, text) of each side of `=`, split outside braces and brackets."""
    out, depth, last = [], 0, 0
    for i, char in enumerate(text):
        depth += {"{": 1, "(": 1, "}": -1, ")": -1}.get(char, 0)
        if char == "=" and depth == 0:
            out.append((offset + last, text[last:i]))
            last = i + 1
    out.append((offset + last, text[last:]))
    # `W \\leftarrow <value>`: the side is the value (the target is the name, not a claim).
    out = [(o + m.end(), t[m.end():]) if (m := _ASSIGN.search(t)) else (o, t) for o, t in out]
    # The `&` of an aligned row is blanked (offsets kept): it marks alignment, not a term.
    return [(o + len(t) - len(t.lstrip()), t.replace("&", " ").strip()) for o, t in out]


def _difference(left: np.ndarray, right: np.ndarray) -> tuple[float, float, tuple]:
    """(largest |left - right|, largest entry, where), NaN counted as a difference."""
    gap = np.abs(left - right)
    gap = np.where(np.isnan(gap), np.inf, gap)
    where = np.unravel_index(int(np.argmax(gap)), gap.shape) if gap.ndim else ()
    scale = max(1.0, float(np.nanmax(np.abs(left), initial=0)), float(np.nanmax(np.abs(right), initial=0)))
    return float(gap.max(initial=0)), scale, tuple(int(i) for i in where)


def source(binding) -> str:
    """The file that holds a binding (summary_bindings.py or one of its siblings), for messages."""
    setup = getattr(binding.setup, "func", binding.setup)  # a partial names its function
    return getattr(setup, "__module__", "sitekit.summary_bindings").replace(".", "/") + ".py"


def check_formula(formula, binding, label: str) -> list[str]:
    """Errors of one formula against its binding (empty when every statement holds).
    `formula` is a display formula (sitekit.formulas) or an inline one (sitekit.inline_formulas):
    both give line, tex, flat and line_at."""
    where, file = f"{label}:{formula.line}", source(binding)
    try:
        env, central = binding.setup(np.random.default_rng(binding.seed))
    except Exception as error:  # a snippet that raises: the build names it, not a traceback
        return [f"{where}: the binding in {file} ({binding.what}) failed: "
                f"{type(error).__name__}: {error}; fix the snippet or the binding"]
    parts = [s for s in statements(formula.tex) if "=" in s[1]]
    if not parts:
        return [f"{where}: the formula bound in {file} has no `=` left to check; "
                f"fix the formula or delete its binding\n    {formula.flat}"]
    found = _findings(formula, binding, label, env, central, parts)
    if not binding.wrong:
        return [message for _, _, message in found]
    # A mistake quoted on purpose: it must read, and be false against the snippets and the differences alike.
    fatal = [message for kind, _, message in found if kind == "fatal"]
    refuted = {against for kind, against, _ in found if kind == "false"}
    if fatal or refuted == set(_passes(binding)):
        return fatal
    return [f"{where}: a mistake quoted as wrong holds numerically (names bound to {binding.what}, "
            f"against {' and '.join(sorted(set(_passes(binding)) - refuted))}): `{formula.flat}`; fix the quote, "
            f"or drop wrong=True from its binding in {file} if the page now states it as true"]


# The two evaluations: against what -> whether the central differences replace the backward's values.
_PASSES = {"the snippets": False, "central differences of the snippets' forward": True}


def _passes(binding) -> dict[str, bool]:
    """Both evaluations; only the central differences' where no backward gives the gradients."""
    return {k: v for k, v in _PASSES.items() if v or not binding.central_only}


def _findings(formula, binding, label: str, env: dict, central: dict, parts) -> list[tuple[str, str, str]]:
    """(kind, against, message) of each statement that does not hold: kind 'false' (values or
    shapes differ) or 'fatal' (cannot read or evaluate)."""
    file = source(binding)
    found: list[tuple[str, str, str]] = []
    for offset, text in parts:
        trees = []
        for at, side in sides(offset, text):
            try:
                trees.append((at, " ".join(side.split()), parse(side)))
            except TexError as error:
                line = formula.line_at(at + error.offset)
                return found + [("fatal", "", f"{label}:{line}: the matrix-form reader (sitekit/matrix_tex.py) "
                                 f"cannot read `{side}`: {error}; write it in the notation the module's "
                                 f"docstring lists")]
        for against, with_central in _passes(binding).items():
            names, bound = ({**env, **central}, _CENTRAL) if with_central else (env, CLOSE)
            evaluator = Evaluator(names, binding.indices, binding.ranges)
            values, side_at = [], None
            try:
                # A division by 0 or an overflow is an error of the formula, not a warning.
                with np.errstate(all="raise"):
                    letters, spans = evaluator.grid([t for _, _, t in trees], 0)
                    for side_at, _, tree in trees:
                        values.append(evaluator.side(tree, letters, spans))
            except (TexError, FloatingPointError, ArithmeticError, ValueError, TypeError) as error:
                # Within the side that failed; an index's range: the statement's line.
                inside = getattr(error, "offset", 0)
                line = formula.line_at(offset if side_at is None else side_at + inside)
                found.append(("false" if isinstance(error, ShapeError) else "fatal", against,
                              f"{label}:{line}: cannot evaluate `{' '.join(text.split())}` with the names bound "
                              f"to {binding.what}: {error}; fix the formula (or its binding in "
                              f"{file} if the page renamed a quantity)"))
                if binding.wrong:
                    continue
                break
            for (_, left, _), (right_at, right, _), a, b in zip(trees, trees[1:], values, values[1:]):
                line = formula.line_at(right_at)
                if a.ndim == 0 or b.ndim == 0:  # `C_0 = 0`: a number stands for every entry
                    a, b = np.broadcast_arrays(a, b)
                if a.shape != b.shape:
                    found.append(("false", against, f"{label}:{line}: `{left}` has shape {a.shape} but `{right}` "
                                  f"has shape {b.shape} (names bound to {binding.what}); fix the formula"))
                    continue
                gap, scale, at = _difference(a, b)
                if gap > bound * scale:
                    found.append(("false", against, f"{label}:{line}: `{left}` ≠ `{right}` with {against} "
                                  f"({binding.what}): they differ by {gap:.3g} at entry {at} (allowed "
                                  f"{bound * scale:.1e}); fix the formula"))
            if found and not binding.wrong:
                break
    return found


def bindings() -> list:
    """Every binding: the layer and backprop pages' (display, then inline and the rest), then the
    vector activations'."""
    from sitekit import summary_bindings, summary_bindings_layers, summary_bindings_vector

    return [*summary_bindings.BINDINGS, *summary_bindings_layers.BINDINGS, *summary_bindings_vector.BINDINGS]


def check_markdown(markdown: str, src_uri: str) -> list[str]:
    """The errors of one page (docs/<page>:<line>: ...); kept on disk under the
    page's text and all code it depends on (sitekit.cache), as formulas does."""
    return cache.memo("summaries", (markdown, src_uri), lambda: _check_markdown(markdown, src_uri))


def _check_markdown(markdown: str, src_uri: str) -> list[str]:
    from sitekit import formula_exceptions, inline_exceptions
    from sitekit.formulas import extract_formulas
    from sitekit.inline_formulas import extract_inline
    page = src_uri.replace("\\", "/").removeprefix("docs/")
    label = f"docs/{page}"
    pools = {False: extract_formulas(markdown), True: extract_inline(markdown)}
    errors: list[str] = []
    # (line, text) of each formula checked: two inline formulas may share a line
    bound: dict[bool, set[tuple[int, str]]] = {False: set(), True: set()}
    for binding in (b for b in bindings() if b.page == page):
        fragment = " ".join(binding.fragment.split())
        found = [f for f in pools[binding.inline] if fragment in f.flat]
        if not found or (not binding.inline and len(found) != 1):
            kind = "inline" if binding.inline else "display"
            errors.append(f"{label}: stale binding in {source(binding)}: {len(found) or 'no'} {kind} formulas "
                          f"contain `{fragment}`; fix the binding's fragment (or delete the binding and "
                          f"its exception entry)")
            continue
        bound[binding.inline].update((f.line, f.flat) for f in found)
        # An inline binding checks every inline formula with its fragment; one text written twice, once.
        first: dict[str, object] = {}
        for formula in found:
            first.setdefault(formula.flat, formula)
        for formula in first.values():
            errors += check_formula(formula, binding, label)
    for inline, module in ((False, formula_exceptions), (True, inline_exceptions)):
        for entry in module.EXCEPTIONS:
            if entry.page != page or "sitekit.summaries" not in entry.reason:
                continue
            text = " ".join((entry.formula if inline else entry.fragment).split())
            # An inline entry is the formula's whole text (every formula with it); a display one, a fragment.
            claimed = [(f.line, f.flat) for f in pools[inline] if (f.flat == text if inline else text in f.flat)]
            for line, flat in claimed[:None if inline else 1]:
                if (line, flat) not in bound[inline]:
                    errors.append(f"{label}:{line}: sitekit/{module.__name__.split('.')[-1]}.py says this "
                                  f"{'inline ' if inline else ''}formula is checked by sitekit.summaries, but no "
                                  f"binding in sitekit/summary_bindings*.py checks it; add one or change the "
                                  f"entry's reason")
    return errors


def main(argv: list[str]) -> int:
    from sitekit.derivations import DOCS
    BINDINGS = bindings()
    started = time.perf_counter()
    paths = [Path(a) for a in argv] or sorted({DOCS / b.page for b in BINDINGS})
    errors: list[str] = []
    for path in paths:
        src_uri = path.resolve().relative_to(DOCS.resolve()).as_posix()
        errors += check_markdown(path.read_text(encoding="utf-8"), src_uri)
    pages = {p.resolve().relative_to(DOCS.resolve()).as_posix() for p in paths}
    count = sum(b.page in pages for b in BINDINGS)
    for error in errors:
        print(error)
    print(f"{count} bound formulas on {len(paths)} pages; {len(errors)} errors; "
          f"{time.perf_counter() - started:.2f} s")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
