"""Embedding lookup (snippets/layers/embedding.py) against independent oracles:
central differences (float64), jax.vjp of `table[ids]` in jax.numpy (float64),
and the dense-layer form O^T dout with an explicit one-hot matrix O.
Ids repeat in most cases: rows hit twice must add up."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import layer_harness as lh

embedding = lh.layer("embedding")

# (ids shape, V, D): one id, a batch of one, sizes that do not divide, more
# ids than rows (so repeats are certain), rows never hit.
CASES = [((), 4, 3), ((1,), 3, 2), ((1, 1), 2, 5), ((7,), 5, 4), ((2, 5), 4, 3), ((3, 2, 2), 9, 2), ((4, 3), 13, 1)]

# The largest relative differences, printed when the module's tests are done (pytest -s).
WORST: dict[str, float] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_worst():
    yield
    print("".join(f"\nembedding, largest relative difference, {k}: {v:.3g}" for k, v in sorted(WORST.items())))


def _within(a, b, bound, name):
    error = lh.relative_error(a, b)
    WORST[name] = max(WORST.get(name, 0.0), error)
    assert error <= bound, f"{name}: {error:.3g} > {bound:.3g}"


def _case(shape, V, D):
    rng = lh.rng_for("embedding", shape, V, D)
    ids = rng.integers(V, size=shape)
    return ids, rng.normal(size=(V, D)), rng.normal(size=shape + (D,))


def _forward(table, ids):
    """embedding_forward with the table first, the one array differentiated."""
    return embedding.embedding_forward(ids, table)


def _backward(ids, table, dout):
    return embedding.embedding_backward(dout, embedding.embedding_forward(ids, table)[1])


@pytest.mark.parametrize("shape, V, D", CASES)
def test_backward_matches_finite_differences(shape, V, D):
    ids, table, dout = _case(shape, V, D)
    (numeric,) = lh.finite_difference_grads(_forward, [table], dout, ids=ids)
    _within(_backward(ids, table, dout), numeric, lh.FD_BOUND, "finite differences (float64)")


@pytest.mark.parametrize("shape, V, D", CASES)
def test_backward_matches_jax_vjp(shape, V, D):
    ids, table, dout = _case(shape, V, D)
    (dtable_jax,) = lh.jax_vjp(lambda table: table[ids], [table], dout)
    _within(_backward(ids, table, dout), dtable_jax, lh.JAX_BOUND, "jax.vjp (float64)")


@pytest.mark.claim("layers/embedding.md", r"with the factor \(O_{nv}\): 1 where \(x_n = v\), else 0.")
@pytest.mark.parametrize("shape, V, D", CASES)
def test_forward_has_the_ids_shape_plus_one_axis_and_matches_the_one_hot_product(shape, V, D):
    # docs/layers/embedding.md, Definition and Derivation: Y = O W and
    # dW = O^T dY, with O_nv = [x_n = v].
    ids, table, dout = _case(shape, V, D)
    out, _ = embedding.embedding_forward(ids, table)
    assert out.shape == ids.shape + (D,)
    one_hot = (ids.reshape(-1, 1) == np.arange(V)).astype(np.float64)
    np.testing.assert_array_equal(out.reshape(-1, D), one_hot @ table)
    _within(_backward(ids, table, dout), one_hot.T @ dout.reshape(-1, D), lh.JAX_BOUND, "one-hot product (float64)")
    # docs/layers/embedding.md, Implementation: np.bincount with weights, a
    # column at a time, adds up the same way.
    columns = [np.bincount(ids.reshape(-1), weights=dout.reshape(-1, D)[:, k], minlength=V) for k in range(D)]
    _within(_backward(ids, table, dout), np.stack(columns, axis=1), lh.JAX_BOUND, "np.bincount (float64)")


@pytest.mark.claim("layers/embedding.md", "An id that occurs twice adds two rows; a row of the table that no id hits gets a gradient of 0.")
def test_rows_hit_twice_add_up_and_fancy_index_assignment_does_not():
    # docs/layers/embedding.md, Common mistakes 1: with an id that repeats,
    # dtable[ids] = dout and dtable[ids] += dout keep the last occurrence only.
    ids = np.array([2, 0, 2, 2, 4])
    table, dout = np.ones((5, 3)), lh.rng_for("repeats").normal(size=(5, 3))
    dtable = _backward(ids, table, dout)
    np.testing.assert_allclose(dtable[2], dout[0] + dout[2] + dout[3], rtol=4 * np.finfo(np.float64).eps)
    assert not np.any(dtable[[1, 3]])
    assigned, added = np.zeros((5, 3)), np.zeros((5, 3))
    assigned[ids] = dout
    added[ids] += dout
    for wrong in (assigned, added):
        np.testing.assert_array_equal(wrong[2], dout[3])
        assert lh.relative_error(wrong, dtable) > 0.1


@pytest.mark.parametrize("shape, V, D", CASES)
def test_float32_is_kept_and_agrees_with_float64(shape, V, D):
    ids, table, dout = _case(shape, V, D)
    out32, cache32 = embedding.embedding_forward(ids, table.astype(np.float32))
    dtable32 = embedding.embedding_backward(dout.astype(np.float32), cache32)
    assert out32.dtype == dtable32.dtype == np.float32
    np.testing.assert_array_equal(out32, table.astype(np.float32)[ids])
    # Row v adds m float32 rows, each rounded once on the way in, with one
    # rounding per addition: within m eps32 of the sum of the magnitudes.
    magnitude = np.zeros((V, D))
    np.add.at(magnitude, ids.reshape(-1), np.abs(dout).reshape(-1, D))
    m = np.bincount(ids.reshape(-1), minlength=V).max()
    difference = np.abs(dtable32 - _backward(ids, table, dout))
    assert np.all(difference <= m * np.finfo(np.float32).eps * magnitude)
    WORST["float32 vs float64"] = max(WORST.get("float32 vs float64", 0.0), lh.relative_error(dtable32, _backward(ids, table, dout)))


@pytest.mark.parametrize("layout", ["fortran", "strided", "big-endian", "int table", "big-endian ids"])
def test_any_layout_and_byte_order_gives_the_same_result(layout):
    ids, table, dout = _case((3, 4), 6, 5)
    if layout == "int table":
        table = np.round(10 * table)
    variants = {
        "fortran": (ids, np.asfortranarray(table), np.asfortranarray(dout)),
        "strided": (ids, np.repeat(table, 2, axis=1)[:, ::2], np.repeat(dout, 2, axis=2)[..., ::2]),
        "big-endian": (ids, table.astype(">f8"), dout.astype(">f8")),
        "int table": (ids, table.astype(np.int64), dout),
        "big-endian ids": (ids.astype(">i2"), table, dout),
    }
    ids_v, table_v, dout_v = variants[layout]
    out, cache = embedding.embedding_forward(ids_v, table_v)
    assert out.dtype == np.float64 and out.dtype.isnative
    np.testing.assert_array_equal(out, table[ids])
    np.testing.assert_array_equal(embedding.embedding_backward(dout_v, cache), _backward(ids, table, dout))


def test_no_ids_give_an_empty_output_and_a_zero_gradient():
    ids = np.zeros((0, 3), dtype=np.int64)
    out, cache = embedding.embedding_forward(ids, np.ones((4, 2)))
    assert out.shape == (0, 3, 2)
    dtable = embedding.embedding_backward(np.ones((0, 3, 2)), cache)
    assert dtable.shape == (4, 2) and not np.any(dtable)


@pytest.mark.parametrize("bad", [-1, 5, 1000])
def test_ids_out_of_range_are_refused_naming_the_range(bad):
    # docs/layers/embedding.md, Forward: NumPy alone reads -1 as the last row.
    assert np.arange(5)[np.array([-1])][0] == 4
    with pytest.raises(ValueError, match=r"0\.\.4 \(table has 5 rows\)"):
        embedding.embedding_forward(np.array([[0, bad]]), np.ones((5, 2)))


@pytest.mark.parametrize("ids", [np.array([0.0, 1.0]), np.array([True, False]), ["a"]])
def test_ids_that_are_not_integers_are_refused(ids):
    with pytest.raises(TypeError, match="integers"):
        embedding.embedding_forward(ids, np.ones((5, 2)))


@pytest.mark.parametrize("table", [np.ones(5), np.ones((5, 2, 1)), np.float64(1.0)])
def test_a_table_that_is_not_two_dimensional_is_refused(table):
    with pytest.raises(ValueError, match=r"\(V, D\)"):
        embedding.embedding_forward(np.array([0]), table)


def test_wrong_upstream_shape_is_refused_naming_the_expected_shape():
    _, cache = embedding.embedding_forward(np.array([[0, 1, 1]]), np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"\(1, 3, 2\)"):
        embedding.embedding_backward(np.ones((3, 2)), cache)


def test_large_values_pass_through_exactly():
    table = np.array([[1e308, -5e-324], [np.finfo(np.float64).tiny, 0.0]])
    out, cache = embedding.embedding_forward(np.array([1, 0]), table)
    np.testing.assert_array_equal(out, table[::-1])
    np.testing.assert_array_equal(embedding.embedding_backward(out, cache), table)


def test_jax_gives_ids_no_gradient_and_does_not_refuse_out_of_range_ids():
    # docs/layers/embedding.md, Common mistakes 2 and Framework conventions:
    # jax.vjp returns float0 for the ids; table[ids] clamps an id of V to the
    # last row, and jnp.take fills its row with NaN.
    table = np.arange(6.0).reshape(3, 2)
    _, pullback = jax.vjp(lambda ids, table: table[ids], np.array([0, 2]), table)
    d_ids, _ = pullback(np.ones((2, 2)))
    assert d_ids.dtype == jax.dtypes.float0
    np.testing.assert_array_equal(jnp.asarray(table)[jnp.array([3])], table[[2]])
    assert np.all(np.isnan(jnp.take(jnp.asarray(table), jnp.array([3]), axis=0)))
