"""The LSTM layer of snippets/layers/lstm.py (docs/layers/lstm.md).

Oracles, none of which shares code with lstm_backward:
- central differences in float64 of E = sum(G * h), entry by entry;
- jax.vjp (float64) of the forward written here in jax.numpy, with
  jax.nn.sigmoid and the gates sliced in PyTorch's order (i, f, g, o), both as
  jax.lax.scan over time and as a Python loop (T = 1 and N = 1 among the shapes);
- PyTorch's documented equations, with its (4H, D) layout and two biases.
Also: float32 kept, and near float64; the cell-state path and the gate order
measured as the page's mistakes; bad shapes refused; pre-activations of
+-1000 give no warning and finite gradients.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import layer_harness as lh

lstm = lh.layer("lstm")
GRAD_NAMES = ("dx", "dh0", "dWx", "dWh", "db")
# (N, T, D, H) with H the width of one gate.
CASES = {"general": (2, 3, 4, 3), "batch of one": (1, 4, 2, 2), "one step": (3, 1, 3, 2),
         "one of everything": (1, 1, 1, 1), "one feature, long": (2, 6, 1, 2)}
# float32 against float64: every rounding is within eps/2, and the errors of
# the few dozen operations along a path partly cancel; measured below 4 eps
# on these shapes, so 64 eps fails a real loss of precision, not a seed.
F32_BOUND = 64 * np.finfo(np.float32).eps


def case(name, weight_scale=0.5):
    N, T, D, H = CASES[name]
    rng = lh.rng_for("lstm", name, weight_scale)
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    Wx, Wh = rng.normal(scale=weight_scale, size=(D, 4 * H)), rng.normal(scale=weight_scale, size=(H, 4 * H))
    b = rng.normal(scale=weight_scale, size=4 * H)
    return [x, h0, Wx, Wh, b], rng.normal(size=(N, T, H))


def lstm_step(carry, x_t, Wx, Wh, b):
    h, c = carry
    i, f, g, o = jnp.split(x_t @ Wx + h @ Wh + b, 4, axis=-1)
    c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
    h = jax.nn.sigmoid(o) * jnp.tanh(c)
    return (h, c), h


def lstm_scan(x, h0, Wx, Wh, b):
    _, hs = jax.lax.scan(lambda carry, x_t: lstm_step(carry, x_t, Wx, Wh, b), (h0, jnp.zeros_like(h0)),
                         jnp.moveaxis(x, 1, 0))
    return jnp.moveaxis(hs, 0, 1)


def lstm_python_loop(x, h0, Wx, Wh, b):
    carry, outputs = (h0, 0 * h0), []
    for t in range(x.shape[1]):
        carry, h = lstm_step(carry, x[:, t], Wx, Wh, b)
        outputs.append(h)
    return jnp.stack(outputs, axis=1)


def gradients(arrays, G):
    return lstm.lstm_backward(G, lstm.lstm_forward(*arrays)[1])


@pytest.mark.parametrize("name", CASES)
def test_against_central_differences(name):
    arrays, G = case(name)
    fd = lh.finite_difference_grads(lstm.lstm_forward, arrays, G)
    for label, ours, theirs in zip(GRAD_NAMES, gradients(arrays, G), fd):
        assert ours.shape == theirs.shape and lh.relative_error(ours, theirs) < lh.FD_BOUND, label


@pytest.mark.parametrize("oracle", [lstm_scan, lstm_python_loop], ids=["scan", "loop"])
@pytest.mark.parametrize("name", CASES)
def test_against_jax_vjp(name, oracle):
    arrays, G = case(name)
    out_jax, reference = lh.jax_forward_and_vjp(oracle, arrays, G)
    assert lh.relative_error(lstm.lstm_forward(*arrays)[0], out_jax) < lh.JAX_BOUND
    for label, ours, theirs in zip(GRAD_NAMES, gradients(arrays, G), reference):
        assert lh.relative_error(ours, theirs) < lh.JAX_BOUND, label


@pytest.mark.parametrize("name", ["general", "batch of one", "one step"])
def test_float32_in_float32_out_close_to_float64(name):
    arrays, G = case(name)
    h32, cache32 = lstm.lstm_forward(*(np.float32(a) for a in arrays))
    single = lstm.lstm_backward(np.float32(G), cache32)
    assert {h32.dtype, *(d.dtype for d in single)} == {np.dtype(np.float32)}
    for label, lo, hi in zip(GRAD_NAMES, single, gradients(arrays, G)):
        assert lh.relative_error(lo, hi) < F32_BOUND, label


def test_strided_fortran_and_big_endian_inputs_change_nothing():
    arrays, G = case("general")
    expected = gradients(arrays, G)
    x, h0, Wx, Wh, b = arrays
    unusual = [x.astype(">f8"), np.asfortranarray(h0), Wx[::-1][::-1], Wh.astype(">f8"), np.asfortranarray(b)]
    for label, got, want in zip(GRAD_NAMES, gradients(unusual, np.asfortranarray(G)), expected):
        np.testing.assert_array_equal(got, want, err_msg=label)


def pytorch_lstm(x, h0, weight_ih, weight_hh, bias_ih, bias_hh):
    """torch.nn.LSTM's documented equations, batch_first=True, c_0 = 0:
    W_ih = [W_ii | W_if | W_ig | W_io] stacked by rows, (4H, D)."""
    H = h0.shape[1]
    rows = {gate: slice(n * H, (n + 1) * H) for n, gate in enumerate("ifgo")}
    h, c, out = h0, np.zeros_like(h0), []
    for t in range(x.shape[1]):
        pre = {k: x[:, t] @ weight_ih[r].T + bias_ih[r] + h @ weight_hh[r].T + bias_hh[r] for k, r in rows.items()}
        c = (1 / (1 + np.exp(-pre["f"]))) * c + (1 / (1 + np.exp(-pre["i"]))) * np.tanh(pre["g"])
        h = (1 / (1 + np.exp(-pre["o"]))) * np.tanh(c)
        out.append(h)
    return np.stack(out, axis=1)


def test_pytorch_weights_load_transposed_with_the_biases_added_and_the_order_kept():
    """lstm.md, Framework conventions: Wx = weight_ih.T, Wh = weight_hh.T,
    b = bias_ih + bias_hh; and Common mistakes: columns read as (i, f, o, g)
    give outputs far from PyTorch's."""
    rng = lh.rng_for("lstm torch layout")
    N, T, D, H = 2, 5, 3, 4
    torch_params = [rng.normal(size=s) for s in [(4 * H, D), (4 * H, H), 4 * H, 4 * H]]
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    reference = pytorch_lstm(x, h0, *torch_params)
    weight_ih, weight_hh, bias_ih, bias_hh = torch_params
    ours, _ = lstm.lstm_forward(x, h0, weight_ih.T, weight_hh.T, bias_ih + bias_hh)
    assert lh.relative_error(ours, reference) < lh.JAX_BOUND
    # The same arrays read as (i, f, o, g): swap the last two blocks of columns.
    swap = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]
    swapped, _ = lstm.lstm_forward(x, h0, weight_ih.T[:, swap], weight_hh.T[:, swap], (bias_ih + bias_hh)[swap])
    assert lh.relative_error(swapped, reference) > 0.1


