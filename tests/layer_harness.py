"""What every layer test needs: loading a layer snippet, seeded inputs,
central differences, JAX's vector-Jacobian products (jitted), and one relative error.

A layer's gradients are checked on the scalar E = sum(G * out) with a random
upstream gradient G, so every entry of every gradient is exercised.
Independent oracles: central differences (float64, entry by entry) and
jax.vjp of the forward pass written in jax.numpy (float64), which shares no
code or formula with the snippets' backward passes.
"""

from __future__ import annotations

from pathlib import Path

import jax
import numpy as np

from finite_differences import STEP, numerical_gradient, relative_error, rng_for  # noqa: F401 (re-exported)
from sitekit.catalogue import load_snippet

jax.config.update("jax_enable_x64", True)

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "snippets" / "layers"

FD_BOUND = 1e-7
# Two float64 evaluations of the same gradient by different roundings.
JAX_BOUND = 1e3 * np.finfo(np.float64).eps


def layer(name: str):
    """The module snippets/layers/<name>.py, loaded as the tests load snippets."""
    return load_snippet(LAYERS / f"{name}.py")


def finite_difference_grads(forward, arrays, G, **kwargs):
    """Central-difference gradients of sum(G * forward(*arrays, **kwargs)[0])
    with respect to each array in `arrays` (float64 copies, perturbed in place)."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]

    def loss():
        return float(np.sum(G * forward(*arrays, **kwargs)[0]))

    return [numerical_gradient(loss, a) for a in arrays]


def _forward_and_pullback(forward_jax, arrays, G, constants):
    out, pullback = jax.vjp(lambda *arrays: forward_jax(*arrays, *constants), *arrays)
    return out, pullback(G.astype(out.dtype))


# One XLA compile per forward and call shape, instead of one per primitive per
# new shape when run eagerly (eager compiles took half of these tests' time).
# Backend optimisation level 0: on these tiny arrays compiling costs far more
# than running (measured: 28% less CPU time); every bound still holds.
COMPILER_OPTIONS = {"xla_backend_optimization_level": 0}


def compiled(function, **jit_options):
    """jax.jit(function) with the harness's compiler options: one compile per call shape."""
    return jax.jit(function, compiler_options=COMPILER_OPTIONS, **jit_options)


_compiled_forward_and_pullback = compiled(_forward_and_pullback, static_argnums=0)


def jax_forward_and_vjp(forward_jax, arrays, G, constants=()):
    """forward_jax(*arrays, *constants) and the gradients of sum(G * it) with
    respect to `arrays` by jax.vjp, in float64, both from one jax.jit of the
    forward and its pullback. Constants (masks, ids) are traced arguments, not
    baked in: calls of one module-level forward with equal shapes share a compile."""
    out, grads = _compiled_forward_and_pullback(
        forward_jax, [np.asarray(a, dtype=np.float64) for a in arrays], np.asarray(G, dtype=np.float64),
        tuple(constants))
    return np.asarray(out), [np.asarray(g) for g in grads]


def jax_vjp(forward_jax, arrays, G, constants=()):
    """The gradients of sum(G * forward_jax(*arrays, *constants)) by jax.vjp, in float64."""
    return jax_forward_and_vjp(forward_jax, arrays, G, constants)[1]


def as_tuple(grads):
    """A backward's result as a tuple: one array alone becomes (array,)."""
    return grads if isinstance(grads, tuple) else (grads,)
