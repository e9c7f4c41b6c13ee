"""Inverted dropout (snippets/layers/dropout.py) against independent oracles:
central differences of the forward with the mask held fixed (the same seed),
and jax.vjp of the forward written in jax.numpy from the kept positions
(float64). Its statistics against the definition: the mean output is x and
the kept fraction 1 - p, each within a Hoeffding bound (derived below)."""

from __future__ import annotations

import jax.numpy as jnp
import jax.random
import numpy as np
import pytest

import layer_harness as lh

dropout = lh.layer("dropout")

SHAPES = [(5, 4), (1, 7), (3, 1, 5), (1,), (2, 3, 2, 3)]
RATES = [0.0, 0.1, 0.5, 0.9]

# Largest relative differences seen, printed after the module's tests (pytest -s).
FIGURES: dict[str, float] = {}


@pytest.fixture(scope="module", autouse=True)
def _print_figures():
    yield
    for name, value in sorted(FIGURES.items()):
        print(f"\ndropout, largest relative difference, {name}: {value:.3g}")


def _record(name, value):
    FIGURES[name] = max(FIGURES.get(name, 0.0), value)


def _assert_close(a, b, bound, name):
    """Relative difference within bound; with every unit dropped both must be 0."""
    if not (np.any(a) or np.any(b)):
        return
    error = lh.relative_error(a, b)
    _record(name, error)
    assert error <= bound


def _case(shape, p, dtype=np.float64):
    rng = lh.rng_for("dropout", shape, p)
    x = rng.normal(size=shape).astype(dtype)
    G = rng.normal(size=shape).astype(dtype)
    seed = int(rng.integers(2**31))
    return x, G, seed


def _forward(x, p, seed):
    """The forward with its mask drawn from `seed`: the same mask at every call."""
    return dropout.dropout_forward(x, p, np.random.default_rng(seed))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("p", RATES)
def test_backward_matches_finite_differences(shape, p):
    x, G, seed = _case(shape, p)
    _, cache = _forward(x, p, seed)
    dx = dropout.dropout_backward(G, cache)
    (numeric,) = lh.finite_difference_grads(_forward, [x], G, p=p, seed=seed)
    _assert_close(dx, numeric, lh.FD_BOUND, "finite differences (float64)")


def dropout_jax(x, keep, p):
    """The forward from its definition: kept entries divided by 1 - p, the rest 0."""
    return jnp.where(keep, x / (1 - p), 0.0)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("p", [0.0, 0.3, 0.5])
def test_backward_matches_jax_vjp(shape, p):
    x, G, seed = _case(shape, p)
    out, cache = _forward(x, p, seed)
    keep = cache != 0
    # keep and p traced: the rates of a shape share one compile.
    (dx_jax,) = lh.jax_vjp(dropout_jax, [x], G, constants=[keep, p])
    _assert_close(dropout.dropout_backward(G, cache), dx_jax, lh.JAX_BOUND, "jax.vjp (float64)")
    np.testing.assert_allclose(out, np.where(keep, x / (1 - p), 0.0), rtol=4 * np.finfo(np.float64).eps, atol=0)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("p", [0.25, 0.5])
def test_float32_is_kept_and_agrees_with_float64(shape, p):
    x, G, seed = _case(shape, p)
    out32, cache32 = _forward(x.astype(np.float32), p, seed)
    dx32 = dropout.dropout_backward(G.astype(np.float32), cache32)
    assert out32.dtype == cache32.dtype == dx32.dtype == np.float32
    out64, cache64 = _forward(x, p, seed)
    dx64 = dropout.dropout_backward(G, cache64)
    # The draws do not depend on the dtype: the same entries are kept.
    np.testing.assert_array_equal(cache32 != 0, cache64 != 0)
    # Each entry is x (or G) rounded to float32, times the rounded scale,
    # rounded: three roundings of at most eps/2 each, so 2 eps in all.
    bound = 2 * np.finfo(np.float32).eps
    for a, b in [(out32, out64), (dx32, dx64)]:
        _assert_close(a, b, bound, "float32 vs float64")


@pytest.mark.parametrize("layout", ["fortran", "strided", "big-endian", "int"])
def test_any_layout_and_byte_order_gives_the_same_result(layout):
    x, G, seed = _case((6, 5), 0.4)
    if layout == "int":
        x = np.round(10 * x).astype(np.int64)
    reference, cache = _forward(np.array(x, dtype=np.float64), 0.4, seed)
    variants = {
        "fortran": np.asfortranarray(x),
        "strided": np.repeat(x, 2, axis=1)[:, ::2],
        "big-endian": x.astype(">f8"),
        "int": x,
    }
    out, cache_variant = _forward(variants[layout], 0.4, seed)
    assert out.dtype == np.float64 and out.dtype.isnative
    np.testing.assert_array_equal(out, reference)
    np.testing.assert_array_equal(
        dropout.dropout_backward(np.asfortranarray(G).astype(">f8"), cache_variant), dropout.dropout_backward(G, cache)
    )


