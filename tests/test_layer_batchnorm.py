"""BatchNorm (snippets/layers/batchnorm.py) against independent oracles.

Training mode: every gradient against central differences of the forward
(float64) and against jax.vjp of the forward written here in jax.numpy from
the definition (column means by jnp.mean, the biased variance by jnp.var),
which shares no formula with the three-term backward. The running statistics
against Python's statistics module (statistics.fmean, and
statistics.variance, the unbiased estimate, computed exactly on fractions).
Inference mode against its definition in jax.numpy, and its gradient by
jax.vjp against the page's formula. Also: float32 kept and within a bound of
float64, odd shapes, bad shapes refused, a large mean with a tiny spread in
a column. Run with -s to print the largest relative differences seen."""

from __future__ import annotations

import inspect
import statistics
from fractions import Fraction

import jax.numpy as jnp
import numpy as np
import pytest

import layer_harness as lh

bn = lh.layer("batchnorm")

# (N, D): N = 2 is the smallest batch training accepts; D = 1 one feature;
# (9, 13) sizes that share no factor.
SHAPES = [(4, 5), (2, 3), (7, 1), (9, 13), (3, 8)]
SEEN: dict[str, list[float]] = {}


@pytest.fixture(scope="module", autouse=True)
def _print_largest():
    yield
    for oracle in sorted(SEEN):
        print(f"\nbatchnorm {oracle}: largest relative difference {max(SEEN[oracle]):.2e} ({len(SEEN[oracle])} arrays)")


def _agree(ours, reference, bound, oracle):
    difference = lh.relative_error(ours, reference)
    SEEN.setdefault(oracle, []).append(difference)
    assert difference <= bound, f"{oracle}: {difference:.3g} exceeds {bound:.3g}"


def _batch(shape, dtype=np.float64):
    """x with a different mean and spread in each column, gamma, beta, dy."""
    rng = lh.rng_for("batchnorm", shape)
    N, D = shape
    x = rng.normal(size=shape) * rng.uniform(0.5, 3.0, size=D) + rng.normal(size=D)
    if N == 2:
        # Two examples normalise to about ±1 whatever they are, so dx is
        # mostly the eps effect: a spread near sqrt(eps) keeps it large
        # enough for the oracles' own rounding (else dx ~ 1e-5 dy cancels).
        x = 3e-2 * x
    arrays = x, rng.normal(size=D), rng.normal(size=D), rng.normal(size=shape)
    return tuple(np.asarray(a, dtype=dtype) for a in arrays)


def batchnorm_jax(x, gamma, beta, eps=1e-5):
    """Training mode from its definition: statistics of each column (axis 0)."""
    centred = x - jnp.mean(x, axis=0)
    return gamma * centred / jnp.sqrt(jnp.var(x, axis=0) + eps) + beta


@pytest.mark.parametrize("shape", SHAPES)
def test_gradients_against_central_differences(shape):
    x, gamma, beta, dy = _batch(shape)
    grads = bn.batchnorm_backward(dy, bn.batchnorm_forward(x, gamma, beta)[1])
    # The forward's curvature grows as 1 / spread^3: the step shrinks with
    # the spread, keeping the O(step^2) truncation far below the bound.
    step = lh.STEP * min(1.0, float(x.std(axis=0).min()))
    arrays = [x.copy(), gamma.copy(), beta.copy()]
    loss = lambda: float(np.sum(dy * bn.batchnorm_forward(*arrays)[0]))  # noqa: E731
    numeric = [lh.numerical_gradient(loss, a, step) for a in arrays]
    for ours, reference in zip(grads, numeric):
        _agree(ours, reference, lh.FD_BOUND, "finite differences (float64)")


@pytest.mark.parametrize("shape", SHAPES)
def test_gradients_and_output_against_jax(shape):
    x, gamma, beta, dy = _batch(shape)
    y, cache = bn.batchnorm_forward(x, gamma, beta)
    y_jax, reference = lh.jax_forward_and_vjp(batchnorm_jax, [x, gamma, beta], dy)
    _agree(y, y_jax, lh.JAX_BOUND, "jax forward (float64)")
    for ours, expected in zip(bn.batchnorm_backward(dy, cache), reference):
        _agree(ours, expected, lh.JAX_BOUND, "jax.vjp (float64)")


@pytest.mark.parametrize("shape", SHAPES)
def test_float32_in_float32_out_one_rounding_from_float64(shape):
    arrays = _batch(shape, np.float32)
    y32, cache32 = bn.batchnorm_forward(*arrays[:3])
    low = (y32, *bn.batchnorm_backward(arrays[3], cache32))
    assert all(a.dtype == np.float32 for a in low)
    wide = [a.astype(np.float64) for a in arrays]
    y64, cache64 = bn.batchnorm_forward(*wide[:3])
    high = (y64, *bn.batchnorm_backward(wide[3], cache64))
    # Worked in float64 from the same float32 numbers, then rounded once:
    # at most eps32 / 2 relative in each entry.
    for a, b in zip(low, high):
        _agree(a, b, np.finfo(np.float32).eps / 2, "float32 vs float64")


