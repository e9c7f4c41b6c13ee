"""LayerNorm (snippets/layers/layernorm.py) against independent oracles:
central differences of its forward (float64), and jax.vjp of the forward
written below in jax.numpy from the definition (jnp.mean, jnp.var, which is
the biased variance, and jax.lax.rsqrt), sharing no formula with the
three-term backward; exact rational arithmetic (fractions) for the forward
on a large mean with a tiny spread. Also: float32 kept and within a bound
of float64, odd shapes, bad shapes refused, extreme magnitudes, and the two
steps of docs/layers/layernorm.md that the page says are checked numerically.
Run with -s to print the largest relative differences seen."""

from __future__ import annotations

import inspect
from fractions import Fraction

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import layer_harness as lh

ln = lh.layer("layernorm")
forward, backward = ln.layernorm_forward, ln.layernorm_backward

# (x's shape); D is the last axis. (1, 7): one vector; (6,): no batch axis;
# (2, 3, 4): more leading axes; (3, 3): a small D. (D = 2 makes x_hat = ±1
# up to eps, so dx is ~1e-4 of dy and central differences lose their digits.)
SHAPES = [(4, 5), (1, 7), (6,), (2, 3, 4), (3, 3), (5, 13)]
LARGEST: dict[str, float] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_largest():
    yield
    print("".join(f"\nlayernorm {oracle}: largest relative difference {value:.2e}"
                  for oracle, value in sorted(LARGEST.items())))


def _within(ours, reference, bound, oracle):
    error = lh.relative_error(ours, reference)
    LARGEST[oracle] = max(LARGEST.get(oracle, 0.0), error)
    assert error <= bound, f"{oracle}: {error:.3g} > {bound:.3g}"


def _inputs(shape, dtype=np.float64):
    rng = lh.rng_for("layernorm", shape)
    D = shape[-1]
    x = rng.normal(loc=0.5, scale=2.0, size=shape)
    gamma, beta = rng.normal(size=D), rng.normal(size=D)
    G = rng.normal(size=shape)
    return [a.astype(dtype) for a in (x, gamma, beta, G)]


def layernorm_jax(x, gamma, beta, eps=1e-5):
    """The definition, in jax.numpy: jnp.var divides by D (biased)."""
    mu = jnp.mean(x, axis=-1, keepdims=True)
    return gamma * (x - mu) * jax.lax.rsqrt(jnp.var(x, axis=-1, keepdims=True) + eps) + beta


@pytest.mark.parametrize("shape", SHAPES)
def test_every_gradient_matches_central_differences(shape):
    x, gamma, beta, G = _inputs(shape)
    _, cache = forward(x, gamma, beta)
    numeric = lh.finite_difference_grads(forward, [x, gamma, beta], G)
    for name, ours, reference in zip(("dx", "dgamma", "dbeta"), backward(G, cache), numeric):
        _within(ours, reference, lh.FD_BOUND, "finite differences (float64)")


@pytest.mark.parametrize("shape", SHAPES)
def test_forward_and_gradients_match_jax(shape):
    x, gamma, beta, G = _inputs(shape)
    y, cache = forward(x, gamma, beta)
    y_jax, references = lh.jax_forward_and_vjp(layernorm_jax, [x, gamma, beta], G)
    _within(y, y_jax, lh.JAX_BOUND, "jax forward (float64)")
    for ours, reference in zip(backward(G, cache), references):
        _within(ours, reference, lh.JAX_BOUND, "jax.vjp (float64)")


@pytest.mark.parametrize("shape", SHAPES)
def test_float32_stays_float32_and_rounds_the_float64_result_once(shape):
    x, gamma, beta, G = _inputs(shape, np.float32)
    y32, cache32 = forward(x, gamma, beta)
    grads32 = backward(G, cache32)
    assert {a.dtype for a in (y32, *grads32)} == {np.dtype(np.float32)}
    # The same float32 numbers in float64: the snippet works float32 in
    # float64, so each float32 entry is the float64 one rounded once
    # (at most eps/2 relative, so eps/2 for the norm too).
    y64, cache64 = forward(*(a.astype(np.float64) for a in (x, gamma, beta)))
    grads64 = backward(G.astype(np.float64), cache64)
    bound = np.finfo(np.float32).eps / 2
    for ours, reference in zip((y32, *grads32), (y64, *grads64)):
        _within(ours, reference, bound, "float32 vs float64")


