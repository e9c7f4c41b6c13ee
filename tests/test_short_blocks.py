"""The short blocks that open each Implementation section:
snippets/activations/short/<name>.py, found by a folder scan (adding a file
adds no test code), held to the contract the pages state:

- every file: at most 20 code lines (25 for a function of a vector), lines
  of at most 88 columns, imports NumPy and scipy.special only, and runs
  alone (`python -I -W error`) when pasted into an empty folder;
- an elementwise block: `<name>(x, **params)` and `<name>_grad(x, **params)`
  with the parameters of its definition; float32 in, float32 out (float64
  likewise); no warning and, against the oracle, over the hard points and
  the accuracy points: NaN in, NaN out; finite wherever the exact value is;
  the limits at ±inf; float64 within 1e-12 relative where the exact value
  is a normal float, float32 within 16 ULP (next to a root of f': no worse
  than moving x by one float; below the normal range: within the smallest
  normal number); the convention at each kink.

Vector functions (softmax, log_softmax, softmin, glu, swiglu) have their
numeric contract in tests/test_short_vector_blocks.py.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from sitekit.accuracy import (
    SHORT_RELATIVE,
    SHORT_ULP,
    code_lines,
    root_points,
    short_errors,
    short_names,
    short_path,
    short_snippet,
    short_subnormal_bound,
)
from sitekit import accuracy
from sitekit.catalogue import ROOT
from sitekit.catalogue import VECTOR_FUNCTIONS, snippet, snippet_names
from sitekit.definitions import DEFINITIONS
from sitekit.points import accuracy_points, hard_points
from test_activations import oracle_group, param_sets

NAMES = short_names()
ELEMENTWISE = [n for n in NAMES if n not in VECTOR_FUNCTIONS]
DTYPES = (np.float32, np.float64)
MAX_COLUMNS = 88
ALLOWED_IMPORTS = {"numpy", "scipy.special"}


def max_code_lines(name: str) -> int:
    return 25 if name in VECTOR_FUNCTIONS else 20


def imported_modules(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            # `from scipy import special` imports scipy.special.
            found |= {f"{base}.{a.name}" if base == "scipy" else base for a in node.names}
    return found


def test_every_short_block_is_an_activation():
    """A short file is named after an activation that has an exact snippet."""
    assert NAMES, "no short blocks found"
    assert set(NAMES) <= set(snippet_names()), set(NAMES) - set(snippet_names())


def test_code_lines_counts_what_it_should():
    """The line counter on a made-up file: docstrings, comments and blank
    lines do not count; continuation lines and strings in code do."""
    source = '"""Module."""\nimport numpy as np\n\n\ndef f(x):\n    """Doc,\n    two lines."""\n' \
             '    # why\n    y = (x +\n         1)  # trailing\n    return "a"\n'
    assert code_lines(source) == [2, 5, 9, 10, 11]
    assert imported_modules("from scipy import special\nimport numpy as np\nfrom scipy.special import erf\n") \
        == {"scipy.special", "numpy"}
    assert imported_modules("from sitekit.oracle import Oracle\nimport os\n") == {"sitekit.oracle", "os"}


@pytest.mark.parametrize("name", NAMES)
def test_short_block_is_short(name):
    source = short_path(name).read_text()
    lines = code_lines(source)
    assert len(lines) <= max_code_lines(name), f"{name}: {len(lines)} code lines (at most {max_code_lines(name)})"
    wide = [i for i, line in enumerate(source.splitlines(), 1) if len(line) > MAX_COLUMNS]
    assert not wide, f"{name}: lines {wide} are wider than {MAX_COLUMNS} columns"
    imports = imported_modules(source)
    assert imports <= ALLOWED_IMPORTS, f"{name} imports {imports - ALLOWED_IMPORTS}"
    assert "numpy" in imports


@pytest.mark.parametrize("name", NAMES)
def test_short_block_runs_alone(name, tmp_path):
    """Pasted into an empty file in an empty folder and run in a fresh,
    isolated interpreter with warnings as errors; an elementwise block is
    also called, forward and derivative, on a few floats."""
    source = short_path(name).read_text()
    if name not in VECTOR_FUNCTIONS:
        source += (f"\nimport numpy as np\nx = np.linspace(-3, 3, 7)\n"
                   f"print({name}(x), {name}_grad(x), {name}(x.astype(np.float32)).dtype)\n")
    pasted = tmp_path / "pasted.py"
    pasted.write_text(source)
    run = subprocess.run([sys.executable, "-I", "-W", "error", str(pasted)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"{name}:\n{run.stderr}"
    assert not run.stderr, f"{name}:\n{run.stderr}"


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_short_block_signature(name):
    """x first, then the parameters of the definition with their defaults,
    the same for the forward and the derivative."""
    module = short_snippet(name)
    for fn_name in (name, f"{name}_grad"):
        parameters = inspect.signature(getattr(module, fn_name)).parameters
        assert list(parameters)[0] == "x", fn_name
        expected = {p: d for p, d in DEFINITIONS[name].params.items()}
        found = {p: v.default for p, v in list(parameters.items())[1:]}
        assert found == expected, f"{fn_name}: parameters {found}, definition {expected}"


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_short_block_keeps_dtype_and_shape(name):
    module = short_snippet(name)
    for fn_name in (name, f"{name}_grad"):
        fn = getattr(module, fn_name)
        for dtype in DTYPES:
            xs = hard_points(dtype, [k.at for k in DEFINITIONS[name].kinks])
            for x in (xs, xs.reshape(1, -1), xs[3]):
                out = np.asarray(fn(x))
                assert out.dtype == dtype and out.shape == np.shape(x), f"{fn_name}: {out.dtype} {out.shape}"


def accuracy_cases():
    for name in ELEMENTWISE:
        for which in ("f", "grad"):
            for params in param_sets(name):
                for dtype in DTYPES:
                    label = "-".join([name, which, np.dtype(dtype).name] + [f"{k}={v}" for k, v in params.items()])
                    # With the function's sweeps in test_activations: their exact values, reused.
                    yield pytest.param(name, which, dtype, params, id=label, marks=oracle_group(name))


@pytest.mark.parametrize("name, which, dtype, params", accuracy_cases())
def test_short_block_against_oracle(name, which, dtype, params):
    """Over the hard points (0, ±tiny, subnormals, ±1, ±20, ±40, ±88/89,
    ±709/710/745, ±1e308, ±max, ±inf, NaN), the accuracy points (a log
    grid over the whole range and 2001 random points in [−50, 50]) and the
    9 floats nearest each root of f'."""
    kinks = [k.at for k in DEFINITIONS[name].kinks]
    scale = {**DEFINITIONS[name].params, **params}.get("beta", 1.0)  # roots are in beta x
    xs = np.concatenate([accuracy_points(dtype, kinks), root_points(name, dtype, scale=scale)])
    r = short_errors(name, which, dtype, xs, **params)
    label = f"{name} {which} {r['dtype']} {params}"
    if np.dtype(dtype) == np.float64:
        assert r["max_rel"] <= SHORT_RELATIVE, f"{label}: relative error {r['max_rel']:.3g} at x = {r['worst_x']!r}"
    else:
        assert r["max_ulp"] <= SHORT_ULP, f"{label}: {r['max_ulp']:.3g} ULP at x = {r['worst_x']!r}"
    # A NaN, an infinity or a nonzero where the exact value is a number, a
    # finite number or 0 (NaN in, NaN out; the limits at ±inf; no overflow).
    assert not r["wrong"], f"{label}: wrong NaN, infinity or zero at x = {r['wrong']}"
    assert r["max_subnormal"] <= short_subnormal_bound(dtype), f"{label}: {r['max_subnormal']:.3g} subnormal ULP"
    assert r["near"] <= 1.0, f"{label}: next to the root of f', {r['near']:.3g} times the one-float bound"


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if DEFINITIONS[n].kinks])
def test_short_block_conventions_at_kinks(name):
    """The same values at the kinks as the exact snippet (and the page)."""
    module = short_snippet(name)
    for kink in DEFINITIONS[name].kinks:
        for params in param_sets(name):
            merged = {**DEFINITIONS[name].params, **params}
            expected = merged[kink.grad] if isinstance(kink.grad, str) else kink.grad
            for dtype in DTYPES:
                for at in [kink.at] + ([-0.0] if kink.at == 0 else []):
                    at = np.array(at, dtype=dtype)
                    assert module.__dict__[f"{name}_grad"](at, **params) == dtype(expected), f"{name}' at {at}"
                    if kink.value is not None:
                        assert module.__dict__[name](at, **params) == dtype(kink.value), f"{name} at {at}"


