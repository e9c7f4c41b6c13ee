"""Every snippet function gives the same result, bit for bit, whatever the
memory layout and byte order of its input: C order, Fortran order, a
transposed view, strided and reversed views, a broadcast view, non-native
byte order, and 0-d input (which returns a NumPy scalar of the input's
float dtype, as NumPy's own ufuncs do). Wrong shapes and empty class axes
raise a ValueError that says what is wrong.

The functions are discovered: every public function of every snippet file
except the `_naive` ones (kept to show a failure), called on the hard points.
The reference for a view is the same call on a C-ordered, native copy of it.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from sitekit.catalogue import VECTOR_FUNCTIONS, load_snippet, snippet, snippet_names
from sitekit.points import hard_points

ROOT = Path(__file__).resolve().parent.parent
DTYPES = (np.float32, np.float64)
# Demonstrations of a failure, not functions a reader should use.
DEMOS = re.compile(r"_naive$|_shift_only$")


def public_functions(module):
    return {
        name: fn for name, fn in vars(module).items()
        if inspect.isfunction(fn) and not name.startswith("_") and not DEMOS.search(name)
    }


def hard_matrix(dtype, columns=8):
    """The hard points (0, ±tiny, subnormals, ±1, ±20, ±710, ±max, ±inf, NaN) of
    dtype and a few plain values, as a C-ordered (rows, columns) array."""
    values = np.concatenate([hard_points(dtype), np.array([0.5, -0.75, -1.1924312145154952, 3.0], dtype)])
    rows = -(-values.size // columns)
    values = np.resize(values, rows * columns)  # repeats from the start
    return values.reshape(rows, columns)


def finite_matrix(dtype, columns=8):
    """Finite hard points up to |x| = 710 (losses and layers: rows with
    ±max in them overflow by definition)."""
    values = hard_points(dtype)
    values = values[np.isfinite(values) & (np.abs(values) <= 710)]
    rows = -(-values.size // columns)
    return np.resize(values, rows * columns).reshape(rows, columns)


# Each layout maps a C-ordered array to a view or copy with the same values
# in another layout. The first one is the reference itself, as a sanity check.
LAYOUTS = {
    "c": lambda a: a,
    "fortran": np.asfortranarray,
    "transposed": lambda a: np.ascontiguousarray(a.T).T,
    "strided": lambda a: np.repeat(a, 2, axis=0)[::2],
    "reversed": lambda a: a[(slice(None, None, -1),) * a.ndim].copy()[(slice(None, None, -1),) * a.ndim],
    "broadcast": lambda a: np.broadcast_to(a[:1], a.shape),
    "byteswapped": lambda a: a.astype(a.dtype.newbyteorder()),
}


def reference(view):
    """The same values as view, C-ordered, native byte order."""
    return np.array(view, dtype=view.dtype.newbyteorder("="), order="C", copy=True)


def same(a, b, where=""):
    """a and b identical: type, dtype, shape and every bit except a NaN's payload."""
    if isinstance(a, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (u, v) in enumerate(zip(a, b)):
            same(u, v, f"{where}[{i}]")
        return
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]")
        return
    if callable(a) or a is None or isinstance(a, (int, str)):
        assert a is b or a == b, where
        return
    assert type(a) is type(b), f"{where}: {type(a).__name__} vs {type(b).__name__}"
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}"
    if a.dtype.kind == "f":
        assert a.dtype.isnative, f"{where}: a result in non-native byte order"
        both_nan = np.isnan(a) & np.isnan(b)
        equal = (a == b) & (np.signbit(a) == np.signbit(b))
        bad = ~(both_nan | equal)
        assert not bad.any(), f"{where}: {a[bad][:4]} vs {b[bad][:4]} (of {bad.sum()})"
    else:
        assert np.array_equal(a, b), where


# ---------------------------------------------------------------------------
# The calls: each case is (label, function, arrays -> result, the arrays).


def _activation_cases():
    """Each activation function with its array arguments. A `y` argument
    (derivative from the output) gets f of the hard points, its domain."""
    cases = []
    for name in snippet_names():
        module = snippet(name)
        for fn_name, fn in public_functions(module).items():
            params = list(inspect.signature(fn).parameters.values())
            arrays = [p.name for p in params if p.default is inspect.Parameter.empty]
            cases.append((name, fn_name, fn, arrays, module))
    return cases


ACTIVATION_CASES = _activation_cases()


