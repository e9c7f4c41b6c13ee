"""Bindings of the backprop and layer pages' inline formulas, the mistakes they
quote (wrong=True: each must come out false), and the display formulas whose
setups sitekit.summary_bindings does not have.

Same form as sitekit.summary_bindings, whose Binding and setups it reuses
(a wrapper only renames what a page calls differently); sitekit.summaries
checks every list.
"""

from __future__ import annotations

import copy
from functools import partial

import numpy as np

from sitekit.summary_bindings import (Binding, _normalisation, _one_column, _snippet, _upstream, activation_and_softmax,
                                      attention, central, dense_layer, dropout, hidden_layers, linear_torch, lstm,
                                      output_layer, rnn)


def _renamed(setup, names: dict[str, str], rng: np.random.Generator, **extra) -> tuple[dict, dict]:
    """setup's names, plus each page name -> the setup name it means (in both dicts)."""
    env, fd = setup(rng)
    env = {**env, **{page: env[ours] for page, ours in names.items()}, **extra}
    return env, {**fd, **{page: fd[ours] for page, ours in names.items() if ours in fd}}


def _layernorm_rows(rng: np.random.Generator) -> tuple[dict, dict]:
    """layernorm's vector form: row 1 of _normalisation's arrays (x-bar, y-bar, x-hat, s a number);
    x-hat-bar by central differences of the forward's last step, y = gamma * x-hat + beta."""
    env, fd = _normalisation(rng, "layernorm", -1)
    gamma, Ybar = env["\\gamma"], env["\\bar{Y}"]
    # The page's last step, differenced at the snippet's x-hat; no backward returns x-hat-bar.
    hat_bar = central(lambda Xh: float(np.sum(Ybar * (gamma * Xh))), env["\\hat{X}"])
    env, fd = {**env, "\\bar{\\hat{X}}": Ybar * gamma}, {**fd, "\\bar{\\hat{X}}": hat_bar}
    pick = {"\\bar{y}": "\\bar{Y}", "\\hat{x}": "\\hat{X}", "\\bar{x}": "\\bar{X}", "\\bar{\\hat{x}}": "\\bar{\\hat{X}}"}
    rows = {name: env[ours][0] for name, ours in pick.items()}
    # The derivation's lambda and rho (its `% where:` line), for row 1.
    scaled = rows["\\bar{y}"] * gamma
    rows.update({"\\lambda": scaled.mean(), "\\rho": (scaled * rows["\\hat{x}"]).mean()})
    return ({**env, **rows, "s": env["s"][0, 0]},
            {**fd, **{name: fd[ours][0] for name, ours in pick.items() if ours in fd}})


def lstm_forward_names(rng: np.random.Generator) -> tuple[dict, dict]:
    """lstm's setup with the pre-activations Z_t = X_t W_x + h_{t-1} W_h + b, whole and by gate
    (Z^I .. Z^O, H columns each); I, F, G, O and C are lstm_forward's own (its cache)."""
    env, fd = lstm(rng)
    h = env["h"].array
    Z = env["X"] @ env["W_x"] + h[:-1] @ env["W_h"] + env["b"]
    H = Z.shape[-1] // 4
    blocks = {f"Z^{gate}": Z[..., k * H:(k + 1) * H] for k, gate in enumerate("IFGO")}
    return {**env, "Z": Z, **blocks}, fd


def attention_forward_names(rng: np.random.Generator) -> tuple[dict, dict]:
    """attention's setup with Y = attention_forward's output and Z its scores, as it computes them
    (Q K^T times the scale in its cache); S = 7 keys."""
    env, fd = attention(rng)
    Y, cache = _snippet("layers/attention.py").attention_forward(env["Q"], env["K"], env["V"])
    return {**env, "Y": Y, "Z": env["Q"] @ env["K"].T * cache[4], "S": 7}, fd


def rnn_last(rng: np.random.Generator) -> tuple[dict, dict]:
    """rnn's setup with the last step's h-bar_T and Y-bar_T by name (a T in a subscript is no index)."""
    env, fd = rnn(rng)
    last = {"\\bar{h}_T": env["\\bar{h}"].array[-1], "\\bar{Y}_T": env["\\bar{Y}"][-1]}
    return {**env, **last}, {**fd, "\\bar{h}_T": fd["\\bar{h}"].array[-1]}


def window_counts(rng: np.random.Generator, layer: str) -> tuple[dict, dict]:
    """P x Q, the output size conv2d_forward / maxpool2d_forward return, for an input of 9 x 8,
    a 3 x 3 window (U = V = 3), stride s = 2 and, for conv2d, padding m = 1 (odd quotients, so the
    floor matters)."""
    x = rng.normal(size=(1, 2, 9, 8))
    if layer == "conv2d":
        out, _ = _snippet("layers/conv2d.py").conv2d_forward(x, rng.normal(size=(3, 2, 3, 3)), np.zeros(3), 2, 1)
    else:
        out, _ = _snippet("layers/pooling.py").maxpool2d_forward(x, 3, 2)
    return {"H_in": 9, "W_in": 8, "U": 3, "V": 3, "s": 2, "m": 1, "P": out.shape[2], "Q": out.shape[3]}, {}


