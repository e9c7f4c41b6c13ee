"""What the names of each checked matrix-form formula mean: one Binding per formula.

A binding names its page, a fragment of the formula (whitespace-insensitive,
in no other display formula of the page), the index letters of its
subscripts, and a setup: seeded random float64 arrays of small odd shapes, run
through the page's snippets. The setup returns two dicts:
- every name of the formula (as sitekit.matrix_eval.key writes it: `W^(l+1)`,
  `\\bar{X}`, `\\partial E/\\partial w_ij`, `g'`) -> what the snippets compute;
  a name whose index letters matter (`\\delta_j` is layer l, `\\delta_k` the
  layer above) is bound with them, and sizes that bound sums (`N`) as ints;
- each gradient name -> central differences of the snippets' forward, put in
  place of the backward's values for the second evaluation.
Shapes are odd and pairwise different, so a dropped transpose or a swapped
name cannot fit by chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any, Callable

import numpy as np

from sitekit.catalogue import ROOT, load_snippet, snippet
from sitekit.matrix_eval import Seq

_STEP = np.finfo(np.float64).eps ** (1 / 3)  # central differences: truncation ~ rounding


@dataclass(frozen=True)
class Binding:
    page: str  # relative to docs/
    fragment: str
    what: str  # the snippets the names are bound to, for messages and the exception list
    setup: Callable[[np.random.Generator], tuple[dict[str, Any], dict[str, Any]]]
    indices: str = "ijknt"
    seed: int = 20261207
    # letter -> the size its range runs to from 1, where the letter's axes differ in length
    # (t over the T steps, while h_t runs from h_0 and s-bar_t to s-bar_{T+1})
    ranges: dict[str, str] = field(default_factory=dict)
    # True: check every inline formula \( ... \) of the page with the fragment, not one display formula
    inline: bool = False
    # True: a mistake the page quotes on purpose; it must be false against both evaluations
    wrong: bool = False
    # True: no backward returns these gradients; evaluate once, against the central differences
    central_only: bool = False


@lru_cache(maxsize=None)
def snippet_file(path: str):
    """The module of snippets/<path> (`layers/dense.py`), loaded once."""
    return load_snippet(ROOT / "snippets" / path)


_snippet = snippet_file  # the name summary_bindings_layers and summary_bindings_vector import


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
    dense, act = snippet_file("layers/dense.py"), snippet_file("layers/activation.py")
    mse = snippet_file("losses/mse.py")
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
    dense, act = snippet_file("layers/dense.py"), snippet_file("layers/activation.py")
    mse, sigmoid = snippet_file("losses/mse.py"), snippet("sigmoid")
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
    env = {"N": n, "g'": sigmoid.sigmoid_grad, "A": A, "T": T, "Z": Z, "A_in": A_in, "W": W, "b": b,
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


def chain_rule(rng: np.random.Generator) -> tuple[dict, dict]:
    """output_layer's batch, with the page's X for the inputs (chain_rule.md)."""
    env, fd = output_layer(rng)
    return {**env, "X": env["A_in"]}, fd


def gradient_descent(rng: np.random.Generator) -> tuple[dict, dict]:
    """output_layer's batch, with X for the inputs, 1 a column of N ones and the
    bias gradient a row (1 x K), as the page's 1^T Delta writes it."""
    env, fd = output_layer(rng)
    row = "\\partial E/\\partial b"
    return ({**env, "X": env["A_in"], "\\mathbf{1}": np.ones((env["N"], 1)), row: env[row][None, :]},
            {**fd, row: fd[row][None, :]})


# ---------------------------------------------------------------------------
# backprop/matrix_form.md


def _upstream(forward: Callable[[np.ndarray], np.ndarray], upstream: np.ndarray) -> Callable[[np.ndarray], float]:
    """E = sum(upstream * forward(x)), so that dE/d forward(x) = upstream."""
    return lambda x: float(np.sum(upstream * forward(x)))