def _inputs(name, fn_name, arrays, module, dtype):
    """Values for each array argument of one function, as C-ordered arrays:
    the hard points; a Jacobian's one vector is a row of them."""
    x = hard_matrix(dtype)
    if "jacobian" in fn_name:
        x = x[1]
    values = {}
    for arg in arrays:
        if arg in ("x", "z"):
            values[arg] = x
        elif arg in ("y", "p", "q"):
            # The output of the forward: the domain of a derivative from it.
            forward = {"p": "softmax", "q": "softmin"}.get(arg, name)
            values[arg] = reference(np.asarray(getattr(module, forward)(x)))
        elif arg in ("g", "dy"):
            # An upstream gradient of the output's shape; no zeros (0 * inf)
            # and one sign, so that a sum over the batch has no inf - inf.
            shape = np.shape(getattr(module, name)(x))
            values[arg] = np.resize(np.array([0.5, 1.0, 2.0, 3.0, 0.25], dtype), shape)
        elif arg == "slopes":
            values[arg] = np.resize(np.array([0.125, 0.25, 0.3], dtype), x.shape)
        else:
            raise AssertionError(f"{fn_name}: no values for argument {arg!r}")
    return values


# Sums over a batch: beyond the float range, their exact value is ±inf.
SUMS = ("prelu_grad_alpha_batch",)


def _call(fn, kwargs):
    if "rng" in inspect.signature(fn).parameters:
        kwargs = {**kwargs, "rng": np.random.default_rng(0)}
    with np.errstate(all="raise", under="ignore", over="ignore" if fn.__name__ in SUMS else "raise"):
        return fn(**kwargs)


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("case", ACTIVATION_CASES, ids=lambda c: c[1] if c[1].startswith(c[0]) else f"{c[0]}.{c[1]}")
def test_activation_layouts(case, dtype, layout):
    name, fn_name, fn, arrays, module = case
    values = _inputs(name, fn_name, arrays, module, dtype)
    viewed = {k: LAYOUTS[layout](v) for k, v in values.items()}
    expected = _call(fn, {k: reference(v) for k, v in viewed.items()})
    same(_call(fn, viewed), expected, f"{fn_name} on {layout} input")


# rrelu_train draws its slopes: tested on its own below.
ELEMENTWISE_CASES = [c for c in ACTIVATION_CASES if c[0] not in VECTOR_FUNCTIONS and c[3] in (["x"], ["y"])
                     and "rng" not in inspect.signature(c[2]).parameters]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("case", ELEMENTWISE_CASES, ids=lambda c: c[1])
def test_elementwise_scalar(case, dtype):
    """0-d in, a NumPy scalar of the input's dtype out, equal to the array call's
    element; the same for a 0-d array in non-native byte order."""
    name, fn_name, fn, arrays, module = case
    values = _inputs(name, fn_name, arrays, module, dtype)[arrays[0]]
    expected = _call(fn, {arrays[0]: values})
    for i, v in enumerate(values.ravel()):
        for zero_d in (np.array(v), np.array(v).astype(values.dtype.newbyteorder()), v):
            result = _call(fn, {arrays[0]: zero_d})
            assert type(result) is np.dtype(dtype).type, f"{fn_name}({zero_d!r}) returned {type(result).__name__}"
            same(np.asarray(result), np.asarray(expected.ravel()[i]), f"{fn_name}({v!r})")
    # A Python float is float64.
    assert type(_call(fn, {arrays[0]: 0.5})) is np.float64, fn_name


# ---------------------------------------------------------------------------
# Losses and layers.

LOSSES = ROOT / "snippets" / "losses"
LAYERS = ROOT / "snippets" / "layers"
NETWORK = ROOT / "snippets" / "network"


def _one_hot(dtype, shape):
    T = np.zeros(shape, dtype)
    T[np.arange(shape[0]), np.arange(shape[0]) % shape[1]] = 1
    return T


def _loss_cases():
    cases = []
    for path in sorted(LOSSES.glob("*.py")):
        module = load_snippet(path)
        for fn_name, fn in public_functions(module).items():
            cases.append((fn_name, fn))
    return cases


LOSS_CASES = _loss_cases()