@pytest.mark.claim("layers/dropout.md", r"Keeping the 0/1 mask alone makes every gradient \(1 - \rho\) times too small.")
@pytest.mark.parametrize("p", [0.2, 0.5])
def test_the_mask_without_its_scale_gives_gradients_one_minus_p_times_too_small(p):
    x, G, seed = _case((6, 7), p)
    _, cache = _forward(x, p, seed)
    kept = cache != 0
    np.testing.assert_allclose(kept * G, (1 - p) * dropout.dropout_backward(G, cache), rtol=4 * np.finfo(np.float64).eps)


def test_rate_zero_is_the_identity():
    x, G, seed = _case((4, 9), 0.0)
    out, cache = _forward(x, 0.0, seed)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(dropout.dropout_backward(G, cache), G)


@pytest.mark.parametrize("p", [1.0, 1.5, -0.1, float("nan")])
def test_rates_outside_zero_to_one_are_refused(p):
    # docs/layers/dropout.md, Definition: "ρ = 1 ... the code refuses it with a ValueError".
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\)"):
        _forward(np.ones(3), p, 0)


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="np.random.Generator"):
        dropout.dropout_forward(np.ones(3), 0.5, 0)


def test_wrong_upstream_shape_is_refused_naming_the_expected_shape():
    _, cache = _forward(np.ones((3, 4)), 0.5, 0)
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        dropout.dropout_backward(np.ones((4, 3)), cache)


def _hoeffding(n, width, failure=1e-9):
    """t with P(|mean - expectation| >= t) <= failure for the mean of n
    independent draws in an interval of the given width (Hoeffding):
    2 exp(-2 n t^2 / width^2) = failure."""
    return width * np.sqrt(np.log(2 / failure) / (2 * n))


@pytest.mark.claim("layers/dropout.md", "sets each entry of its input to 0 with a fixed probability, and draws which ones afresh at every forward pass.")
@pytest.mark.claim("layers/dropout.md", r"gets a mask entry \(m_i\), 1 with probability \(1 - \rho\) and 0 with probability \(\rho\), drawn independently.")
@pytest.mark.claim("layers/dropout.md", r"is \(\frac{x_i}{1 - \rho}\) with probability \(1 - \rho\) and 0 with probability \(\rho\).")
@pytest.mark.claim("layers/dropout.md", "the kept value times its probability, plus 0 times the probability of a drop.")
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_mean_output_is_the_input(p):
    # docs/layers/dropout.md, Forward: "Its expectation over the mask is the input".
    # Every entry of out is x / (1 - p) or 0, so the mean of n of them is
    # within _hoeffding(n, x / (1 - p)) of x, except with probability 1e-9.
    n, x = 400_000, 1.7
    out, cache = dropout.dropout_forward(np.full(n, x), p, lh.rng_for("mean", p))
    assert abs(out.mean() - x) <= _hoeffding(n, x / (1 - p))
    # The same bound for the kept fraction (draws of 0 or 1).
    assert abs(np.count_nonzero(cache) / n - (1 - p)) <= _hoeffding(n, 1.0)
    # The bound is tight enough to see a missing scale: the mean would be (1 - p) x.
    assert p * x > 2 * _hoeffding(n, x / (1 - p))
    # Each entry is x / (1 - p) or 0, and a fresh generator draws another mask.
    assert set(np.unique(out)) <= {0.0, np.float64(x) * (1 / (1 - p))}
    _, cache_again = dropout.dropout_forward(np.full(n, x), p, lh.rng_for("mean again", p))
    assert np.any(cache_again != cache)
    # Drawn independently: the kept fraction of entry pairs is (1 - p)^2 (same bound).
    both = np.count_nonzero(cache[0::2] * cache[1::2]) / (n // 2)
    assert abs(both - (1 - p) ** 2) <= _hoeffding(n // 2, 1.0)


def test_same_seed_gives_the_same_mask_and_another_seed_another():
    x = np.ones((8, 64))
    _, a = dropout.dropout_forward(x, 0.5, np.random.default_rng(3))
    _, b = dropout.dropout_forward(x, 0.5, np.random.default_rng(3))
    _, c = dropout.dropout_forward(x, 0.5, np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert np.any(a != c)


def test_large_inputs_and_rates_near_one_stay_finite():
    # Stable: no overflow or warning where the scaled value is finite.
    x = np.array([1e300, -1e300, 3.0, 5e-324])
    for p in [0.5, 1 - 1e-12]:
        out, cache = dropout.dropout_forward(x, p, np.random.default_rng(0))
        assert np.all(np.isfinite(out)) and np.all(np.isfinite(dropout.dropout_backward(x, cache)))


def test_jax_bernoulli_probability_is_that_of_true():
    # docs/layers/dropout.md, Framework conventions: jax.random.bernoulli's
    # probability argument is that of True (so it takes the keep probability
    # 1 - p). Same Hoeffding bound.
    n = 200_000
    draws = jax.random.bernoulli(jax.random.key(0), 0.9, (n,))
    assert abs(float(jnp.mean(draws)) - 0.9) <= _hoeffding(n, 1.0)