def test_a_batch_of_one_is_refused_in_training_and_accepted_in_inference():
    # The page: one example is its own mean, so training mode refuses it.
    with pytest.raises(ValueError, match=r"N >= 2"):
        bn.batchnorm_forward(np.ones((1, 3)), np.ones(3), np.zeros(3))
    y = bn.batchnorm_inference(np.array([[1.0, 2.0, 3.0]]), np.ones(3), np.zeros(3), np.zeros(3), np.ones(3))
    assert y.shape == (1, 3)


@pytest.mark.parametrize("x_shape, gamma_shape, beta_shape, expected", [
    ((6,), (6,), (6,), r"\(N, D\)"),
    ((2, 3, 4), (4,), (4,), r"\(N, D\)"),
    ((4, 0), (0,), (0,), r"\(N, D\)"),
    ((4, 3), (4,), (3,), r"\(3,\)"),
    ((4, 3), (3,), (), r"\(3,\)"),
])
def test_wrong_shapes_are_refused(x_shape, gamma_shape, beta_shape, expected):
    with pytest.raises(ValueError, match=expected):
        bn.batchnorm_forward(np.zeros(x_shape), np.ones(gamma_shape), np.ones(beta_shape))


def test_wrong_upstream_shape_and_non_numbers_are_refused():
    cache = bn.batchnorm_forward(np.arange(6.0).reshape(3, 2), np.ones(2), np.zeros(2))[1]
    with pytest.raises(ValueError, match=r"\(3, 2\)"):
        bn.batchnorm_backward(np.ones((2, 3)), cache)
    with pytest.raises(TypeError):
        bn.batchnorm_forward(np.array([["x", "y"], ["z", "w"]]), np.ones(2), np.zeros(2))


@pytest.mark.parametrize("make", [np.asfortranarray, lambda a: a.astype(">f8"),
                                  lambda a: np.ascontiguousarray(a.T).T, lambda a: np.round(a).astype(np.int16)])
def test_layouts_byte_orders_and_integers_change_nothing(make):
    x, gamma, beta, dy = _batch((5, 4))
    x = np.round(x) if make(x).dtype.kind == "i" else x
    y, cache = bn.batchnorm_forward(make(x), make(gamma) if make(gamma).dtype.kind == "f" else gamma, beta)
    y_ref, cache_ref = bn.batchnorm_forward(x, gamma, beta)
    np.testing.assert_array_equal(y, y_ref)
    for ours, expected in zip(bn.batchnorm_backward(dy[:, ::-1][:, ::-1], cache), bn.batchnorm_backward(dy, cache_ref)):
        np.testing.assert_array_equal(ours, expected)


def test_a_column_with_a_large_mean_and_a_tiny_spread_keeps_its_digits():
    # The stability case of the page: 1e8 + 1e-3 * noise in one column.
    rng = lh.rng_for("large mean column")
    x = np.column_stack([1e8 + 1e-3 * rng.normal(size=64), rng.normal(size=64)])
    y = bn.batchnorm_forward(x, np.ones(2), np.zeros(2))[0]
    column = [Fraction(float(a)) for a in x[:, 0]]
    mu = sum(column) / 64
    s = np.sqrt(float(sum((a - mu) ** 2 for a in column) / 64 + Fraction(1e-5)))
    exact = np.array([float(a - mu) / s for a in column])
    # Scaling by a power of 2 and x - mean(x) are exact, and the second pass
    # removes the first mean's rounding; N eps bounds what is left.
    _agree(y[:, 0], exact, 64 * np.finfo(np.float64).eps, "large mean, tiny spread (exact forward)")


def test_extreme_columns_stay_finite_without_warnings():
    x = np.array([[1e308, 1e-310, 3.0], [-1e308, -2e-310, 3.0], [5e307, 0.0, 3.0]])
    y, cache = bn.batchnorm_forward(x, np.ones(3), np.zeros(3))
    grads = bn.batchnorm_backward(np.ones((3, 3)), cache)
    assert np.all(np.isfinite(y)) and all(np.all(np.isfinite(g)) for g in grads)
    # A constant column normalises to 0: beta, and no NaN from 0 / 0.
    np.testing.assert_array_equal(y[:, 2], 0.0)