def test_float32_agrees_with_float64_on_the_unrounded_inputs():
    # Rounding the inputs to float32 moves them by eps/2 relative; the
    # gradients of a well-conditioned case move by a small multiple of that.
    x, gamma, beta, G = _inputs((8, 16))
    ref = backward(G, forward(x, gamma, beta)[1])
    low = backward(G.astype(np.float32), forward(*(a.astype(np.float32) for a in (x, gamma, beta)))[1])
    for ours, reference in zip(low, ref):
        assert lh.relative_error(ours, reference) <= 64 * np.finfo(np.float32).eps


def test_one_feature_normalises_to_zero():
    # D = 1: x - mu is 0, so y = beta whatever x is, and only beta learns.
    x, G = np.array([[3.0], [-2.0], [7.5]]), np.array([[1.0], [2.0], [-0.5]])
    y, cache = forward(x, np.array([4.0]), np.array([0.25]))
    np.testing.assert_array_equal(y, np.full((3, 1), 0.25))
    dx, dgamma, dbeta = backward(G, cache)
    np.testing.assert_array_equal(dx, np.zeros((3, 1)))
    np.testing.assert_array_equal(dgamma, [0.0])
    np.testing.assert_array_equal(dbeta, [G.sum()])


def test_each_vector_is_normalised_on_its_own():
    # Rows do not mix: changing one row leaves the others' outputs as they were.
    x, gamma, beta, _ = _inputs((5, 6))
    y = forward(x, gamma, beta)[0]
    x[2] *= 1000.0
    y_changed = forward(x, gamma, beta)[0]
    np.testing.assert_array_equal(np.delete(y, 2, axis=0), np.delete(y_changed, 2, axis=0))


