"""The checks every vector activation gets, parametrised by
sitekit.definitions_vector.VECTOR_DEFINITIONS: a test module imports them
and calls vector_harness.parametrize_names from its pytest_generate_tests,
so adding a vector function adds an entry there and no test code.

Against the oracle (the definition, its SymPy Jacobian, mpmath at 50
digits): the forward within forward_ulp ULP, each Jacobian entry within
derivative_ulp, the VJP within the page's bound (vjp_eps eps times the size
of its terms) or, where each entry is one product, within derivative_ulp,
on hard vectors (pairs of 0, ±tiny, ±709/710, ±1e308, subnormals, mixed)
and random ones, float32 and float64. Then the limits at ±inf, NaN, axes,
memory layouts and byte order, dtypes, bad input, and no floating-point
warnings.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from sitekit.definitions_vector import DISTRIBUTION, GATED, ROOT_GAP
from vector_harness import (
    ALL_FLOATS, applies, AXES, AXIS_SHAPE, DERIVATIVE_SIZES, DTYPES, batches, both_axes, central_difference, definition,
    functions, hard_vectors, near_root, ones_upstream, random_vectors, report, ulp_error, ulps, upstream,
    vjp_bound_used, worst_ulps,
)


def _dtype_name(dtype) -> str:
    return np.dtype(dtype).name


# --- against the oracle -------------------------------------------------------------------


def forward_vectors(name: str, dtype, kind: str) -> list[np.ndarray]:
    d = definition(name)
    if kind == "hard":
        return hard_vectors(name, dtype)
    vectors = random_vectors(name, dtype, d.random_sizes, 60 if d.kind == DISTRIBUTION else 3000)
    return vectors + (random_vectors(name, dtype, (d.large_size,), 6) if d.large_size else [])


@pytest.mark.slow  # sweeps of the 50-digit oracle (or of sympy.limit)
@pytest.mark.parametrize("dtype", DTYPES, ids=_dtype_name)
@pytest.mark.parametrize("kind", ["hard", "random"])
def test_forward_ulp(name, kind, dtype):
    """Batches of vectors (one matrix per length) against the oracle, row by row."""
    d = definition(name)
    forward = functions(name)[0]
    pairs = []
    for matrix in batches(forward_vectors(name, dtype, kind)):
        out = forward(matrix)
        assert out.dtype == np.dtype(dtype) and out.shape == (len(matrix), d.output_size(matrix.shape[1]))
        pairs += [(z, y, d.forward(z)) for z, y in zip(matrix, out)]
    worst, worst_all, where = worst_ulps(pairs, dtype)
    report(f"{name} ULP {_dtype_name(dtype)} {kind} (normal / all {worst_all:.3f})", worst)
    assert worst <= d.forward_ulp, f"{name}: {worst} ULP at z = {where!r}"
    assert worst_all <= d.forward_ulp, f"{name}: {worst_all} ULP where the exact value is not normal"


@pytest.mark.slow  # sweeps of the 50-digit oracle (or of sympy.limit)
@applies(lambda d: d.has_jacobian)
@pytest.mark.parametrize("dtype", DTYPES, ids=_dtype_name)
@pytest.mark.parametrize("kind", ["hard", "random"])
def test_jacobian_ulp(name, kind, dtype):
    d = definition(name)
    jacobian = functions(name)[2]
    if kind == "hard":
        vectors = hard_vectors(name, dtype, max_size=4)
    else:
        vectors = random_vectors(name, dtype, DERIVATIVE_SIZES, 40)
    pairs = []
    for z in vectors:
        computed = jacobian(z)
        assert computed.shape == (z.size, z.size) and computed.dtype == np.dtype(dtype)
        pairs.append((z, computed.ravel(), [v for row in d.jacobian(z) for v in row]))
    worst, worst_all, where = worst_ulps(pairs, dtype)
    report(f"{name}_jacobian ULP {_dtype_name(dtype)} {kind} (normal / all {worst_all:.3f})", worst)
    assert worst <= d.derivative_ulp, f"{name}_jacobian: {worst} ULP at z = {where!r}"
    assert worst_all <= d.derivative_ulp


def vjp_vectors(name: str, dtype, kind: str) -> list[np.ndarray]:
    d = definition(name)
    if d.kind == GATED:
        return forward_vectors(name, dtype, kind)
    if kind == "hard":
        return hard_vectors(name, dtype, max_size=4)[::3]
    return random_vectors(name, dtype, DERIVATIVE_SIZES, 30)


@pytest.mark.slow  # sweeps of the 50-digit oracle (or of sympy.limit)
@pytest.mark.parametrize("dtype", DTYPES, ids=_dtype_name)
@pytest.mark.parametrize("kind", ["hard", "random"])
def test_vjp_against_the_oracle(name, kind, dtype):
    """J^T g of the oracle's Jacobian, batched: a sum within the page's bound,
    a product (gated) within derivative_ulp but next to a root of dy/da."""
    d = definition(name)
    vjp = functions(name)[1]
    worst, worst_all, where = 0.0, 0.0, None
    for n, zs in enumerate(batches(vjp_vectors(name, dtype, kind))):
        gs = upstream(name, zs, dtype, seed=n)
        computed = vjp(zs, gs)
        assert computed.shape == zs.shape and computed.dtype == np.dtype(dtype)
        if d.vjp_eps is not None:
            for z, g, c in zip(zs, gs, computed):
                error = vjp_bound_used(name, c, z, g, dtype)
                assert error <= 1.0, f"{name}_vjp: {error} of the page's bound at z = {z!r}, g = {g!r}"
                worst = max(worst, error)
            continue
        keep = ~near_root(name, zs)
        for z, g, c, k in zip(zs, gs, computed, keep):
            normal, everything = ulps(c[k], [v for v, kept in zip(d.vjp(z, g, with_terms=False)[0], k) if kept], dtype)
            if normal > worst:
                worst, where = normal, (z, g)
            worst_all = max(worst_all, everything)
    if d.vjp_eps is not None:
        report(f"{name}_vjp {_dtype_name(dtype)} {kind}: fraction of the page's bound", worst)
        return
    report(f"{name}_vjp ULP {_dtype_name(dtype)} {kind} (normal / all {worst_all:.3f})", worst)
    assert worst <= d.derivative_ulp, f"{name}_vjp: {worst} ULP at (z, g) = {where!r}"
    assert worst_all <= d.derivative_ulp


@applies(lambda d: bool(d.grad_roots))
def test_vjp_next_to_a_root_of_the_slope(name):
    """Within ROOT_GAP of a root of dy/da, dL/da keeps an absolute bound: a
    few eps times |g b| (here g = b = 1)."""
    d = definition(name)
    vjp = functions(name)[1]
    for root in d.grad_roots:
        a = np.linspace(root - ROOT_GAP, root + ROOT_GAP, 2001)
        a = np.concatenate([a, np.nextafter(root, np.array([-2.0, 0.0]))])
        x = np.stack([a, np.ones_like(a)], axis=-1)
        computed = vjp(x, np.ones((a.size, 1)))[:, 0]
        worst = max(abs(float(mpmath.mpf(float(c)) - d.vjp(z, [1.0], with_terms=False)[0][0]))
                    for c, z in zip(computed, x))
        report(f"{name}_vjp d/da next to the root {root}: max absolute error / eps", worst / np.finfo(float).eps)
        assert worst <= 4 * np.finfo(float).eps


def test_vjp_finite_differences(name):
    """J^T g is the gradient of L(z) = g . f(z): central differences along
    each coordinate and along random directions."""
    forward, vjp, _ = functions(name)
    rng = np.random.default_rng(9)
    for size in (2, 4, 6) if definition(name).kind == GATED else (2, 4, 7):
        z, g = rng.normal(0.0, 2.0, size), rng.normal(size=definition(name).output_size(size))
        gradient = vjp(z, g)
        loss = lambda v: float(np.dot(g, forward(v)))  # noqa: E731
        for direction in list(np.eye(size)) + list(rng.normal(size=(5, size))):
            difference = central_difference(loss, z, direction, 1e-6)
            assert abs(difference - gradient @ direction) <= 1e-8 * max(1.0, np.abs(g).sum()), (z, direction)


@applies(lambda d: d.has_jacobian)
def test_jacobian_matches_vjp(name):
    _, vjp, jacobian = functions(name)
    rng = np.random.default_rng(8)
    z, g = rng.normal(0.0, 3.0, 6), rng.normal(size=6)
    np.testing.assert_allclose(jacobian(z).T @ g, vjp(z, g), rtol=0, atol=1e-15)


@applies(lambda d: d.has_jacobian and d.kind == DISTRIBUTION)
def test_jacobian_rows_sum_to_zero(name):
    """f(z + c) = f(z) for the distributions: each row of J sums to 0, and
    softmax's and softmin's J is symmetric."""
    d = definition(name)
    jacobian = functions(name)[2]
    z = np.random.default_rng(5).normal(0.0, 3.0, 7)
    computed = jacobian(z)
    assert np.all(np.abs(computed.sum(axis=1)) <= 4 * np.finfo(float).eps)
    assert d.jacobian_symmetric == bool(np.array_equal(computed, computed.T))


@applies(lambda d: d.bounded)
@pytest.mark.parametrize("dtype", DTYPES, ids=_dtype_name)
def test_rows_sum_to_one(name, dtype):
    """Outputs that are a distribution sum to 1 within 4 eps, K = 1000 too."""
    d = definition(name)
    forward = functions(name)[0]
    eps = float(np.finfo(dtype).eps)
    vectors = hard_vectors(name, dtype) + (random_vectors(name, dtype, (d.large_size,), 4) if d.large_size else [])
    worst = max(abs(math.fsum(map(float, forward(z))) - 1.0) / eps for z in vectors)
    report(f"{name} |sum y - 1| / eps {_dtype_name(dtype)}", worst)
    assert worst <= 4, f"{name}: the outputs sum to 1 within {worst} eps"


@applies(lambda d: d.kind == DISTRIBUTION)
def test_shift_invariance(name):
    """z + shift rounds, so f(z + shift) is f of a nearby vector: compared
    with its own oracle, and with f(z)."""
    d = definition(name)
    forward = functions(name)[0]
    z = np.random.default_rng(1).normal(size=5)
    for shift in (-1000.0, 1e5):
        p, q = forward(z), forward(z + shift)
        assert ulps(q, d.forward(z + shift), np.float64)[0] <= d.forward_ulp
        np.testing.assert_allclose(q, p, rtol=1e-10)


# --- axes, layouts, dtypes ------------------------------------------------------------------


@pytest.mark.parametrize("axis", AXES)
def test_axis(name, axis):
    """Each 1-D slice along `axis` of a 3-D batch is a vector of its own:
    forward and VJP against the oracle, slice by slice."""
    d = definition(name)
    forward, vjp, _ = functions(name)
    rng = np.random.default_rng(7)
    z = rng.normal(0.0, 30.0 if d.kind == DISTRIBUTION else 4.0, AXIS_SHAPE)
    y = forward(z, axis=axis)
    moved_z, moved_y = np.moveaxis(z, axis, -1), np.moveaxis(y, axis, -1)
    assert moved_y.shape == moved_z.shape[:-1] + (d.output_size(moved_z.shape[-1]),)
    g = rng.normal(size=y.shape)
    moved_v, moved_g = np.moveaxis(vjp(z, g, axis=axis), axis, -1), np.moveaxis(g, axis, -1)
    for index in np.ndindex(moved_z.shape[:-1]):
        assert ulps(moved_y[index], d.forward(moved_z[index]), np.float64)[0] <= d.forward_ulp
        exact = d.vjp(moved_z[index], moved_g[index], with_terms=False)[0]
        if d.vjp_eps is not None:
            assert vjp_bound_used(name, moved_v[index], moved_z[index], moved_g[index], np.float64) <= 1.0
        else:
            assert ulps(moved_v[index], exact, np.float64)[1] <= d.derivative_ulp


def test_default_axis_is_last(name):
    forward, vjp, _ = functions(name)
    z = np.random.default_rng(3).normal(size=(4, 6))
    g = ones_upstream(name, z)
    np.testing.assert_array_equal(forward(z), forward(z, axis=-1))
    both_axes(forward, z)
    np.testing.assert_array_equal(vjp(z, g), vjp(z, g, axis=-1))
    both_axes(vjp, z, g)


@pytest.mark.parametrize("dtype", DTYPES, ids=_dtype_name)
def test_layouts_and_byte_order(name, dtype):
    """F order, strided views and big-endian data give the bits of the C-ordered native array."""
    forward, vjp, _ = functions(name)
    rng = np.random.default_rng(6)
    z = rng.normal(0.0, 5.0, (6, 8)).astype(dtype)
    g = rng.normal(size=ones_upstream(name, z).shape).astype(dtype)
    y, v = forward(z), vjp(z, g)
    wide_z, wide_g = np.zeros((12, 16), dtype=dtype), np.zeros((12, g.shape[1] * 2), dtype=dtype)
    wide_z[::2, ::2], wide_g[::2, ::2] = z, g
    for layout_z, layout_g in [
        (np.asfortranarray(z), np.asfortranarray(g)),
        (wide_z[::2, ::2], wide_g[::2, ::2]),
        (z.astype(np.dtype(dtype).newbyteorder(">")), g.astype(np.dtype(dtype).newbyteorder(">"))),
    ]:
        out, back = forward(layout_z), vjp(layout_z, layout_g)
        assert out.dtype == back.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out, y)
        np.testing.assert_array_equal(back, v)


@pytest.mark.parametrize("dtype", ALL_FLOATS, ids=_dtype_name)
def test_dtype_preserved(name, dtype):
    forward, vjp, jacobian = functions(name)
    x = np.array([[1.0, -2.0, 3.0, 0.5], [0.5, 0.25, 0.0, -4.0]], dtype=dtype)
    assert forward(x).dtype == np.dtype(dtype)
    assert vjp(x, ones_upstream(name, x)).dtype == np.dtype(dtype)
    if jacobian is not None:
        assert jacobian(x[0]).dtype == np.dtype(dtype)


@pytest.mark.parametrize("value", [[1, 2, 3, 4], [True, False], np.array([1, 2], dtype=np.int8), (1.0, 2.0)])
def test_ints_bools_lists_become_float64(name, value):
    forward, vjp, jacobian = functions(name)
    assert forward(value).dtype == np.float64
    assert vjp(value, ones_upstream(name, value)).dtype == np.float64
    if jacobian is not None:
        assert jacobian(value).dtype == np.float64


def test_bad_input_refused(name):
    forward, vjp, jacobian = functions(name)
    with pytest.raises(ValueError, match="0-d"):
        forward(3.0)
    with pytest.raises(ValueError, match="0-d"):
        vjp(3.0, 1.0)
    with pytest.raises(TypeError):
        forward(["a", "b"])
    with pytest.raises(ValueError, match="shape"):
        vjp(np.ones((2, 4)), np.ones((2, 3)))
    if definition(name).kind == GATED:
        for call in (lambda: forward(np.ones((2, 3))), lambda: vjp(np.ones(3), np.ones(1)),
                     lambda: forward(np.ones((3, 4)), axis=0)):
            with pytest.raises(ValueError, match="odd"):
                call()
    else:
        with pytest.raises(ValueError, match="1-D"):
            jacobian(np.ones((2, 2)))


NASTY = [
    [1000.0, 0.0, -1000.0, 5.0], [1e308, -1e308, 1.0, -1.0], [-1e308, 1e308, 0.0, 2.0],
    [1.7976931348623157e308, -1.7976931348623157e308, 1.7976931348623157e308, -1.7976931348623157e308],
    [-745.0, -1e308, 710.0, -710.0], [5e-324, -5e-324, 1e-300, -1e-300], [np.inf, 1e308, -np.inf, 3.0],
    [np.nan, 1e308, 1.0, -np.inf], [-700.0, 1e308, -1e300, 1e300], [1e308, -2000.0, 1e308, 1e308],
    [1000.0, 0.0], [1e308, -1e308], [-1e308, 1e308], [-745.0, -1e308], [5e-324, -5e-324], [np.nan, 1e308],
]


@pytest.mark.parametrize("z", NASTY, ids=str)
def test_no_floating_point_warnings(name, z):
    """No overflow, underflow to NaN or division warning inside the
    functions; bounded outputs stay finite where no entry is NaN."""
    d = definition(name)
    forward, vjp, jacobian = functions(name)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for dtype in ALL_FLOATS:
            with np.errstate(over="ignore"):  # the cast of 1e308 to float32 is ours, not the snippet's
                x = np.array(z).astype(dtype)
            y = forward(x)
            if d.bounded and not np.isnan(x).any():
                assert np.all(np.isfinite(y)), (x, y)
            info = np.finfo(dtype)
            for g_value in (1.0, float(info.max), -float(info.max), float(info.smallest_subnormal)):
                vjp(x, np.full(ones_upstream(name, x).shape, g_value, dtype=dtype))
            if jacobian is not None:
                jacobian(x)


# --- infinities and NaN -----------------------------------------------------------------------


def limit_upstream(name: str, size: int) -> np.ndarray:
    """An upstream gradient with no two entries alike, so that no VJP entry is 0 by symmetry."""
    return np.resize([1.0, -2.0, 0.5, 3.0], definition(name).output_size(size))


@pytest.mark.slow  # sweeps of the 50-digit oracle (or of sympy.limit)
@pytest.mark.parametrize("dtype", DTYPES, ids=_dtype_name)
def test_infinities_give_the_limit(name, dtype):
    """±inf entries: the limit of the definition (SymPy, along every path of
    the definition's limit_paths), NaN where it has none."""
    d = definition(name)
    forward, vjp, jacobian = functions(name)
    forward_bound, jacobian_bound = d.limit_ulp
    for z in d.limit_vectors:
        vector, g = np.array(z, dtype=dtype), limit_upstream(name, len(z)).astype(dtype)
        values, back = d.limits(z, g)
        assert ulp_error(forward(vector), values, dtype).max() <= forward_bound, (z, forward(vector), values)
        got = vjp(vector, g)
        assert ulp_error(got, back, dtype).max() <= d.derivative_ulp, (z, got, back)
        if jacobian is not None:
            limit = d.jacobian_limit(z)
            assert ulp_error(jacobian(vector), limit, dtype).max() <= jacobian_bound, (z, limit)


@applies(lambda d: d.kind == GATED)
def test_infinite_upstream_gradient(name):
    """g = inf on finite inputs: the limit of g times each partial."""
    d = definition(name)
    vjp = functions(name)[1]
    for z in ([2.0, 3.0], [-3.0, 1.0], [1.0, -800.0]):
        g = np.full(d.output_size(2), np.inf)
        expected = np.array(d.limits(z, g)[1], dtype=float)
        np.testing.assert_array_equal(vjp(np.array(z), g), expected, err_msg=f"{name}_vjp at z = {z}, g = inf")


def test_undefined_inputs_give_nan(name):
    """Where the definition has no limit (a row of -inf only, a NaN), NaN in
    every output that depends on it; a row beside it is unaffected."""
    d = definition(name)
    forward, vjp, jacobian = functions(name)
    for z in d.undefined_vectors:
        batch = np.array([z, [0.0] * len(z)])
        y, back = forward(batch), vjp(batch, ones_upstream(name, batch))
        assert np.isnan(y[0]).all(), (z, y[0])
        assert ulp_error(y[1], d.forward(batch[1]), np.float64).max() <= d.limit_ulp[0]
        depends = dependence(name, len(z), np.isnan(z))
        assert np.isnan(back[0][depends]).all(), (z, back[0])
        if jacobian is not None:
            assert np.isnan(jacobian(np.array(z))).all()
    x = np.random.default_rng(2).normal(size=(3, 4))
    g = ones_upstream(name, x)
    g[:, 0] = np.nan
    assert np.isnan(vjp(x, g)[:, dependence_on_g(name, 4, 0)]).all()


def dependence(name: str, size: int, nan_inputs) -> np.ndarray:
    """True for the VJP entries (with g = 1) whose expression has one of the marked inputs."""
    zs, ys = definition(name).expr(size)
    marked = {s for s, m in zip(zs, nan_inputs) if m}
    entries = [sum(y.diff(z) for y in ys) for z in zs]
    return np.array([bool(e.free_symbols & marked) for e in entries])


def dependence_on_g(name: str, size: int, which: int) -> np.ndarray:
    """True for the VJP entries that g_which enters: where dy_which/dz_j is not 0."""
    zs, ys = definition(name).expr(size)
    return np.array([ys[which].diff(z) != 0 for z in zs])