def fork(rng: np.random.Generator) -> tuple[dict, dict]:
    """computational_graphs.md's fork, E = (u + v)(u v), through gates.py: u-bar from fork_example,
    s-bar and m-bar from multiply_backward, the local gradients from add_backward and
    multiply_backward with upstream 1; each gradient also by central differences."""
    gates = _snippet("graph/gates.py")
    u, v = (np.float64(x) for x in rng.normal(size=2))
    s, m = u + v, u * v
    s_bar, m_bar = gates.multiply_backward(1.0, (s, m))
    env = {"u": u, "v": v, "s": s, "m": m, "\\bar{u}": gates.fork_example(u, v)[1], "\\bar{s}": s_bar,
           "\\bar{m}": m_bar, "\\partial s/\\partial u": gates.add_backward(1.0, None)[0],
           "\\partial m/\\partial u": gates.multiply_backward(1.0, (u, v))[0]}
    fd = {"\\bar{u}": central(lambda x: float(gates.fork_example(x, v)[0]), np.asarray(u)),
          "\\bar{s}": central(lambda x: float(x * m), np.asarray(s)),
          "\\bar{m}": central(lambda x: float(s * x), np.asarray(m)),
          "\\partial s/\\partial u": central(lambda x: float(gates.add_forward(x, v)[0]), np.asarray(u)),
          "\\partial m/\\partial u": central(lambda x: float(gates.multiply_forward(x, v)[0]), np.asarray(u))}
    return env, fd


def one_gate(rng: np.random.Generator) -> tuple[dict, dict]:
    """One gate in a chain: u -> q = u v -> E = q w, through multiply_forward/backward; q-bar and
    u-bar from the backward, dq/du from multiply_backward with upstream 1, and by central differences."""
    gates = _snippet("graph/gates.py")
    u, v, w = (np.float64(x) for x in rng.normal(size=3))
    q, q_cache = gates.multiply_forward(u, v)
    q_bar, _ = gates.multiply_backward(1.0, (q, w))
    u_bar, _ = gates.multiply_backward(q_bar, q_cache)
    local = gates.multiply_backward(1.0, q_cache)[0]
    grads = {"\\bar{u}": u_bar, "\\bar{q}": q_bar}
    env = {**grads, "\\partial E/\\partial u": u_bar, "\\partial E/\\partial q": q_bar, "\\partial q/\\partial u": local}
    E_of_u = central(lambda x: float(gates.multiply_forward(gates.multiply_forward(x, v)[0], w)[0]), np.asarray(u))
    E_of_q = central(lambda x: float(gates.multiply_forward(x, w)[0]), np.asarray(q))
    fd = {"\\bar{u}": E_of_u, "\\partial E/\\partial u": E_of_u, "\\bar{q}": E_of_q, "\\partial E/\\partial q": E_of_q,
          "\\partial q/\\partial u": central(lambda x: float(gates.multiply_forward(x, v)[0]), np.asarray(u))}
    return env, fd


def weight_decay(rng: np.random.Generator) -> tuple[dict, dict]:
    """regularisation.md's check: a dense layer, X (5 x 7), W (7 x 3), b, a fixed Y-bar, E = sum Y-bar * Y
    and E_reg = E + l2_penalty(W, lambda), lambda = 0.3, eta = 0.1; the gradients from dense_backward
    and dense_backward_l2, and by central differences of E and E_reg."""
    dense, decay = _snippet("layers/dense.py"), _snippet("network/weight_decay.py")
    X, W, b, Ybar, lam = rng.normal(size=(5, 7)), rng.normal(size=(7, 3)), rng.normal(size=3), rng.normal(size=(5, 3)), 0.3

    def E(W):
        return float(np.sum(Ybar * dense.dense_forward(X, W, b)[0]))

    def E_reg(W):
        return E(W) + float(decay.l2_penalty(W, lam))

    env = {"X": X, "W": W, "w": W, "b": b, "\\bar{Y}": Ybar, "\\lambda": lam, "\\eta": 0.1, "J": 7, "K": 3,
           "E": E(W), "E_reg": E_reg(W), "\\partial E/\\partial W": dense.dense_backward(Ybar, (X, W))[1],
           "\\partial E_reg/\\partial W": decay.dense_backward_l2(Ybar, X, W, lam)[1]}
    return env, {"\\partial E/\\partial W": central(E, W), "\\partial E_reg/\\partial W": central(E_reg, W)}


