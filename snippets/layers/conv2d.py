# 2-D convolution (cross-correlation, as PyTorch's conv2d): forward and backward for a batch.
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


def _conv2d_windows(xp, KH, KW, stride):
    """Every KH x KW window of the padded batch xp, as a view (N, C, OH, OW, KH, KW)."""
    # A view, not a copy: im2col without the memory of im2col.
    windows = np.lib.stride_tricks.sliding_window_view(xp, (KH, KW), axis=(2, 3))
    # Every stride-th window; rows and columns left over at the far edge are dropped (floor).
    return windows[:, :, ::stride, ::stride]


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
# --8<-- [end:forward]


# --8<-- [start:backward]
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
# --8<-- [end:backward]
