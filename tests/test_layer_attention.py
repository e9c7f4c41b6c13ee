"""Scaled dot-product attention (snippets/layers/attention.py) against
independent oracles: central differences (float64), jax.vjp of the forward
written in jax.numpy with jax.nn.softmax (float64), and the forward of
jax.nn.dot_product_attention. Fully masked rows, scores of 1e4 and more,
float32, layouts and bad input are tested against the page's statements."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import layer_harness as lh

attention = lh.layer("attention")

# (batch axes, L, S, d, F): no batch axis, one and two, L = 1, S = 1,
# L != S, d != F, sizes that do not divide one another.
SHAPES = [((), 3, 3, 2, 2), ((2,), 4, 5, 3, 2), ((2, 3), 2, 3, 4, 1), ((1,), 1, 4, 3, 5), ((3,), 5, 1, 2, 3)]
MASKS = ["none", "causal", "random", "broadcast row", "one row blocked"]

# (array, oracle) -> the largest relative difference seen; pytest -s prints
# them, one line per gradient and oracle, when the module's tests are done.
LARGEST: dict[tuple[str, str], float] = {}


def _agree(a, b, bound, oracle, array="out"):
    """a within `bound` of b (relative), and the difference kept for the report."""
    error = lh.relative_error(a, b)
    LARGEST[array, oracle] = max(LARGEST.get((array, oracle), 0.0), error)
    assert error <= bound, f"{array} vs {oracle}: {error:.3g} > {bound:.3g}"


@pytest.fixture(scope="module", autouse=True)
def _show_largest():
    yield
    for (array, oracle), error in sorted(LARGEST.items()):
        print(f"\nattention, {array}, largest relative difference from {oracle}: {error:.3g}")


def _mask(kind, batch, L, S, rng):
    if kind == "none":
        return None
    if kind == "causal":
        # Query i may see keys 0..i (all keys when L > S); row 0 sees key 0.
        return np.tril(np.ones((L, S), dtype=bool))
    if kind == "random":
        mask = rng.random(batch + (L, S)) < 0.6
        mask[..., 0] = True
        return mask
    if kind == "broadcast row":
        # One row of S flags for every query and batch entry.
        return np.arange(S) != S - 1 if S > 1 else np.ones(1, dtype=bool)
    mask = np.ones(batch + (L, S), dtype=bool)
    mask[..., L - 1, :] = False
    return mask


def _case(shape, kind):
    batch, L, S, d, F = shape
    rng = lh.rng_for("attention", shape, kind)
    q, k, v = (rng.normal(size=batch + s) for s in [(L, d), (S, d), (S, F)])
    return q, k, v, rng.normal(size=batch + (L, F)), _mask(kind, batch, L, S, rng)


def attention_jax(q, k, v, mask):
    """The definition in jax.numpy: masked scores -inf, jax.nn.softmax, rows
    with no allowed key set to 0 (the page's convention) by a where."""
    d = q.shape[-1]
    z = jnp.einsum("...id,...jd->...ij", q, k) / jnp.sqrt(d)
    if mask is None:
        return jnp.einsum("...ij,...jc->...ic", jax.nn.softmax(z, axis=-1), v)
    allowed = jnp.broadcast_to(mask, z.shape)
    any_allowed = allowed.any(axis=-1, keepdims=True)
    # Fill fully masked rows with 0 before the softmax: no NaN in the pullback.
    z = jnp.where(allowed, z, -jnp.inf)
    z = jnp.where(any_allowed, z, 0.0)
    p = jnp.where(any_allowed, jax.nn.softmax(z, axis=-1), 0.0)
    return jnp.einsum("...ij,...jc->...ic", p, v)


# Every shape with every mask, but a blocked row needs another row (L > 1) to
# leave anything to compare: L = 1 is the fully-masked test's case.
CASES = [(shape, kind) for shape in SHAPES for kind in MASKS if not (kind == "one row blocked" and shape[1] == 1)]


def _compared(shape, mask):
    """The gradients to compare: a query with one allowed key gives it weight 1
    whatever the scores, so where no query has two (S = 1, or a causal mask
    with L = 1) dq = dk = 0 exactly (test_single_key_...): dv only then."""
    batch, L, S = shape[:3]
    allowed = np.ones(batch + (L, S), dtype=bool) if mask is None else np.broadcast_to(mask, batch + (L, S))
    return slice(0, 3) if (allowed.sum(axis=-1) > 1).any() else slice(2, 3)


@pytest.mark.parametrize("shape, kind", CASES)
def test_backward_matches_finite_differences(shape, kind):
    q, k, v, G, mask = _case(shape, kind)
    grads = attention.attention_backward(G, attention.attention_forward(q, k, v, mask)[1])
    numeric = lh.finite_difference_grads(attention.attention_forward, [q, k, v], G, mask=mask)
    chosen = _compared(shape, mask)
    for array, analytic, reference in zip(["dq", "dk", "dv"][chosen], grads[chosen], numeric[chosen]):
        _agree(analytic, reference, lh.FD_BOUND, "finite differences (float64)", array)


@pytest.mark.parametrize("shape, kind", CASES)
def test_backward_matches_jax_vjp(shape, kind):
    q, k, v, G, mask = _case(shape, kind)
    out, cache = attention.attention_forward(q, k, v, mask)
    # Every mask at the scores' full shape: the masked cases of a shape share one compile.
    full_mask = None if mask is None else np.broadcast_to(mask, G.shape[:-1] + k.shape[-2:-1])
    out_jax, reference = lh.jax_forward_and_vjp(attention_jax, [q, k, v], G, constants=[full_mask])
    _agree(out, out_jax, lh.JAX_BOUND, "the jax.numpy forward (float64)")
    grads = attention.attention_backward(G, cache)
    chosen = _compared(shape, mask)
    for array, analytic, expected in zip(["dq", "dk", "dv"][chosen], grads[chosen], reference[chosen]):
        _agree(analytic, expected, lh.JAX_BOUND, "jax.vjp (float64)", array)


def test_single_key_gives_zero_query_and_key_gradients():
    q, k, v, G, _ = _case(SHAPES[4], "none")
    dq, dk, dv = attention.attention_backward(G, attention.attention_forward(q, k, v)[1])
    assert not np.any(dq) and not np.any(dk) and np.any(dv)
    # Central differences agree up to their rounding, about eps / step.
    numeric_q, numeric_k, _ = lh.finite_difference_grads(attention.attention_forward, [q, k, v], G)
    assert np.abs(numeric_q).max() <= 1e3 * np.finfo(np.float64).eps / lh.STEP
    assert np.abs(numeric_k).max() <= 1e3 * np.finfo(np.float64).eps / lh.STEP


@pytest.mark.claim("layers/attention.md", r"The code here returns a row of \(P\) equal to 0, so that query's output is 0, "
                   r"and its gradients are 0 (\(\bar{Q}\) in that row, and nothing from it to \(\bar{K}\) or \(\bar{V}\)).")
@pytest.mark.claim("layers/attention.md", r"In a fully masked row every \(P_{ij}\) is 0 by the convention above, so the whole row of \(\bar{Z}\) is 0,")
@pytest.mark.claim("layers/attention.md", r"In a fully masked row, \(Y\) and \(\bar{Q}\) must be 0:")
@pytest.mark.claim("layers/attention.md", "fully masked rows giving 0 and zero gradients (and agreeing with finite differences);")
@pytest.mark.parametrize("shape", SHAPES)
def test_fully_masked_rows_give_zero_output_and_zero_gradients(shape):
    # docs/layers/attention.md, Definition, the convention for a fully masked
    # row: P = 0 there, Y = 0 there, dq = 0 there, nothing from it to dk or dv.
    q, k, v, G, mask = _case(shape, "one row blocked")
    out, cache = attention.attention_forward(q, k, v, mask)
    dq, dk, dv = attention.attention_backward(G, cache)
    assert np.all(np.isfinite(out)) and not np.any(out[..., -1, :]) and not np.any(dq[..., -1, :])
    assert not np.any(cache[3][..., -1, :])
    # dk and dv equal those of the other rows alone.
    rest = (slice(None),) * len(shape[0]) + (slice(0, -1),)
    if shape[1] > 1:
        _, cache_rest = attention.attention_forward(q[rest], k, v, mask[rest])
        _, dk_rest, dv_rest = attention.attention_backward(G[rest], cache_rest)
        # Equal up to the order of the additions in the matrix products.
        for a, b in [(dk, dk_rest), (dv, dv_rest)]:
            np.testing.assert_allclose(a, b, rtol=0, atol=16 * np.finfo(np.float64).eps * np.abs(b).max())
    else:
        assert not np.any(dk) and not np.any(dv)


@pytest.mark.claim("layers/attention.md", r"so its weight \(P_{ij}\) is 0 and the other weights of the row share the mass.")
@pytest.mark.parametrize("shape", SHAPES[:3])
def test_masked_weights_are_zero_and_the_rest_share_the_mass(shape):
    q, k, v, _, mask = _case(shape, "random")
    P = attention.attention_forward(q, k, v, mask)[1][3]
    assert not np.any(P[~mask]) and np.all(P[mask] > 0)
    np.testing.assert_allclose(P.sum(axis=-1), 1, rtol=8 * np.finfo(np.float64).eps)


def test_every_key_masked_or_no_keys_at_all_gives_zeros_without_warnings():
    q = np.ones((2, 3))
    out, cache = attention.attention_forward(q, np.ones((4, 3)), np.ones((4, 2)), np.zeros((2, 4), dtype=bool))
    assert not np.any(out) and not any(np.any(g) for g in attention.attention_backward(np.ones((2, 2)), cache))
    out, _ = attention.attention_forward(q, np.ones((0, 3)), np.ones((0, 2)))
    assert out.shape == (2, 2) and not np.any(out)


@pytest.mark.claim("layers/attention.md", r"Each row of \(P\) sums to 1.")
@pytest.mark.claim("layers/attention.md", "Subtracting the largest score of each row first changes nothing mathematically")
@pytest.mark.parametrize("size", [1e4, 1e6, 1e150])
def test_large_scores_do_not_overflow(size):
    # docs/layers/attention.md, Forward: scores of the order of 1e4 (and far
    # beyond) give finite weights once the row max is subtracted.
    rng = lh.rng_for("large", size)
    q, k, v = rng.normal(size=(3, 2)), rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    q *= size / np.abs(q @ k.T).max()
    out, cache = attention.attention_forward(q, k, v)
    P = cache[3]
    assert np.abs(q @ k.T).max() / np.sqrt(2) >= size / 2
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(P))
    np.testing.assert_allclose(P.sum(axis=-1), 1, rtol=4 * np.finfo(np.float64).eps)
    # At such scores each row puts (nearly) all its weight on its best key.
    assert np.all(P.max(axis=-1) > 0.99)
    # Where the plain e^Z / sum e^Z does not overflow, the weights are the same.
    q_moderate = q * (2.0 / size)
    _, moderate = attention.attention_forward(q_moderate, k, v)
    z = q_moderate @ k.T / np.sqrt(2)
    plain = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(moderate[3], plain, rtol=16 * np.finfo(np.float64).eps)
    grads = attention.attention_backward(rng.normal(size=(3, 2)), cache)
    assert all(np.all(np.isfinite(g)) for g in grads)


