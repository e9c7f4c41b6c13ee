# A staged worked example: E(u, v) = (u + sigma(v)) / (sigma(u) + (u + v)^2),
# one gate per line forward, and the same lines in reverse backward.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
import numpy as np


def logistic(x):
    """sigma(x) = 1 / (1 + e^-x), the logistic function."""
    return 1 / (1 + np.exp(-x))


def staged_forward(u, v):
    """E = (u + sigma(v)) / (sigma(u) + (u + v)**2), one gate per line."""
    q1 = logistic(v)
    q2 = u + q1
    q3 = logistic(u)
    q4 = u + v
    q5 = q4**2
    q6 = q3 + q5
    q7 = 1 / q6
    E = q2 * q7
    # The backward pass reads these instead of computing them again.
    return E, (u, v, q1, q2, q3, q4, q5, q6, q7)
# --8<-- [end:forward]


# --8<-- [start:backward]
def staged_backward(cache):
    """dE/dE = 1, then dE/d(every stored value), from E back to u and v."""
    u, v, q1, q2, q3, q4, q5, q6, q7 = cache
    dE = 1.0
    dq2, dq7 = q7 * dE, q2 * dE  # multiply swaps
    dq6 = -1 / q6**2 * dq7
    dq3, dq5 = dq6, dq6  # add distributes
    dq4 = 2 * q4 * dq5
    dq1 = dq2
    # u feeds q2, q3 and q4, and v feeds q1 and q4: a fork sums its uses.
    du = dq2 + q3 * (1 - q3) * dq3 + dq4
    dv = q1 * (1 - q1) * dq1 + dq4
    return dict(E=dE, q7=dq7, q6=dq6, q5=dq5, q4=dq4, q3=dq3, q2=dq2, q1=dq1, u=du, v=dv)
# --8<-- [end:backward]
