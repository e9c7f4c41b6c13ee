# LSTM layer over a sequence, gate columns in PyTorch's order (i, f, g, o),
# cell state c_0 = 0: forward over time, backward through time, for a batch.
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


# stamp: layers/rnn.py:_check_recurrent_shapes, from snippets/layers/rnn.py (python -m sitekit.stamp)
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
# end stamp: layers/rnn.py:_check_recurrent_shapes


def _sigmoid(a):
    """1 / (1 + exp(-a)) as exp(-log(1 + exp(-a))): no overflow for a = -1000."""
    # exp(-1000) rounds to 0, the nearest float: an underflow that is the right answer.
    with np.errstate(under="ignore"):
        return np.exp(-np.logaddexp(0, -a))


def lstm_forward(x, h0, Wx, Wh, b):
    """All hidden states h (N, T, H) of an LSTM with c_0 = 0, and the cache
    lstm_backward needs. Columns of Wx, Wh, b: gates i, f, g, o, H each."""
    x, h0, Wx, Wh, b = (_as_float(a) for a in (x, h0, Wx, Wh, b))
    _check_recurrent_shapes(x, h0, Wx, Wh, b, gates=4)
    N, T, _ = x.shape
    H = h0.shape[1]
    dtype = np.result_type(x, h0, Wx, Wh, b)
    gates = np.empty((N, T, 4 * H), dtype=dtype)
    c, tanh_c, h = (np.empty((N, T, H), dtype=dtype) for _ in range(3))
    h_prev, c_prev = h0, np.zeros_like(h0, dtype=dtype)
    for t in range(T):
        a = x[:, t] @ Wx + h_prev @ Wh + b
        i, f, o = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H]), _sigmoid(a[:, 3 * H:])
        g = np.tanh(a[:, 2 * H:3 * H])
        c_prev = f * c_prev + i * g
        tanh_c[:, t] = np.tanh(c_prev)
        h_prev = o * tanh_c[:, t]
        gates[:, t], c[:, t], h[:, t] = np.concatenate([i, f, g, o], axis=1), c_prev, h_prev
    # Each gate's derivative comes from its output, so the pre-activations are not kept.
    cache = (x, h0, Wx, Wh, gates, c, tanh_c, h)
    return h, cache
# --8<-- [end:forward]


# --8<-- [start:backward]
def lstm_backward(dout, cache):
    """From the upstream gradient dout = dE/dh (N, T, H) of every output:
    dE/dx (N, T, D), dE/dh0 (N, H), dE/dWx, dE/dWh, dE/db."""
    x, h0, Wx, Wh, gates, c, tanh_c, h = cache
    dout = _as_float(dout)
    if dout.shape != h.shape:
        raise ValueError(f"dout must have shape {h.shape} like the hidden states, got {dout.shape}")
    dtype = np.result_type(dout, h)
    dx = np.empty(x.shape, dtype=dtype)
    dWx, dWh = np.zeros(Wx.shape, dtype=dtype), np.zeros(Wh.shape, dtype=dtype)
    db = np.zeros(Wx.shape[1], dtype=dtype)
    # Nothing comes back into the last step from a later one.
    dh_next, dc_next = np.zeros(h0.shape, dtype=dtype), np.zeros(h0.shape, dtype=dtype)
    for t in reversed(range(x.shape[1])):
        i, f, g, o = np.split(gates[:, t], 4, axis=1)
        # h_t is an output and the input of step t+1: both paths add up.
        dh = dout[:, t] + dh_next
        # c_t reaches E through h_t and through c_{t+1} = f_{t+1} * c_t + ...
        dc = dc_next + dh * o * (1 - tanh_c[:, t] ** 2)
        c_prev = c[:, t - 1] if t > 0 else np.zeros_like(dc)
        h_prev = h[:, t - 1] if t > 0 else h0
        # Through each gate's nonlinearity, from its output: sigma' = s(1 - s), tanh' = 1 - g**2.
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                             dc * i * (1 - g ** 2), dh * tanh_c[:, t] * o * (1 - o)], axis=1)
        dx[:, t] = da @ Wx.T
        # Every step uses the same weights, so their gradients add up over t.
        dWx += x[:, t].T @ da
        dWh += h_prev.T @ da
        db += da.sum(axis=0)
        dh_next, dc_next = da @ Wh.T, dc * f
    # What step 1 sends back into its input state is dE/dh0.
    return dx, dh_next, dWx, dWh, db
# --8<-- [end:backward]