def test_naive_softmax_overflows_where_the_page_says():
    # docs/layers/attention.md, Forward: "e^Z overflows in float64 from Z ≈ 710 on".
    with np.errstate(over="raise"):
        assert np.isfinite(np.exp(709.78))
        with pytest.raises(FloatingPointError):
            np.exp(709.79)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", ["none", "random"])
def test_float32_is_kept_and_agrees_with_float64(shape, kind):
    q, k, v, G, mask = _case(shape, kind)
    out32, cache32 = attention.attention_forward(q.astype(np.float32), k.astype(np.float32), v.astype(np.float32), mask)
    grads32 = attention.attention_backward(G.astype(np.float32), cache32)
    assert out32.dtype == np.float32 and all(g.dtype == np.float32 for g in grads32)
    out64, cache64 = attention.attention_forward(q, k, v, mask)
    grads64 = attention.attention_backward(G, cache64)
    # A few matrix products of length <= 5 and one softmax: each entry
    # rounds some tens of times at eps32/2; the sums of small random
    # numbers do not cancel much. 64 eps32 leaves room for that.
    bound = 64 * np.finfo(np.float32).eps
    for array, a, b in zip(["out", "dq", "dk", "dv"], (out32,) + grads32, (out64,) + grads64):
        if np.any(b):
            _agree(a, b, bound, "float64 (float32 input)", array)


