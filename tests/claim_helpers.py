"""What the tests of the claims in prose share (tests/test_claims_<group>.py):
reading a page's executed blocks, running them as markdown-exec does, and the
few numerical yardsticks more than one page group uses.

Every test there is marked `@pytest.mark.claim(page, fragment)` with the
sentence it backs (tests/test_prose_numbers.py reads the marks, and counts a
line as checked once a claim covers it). A test recomputes what the sentence
states from the snippets, the oracle (SymPy definitions evaluated by mpmath),
SymPy or the page's own executed blocks; none restates the number.

Sampling tolerances: a sample mean of n independent draws of q is off by
about sqrt(Var(q) / n); a check allows SIGMAS of those, with Var(q) from the
sample itself. Float tolerances come from np.finfo.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

import numpy as np
import sympy as sp

from sitekit.definitions import DEFINITIONS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

x_ = sp.Symbol("x", real=True)
EPS64 = np.finfo(np.float64).eps
TINY64 = np.finfo(np.float64).tiny
SIGMAS = 6


# ---------------------------------------------------------------- reading pages

def page_text(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def block_after(page: str, fragment: str) -> str:
    """The source of the first executed block after `fragment` on the page (indent removed)."""
    text = page_text(page)
    at = text.index(fragment)
    match = re.compile(r'^( *)```python exec="on"[^\n]*\n(.*?)^ *```\s*$', re.S | re.M).search(text, at)
    assert match, f"no executed block after {fragment!r} on {page}"
    indent = len(match.group(1))
    return "\n".join(line[indent:] for line in match.group(2).split("\n"))


def _included(match: re.Match) -> str:
    """The snippet section a `--8<-- "file.py:section"` line includes, as pymdownx.snippets does."""
    path, _, section = match.group(1).partition(":")
    text = (ROOT / "snippets" / path).read_text(encoding="utf-8")
    if not section:
        return text
    start, end = f"# --8<-- [start:{section}]\n", f"# --8<-- [end:{section}]"
    return text[text.index(start) + len(start):text.index(end)]


def exec_blocks(page: str, session: str | None = None) -> list[str]:
    """The source of each executed Python block of docs/<page>, in order
    (only those of `session` when given), snippet includes expanded."""
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = []
    for header, body in re.findall(r"^```python ([^\n]*exec=\"on\"[^\n]*)\n(.*?)^```$", text, re.S | re.M):
        if session is None or f'session="{session}"' in header:
            blocks.append(re.sub(r'^--8<-- "([^"]+)"$', _included, body, flags=re.M))
    return blocks


def run_blocks(blocks: list[str], namespace: dict | None = None) -> tuple[dict, str]:
    """Run blocks in one namespace, as markdown-exec runs a session: (namespace, what they printed)."""
    namespace = {} if namespace is None else namespace
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, "<page block>", "exec"), namespace)
    return namespace, out.getvalue()


def assigned(block: str, name: str):
    """The literal value a block assigns to `name` (also from a tuple assignment)."""
    for node in ast.walk(ast.parse(block)):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    return ast.literal_eval(node.value)
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for t, v in zip(target.elts, node.value.elts):
                        if isinstance(t, ast.Name) and t.id == name:
                            return ast.literal_eval(v)
    raise LookupError(name)


# ---------------------------------------------------------------- definitions

def definition(name: str) -> tuple[sp.Expr, dict]:
    """The site's SymPy definition of `name` and its parameter symbols by name."""
    d = DEFINITIONS[name]
    return d.expr, {s.name: s for s in d.expr.free_symbols if s.name != "x"}


def the_x(expr: sp.Expr) -> sp.Symbol:
    return next(s for s in expr.free_symbols if s.name == "x")


# ---------------------------------------------------------------- yardsticks

def grid(lo=-20.0, hi=20.0, n=40_001):
    return np.linspace(lo, hi, n)


def relative_error(got, exact) -> float:
    return abs(float(got) / float(exact) - 1)


def float32_ulp(exact: np.ndarray) -> np.ndarray:
    """float32's spacing at each exact value (finite, float64): 2^(e - 23) where
    2^e <= |exact| < 2^(e + 1); the smallest subnormal below the normal range, 0 included."""
    # The exponent bits alone are 2^e: a third of the time of frexp and ldexp (the sweeps
    # of test_claims.py take this over 335 M values).
    power = (np.abs(np.asarray(exact, dtype=np.float64)).view(np.uint64) & np.uint64(0x7FF0000000000000)).view(np.float64)
    return np.maximum(power * 2.0**-23, float(np.finfo(np.float32).smallest_subnormal))


def first_x_where(f, lo: float, hi: float, dtype=np.float64) -> float:
    """The smallest float x in [lo, hi] with f(x) true, f monotone (false then true): bisection on the floats."""
    a, b = (int(np.array(v, dtype=dtype).view(np.int64 if dtype == np.float64 else np.int32)) for v in (lo, hi))
    assert lo >= 0 and not f(dtype(lo)) and f(dtype(hi))
    while b - a > 1:
        mid = (a + b) // 2
        xm = np.array(mid, dtype=np.int64 if dtype == np.float64 else np.int32).view(dtype)[()]
        a, b = (a, mid) if f(xm) else (mid, b)
    return np.array(b, dtype=np.int64 if dtype == np.float64 else np.int32).view(dtype)[()]


def logistic(z):
    """The sigmoid written out, independent of the snippets."""
    return 1 / (1 + np.exp(-z))


def within_sampling(samples: np.ndarray, exact: float) -> bool:
    """The sample mean of `samples` is within SIGMAS standard errors of `exact`."""
    return abs(samples.mean() - exact) <= SIGMAS * samples.std() / np.sqrt(samples.size)