def perturbed(name: str, change) -> SimpleNamespace:
    """The exact snippet's f, and its derivative passed through change(x, grad)."""
    exact = snippet(name)
    good = getattr(exact, f"{name}_grad")
    return SimpleNamespace(**{name: getattr(exact, name), f"{name}_grad": lambda x, **p: change(x, good(x, **p))})


def test_the_contract_can_fail():
    """Off by one part in 1e9 fails in float64; a float64 result from float32
    fails; a warning fails; a NaN at ±inf fails."""
    xs = accuracy_points(np.float64)
    assert short_errors("sigmoid", "grad", np.float64, xs, module=perturbed("sigmoid", lambda x, g: g))["max_rel"] \
        <= SHORT_RELATIVE
    assert short_errors("sigmoid", "grad", np.float64, xs,
                        module=perturbed("sigmoid", lambda x, g: g * (1 + 1e-9)))["max_rel"] > SHORT_RELATIVE
    with pytest.raises(AssertionError, match="float64"):
        short_errors("sigmoid", "grad", np.float32, hard_points(np.float32),
                     module=perturbed("sigmoid", lambda x, g: g.astype(np.float64)))
    with pytest.raises(RuntimeWarning):
        short_errors("sigmoid", "grad", np.float64, hard_points(np.float64),
                     module=perturbed("sigmoid", lambda x, g: g + np.log(x * 0)))
    wrong_limit = perturbed("sigmoid", lambda x, g: np.where(np.isinf(x), np.nan, g))
    assert short_errors("sigmoid", "grad", np.float64, hard_points(np.float64), module=wrong_limit)["wrong"] \
        == [-np.inf, np.inf]


