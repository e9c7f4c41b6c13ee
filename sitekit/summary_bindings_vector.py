"""Bindings of the vector-activation pages' formulas (softmax, log-softmax, softmin, GLU, SwiGLU),
and of the vector formulas other pages quote (the δ recursion, the bias and weight gradients).

Same form as sitekit.summary_bindings, whose Binding and helpers it uses. Two lists:
- BINDINGS: formulas the matrix reader (sitekit.matrix_tex) reads as written;
  sitekit.summaries checks them at every build.
- READ: formulas in prose notation the reader lacks, which `read` rewrites
  first, one rule each, meaning kept: `[i = j]` is the identity's entry
  `\\mathbf{I}_{ij}`; `e^{v}` is `\\exp(v)`; `\\operatorname{silu}'(u)` calls the
  function bound as `f'_silu`, `\\min(v, 0)` the function `f_min0`; with
  `dot=True`, `a \\cdot b` of two vectors is their dot product; a tuple of
  numbers `(-1, 0, 0)` is that vector.
  `check_markdown` checks a page's READ bindings with summaries.check_formula
  on the rewritten TeX, and fails for an inline_exceptions entry that names
  tests/test_summaries_vector.py with no READ binding behind it; that test
  runs it on every page.
Scalar statements about one entry of a layer bind each vector to its entry
(`_entry`), since the pages write a product of two entries by juxtaposition.
Gradients that no snippet computes (that of a loss the prose defines,
E = -y_c) come from the complex step, exact to rounding, and again from
central differences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from sitekit import summaries
from sitekit.catalogue import snippet
from sitekit.matrix_tex import _BUILTIN
from sitekit.summary_bindings import Binding, _snippet, _upstream, central, hidden_layers

_M = 5  # the length of every vector (odd, so a wrong transpose cannot fit a square by chance)
_ENTRY = 2  # the entry a scalar statement about one entry of a layer reads (any would do)


def _jacobian(function, z: np.ndarray) -> np.ndarray:
    """d function(z)_i / d z_j by central differences, a row at a time."""
    return np.stack([central(lambda w, i=i: float(function(w)[i]), z) for i in range(np.size(function(z)))])


def _complex_step(function, array: np.ndarray) -> np.ndarray:
    """d function / d array by the complex step, Im f(a + i h e_j) / h: exact to rounding for
    a function analytic in the array (no difference, so nothing cancels), unlike `central`."""
    grad = np.zeros_like(array, dtype=np.float64)
    for index in np.ndindex(array.shape):
        step = array.astype(np.complex128)
        step[index] += 1e-30j
        grad[index] = function(step).imag / 1e-30
    return grad


def _entry(setup, k: int = _ENTRY):
    """The setup with every vector replaced by its entry k: for statements that
    write a product of two entries by juxtaposition, which the reader keeps for scalars."""

    def pick(values: dict) -> dict:
        return {name: value[k] if isinstance(value, np.ndarray) and value.ndim == 1 else value
                for name, value in values.items()}

    def entry_setup(rng: np.random.Generator) -> tuple[dict, dict]:
        env, fd = setup(rng)
        return pick(env), pick(fd)

    return entry_setup


# ---------------------------------------------------------------------------
# softmax, log-softmax, softmin: z of length 5, a random upstream gradient


def softmax_setup(rng: np.random.Generator, column: bool = False) -> tuple[dict, dict]:
    """softmax, softmax_vjp and softmax_jacobian at z; `column`: p and p-bar as K x 1 matrices,
    as (\\partial p/\\partial z)^T p-bar multiplies them."""
    module = snippet("softmax")
    z, p_bar = rng.normal(size=_M), rng.normal(size=_M)
    env = {"p": module.softmax(z), "\\bar{p}": p_bar, "\\bar{z}": module.softmax_vjp(z, p_bar),
           "\\partial p/\\partial z": module.softmax_jacobian(z), "\\mathbf{I}": np.eye(_M)}
    fd = {"\\bar{z}": central(_upstream(module.softmax, p_bar), z), "\\partial p/\\partial z": _jacobian(module.softmax, z)}
    if column:
        for values in (env, fd):
            values.update({k: v[:, None] for k, v in values.items() if k in ("p", "\\bar{p}", "\\bar{z}")})
    return env, fd


def log_softmax_setup(rng: np.random.Generator) -> tuple[dict, dict]:
    """log_softmax, log_softmax_vjp and log_softmax_jacobian at z; p from the softmax snippet."""
    module = snippet("log_softmax")
    z, y_bar = rng.normal(size=_M), rng.normal(size=_M)
    env = {"y": module.log_softmax(z), "p": snippet("softmax").softmax(z), "\\bar{y}": y_bar,
           "\\bar{z}": module.log_softmax_vjp(z, y_bar), "\\partial y/\\partial z": module.log_softmax_jacobian(z),
           "\\mathbf{I}": np.eye(_M)}
    fd = {"\\bar{z}": central(_upstream(module.log_softmax, y_bar), z),
          "\\partial y/\\partial z": _jacobian(module.log_softmax, z)}
    return env, fd


def log_of_p(rng: np.random.Generator) -> tuple[dict, dict]:
    """The chain rule through y = log p alone: p-bar by central differences of E = sum_i y-bar_i log p_i
    at p = softmax(z) (no snippet has this step: the point is that log_softmax_vjp avoids it)."""
    p, y_bar = snippet("softmax").softmax(rng.normal(size=_M)), rng.normal(size=_M)
    return {"p": p, "\\bar{y}": y_bar}, {"\\bar{p}": central(lambda w: float(np.sum(y_bar * np.log(w))), p)}


def first_class_loss(rng: np.random.Generator) -> tuple[dict, dict]:
    """log_softmax.md's E = -y_1 of three classes: y-bar = dE/dy by the complex step and by central
    differences, at y = log_softmax(z)."""
    y = snippet("log_softmax").log_softmax(rng.normal(size=3))
    exact, fd = _complex_step(lambda w: -w[0], y), central(lambda w: -float(w[0]), y)
    return ({"\\bar{y}": exact, "\\partial E/\\partial y": exact}, {"\\bar{y}": fd, "\\partial E/\\partial y": fd})


def cross_entropy_setup(rng: np.random.Generator) -> tuple[dict, dict]:
    """The page's E = -y_c of a class c, t one-hot: y-bar by the complex step of that E,
    z-bar from log_softmax_vjp and, for the central differences, the cross-entropy snippet."""
    module, loss = snippet("log_softmax"), _snippet("losses/softmax_cross_entropy.py")
    z, c = rng.normal(size=_M), int(rng.integers(_M))
    y_bar = _complex_step(lambda y: -y[c], module.log_softmax(z))
    env = {"t": np.eye(_M)[c], "p": snippet("softmax").softmax(z), "\\bar{y}": y_bar,
           "\\bar{z}": module.log_softmax_vjp(z, y_bar)}
    fd = {"\\bar{z}": central(lambda w: float(loss.softmax_cross_entropy(w[None, :], np.array([c]))), z)}
    return env, fd


def softmin_setup(rng: np.random.Generator) -> tuple[dict, dict]:
    """softmin, softmin_vjp and softmin_jacobian at z."""
    module = snippet("softmin")
    z, q_bar = rng.normal(size=_M), rng.normal(size=_M)
    env = {"q": module.softmin(z), "\\bar{q}": q_bar, "\\bar{z}": module.softmin_vjp(z, q_bar),
           "\\partial q/\\partial z": module.softmin_jacobian(z)}
    fd = {"\\bar{z}": central(_upstream(module.softmin, q_bar), z), "\\partial q/\\partial z": _jacobian(module.softmin, z)}
    return env, fd


def softmin_linear_loss(rng: np.random.Generator) -> tuple[dict, dict]:
    """The page's E = sum_i c_i q_i at q = softmin(z): q-bar by the complex step of E, and by
    central differences."""
    c, q = rng.normal(size=_M), snippet("softmin").softmin(rng.normal(size=_M))
    exact, fd = _complex_step(lambda w: np.sum(c * w), q), central(lambda w: float(np.sum(c * w)), q)
    return ({"c": c, "\\bar{q}": exact, "\\partial E/\\partial q": exact},
            {"\\bar{q}": fd, "\\partial E/\\partial q": fd})


# ---------------------------------------------------------------------------
# GLU and SwiGLU: halves u and v of length 5, or the pages' plotted slice


def _halves_setup(name: str, rng: np.random.Generator, signs: np.ndarray | None = None) -> tuple[dict, dict]:
    """<name>_vjp at x = [u, v] with upstream y-bar: the gradients of both halves (u of the given signs)."""
    module = snippet(name)
    u, v, y_bar = rng.normal(size=_M), rng.normal(size=_M), rng.normal(size=_M)
    u = u if signs is None else np.abs(u) * signs
    x = np.concatenate([u, v])
    grad = getattr(module, f"{name}_vjp")(x, y_bar)
    fd_grad = central(_upstream(getattr(module, name), y_bar), x)
    env = {"u": u, "v": v, "\\bar{y}": y_bar, "\\partial E/\\partial u": grad[:_M], "\\partial E/\\partial v": grad[_M:]}
    if name == "swiglu":
        swish = snippet("swish")
        env.update({"f_silu": swish.swish, "f'_silu": swish.swish_grad})
    return env, {"\\partial E/\\partial u": fd_grad[:_M], "\\partial E/\\partial v": fd_grad[_M:]}


def _swiglu_parts(rng: np.random.Generator) -> tuple[dict, dict]:
    """_halves_setup("swiglu") with the prose's q = e^{-|u|} and c = 1 + q + u q (u >= 0),
    (1 + u) + q (u < 0), the factors of its last-bit accurate form; u of alternating sign
    from entry 0 on (+, -, ...), so entry 0 meets the first form of c and entry 1 the second."""
    env, fd = _halves_setup("swiglu", rng, signs=np.array([1.0, -1.0, 1.0, -1.0, 1.0]))
    u = env["u"]
    q = np.exp(-np.abs(u))
    return {**env, "q": q, "c": np.where(u >= 0, 1 + q + u * q, (1 + u) + q)}, fd


def _slice_setup(name: str, rng: np.random.Generator) -> tuple[dict, dict]:
    """The page's plot: one half fixed at 2, the other x (GLU gates with v = x, SwiGLU with u = x);
    the slopes of y by u and v from <name>_vjp with y-bar = 1, and by central differences."""
    module = snippet(name)
    forward, vjp = getattr(module, name), getattr(module, f"{name}_vjp")
    x, two = rng.normal(size=_M), np.full(_M, 2.0)
    halves = (two, x) if name == "glu" else (x, two)
    slopes = vjp(np.stack(halves, axis=-1), np.ones((_M, 1)))
    by_u = central(lambda u: float(np.sum(forward(np.stack([u, halves[1]], axis=-1)))), halves[0])
    by_v = central(lambda v: float(np.sum(forward(np.stack([halves[0], v], axis=-1)))), halves[1])
    env = {"x": x, "\\partial y/\\partial u": slopes[:, 0], "\\partial y/\\partial v": slopes[:, 1]}
    if name == "swiglu":
        swish = snippet("swish")
        env.update({"f_silu": swish.swish, "f'_silu": swish.swish_grad})
    return env, {"\\partial y/\\partial u": by_u, "\\partial y/\\partial v": by_v}


# ---------------------------------------------------------------------------
# The network formulas quoted on the activation pages, errata.md, index.md and notation.md


def delta_rows(rng: np.random.Generator) -> tuple[dict, dict]:
    """hidden_layers with one example, its error signals and pre-activations as 1 x n rows,
    as \\delta^{(l+1)} (W^{(l+1)})^T multiplies them."""
    env, fd = hidden_layers(rng, n=1)
    for values in (env, fd):
        values.update({k: values[k][None, :] for k in ("\\delta^(l)", "\\delta^(l+1)", "z^(l)") if k in values})
    return env, fd


def two_layers(rng: np.random.Generator) -> tuple[dict, dict]:
    """errata.md's network, one example: x (3) -> layer 1 (5, tanh) -> layer 2 (7, sigmoid),
    E = sse_half; the error signals and bias gradients of both layers from the snippets'
    backward, and by central differences of E."""
    dense, act, mse = _snippet("layers/dense.py"), _snippet("layers/activation.py"), _snippet("losses/mse.py")
    tanh, sigmoid = snippet("tanh"), snippet("sigmoid")
    x, T = rng.normal(size=(1, 3)), rng.uniform(size=(1, 7))
    W1, b1, W2, b2 = rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=(5, 7)), rng.normal(size=7)

    Z1, dense1 = dense.dense_forward(x, W1, b1)
    A1, act1 = act.activation_forward(Z1, tanh.tanh, tanh.tanh_grad)
    Z2, dense2 = dense.dense_forward(A1, W2, b2)
    A2, act2 = act.activation_forward(Z2, sigmoid.sigmoid, sigmoid.sigmoid_grad)
    D2 = act.activation_backward(mse.sse_half_grad(A2, T), act2)
    G1, _, db2 = dense.dense_backward(D2, dense2)
    D1 = act.activation_backward(G1, act1)
    db1 = dense.dense_backward(D1, dense1)[2]

    def loss(b1=b1, b2=b2, Z1=None, Z2=None):  # E with a bias or a pre-activation set
        Z1 = dense.dense_forward(x, W1, b1)[0] if Z1 is None else Z1
        Z2 = dense.dense_forward(tanh.tanh(Z1), W2, b2)[0] if Z2 is None else Z2
        return mse.sse_half(sigmoid.sigmoid(Z2), T)

    env = {"g'": tanh.tanh_grad, "z^(1)": Z1[0], "w^(2)": W2, "\\delta^(1)": D1[0], "\\delta^(2)": D2[0],
           "\\partial E/\\partial b^(1)": db1, "\\partial E/\\partial b^(2)": db2}
    fd = {"\\delta^(1)": central(lambda Z: loss(Z1=Z[None, :]), Z1[0]),
          "\\delta^(2)": central(lambda Z: loss(Z2=Z[None, :]), Z2[0]),
          "\\partial E/\\partial b^(1)": central(lambda b: loss(b1=b), b1),
          "\\partial E/\\partial b^(2)": central(lambda b: loss(b2=b), b2)}
    return env, fd


def dense_entries(rng: np.random.Generator) -> tuple[dict, dict]:
    """errata.md's z_k = sum_j w_jk a_j + b_k for one example, a (5) -> z (7): the Jacobians of z by W
    (entry [k, j, k']) and by b, a row k at a time from dense_backward with the one-hot upstream
    gradient of z_k, and by central differences of dense_forward."""
    dense = _snippet("layers/dense.py")
    a, W, b = rng.normal(size=5), rng.normal(size=(5, 7)), rng.normal(size=7)
    _, cache = dense.dense_forward(a[None, :], W, b)
    rows = [dense.dense_backward(np.eye(7)[k][None, :], cache) for k in range(7)]
    env = {"a": a, "\\partial z/\\partial w": np.stack([r[1] for r in rows]),
           "\\partial z/\\partial b": np.stack([r[2] for r in rows])}
    fd = {"\\partial z/\\partial w": np.stack([central(lambda w, k=k: float(dense.dense_forward(a[None, :], w, b)[0][0, k]), W)
                                          for k in range(7)]),
          "\\partial z/\\partial b": _jacobian(lambda c: dense.dense_forward(a[None, :], W, c)[0][0], b)}
    return env, fd


def one_activation(rng: np.random.Generator) -> tuple[dict, dict]:
    """notation.md's chain rule through one elementwise activation f = tanh at a scalar x:
    activation_backward with upstream y-bar, and central differences of tanh."""
    act, tanh = _snippet("layers/activation.py"), snippet("tanh")
    x, y_bar = rng.normal(size=1), rng.normal(size=1)
    _, cache = act.activation_forward(x, tanh.tanh, tanh.tanh_grad)
    x_bar = act.activation_backward(y_bar, cache)[0]
    fd_x_bar = central(_upstream(tanh.tanh, y_bar), x)[0]
    env = {"x": x[0], "f'": tanh.tanh_grad, "\\bar{y}": y_bar[0], "\\partial E/\\partial y": y_bar[0],
           "\\bar{x}": x_bar, "\\partial E/\\partial x": x_bar}
    return env, {"\\bar{x}": fd_x_bar, "\\partial E/\\partial x": fd_x_bar}


# ---------------------------------------------------------------------------
# The prose's notation, read into the matrix reader's


@dataclass(frozen=True)
class ReadBinding(Binding):
    dot: bool = False  # `a \cdot b` of two vectors is their dot product


_IVERSON = re.compile(r"\[\s*([a-z])\s*=\s*([a-z])\s*\]")
_EXP = re.compile(r"(?<![\\A-Za-z])e\s*\^\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_OPERATOR = re.compile(r"\\operatorname\s*\{\s*([A-Za-z]+)\s*\}")
_MIN0 = re.compile(r"\\min\s*\(\s*([^(),]+?)\s*,\s*0\s*\)")
_NUMBER = r"-?\d+(?:\.\d+)?"
_TUPLE = re.compile(rf"\(\s*({_NUMBER}(?:\s*,\s*{_NUMBER})+)\s*\)")
_VECTOR = r"(\\bar\{[A-Za-z]\}|(?<![\\A-Za-z{])[A-Za-z](?![A-Za-z{}_]))"
_DOT = re.compile(rf"{_VECTOR}\s*\\cdot\s*{_VECTOR}")


def read(tex: str, dot: bool = False) -> str:
    """The prose's notation rewritten into the matrix reader's (sitekit.matrix_tex), meaning kept;
    the module's docstring lists the rules."""
    tex = _IVERSON.sub(r"\\mathbf{I}_{\1 \2}", tex)
    tex = _EXP.sub(r"\\exp(\1)", tex)
    tex = _MIN0.sub(r"f_{min0}(\1)", tex)
    tex = _OPERATOR.sub(lambda m: m.group(0) if m.group(1) in _BUILTIN else f"f_{{{m.group(1)}}}", tex)
    if dot:
        tex = _DOT.sub(r"(\\sum_{\\text{rows}} \1 \\odot \2)", tex)
    return tex


@dataclass
class _Read:
    """A formula with its TeX read into the reader's notation; lines and text as on the page."""
    line: int
    first: int
    tex: str
    flat: str

    def line_at(self, offset: int) -> int:
        return self.first + self.tex.count("\n", 0, offset)


def _MIN_0(v):
    return np.minimum(v, 0.0)


def _tuples(tex: str) -> tuple[str, dict[str, np.ndarray]]:
    """Each tuple of numbers `(-1, 0, 0)` replaced by a name bound to that vector, read from the TeX."""
    values: dict[str, np.ndarray] = {}

    def name(match: re.Match) -> str:
        key = f"\\mathbf{{{'ABCD'[len(values)]}}}"
        values[key] = np.array([float(x) for x in match.group(1).split(",")])
        return key

    return _TUPLE.sub(name, tex), values


def check_read(formula, binding: ReadBinding, label: str) -> list[str]:
    """summaries.check_formula on the formula as `read` rewrites it (a quoted mistake must be false);
    a tuple of numbers is the vector of those numbers."""
    tex, vectors = _tuples(read(formula.tex, binding.dot))
    if vectors:
        setup = binding.setup
        binding = replace(binding, setup=lambda rng: (lambda env, fd: ({**env, **vectors}, fd))(*setup(rng)))
    if "f_{min0}" in tex:
        setup = binding.setup
        binding = replace(binding, setup=lambda rng: (lambda env, fd: ({**env, "f_min0": _MIN_0}, fd))(*setup(rng)))
    shown = _Read(formula.line, getattr(formula, "first", formula.line), tex, formula.flat)
    return summaries.check_formula(shown, binding, label)


_CLAIM = "tests/test_summaries_vector.py"


def check_markdown(markdown: str, src_uri: str) -> list[str]:
    """The errors of one page's READ bindings, and of its inline_exceptions entries that say
    they are checked here with no READ binding behind them."""
    from sitekit import inline_exceptions
    from sitekit.formulas import extract_formulas
    from sitekit.inline_formulas import extract_inline

    page = src_uri.replace("\\", "/").removeprefix("docs/")
    label = f"docs/{page}"
    pools = {False: extract_formulas(markdown), True: extract_inline(markdown)}
    errors: list[str] = []
    bound: set[tuple[int, str]] = set()
    for binding in (b for b in READ if b.page == page):
        fragment = " ".join(binding.fragment.split())
        found = {f.flat: f for f in reversed(pools[binding.inline]) if fragment in f.flat}
        if not found:
            errors.append(f"{label}: stale binding in sitekit/summary_bindings_vector.py: no "
                          f"{'inline' if binding.inline else 'display'} formula contains `{fragment}`; fix the "
                          f"binding's fragment (or delete the binding and its exception entry)")
            continue
        bound.update((f.line, f.flat) for f in pools[binding.inline] if fragment in f.flat)
        for formula in reversed(found.values()):
            errors += check_read(formula, binding, label)
    for entry in inline_exceptions.EXCEPTIONS:
        if entry.page == page and _CLAIM in entry.reason:
            text = " ".join(entry.tex.split())
            for formula in pools[True]:
                if formula.flat == text and (formula.line, text) not in bound:
                    errors.append(f"{label}:{formula.line}: sitekit/inline_exceptions.py says {_CLAIM} checks this "
                                  f"formula, but no READ binding in sitekit/summary_bindings_vector.py does; add one "
                                  f"or change the entry's reason")
    return errors


_SOFTMAX, _LOG_SOFTMAX, _SOFTMIN = ("softmax_vjp, softmax_jacobian", "log_softmax_vjp, log_softmax_jacobian, softmax",
                                    "softmin_vjp, softmin_jacobian")
_GLU, _SWIGLU = "glu_vjp, one entry of the halves", "swiglu_vjp, swish and swish_grad at beta = 1, one entry"
_glu, _swiglu = partial(_halves_setup, "glu"), partial(_halves_setup, "swiglu")
_GLU_SLICE = "glu_vjp on the plotted slice u = 2, v = x, at one x"
_SWIGLU_SLICE = "swiglu_vjp, swish and swish_grad on the plotted slice u = x, v = 2, at one x"

_MLP = "dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss)"
_TWO = "dense_backward and activation_backward (tanh, then sigmoid layer; sse_half loss), one example"

BINDINGS: list[Binding] = [
    # Fragments are left sides, so an edited right side is evaluated (and fails with its line).
    *(Binding(page, "\\delta^{(l)} =", f"{_MLP}, one example as rows", delta_rows, inline=True)
      for page in ("activations/choosing.md", "activations/sigmoid.md")),
    Binding("index.md", "\\frac{\\partial E}{\\partial b^{(l)}} =", f"{_MLP}, one example",
            partial(hidden_layers, n=1), inline=True),
    *(Binding("errata.md", fragment, f"{_MLP}, one example", partial(hidden_layers, n=1), inline=True)
      for fragment in ("\\frac{\\partial E}{\\partial b^{(l)}_j} =", "\\frac{\\partial E}{\\partial b^{(l)}_k} =",
                       "\\frac{\\partial E}{\\partial w^{(l)}_{jk}} =")),
    Binding("errata.md", "\\frac{\\partial E}{\\partial W^{(l)}} =", f"{_MLP}, a batch of 5", hidden_layers,
            inline=True),
    *(Binding("errata.md", fragment, _TWO, two_layers, inline=True)
      for fragment in ("\\delta^{(1)}_j =", "\\frac{\\partial E}{\\partial b^{(2)}_k} =",
                       "\\frac{\\partial E}{\\partial b^{(1)}_j} =")),
    *(Binding("errata.md", fragment, "dense_backward with a one-hot upstream gradient, one example", dense_entries,
              inline=True)
      for fragment in ("\\frac{\\partial z_k}{\\partial w_{jk}} =", "\\frac{\\partial z_k}{\\partial b_k} =")),
    *(Binding("notation.md", fragment, "activation_backward (f = tanh) at one x", one_activation, inline=True)
      for fragment in ("\\frac{\\partial E}{\\partial x} =", "\\bar{x} =")),
    Binding("activations/log_softmax.md", "\\bar{z} = \\bar{y} - p", "log_softmax_vjp, softmax", log_softmax_setup,
            inline=True),
    *(Binding("activations/log_softmax.md", fragment,
              "log_softmax_vjp with E = -y_c, softmax_cross_entropy", cross_entropy_setup, inline=True)
      for fragment in ("\\bar{y} = -", "\\bar{z} = p")),
    # Also the definition q-bar = dE/dq above it, which holds by the same numbers.
    Binding("activations/softmin.md", "\\bar{q} =", "E = sum_i c_i q_i at q = softmin(z)", softmin_linear_loss,
            inline=True),
    # Read as written since the matrix reader reads slash derivatives and Jacobian entries.
    Binding("activations/log_softmax.md", "\\partial y_1 / \\partial z_1 =", _LOG_SOFTMAX, log_softmax_setup,
            inline=True),
    Binding("activations/log_softmax.md", "\\bar{z} = \\bar{y} \\odot", _LOG_SOFTMAX, log_softmax_setup,
            inline=True, wrong=True),
    Binding("activations/log_softmax.md", "\\bar{p} =", "E = sum_i y-bar_i log p_i at p = softmax(z)",
            log_of_p, inline=True, central_only=True),
    Binding("activations/softmax.md", "\\bar{z} = \\bar{p} \\odot", _SOFTMAX, softmax_setup, inline=True,
            wrong=True),
    Binding("activations/softmin.md", "\\partial q_1 / \\partial z_1 =", _SOFTMIN, softmin_setup, inline=True),
    *(Binding("activations/glu.md", fragment, _GLU_SLICE, _entry(partial(_slice_setup, "glu")), inline=True)
      for fragment in ("\\partial y / \\partial u =", "\\partial y / \\partial v =")),
    Binding("activations/glu.md", "\\partial E / \\partial u = \\bar{y}\\,", _GLU, _entry(_glu), inline=True),
    Binding("activations/glu.md", "\\partial E / \\partial u = \\bar{y} \\odot", "glu_vjp", _glu, inline=True),
    *(Binding("activations/glu.md", fragment, _GLU, _entry(_glu), inline=True, wrong=True)
      for fragment in ("\\partial E / \\partial v = \\bar{y} \\odot", "\\partial E / \\partial v = 0")),
]


READ: list[ReadBinding] = [
    ReadBinding("activations/softmax.md", "\\bar{z} = p \\odot", _SOFTMAX, softmax_setup, inline=True, dot=True),
    ReadBinding("activations/index.md", "\\bar{p} = p \\odot", f"{_SOFTMAX}, p and p-bar as columns",
                partial(softmax_setup, column=True), inline=True, dot=True),
    ReadBinding("errata.md", "\\frac{\\partial p_i}{\\partial z_j} =", _SOFTMAX, softmax_setup, inline=True),
    ReadBinding("activations/log_softmax.md", "\\partial z_j = [i = j] - e", _LOG_SOFTMAX,
                log_softmax_setup, inline=True),
    ReadBinding("activations/log_softmax.md", "\\partial z_j = [i = j] - p", _LOG_SOFTMAX,
                log_softmax_setup, inline=True, wrong=True),
    ReadBinding("activations/log_softmax.md", "\\bar{y} = \\frac{\\partial E}{\\partial y} = (",
                "E = -y_1 of three classes at y = log_softmax(z)", first_class_loss, inline=True),
    ReadBinding("activations/log_softmax.md", "\\bar{z} = \\bar{y} - e", _LOG_SOFTMAX, log_softmax_setup,
                inline=True),
    ReadBinding("activations/softmin.md", "\\bar{z} =", _SOFTMIN, softmin_setup, inline=True, dot=True,
                wrong=True),
    ReadBinding("activations/swiglu.md", "\\partial y / \\partial v =", _SWIGLU_SLICE,
                _entry(partial(_slice_setup, "swiglu")), inline=True),
    ReadBinding("activations/swiglu.md", "\\partial y / \\partial u =", _SWIGLU_SLICE,
                _entry(partial(_slice_setup, "swiglu")), inline=True),
    *(ReadBinding("activations/swiglu.md", fragment, f"swiglu_vjp, swish and swish_grad at beta = 1, entry {k} "
                  f"(u {sign} 0), q and c as the prose defines them", _entry(_swiglu_parts, k), inline=True)
      for fragment in ("\\partial E / \\partial u = e^{", "\\partial E / \\partial v = e^{")
      for k, sign in ((0, ">"), (1, "<"))),
    ReadBinding("activations/swiglu.md", "\\partial E / \\partial u = \\bar{y}\\,v", _SWIGLU, _entry(_swiglu),
                inline=True),
]
