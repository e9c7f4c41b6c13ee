"""conv2d_forward and conv2d_backward (snippets/layers/conv2d.py).

Oracles: central differences of E = sum(G * out) in float64, entry by entry
(layer_harness); jax.vjp of the convolution written here from its definition in
jax.numpy, by gathering each window with index arrays (no sliding windows, no
kernel-offset loop), in float64; and jax.lax.conv_general_dilated, XLA's own
convolution, for the forward values and PyTorch's floor rule for output sizes.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import layer_harness as lh

conv2d = lh.layer("conv2d")

# (N, C, H, W, F, KH, KW, stride, padding): a batch of one, one channel, 1 x 1
# and full-size kernels, non-square kernels and inputs, strides and paddings
# that do not divide H + 2*padding - KH (the far rows are then dropped, floor),
# stride larger than the kernel (inputs no window reads).
SHAPES = [
    (1, 1, 3, 3, 1, 1, 1, 1, 0),
    (1, 1, 4, 4, 1, 4, 4, 1, 0),
    (2, 3, 5, 5, 4, 3, 3, 1, 1),
    (1, 2, 7, 6, 3, 3, 2, 2, 0),
    (3, 2, 6, 7, 2, 2, 3, 3, 2),
    (2, 1, 8, 5, 2, 3, 3, 2, 1),
    (1, 3, 5, 9, 2, 1, 2, 4, 0),
    (2, 2, 3, 4, 3, 5, 5, 2, 2),
]
IDS = [f"N{s[0]}C{s[1]}H{s[2]}W{s[3]}F{s[4]}k{s[5]}x{s[6]}s{s[7]}p{s[8]}" for s in SHAPES]

# float32 against float64: each output sums C*KH*KW products and each weight
# gradient N*OH*OW; with random signs the rounding errors grow like the square
# root of those counts (at most 12 here), times a few eps for the products.
F32_BOUND = 64 * np.finfo(np.float32).eps


def inputs(shape, dtype=np.float64):
    N, C, H, W, F, KH, KW, stride, padding = shape
    rng = lh.rng_for("conv2d", shape)
    x, w, b = rng.normal(size=(N, C, H, W)), rng.normal(size=(F, C, KH, KW)), rng.normal(size=F)
    out_shape = (N, F, (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1)
    G = rng.normal(size=out_shape)
    return [a.astype(dtype) for a in (x, w, b, G)], stride, padding


def conv2d_jax(stride, padding):
    """The definition, out[n, f, i, j] = sum_{c,u,v} xp[n, c, i*s + u, j*s + v] * w[f, c, u, v] + b[f]."""

    def forward(x, w, b):
        xp = jnp.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        KH, KW = w.shape[2:]
        OH = (xp.shape[2] - KH) // stride + 1
        OW = (xp.shape[3] - KW) // stride + 1
        rows = np.arange(OH)[:, None] * stride + np.arange(KH)[None, :]  # (OH, KH)
        cols = np.arange(OW)[:, None] * stride + np.arange(KW)[None, :]  # (OW, KW)
        patches = xp[:, :, rows[:, None, :, None], cols[None, :, None, :]]  # (N, C, OH, OW, KH, KW)
        return jnp.einsum("ncijuv,fcuv->nfij", patches, w) + b[:, None, None]

    return forward


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_gradients_match_finite_differences(shape):
    (x, w, b, G), stride, padding = inputs(shape)
    out, cache = conv2d.conv2d_forward(x, w, b, stride, padding)
    assert out.shape == G.shape
    analytic = conv2d.conv2d_backward(G, cache)
    numeric = lh.finite_difference_grads(conv2d.conv2d_forward, [x, w, b], G, stride=stride, padding=padding)
    for name, a, n in zip(("dx", "dw", "db"), analytic, numeric):
        assert lh.relative_error(a, n) <= lh.FD_BOUND, name


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_gradients_match_jax_vjp(shape):
    (x, w, b, G), stride, padding = inputs(shape)
    out, cache = conv2d.conv2d_forward(x, w, b, stride, padding)
    out_jax, expected = lh.jax_forward_and_vjp(conv2d_jax(stride, padding), [x, w, b], G)
    assert lh.relative_error(out, out_jax) <= lh.JAX_BOUND
    for name, a, e in zip(("dx", "dw", "db"), conv2d.conv2d_backward(G, cache), expected):
        assert lh.relative_error(a, e) <= lh.JAX_BOUND, name


def xla_conv2d(x, w, b, stride, padding):
    """XLA's convolution, plus the bias."""
    return jax.lax.conv_general_dilated(
        x, w, (stride, stride), [(padding, padding)] * 2,
        dimension_numbers=("NCHW", "OIHW", "NCHW"), precision="highest") + b[:, None, None]


compiled_xla_conv2d = lh.compiled(xla_conv2d, static_argnames=("stride", "padding"))


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_forward_matches_xla_convolution_and_floor_sizes(shape):
    (x, w, b, _), stride, padding = inputs(shape)
    out, _ = conv2d.conv2d_forward(x, w, b, stride, padding)
    expected = np.asarray(compiled_xla_conv2d(x, w, b, stride=stride, padding=padding))
    # XLA sizes its output as PyTorch does: floor((H + 2p - KH) / s) + 1.
    assert out.shape == expected.shape
    assert lh.relative_error(out, expected) <= lh.JAX_BOUND