def _loss_inputs(fn_name, dtype):
    Z = finite_matrix(dtype)
    if fn_name.startswith("bce"):
        T = np.resize(np.array([0, 1, 0.25, 1], dtype), Z.shape)
    elif fn_name.startswith(("mse", "sse")):
        T = np.resize(np.array([0, 1, -2.5], dtype), Z.shape)
    else:
        T = _one_hot(dtype, Z.shape)
    return Z, T


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("case", LOSS_CASES, ids=lambda c: c[0])
def test_loss_layouts(case, dtype, layout):
    fn_name, fn = case
    Z, T = _loss_inputs(fn_name, dtype)
    args = [LAYOUTS[layout](Z), LAYOUTS[layout](T)]
    expected = fn(*[reference(a) for a in args])
    with np.errstate(all="raise", under="ignore"):
        result = fn(*args)
    same(result, expected, f"{fn_name} on {layout} input")
    if np.ndim(expected) == 0:
        assert type(expected) is np.dtype(dtype).type, f"{fn_name} returned {type(expected).__name__}"


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_loss_integer_labels(dtype, layout):
    """Integer labels (N,) in any layout and byte order."""
    module = load_snippet(LOSSES / "softmax_cross_entropy.py")
    Z = finite_matrix(dtype)
    labels = (np.arange(Z.shape[0]) * 3 % Z.shape[1]).astype(np.int64)
    column = labels[:, None]
    for fn in (module.softmax_cross_entropy, module.softmax_cross_entropy_grad):
        viewed = LAYOUTS[layout](column)[:, 0] if layout != "broadcast" else np.broadcast_to(labels[:1], labels.shape)
        Zv = LAYOUTS[layout](Z)
        expected = _call(fn, {"Z": reference(Zv), "T": reference(viewed)})
        same(_call(fn, {"Z": Zv, "T": viewed}), expected, f"{fn.__name__} on {layout} labels")


def _layer_modules():
    return {path.stem: load_snippet(path) for path in sorted(LAYERS.glob("*.py"))} | {
        "mlp": load_snippet(NETWORK / "mlp.py")}


LAYER_MODULES = _layer_modules()