def dense_layer(rng: np.random.Generator) -> tuple[dict, dict]:
    """dense_forward / dense_backward: X (5 x 7), W (7 x 3), b (3), upstream Ybar (5 x 3)."""
    dense = snippet_file("layers/dense.py")
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
    act, tanh = snippet_file("layers/activation.py"), snippet("tanh")
    X, Ybar = rng.normal(size=(5, 7)), rng.normal(size=(5, 7))
    Z, Pbar = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    _, act_cache = act.activation_forward(X, tanh.tanh, tanh.tanh_grad)
    P, softmax_cache = act.softmax_forward(Z)
    env = {"N": 5, "X": X, "f'": tanh.tanh_grad, "\\bar{Y}": Ybar, "\\bar{X}": act.activation_backward(Ybar, act_cache),
           "Z": Z, "P": P, "\\bar{P}": Pbar, "\\bar{Z}": act.softmax_backward(Pbar, softmax_cache)}
    fd = {"\\bar{X}": central(_upstream(lambda X: act.activation_forward(X, tanh.tanh, tanh.tanh_grad)[0], Ybar), X),
          "\\bar{Z}": central(_upstream(lambda Z: act.softmax_forward(Z)[0], Pbar), Z)}
    return env, fd


def linear_torch(rng: np.random.Generator) -> tuple[dict, dict]:
    """linear_torch_forward / _backward: X (5 x 7), V (3 x 7) as torch.nn.Linear stores it, b (3),
    upstream Ybar (5 x 3); W = V^T from dense_from_torch."""
    layer = snippet_file("layers/linear_torch.py")
    X, V, b, Ybar = rng.normal(size=(5, 7)), rng.normal(size=(3, 7)), rng.normal(size=3), rng.normal(size=(5, 3))
    Y, cache = layer.linear_torch_forward(X, V, b)
    dX, dV, db = layer.linear_torch_backward(Ybar, cache)
    env = {"N": 5, "X": X, "V": V, "b": b, "Y": Y, "W": layer.dense_from_torch(V, b)[0], "\\bar{Y}": Ybar,
           "\\bar{X}": dX, "\\bar{V}": dV, "\\bar{b}": db}
    fd = {"\\bar{X}": central(_upstream(lambda X: layer.linear_torch_forward(X, V, b)[0], Ybar), X),
          "\\bar{V}": central(_upstream(lambda V: layer.linear_torch_forward(X, V, b)[0], Ybar), V),
          "\\bar{b}": central(_upstream(lambda b: layer.linear_torch_forward(X, V, b)[0], Ybar), b)}
    return env, fd


def embedding(rng: np.random.Generator) -> tuple[dict, dict]:
    """embedding_forward / _backward: V = 7 rows of D = 5, N = 9 ids (id 3 of the page's 1..V
    never drawn, so an empty sum is met), upstream Ybar (9 x 5); x the ids counted from 1
    as the page counts rows, O the one-hot matrix O_nv = [x_n = v]."""
    layer = snippet_file("layers/embedding.py")
    ids = rng.choice([0, 1, 3, 4, 5, 6], size=9)
    W, Ybar = rng.normal(size=(7, 5)), rng.normal(size=(9, 5))
    Y, cache = layer.embedding_forward(ids, W)
    env = {"V": 7, "x": ids + 1, "O": np.eye(7)[ids], "W": W, "Y": Y, "\\bar{Y}": Ybar,
           "\\bar{W}": layer.embedding_backward(Ybar, cache)}
    fd = {"\\bar{W}": central(_upstream(lambda W: layer.embedding_forward(ids, W)[0], Ybar), W)}
    return env, fd


