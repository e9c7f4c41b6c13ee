# A small convolutional network, conv2d -> ReLU -> max pooling -> dense -> softmax
# cross-entropy, trained by minibatch SGD. Standalone: NumPy only, so the notebook
# docs/layers/train_cnn.ipynb, which includes its sections, runs on its own.

# --8<-- [start:copied]
import numpy as np


# stamp: _as_float, from snippets/_shared.py (python -m sitekit.stamp)
def _as_float(x):
    """x as a C-ordered float array in native byte order; ints and bools
    become float64, floats keep their dtype. A 0-d result is returned as a NumPy
    scalar of its dtype (`[()]`), as NumPy's own ufuncs do."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"expected real numbers, got an array of dtype {x.dtype}")
    # One layout for every input: flat views, in-place steps and NumPy's
    # vectorised loops (which round differently on strided data) rely on it.
    if x.dtype.kind == "f" and x.dtype.isnative and x.flags.c_contiguous:
        return x
    dtype = x.dtype.newbyteorder("=") if x.dtype.kind == "f" else np.float64
    return x.astype(dtype, order="C")
# end stamp: _as_float


# stamp: layers/conv2d.py:_conv2d_windows, from snippets/layers/conv2d.py (python -m sitekit.stamp)
def _conv2d_windows(xp, KH, KW, stride):
    """Every KH x KW window of the padded batch xp, as a view (N, C, OH, OW, KH, KW)."""
    # A view, not a copy: im2col without the memory of im2col.
    windows = np.lib.stride_tricks.sliding_window_view(xp, (KH, KW), axis=(2, 3))
    # Every stride-th window; rows and columns left over at the far edge are dropped (floor).
    return windows[:, :, ::stride, ::stride]
# end stamp: layers/conv2d.py:_conv2d_windows


# stamp: layers/conv2d.py:conv2d_forward, from snippets/layers/conv2d.py (python -m sitekit.stamp)
def conv2d_forward(x, w, b, stride=1, padding=0):
    """out[n, f, i, j] = sum_{c, u, v} xp[n, c, i*stride + u, j*stride + v] * w[f, c, u, v] + b[f],
    xp being x with `padding` zeros on each side of H and W; x (N, C, H, W), w (F, C, KH, KW), b (F,)."""
    x, w, b = _as_float(x), _as_float(w), _as_float(b)
    if x.ndim != 4:
        raise ValueError(f"x must have shape (N, C, H, W), got {x.shape}")
    if w.ndim != 4 or w.shape[1] != x.shape[1]:
        raise ValueError(f"w must have shape (F, {x.shape[1]}, KH, KW) to match x with {x.shape[1]} channels, got {w.shape}")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape ({w.shape[0]},) to match w with {w.shape[0]} filters, got {b.shape}")
    if int(stride) != stride or stride < 1 or int(padding) != padding or padding < 0:
        raise ValueError(f"stride must be an integer >= 1 and padding one >= 0, got {stride} and {padding}")
    stride, padding = int(stride), int(padding)
    KH, KW = w.shape[2:]
    if x.shape[2] + 2 * padding < KH or x.shape[3] + 2 * padding < KW:
        raise ValueError(f"x must have H + 2*padding >= {KH} and W + 2*padding >= {KW}, got {x.shape}")
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = _conv2d_windows(xp, KH, KW, stride)
    # One contraction over (c, u, v) for every window: im2col times the flattened filters.
    out = np.einsum("ncijuv,fcuv->nfij", windows, w, optimize=True) + b[:, None, None]
    cache = (x.shape, xp, w, stride, padding)
    return out, cache
# end stamp: layers/conv2d.py:conv2d_forward


# stamp: layers/conv2d.py:conv2d_backward, from snippets/layers/conv2d.py (python -m sitekit.stamp)
def conv2d_backward(dout, cache):
    """From the upstream gradient dout = dE/dout (N, F, OH, OW):
    dE/dx (N, C, H, W), dE/dw (F, C, KH, KW), dE/db (F,)."""
    x_shape, xp, w, stride, padding = cache
    dout = _as_float(dout)
    F, C, KH, KW = w.shape
    windows = _conv2d_windows(xp, KH, KW, stride)
    expected = (x_shape[0], F) + windows.shape[2:4]
    if dout.shape != expected:
        raise ValueError(f"dout must have shape {expected} like out, got {dout.shape}")
    OH, OW = expected[2:]
    # Each weight meets one input in every window of every example: sum over n, i, j.
    dw = np.einsum("nfij,ncijuv->fcuv", dout, windows, optimize=True)
    db = dout.sum(axis=(0, 2, 3))
    # col2im: kernel offset (u, v) sent dout[n, f, i, j] to xp[n, c, i*stride + u, j*stride + v].
    # Windows overlap when stride < KH, so the offsets add into the same entries: +=.
    dxp = np.zeros(xp.shape, dtype=np.result_type(xp, w, dout))
    for u in range(KH):
        for v in range(KW):
            dxp[:, :, u:u + stride * OH:stride, v:v + stride * OW:stride] += np.einsum(
                "nfij,fc->ncij", dout, w[:, :, u, v], optimize=True)
    dx = dxp[:, :, padding:padding + x_shape[2], padding:padding + x_shape[3]]
    return dx, dw, db
# end stamp: layers/conv2d.py:conv2d_backward


# stamp: activations/relu.py:relu, from snippets/activations/relu.py (python -m sitekit.stamp)
def relu(x):
    """ReLU(x) = max(0, x); NaN stays NaN, -0.0 gives +0.0."""
    x = _as_float(x)
    # np.maximum propagates NaN (np.fmax would return 0 for it).
    # Which zero it returns for -0.0 depends on the dtype's kernel;
    # adding +0 turns -0.0 into +0.0 and leaves every other value as it is.
    # In place: one new array, not two.
    y = np.maximum(x, 0)
    y += 0
    return y[()]
# end stamp: activations/relu.py:relu


# stamp: _nan_back, from snippets/_shared.py (python -m sitekit.stamp)
def _nan_back(g, x):
    """g with NaN put back where x is NaN: a comparison gives 0 there."""
    # One reduction tells whether x holds any NaN at all; NaN is the rare
    # case, so this costs less than building a NaN mask every time.
    if np.isnan(np.min(x, initial=0)):
        return np.where(np.isnan(x), x, g)
    return g
# end stamp: _nan_back


# stamp: activations/relu.py:relu_grad, from snippets/activations/relu.py (python -m sitekit.stamp)
def relu_grad(x):
    """dReLU/dx: 1 for x > 0, 0 for x < 0, and the subgradient 0 at x = 0."""
    x = _as_float(x)
    # The comparison writes 0.0 and 1.0 straight into a float array.
    return _nan_back(np.greater(x, 0, out=np.empty_like(x)), x)[()]
# end stamp: activations/relu.py:relu_grad


# stamp: layers/activation.py:activation_forward, from snippets/layers/activation.py (python -m sitekit.stamp)
def activation_forward(X, f, f_grad):
    """Y = f(X) entry by entry, for any elementwise f whose derivative is f_grad;
    the cache is what activation_backward needs."""
    X = _as_float(X)
    Y = f(X)
    # f'(X) is evaluated in the backward pass, where it is needed, not kept here:
    # a forward pass at inference time then costs nothing extra.
    cache = (X, f_grad)
    return Y, cache
# end stamp: layers/activation.py:activation_forward


# stamp: layers/activation.py:activation_backward, from snippets/layers/activation.py (python -m sitekit.stamp)
def activation_backward(G, cache):
    """dE/dX = G * f'(X) from the upstream gradient G = dE/dY."""
    X, f_grad = cache
    G = _as_float(G)
    if G.shape != X.shape:
        raise ValueError(f"G must have shape {X.shape} like Y, got {G.shape}")
    # Y[n, i] depends on X[n, i] alone: the Jacobian is diagonal, and the
    # vector-Jacobian product is an elementwise product. No matrix is formed.
    return G * f_grad(X)
