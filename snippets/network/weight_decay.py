# L2 regularisation of a dense layer Y = X @ W + b: the penalty (lam / 2) * ||W||^2, its
# gradient added to the layer's, the weight-decay form of the update, and Adam with L2 or
# with decoupled weight decay (AdamW). Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:penalty]
import numpy as np


def l2_penalty(W, lam):
    """(lam / 2) * ||W||^2: half lam times the sum of the squares of the weights."""
    return 0.5 * lam * np.sum(W * W)


def dense_backward_l2(G, X, W, lam):
    """dE/dX, dE/dW, dE/db of Y = X @ W + b, from G = dE/dY, with l2_penalty(W, lam) added to E."""
    dX = G @ W.T
    dW = X.T @ G + lam * W
    # The bias is not in the penalty, so its gradient is the data's alone.
    db = G.sum(axis=0)
    return dX, dW, db
# --8<-- [end:penalty]


# --8<-- [start:decay]
import numpy as np


def sgd_step_weight_decay(W, dW_data, lr, lam):
    """W - lr * (dW_data + lam * W), written as weight decay: shrink W, then step."""
    return (1.0 - lr * lam) * W - lr * dW_data
# --8<-- [end:decay]


# --8<-- [start:adam]
import numpy as np


def adam_step(w, grad, state, lr, lam, decoupled, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step on w from the data gradient grad; state = (m, v, t), start (0, 0, 0).
    decoupled=False adds lam * w to grad (L2, as torch.optim.Adam's weight_decay);
    decoupled=True shrinks w by lr * lam * w outside the adaptive step (torch.optim.AdamW)."""
    m, v, t = state
    if not decoupled:
        grad = grad + lam * w
    t += 1
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    if decoupled:
        w = w - lr * lam * w
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, (m, v, t)
# --8<-- [end:adam]