@pytest.mark.parametrize("variant", ["fortran", "every other column", "big-endian", "integers"])
def test_memory_layout_and_byte_order_do_not_change_the_result(variant):
    x, gamma, beta, G = _inputs((4, 6))
    x = np.round(8 * x) if variant == "integers" else x
    expected_y, expected_cache = forward(x, gamma, beta)
    given = {"fortran": np.asfortranarray(x), "every other column": np.stack([x, x], axis=-1)[..., 0],
             "big-endian": x.astype(">f8"), "integers": x.astype(np.int32)}[variant]
    y, cache = forward(given, gamma.astype(">f8"), beta)
    np.testing.assert_array_equal(y, expected_y)
    for a, b in zip(backward(np.asfortranarray(G), cache), backward(G, expected_cache)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("x_shape, gamma_shape, beta_shape, message", [
    ((), (1,), (1,), r"\(\.\.\., D\)"),
    ((3, 0), (0,), (0,), r"\(\.\.\., D\)"),
    ((3, 4), (3,), (4,), r"\(4,\)"),
    ((3, 4), (4,), (1, 4), r"\(4,\)"),
    ((3, 4), (4, 1), (4,), r"\(4,\)"),
])
def test_bad_shapes_are_refused_naming_the_expected_shape(x_shape, gamma_shape, beta_shape, message):
    with pytest.raises(ValueError, match=message):
        forward(np.ones(x_shape), np.ones(gamma_shape), np.ones(beta_shape))


def test_upstream_gradient_of_another_shape_is_refused():
    _, cache = forward(np.ones((2, 3)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        backward(np.ones((3, 2)), cache)


def test_strings_are_refused():
    with pytest.raises(TypeError):
        forward(np.array(["a", "b"]), np.ones(2), np.zeros(2))


def _exact_x_hat(row, eps):
    """(x - mu) / sqrt(v + eps) for one row of floats, mean and variance exact
    (fractions), the square root in float64 of the exact v + eps."""
    values = [Fraction(float(v)) for v in row]
    mu = sum(values) / len(values)
    v = sum((a - mu) ** 2 for a in values) / len(values)
    s = np.sqrt(float(v + Fraction(eps)))
    return np.array([float(a - mu) / s for a in values])


@pytest.mark.parametrize("eps", [1e-5, 0.0])
def test_large_mean_and_tiny_spread_keep_their_digits(eps):
    # The page's stability example: 1e8 + 1e-3 * noise, D = 64.
    rng = lh.rng_for("large mean", eps)
    x = 1e8 + 1e-3 * rng.normal(size=(3, 64))
    y = forward(x, np.ones(64), np.zeros(64), eps=eps)[0]
    exact = np.array([_exact_x_hat(row, eps) for row in x])
    # x is scaled by a power of 2 (exact), x - mean(x) is exact (the two are
    # within a factor 2), and the second pass removes the first mean's
    # rounding: what is left is the rounding of the mean of D = 64 small
    # numbers and of the last steps, a few eps each; D eps bounds it.
    _within(y, exact, 64 * np.finfo(np.float64).eps, "large mean, tiny spread (exact forward)")
    # The one-pass variance mean(x^2) - mean(x)^2 of the same rows is lost:
    # x^2 is near 1e16, whose float64 spacing is 2, a million times the
    # variance 1e-6; it comes out as 0 or a multiple of 2 (the page prints this).
    naive = (x * x).mean(axis=-1) - x.mean(axis=-1) ** 2
    exact_v = x.var(axis=-1)
    # docs/layers/layernorm.md, "Forward": near 1e16 neighbouring floats lie 2 apart.
    assert np.spacing(1e16) == 2.0
    assert np.all(np.abs(naive - exact_v) >= exact_v)


@pytest.mark.parametrize("scale", [2.0**900, 2.0**-900, 2.0**-1060])
def test_extreme_magnitudes_stay_finite_and_scale_free(scale):
    # y does not depend on the scale of x when eps = 0; a power of 2 scales
    # exactly, so the result must be the same bits. No overflow at 2^900
    # (squares of 1e271 would overflow), no warning (warnings are errors).
    x, gamma, beta, G = _inputs((3, 5))
    y, cache = forward(x, gamma, beta, eps=0.0)
    y_scaled, cache_scaled = forward(x * scale, gamma, beta, eps=0.0)
    if scale > 2.0**-1000:
        np.testing.assert_array_equal(y_scaled, y)
    else:
        # Subnormal inputs carry fewer bits: x * scale is rounded.
        _within(y_scaled, y, 1e-3, "subnormal inputs")
    if scale > 2.0**-1000:
        # dx grows as 1 / scale: at 2^-1060 it is beyond float64, as it is exactly.
        assert np.all(np.isfinite(backward(G, cache_scaled)[0]))


def test_huge_inputs_with_the_default_eps_are_finite():
    x = np.array([[1e308, -1e308, 5e307], [3e-320, -1e-320, 0.0]])
    y, cache = forward(x, np.ones(3), np.zeros(3))
    assert np.all(np.isfinite(y)) and all(np.all(np.isfinite(g)) for g in backward(np.ones((2, 3)), cache))
    # Row 0: eps is far below the spread, so y is x_hat with v exact.
    _within(y[0], _exact_x_hat(x[0] / 2.0**1000, 0.0), 8 * np.finfo(np.float64).eps, "huge inputs")
    # Row 1: the spread is far below sqrt(eps): y rounds to 0 (as exactly it is about 1e-318).
    np.testing.assert_array_equal(y[1], np.zeros(3))


def test_the_page_steps_checked_numerically():
    # docs/layers/layernorm.md, "Derivation": dmu/dx_j = 1/D and
    # dv/dx_j = (2/D)(x_j - mu), checked here by central differences.
    x = lh.rng_for("steps").normal(size=7)
    D = x.size
    mean = lambda: np.mean(x)  # noqa: E731
    variance = lambda: np.var(x)  # noqa: E731
    _within(lh.numerical_gradient(mean, x), np.full(D, 1 / D), lh.FD_BOUND, "page steps (finite differences)")
    _within(lh.numerical_gradient(variance, x), 2 / D * (x - x.mean()), lh.FD_BOUND, "page steps (finite differences)")


def test_forgetting_the_paths_through_mean_and_variance_is_wrong():
    # docs/layers/layernorm.md, common mistake 1: dx = dy * gamma / s only.
    x, gamma, beta, G = _inputs((4, 5))
    y, (x_hat, g, s, _) = forward(x, gamma, beta)
    wrong = G * gamma / s
    right = backward(G, forward(x, gamma, beta)[1])[0]
    assert lh.relative_error(wrong, right) > 0.1


def test_defaults_stated_on_the_page():
    # docs/layers/layernorm.md, "Framework conventions": the snippet's eps is
    # PyTorch's default, 1e-5, and jax.nn.standardize's epsilon is 1e-5 too.
    assert inspect.signature(forward).parameters["eps"].default == 1e-5
    assert inspect.signature(jax.nn.standardize).parameters["epsilon"].default == 1e-5
    # jax.nn.standardize is the normalisation without gamma and beta.
    x = _inputs((3, 6))[0]
    _within(np.asarray(jax.nn.standardize(x, axis=-1)), forward(x, np.ones(6), np.zeros(6))[0],
            lh.JAX_BOUND, "jax forward (float64)")