def test_near_root_bound_can_fail():
    """Next to GELU's root the exact snippet is within the one-float bound;
    1e-14 added to its derivative is within 1e-12 relative only away from
    the root, and fails next to it."""
    root = DEFINITIONS["gelu"].grad_roots[0]
    xs = np.array([root, np.nextafter(root, 0), root + 1e-9, root - 1e-6, root + 0.04])
    assert short_errors("gelu", "grad", np.float64, xs, module=perturbed("gelu", lambda x, g: g))["near"] <= 1
    off = short_errors("gelu", "grad", np.float64, xs, module=perturbed("gelu", lambda x, g: g + 1e-14))
    assert off["near"] > 1 and off["near_points"] == xs.size


def test_a_block_beyond_its_contract_fails_the_build(monkeypatch, caplog):
    """The page's contract sentence is written by accuracy.short_contract, which
    logs a warning (strict build: an error) for a figure beyond the contract."""
    good = accuracy.measure_short("sigmoid")
    with caplog.at_level("WARNING", logger="mkdocs.plugins.sitekit.accuracy"):
        accuracy.check_short("sigmoid", good)
    assert not caplog.records
    wrong = perturbed("sigmoid", lambda x, g: g * (1 + 1e-9))
    monkeypatch.setattr(accuracy, "short_snippet", lambda name: wrong)
    with caplog.at_level("WARNING", logger="mkdocs.plugins.sitekit.accuracy"):
        accuracy.check_short("sigmoid", accuracy.measure_short("sigmoid"))
    messages = [r.getMessage() for r in caplog.records]
    grad_line = next(n for n, text in enumerate((ROOT / "snippets/activations/short/sigmoid.py").read_text().splitlines(), 1)
                     if text.startswith("def sigmoid_grad("))  # the message names the function's def line
    assert len(messages) == 1 and messages[0].startswith(
        f"docs/activations/sigmoid.md: snippets/activations/short/sigmoid.py:{grad_line}: `sigmoid_grad (float64)` "
        "measured a relative error"
    ), messages