@pytest.mark.parametrize("momentum", [0.1, 0.0, 1.0, 0.37])
def test_running_statistics_follow_pytorchs_rule_with_the_unbiased_variance(momentum):
    # The page: new = (1 - momentum) old + momentum * batch statistic,
    # the batch variance divided by N - 1.
    rng = lh.rng_for("running", momentum)
    x = rng.normal(size=(6, 3)) * 2 + 1
    old_mean, old_var = rng.normal(size=3), rng.uniform(0.5, 2, size=3)
    new_mean, new_var = bn.batchnorm_update_running(old_mean, old_var, x, momentum=momentum)
    batch_mean = np.array([statistics.fmean(column) for column in x.T])
    batch_var = np.array([statistics.variance([Fraction(float(a)) for a in column]) for column in x.T], dtype=float)
    _agree(new_mean, (1 - momentum) * old_mean + momentum * batch_mean, 4 * np.finfo(float).eps, "running statistics")
    _agree(new_var, (1 - momentum) * old_var + momentum * batch_var, 4 * np.finfo(float).eps, "running statistics")


def test_unbiased_running_variance_is_n_over_n_minus_one_times_the_biased():
    # The page prints this ratio; with momentum 1 the running variance is the batch's.
    x, *_ = _batch((5, 4))
    _, var = bn.batchnorm_update_running(np.zeros(4), np.ones(4), x, momentum=1.0)
    np.testing.assert_allclose(var / x.var(axis=0), 5 / 4, rtol=4 * np.finfo(float).eps)


def test_running_update_refuses_bad_arguments():
    with pytest.raises(ValueError, match=r"N >= 2"):
        bn.batchnorm_update_running(np.zeros(2), np.ones(2), np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"\(2,\)"):
        bn.batchnorm_update_running(np.zeros(3), np.ones(2), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bn.batchnorm_update_running(np.zeros(2), np.ones(2), np.ones((4, 2)), momentum=1.5)


def inference_jax(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return (x - running_mean) / jnp.sqrt(running_var + eps) * gamma + beta


def test_inference_mode_is_the_fixed_affine_map_and_its_gradient_is_the_pages():
    x, gamma, beta, dy = _batch((6, 4))
    rng = lh.rng_for("inference")
    running_mean, running_var = rng.normal(size=4), rng.uniform(0.1, 3, size=4)
    stats = [running_mean, running_var]
    y = bn.batchnorm_inference(x, gamma, beta, *stats)
    y_jax, (dx,) = lh.jax_forward_and_vjp(lambda x: inference_jax(x, gamma, beta, *stats), [x], dy)
    _agree(y, y_jax, lh.JAX_BOUND, "inference (jax, float64)")
    # The page: in inference mode dE/dx = dy * gamma / sqrt(running_var + eps).
    _agree(dy * gamma / np.sqrt(running_var + 1e-5), dx, lh.JAX_BOUND, "inference (jax, float64)")
    assert bn.batchnorm_inference(x.astype(np.float32), gamma.astype(np.float32), beta.astype(np.float32),
                                  *stats).dtype == np.float32


def test_inference_with_the_batch_statistics_is_the_training_output():
    # Training normalises with the biased variance: inference with the
    # batch's mean and biased variance gives the same y.
    x, gamma, beta, _ = _batch((8, 3))
    _agree(bn.batchnorm_inference(x, gamma, beta, x.mean(axis=0), x.var(axis=0)),
           bn.batchnorm_forward(x, gamma, beta)[0], 8 * np.finfo(float).eps, "inference (jax, float64)")


def test_the_mean_and_variance_steps_the_page_checks_numerically():
    # docs/layers/batchnorm.md, "Derivation": dmu/dx_m = 1/N and
    # dv/dx_m = (2/N)(x_m - mu) for one column, by central differences.
    column = lh.rng_for("column steps").normal(size=6)
    _agree(lh.numerical_gradient(lambda: column.mean(), column), np.full(6, 1 / 6), lh.FD_BOUND, "page steps")
    _agree(lh.numerical_gradient(lambda: column.var(), column), (column - column.mean()) / 3, lh.FD_BOUND, "page steps")


def test_dx_is_written_with_dgamma_and_dbeta():
    # The page: dE/dx = gamma / s * (dy - dbeta / N - x_hat * dgamma / N).
    x, gamma, beta, dy = _batch((6, 3))
    y, (x_hat, _, s, _) = bn.batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = bn.batchnorm_backward(dy, bn.batchnorm_forward(x, gamma, beta)[1])
    _agree(gamma / s * (dy - dbeta / 6 - x_hat * dgamma / 6), dx, lh.JAX_BOUND, "page identity")


def test_defaults_are_pytorchs():
    # docs/layers/batchnorm.md, "Framework conventions": eps 1e-5 and momentum 0.1.
    assert inspect.signature(bn.batchnorm_forward).parameters["eps"].default == 1e-5
    assert inspect.signature(bn.batchnorm_inference).parameters["eps"].default == 1e-5
    assert inspect.signature(bn.batchnorm_update_running).parameters["momentum"].default == 0.1
