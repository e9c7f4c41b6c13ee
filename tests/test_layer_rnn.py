"""The recurrent layer of snippets/layers/rnn.py (docs/layers/rnn.md).

Oracles, none of which shares code with rnn_backward:
- central differences in float64 of E = sum(G * h), entry by entry;
- jax.vjp of the forward written here in jax.numpy with jax.lax.scan (float64);
- the same forward as a Python loop over steps in jax.numpy, for T = 1 and N = 1.
Also: a single step against dense_backward; float32 kept, and its gradients
near the float64 ones; the page's two mistakes measured; PyTorch's layout
loaded as the page says; bad shapes refused; no warning and finite gradients
for pre-activations of +-1000.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import layer_harness as lh

rnn = lh.layer("rnn")
NAMES = ("x", "h0", "Wx", "Wh", "b")
# (N, T, D, H): odd sizes, a batch of one, a single step, one input feature.
SHAPES = [(2, 3, 4, 5), (1, 4, 3, 2), (3, 1, 2, 3), (1, 1, 1, 1), (4, 5, 1, 3)]
# float32 against float64: every rounding is within eps/2, and the errors of
# the few dozen operations along a path partly cancel; measured below 4 eps
# on these shapes, so 64 eps fails a real loss of precision, not a seed.
FLOAT32_BOUND = 64 * np.finfo(np.float32).eps


def inputs(N, T, D, H, scale=0.5, key=()):
    rng = lh.rng_for("rnn", N, T, D, H, scale, *key)
    arrays = [rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(scale=scale, size=(D, H)),
              rng.normal(scale=scale, size=(H, H)), rng.normal(scale=scale, size=H)]
    return arrays, rng.normal(size=(N, T, H))


def rnn_scan(x, h0, Wx, Wh, b):
    """h_t = tanh(x_t Wx + h_{t-1} Wh + b), scanned over the time axis."""
    def step(h, x_t):
        h = jnp.tanh(x_t @ Wx + h @ Wh + b)
        return h, h
    _, hs = jax.lax.scan(step, h0, jnp.swapaxes(x, 0, 1))
    return jnp.swapaxes(hs, 0, 1)


def rnn_loop(x, h0, Wx, Wh, b):
    """The same as a Python loop, one step at a time."""
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = jnp.tanh(jnp.dot(x[:, t], Wx) + jnp.dot(h, Wh) + b)
        hs.append(h)
    return jnp.stack(hs, axis=1)


def backward(arrays, G):
    _, cache = rnn.rnn_forward(*arrays)
    return rnn.rnn_backward(G, cache)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_gradient_matches_central_differences(shape):
    # Backs the page's "Gradient check" sentence: every gradient within lh.FD_BOUND.
    arrays, G = inputs(*shape)
    numeric = lh.finite_difference_grads(rnn.rnn_forward, arrays, G)
    for name, analytic, reference in zip(NAMES, backward(arrays, G), numeric):
        assert analytic.shape == reference.shape, name
        assert lh.relative_error(analytic, reference) < lh.FD_BOUND, name


@pytest.mark.parametrize("forward_jax", [rnn_scan, rnn_loop])
@pytest.mark.parametrize("shape", SHAPES)
def test_every_gradient_matches_jax_vjp(shape, forward_jax):
    arrays, G = inputs(*shape)
    out, _ = rnn.rnn_forward(*arrays)
    out_jax, references = lh.jax_forward_and_vjp(forward_jax, arrays, G)
    assert lh.relative_error(out, out_jax) < lh.JAX_BOUND
    for name, analytic, reference in zip(NAMES, backward(arrays, G), references):
        assert lh.relative_error(analytic, reference) < lh.JAX_BOUND, name


@pytest.mark.parametrize("shape", SHAPES[:3])
def test_float32_stays_float32_and_is_near_float64(shape):
    arrays, G = inputs(*shape)
    out32, cache32 = rnn.rnn_forward(*[a.astype(np.float32) for a in arrays])
    grads32 = rnn.rnn_backward(G.astype(np.float32), cache32)
    assert out32.dtype == np.float32 and all(g.dtype == np.float32 for g in grads32)
    for name, g32, g64 in zip(NAMES, grads32, backward(arrays, G)):
        assert lh.relative_error(g32, g64) < FLOAT32_BOUND, name


def test_any_layout_and_byte_order_give_the_same_result():
    arrays, G = inputs(2, 3, 4, 5)
    reference = backward(arrays, G)
    # Fortran order, a strided view and big-endian bytes: _as_float copies each.
    odd = [np.asfortranarray(arrays[0]), arrays[1][:, ::-1][:, ::-1], arrays[2].astype(">f8"),
           np.asfortranarray(arrays[3]), arrays[4].astype(">f8")]
    for name, got, want in zip(NAMES, backward(odd, G.astype(">f8")), reference):
        np.testing.assert_array_equal(got, want, err_msg=name)


def bptt(G, cache, through_time=True, accumulate=True):
    """The page's recursion, in einsum over the batch, with either mistake."""
    x, h0, Wx, Wh, h = cache
    grads = [np.zeros_like(x), None, np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(Wh[0])]
    from_later = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        dz = (G[:, t] + from_later) * (1 - h[:, t] ** 2)
        state = h[:, t - 1] if t else h0
        grads[0][:, t] = np.einsum("nk,ik->ni", dz, Wx)
        terms = [np.einsum("ni,nk->ik", x[:, t], dz), np.einsum("nj,nk->jk", state, dz), dz.sum(axis=0)]
        grads[2:] = [s + u for s, u in zip(grads[2:], terms)] if accumulate else terms
        from_later = np.einsum("nk,jk->nj", dz, Wh) if through_time else 0 * from_later
    grads[1] = np.einsum("nk,jk->nj", dz, Wh)
    return grads