# end stamp: layers/activation.py:activation_backward


# stamp: layers/pooling.py:_pool_windows, from snippets/layers/pooling.py (python -m sitekit.stamp)
def _pool_windows(x, kernel_size, stride):
    """x (N, C, H, W) as float, its windows as a view (N, C, OH, OW, k, k), and the stride."""
    x = _as_float(x)
    stride = kernel_size if stride is None else stride
    if x.ndim != 4:
        raise ValueError(f"x must have shape (N, C, H, W), got {x.shape}")
    if int(kernel_size) != kernel_size or kernel_size < 1 or int(stride) != stride or stride < 1:
        raise ValueError(f"kernel_size and stride must be integers >= 1, got {kernel_size} and {stride}")
    k, stride = int(kernel_size), int(stride)
    if x.shape[2] < k or x.shape[3] < k:
        raise ValueError(f"x must have H >= {k} and W >= {k} for a {k} x {k} kernel, got {x.shape}")
    # Every stride-th window; rows and columns left over at the far edge are dropped (floor).
    windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::stride, ::stride]
    return x, windows, stride
# end stamp: layers/pooling.py:_pool_windows


# stamp: layers/pooling.py:_check_dout, from snippets/layers/pooling.py (python -m sitekit.stamp)
def _check_dout(dout, out_shape):
    """dout as float, refused unless it has the output's shape (N, C, OH, OW)."""
    dout = _as_float(dout)
    if dout.shape != out_shape:
        raise ValueError(f"dout must have shape {out_shape} like out, got {dout.shape}")
    return dout
