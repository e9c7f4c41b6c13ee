# 2-D max and average pooling (as PyTorch's max_pool2d, avg_pool2d): forward and backward for a batch.
# Standalone: NumPy only, so each block can be pasted on its own.

# --8<-- [start:windows]
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


def _check_dout(dout, out_shape):
    """dout as float, refused unless it has the output's shape (N, C, OH, OW)."""
    dout = _as_float(dout)
    if dout.shape != out_shape:
        raise ValueError(f"dout must have shape {out_shape} like out, got {dout.shape}")
    return dout
# --8<-- [end:windows]


# --8<-- [start:maxpool_forward]
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
# --8<-- [end:maxpool_forward]


# --8<-- [start:maxpool_backward]
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
# --8<-- [end:maxpool_backward]


# --8<-- [start:avgpool_forward]
def avgpool2d_forward(x, kernel_size, stride=None):
    """out[n, c, i, j] = mean of the k x k window of x[n, c] at (i*stride, j*stride); stride defaults to k."""
    x, windows, stride = _pool_windows(x, kernel_size, stride)
    k = windows.shape[-1]
    # Divide before adding: the sum of k*k large entries can overflow where their mean does not.
    out = (windows / (k * k)).sum(axis=(-2, -1))
    cache = (x.shape, windows.shape, stride)
    return out, cache
# --8<-- [end:avgpool_forward]


# --8<-- [start:avgpool_backward]
def avgpool2d_backward(dout, cache):
    """From dout = dE/dout (N, C, OH, OW): dE/dx (N, C, H, W), each dout entry shared by its k*k inputs."""
    x_shape, windows_shape, stride = cache
    dout = _check_dout(dout, windows_shape[:4])
    N, C, OH, OW, k, _ = windows_shape
    dx = np.zeros(x_shape, dtype=dout.dtype)
    share = dout / (k * k)
    for u in range(k):
        for v in range(k):
            dx[:, :, u:u + stride * OH:stride, v:v + stride * OW:stride] += share
    return dx
# --8<-- [end:avgpool_backward]