def batch_mean(rng: np.random.Generator) -> tuple[dict, dict]:
    """frameworks.md's mean over the batch: a dense layer on X (5 x 7), targets T, E_n = sse_half of
    row n, E_sum = sse_half of the batch, E_mean its mean over the N = 5 examples; no backward
    returns dE_mean/dW, so both weight gradients are central differences (a central_only binding)."""
    dense, mse = _snippet("layers/dense.py"), _snippet("losses/mse.py")
    X, W, b, T = rng.normal(size=(5, 7)), rng.normal(size=(7, 3)), rng.normal(size=3), rng.uniform(size=(5, 3))

    def E_sum(W):
        return float(mse.sse_half(dense.dense_forward(X, W, b)[0], T))

    Y = dense.dense_forward(X, W, b)[0]
    rows = np.array([float(mse.sse_half(Y[n:n + 1], T[n:n + 1])) for n in range(5)])
    env = {"N": 5, "W": W, "\\eta": 0.1, "E": rows, "E_sum": E_sum(W), "E_mean": E_sum(W) / 5}
    return env, {"\\partial E_sum/\\partial W": central(E_sum, W),
                 "\\partial E_mean/\\partial W": central(lambda W: E_sum(W) / 5, W)}


def matrix_losses(rng: np.random.Generator) -> tuple[dict, dict]:
    """losses.md's matrix losses on Y, T (5 x 3): E_half-sum = sse_half, E_mean = mse; the gradient of
    the first from sse_half_grad and by central differences, of the second (no snippet returns it)
    by central differences of mse only (a central_only binding)."""
    mse = _snippet("losses/mse.py")
    Y, T = rng.normal(size=(5, 3)), rng.uniform(size=(5, 3))
    mean_grad = central(lambda Y: float(mse.mse(Y, T)), Y)
    env = {"N": 5, "K": 3, "Y": Y, "T": T, "E_half-sum": float(mse.sse_half(Y, T)), "E_mean": float(mse.mse(Y, T)),
           "\\partial E_half-sum/\\partial Y": mse.sse_half_grad(Y, T), "\\partial E_mean/\\partial Y": mean_grad}
    return env, {"\\partial E_half-sum/\\partial Y": central(lambda Y: float(mse.sse_half(Y, T)), Y),
                 "\\partial E_mean/\\partial Y": mean_grad}


def logit_losses(rng: np.random.Generator, loss: str) -> tuple[dict, dict]:
    """losses.md's losses on logits Z (5 x 3): E_BCE = bce_with_logits with targets T in [0, 1], or
    E_CE = softmax_cross_entropy with one-hot rows T; the gradient from the snippet's _grad function,
    and by central differences of its forward."""
    Z = rng.normal(size=(5, 3))
    if loss == "BCE":
        module, forward, T = _snippet("losses/bce_with_logits.py"), "bce_with_logits", rng.uniform(size=(5, 3))
    else:
        module, forward, T = _snippet("losses/softmax_cross_entropy.py"), "softmax_cross_entropy", \
            np.eye(3)[rng.integers(0, 3, size=5)]
    E, grad = getattr(module, forward), getattr(module, forward + "_grad")
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    env = {"N": 5, "K": 3, "Z": Z, "T": T, "P": P / P.sum(axis=1, keepdims=True), f"E_{loss}": float(E(Z, T)),
           f"\\partial E_{loss}/\\partial Z": grad(Z, T)}
    return env, {f"\\partial E_{loss}/\\partial Z": central(lambda Z: float(E(Z, T)), Z)}


def output_jacobian(rng: np.random.Generator, layer: str) -> tuple[dict, dict]:
    """dense_layer or linear_torch (N = 5, J = 7, K = 3) with dE/dX = X-bar and the Jacobian dY/dX
    (N x K x N x J): entry (n', k) from the backward with the upstream gradient e_{n'k}, and by
    central differences of the forward's Y_{n'k}."""
    if layer == "dense":
        module, forward, backward = _snippet("layers/dense.py"), "dense_forward", "dense_backward"
        env, fd = dense_layer(rng)
        weight = env["W"]
    else:
        module, forward, backward = _snippet("layers/linear_torch.py"), "linear_torch_forward", "linear_torch_backward"
        env, fd = linear_torch(rng)
        weight = env["V"]
    X, b = env["X"], env["b"]
    Y, cache = getattr(module, forward)(X, weight, b)
    jacobian, differences = np.zeros(Y.shape + X.shape), np.zeros(Y.shape + X.shape)
    for at in np.ndindex(Y.shape):
        unit = np.zeros_like(Y)
        unit[at] = 1
        jacobian[at] = getattr(module, backward)(unit, cache)[0]
        differences[at] = central(lambda X, at=at: float(getattr(module, forward)(X, weight, b)[0][at]), X)
    key = "\\partial Y/\\partial X"
    return ({**env, "J": 7, "Y": Y, "\\partial E/\\partial X": env["\\bar{X}"], key: jacobian},
            {**fd, "\\partial E/\\partial X": fd["\\bar{X}"], key: differences})