# end stamp: layers/pooling.py:_check_dout


# stamp: layers/pooling.py:maxpool2d_forward, from snippets/layers/pooling.py (python -m sitekit.stamp)
def maxpool2d_forward(x, kernel_size, stride=None):
    """out[n, c, i, j] = max of the k x k window of x[n, c] at (i*stride, j*stride); stride defaults to k."""
    x, windows, stride = _pool_windows(x, kernel_size, stride)
    N, C, OH, OW, k, _ = windows.shape
    # The first maximum in row-major order within the window wins a tie, as
    # PyTorch's CPU kernel does; argmax returns the first (a NaN counts as the maximum).
    flat = windows.reshape(N, C, OH, OW, k * k)
    argmax = flat.argmax(axis=-1)
    out = np.take_along_axis(flat, argmax[..., None], axis=-1)[..., 0]
    cache = (x.shape, argmax, windows.shape, stride)
    return out, cache
# end stamp: layers/pooling.py:maxpool2d_forward


# stamp: layers/pooling.py:maxpool2d_backward, from snippets/layers/pooling.py (python -m sitekit.stamp)
def maxpool2d_backward(dout, cache):
    """From dout = dE/dout (N, C, OH, OW): dE/dx (N, C, H, W), each dout entry sent to its window's argmax."""
    x_shape, argmax, windows_shape, stride = cache
    dout = _check_dout(dout, windows_shape[:4])
    N, C, OH, OW, k, _ = windows_shape
    dx = np.zeros(x_shape, dtype=dout.dtype)
    # One pass per kernel offset (u, v): the windows whose maximum sits there.
    # Overlapping windows (stride < k) can share an input, so the passes add: +=.
    for u in range(k):
        for v in range(k):
            dx[:, :, u:u + stride * OH:stride, v:v + stride * OW:stride] += np.where(argmax == u * k + v, dout, 0)
    return dx
# end stamp: layers/pooling.py:maxpool2d_backward


# stamp: _check_dense_shapes, from snippets/_shared.py (python -m sitekit.stamp)
def _check_dense_shapes(X, W, b):
    """Raise ValueError naming the expected shape unless X (N, n_in),
    W (n_in, n_out) and b (n_out,) fit together."""
    # Broadcasting would accept a bias of shape (N, n_out) or (1,), and a
    # single example of shape (n_in,): each gives a Y of a plausible shape
    # and a gradient of the wrong one, so shapes are checked, not broadcast.
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, n_in), one row per example, got {X.shape}")
    n_in = X.shape[1]
    if W.ndim != 2 or W.shape[0] != n_in:
        raise ValueError(f"W must have shape ({n_in}, k) to match X with {n_in} columns, got {W.shape}")
    n_out = W.shape[1]
    if b.shape != (n_out,):
        raise ValueError(f"b must have shape ({n_out},) to match W with {n_out} columns, got {b.shape}")
# end stamp: _check_dense_shapes


# stamp: layers/dense.py:dense_forward, from snippets/layers/dense.py (python -m sitekit.stamp)
def dense_forward(X, W, b):
    """Y = X @ W + b for a batch X of N rows, and the cache dense_backward needs."""
    X, W, b = _as_float(X), _as_float(W), _as_float(b)
    _check_dense_shapes(X, W, b)
    Y = X @ W + b
    # dW needs the input and dX needs the weights; nothing else is needed.
    cache = (X, W)
    return Y, cache
# end stamp: layers/dense.py:dense_forward


# stamp: layers/dense.py:dense_backward, from snippets/layers/dense.py (python -m sitekit.stamp)
def dense_backward(G, cache):
    """From the upstream gradient G = dE/dY (N, n_out):
    dE/dX (N, n_in), dE/dW (n_in, n_out), dE/db (n_out,)."""
    X, W = cache
    G = _as_float(G)
    expected = (X.shape[0], W.shape[1])
    if G.shape != expected:
        raise ValueError(f"G must have shape {expected} like Y, got {G.shape}")
    dX = G @ W.T
    # Each W[j, k] is used by every example, so its gradient sums over the batch;
    # the matrix product does that sum.
    dW = X.T @ G
    # b is added to every row of Y: its gradient is the sum of G's rows.
    db = G.sum(axis=0)
    return dX, dW, db