def test_without_the_cell_path_or_the_sum_over_steps_the_gradients_are_wrong():
    """lstm.md, Common mistakes: dropping dc_next (dc_{t-1} = dc_t * f_t)
    or dh_next, or keeping one step's weight gradient, each is far off."""
    arrays, G = case("general")
    h, cache = lstm.lstm_forward(*arrays)
    right = lstm.lstm_backward(G, cache)
    x, h0, Wx, Wh, gates, c, tanh_c, _ = cache
    H = h0.shape[1]
    results = {}
    for mistake in ("none", "no dc_next", "no dh_next", "dWh overwritten"):
        dWh, dh_next, dc_next = np.zeros_like(Wh), np.zeros_like(h0), np.zeros_like(h0)
        for t in reversed(range(x.shape[1])):
            i, f, g, o = (gates[:, t, k * H:(k + 1) * H] for k in range(4))
            dh = G[:, t] + (0 if mistake == "no dh_next" else dh_next)
            dc = (0 if mistake == "no dc_next" else dc_next) + dh * o * (1 - tanh_c[:, t] ** 2)
            c_prev, h_prev = (c[:, t - 1], h[:, t - 1]) if t else (0 * h0, h0)
            da = np.hstack([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g),
                            dh * tanh_c[:, t] * o * (1 - o)])
            dWh = h_prev.T @ da + (0 if mistake == "dWh overwritten" else dWh)
            dh_next, dc_next = da @ Wh.T, dc * f
        results[mistake] = lh.relative_error(dWh, right[3])
    assert results.pop("none") < lh.JAX_BOUND
    assert min(results.values()) > 0.05, results