def _layer_calls(dtype):
    """(label, fn, array args, other args): the forward and backward of each layer."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((6, 4)).astype(dtype)
    W = rng.standard_normal((4, 8)).astype(dtype)
    b = rng.standard_normal(8).astype(dtype)
    G = rng.standard_normal((6, 8)).astype(dtype)
    Gx = rng.standard_normal((6, 4)).astype(dtype)
    tanh = snippet("tanh")
    calls = []
    for label, m in LAYER_MODULES.items():
        if hasattr(m, "dense_forward"):
            calls.append((f"{label}.dense_forward", lambda X, W, b, m=m: m.dense_forward(X, W, b), (X, W, b)))
            calls.append((f"{label}.dense_backward",
                          lambda G, X, W, b, m=m: m.dense_backward(G, m.dense_forward(X, W, b)[1]), (G, X, W, b)))
        if hasattr(m, "activation_forward"):
            calls.append((f"{label}.activation_forward",
                          lambda X, m=m: m.activation_forward(X, tanh.tanh, tanh.tanh_grad)[0], (X,)))
            calls.append((f"{label}.activation_backward",
                          lambda G, X, m=m: m.activation_backward(G, m.activation_forward(X, tanh.tanh, tanh.tanh_grad)[1]),
                          (Gx, X)))
        if hasattr(m, "softmax_forward"):
            calls.append((f"{label}.softmax_forward", lambda Z, m=m: m.softmax_forward(Z)[0], (G,)))
            calls.append((f"{label}.softmax_backward",
                          lambda G, Z, m=m: m.softmax_backward(G, m.softmax_forward(Z)[1]), (G, G[::-1].copy())))
        if hasattr(m, "loss_and_grads"):
            params = m.init_params(4, 5, 3, np.random.default_rng(2))
            params = {k: v.astype(dtype) for k, v in params.items()}
            T = _one_hot(dtype, (6, 3))
            calls.append((f"{label}.forward", lambda X, m=m, p=params: m.forward(p, X)[0], (X,)))
            calls.append((f"{label}.loss_and_grads", lambda X, T, m=m, p=params: m.loss_and_grads(p, X, T), (X, T)))
            calls.append((f"{label}.predict", lambda X, m=m, p=params: m.predict(p, X), (X,)))
    return calls


LAYER_LABELS = [c[0] for c in _layer_calls(np.float64)]


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("label", LAYER_LABELS)
def test_layer_layouts(label, dtype, layout):
    _, fn, arrays = next(c for c in _layer_calls(dtype) if c[0] == label)
    viewed = [LAYOUTS[layout](a) if a.ndim == 2 else a for a in arrays]
    expected = fn(*[reference(a) for a in viewed])
    with np.errstate(all="raise", under="ignore"):
        result = fn(*viewed)
    same(result, expected, f"{label} on {layout} input")


# ---------------------------------------------------------------------------
# Wrong shapes and empty class axes.

VJPS = [(name, fn_name, fn) for name, fn_name, fn, arrays, _ in ACTIVATION_CASES if "dy" in arrays and name in VECTOR_FUNCTIONS]


@pytest.mark.parametrize("case", VJPS, ids=lambda c: f"{c[0]}.{c[1]}")
@pytest.mark.parametrize("wrong", ["row", "last", "transposed", "extra"])
def test_vjp_refuses_an_upstream_gradient_of_another_shape(case, wrong):
    """Even a gradient that would broadcast against the output is refused,
    with both shapes in the message."""
    name, fn_name, fn = case
    z = hard_matrix(np.float64)[:3, :4]
    out_shape = (3, 2) if name in ("glu", "swiglu") else (3, 4)
    g_shape = {"row": (1, out_shape[1]), "last": (out_shape[1],),
               "transposed": out_shape[::-1], "extra": (2, *out_shape)}[wrong]
    g = np.ones(g_shape)
    with pytest.raises(ValueError) as error:
        fn(z, g)
    message = str(error.value)
    assert str(g_shape) in message and str(out_shape) in message, message


CLASS_AXIS_CASES = [
    (name, fn_name, fn, arrays) for name, fn_name, fn, arrays, _ in ACTIVATION_CASES
    if name in ("softmax", "log_softmax", "softmin") and "axis" in inspect.signature(fn).parameters
]


@pytest.mark.parametrize("case", CLASS_AXIS_CASES, ids=lambda c: f"{c[0]}.{c[1]}")
@pytest.mark.parametrize("axis", [-1, 0])
def test_empty_class_axis(case, axis):
    name, fn_name, fn, arrays = case
    z = np.zeros((0, 3)) if axis == 0 else np.zeros((3, 0))
    args = [z] * len(arrays)
    with pytest.raises(ValueError, match=rf"^{fn_name}: the class axis \(axis={axis}\) is empty"):
        fn(*args, axis=axis)
    # An empty batch with classes is an empty answer, not an error.
    z_batch = np.zeros((3, 0)) if axis == 0 else np.zeros((0, 3))
    with np.errstate(all="raise"):
        result = fn(*[z_batch] * len(arrays), axis=axis)
    assert result.shape == z_batch.shape


@pytest.mark.parametrize("case", [c for c in LOSS_CASES if c[0].startswith("softmax")], ids=lambda c: c[0])
def test_loss_empty_class_axis(case):
    fn_name, fn = case
    with pytest.raises(ValueError, match=r"^softmax_cross_entropy: the class axis \(axis=1\) is empty"):
        fn(np.zeros((3, 0)), np.zeros((3, 0)))


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_jacobian_of_an_empty_vector(name):
    module = snippet(name)
    for fn_name in (f"{name}_jacobian", "softmax_jacobian"):
        if hasattr(module, fn_name):
            with pytest.raises(ValueError, match=rf"^{fn_name}: the class axis \(axis=0\) is empty"):
                getattr(module, fn_name)(np.zeros(0))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_rrelu_train_scalar(dtype):
    """A 0-d x gives (y, slope) as NumPy scalars; y as the first draw of an array call."""
    rrelu = snippet("rrelu")
    for v in hard_points(dtype):
        y, slope = rrelu.rrelu_train(np.array(v), rng=np.random.default_rng(0))
        ys, slopes = rrelu.rrelu_train(np.array([v, v]), rng=np.random.default_rng(0))
        assert type(y) is np.dtype(dtype).type and type(slope) is np.float64
        same(np.asarray(y), np.asarray(ys[0]), f"rrelu_train({v!r})")
        assert slope == slopes[0]


# ---------------------------------------------------------------------------
# The defects of issue 13, one by one, against values computed here.

ISSUE_X = np.array([[-1.0, 0.5, 2.0], [3.0, -2.0, 0.0]])


def _mp_gelu(v, which):
    import mpmath
    with mpmath.workdps(50):
        t = mpmath.mpf(float(v))
        cdf = mpmath.ncdf(t)
        value = t * cdf if which == "f" else cdf + t * mpmath.npdf(t)
        return float(value)


@pytest.mark.parametrize("which", ["f", "grad"])
def test_gelu_any_layout_issue_example(which):
    """gelu_grad(x.T) returned GELU's values, gelu(Fortran x) the derivative's,
    and x.astype('>f8') relative errors of 1e236."""
    gelu = snippet("gelu")
    fn = gelu.gelu if which == "f" else gelu.gelu_grad
    exact = np.array([[_mp_gelu(v, which) for v in row] for row in ISSUE_X])
    eps = np.finfo(np.float64).eps
    for label, x, back in [("C", ISSUE_X, lambda y: y), ("transposed", ISSUE_X.T, lambda y: y.T),
                           ("Fortran", np.asfortranarray(ISSUE_X), lambda y: y),
                           ("big-endian", ISSUE_X.astype(">f8"), lambda y: y)]:
        y = back(fn(x))
        error = np.abs(y - exact) / np.maximum(np.abs(exact), np.finfo(np.float64).tiny)
        assert error.max() <= 4 * eps, f"gelu {which} on {label} input: {y} vs {exact}"


def test_mish_grad_near_root_in_fortran_order():
    """43 % off at x0 on Fortran-ordered input: the near-root values were
    written into a copy."""
    import mpmath
    x0 = -1.1924312145154952
    x = np.asfortranarray([[x0, 1.0], [2.0, x0]])
    def mish(t):
        return t * mpmath.tanh(mpmath.log1p(mpmath.exp(t)))

    with mpmath.workdps(50):
        exact = float(mpmath.diff(mish, mpmath.mpf(x0)))
    result = snippet("mish").mish_grad(x)
    # The near-root branch keeps f''s 8 ULP contract even there (C order does).
    bound = 8 * np.spacing(abs(exact))
    assert abs(result[0, 0] - exact) <= bound and abs(result[1, 1] - exact) <= bound, (result, exact)


@pytest.mark.parametrize("name", ["leaky_relu", "prelu", "rrelu", "linear"])
@pytest.mark.parametrize("which", ["", "_grad"])
def test_big_endian_input(name, which):
    """leaky_relu, prelu, rrelu and linear raised TypeError on big-endian input."""
    fn = getattr(snippet(name), name + which)
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    same(fn(x.astype(">f8")), fn(x), f"{name}{which}")
    same(fn(x.astype(">f4")), fn(x.astype(np.float32)), f"{name}{which}")


def test_softmax_cross_entropy_at_a_minus_inf_logit():
    """[[0, -inf, 1]] with label 2 returned NaN with a warning: a class of
    probability 0 that is not the label adds nothing."""
    import mpmath
    ce = load_snippet(LOSSES / "softmax_cross_entropy.py")
    with mpmath.workdps(50):
        z = [mpmath.mpf(0), mpmath.mpf(1)]  # exp(-inf) = 0 adds nothing to the sum
        exact = float(mpmath.log(sum(mpmath.exp(v) for v in z)) - z[1])
    loss = ce.softmax_cross_entropy([[0.0, -np.inf, 1.0]], [2])
    assert abs(loss - exact) <= np.spacing(exact), (loss, exact)
    grad = ce.softmax_cross_entropy_grad([[0.0, -np.inf, 1.0]], [2])
    assert grad[0, 1] == 0 and np.all(np.isfinite(grad))
    # The same as a one-hot target, and +inf where the label is the -inf class.
    assert ce.softmax_cross_entropy([[0.0, -np.inf, 1.0]], [[0.0, 0.0, 1.0]]) == loss
    assert ce.softmax_cross_entropy([[0.0, -np.inf, 1.0]], [1]) == np.inf


@pytest.mark.parametrize("z", [np.inf, -np.inf])
@pytest.mark.parametrize("t", [0.0, 1.0, 0.5])
def test_bce_with_logits_at_infinite_logits(z, t):
    """The limit as z -> +-inf: 0 where the logit's sign agrees with the label
    (t = 1 at +inf, t = 0 at -inf), +inf where it does not (including a soft
    t strictly between 0 and 1); the gradient sigma(z) - t in the limit."""
    bce = load_snippet(LOSSES / "bce_with_logits.py")
    agrees = (z > 0 and t == 1) or (z < 0 and t == 0)
    assert bce.bce_with_logits(np.array([z]), np.array([t])) == (0.0 if agrees else np.inf)
    assert bce.bce_with_logits_grad(np.array([z]), np.array([t]))[0] == (1.0 if z > 0 else 0.0) - t


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name, params", [("selu", {}), ("elu", {"alpha": 2.0}), ("celu", {"alpha": 2.0})])
def test_an_element_does_not_depend_on_its_neighbours(name, params, dtype):
    """selu_grad took a slower route for the whole array when one e^x was
    subnormal (the last bit of every other element changed with it), and
    missed the subnormal when a NaN was in the array."""
    fn = getattr(snippet(name), f"{name}_grad")
    alone = {v: fn(np.array([v], dtype), **params)[0] for v in (-1.0, -89.0, -745.0)}
    for neighbours in ([np.nan], [-745.0], [-89.0, np.nan], [1.0]):
        for v, expected in alone.items():
            same(fn(np.array([v, *neighbours], dtype), **params)[0], expected, f"{name}_grad({v}) next to {neighbours}")
