"""Sentences of the two notebooks' prose that state a number (their sources
are sitekit/notebooks/*.md), each recomputed from the data, the snippets or
the notebook's own code (the gate: tests/test_prose_numbers.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

from sitekit.catalogue import load_snippet

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sitekit" / "notebooks"
cnn = load_snippet(ROOT / "snippets" / "network" / "cnn.py")
gradcheck = load_snippet(ROOT / "snippets" / "network" / "gradcheck.py")

def code_cells(name: str) -> str:
    """The Python cells of a notebook's source, one after the other."""
    return "\n".join(re.findall(r"```python\n(.*?)```", (SOURCES / name).read_text(encoding="utf-8"), re.S))


@pytest.mark.claim("backprop/train_mlp.ipynb", "on the handwritten digits that ship with scikit-learn (8 × 8 images, 10 classes; no download).")
@pytest.mark.claim("layers/train_cnn.ipynb", "on the handwritten digits that ship with scikit-learn (8 × 8 images, 10 classes; no download).")
@pytest.mark.claim("backprop/train_mlp.ipynb", "The model, for a batch $X$ of $N$ images with 64 pixels each,")
def test_the_digits_are_8_by_8_in_10_classes():
    digits = load_digits()
    assert digits.images.shape[1:] == (8, 8) and digits.data.shape[1] == 64
    assert sorted(set(digits.target)) == list(range(10))


@pytest.mark.claim("layers/train_cnn.ipynb", "the ReLU by its derivative (0 at 0), and the convolution by its index form.")
def test_the_cnn_relu_has_slope_0_at_0():
    assert cnn.relu_grad(np.array([0.0, -0.0])).tolist() == [0.0, 0.0]
    assert cnn.relu_grad(np.array([1e-300, -1e-300])).tolist() == [1.0, 0.0]


@pytest.mark.claim("layers/train_cnn.ipynb", "its step shrinking along half a cosine from `lr` in the first epoch towards 0.")
def test_the_cnn_step_shrinks_from_lr_towards_0():
    source = Path(cnn.__file__).read_text(encoding="utf-8")
    train = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef) and n.name == "train")
    step = next(n.value for n in ast.walk(train) if isinstance(n, ast.Assign) and n.targets[0].id == "step")
    epochs = 20
    steps = [eval(compile(ast.Expression(step), "step", "eval"), {"np": np, "lr": 1.0, "epoch": e, "epochs": epochs})
             for e in range(epochs)]
    assert steps[0] == 1.0 and all(a > b > 0 for a, b in zip(steps, steps[1:])) and steps[-1] < 0.01


@pytest.mark.claim("layers/train_cnn.ipynb", "so that the filters start on inputs centred on 0 with unit spread.")
def test_the_cnn_inputs_are_standardised():
    cell = next(c for c in re.findall(r"```python\n(.*?)```", (SOURCES / "train_cnn.md").read_text(), re.S)
                if "load_digits" in c)
    scope: dict = {"np": np}
    exec(cell.replace("print(", "str("), scope)
    x = scope["X_train"]
    assert abs(x.mean()) < 1e-12 and abs(x.std() - 1) < 1e-12


@pytest.mark.claim("backprop/train_mlp.ipynb", "It checks 20 random entries of each parameter (all of them where there are "
                   "fewer), on a batch of 32 training images,")
def test_the_mlp_check_takes_20_entries_of_32_images():
    code = code_cells("train_mlp.md")
    assert "count=20" in code and "X_train[:32], t_train[:32]" in code
    values = np.arange(10.0)
    result = gradcheck.gradient_check(lambda: float(values @ values), values, 2 * values, count=20,
                                      rng=np.random.default_rng(0))
    assert len(result["r"]) == values.size  # all of them where there are fewer


@pytest.mark.claim("backprop/train_mlp.ipynb", r"($\nu$, the smallest normal float, makes $r = 0$ where both are 0).")
def test_r_is_0_where_both_are_0():
    assert gradcheck.relative_error(np.array([0.0, 1.0]), np.array([0.0, 1.0])).tolist() == [0.0, 0.0]
    assert gradcheck.relative_error(np.array([0.0]), np.array([1e-300]))[0] == 1.0
