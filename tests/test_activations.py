"""Every elementwise activation in snippets/activations/, tested against the
SymPy definition in sitekit/definitions.py (never against its own formula).

Adding an activation adds no code here: a snippet file plus its definition.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import ACCURACY_RESULTS
from sitekit.catalogue import (
    ACTIVATIONS,
    VECTOR_FUNCTIONS,
    elementwise_names,
    function_for,
    measurable,
    measure,
    snippet,
    snippet_names,
)
from sitekit.definitions import DEFINITIONS
from sitekit.oracle import Oracle, shared_oracle, ulp_error
from sitekit.points import hard_points

NAMES = elementwise_names()
BOUND = {"f": 4.0, "grad": 8.0}  # ULP; parameter gradients share the grad bound
DTYPES = (np.float32, np.float64)


def derivatives_of(name: str) -> list[str]:
    """'grad' plus 'grad_<param>' for each parameter gradient the snippet has."""
    module = snippet(name)
    return ["grad"] + [f"grad_{p}" for p in DEFINITIONS[name].params if hasattr(module, f"{name}_grad_{p}")]


def param_sets(name: str) -> list[dict[str, float]]:
    """Defaults first, then each sample value of each parameter on its own."""
    definition = DEFINITIONS[name]
    sets = [{}]
    for pname, values in definition.samples.items():
        sets += [{pname: v} for v in values]
    return sets


def oracle_group(name: str):
    """The sweeps of one function, here and in tests/test_short_blocks.py, on one
    pytest-xdist worker: they ask for the same exact values (shared_oracle),
    which a second worker would compute again (gelu: ~40 s)."""
    return pytest.mark.xdist_group(f"oracle-{name}")


def cases(grouped: bool = False):
    for name in NAMES:
        for which in ["f"] + derivatives_of(name):
            for params in param_sets(name):
                for dtype in DTYPES:
                    label = "-".join([name, which, np.dtype(dtype).name] + [f"{k}={v}" for k, v in params.items()])
                    yield pytest.param(name, which, dtype, params, id=label, marks=[oracle_group(name)] if grouped else [])


def test_catalogue_matches_definitions():
    """Every snippet has a definition (the oracle) and every definition a snippet."""
    assert set(NAMES) == set(DEFINITIONS), "snippets and sitekit/definitions.py disagree"
    assert set(snippet_names()) == set(NAMES) | set(VECTOR_FUNCTIONS)


@pytest.mark.parametrize("name", NAMES)
def test_snippet_contract(name):
    module = snippet(name)
    text = (ACTIVATIONS / f"{name}.py").read_text()
    for section in ("forward", "grad"):
        assert f"# --8<-- [start:{section}]" in text and f"# --8<-- [end:{section}]" in text
    assert re.search(r"^import numpy as np$", text, re.M)
    imports = re.findall(r"^\s*(?:from|import)\s+(\w+)", text, re.M)
    assert set(imports) <= {"numpy"}, f"snippets import NumPy only, found {imports}"
    definition = DEFINITIONS[name]
    for fn_name in (name, f"{name}_grad"):
        fn = getattr(module, fn_name)
        signature = inspect.signature(fn)
        assert list(signature.parameters)[0] == "x"
        for pname, default in definition.params.items():
            assert signature.parameters[pname].default == default, f"{fn_name}: {pname}"


@pytest.mark.parametrize("name, which, dtype, params", cases())
def test_accuracy_at_hard_points(name, which, dtype, params):
    """The fast loop's accuracy check: the hard points alone (0, the kinks,
    subnormals, ±1, ±20 ... ±max, ±inf, NaN), same bounds as the sweep below."""
    module = snippet(name)
    xs = measurable(name, which, hard_points(dtype, [k.at for k in DEFINITIONS[name].kinks]), **params)
    computed = function_for(module, name, which)(xs, **params)
    exact = shared_oracle(name, **params).many(which, xs)
    errors = ulp_error(computed, exact, dtype)
    bound = BOUND["f" if which == "f" else "grad"]
    worst = int(np.argmax(errors))
    assert errors[worst] <= bound, (
        f"snippets/activations/{name}.py: {which} {np.dtype(dtype).name}{f' {params}' if params else ''} is {errors[worst]:.2f} ULP "
        f"off at x = {xs[worst]!r} (bound {bound}); python -m sitekit.catalogue {name} measures it everywhere"
    )


@pytest.mark.slow  # about 9,600 points, each exact value computed by mpmath: seconds per case
@pytest.mark.parametrize("name, which, dtype, params", cases(grouped=True))
def test_accuracy_against_oracle(name, which, dtype, params):
    """Max ULP error over hard points, a log grid over the whole range, and a
    dense random grid; bound 4 ULP for f, 8 ULP for derivatives."""
    result = measure(name, which, dtype, **params)
    bound = BOUND["f" if which == "f" else "grad"]
    label = f"{name}_{which}" if which != "f" else name
    if params:
        label += "(" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")"
    ACCURACY_RESULTS.append({"label": label, "dtype": result.dtype, "max_ulp": result.max_ulp, "bound": bound})
    assert result.max_ulp <= bound, (
        f"{label} {result.dtype}: {result.max_ulp:.2f} ULP at x = {result.worst_x!r} (bound {bound})"
    )
    # Results that round to subnormals: the error in units of the smallest
    # subnormal spacing stays within the same bound.
    assert result.max_ulp_all <= bound, f"{label} {result.dtype}: {result.max_ulp_all:.2f} subnormal ULP"
    if which == "grad" and dtype is np.float64 and not params:
        wrong_derivative_is_caught(name)


def kink_distance(name: str, xs: np.ndarray) -> np.ndarray:
    kinks = [k.at for k in DEFINITIONS[name].kinks]
    if not kinks:
        return np.full(xs.shape, np.inf)
    return np.min(np.abs(xs[:, None] - np.array(kinks)[None, :]), axis=1)


@pytest.mark.parametrize("name", NAMES)
def test_grad_matches_finite_differences(name):
    """Central differences of the snippet's own f, on random points: a check
    that needs no oracle at all."""
    rng = np.random.default_rng(7)
    xs = np.concatenate([rng.uniform(-10, 10, 400), rng.normal(0, 1, 100)])
    xs = xs[kink_distance(name, xs) > 1e-3]
    module = snippet(name)
    for params in param_sets(name):
        f = function_for(module, name, "f")
        for which in derivatives_of(name):
            grad = function_for(module, name, which)(xs, **params)
            if which == "grad":
                h = 1e-6 * np.maximum(1.0, np.abs(xs))
                fd = (f(xs + h, **params) - f(xs - h, **params)) / (2 * h)
            else:
                pname = which.removeprefix("grad_")
                p0 = {**DEFINITIONS[name].params, **params}[pname]
                h = 1e-6 * max(1.0, abs(p0))
                fd = (f(xs, **{**params, pname: p0 + h}) - f(xs, **{**params, pname: p0 - h})) / (2 * h)
            scale = np.maximum(np.abs(fd), 1e-3)
            worst = np.max(np.abs(grad - fd) / scale)
            assert worst < 1e-6, f"{name} {which} {params}: finite differences differ by {worst:.2e}"


@pytest.mark.parametrize("name", [n for n in NAMES if hasattr(snippet(n), f"{n}_grad_from_output")])
def test_grad_from_output(name):
    """f'(x) recomputed from y = f(x) agrees with the oracle where y is not
    saturated; its loss of accuracy at saturation is what the pages show."""
    module = snippet(name)
    # |x| <= 3: beyond, 1 - y**2 magnifies tanh's own rounding by 2y²/(1 - y²).
    xs = np.linspace(-3, 3, 1001)
    xs = xs[kink_distance(name, xs) > 1e-9]
    for params in param_sets(name):
        oracle = Oracle(name, **params)
        y = module.__dict__[name](xs, **params)
        got = module.__dict__[f"{name}_grad_from_output"](y, **params)
        exact = np.array([float(v) for v in oracle.many("grad", xs)])
        err = np.abs(got - exact) / np.maximum(np.abs(exact), np.finfo(np.float64).tiny)
        assert err.max() <= 1e3 * np.finfo(np.float64).eps, f"{name} {params}: {err.max():.2e}"


ALL_FUNCTIONS = [
    (name, fn_name)
    for name in NAMES
    for fn_name in [name] + [f"{name}_{w}" for w in derivatives_of(name)]
    + ([f"{name}_grad_from_output"] if hasattr(snippet(name), f"{name}_grad_from_output") else [])
]


@pytest.mark.parametrize("name, fn_name", ALL_FUNCTIONS)
def test_dtype_and_shape(name, fn_name):
    fn = getattr(snippet(name), fn_name)
    for dtype in (np.float16, np.float32, np.float64):
        for shape in ((), (0,), (3,), (2, 3)):
            x = np.linspace(-2, 2, int(np.prod(shape))).astype(dtype).reshape(shape)
            out = fn(x)
            assert out.dtype == dtype and out.shape == shape, f"{fn_name} {dtype} {shape}"
    for value in (3, True, [1, 2, 3], 2.5, [[-1.0, 0.5]], np.arange(3)):
        out = np.asarray(fn(value))
        assert out.dtype == np.float64 and out.shape == np.shape(value), f"{fn_name}({value!r})"
    for bad in ("1.0", None, object(), [1 + 2j]):
        with pytest.raises(TypeError):
            fn(bad)


@pytest.mark.parametrize("name, fn_name", ALL_FUNCTIONS)
def test_hard_points_no_warning_nan_only_from_nan(name, fn_name):
    """Warnings are errors (pytest.ini); NaN comes out only where NaN went in."""
    module = snippet(name)
    fn = getattr(module, fn_name)
    for dtype in (np.float16, np.float32, np.float64):
        xs = hard_points(dtype, [k.at for k in DEFINITIONS[name].kinks])
        if fn_name.endswith("_grad_from_output"):  # its inputs are outputs y = f(x)
            xs = getattr(module, name)(xs)
        out = fn(xs)
        assert np.array_equal(np.isnan(out), np.isnan(xs)), f"{fn_name} {dtype}: {xs[np.isnan(out) != np.isnan(xs)]}"


@pytest.mark.parametrize("name", [n for n in NAMES if DEFINITIONS[n].kinks])
def test_conventions_at_kinks(name):
    """The value each page states at each kink is the value the snippet returns."""
    module = snippet(name)
    for kink in DEFINITIONS[name].kinks:
        for params in param_sets(name):
            merged = {**DEFINITIONS[name].params, **params}
            expected = merged[kink.grad] if isinstance(kink.grad, str) else kink.grad
            for dtype in DTYPES:
                at = np.array(kink.at, dtype=dtype)
                assert module.__dict__[f"{name}_grad"](at, **params) == dtype(expected)
                if kink.at == 0:
                    assert module.__dict__[f"{name}_grad"](-at, **params) == dtype(expected)  # -0.0 too
                if kink.value is not None:
                    assert module.__dict__[name](at, **params) == dtype(kink.value)


def test_named_requirements():
    """The examples the issue names, checked as written."""
    sigmoid = snippet("sigmoid").sigmoid
    value = sigmoid(-1000.0)
    assert 0 <= value < 1e-300
    assert sigmoid(np.float32(-1000)).dtype == np.float32
    assert snippet("softplus").softplus(1000.0) == 1000.0


def wrong_derivative_is_caught(name: str) -> None:
    """The sweep can fail: the derivative off by one part in a million is far
    out of bound (binary_step's, 0, off by 1e-6), and for sigmoid σ(1+σ) in
    place of σ(1−σ). Called from the float64 sweep of each derivative, whose
    exact values this worker has just computed (shared_oracle): no second sweep."""
    module = snippet(name)
    good = module.__dict__[f"{name}_grad"]
    module.__dict__[f"{name}_grad"] = lambda x, _g=good, **p: _g(x, **p) * (1 + 1e-6)
    if name == "binary_step":  # its derivative is 0: perturb by a constant instead
        module.__dict__[f"{name}_grad"] = lambda x, _g=good, **p: _g(x, **p) + 1e-6
    result = measure(name, "grad", np.float64, module)
    assert max(result.max_ulp, result.max_ulp_all) > BOUND["grad"], f"{name}: a derivative off by 1e-6 passes"
    if name == "sigmoid":
        module = snippet("sigmoid")
        s = module.sigmoid
        module.sigmoid_grad = lambda x: s(x) * (1 + s(x))
        assert measure("sigmoid", "grad", np.float64, module).max_ulp > 1e6, "sigmoid: σ(1+σ) passes"


@pytest.mark.parametrize("name", [n for n in NAMES if DEFINITIONS[n].kinks])
def test_every_kink_has_measured_framework_values(name):
    """The conventions page shows what PyTorch and JAX return at each kink,
    from sitekit/framework_values.json: a new kink needs a new measurement."""
    measured = json.loads((Path(__file__).resolve().parent.parent / "sitekit" / "framework_values.json").read_text())
    rows = measured["values"].get(name, [])
    for kink in DEFINITIONS[name].kinks:
        row = next((r for r in rows if r["at"] == kink.at), None)
        assert row is not None, f"{name}: kink at {kink.at} not measured: run python -m sitekit.frameworks"
        assert row["params"] == dict(DEFINITIONS[name].params), f"{name}: measured with other parameters"