def pooled_windows(rng: np.random.Generator) -> tuple[dict, dict]:
    """maxpool2d_forward and avgpool2d_forward on x (2, 3, 9, 8), U = 3, stride 2 (windows overlap):
    M_{ncijuv} the snippet's windows (_pool_windows), Y^max and Y^avg the two outputs."""
    layer = _snippet("layers/pooling.py")
    x = rng.normal(size=(2, 3, 9, 8))
    return {"U": 3, "M": layer._pool_windows(x, 3, 2)[1], "Y^\\max": layer.maxpool2d_forward(x, 3, 2)[0],
            "Y^\\mathrm{avg}": layer.avgpool2d_forward(x, 3, 2)[0]}, {}


def square_output(rng: np.random.Generator) -> tuple[dict, dict]:
    """gradient_checking.md's square output layer: dense_forward / dense_backward with A (5 x 7),
    W (7 x 7), the error signals Delta (5 x 7) as upstream gradient; A-bar its dX."""
    dense = _snippet("layers/dense.py")
    A, W, b, Delta = rng.normal(size=(5, 7)), rng.normal(size=(7, 7)), rng.normal(size=7), rng.normal(size=(5, 7))
    _, cache = dense.dense_forward(A, W, b)
    return ({"A": A, "W": W, "\\Delta": Delta, "\\bar{A}": dense.dense_backward(Delta, cache)[0]},
            {"\\bar{A}": central(_upstream(lambda A: dense.dense_forward(A, W, b)[0], Delta), A)})


def _bias_jacobian(rng: np.random.Generator) -> tuple[dict, dict]:
    """dz/db of dense_forward for one example (K = 3): row k from dense_backward with the
    upstream gradient e_k, and by central differences of z_k."""
    dense = _snippet("layers/dense.py")
    a, W, b = rng.uniform(size=(1, 7)), rng.normal(size=(7, 3)), rng.normal(size=3)
    _, cache = dense.dense_forward(a, W, b)
    rows = np.eye(3)
    jacobian = np.stack([dense.dense_backward(rows[k][None, :], cache)[2] for k in range(3)])
    fd = np.stack([central(lambda b, k=k: float(dense.dense_forward(a, W, b)[0][0, k]), b) for k in range(3)])
    return {"\\partial z/\\partial b": jacobian}, {"\\partial z/\\partial b": fd}


def _layer_jacobian(rng: np.random.Generator) -> tuple[dict, dict]:
    """hidden_layers (one example) with dz^(l+1)/dz^(l) (11 x 9): row k from activation_backward
    after dense_backward with the upstream gradient e_k, and by central differences of z^(l+1)_k;
    dE/dz^(l) and dE/dz^(l+1) are its delta^(l) and delta^(l+1)."""
    dense, act, tanh = _snippet("layers/dense.py"), _snippet("layers/activation.py"), _snippet("activations/tanh.py")
    env, fd = hidden_layers(rng, n=1)
    z, W = env["Z^(l)"], env["W^(l+1)"]

    def above(z):  # z^(l+1) from z^(l); the bias shifts it and drops out of the Jacobian
        return dense.dense_forward(act.activation_forward(z, tanh.tanh, tanh.tanh_grad)[0], W, np.zeros(11))[0]

    a, act_cache = act.activation_forward(z, tanh.tanh, tanh.tanh_grad)
    _, dense_cache = dense.dense_forward(a, W, np.zeros(11))
    rows = np.eye(11)
    jacobian = np.stack([act.activation_backward(dense.dense_backward(rows[k][None, :], dense_cache)[0], act_cache)[0]
                         for k in range(11)])
    differences = np.stack([central(lambda z, k=k: float(above(z)[0, k]), z)[0] for k in range(11)])
    names = {"\\partial E/\\partial z^(l)": "\\delta^(l)", "\\partial E/\\partial z^(l+1)": "\\delta^(l+1)"}
    key = "\\partial z^(l+1)/\\partial z^(l)"
    return ({**env, **{page: env[ours] for page, ours in names.items()}, key: jacobian},
            {**fd, **{page: fd[ours] for page, ours in names.items()}, key: differences})


def normalised_jacobian(rng: np.random.Generator, name: str) -> tuple[dict, dict]:
    """batchnorm's column 1 (_one_column) or layernorm's row 1 (_layernorm_rows), with the Jacobian
    dx-hat/dx of that column or row: row n from <name>_backward with gamma = 1 and the upstream
    gradient e_n, and by central differences of <name>_forward's x-hat (gamma = 1, beta = 0)."""
    layer = _snippet(f"layers/{name}.py")
    forward, backward = getattr(layer, f"{name}_forward"), getattr(layer, f"{name}_backward")
    X = _normalisation(copy.deepcopy(rng), name, 0 if name == "batchnorm" else -1)[0]["X"]
    env, fd = (_one_column if name == "batchnorm" else _layernorm_rows)(rng)
    ones, zeros = np.ones(X.shape[1]), np.zeros(X.shape[1])
    _, cache = forward(X, ones, zeros, 1e-5)
    # (row, column) of entry n of the column (batchnorm) or the row (layernorm) that the page's x is
    at = (lambda n: (n, 0)) if name == "batchnorm" else (lambda n: (0, n))
    size = X.shape[0] if name == "batchnorm" else X.shape[1]
    rows = []
    for n in range(size):
        unit = np.zeros_like(X)
        unit[at(n)] = 1
        dx = backward(unit, cache)[0]
        rows.append(dx[:, 0] if name == "batchnorm" else dx[0])

    def hat(vector, n):  # entry n of x-hat, with the page's x set to vector
        Xv = X.copy()
        if name == "batchnorm":
            Xv[:, 0] = vector
        else:
            Xv[0] = vector
        return float(forward(Xv, ones, zeros, 1e-5)[0][at(n)])

    x = X[:, 0] if name == "batchnorm" else X[0]
    differences = np.stack([central(lambda v, n=n: hat(v, n), x) for n in range(size)])
    key = "\\partial \\hat{x}/\\partial x"
    return {**env, key: np.stack(rows)}, {**fd, key: differences}


