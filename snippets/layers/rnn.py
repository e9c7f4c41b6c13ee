# Recurrent layer h_t = tanh(x_t Wx + h_{t-1} Wh + b) over a sequence:
# forward over time, backward through time (BPTT), for a batch.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:forward]
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


def _check_recurrent_shapes(x, h0, Wx, Wh, b, gates=1):
    """Raise ValueError naming the expected shape unless x (N, T, D), h0 (N, H),
    Wx (D, gates*H), Wh (H, gates*H) and b (gates*H,) fit together."""
    # Broadcasting would accept an h0 of shape (H,) or (1, H) and a bias of
    # shape (N, H): each runs, and returns a gradient of the wrong shape.
    if x.ndim != 3:
        raise ValueError(f"x must have shape (N, T, D), one sequence per row, got {x.shape}")
    N, T, D = x.shape
    if T == 0:
        raise ValueError(f"x must have at least one time step, shape (N, T, D) with T >= 1, got {x.shape}")
    if h0.ndim != 2 or h0.shape[0] != N:
        raise ValueError(f"h0 must have shape ({N}, H) to match x with {N} sequences, got {h0.shape}")
    H = h0.shape[1]
    width = "H" if gates == 1 else f"{gates}H"
    for name, array, expected in [("Wx", Wx, (D, gates * H)), ("Wh", Wh, (H, gates * H)), ("b", b, (gates * H,))]:
        if array.shape != expected:
            raise ValueError(f"{name} must have shape {expected} ({width} columns, H = {H} from h0), got {array.shape}")


def rnn_forward(x, h0, Wx, Wh, b):
    """All hidden states h (N, T, H), h_t = tanh(x_t Wx + h_{t-1} Wh + b),
    and the cache rnn_backward needs."""
    x, h0, Wx, Wh, b = (_as_float(a) for a in (x, h0, Wx, Wh, b))
    _check_recurrent_shapes(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    h = np.empty((N, T, h0.shape[1]), dtype=np.result_type(x, h0, Wx, Wh, b))
    h_prev = h0
    for t in range(T):
        h_prev = np.tanh(x[:, t] @ Wx + h_prev @ Wh + b)
        h[:, t] = h_prev
    # tanh' = 1 - h**2 comes from the output, so the pre-activations are not kept.
    cache = (x, h0, Wx, Wh, h)
    return h, cache
# --8<-- [end:forward]


# --8<-- [start:backward]
def rnn_backward(dout, cache):
    """From the upstream gradient dout = dE/dh (N, T, H) of every output:
    dE/dx (N, T, D), dE/dh0 (N, H), dE/dWx, dE/dWh, dE/db."""
    x, h0, Wx, Wh, h = cache
    dout = _as_float(dout)
    if dout.shape != h.shape:
        raise ValueError(f"dout must have shape {h.shape} like the hidden states, got {dout.shape}")
    dtype = np.result_type(dout, h)
    dx = np.empty(x.shape, dtype=dtype)
    dWx, dWh = np.zeros(Wx.shape, dtype=dtype), np.zeros(Wh.shape, dtype=dtype)
    db = np.zeros(Wx.shape[1], dtype=dtype)
    # Nothing comes back into the last step from a later one.
    dh_next = np.zeros(h0.shape, dtype=dtype)
    for t in reversed(range(x.shape[1])):
        # h_t is an output and the input of step t+1: both paths add up.
        dh = dout[:, t] + dh_next
        dz = dh * (1 - h[:, t] ** 2)
        h_prev = h[:, t - 1] if t > 0 else h0
        dx[:, t] = dz @ Wx.T
        # Every step uses the same weights, so their gradients add up over t.
        dWx += x[:, t].T @ dz
        dWh += h_prev.T @ dz
        db += dz.sum(axis=0)
        dh_next = dz @ Wh.T
    # What step 1 sends back into its input state is dE/dh0.
    return dx, dh_next, dWx, dWh, db
# --8<-- [end:backward]