@pytest.mark.parametrize("layout", ["fortran", "strided", "big-endian", "int"])
def test_any_layout_and_byte_order_gives_the_same_result(layout):
    q, k, v, G, mask = _case(((2,), 3, 4, 2, 3), "random")
    if layout == "int":
        q, k, v, G = (np.round(2 * a) for a in (q, k, v, G))
    change = {
        "fortran": np.asfortranarray,
        "strided": lambda a: np.repeat(a, 2, axis=-1)[..., ::2],
        "big-endian": lambda a: a.astype(">f8"),
        "int": lambda a: a.astype(np.int32),
    }[layout]
    out, cache = attention.attention_forward(change(q), change(k), change(v), np.asfortranarray(mask))
    reference, cache_reference = attention.attention_forward(q, k, v, mask)
    assert out.dtype == np.float64 and out.dtype.isnative
    np.testing.assert_array_equal(out, reference)
    for a, b in zip(attention.attention_backward(change(G), cache), attention.attention_backward(G, cache_reference)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "q_shape, k_shape, v_shape, expected",
    [
        ((3,), (3,), (3,), r"q must have shape \(\.\.\., L, d\)"),
        ((2, 0), (2, 0), (2, 1), r"d >= 1"),
        ((2, 3), (4, 2), (4, 1), r"k must have shape \(S, 3\)"),
        ((5, 2, 3), (4, 4, 3), (4, 4, 1), r"k must have shape \(5, S, 3\)"),
        ((2, 3), (4, 3), (5, 1), r"v must have shape \(4, F\)"),
        ((2, 3), (4, 3), (4,), r"v must have shape \(4, F\)"),
    ],
)
def test_wrong_shapes_are_refused_naming_the_expected_shape(q_shape, k_shape, v_shape, expected):
    with pytest.raises(ValueError, match=expected):
        attention.attention_forward(np.ones(q_shape), np.ones(k_shape), np.ones(v_shape))