def normalisation_paths(rng: np.random.Generator, name: str) -> tuple[dict, dict]:
    """normalised_jacobian (the whole dx-hat/dx; its central differences, as the paths' factors are
    central differences too: a central_only binding) with the three paths' factors, by central
    differences of the page's definitions, x-hat = (x - mu) /
    sqrt(v + kappa), mu the mean and v the mean square deviation of the column (row): dx-hat/dx
    with mu and v held, dx-hat/dmu, dx-hat/dv, dmu/dx, dv/dx."""
    X = _normalisation(copy.deepcopy(rng), name, 0 if name == "batchnorm" else -1)[0]["X"]  # the draws to come
    env, fd = normalised_jacobian(rng, name)
    x = X[:, 0] if name == "batchnorm" else X[0]
    mu, v, kappa = x.mean(), ((x - x.mean()) ** 2).mean(), 1e-5

    def hat(x, mu, v):
        return (x - mu) / np.sqrt(v + kappa)

    size = len(x)
    paths = {"\\partial \\hat{x}/\\partial x|\\mu,v": np.stack([central(lambda y, n=n: float(hat(y, mu, v)[n]), x)
                                                               for n in range(size)]),
             "\\partial \\hat{x}/\\partial \\mu": np.array([float(central(lambda m, n=n: float(hat(x, m, v)[n]),
                                                                       np.asarray(mu))) for n in range(size)]),
             "\\partial \\hat{x}/\\partial v": np.array([float(central(lambda w, n=n: float(hat(x, mu, w)[n]),
                                                                    np.asarray(v))) for n in range(size)]),
             "\\partial \\mu/\\partial x": central(lambda y: float(y.mean()), x),
             "\\partial v/\\partial x": central(lambda y: float(((y - y.mean()) ** 2).mean()), x)}
    return {**env, **paths}, {**fd, **paths}


def batchnorm_inference(rng: np.random.Generator) -> tuple[dict, dict]:
    """batchnorm_inference on X (5 x 7) with running statistics; no backward exists, so X-bar is
    central differences of batchnorm_inference only (a central_only binding)."""
    layer, kappa = _snippet("layers/batchnorm.py"), 1e-5
    X, gamma, beta, mean, var, Ybar = (rng.normal(size=(5, 7)), rng.normal(size=7), rng.normal(size=7),
                                       rng.normal(size=7), rng.uniform(0.5, 2, size=7), rng.normal(size=(5, 7)))
    X_bar = central(_upstream(lambda X: layer.batchnorm_inference(X, gamma, beta, mean, var, kappa), Ybar), X)
    return {"X": X, "\\gamma": gamma, "\\kappa": kappa, "v_run": var, "\\bar{Y}": Ybar}, {"\\bar{X}": X_bar}


