r"""Layer formulas with index arithmetic in their subscripts, checked numerically
against the snippets: conv2d's forward sum (X^pad at s i + u), the col2im sums of
conv2d's and pooling's backward (entries at (\alpha - u)/s, only where that is
an output position), and the LSTM's split of Z_t into its four gates.

sitekit.matrix_tex reads no arithmetic in a subscript, so each formula's
subscripts are read here from the page's TeX with SymPy's LaTeX parser and
evaluated with explicit loops, index by index, on seeded random arrays of odd
shapes (a swapped u and v cannot fit by chance). Each formula has a one-place
fault in its TeX that must fail, as in tests/test_formula_proofs.py."""

from __future__ import annotations

import itertools
import re

import numpy as np
import sympy as sp

from formula_proofs_reading import (
    Proof, display_formula, flat, proof_tests, read,
)
from sitekit.summaries import CLOSE
from sitekit.summary_bindings import snippet_file


def subscripts(tex: str, name: str) -> list[sp.Expr]:
    r"""The index expressions of `name`'s subscript (`X^{\mathrm{pad}}_{n,\,c,\,s i + u,\,s j + v}`),
    each read by SymPy's LaTeX parser; a subscript without commas is one letter per index."""
    found = re.search(re.escape(name) + r"_\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", tex)
    assert found, f"`{name}_{{...}}` is not in `{tex}`"
    inside = found.group(1).replace("\\,", "")
    parts = inside.split(",") if "," in inside else list(inside.replace(" ", ""))
    return [read(part.strip()) for part in parts]


def indexer(expressions: list[sp.Expr]):
    """A function of the index letters' values giving the integer index tuple, or None where
    an expression is not a whole number (a fractional (alpha - u)/s is no position)."""
    letters = sorted(set().union(*(e.free_symbols for e in expressions)), key=lambda s: s.name)
    functions = [sp.lambdify(letters, e) for e in expressions]

    def at(values: dict[str, int]):
        args = [values[s.name] for s in letters]
        numbers = [f(*args) for f in functions]
        if any(abs(v - round(v)) > 0 for v in numbers):
            return None
        return tuple(int(round(v)) for v in numbers)
    return at


def inside(index, shape) -> bool:
    return index is not None and all(0 <= i < n for i, n in zip(index, shape))


def close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= CLOSE * max(1.0, float(np.abs(b).max()))))


def _conv_case():
    rng = np.random.default_rng(20261207)
    X, W, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    return X, W, b, 2, 1  # stride s = 2, padding 1


def conv2d_forward_sum(tex: str) -> bool:
    """Y_{nfij} = b_f + sum_c sum_u sum_v W_{fcuv} X^pad at the TeX's index expressions, counting from 0."""
    assert "Y_{nfij} = b_f" in tex and "\\sum_{u=0}^{U-1} \\sum_{v=0}^{V-1}" in tex, f"`{tex}` changed shape"
    X, W, b, s, pad = _conv_case()
    Y, _ = snippet_file("layers/conv2d.py").conv2d_forward(X, W, b, stride=s, padding=pad)
    Xpad = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    w_at, x_at = indexer(subscripts(tex, "W")), indexer(subscripts(tex, "X^{\\mathrm{pad}}"))
    F, C, U, V = W.shape
    mine = np.zeros(Y.shape)
    for n, f, i, j in np.ndindex(Y.shape):
        total = b[f]
        for c, u, v in itertools.product(range(C), range(U), range(V)):
            values = {"n": n, "f": f, "i": i, "j": j, "c": c, "u": u, "v": v, "s": s}
            wi, xi = w_at(values), x_at(values)
            if not (inside(wi, W.shape) and inside(xi, Xpad.shape)):
                return False  # the formula reads an entry that does not exist
            total += W[wi] * Xpad[xi]
        mine[n, f, i, j] = total
    return close(mine, Y)


def col2im(tex: str, upstream: str, weight: str | None, Y_bar: np.ndarray, W: np.ndarray | None,
           shape: tuple, window: tuple[int, int], s: int, letters: str) -> np.ndarray:
    """The left side's array from the TeX's sum over offsets (u, v) (and filters f, when there is a
    weight), taking only the terms whose upstream index is an output position."""
    up_at = indexer(subscripts(tex, upstream))
    w_at = indexer(subscripts(tex, weight)) if weight else None
    U, V = window
    F = W.shape[0] if W is not None else 1
    out = np.zeros(shape)
    for index in np.ndindex(shape):
        values = dict(zip(letters, index)) | {"s": s}
        total = 0.0
        for u, v, f in itertools.product(range(U), range(V), range(F)):
            values |= {"u": u, "v": v, "f": f}
            yi = up_at(values)
            if not inside(yi, Y_bar.shape):
                continue  # (alpha - u)/s is no output position: the prose's condition
            total += Y_bar[yi] * (W[w_at(values)] if w_at else 1.0)
        out[index] = total
    return out


def conv2d_backward_sum(tex: str) -> bool:
    r"""\bar{X}^pad_{nc\alpha\beta} = sum_{u,v} sum_f \bar{Y} at ((alpha - u)/s, (beta - v)/s) W_{fcuv},
    cropped to X's entries, against conv2d_backward's dE/dx."""
    assert "\\sum_{u, v} \\sum_{f=1}^{F}" in tex, f"`{tex}` changed shape"
    X, W, b, s, pad = _conv_case()
    conv = snippet_file("layers/conv2d.py")
    Y, cache = conv.conv2d_forward(X, W, b, stride=s, padding=pad)
    Y_bar = np.random.default_rng(7).normal(size=Y.shape)
    dX = conv.conv2d_backward(Y_bar, cache)[0]
    shape = (X.shape[0], X.shape[1], X.shape[2] + 2 * pad, X.shape[3] + 2 * pad)
    Xpad_bar = col2im(tex, "\\bar{Y}", "W", Y_bar, W, shape, W.shape[2:], s, ["n", "c", "alpha", "beta"])
    return close(Xpad_bar[:, :, pad:-pad, pad:-pad], dX)