def conv2d(rng: np.random.Generator) -> tuple[dict, dict]:
    """conv2d_forward / _backward: x (3, 3, 6, 5), w (5, 3, 3, 3), stride 1: P x Q = 4 x 3 windows.
    M (NPQ x CUV) is the snippet's _conv2d_windows as rows, W (F x CUV) the filters as rows,
    Y-bar (NPQ x F) the upstream gradient as rows; M-bar that of the dense layer Y = M W^T + b."""
    layer, dense = snippet_file("layers/conv2d.py"), snippet_file("layers/dense.py")
    x, w, b = rng.normal(size=(3, 3, 6, 5)), rng.normal(size=(5, 3, 3, 3)), rng.normal(size=5)
    out, cache = layer.conv2d_forward(x, w, b)
    dout = rng.normal(size=out.shape)
    _, dw, db = layer.conv2d_backward(dout, cache)
    M = layer._conv2d_windows(x, 3, 3, 1).transpose(0, 2, 3, 1, 4, 5).reshape(-1, 27)
    W, Ybar = w.reshape(5, 27), dout.transpose(0, 2, 3, 1).reshape(-1, 5)
    env = {"M": M, "W": W, "\\bar{Y}": Ybar, "\\bar{W}": dw.reshape(5, 27), "\\bar{b}": db,
           "\\bar{M}": dense.dense_backward(Ybar, (M, W.T))[0]}
    fd = {"\\bar{W}": central(_upstream(lambda w: layer.conv2d_forward(x, w, b)[0], dout), w).reshape(5, 27),
          "\\bar{b}": central(_upstream(lambda b: layer.conv2d_forward(x, w, b)[0], dout), b),
          "\\bar{M}": central(_upstream(lambda M: dense.dense_forward(M, W.T, b)[0], Ybar), M)}
    return env, fd


# ---------------------------------------------------------------------------
# layers/dropout.md


def dropout(rng: np.random.Generator) -> tuple[dict, dict]:
    """dropout_forward / dropout_backward on X (5 x 7) with rho = 0.3; M the 0/1 mask the draw keeps."""
    layer, rho, seed = snippet_file("layers/dropout.py"), 0.3, int(rng.integers(2**31))
    X, Ybar = rng.normal(size=(5, 7)), rng.normal(size=(5, 7))

    def forward(X):  # the same seed, so the same mask at every call
        return layer.dropout_forward(X, rho, np.random.default_rng(seed))

    Y, mask = forward(X)
    env = {"X": X, "Y": Y, "M": (mask != 0).astype(np.float64), "\\rho": rho, "\\bar{Y}": Ybar,
           "\\bar{X}": layer.dropout_backward(Ybar, mask)}
    return env, {"\\bar{X}": central(_upstream(lambda X: forward(X)[0], Ybar), X)}


# ---------------------------------------------------------------------------
# layers/batchnorm.md and layers/layernorm.md: X-hat and s from the page's definitions


def _normalisation(rng: np.random.Generator, name: str, axis: int) -> tuple[dict, dict]:
    """<name>_forward / _backward on X (5 x 7) with kappa = 1e-5; mu, v, s and X-hat as the page
    defines them (over each column for batchnorm, axis 0; each row for layernorm, axis -1)."""
    layer, kappa = snippet_file(f"layers/{name}.py"), 1e-5
    forward, backward = getattr(layer, f"{name}_forward"), getattr(layer, f"{name}_backward")
    X, gamma, beta, Ybar = (rng.normal(size=(5, 7)), rng.normal(size=7), rng.normal(size=7),
                            rng.normal(size=(5, 7)))
    mu = X.mean(axis=axis, keepdims=True)
    s = np.sqrt(((X - mu) ** 2).mean(axis=axis, keepdims=True) + kappa)
    _, cache = forward(X, gamma, beta, kappa)
    dX, dgamma, dbeta = backward(Ybar, cache)
    env = {"N": 5, "X": X, "\\gamma": gamma, "\\bar{Y}": Ybar, "\\hat{X}": (X - mu) / s,
           "s": s.reshape(-1) if axis == 0 else s, "\\bar{\\hat{X}}": Ybar * gamma,
           "\\bar{X}": dX, "\\bar{\\gamma}": dgamma, "\\bar{\\beta}": dbeta}
    fd = {"\\bar{X}": central(_upstream(lambda X: forward(X, gamma, beta, kappa)[0], Ybar), X),
          "\\bar{\\gamma}": central(_upstream(lambda g: forward(X, g, beta, kappa)[0], Ybar), gamma),
          "\\bar{\\beta}": central(_upstream(lambda b: forward(X, gamma, b, kappa)[0], Ybar), beta)}
    return env, fd


def _one_column(rng: np.random.Generator) -> tuple[dict, dict]:
    """batchnorm's index form: column 1 of _normalisation's arrays, x_m its entries."""
    env, fd = _normalisation(rng, "batchnorm", 0)
    pick = {"\\gamma": "\\gamma", "s": "s", "\\bar{y}": "\\bar{Y}", "\\hat{x}": "\\hat{X}", "\\bar{x}": "\\bar{X}",
            "\\bar{\\gamma}": "\\bar{\\gamma}", "\\bar{\\beta}": "\\bar{\\beta}"}
    column = {name: env[source][..., 0] for name, source in pick.items()}
    return {"N": 5, **column}, {name: fd[source][..., 0] for name, source in pick.items() if source in fd}


