"""Bindings of the vector-activation pages' formulas (softmax, log-softmax, softmin, GLU, SwiGLU),
and of the vector formulas other pages quote (the δ recursion, the bias and weight gradients).

Same form as sitekit.summary_bindings, whose Binding and helpers it uses;
sitekit.summaries checks BINDINGS at every build. Gradients that no snippet
computes (that of a loss the prose defines, E = -y_c) come from the complex
step, exact to rounding, and again from central differences.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from sitekit.catalogue import snippet
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


def _halves_setup(name: str, rng: np.random.Generator) -> tuple[dict, dict]:
    """<name>_vjp at x = [u, v] with upstream y-bar: the gradients of both halves."""
    module = snippet(name)
    u, v, y_bar = rng.normal(size=_M), rng.normal(size=_M), rng.normal(size=_M)
    x = np.concatenate([u, v])
    grad = getattr(module, f"{name}_vjp")(x, y_bar)
    fd_grad = central(_upstream(getattr(module, name), y_bar), x)
    env = {"u": u, "v": v, "\\bar{y}": y_bar, "\\partial E/\\partial u": grad[:_M], "\\partial E/\\partial v": grad[_M:]}
    if name == "swiglu":
        swish = snippet("swish")
        env.update({"f_silu": swish.swish, "f'_silu": swish.swish_grad})
    return env, {"\\partial E/\\partial u": fd_grad[:_M], "\\partial E/\\partial v": fd_grad[_M:]}


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
]
