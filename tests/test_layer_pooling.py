"""maxpool2d and avgpool2d, forward and backward (snippets/layers/pooling.py).

Oracles: central differences of E = sum(G * out) in float64 (layer_harness);
jax.vjp of each pooling written here from its definition in jax.numpy, by
gathering each window with index arrays, in float64; and, for ties and
overlapping windows, the stated convention written as Python loops over
windows (the first maximum in row-major order takes the gradient).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import layer_harness as lh

pooling = lh.layer("pooling")
KINDS = {
    "max": (pooling.maxpool2d_forward, pooling.maxpool2d_backward, jnp.max),
    "avg": (pooling.avgpool2d_forward, pooling.avgpool2d_backward, jnp.mean),
}

# (N, C, H, W, kernel_size, stride): stride None (= kernel), a batch of one,
# sizes the stride does not divide (floor), overlapping windows (stride <
# kernel), a stride larger than the kernel, a kernel as large as the input.
CASES = [
    (1, 1, 2, 2, 2, None),
    (2, 3, 4, 6, 2, None),
    (1, 2, 7, 5, 2, None),
    (2, 1, 5, 5, 3, 1),
    (1, 2, 6, 7, 3, 2),
    (3, 2, 7, 8, 2, 3),
    (1, 1, 4, 4, 4, 1),
]
IDS = [f"N{c[0]}C{c[1]}H{c[2]}W{c[3]}k{c[4]}s{c[5]}" for c in CASES]

# float32 against float64: max pooling copies values (exact); average pooling
# adds k*k quotients, each rounded once, so a few eps per output.
F32_BOUND = 16 * np.finfo(np.float32).eps


def data(case, dtype=np.float64):
    N, C, H, W, k, stride = case
    rng = lh.rng_for("pooling", case)
    s = k if stride is None else stride
    x = rng.normal(size=(N, C, H, W))
    G = rng.normal(size=(N, C, (H - k) // s + 1, (W - k) // s + 1))
    return x.astype(dtype), G.astype(dtype), k, stride


def pool_jax(reduce, k, stride):
    """The definition: reduce over the k x k window at (i*s, j*s), by gathering."""
    s = k if stride is None else stride

    def forward(x):
        OH, OW = (x.shape[2] - k) // s + 1, (x.shape[3] - k) // s + 1
        rows = np.arange(OH)[:, None] * s + np.arange(k)[None, :]
        cols = np.arange(OW)[:, None] * s + np.arange(k)[None, :]
        patches = x[:, :, rows[:, None, :, None], cols[None, :, None, :]]  # (N, C, OH, OW, k, k)
        return reduce(patches, axis=(-2, -1))

    return forward


def max_gradient_by_loops(x, G, k, s):
    """The convention, window by window: dout goes to the first maximum in row-major order."""
    dx = np.zeros_like(x)
    N, C, OH, OW = G.shape
    for n, c, i, j in np.ndindex(N, C, OH, OW):
        best = None
        for u in range(k):
            for v in range(k):
                value = x[n, c, i * s + u, j * s + v]
                if best is None or value > best[0]:
                    best = (value, u, v)
        # Overlapping windows may pick the same input: their shares add up.
        dx[n, c, i * s + best[1], j * s + best[2]] += G[n, c, i, j]
    return dx


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_matches_finite_differences(kind, case):
    forward, backward, _ = KINDS[kind]
    x, G, k, stride = data(case)
    out, cache = forward(x, k, stride)
    assert out.shape == G.shape
    (numeric,) = lh.finite_difference_grads(forward, [x], G, kernel_size=k, stride=stride)
    assert lh.relative_error(backward(G, cache), numeric) <= lh.FD_BOUND


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_matches_jax_vjp(kind, case):
    forward, backward, reduce = KINDS[kind]
    x, G, k, stride = data(case)
    out, cache = forward(x, k, stride)
    out_jax, (expected,) = lh.jax_forward_and_vjp(pool_jax(reduce, k, stride), [x], G)
    assert lh.relative_error(out, out_jax) <= lh.JAX_BOUND
    assert lh.relative_error(backward(G, cache), expected) <= lh.JAX_BOUND


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES[1:5], ids=IDS[1:5])
def test_float32_kept_and_close_to_float64(kind, case):
    forward, backward, _ = KINDS[kind]
    x32, G32, k, stride = data(case, np.float32)
    out32, cache32 = forward(x32, k, stride)
    dx32 = backward(G32, cache32)
    assert out32.dtype == np.float32 and dx32.dtype == np.float32
    x, G, _, _ = data(case)
    out, cache = forward(x, k, stride)
    assert lh.relative_error(out32, out) <= F32_BOUND
    assert lh.relative_error(dx32, backward(G, cache)) <= F32_BOUND


def test_stride_defaults_to_the_kernel():
    x, _, _, _ = data(CASES[1])
    for kind, (forward, _, _) in KINDS.items():
        assert np.array_equal(forward(x, 2)[0], forward(x, 2, 2)[0]), kind


@pytest.mark.claim("layers/pooling.md", "with \\(S\\) holding a 1 at each row's chosen maximum and 0 elsewhere,")
@pytest.mark.parametrize("stride", [1, 2])
def test_ties_send_the_gradient_to_the_first_maximum_in_row_major_order(stride):
    # Integers from 0 to 2 on a 6 x 6 grid: almost every 3 x 3 window has a tie at its maximum.
    rng = lh.rng_for("ties", stride)
    x = rng.integers(0, 3, size=(2, 2, 6, 6)).astype(np.float64)
    out, cache = pooling.maxpool2d_forward(x, 3, stride)
    G = rng.normal(size=out.shape)
    windows_with_ties = 0
    for n, c, i, j in np.ndindex(out.shape):
        window = x[n, c, i * stride:i * stride + 3, j * stride:j * stride + 3]
        windows_with_ties += np.count_nonzero(window == window.max()) > 1
    assert windows_with_ties >= out.size // 2
    dx = pooling.maxpool2d_backward(G, cache)
    assert lh.relative_error(dx, max_gradient_by_loops(x, G, 3, stride)) <= lh.JAX_BOUND
    # Each window passes its whole gradient on, to one input.
    assert np.isclose(dx.sum(), G.sum(), rtol=lh.JAX_BOUND)


def test_a_constant_input_sends_every_gradient_to_each_window_top_left():
    out, cache = pooling.maxpool2d_forward(np.ones((1, 1, 3, 3)), 2, 1)
    dx = pooling.maxpool2d_backward(np.ones(out.shape), cache)
    expected = np.zeros((1, 1, 3, 3))
    expected[0, 0, :2, :2] = 1
    assert np.array_equal(dx, expected)


def test_overlapping_windows_add_their_gradients():
    # The centre of a 3 x 3 input is the maximum of all four 2 x 2 windows.
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 5
    G = np.array([[[[1.0, 2.0], [4.0, 8.0]]]])
    for kind, (forward, backward, _) in KINDS.items():
        out, cache = forward(x, 2, 1)
        dx = backward(G, cache)
        # max: the centre takes 1 + 2 + 4 + 8; avg: each window gives each of its inputs a quarter.
        expected = G.sum() if kind == "max" else G.sum() / 4
        assert dx[0, 0, 1, 1] == expected, kind


def test_nan_in_a_window_is_its_maximum():
    x = np.zeros((1, 1, 2, 4))
    x[0, 0, 1, 0] = np.nan
    out, cache = pooling.maxpool2d_forward(x, 2)
    assert np.isnan(out[0, 0, 0, 0]) and out[0, 0, 0, 1] == 0
    dx = pooling.maxpool2d_backward(np.ones(out.shape), cache)
    assert dx[0, 0, 1, 0] == 1 and dx[0, 0, 0, 2] == 1


def test_average_of_large_finite_inputs_does_not_overflow():
    # The sum of four 1e308 overflows; their mean is 1e308.
    for dtype in (np.float64, np.float32):
        big = np.finfo(dtype).max
        out, cache = pooling.avgpool2d_forward(np.full((1, 1, 2, 2), big, dtype=dtype), 2)
        assert out.dtype == dtype
        assert np.isfinite(out).all() and out[0, 0, 0, 0] >= big * (1 - 4 * np.finfo(dtype).eps)


def test_any_layout_and_byte_order_give_the_same_result():
    x, G, k, stride = data(CASES[4])
    for forward, backward, _ in KINDS.values():
        out, cache = forward(x, k, stride)
        dx = backward(G, cache)
        for vx, vG in [(np.asfortranarray(x), np.asfortranarray(G)), (x.astype(">f8"), G.astype(">f8")),
                       (np.repeat(x, 2, axis=2)[:, :, ::2], G.T.copy().T)]:
            v_out, v_cache = forward(vx, k, stride)
            assert np.array_equal(v_out, out)
            assert np.array_equal(backward(vG, v_cache), dx)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("x_shape", "kernel_size", "stride", "expected"),
    [
        ((3, 4, 4), 2, None, r"x must have shape \(N, C, H, W\)"),
        ((1, 3, 4, 4), 0, None, "kernel_size and stride must be integers >= 1"),
        ((1, 3, 4, 4), 2, 0, "kernel_size and stride must be integers >= 1"),
        ((1, 3, 4, 4), 1.5, None, "kernel_size and stride must be integers >= 1"),
        ((1, 3, 4, 2), 3, None, r"x must have H >= 3 and W >= 3"),
    ],
)
def test_bad_shapes_and_arguments_are_refused(kind, x_shape, kernel_size, stride, expected):
    forward = KINDS[kind][0]
    with pytest.raises(ValueError, match=expected):
        forward(np.zeros(x_shape), kernel_size, stride)


@pytest.mark.parametrize("kind", KINDS)
def test_upstream_gradient_of_the_wrong_shape_is_refused(kind):
    forward, backward, _ = KINDS[kind]
    out, cache = forward(np.zeros((2, 3, 4, 4)), 2)
    with pytest.raises(ValueError, match=r"dout must have shape \(2, 3, 2, 2\)"):
        backward(np.zeros((2, 3, 2)), cache)


def test_jax_conventions_stated_on_the_page():
    # pooling.md, Framework conventions: reduce_window's gradient goes to the
    # first tied maximum, as here; jnp.max over the window splits it equally.
    x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    G = np.array([[[[1.0]]]])
    out, cache = pooling.maxpool2d_forward(x, 2)
    def reduce_window(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    (by_reduce_window,) = lh.jax_vjp(reduce_window, [x], G)
    assert np.array_equal(by_reduce_window, pooling.maxpool2d_backward(G, cache))
    (by_jnp_max,) = lh.jax_vjp(pool_jax(jnp.max, 2, None), [x], G)
    assert np.array_equal(by_jnp_max, np.array([[[[0.0, 0.5], [0.5, 0.0]]]]))