def two_sigmoid_layers(rng: np.random.Generator, rows: bool = False) -> tuple[dict, dict]:
    """gradient_descent.md's network: x (3) -> sigmoid (5) -> sigmoid (7), E = sse_half, one example,
    through dense_forward/backward and activation_forward/backward; 1-D vectors (index forms)
    or, rows=True, 1 x n rows (the matrix form)."""
    dense, act, mse, sigmoid = (_snippet("layers/dense.py"), _snippet("layers/activation.py"),
                                _snippet("losses/mse.py"), _snippet("activations/sigmoid.py"))
    x, t = rng.normal(size=(1, 3)), rng.uniform(size=(1, 7))
    W1, b1, W2, b2 = rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=(5, 7)), rng.normal(size=7)

    def forward(z1=None, z2=None, b1=b1, b2=b2):
        z1 = dense.dense_forward(x, W1, b1)[0] if z1 is None else z1
        h = act.activation_forward(z1, sigmoid.sigmoid, sigmoid.sigmoid_grad)[0]
        z2 = dense.dense_forward(h, W2, b2)[0] if z2 is None else z2
        y = act.activation_forward(z2, sigmoid.sigmoid, sigmoid.sigmoid_grad)[0]
        return float(mse.sse_half(y, t)), z1, z2, y

    _, z1, z2, y = forward()
    _, dense1 = dense.dense_forward(x, W1, b1)
    h, act1 = act.activation_forward(z1, sigmoid.sigmoid, sigmoid.sigmoid_grad)
    _, dense2 = dense.dense_forward(h, W2, b2)
    _, act2 = act.activation_forward(z2, sigmoid.sigmoid, sigmoid.sigmoid_grad)
    delta2 = act.activation_backward(mse.sse_half_grad(y, t), act2)
    dh, _, db2 = dense.dense_backward(delta2, dense2)
    delta1 = act.activation_backward(dh, act1)
    _, _, db1 = dense.dense_backward(delta1, dense1)
    row = (lambda a: a.reshape(1, -1)) if rows else (lambda a: a.reshape(-1))
    env = {"\\sigma'": sigmoid.sigmoid_grad, "y": row(y), "t": row(t), "z^(1)": row(z1), "z^(2)": row(z2),
           "W^(2)": W2, "\\delta^(1)": row(delta1), "\\delta^(2)": row(delta2),
           "\\partial E/\\partial b^(1)": db1, "\\partial E/\\partial b^(2)": db2}
    fd = {"\\delta^(1)": row(central(lambda z: forward(z1=z)[0], z1)),
          "\\delta^(2)": row(central(lambda z: forward(z2=z)[0], z2)),
          "\\partial E/\\partial b^(1)": central(lambda b: forward(b1=b)[0], b1),
          "\\partial E/\\partial b^(2)": central(lambda b: forward(b2=b)[0], b2)}
    return env, fd


def _layer_of_two(layer: int, rng: np.random.Generator) -> tuple[dict, dict]:
    """two_sigmoid_layers with delta and dE/db of one layer under their unmarked names (\"for each layer\")."""
    names = {"\\delta": f"\\delta^({layer})", "\\partial E/\\partial b": f"\\partial E/\\partial b^({layer})"}
    return _renamed(two_sigmoid_layers, names, rng)


def pooling(rng: np.random.Generator, kind: str) -> tuple[dict, dict]:
    """<kind>pool2d_forward / _backward on x (2, 3, 9, 6), U = 3, stride 3: 3 x 2 windows that do not
    overlap, so each entry of M (windows as rows, N C P Q x U^2) is one entry of x, and M-bar is
    the backward's dx read window by window; 1 a column of U^2 ones; S the 0/1 argmax of each row."""
    layer = _snippet("layers/pooling.py")
    forward, backward = getattr(layer, f"{kind}pool2d_forward"), getattr(layer, f"{kind}pool2d_backward")
    x = rng.normal(size=(2, 3, 9, 6))
    out, cache = forward(x, 3, 3)
    Ybar = rng.normal(size=out.shape)

    def rows(a):  # a's windows as rows
        return layer._pool_windows(a, 3, 3)[1].reshape(-1, 9)

    M = rows(x)
    env = {"U": 3, "M": M, "\\mathbf{1}": np.ones((9, 1)), "S": np.eye(9)[M.argmax(axis=1)],
           "Y": out.reshape(-1, 1), "\\bar{Y}": Ybar.reshape(-1, 1), "\\bar{M}": rows(backward(Ybar, cache))}
    return env, {"\\bar{M}": rows(central(_upstream(lambda x: forward(x, 3, 3)[0], Ybar), x))}


_DENSE = "dense_backward"
_MLP = "dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss)"
_OUT = "dense_backward and activation_backward (a sigmoid layer; sse_half loss), one example"
_TWO = "dense_backward and activation_backward (two sigmoid layers; sse_half loss), one example"
_one_output = partial(_renamed, partial(output_layer, n=1), {"x": "a_j"})
_dense_as = partial(_renamed, dense_layer, {"\\partial E/\\partial W": "\\bar{W}", "\\bar{A}^(1)": "\\bar{X}",
                                            "W^(2)": "W"})
_softmax_as = partial(_renamed, activation_and_softmax, {"\\partial E/\\partial Z": "\\bar{Z}"})
_one_example = partial(hidden_layers, n=1)
_rnn_t = {"t": "T"}