def test_the_pages_mistakes_are_far_off_and_spoil_what_it_says():
    """rnn.md, Common mistakes: mistake 1 spoils every gradient; mistake 2
    leaves dx and dh0 right and spoils dWx, dWh, db."""
    arrays, G = inputs(3, 4, 2, 5)
    _, cache = rnn.rnn_forward(*arrays)
    right = rnn.rnn_backward(G, cache)
    for name, got, want in zip(NAMES, bptt(G, cache), right):
        assert lh.relative_error(got, want) < lh.JAX_BOUND, name
    for name, got, want in zip(NAMES, bptt(G, cache, through_time=False), right):
        assert lh.relative_error(got, want) > 0.05, name
    wrong = dict(zip(NAMES, bptt(G, cache, accumulate=False)))
    for name, want in zip(NAMES, right):
        error = lh.relative_error(wrong[name], want)
        assert (error < lh.JAX_BOUND) if name in ("x", "h0") else (error > 0.05), name


def test_t_equals_1_is_dense_backward_on_the_stacked_inputs_and_weights():
    arrays, G = inputs(3, 1, 2, 4)
    x, h0, Wx, Wh, b = arrays
    h, _ = rnn.rnn_forward(*arrays)
    dense = lh.layer("dense")
    _, cache = dense.dense_forward(np.hstack([x[:, 0], h0]), np.vstack([Wx, Wh]), b)
    dX, dW, db_dense = dense.dense_backward(G[:, 0] * (1 - h[:, 0] ** 2), cache)
    dx, dh0, dWx, dWh, db = backward(arrays, G)
    bound = 8 * np.finfo(np.float64).eps
    for got, want in [(dx[:, 0], dX[:, :2]), (dh0, dX[:, 2:]), (dWx, dW[:2]), (dWh, dW[2:]), (db, db_dense)]:
        assert lh.relative_error(got, want) < bound


def test_pytorch_weights_load_transposed_with_the_biases_added():
    """rnn.md, Framework conventions: Wx = weight_ih.T, Wh = weight_hh.T,
    b = bias_ih + bias_hh reproduce PyTorch's documented step."""
    rng = lh.rng_for("torch layout")
    N, T, D, H = 2, 5, 3, 4
    weight_ih, weight_hh, bias_ih, bias_hh = (rng.normal(size=s) for s in [(H, D), (H, H), H, H])
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    step = lambda h, x_t: (jnp.tanh(x_t @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh),) * 2  # noqa: E731
    torch_h = jnp.swapaxes(jax.lax.scan(step, h0, jnp.swapaxes(x, 0, 1))[1], 0, 1)
    h, _ = rnn.rnn_forward(x, h0, weight_ih.T, weight_hh.T, bias_ih + bias_hh)
    assert lh.relative_error(h, torch_h) < lh.JAX_BOUND


@pytest.mark.parametrize("scale", [1e3, -1e3])
def test_saturated_steps_stay_finite_and_raise_no_warning(scale):
    arrays, G = inputs(2, 3, 2, 3)
    # Pre-activations near +-1000: tanh is +-1, and its derivative 0.
    arrays[4] = np.full(3, scale)
    with np.errstate(all="raise"):
        h, cache = rnn.rnn_forward(*arrays)
        grads = rnn.rnn_backward(G, cache)
    np.testing.assert_array_equal(h, np.sign(scale))
    for name, grad in zip(NAMES, grads):
        assert np.all(np.isfinite(grad)), name
    # The saturated steps pass nothing back: tanh'(1000) is exactly 0.
    np.testing.assert_array_equal(grads[1], 0.0)


@pytest.mark.parametrize("position, bad, expected", [
    (0, (2, 3), "(N, T, D)"), (0, (2, 0, 4), "T >= 1"), (1, (5,), "(2, H)"), (1, (3, 5), "(2, H)"),
    (2, (5, 4), "(4, 5)"), (3, (5, 4), "(5, 5)"), (4, (2, 5), "(5,)"), (4, (1,), "(5,)"),
])
def test_bad_shapes_are_refused_naming_the_expected_shape(position, bad, expected):
    arrays, _ = inputs(2, 3, 4, 5)
    arrays[position] = np.zeros(bad)
    with pytest.raises(ValueError, match=NAMES[position]) as error:
        rnn.rnn_forward(*arrays)
    assert expected in str(error.value)


def test_a_dout_of_the_wrong_shape_is_refused():
    arrays, G = inputs(2, 3, 4, 5)
    _, cache = rnn.rnn_forward(*arrays)
    with pytest.raises(ValueError, match=r"dout must have shape \(2, 3, 5\)"):
        rnn.rnn_backward(G[:, :, :4], cache)
