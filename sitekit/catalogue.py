"""Discover the snippet files and measure them against the oracle.

`python -m sitekit.catalogue [NAME ...]` prints the max ULP error of each
elementwise activation (forward and derivative, float32 and float64).
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from sitekit.oracle import is_normal, shared_oracle, ulp_error
from sitekit.points import accuracy_points
from sitekit.registry import REGISTRY, VECTOR

ROOT = Path(__file__).resolve().parent.parent
ACTIVATIONS = ROOT / "snippets" / "activations"

# Functions of a vector, not elementwise (entries of kind "vector"): a view
# for code that still reads the name (tests/test_short_blocks.py, test_layouts.py).
VECTOR_FUNCTIONS = tuple(VECTOR)


class SnippetImportError(ImportError):
    """A snippet file that fails to run, named by file and line."""


def load_snippet(path: Path) -> ModuleType:
    """Import a snippet file by path, as a reader would run it: standalone."""
    spec = importlib.util.spec_from_file_location(f"snippet_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        # Name the snippet's own line first: the page that happened to load it
        # and the import machinery's frames say nothing about the fault.
        frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == Path(path)]
        where = f"{_shown(path)}:{frames[-1].lineno}" if frames else _shown(path)
        raise SnippetImportError(f"{where}: {type(error).__name__}: {error} (while importing the snippet)") from error
    return module


def _shown(path: Path) -> str:
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def snippet_names() -> list[str]:
    return sorted(p.stem for p in ACTIVATIONS.glob("*.py") if not p.stem.startswith("_"))


def elementwise_names() -> list[str]:
    return [n for n in snippet_names() if n not in VECTOR]


def snippet(name: str) -> ModuleType:
    return load_snippet(ACTIVATIONS / f"{name}.py")


@dataclass
class Accuracy:
    name: str
    which: str  # "f", "grad" or "grad_<param>"
    dtype: str
    max_ulp: float  # where the exact value is a normal number
    max_ulp_all: float  # including subnormal results (absolute, in subnormal units)
    worst_x: float
    points: int


def function_for(module: ModuleType, name: str, which: str):
    return getattr(module, name if which == "f" else f"{name}_{which}")


def measurable(name: str, which: str, xs: np.ndarray, **params) -> np.ndarray:
    """xs without the kinks (their values are conventions, tested on their
    own) and, for a derivative, without the points next to one of its roots."""
    kinks = [k.at for k in REGISTRY[name].kinks]
    xs = xs[~np.isin(xs, np.array(kinks, dtype=xs.dtype))] if kinks else xs
    # Near a root of f' no floating-point formula keeps a relative bound
    # (the error stays a fraction of eps in absolute terms): skip |t - r| < 0.05.
    scale = {**REGISTRY[name].params, **params}.get("beta", 1.0)
    for root in REGISTRY[name].grad_roots if which == "grad" else ():
        xs = xs[~(np.abs(xs.astype(np.float64) - root / scale) < 0.05 / abs(scale))]
    return xs


def measure(name: str, which: str, dtype, module: ModuleType | None = None, **params) -> Accuracy:
    """Max ULP error of one function of one snippet over the accuracy points,
    away from its kinks (kinks follow a convention, tested on their own)."""
    module = module or snippet(name)
    oracle = shared_oracle(name, **params)
    kinks = [k.at for k in REGISTRY[name].kinks]
    xs = measurable(name, which, accuracy_points(dtype, kinks), **params)
    exact = oracle.many(which, xs)
    computed = function_for(module, name, which)(xs, **params)
    if computed.dtype != np.dtype(dtype):
        raise AssertionError(f"{name} {which}: dtype {computed.dtype}, expected {np.dtype(dtype)}")
    errors = ulp_error(computed, exact, dtype)
    normal = is_normal(exact, dtype)
    worst = int(np.argmax(np.where(normal, errors, -1.0)))
    return Accuracy(
        name, which, np.dtype(dtype).name,
        float(errors[normal].max()) if normal.any() else 0.0,
        float(errors.max()), float(xs[worst]), int(xs.size),
    )


def main(names: list[str]) -> None:
    for name in names or elementwise_names():
        if name not in REGISTRY:
            raise SystemExit(f"{name}: no registry entry; add one Activation(...) for it to a "
                             "sitekit/definitions_<family>.py file (docs/contributing.md, Add an activation)")
        module = snippet(name)
        whichs = ["f", "grad"] + [f"grad_{p}" for p in REGISTRY[name].params if hasattr(module, f"{name}_grad_{p}")]
        for which in whichs:
            for dtype in (np.float32, np.float64):
                a = measure(name, which, dtype, module)
                print(f"{name:12s} {which:10s} {a.dtype:8s} max {a.max_ulp:6.2f} ULP "
                      f"(all {a.max_ulp_all:6.2f}) worst at x = {a.worst_x!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