# ---------------------------------------------------------------------------
# layers/attention.md


def attention(rng: np.random.Generator) -> tuple[dict, dict]:
    """attention_forward / _backward: Q (3 x 5), K (7 x 5), V (7 x 9), upstream Ybar (3 x 9).
    P-bar and Z-bar come from the snippets too: P-bar from dense_backward (Y = P V is a
    dense layer without bias), Z-bar from attention_backward with K = I and the scale 1
    (its dq is then the softmax's vector-Jacobian product itself)."""
    layer, dense = snippet_file("layers/attention.py"), snippet_file("layers/dense.py")
    act = snippet_file("layers/activation.py")
    Q, K, V, Ybar = (rng.normal(size=shape) for shape in ((3, 5), (7, 5), (7, 9), (3, 9)))
    _, cache = layer.attention_forward(Q, K, V)
    P = cache[3]
    dQ, dK, dV = layer.attention_backward(Ybar, cache)
    env = {"d": 5, "Q": Q, "K": K, "V": V, "P": P, "\\bar{Y}": Ybar, "\\bar{Q}": dQ, "\\bar{K}": dK, "\\bar{V}": dV,
           "\\bar{P}": dense.dense_backward(Ybar, (P, V))[0],
           "\\bar{Z}": layer.attention_backward(Ybar, (Q, np.eye(7), V, P, 1.0))[0]}
    attend = layer.attention_forward
    fd = {"\\bar{Q}": central(_upstream(lambda Q: attend(Q, K, V)[0], Ybar), Q),
          "\\bar{K}": central(_upstream(lambda K: attend(Q, K, V)[0], Ybar), K),
          "\\bar{V}": central(_upstream(lambda V: attend(Q, K, V)[0], Ybar), V),
          "\\bar{P}": central(_upstream(lambda P: dense.dense_forward(P, V, np.zeros(9))[0], Ybar), P),
          "\\bar{Z}": central(_upstream(lambda Z: act.softmax_forward(Z)[0] @ V, Ybar), Q @ K.T / np.sqrt(5))}
    return env, fd


# ---------------------------------------------------------------------------
# layers/rnn.md: time-major names, X_t the t-th step (1-based), h_0 the first state