# end stamp: layers/dense.py:dense_backward


# stamp: _check_targets, from snippets/_shared.py (python -m sitekit.stamp)
def _check_targets(Z, T):
    """Z as float logits (N, K), and T as class probabilities (N, K): T may be
    one-hot or soft rows of shape (N, K), or N integer class labels of shape (N,)."""
    Z = _as_float(Z)
    if Z.ndim == 2 and Z.shape[0] and not Z.shape[1]:
        raise ValueError("softmax_cross_entropy: the class axis (axis=1) is empty")
    if Z.ndim != 2 or Z.size == 0:
        raise ValueError(f"Z must have shape (N, K), one row of K logits per example, got {Z.shape}")
    N, K = Z.shape
    T = np.asarray(T)
    if T.shape == (N,):
        if T.dtype.kind not in "iu":
            raise ValueError(f"T of shape ({N},) must hold integer class labels, got dtype {T.dtype}")
        if T.min() < 0 or T.max() >= K:
            raise ValueError(f"class labels must lie in 0..{K - 1}, got labels from {T.min()} to {T.max()}")
        # Labels are one-hot rows written short: the same loss, in Z's dtype.
        return Z, (np.arange(K) == T[:, None]).astype(Z.dtype)
    if T.shape != (N, K):
        raise ValueError(
            f"T must have shape ({N}, {K}) like Z (one-hot or probabilities)"
            f" or ({N},) (integer class labels), got {T.shape}"
        )
    T = T.astype(Z.dtype) if T.dtype.kind in "biu" else _as_float(T)
    # The gradient softmax(Z) - T holds only when each row of T sums to 1:
    # with counts or unnormalized scores it would be wrong without an error.
    # The tolerance is far above the rounding of probabilities stored in
    # float32 (and summed in any order), far below such a mistake.
    row_sums = T.sum(axis=1)
    off = np.abs(row_sums - 1) > 1e-3
    if off.any():
        n = int(np.argmax(off))
        raise ValueError(f"each row of T must sum to 1 (one-hot or probabilities), row {n} sums to {row_sums[n]}")
    return Z, T
# end stamp: _check_targets


# stamp: _shifted_exp, from snippets/_shared.py (python -m sitekit.stamp)
def _shifted_exp(Z):
    """Per row: Z - max(Z); E = exp(Z - max(Z)) with one max entry set to 0;
    S, the sum of E; and where that max entry is.
    softmax(Z) is then E / (1 + S) off the max entry and 1 / (1 + S) at it."""
    top = np.arange(Z.shape[1]) == Z.argmax(axis=1)[:, None]
    shifted = Z - Z.max(axis=1, keepdims=True)
    # Every exponent is <= 0, so nothing overflows. The max entry's exp(0) = 1
    # is kept out of S: S alone may be far below the rounding unit, where
    # 1 + S rounds to 1 and S is lost.
    E = np.where(top, 0, np.exp(shifted))
    S = E.sum(axis=1, keepdims=True)
    return shifted, E, S, top
# end stamp: _shifted_exp


# stamp: losses/softmax_cross_entropy.py:softmax_cross_entropy, from snippets/losses/softmax_cross_entropy.py (python -m sitekit.stamp)
def softmax_cross_entropy(Z, T):
    """mean over the N rows of -sum_k T[n, k] * log softmax(Z[n])_k."""
    Z, T = _check_targets(Z, T)
    shifted, _, S, _ = _shifted_exp(Z)
    # log softmax(z) = z - logsumexp(z) = (z - max) - log(1 + S). No
    # probability is formed, so an underflowed one cannot become log(0);
    # log1p keeps S where 1 + S would round it away.
    # A class with t = 0 adds 0 (the limit of t log p), also at a logit of
    # -inf, where -log p = inf and t * inf would be NaN.
    minus_log_P = np.where(T == 0, 0, np.log1p(S) - shifted)
    # Both terms of -log_P are >= 0: the sum has no cancellation, and a loss
    # that underflows is +0, not -0.
    return np.sum(T * minus_log_P) / Z.shape[0]
# end stamp: losses/softmax_cross_entropy.py:softmax_cross_entropy


# stamp: losses/softmax_cross_entropy.py:softmax_cross_entropy_grad, from snippets/losses/softmax_cross_entropy.py (python -m sitekit.stamp)
def softmax_cross_entropy_grad(Z, T):
    """d loss / dZ = (softmax(Z) - T) / N, for the mean over the batch."""
    Z, T = _check_targets(Z, T)
    _, E, S, top = _shifted_exp(Z)
    # At the max entry p = 1 / (1 + S), so p - t = (1 - t) - S / (1 + S).
    # Forming p first rounds it to 1 once S is below the rounding unit, and
    # with t = 1 the gradient would be 0 instead of -S / (1 + S).
    difference = np.where(top, (1 - T) - S / (1 + S), E / (1 + S) - T)
    return difference / Z.shape[0]
