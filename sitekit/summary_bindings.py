"""What the names of each checked matrix-form formula mean: one Binding per formula.

A binding names its page, a fragment of the formula (whitespace-insensitive,
in no other display formula of the page), the index letters of its
subscripts, and a setup: seeded random float64 arrays of small odd shapes, run
through the page's snippets. The setup returns two dicts:
- every name of the formula (as sitekit.matrix_tex.key writes it: `W^(l+1)`,
  `\\bar{X}`, `\\partial E/\\partial w_ij`, `g'`) -> what the snippets compute;
  a name whose index letters matter (`\\delta_j` is layer l, `\\delta_k` the
  layer above) is bound with them, and sizes that bound sums (`N`) as ints;
- each gradient name -> central differences of the snippets' forward, put in
  place of the backward's values for the second evaluation.
Shapes are odd and pairwise different, so a dropped transpose or a swapped
name cannot fit by chance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, Callable

import numpy as np

from sitekit.catalogue import ROOT, load_snippet, snippet

_STEP = np.finfo(np.float64).eps ** (1 / 3)  # central differences: truncation ~ rounding


@dataclass(frozen=True)
class Binding:
    page: str  # relative to docs/
    fragment: str
    what: str  # the snippets the names are bound to, for messages and the exception list
    setup: Callable[[np.random.Generator], tuple[dict[str, Any], dict[str, Any]]]
    indices: str = "ijknt"
    seed: int = 20261207


@lru_cache(maxsize=None)
def _snippet(path: str):
    return load_snippet(ROOT / "snippets" / path)


def central(function: Callable[[np.ndarray], float], array: np.ndarray) -> np.ndarray:
    """d function / d array by central differences, one entry at a time (array is not changed)."""
    grad = np.zeros_like(array, dtype=np.float64)
    for index in np.ndindex(array.shape):
        step = _STEP * max(1.0, abs(float(array[index])))
        up, down = array.copy(), array.copy()
        up[index] += step
        down[index] -= step
        grad[index] = (function(up) - function(down)) / (up[index] - down[index])
    return grad


# ---------------------------------------------------------------------------
# backprop/hidden_layers.md: dense + activation snippets, three layers, half-SSE


def hidden_layers(rng: np.random.Generator, n: int = 5) -> tuple[dict, dict]:
    """Layers tanh (3 -> 7), tanh (7 -> 9, layer l), sigmoid (9 -> 11, layer l+1), E = sse_half."""
    dense, act = _snippet("layers/dense.py"), _snippet("layers/activation.py")
    mse = _snippet("losses/mse.py")
    tanh, sigmoid = snippet("tanh"), snippet("sigmoid")
    acts = [(tanh.tanh, tanh.tanh_grad), (tanh.tanh, tanh.tanh_grad), (sigmoid.sigmoid, sigmoid.sigmoid_grad)]
    sizes = (3, 7, 9, 11)
    X, T = rng.normal(size=(n, sizes[0])), rng.uniform(size=(n, sizes[-1]))
    Ws = [rng.normal(size=shape) for shape in zip(sizes, sizes[1:])]
    bs = [rng.normal(size=m) for m in sizes[1:]]

    def forward(Ws=Ws, bs=bs, first=None, Z_first=None):
        A, Zs, As, caches = X, [], [X], []
        for i, (W, b, (f, f_grad)) in enumerate(zip(Ws, bs, acts)):
            Z, dense_cache = dense.dense_forward(A, W, b)
            Z = Z_first if i == first else Z
            A, act_cache = act.activation_forward(Z, f, f_grad)
            Zs.append(Z)
            As.append(A)
            caches.append((dense_cache, act_cache))
        return mse.sse_half(A, T), Zs, As, caches

    _, Zs, As, caches = forward()
    G = mse.sse_half_grad(As[-1], T)
    deltas, grads = [None] * 3, [None] * 3
    for i in reversed(range(3)):
        deltas[i] = act.activation_backward(G, caches[i][1])
        G, dW, db = dense.dense_backward(deltas[i], caches[i][0])
        grads[i] = (dW, db)
    l = 1  # noqa: E741 -- layer l of the page (0-based here), between l-1 and l+1
    loss_at_Z = [partial(lambda Z, i: forward(first=i, Z_first=Z)[0], i=i) for i in range(3)]
    fd_deltas = [central(loss_at_Z[i], Zs[i]) for i in range(3)]
    fd_dW = central(lambda W: forward(Ws=[*Ws[:l], W, *Ws[l + 1:]])[0], Ws[l])
    fd_db = central(lambda b: forward(bs=[*bs[:l], b, *bs[l + 1:]])[0], bs[l])
    env = {"N": n, "g'": acts[l][1], "W^(l+1)": Ws[l + 1], "Z^(l)": Zs[l], "A^(l-1)": As[l],
           "\\Delta^(l)": deltas[l], "\\Delta^(l+1)": deltas[l + 1],
           "\\partial E/\\partial W^(l)": grads[l][0], "\\partial E/\\partial b^(l)": grads[l][1]}
    fd = {"\\Delta^(l)": fd_deltas[l], "\\Delta^(l+1)": fd_deltas[l + 1],
          "\\partial E/\\partial W^(l)": fd_dW, "\\partial E/\\partial b^(l)": fd_db}
    if n == 1:  # the index forms: one example, unit j in layer l, k above it, i below
        one = {"z_j": Zs[l][0], "w_jk": Ws[l + 1], "a_i": As[l][0], "z^(l)": Zs[l][0],
               "w^(l+1)": Ws[l + 1], "a^(l-1)": As[l][0]}
        env.update(one)
        for d in (env, fd):  # the gradients, from the backward or from central differences
            d.update({"\\delta_j": d["\\Delta^(l)"][0], "\\partial E/\\partial z_j": d["\\Delta^(l)"][0],
                      "\\delta_k": d["\\Delta^(l+1)"][0], "\\delta^(l)": d["\\Delta^(l)"][0],
                      "\\delta^(l+1)": d["\\Delta^(l+1)"][0],
                      "\\partial E/\\partial w_ij": d["\\partial E/\\partial W^(l)"],
                      "\\partial E/\\partial b_j": d["\\partial E/\\partial b^(l)"],
                      "\\partial E/\\partial w^(l)": d["\\partial E/\\partial W^(l)"],
                      "\\partial E/\\partial b^(l)": d["\\partial E/\\partial b^(l)"]})
    return env, fd


# ---------------------------------------------------------------------------
# backprop/output_layer.md: dense + sigmoid snippets, half-SSE


def output_layer(rng: np.random.Generator, n: int = 5) -> tuple[dict, dict]:
    """A_in (n x 7) -> Z = A_in W + b (n x 3) -> A = sigmoid(Z); E = sse_half(A, T)."""
    dense, act = _snippet("layers/dense.py"), _snippet("layers/activation.py")
    mse, sigmoid = _snippet("losses/mse.py"), snippet("sigmoid")
    A_in, W, b = rng.uniform(size=(n, 7)), rng.normal(size=(7, 3)), rng.normal(size=3)
    T = rng.uniform(size=(n, 3))

    def loss(W=W, b=b, Z=None):
        if Z is None:
            Z, _ = dense.dense_forward(A_in, W, b)
        A, _ = act.activation_forward(Z, sigmoid.sigmoid, sigmoid.sigmoid_grad)
        return mse.sse_half(A, T)

    Z, dense_cache = dense.dense_forward(A_in, W, b)
    A, act_cache = act.activation_forward(Z, sigmoid.sigmoid, sigmoid.sigmoid_grad)
    Delta = act.activation_backward(mse.sse_half_grad(A, T), act_cache)
    _, dW, db = dense.dense_backward(Delta, dense_cache)
    env = {"N": n, "g'": sigmoid.sigmoid_grad, "A": A, "T": T, "Z": Z, "A_in": A_in,
           "\\Delta": Delta, "\\partial E/\\partial W": dW, "\\partial E/\\partial b": db}
    fd = {"\\Delta": central(lambda Z: loss(Z=Z), Z), "\\partial E/\\partial W": central(lambda W: loss(W=W), W),
          "\\partial E/\\partial b": central(lambda b: loss(b=b), b)}
    if n == 1:  # the index forms: output unit k, unit j below
        env.update({"a_k": A[0], "t_k": T[0], "z_k": Z[0], "a_j": A_in[0]})
        for d in (env, fd):
            d.update({"\\delta_k": d["\\Delta"][0], "\\partial E/\\partial z_k": d["\\Delta"][0],
                      "\\partial E/\\partial w_jk": d["\\partial E/\\partial W"],
                      "\\partial E/\\partial b_k": d["\\partial E/\\partial b"]})
    return env, fd


# ---------------------------------------------------------------------------
# backprop/matrix_form.md


def _upstream(forward: Callable[[np.ndarray], np.ndarray], upstream: np.ndarray) -> Callable[[np.ndarray], float]:
    """E = sum(upstream * forward(x)), so that dE/d forward(x) = upstream."""
    return lambda x: float(np.sum(upstream * forward(x)))


def dense_layer(rng: np.random.Generator) -> tuple[dict, dict]:
    """dense_forward / dense_backward: X (5 x 7), W (7 x 3), b (3), upstream Ybar (5 x 3)."""
    dense = _snippet("layers/dense.py")
    X, W, b, Ybar = rng.normal(size=(5, 7)), rng.normal(size=(7, 3)), rng.normal(size=3), rng.normal(size=(5, 3))
    _, cache = dense.dense_forward(X, W, b)
    dX, dW, db = dense.dense_backward(Ybar, cache)
    env = {"N": 5, "X": X, "W": W, "b": b, "\\bar{Y}": Ybar, "\\bar{X}": dX, "\\bar{W}": dW, "\\bar{b}": db}
    fd = {"\\bar{X}": central(_upstream(lambda X: dense.dense_forward(X, W, b)[0], Ybar), X),
          "\\bar{W}": central(_upstream(lambda W: dense.dense_forward(X, W, b)[0], Ybar), W),
          "\\bar{b}": central(_upstream(lambda b: dense.dense_forward(X, W, b)[0], Ybar), b)}
    return env, fd


def activation_and_softmax(rng: np.random.Generator) -> tuple[dict, dict]:
    """activation_forward/backward with f = tanh on X (5 x 7); softmax_forward/backward on Z (5 x 3)."""
    act, tanh = _snippet("layers/activation.py"), snippet("tanh")
    X, Ybar = rng.normal(size=(5, 7)), rng.normal(size=(5, 7))
    Z, Pbar = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    _, act_cache = act.activation_forward(X, tanh.tanh, tanh.tanh_grad)
    P, softmax_cache = act.softmax_forward(Z)
    env = {"N": 5, "X": X, "f'": tanh.tanh_grad, "\\bar{Y}": Ybar, "\\bar{X}": act.activation_backward(Ybar, act_cache),
           "Z": Z, "P": P, "\\bar{P}": Pbar, "\\bar{Z}": act.softmax_backward(Pbar, softmax_cache)}
    fd = {"\\bar{X}": central(_upstream(lambda X: act.activation_forward(X, tanh.tanh, tanh.tanh_grad)[0], Ybar), X),
          "\\bar{Z}": central(_upstream(lambda Z: act.softmax_forward(Z)[0], Pbar), Z)}
    return env, fd


# ---------------------------------------------------------------------------
# layers/dropout.md


def dropout(rng: np.random.Generator) -> tuple[dict, dict]:
    """dropout_forward / dropout_backward on X (5 x 7) with rho = 0.3; M the 0/1 mask the draw keeps."""
    layer, rho, seed = _snippet("layers/dropout.py"), 0.3, int(rng.integers(2**31))
    X, Ybar = rng.normal(size=(5, 7)), rng.normal(size=(5, 7))

    def forward(X):  # the same seed, so the same mask at every call
        return layer.dropout_forward(X, rho, np.random.default_rng(seed))

    Y, mask = forward(X)
    env = {"X": X, "Y": Y, "M": (mask != 0).astype(np.float64), "\\rho": rho, "\\bar{Y}": Ybar,
           "\\bar{X}": layer.dropout_backward(Ybar, mask)}
    return env, {"\\bar{X}": central(_upstream(lambda X: forward(X)[0], Ybar), X)}


_MLP = "dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss)"
_OUT = "dense_backward and activation_backward (a sigmoid layer; sse_half loss)"

BINDINGS: list[Binding] = [
    Binding("backprop/hidden_layers.md", "\\delta_j = \\frac{\\partial E}{\\partial z_j} =",
            f"{_MLP}, one example", partial(hidden_layers, n=1)),
    Binding("backprop/hidden_layers.md", "\\frac{\\partial E}{\\partial w_{ij}} =",
            f"{_MLP}, one example", partial(hidden_layers, n=1)),
    Binding("backprop/hidden_layers.md", "\\delta^{(l)}_j =", f"{_MLP}, one example", partial(hidden_layers, n=1)),
    Binding("backprop/hidden_layers.md", "\\Delta^{(l)} =", f"{_MLP}, a batch of 5", hidden_layers),
    Binding("backprop/output_layer.md", "\\delta_k = \\frac{\\partial E}{\\partial z_k} =",
            f"{_OUT}, one example", partial(output_layer, n=1)),
    Binding("backprop/output_layer.md", "\\frac{\\partial E}{\\partial w_{jk}} =", f"{_OUT}, one example",
            partial(output_layer, n=1)),
    Binding("backprop/output_layer.md", "\\Delta =", f"{_OUT}, a batch of 5", output_layer),
    Binding("backprop/matrix_form.md", "\\bar{W} =", "dense_backward", dense_layer),
    Binding("backprop/matrix_form.md", "\\bar{Z}_{n,:} =",
            "activation_backward (f = tanh), softmax_backward", activation_and_softmax),
    Binding("layers/dropout.md", "Y = \\frac{M", "dropout_forward", dropout),
    Binding("layers/dropout.md", "\\bar{X} = \\frac{M", "dropout_backward", dropout),
]