def rnn(rng: np.random.Generator) -> tuple[dict, dict]:
    """rnn_forward / rnn_backward: N = 3 examples, T = 5 steps, D = 7 inputs, H = 9 states.
    s-bar_t (the gradient into the state step t reads) is dh0 of rnn_backward run on steps
    t..T from h_{t-1}; Z-bar is dx of rnn_backward with W_x = I (dx_t = Z-bar_t W_x^T)."""
    layer = snippet_file("layers/rnn.py")
    N, T, D, H = 3, 5, 7, 9
    x, h0, Ybar = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, T, H))
    Wx, Wh, b = rng.normal(size=(D, H)) / 3, rng.normal(size=(H, H)) / 3, rng.normal(size=H)
    h, cache = layer.rnn_forward(x, h0, Wx, Wh, b)
    dx, dh0, dWx, dWh, db = layer.rnn_backward(Ybar, cache)
    states = np.concatenate([h0[:, None], h], axis=1)  # h_0 .. h_T

    def suffix(t, state):  # E of the outputs of steps t..T (1-based) from the state step t reads
        return float(np.sum(Ybar[:, t - 1:] * layer.rnn_forward(x[:, t - 1:], state, Wx, Wh, b)[0]))

    def s_bar(t):  # dh0 of the backward of steps t..T
        if t == T + 1:
            return np.zeros((N, H))
        _, part = layer.rnn_forward(x[:, t - 1:], states[:, t - 1], Wx, Wh, b)
        return layer.rnn_backward(Ybar[:, t - 1:], part)[1]

    Z_bar = layer.rnn_backward(Ybar, (np.zeros((N, T, H)), h0, np.eye(H), Wh, h))[0]
    s_bars = np.stack([s_bar(t) for t in range(1, T + 2)])
    time = partial(np.moveaxis, source=1, destination=0)
    env = {"T": T, "N": N, "X": time(x), "h": Seq(time(states), first=0), "\\bar{Y}": time(Ybar),
           "W_x": Wx, "W_h": Wh, "\\bar{X}": time(dx), "\\bar{W}_x": dWx, "\\bar{W}_h": dWh, "\\bar{b}": db,
           "\\bar{Z}": time(Z_bar), "\\bar{s}": Seq(s_bars),
           "Z": time(x @ Wx + states[:, :-1] @ Wh + b), "\\tanh'": snippet("tanh").tanh_grad,
           # h-bar_0 the backward's dh0; then its dh, undone from its dz = dh * (1 - h**2)
           "\\bar{h}": Seq(np.concatenate([dh0[None], time(Z_bar / (1 - h**2))]), first=0)}

    def from_Z(t, Z):  # E of steps t..T with the pre-activation of step t set to Z
        h_t = np.tanh(Z)
        rest = suffix(t + 1, h_t) if t < T else 0.0
        return float(np.sum(Ybar[:, t - 1] * h_t)) + rest

    def from_h(t, h_t):  # E of steps t..T with the state h_t set
        return float(np.sum(Ybar[:, t - 1] * h_t)) + (suffix(t + 1, h_t) if t < T else 0.0)

    whole = partial(_upstream, upstream=Ybar)
    fd = {"\\bar{X}": time(central(whole(lambda x: layer.rnn_forward(x, h0, Wx, Wh, b)[0]), x)),
          "\\bar{W}_x": central(whole(lambda W: layer.rnn_forward(x, h0, W, Wh, b)[0]), Wx),
          "\\bar{W}_h": central(whole(lambda W: layer.rnn_forward(x, h0, Wx, W, b)[0]), Wh),
          "\\bar{b}": central(whole(lambda c: layer.rnn_forward(x, h0, Wx, Wh, c)[0]), b),
          "\\bar{Z}": np.stack([central(partial(from_Z, t), np.arctanh(h[:, t - 1])) for t in range(1, T + 1)]),
          "\\bar{h}": Seq(np.stack([central(partial(suffix, 1), h0)]
                                   + [central(partial(from_h, t), h[:, t - 1]) for t in range(1, T + 1)]), first=0),
          "\\bar{s}": Seq(np.stack([central(partial(suffix, t), states[:, t - 1]) for t in range(1, T + 1)]
                                   + [np.zeros((N, H))]))}
    return env, fd


# ---------------------------------------------------------------------------
# layers/lstm.md: time-major as rnn; the page's step for the gradients into mid-sequence states