# end stamp: losses/softmax_cross_entropy.py:softmax_cross_entropy_grad
# --8<-- [end:copied]


# --8<-- [start:network]
def init_params(channels, filters, kernel, side, classes, rng):
    """Filters (filters, channels, kernel, kernel) and dense weights
    (filters * (side // 2)**2, classes) from N(0, 2 / fan-in) and N(0, 1 / fan-in); biases 0."""
    # 2 / fan-in for the filters, which feed a ReLU (half its inputs are cut);
    # 1 / fan-in for the dense layer, which feeds the softmax directly.
    fan_in = channels * kernel * kernel
    n_dense = filters * (side // 2) ** 2
    return {
        "W1": rng.standard_normal((filters, channels, kernel, kernel)) * np.sqrt(2 / fan_in),
        "b1": np.zeros(filters),
        "W2": rng.standard_normal((n_dense, classes)) / np.sqrt(n_dense),
        "b2": np.zeros(classes),
    }


def forward(params, X):
    """The logits Z2 (N, classes) for images X (N, channels, side, side), and the caches backward needs."""
    # Padding kernel // 2 keeps the side: a 3 x 3 filter on 8 x 8 gives 8 x 8.
    Z1, conv = conv2d_forward(X, params["W1"], params["b1"], stride=1, padding=params["W1"].shape[2] // 2)
    A1, relu_layer = activation_forward(Z1, relu, relu_grad)
    P1, pool = maxpool2d_forward(A1, 2)
    # The dense layer reads each image's pooled maps as one row.
    Z2, dense = dense_forward(P1.reshape(P1.shape[0], -1), params["W2"], params["b2"])
    return Z2, (conv, relu_layer, pool, P1.shape, dense)


def backward(params, caches, dZ2):
    """The gradient of the loss E for each parameter, a dict keyed like params, from dZ2 = dE/dZ2."""
    conv, relu_layer, pool, pooled_shape, dense = caches
    # The layers undone in reverse order; the reshape is undone by a reshape.
    dP1, dW2, db2 = dense_backward(dZ2, dense)
    dA1 = maxpool2d_backward(dP1.reshape(pooled_shape), pool)
    dZ1 = activation_backward(dA1, relu_layer)
    # dE/dX of the images is not needed: the data is not trained.
    _, dW1, db1 = conv2d_backward(dZ1, conv)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def kink_pattern(params, X):
    """Which ReLU inputs are > 0 and where each pooling window's maximum is:
    a finite difference whose two sides see different patterns crosses a kink."""
    _, (_, (Z1, _), (_, argmax, _, _), _, _) = forward(params, X)
    return np.concatenate([(Z1 > 0).ravel(), argmax.ravel()])
# --8<-- [end:network]


# --8<-- [start:training]
def loss_and_grads(params, X, T):
    """The mean softmax cross-entropy on the batch (X, T) and its gradients; T: class labels (N,)."""
    Z2, caches = forward(params, X)
    loss = softmax_cross_entropy(Z2, T)
    grads = backward(params, caches, softmax_cross_entropy_grad(Z2, T))
    return loss, grads


def predict(params, X):
    """The most likely class for each image: the largest logit (softmax is increasing)."""
    Z2, _ = forward(params, X)
    return Z2.argmax(axis=1)


def train(params, X, T, lr, epochs, batch_size, rng):
    """Minibatch SGD, its step decayed from lr towards 0 along half a cosine.
    Returns the trained params and the mean batch loss of each epoch."""
    epoch_losses = []
    for epoch in range(epochs):
        # A constant step keeps the weights jumping around a minimum, and the
        # test accuracy with them; a step shrinking to 0 lets them settle.
        step = lr * 0.5 * (1 + np.cos(np.pi * epoch / epochs))
        # A new order each epoch, so no batch is always seen in the same company.
        order = rng.permutation(X.shape[0])
        losses = []
        for start in range(0, X.shape[0], batch_size):
            batch = order[start : start + batch_size]
            loss, grads = loss_and_grads(params, X[batch], T[batch])
            params = {name: params[name] - step * grads[name] for name in params}
            losses.append(loss)
        epoch_losses.append(float(np.mean(losses)))
    return params, epoch_losses
# --8<-- [end:training]
