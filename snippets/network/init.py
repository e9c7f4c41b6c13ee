# Weight initialisation for a dense layer with J = fan_in inputs and K = fan_out outputs,
# W of shape (J, K), and the bias-free deep network the Initialisation page measures them on.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:init]
import numpy as np


def glorot_uniform(fan_in, fan_out, rng):
    """W uniform on [-s, s], s = sqrt(6 / (J + K)), so that Var(w) = s^2 / 3 = 2 / (J + K)."""
    s = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-s, s, size=(fan_in, fan_out))


def glorot_normal(fan_in, fan_out, rng):
    """W normal with mean 0 and Var(w) = 2 / (J + K)."""
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    """W normal with mean 0 and Var(w) = 2 / J: for ReLU layers."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
# --8<-- [end:init]


# --8<-- [start:deep]
import numpy as np


def deep_forward(X, weights, g):
    """Pre-activations Z and activations A of a stack of bias-free dense layers, A = g(A_prev @ W)."""
    Zs, As = [], [X]
    for W in weights:
        Zs.append(As[-1] @ W)
        As.append(g(Zs[-1]))
    return Zs, As


def deep_backward(G, weights, Zs, As, g_grad):
    """dE/dW of every layer, first layer first, from G = dE/dA of the last layer."""
    grads = []
    for W, Z, A_in in zip(reversed(weights), reversed(Zs), reversed(As[:-1])):
        delta = G * g_grad(Z)
        grads.append(A_in.T @ delta)
        G = delta @ W.T
    return grads[::-1]
# --8<-- [end:deep]


# --8<-- [start:experiment]
ACTIVATIONS = {
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "ReLU": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
}
SCHEMES = {
    "std 0.01": lambda J, K, rng: rng.normal(0.0, 0.01, size=(J, K)),
    "std 1": lambda J, K, rng: rng.normal(0.0, 1.0, size=(J, K)),
    "Glorot": glorot_normal,
    "He": he_normal,
    # A common slip: NumPy's normal takes the standard deviation, not the variance.
    "He, variance 2/J passed as the std": lambda J, K, rng: rng.normal(0.0, 2.0 / J, size=(J, K)),
}


def depth_profile(activation, scheme, width=256, depth=50, batch=64, seed=50):
    """Std of the activations after 0..depth layers, and the norm of each layer's dE/dW,
    for a normal random batch X and a normal random G = dE/dA of the last layer."""
    g, g_grad = ACTIVATIONS[activation]
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, width))
    weights = [SCHEMES[scheme](width, width, rng) for _ in range(depth)]
    Zs, As = deep_forward(X, weights, g)
    grads = deep_backward(rng.normal(size=As[-1].shape), weights, Zs, As, g_grad)
    return [float(A.std()) for A in As], [float(np.linalg.norm(dW)) for dW in grads]
# --8<-- [end:experiment]
