# Activation layers that keep their output for the backward pass instead of
# their input (compare activation.py, which keeps X).
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:sigmoid]
import numpy as np


def sigmoid_layer_forward(X):
    """Y = sigmoid(X); the cache is Y itself, since sigmoid' = Y (1 - Y)."""
    # exp of -|X| only: no overflow for X far below 0.
    E = np.exp(-np.abs(X))
    Y = np.where(X >= 0, 1 / (1 + E), E / (1 + E))
    return Y, Y


def sigmoid_layer_backward(G, Y):
    """dE/dX = G * Y * (1 - Y), from G = dE/dY and the output Y."""
    return G * Y * (1 - Y)
# --8<-- [end:sigmoid]


# --8<-- [start:tanh]
def tanh_layer_forward(X):
    """Y = tanh(X); the cache is Y itself, since tanh' = 1 - Y**2."""
    Y = np.tanh(X)
    return Y, Y


def tanh_layer_backward(G, Y):
    """dE/dX = G * (1 - Y**2), from G = dE/dY and the output Y."""
    return G * (1 - Y * Y)
# --8<-- [end:tanh]


# --8<-- [start:relu]
def relu_layer_forward(X):
    """Y = max(X, 0); the cache is Y itself, since Y > 0 exactly where X > 0."""
    Y = np.maximum(X, 0.0)
    return Y, Y


def relu_layer_backward(G, Y):
    """dE/dX = G where Y > 0, else 0 (the subgradient 0 at X = 0, as PyTorch and JAX)."""
    return np.where(Y > 0, G, 0.0)
# --8<-- [end:relu]