@pytest.mark.claim("layers/attention.md", "An additive mask (0 where allowed, \\(-\\infty\\) or a large negative number elsewhere, added to the scores)")
def test_bad_masks_and_upstream_shapes_are_refused():
    q, k, v = np.ones((2, 3)), np.ones((4, 3)), np.ones((4, 1))
    with pytest.raises(TypeError, match="boolean"):
        attention.attention_forward(q, k, v, np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"\(4, 2\) does not broadcast to the scores' shape \(2, 4\)"):
        attention.attention_forward(q, k, v, np.ones((4, 2), dtype=bool))
    _, cache = attention.attention_forward(q, k, v)
    with pytest.raises(ValueError, match=r"\(2, 1\)"):
        attention.attention_backward(np.ones((1, 2)), cache)


# JAX's function as users run it, compiled once per shape (eagerly, each of its
# primitives is compiled on its own: 4x the time).
dot_product_attention = lh.compiled(jax.nn.dot_product_attention)


def test_jax_dot_product_attention_has_the_sequence_before_the_heads():
    # docs/layers/attention.md, Framework conventions: JAX's layout is
    # (B, L, N, H); True = may attend; the default scale is 1/sqrt(H).
    q, k, v, _, mask = _case(((2, 3), 4, 5, 3, 3), "random")
    ours, _ = attention.attention_forward(q, k, v, mask)
    theirs = dot_product_attention(*(np.swapaxes(a, -2, -3) for a in (q, k, v)), mask=mask)
    # JAX's result for float64 input is only float32-accurate (6e-8 apart
    # when measured), so the bound is float32's.
    bound = 16 * np.finfo(np.float32).eps
    _agree(ours, np.swapaxes(np.asarray(theirs), -2, -3), bound, "jax.nn.dot_product_attention")


@pytest.mark.claim("layers/attention.md", "A fully masked row does not give 0 there: it gives the plain mean of the values")
def test_jax_conventions_quoted_on_the_page():
    # docs/layers/attention.md, Framework conventions, the JAX item.
    q, k = np.ones((1, 2, 1, 3)), np.ones((1, 4, 1, 3))
    v = lh.rng_for("jax conventions").normal(size=(1, 4, 1, 3))
    # Values of another size than the keys are refused.
    with pytest.raises(ValueError):
        dot_product_attention(q, k, np.ones((1, 4, 1, 5)))
    # A fully masked row gives the mean of the values, not 0.
    mask = np.array([[True, False, True, True], [False] * 4])
    out = np.asarray(dot_product_attention(q, k, v, mask=mask))
    np.testing.assert_allclose(out[0, 1, 0], v[0, :, 0].mean(axis=0), rtol=1e-6)
    assert np.any(np.abs(out[0, 1, 0]) > 0)
    # jax.nn.softmax of a row of -inf is NaN.
    assert np.all(np.isnan(jax.nn.softmax(jnp.array([-jnp.inf, -jnp.inf]))))