def pooling_backward_sum(tex: str) -> bool:
    r"""\bar{X}_{nc\alpha\beta} = sum_{u,v} \bar{M} at ((alpha - u)/s, (beta - v)/s, u, v), with \bar{M} the
    gradient of each window entry (max: the upstream gradient at the window's first maximum; average:
    its share 1/k^2), against maxpool2d_backward and avgpool2d_backward; 3 x 3 windows at stride 2 overlap."""
    assert "\\bar{X}_{nc\\alpha\\beta} = \\sum_{u, v}" in tex, f"`{tex}` changed shape"
    pool = snippet_file("layers/pooling.py")
    rng = np.random.default_rng(20261207)
    X, k, s = rng.normal(size=(2, 3, 9, 7)), 3, 2
    for kind in ("max", "avg"):
        Y, cache = getattr(pool, f"{kind}pool2d_forward")(X, k, s)
        Y_bar = rng.normal(size=Y.shape)
        windows = np.lib.stride_tricks.sliding_window_view(X, (k, k), axis=(2, 3))[:, :, ::s, ::s]
        if kind == "max":
            flat_windows = windows.reshape(*windows.shape[:4], k * k)
            first = np.eye(k * k)[flat_windows.argmax(axis=-1)].reshape(windows.shape)
            M_bar = first * Y_bar[..., None, None]
        else:
            M_bar = np.broadcast_to(Y_bar[..., None, None] / k ** 2, windows.shape)
        mine = col2im(tex, "\\bar{M}", None, M_bar, None, X.shape, (k, k), s, ["n", "c", "alpha", "beta"])
        if not close(mine, getattr(pool, f"{kind}pool2d_backward")(Y_bar, cache)):
            return False
    return True


_GATES = {"I": "sigmoid", "F": "sigmoid", "G": "tanh", "O": "sigmoid"}  # lstm.md's gate definitions


def lstm_block_row(tex: str) -> bool:
    r"""Z_t = X_t W_x + h_{t-1} W_h + b, split into H-column blocks in the order the block row
    [Z^I Z^F Z^G Z^O] names them: each block through its gate's function (sigma, or tanh for G) must
    give lstm_forward's gate, at every step."""
    first_row = "Z_t &= X_t W_x + h_{t-1} W_h + b"
    assert first_row in tex, f"`{tex}` no longer starts with `{first_row}`"
    order = re.findall(r"Z\^\{(\w)\}_t", tex.split("\\bigl[", 1)[1])
    if sorted(order) != sorted(_GATES):
        return False
    lstm = snippet_file("layers/lstm.py")
    rng = np.random.default_rng(20261207)
    N, T, D, H = 3, 4, 2, 5
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)
    h, cache = lstm.lstm_forward(x, h0, Wx, Wh, b)
    gates = cache[4]  # (N, T, 4H): i, f, g, o after their functions
    functions = {"sigmoid": lambda a: 1 / (1 + np.exp(-a)), "tanh": np.tanh}
    snippet_gates = dict(zip("IFGO", np.split(gates, 4, axis=-1)))
    for t in range(T):
        previous = h0 if t == 0 else h[:, t - 1]
        Z = x[:, t] @ Wx + previous @ Wh + b
        for letter, block in zip(order, np.split(Z, 4, axis=-1)):
            if not close(functions[_GATES[letter]](block), snippet_gates[letter][:, t]):
                return False
    return True


CONV = "layers/conv2d.md"
PROOFS: dict[str, Proof] = {
    "conv2d-forward-sum": Proof(
        CONV, display_formula(CONV, "\\begin{aligned} Y_{nfij} = b_f"), conv2d_forward_sum,
        ("s i + u", "s i + v"), display=True),
    "conv2d-backward-sum": Proof(
        CONV, display_formula(CONV, "\\begin{aligned} \\bar{X}^{\\mathrm{pad}}_{nc\\alpha\\beta}"), conv2d_backward_sum,
        ("(\\alpha-u)/s", "(\\alpha+u)/s"), display=True),
    "pooling-backward-sum": Proof(
        "layers/pooling.md", display_formula("layers/pooling.md", "\\bar{X}_{nc\\alpha\\beta} = \\sum_{u, v}"),
        pooling_backward_sum, ("(\\beta-v)/s,\\,u,\\,v", "(\\beta-u)/s,\\,u,\\,v"), display=True),
    "lstm-block-row": Proof(
        "layers/lstm.md", display_formula("layers/lstm.md", "\\begin{aligned} Z_t &= X_t W_x"), lstm_block_row,
        ("Z^{F}_t \\ \\ Z^{G}_t", "Z^{G}_t \\ \\ Z^{F}_t"), display=True),
}

test_the_formula_holds, test_a_faulty_formula_fails, test_every_checked_by_entry_names_a_proof = proof_tests(
    PROOFS, "test_formula_proofs_layers.py")


def test_subscripts_read_arithmetic():
    assert subscripts("X^{\\mathrm{pad}}_{n,\\,c,\\,s i + u,\\,s j + v}", "X^{\\mathrm{pad}}")[2] == read("s i + u")
    assert [str(e) for e in subscripts("W_{fcuv}", "W")] == ["f", "c", "u", "v"]
    assert indexer([read("(\\alpha-u)/s")])({"alpha": 3, "u": 0, "s": 2}) is None
    assert flat(" a \n b ") == "a b"
