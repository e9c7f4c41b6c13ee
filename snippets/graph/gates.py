# The gates of a computational graph, each forward next to its backward.
# A forward returns its output q and what the backward needs; a backward takes
# the upstream gradient dq = dE/dq and returns the gradients of the inputs.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:add]
def add_forward(u, v):
    """q = u + v."""
    return u + v, None


def add_backward(dq, cache):
    """Add distributes: each input gets dE/dq unchanged."""
    return dq, dq
# --8<-- [end:add]


# --8<-- [start:multiply]
def multiply_forward(u, v):
    """q = u * v."""
    return u * v, (u, v)


def multiply_backward(dq, cache):
    """Multiply swaps: each input gets dE/dq times the other input."""
    u, v = cache
    return dq * v, dq * u
# --8<-- [end:multiply]


# --8<-- [start:max]
import numpy as np


def max_forward(u, v):
    """q = max(u, v), entry by entry."""
    return np.maximum(u, v), (u, v)


def max_backward(dq, cache):
    """Max routes dE/dq to the larger input; at a tie u = v, half to each."""
    u, v = cache
    # At a tie any split that sums to 1 is a subgradient; halves do not
    # depend on the order of u and v, and are what torch.maximum returns.
    to_u = np.where(u > v, 1.0, np.where(u < v, 0.0, 0.5))
    return dq * to_u, dq * (1 - to_u)
# --8<-- [end:max]


# --8<-- [start:fork]
def fork_example(u, v):
    """E = (u + v) * (u * v) and its gradient: u and v each feed two gates."""
    s, s_cache = add_forward(u, v)
    m, m_cache = multiply_forward(u, v)
    E, E_cache = multiply_forward(s, m)
    ds, dm = multiply_backward(1.0, E_cache)
    du_from_s, dv_from_s = add_backward(ds, s_cache)
    du_from_m, dv_from_m = multiply_backward(dm, m_cache)
    # A value used twice gets a gradient from each use: they add up.
    return E, du_from_s + du_from_m, dv_from_s + dv_from_m
# --8<-- [end:fork]