BINDINGS: list[Binding] = [
    *(Binding(page, fragment, _DENSE, dense_layer, inline=True)
      for page in ("backprop/computational_graphs.md", "backprop/frameworks.md")
      for fragment in ("\\bar{X} =", "\\bar{W} =")),
    # about.md's example of what this check reads
    Binding("about.md", "\\bar{X} = \\bar{Y}", _DENSE, dense_layer, inline=True),
    Binding("backprop/frameworks.md", "\\bar{A}^{(1)} =", f"{_DENSE} (layer 2, input A^(1))", _dense_as, inline=True),
    # regularisation.md, frameworks.md: the penalty and the batch mean
    Binding("backprop/regularisation.md", "\\lVert W \\rVert^2 = \\sum_{j=1}^{J}", "l2_penalty", weight_decay,
            indices="jk"),
    Binding("backprop/regularisation.md", "\\frac{\\partial E_{\\text{reg}}}{\\partial W} =", "dense_backward_l2",
            weight_decay),
    Binding("backprop/regularisation.md", "E_{\\text{reg}} = \\sum \\bar{Y}", "dense_forward and l2_penalty", weight_decay,
            inline=True),
    Binding("backprop/frameworks.md", "W - \\eta \\, \\frac{\\partial E_{\\text{mean}}}",
            "central differences of dense_forward with sse_half", batch_mean, central_only=True),
    Binding("backprop/frameworks.md", "E_{\\text{mean}} = \\frac{1}{N} \\sum_{n} E_n", "sse_half, row by row",
            batch_mean, inline=True),
    # matrix_form.md, frameworks.md: the chain rule over a layer's outputs, and PyTorch's Linear by entries
    *(Binding(page, "\\frac{\\partial E}{\\partial X_{nj}} = \\sum_{n', k}", f"{name}_backward and its Jacobian",
              partial(output_jacobian, layer=layer), inline=True, indices="njk")
      for page, name, layer in (("backprop/matrix_form.md", "dense", "dense"),
                                ("backprop/frameworks.md", "linear_torch", "linear"))),
    Binding("backprop/frameworks.md", "Y_{n'k} = \\sum_{i=1}^{J}", "linear_torch_forward",
            partial(output_jacobian, layer="linear"), inline=True, indices="nik"),
    Binding("backprop/gradient_checking.md", "\\bar{A} = \\Delta", "dense_backward, a square layer", square_output,
            inline=True, wrong=True),
    # losses.md: the matrix forms of the squared errors
    Binding("backprop/losses.md", "\\nabla_Y E_{\\text{half-sum}} &=", "sse_half and sse_half_grad", matrix_losses,
            indices="nk"),
    Binding("backprop/losses.md", "\\nabla_Y E_{\\text{mean}} &=", "mse and central differences of mse",
            matrix_losses, indices="nk", central_only=True),
    *(Binding("backprop/losses.md", f"\\nabla_Z E_{{\\text{{{loss}}}}} &=", f"{forward} and {forward}_grad",
              partial(logit_losses, loss=loss), indices="nk")
      for loss, forward in (("BCE", "bce_with_logits"), ("CE", "softmax_cross_entropy"))),
    # computational_graphs.md: one gate, and the fork
    Binding("backprop/computational_graphs.md", "\\bar{u} = \\frac{\\partial E}{\\partial u} =",
            "multiply_backward, a chain of two multiply gates", one_gate),
    Binding("backprop/computational_graphs.md", "\\bar{u} = \\bar{s} \\cdot", "fork_example and the gates' backward", fork),
    # output_layer.md, chain_rule.md: one sigmoid output layer
    Binding("backprop/output_layer.md", "= \\delta_k \\cdot 1 =", _OUT, partial(output_layer, n=1), inline=True),
    Binding("backprop/output_layer.md", "\\frac{\\partial z_k}{\\partial b_k} =", "dense_backward, one example",
            _bias_jacobian, inline=True),
    Binding("backprop/output_layer.md", "{\\partial E}{\\partial b_k} = 1", _OUT,
            partial(output_layer, n=1), inline=True, wrong=True),
    Binding("backprop/chain_rule.md", "\\partial w_{jk}} = (a_k - t_k)", _OUT, _one_output, inline=True, wrong=True),
    # hidden_layers.md: the chain rule through layer l+1, and the two quoted mistakes
    Binding("backprop/hidden_layers.md", "\\frac{\\partial E}{\\partial z^{(l)}_j} = \\sum_k", _MLP + ", one example",
            _layer_jacobian, inline=True),
    Binding("backprop/hidden_layers.md", "\\cdot \\delta_k \\cdot w_{jk}", _MLP + ", one example",
            _one_example, inline=True, wrong=True),
    Binding("backprop/hidden_layers.md", "\\Delta^{(l)} = \\bigl(\\Delta^{(l+1)}", _MLP + ", a batch of 5",
            hidden_layers, inline=True, wrong=True),
    # matrix_form.md: the quoted mistakes
    Binding("backprop/matrix_form.md", "\\frac{\\partial E}{\\partial W} =", _DENSE,
            _dense_as, inline=True, wrong=True),
    Binding("backprop/matrix_form.md", "\\frac{\\partial E}{\\partial Z} =",
            "softmax_backward", _softmax_as, inline=True, wrong=True),
    # gradient_descent.md: the worked network's error signals, per layer
    Binding("backprop/gradient_descent.md", "\\delta^{(2)}_k =", _TWO, two_sigmoid_layers, inline=True),
    Binding("backprop/gradient_descent.md", "\\delta^{(1)}_j =", _TWO, two_sigmoid_layers, inline=True),
    Binding("backprop/gradient_descent.md", "\\delta^{(1)} = (", _TWO + ", as rows",
            partial(two_sigmoid_layers, rows=True), inline=True),
    *(Binding("backprop/gradient_descent.md", "\\partial E / \\partial b_k =", f"{_TWO}, layer {layer}",
              partial(_layer_of_two, layer), inline=True) for layer in (1, 2)),
    # attention.md: the quoted mistakes
    *(Binding("layers/attention.md", text, "attention_backward", attention, inline=True, wrong=True)
      for text in ("\\bar{Q} =", "\\bar{K} =", "\\bar{V} =", "\\bar{Z} =")),
    # dropout.md, batchnorm.md, layernorm.md
    Binding("layers/dropout.md", "\\bar{X} = M", "dropout_backward", dropout, inline=True,
            wrong=True),
    Binding("layers/batchnorm.md", "\\gamma / s", "batchnorm_backward",
            partial(_normalisation, name="batchnorm", axis=0), inline=True, wrong=True),
    Binding("layers/batchnorm.md", "\\sqrt{v_{\\text{run}} + \\kappa}", "central differences of batchnorm_inference",
            batchnorm_inference, inline=True, central_only=True),
    Binding("layers/layernorm.md", "\\bar{\\hat{X}} =",
            "central differences of y = gamma x-hat + beta", _layernorm_rows, inline=True, central_only=True),
    Binding("layers/layernorm.md", "\\bar{\\hat{x}} =",
            "central differences of y = gamma x-hat + beta, row 1", _layernorm_rows, inline=True, central_only=True),
    Binding("layers/layernorm.md", "\\bar{x} =", "layernorm_backward, row 1", _layernorm_rows, inline=True, wrong=True),
    Binding("layers/layernorm.md", "\\bar{x}_j = \\frac{1}{s} \\bigl(", "layernorm_backward, row 1", _layernorm_rows,
            indices="ij"),
    *(Binding(f"layers/{name}.md", fragment, f"{name}_backward and its Jacobian, {part} 1",
              partial(normalised_jacobian, name=name), inline=True, indices=letters)
      for name, fragment, part, letters in (("batchnorm", "\\bar{x}_m = \\sum_n", "column", "mn"),
                                             ("layernorm", "\\bar{x}_j = \\sum_i", "row", "ij"))),
    *(Binding(f"layers/{name}.md", fragment,
              f"central differences of {name}_forward (the whole) and of the page's definitions (the paths)",
              partial(normalisation_paths, name=name), indices=letters, central_only=True)
      for name, fragment, letters in (("batchnorm", "\\frac{\\partial \\hat{x}_n}{\\partial x_m} =", "nm"),
                                      ("layernorm", "\\frac{\\partial \\hat{x}_i}{\\partial x_j} =", "ij"))),
    # the forward systems, against the snippets' forward
    Binding("layers/attention.md", "P &= \\operatorname{softmax}(Z)", "attention_forward",
            attention_forward_names),
    Binding("layers/attention.md", "Y_{ic} &= \\sum_{j=1}^{S}", "attention_forward", attention_forward_names,
            indices="ijmuc"),
    *(Binding("layers/lstm.md", fragment, "lstm_forward", lstm_forward_names, ranges=_rnn_t)
      for fragment in ("I_t &= \\sigma", "C_t &= F_t \\odot", "h_t = O_t \\odot")),
    Binding("layers/rnn.md", "\\bar{h}_T &=", "rnn_backward", rnn_last, ranges=_rnn_t),
    Binding("layers/pooling.md", "P &= \\left\\lfloor \\frac{H_{\\mathrm{in}} - U}{s}", "maxpool2d_forward's output size",
            partial(window_counts, layer="pooling")),
    Binding("layers/conv2d.md", "Q &= \\left\\lfloor \\frac{W_{\\mathrm{in}} + 2m - V}{s}", "conv2d_forward's output size",
            partial(window_counts, layer="conv2d")),
    Binding("layers/pooling.md", "Y^{\\max}_{ncij} &=", "maxpool2d_forward, avgpool2d_forward",
            pooled_windows, indices="ncijuv"),
    # pooling.md: the matrix forms
    Binding("layers/pooling.md", "/ U^2", "avgpool2d_backward", partial(pooling, kind="avg"), inline=True),
    Binding("layers/pooling.md", "\\odot S", "maxpool2d_backward", partial(pooling, kind="max"), inline=True),
    # rnn.md, lstm.md: the recursion's pieces
    Binding("layers/rnn.md", "\\tanh'(Z_t) =", "rnn_forward", rnn, inline=True, ranges=_rnn_t),
    *(Binding("layers/rnn.md", fragment, "rnn_backward", rnn, inline=True, ranges=_rnn_t)
      for fragment in ("\\bar{s}_t =", "\\bar{X}_t =", "\\bar{h}_0 =", "\\bar{s}_1 =", "\\bar{h}_t =")),
    Binding("layers/lstm.md", "\\bar{h}_t =", "lstm_backward", lstm, inline=True, ranges=_rnn_t),
]