@pytest.mark.claim("layers/lstm.md", r"pre-activations of \(\pm 1000\) without a warning, with every gate exactly 0 or 1;")
@pytest.mark.parametrize("pre_activation", [1e3, -1e3])
def test_huge_pre_activations_saturate_quietly(pre_activation):
    arrays, G = case("general")
    arrays[4] = np.full_like(arrays[4], pre_activation)
    with np.errstate(all="raise"):
        h, cache = lstm.lstm_forward(*arrays)
        grads = lstm.lstm_backward(G, cache)
    assert all(np.isfinite(d).all() for d in grads)
    # Every gate at 0 or 1 exactly: c_t = t (all gates 1) or 0, and no gradient leaks back to h0.
    T = arrays[0].shape[1]
    expected = np.tanh(np.arange(1, T + 1.0))[None, :, None] if pre_activation > 0 else 0.0
    np.testing.assert_allclose(h, np.broadcast_to(expected, h.shape), rtol=4 * np.finfo(np.float64).eps)
    np.testing.assert_array_equal(grads[1], 0.0)


@pytest.mark.claim("layers/lstm.md", "the sigmoid exact at 0 and accurate in its tails;")
def test_sigmoid_is_exact_in_its_tails_and_at_zero():
    a = np.array([-1000.0, -745.0, -40.0, 0.0, 40.0, 1000.0])
    with np.errstate(all="raise"):
        s = lstm._sigmoid(a)
    # 1 / (1 + e^40) ~ e^-40, to float64's relative precision.
    np.testing.assert_allclose(s[2], np.exp(-40.0), rtol=4 * np.finfo(np.float64).eps)
    np.testing.assert_array_equal(s[[0, 3, 4, 5]], [0.0, 0.5, 1.0, 1.0])


@pytest.mark.parametrize("which, shape, message", [
    (0, (2, 3), r"\(N, T, D\)"), (1, (2, 3, 1), r"\(2, H\)"), (2, (4, 3), r"\(4, 12\).*4H"),
    (3, (3, 3), r"\(3, 12\)"), (4, (3,), r"\(12,\)"), (4, (2, 12), r"\(12,\)"),
])
def test_inconsistent_shapes_are_refused_with_the_expected_shape(which, shape, message):
    arrays, _ = case("general")
    arrays[which] = np.ones(shape)
    with pytest.raises(ValueError, match=message):
        lstm.lstm_forward(*arrays)


def test_dout_must_match_the_hidden_states():
    arrays, G = case("general")
    cache = lstm.lstm_forward(*arrays)[1]
    with pytest.raises(ValueError, match=r"\(2, 3, 3\)"):
        lstm.lstm_backward(G[:1], cache)
