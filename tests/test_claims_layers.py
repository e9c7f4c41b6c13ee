"""Sentences of the layer pages that state a number, each recomputed from the
snippets (the gate: tests/test_prose_numbers.py). Tests of the layers that
back a sentence carry the same `claim` marker in their own files."""

from __future__ import annotations

import numpy as np
import pytest

import layer_harness as lh

lstm = lh.layer("lstm")


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


@pytest.mark.claim("layers/lstm.md", "The initial cell is fixed at 0, so it has no gradient to return.")
def test_lstm_starts_from_a_zero_cell_and_returns_no_cell_gradient():
    rng = lh.rng_for("lstm c0")
    N, D, H = 2, 3, 4
    x, h0 = rng.normal(size=(N, 1, D)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)
    h, cache = lstm.lstm_forward(x, h0, Wx, Wh, b)
    z = x[:, 0] @ Wx + h0 @ Wh + b
    i, f, g, o = np.split(z, 4, axis=1)
    # With c0 = 0 the forget gate has nothing to keep: c1 = i * g, whatever f is.
    np.testing.assert_allclose(h[:, 0], _sigmoid(o) * np.tanh(_sigmoid(i) * np.tanh(g)), rtol=1e-12)
    grads = lstm.lstm_backward(np.ones_like(h), cache)
    assert [g.shape for g in grads] == [x.shape, h0.shape, Wx.shape, Wh.shape, b.shape]