def lstm(rng: np.random.Generator) -> tuple[dict, dict]:
    """lstm_forward / lstm_backward: N = 3, T = 5 steps, D = 7 inputs, H = 3 units (4H = 12).
    Z-bar is dx of lstm_backward with W_x = I; C-bar is undone from its Z-bar^G = C-bar I (1 - G^2);
    s-bar_t = Z-bar_t W_h^T and h-bar_t = Y-bar_t + s-bar_{t+1} are the backward's own recursion,
    so those two are checked by the central differences alone. The central differences into a
    mid-sequence state run the page's step, which must reproduce lstm_forward to the last bits."""
    layer = snippet_file("layers/lstm.py")
    N, T, D, H = 3, 5, 7, 3
    x, h0, Ybar = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, T, H))
    Wx, Wh, b = rng.normal(size=(D, 4 * H)) / 2, rng.normal(size=(H, 4 * H)) / 2, rng.normal(size=4 * H)
    h, cache = layer.lstm_forward(x, h0, Wx, Wh, b)
    dx, dh0, dWx, dWh, db = layer.lstm_backward(Ybar, cache)
    _, _, _, _, gates, c, tanh_c, _ = cache
    Z_bar = layer.lstm_backward(Ybar, (np.zeros((N, T, 4 * H)), h0, np.eye(4 * H), Wh, gates, c, tanh_c, h))[0]
    i, f, g, o = np.split(gates, 4, axis=2)
    sigma = snippet("sigmoid").sigmoid

    def step(Z, C_prev):  # the page's gates, cell and state from a step's pre-activation
        gate_i, gate_f, gate_o = sigma(Z[:, :H]), sigma(Z[:, H:2 * H]), sigma(Z[:, 3 * H:])
        C = gate_f * C_prev + gate_i * np.tanh(Z[:, 2 * H:3 * H])
        return gate_o * np.tanh(C), C

    def run(t, h_prev, C_prev):  # E of the outputs of steps t..T from the state step t reads
        total = 0.0
        for k in range(t, T + 1):
            h_prev, C_prev = step(x[:, k - 1] @ Wx + h_prev @ Wh + b, C_prev)
            total += float(np.sum(Ybar[:, k - 1] * h_prev))
        return total

    states, cells = np.concatenate([h0[:, None], h], axis=1), np.concatenate([np.zeros((N, 1, H)), c], axis=1)
    replay = [step(x[:, t] @ Wx + states[:, t] @ Wh + b, cells[:, t]) for t in range(T)]
    if max(float(np.abs(r[0] - h[:, t]).max()) for t, r in enumerate(replay)) > 16 * np.finfo(float).eps:
        raise AssertionError("the page's LSTM step does not reproduce lstm_forward: fix sitekit/summary_bindings.py")
    time = partial(np.moveaxis, source=1, destination=0)
    Zt = time(Z_bar)
    s_bar = np.concatenate([Zt @ Wh.T, np.zeros((1, N, H))])  # s-bar_1 .. s-bar_{T+1}
    h_bar = time(Ybar) + s_bar[1:]
    zeros = np.zeros((1, N, H))
    blocks = {f"\\bar{{Z}}^{name}": Zt[..., k * H:(k + 1) * H] for k, name in enumerate("IFGO")}
    env = {"T": T, "N": N, "X": time(x), "W_x": Wx, "W_h": Wh, "b": b, "h": Seq(time(states), first=0),
           "C": Seq(time(cells), first=0), "I": time(i), "G": time(g), "O": time(o),
           "F": np.concatenate([time(f), zeros]),  # F_{T+1} meets only C-bar_{T+1} = 0
           "\\bar{Y}": time(Ybar), "\\bar{X}": time(dx), "\\bar{W}_x": dWx, "\\bar{W}_h": dWh, "\\bar{b}": db,
           "\\bar{Z}": Zt, **blocks, "\\bar{s}": Seq(s_bar), "\\bar{h}": Seq(np.concatenate([dh0[None], h_bar]), first=0),
           "\\bar{C}": Seq(np.concatenate([time(Z_bar[..., 2 * H:3 * H] / (i * (1 - g**2))), zeros]))}

    def after(t, h_t, C_t):  # E of step t's output h_t and of the steps after it
        return float(np.sum(Ybar[:, t - 1] * h_t)) + (run(t + 1, h_t, C_t) if t < T else 0.0)

    def from_Z(t, Z):
        return after(t, *step(Z, cells[:, t - 1]))

    def from_C(t, C):
        return after(t, o[:, t - 1] * np.tanh(C), C)

    pre = [x[:, t] @ Wx + states[:, t] @ Wh + b for t in range(T)]
    whole = partial(_upstream, upstream=Ybar)
    fd_Z = np.stack([central(partial(from_Z, t), pre[t - 1]) for t in range(1, T + 1)])
    fd_h = [central(lambda h0: float(np.sum(Ybar * layer.lstm_forward(x, h0, Wx, Wh, b)[0])), h0)]
    fd_h += [central(lambda h_t, t=t: after(t, h_t, cells[:, t]), states[:, t]) for t in range(1, T + 1)]
    fd_s = [central(lambda h_prev, t=t: run(t, h_prev, cells[:, t - 1]), states[:, t - 1]) for t in range(1, T + 1)]
    fd = {"\\bar{X}": time(central(whole(lambda x: layer.lstm_forward(x, h0, Wx, Wh, b)[0]), x)),
          "\\bar{W}_x": central(whole(lambda W: layer.lstm_forward(x, h0, W, Wh, b)[0]), Wx),
          "\\bar{W}_h": central(whole(lambda W: layer.lstm_forward(x, h0, Wx, W, b)[0]), Wh),
          "\\bar{b}": central(whole(lambda c: layer.lstm_forward(x, h0, Wx, Wh, c)[0]), b),
          "\\bar{Z}": fd_Z, **{f"\\bar{{Z}}^{name}": fd_Z[..., k * H:(k + 1) * H] for k, name in enumerate("IFGO")},
          "\\bar{h}": Seq(np.stack(fd_h), first=0), "\\bar{s}": Seq(np.stack(fd_s + [np.zeros((N, H))])),
          "\\bar{C}": Seq(np.stack([central(partial(from_C, t), c[:, t - 1]) for t in range(1, T + 1)] + [zeros[0]]))}
    return env, fd


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
    Binding("backprop/chain_rule.md", "\\frac{\\partial E}{\\partial W} =", f"{_OUT}, a batch of 5", chain_rule),
    Binding("backprop/gradient_descent.md", "W \\leftarrow W -", f"{_OUT}, a batch of 5", gradient_descent),
    Binding("backprop/frameworks.md", "V: K \\times J", "linear_torch_forward, dense_from_torch", linear_torch),
    Binding("backprop/frameworks.md", "\\bar{V} =", "linear_torch_backward", linear_torch),
    Binding("backprop/matrix_form.md", "\\bar{W} =", "dense_backward", dense_layer),
    Binding("backprop/matrix_form.md", "\\bar{Z}_{n,:} =",
            "activation_backward (f = tanh), softmax_backward", activation_and_softmax),
    Binding("layers/embedding.md", "Y = O \\, W,", "embedding_forward", embedding, indices="nkuv"),
    Binding("layers/embedding.md", "\\bar{W}_{v,:} =", "embedding_backward", embedding, indices="nkuv"),
    Binding("layers/conv2d.md", "\\bar{M} &=", "conv2d_backward, dense_backward", conv2d),
    Binding("layers/dropout.md", "Y = \\frac{M", "dropout_forward", dropout),
    Binding("layers/dropout.md", "\\bar{X} = \\frac{M", "dropout_backward", dropout),
    Binding("layers/batchnorm.md", "\\bar{\\gamma} = \\sum_{n=1}^{N} \\bar{Y}", "batchnorm_backward",
            partial(_normalisation, name="batchnorm", axis=0)),
    Binding("layers/batchnorm.md", "\\bar{X} =", "batchnorm_backward", partial(_normalisation, name="batchnorm", axis=0)),
    Binding("layers/batchnorm.md", "\\bar{x}_m =", "batchnorm_backward, column 1", _one_column, indices="mn"),
    Binding("layers/layernorm.md", "\\bar{\\gamma}_j =", "layernorm_backward",
            partial(_normalisation, name="layernorm", axis=-1)),
    Binding("layers/layernorm.md", "\\bar{\\gamma} =", "layernorm_backward",
            partial(_normalisation, name="layernorm", axis=-1)),
    Binding("layers/layernorm.md", "\\bar{X} =", "layernorm_backward", partial(_normalisation, name="layernorm", axis=-1)),
    Binding("layers/attention.md", "\\bar{V} &=", "attention_backward", attention),
    Binding("layers/lstm.md", "\\bar{h}_t =", "lstm_backward", lstm, ranges={"t": "T"}),
    Binding("layers/lstm.md", "\\bar{C}_t &=", "lstm_backward", lstm, ranges={"t": "T"}),
    *(Binding("layers/lstm.md", f"\\bar{{Z}}^{{{gate}}}_t =", "lstm_backward", lstm, ranges={"t": "T"})
      for gate in "IFGO"),
    Binding("layers/lstm.md", "\\bar{s}_t &=", "lstm_backward", lstm, ranges={"t": "T"}),
    Binding("layers/rnn.md", "\\bar{h}_t =", "rnn_backward", rnn, ranges={"t": "T"}),
    Binding("layers/rnn.md", "\\bar{Z}_t =", "rnn_backward", rnn, ranges={"t": "T"}),
    Binding("layers/rnn.md", "\\bar{X}_t &=", "rnn_backward", rnn, ranges={"t": "T"}),
    Binding("layers/rnn.md", "\\bar{W}_x &=", "rnn_backward", rnn),
]
