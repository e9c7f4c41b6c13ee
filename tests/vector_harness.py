"""What the tests of the vector activations share: inputs, error measures and
the snippets' functions, for every entry of
sitekit.definitions_vector.VECTOR_DEFINITIONS (in the spirit of
scipy.special's _mptestutils: one oracle per function, hard and random
inputs, bounds in units of np.finfo). tests/vector_checks.py holds the
checks built on it.

Run a vector test file with `-s` to see the largest errors found.
"""

from __future__ import annotations

from types import ModuleType

import mpmath
import numpy as np
import pytest

from sitekit.catalogue import snippet
from sitekit.definitions_vector import DIGITS, DISTRIBUTION, GATED, ROOT_GAP, VECTOR_DEFINITIONS, VectorDefinition
from sitekit.oracle import is_normal, ulp_error
from sitekit.points import hard_points

NAMES = tuple(VECTOR_DEFINITIONS)
DTYPES = (np.float32, np.float64)
ALL_FLOATS = (np.float16, np.float32, np.float64)
# The 3-D batch the axis tests split along each axis (every length even, for the gated halves).
AXIS_SHAPE = (2, 4, 6)
AXES = (0, 1, 2, -1, -3)
# Sizes of the random vectors of the Jacobian and VJP tests.
DERIVATIVE_SIZES = (2, 3, 5, 8)
__all__ = ["DISTRIBUTION", "GATED", "ROOT_GAP", "VectorDefinition"]


def definition(name: str) -> VectorDefinition:
    return VECTOR_DEFINITIONS[name]


def functions(name: str, module: ModuleType | None = None):
    """(forward, vjp, jacobian or None) of the snippet (or of `module`)."""
    if module is None:
        module = snippet(name)
        jacobian = getattr(module, f"{name}_jacobian") if definition(name).has_jacobian else None
    else:
        jacobian = None  # the short blocks have no Jacobian
    return getattr(module, name), getattr(module, f"{name}_vjp"), jacobian


def applies(condition):
    """Mark a check as one for the definitions where condition(definition) holds."""
    def mark(check):
        check.applies = condition
        return check

    return mark


def applicable(check, names) -> list[str]:
    condition = getattr(check, "applies", lambda d: True)
    return [n for n in names if condition(definition(n))]


def checks_for(module: ModuleType, names) -> dict:
    """The checks (test_* functions) of `module` that apply to one of `names`
    at least, for a test module's globals: none is collected with no case."""
    return {k: f for k, f in vars(module).items() if k.startswith("test_") and applicable(f, names)}


def parametrize_names(metafunc, names) -> None:
    """Give every test that takes `name`, and is not parametrised on it
    already, one case per vector function in `names` it applies to (a
    module's pytest_generate_tests calls this)."""
    taken = {n.strip() for m in metafunc.definition.iter_markers("parametrize") for n in str(m.args[0]).split(",")}
    if "name" in metafunc.fixturenames and "name" not in taken:
        # One xdist worker per function: its oracle's SymPy work (the forward
        # lambdified at K = 1000, the cancelled Jacobians, sympy.limit) is cached
        # in the process, ~10 s a function that a second worker would pay again.
        cases = [pytest.param(n, marks=pytest.mark.xdist_group(f"vector-{n}"))
                 for n in applicable(metafunc.function, names)]
        metafunc.parametrize("name", cases)


# --- inputs -------------------------------------------------------------------------------


def finite_hard(dtype) -> np.ndarray:
    points = hard_points(dtype)
    return points[np.isfinite(points)]


def hard_vectors(name: str, dtype, max_size: int | None = None) -> list[np.ndarray]:
    vectors = definition(name).hard_vectors(finite_hard(dtype), dtype)
    return [z for z in vectors if max_size is None or z.size <= max_size]


def random_vectors(name: str, dtype, sizes, count: int, seed: int = 0) -> list[np.ndarray]:
    """`count` random vectors of each size (for a gated function, count pairs)."""
    d = definition(name)
    if d.kind == GATED:
        return d.random_vectors(dtype, 2, count * len(sizes), seed)
    return [z for size in sizes for z in d.random_vectors(dtype, size, count, seed)]


def batches(vectors) -> list[np.ndarray]:
    """The vectors stacked into one matrix per length, in order of first appearance."""
    by_size: dict[int, list] = {}
    for v in vectors:
        by_size.setdefault(v.size, []).append(v)
    return [np.stack(rows) for rows in by_size.values()]


def upstream(name: str, zs: np.ndarray, dtype, seed: int = 0) -> np.ndarray:
    """Upstream gradients for a batch of rows: random normal; nearly
    constant (g - g.p cancels in softmax's VJP); nearly p (g_j - p_j sum g
    cancels in log_softmax's); log-uniform over 1e-300..1e300. A gated
    function's rows get the first and the last kind."""
    rng = np.random.default_rng(seed)
    rows, size = zs.shape[0], definition(name).output_size(zs.shape[1])
    g = rng.normal(size=(rows, size))
    if definition(name).kind == DISTRIBUTION:
        g[1::4] = 1.0 + 1e-9 * rng.normal(size=g[1::4].shape)
        z = zs[2::4].astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):  # z - max z of ±1.8e308: replaced below
            e = np.exp(z - z.max(axis=1, keepdims=True))
            g[2::4] = e / e.sum(axis=1, keepdims=True) * (1.0 + 1e-9 * rng.normal(size=z.shape))
    g[3::4] = rng.choice([-1.0, 1.0], g[3::4].shape) * 10.0 ** rng.uniform(-300, 300, g[3::4].shape)
    with np.errstate(over="ignore"):  # a huge g cast to float32 is ours: replaced below
        g = g.astype(dtype)
    return np.where(np.isfinite(g), g, 1.0).astype(dtype)