@pytest.mark.claim("layers/conv2d.md", "are read by no window, and their gradient is 0.")
def test_inputs_no_window_reads_get_zero_gradient():
    # H + 2p - KH = 7 - 3 = 4 with stride 3: rows 6 and the last column are past every window.
    (x, w, b, G), stride, padding = inputs((1, 2, 7, 7, 2, 3, 3, 3, 0))
    out, cache = conv2d.conv2d_forward(x, w, b, stride, padding)
    dx, _, _ = conv2d.conv2d_backward(G, cache)
    assert out.shape == (1, 2, 2, 2)
    assert np.all(dx[:, :, 6, :] == 0) and np.all(dx[:, :, :, 6] == 0)
    assert np.all(dx[:, :, :6, :6] != 0)


@pytest.mark.parametrize("shape", SHAPES[2:5], ids=IDS[2:5])
def test_float32_kept_and_close_to_float64(shape):
    (x, w, b, G), stride, padding = inputs(shape, np.float32)
    out, cache = conv2d.conv2d_forward(x, w, b, stride, padding)
    grads = conv2d.conv2d_backward(G, cache)
    assert out.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
    (x64, w64, b64, G64), _, _ = inputs(shape)
    out64, cache64 = conv2d.conv2d_forward(x64, w64, b64, stride, padding)
    assert lh.relative_error(out, out64) <= F32_BOUND
    for name, g32, g64 in zip(("dx", "dw", "db"), grads, conv2d.conv2d_backward(G64, cache64)):
        assert lh.relative_error(g32, g64) <= F32_BOUND, name


def test_any_layout_and_byte_order_give_the_same_result():
    (x, w, b, G), stride, padding = inputs(SHAPES[3])
    out, cache = conv2d.conv2d_forward(x, w, b, stride, padding)
    grads = conv2d.conv2d_backward(G, cache)
    variants = [
        (np.asfortranarray(x), np.asfortranarray(w), b, np.asfortranarray(G)),
        (x.astype(">f8"), w.astype(">f8"), b.astype(">f8"), G.astype(">f8")),
        (np.repeat(x, 2, axis=3)[..., ::2], w[:, :, ::-1][:, :, ::-1], b[::-1][::-1], G.T.copy().T),
    ]
    for vx, vw, vb, vG in variants:
        v_out, v_cache = conv2d.conv2d_forward(vx, vw, vb, stride, padding)
        assert np.array_equal(v_out, out)
        for g, v in zip(grads, conv2d.conv2d_backward(vG, v_cache)):
            assert np.array_equal(g, v)


def test_integer_input_becomes_float64():
    x = np.arange(16).reshape(1, 1, 4, 4)
    out, cache = conv2d.conv2d_forward(x, np.ones((1, 1, 2, 2), dtype=int), np.zeros(1, dtype=int))
    assert out.dtype == np.float64
    # Window (0, 0) holds 0, 1, 4, 5.
    assert out[0, 0, 0, 0] == 10


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "b_shape", "stride", "padding", "expected"),
    [
        ((3, 4, 4), (1, 3, 2, 2), (1,), 1, 0, r"x must have shape \(N, C, H, W\)"),
        ((1, 3, 4, 4), (1, 2, 2, 2), (1,), 1, 0, r"w must have shape \(F, 3, KH, KW\)"),
        ((1, 3, 4, 4), (3, 2, 2), (1,), 1, 0, r"w must have shape \(F, 3, KH, KW\)"),
        ((1, 3, 4, 4), (2, 3, 2, 2), (1,), 1, 0, r"b must have shape \(2,\)"),
        ((1, 3, 4, 4), (2, 3, 2, 2), (1, 2), 1, 0, r"b must have shape \(2,\)"),
        ((1, 3, 4, 4), (2, 3, 2, 2), (2,), 0, 0, "stride must be an integer >= 1"),
        ((1, 3, 4, 4), (2, 3, 2, 2), (2,), 1.5, 0, "stride must be an integer >= 1"),
        ((1, 3, 4, 4), (2, 3, 2, 2), (2,), 1, -1, "padding one >= 0"),
        ((1, 3, 4, 4), (2, 3, 6, 2), (2,), 1, 0, r"H \+ 2\*padding >= 6"),
    ],
)
def test_bad_shapes_and_arguments_are_refused(x_shape, w_shape, b_shape, stride, padding, expected):
    with pytest.raises(ValueError, match=expected):
        conv2d.conv2d_forward(np.zeros(x_shape), np.zeros(w_shape), np.zeros(b_shape), stride, padding)


def test_kernel_fits_once_padded():
    out, _ = conv2d.conv2d_forward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), np.zeros(1), 1, 1)
    assert out.shape == (1, 1, 1, 1) and out[0, 0, 0, 0] == 4


def test_upstream_gradient_of_the_wrong_shape_is_refused():
    (x, w, b, G), stride, padding = inputs(SHAPES[2])
    _, cache = conv2d.conv2d_forward(x, w, b, stride, padding)
    with pytest.raises(ValueError, match=rf"dout must have shape \({G.shape[0]}, {G.shape[1]}, "):
        conv2d.conv2d_backward(G[:, :, 1:], cache)


def test_large_finite_inputs_stay_finite():
    # Entries 2**500 give products 2**1000 (near 1e301, exact in float64):
    # summed with alternating signs they cancel exactly, and nothing overflows.
    x = np.full((1, 1, 3, 3), 2.0**500)
    w = np.array([[[[2.0**500, -(2.0**500)], [2.0**500, -(2.0**500)]]]])
    out, cache = conv2d.conv2d_forward(x, w, np.zeros(1))
    dx, dw, db = conv2d.conv2d_backward(np.ones(out.shape), cache)
    assert np.all(out == 0) and np.all(np.isfinite(dx)) and np.all(np.isfinite(dw))