# --- error measures ----------------------------------------------------------------------

MAX_SEEN: dict[str, float] = {}


def report(what: str, value: float) -> None:
    """Keep and print the largest error of each kind (seen with -s)."""
    MAX_SEEN[what] = max(MAX_SEEN.get(what, 0.0), value)
    print(f"\n{what}: max {value:.4g}")


def ulps(computed, exact, dtype) -> tuple[float, float]:
    """(max ULP error where the exact value is normal, max over all entries)."""
    errors = ulp_error(np.asarray(computed), exact, dtype)
    normal = is_normal(exact, dtype)
    return (float(errors[normal].max()) if normal.any() else 0.0), float(errors.max())


def worst_ulps(pairs, dtype) -> tuple[float, float, object]:
    """(max ULP where normal, max over all, the input of the first) over
    (input, computed, exact) triples."""
    worst, worst_all, where = 0.0, 0.0, None
    for z, computed, exact in pairs:
        normal, everything = ulps(computed, exact, dtype)
        if normal > worst:
            worst, where = normal, z
        worst_all = max(worst_all, everything)
    return worst, worst_all, where


def vjp_bound_used(name: str, computed, z, g, dtype) -> float:
    """max over one vector of |computed - exact| / allowed, allowed being the
    page's bound vjp_eps eps terms_j + vjp_eta eta (1 + |g_j| + sum |g|):
    a result <= 1 is within the bound."""
    d = definition(name)
    exact, terms = d.vjp(z, g)
    info = np.finfo(dtype)
    eps, eta = mpmath.mpf(float(info.eps)), mpmath.mpf(float(info.smallest_subnormal))
    worst = 0.0
    with mpmath.workdps(DIGITS):
        gs = mp(g)
        g_size = mpmath.fsum(abs(v) for v in gs)
        for c, t, s, gj in zip(np.asarray(computed, dtype=np.float64), exact, terms, gs):
            allowed = d.vjp_eps * eps * s + d.vjp_eta * eta * (1 + abs(gj) + g_size)
            worst = max(worst, float(abs(mpmath.mpf(float(c)) - t) / allowed))
    return worst


def near_root(name: str, z: np.ndarray) -> np.ndarray:
    """For a batch of pairs: True on the a-half entries within ROOT_GAP of a
    root of dy/da, where the VJP keeps only an absolute bound."""
    mask = np.zeros(z.shape, dtype=bool)
    half = z.shape[-1] // 2
    for root in definition(name).grad_roots:
        mask[..., :half] |= np.abs(z[..., :half].astype(np.float64) - root) < ROOT_GAP
    return mask


# Below the normal range (gradual underflow) a product whose factor rounds to
# a subnormal loses half a subnormal spacing, and the factors after it scale
# that loss: such results are held to SUBNORMAL_UNITS spacings.
SUBNORMAL_UNITS = 256


def below_normal(computed, exact, normal, dtype) -> float:
    """max |computed - exact| in units of the smallest subnormal where the
    exact value is not normal (0 or subnormal); a mismatched infinity or NaN
    counts as inf."""
    tiny = mpmath.mpf(float(np.finfo(dtype).smallest_subnormal))
    worst = 0.0
    with mpmath.workdps(DIGITS):
        for c, t, n in zip(np.ravel(computed), exact, normal):
            if n:
                continue
            if not mpmath.isfinite(t) or not np.isfinite(c):
                worst = max(worst, float(ulp_error([c], [t], dtype)[0]))
                continue
            worst = max(worst, float(abs(mpmath.mpf(float(c)) - t) / tiny))
    return worst


def relative_errors(computed, exact, scale, dtype) -> tuple[float, float]:
    """(max |computed - exact| / scale where the exact value is normal, max
    error in smallest subnormals where it is not)."""
    normal = is_normal(exact, dtype)
    worst = 0.0
    with mpmath.workdps(DIGITS):
        for c, t, s, n in zip(np.ravel(computed), exact, scale, normal):
            if n:
                worst = max(worst, float(abs(mpmath.mpf(float(c)) - t) / s))
    return worst, below_normal(computed, exact, normal, dtype)


def mp(values) -> list:
    return [mpmath.mpf(float(v)) for v in np.ravel(values)]


# --- calling the functions ------------------------------------------------------------------


def both_axes(function, matrix, *more):
    """function along axis -1 of the rows, and along axis 0 of the transpose
    (F-ordered, strided): the two must agree to the bit."""
    last = function(matrix, *more, axis=-1)
    first = function(matrix.T, *(m.T for m in more), axis=0)
    np.testing.assert_array_equal(first.T, last)
    return last


def ones_upstream(name: str, x) -> np.ndarray:
    """dy of ones shaped like the output for x along the last axis."""
    x = np.asarray(x)
    size = definition(name).output_size(x.shape[-1])
    return np.ones(x.shape[:-1] + (size,), dtype=x.dtype if x.dtype.kind == "f" else np.float64)


def central_difference(f, z, direction, h: float) -> float:
    return (f(z + h * direction) - f(z - h * direction)) / (2 * h)
