"""The one-hidden-layer network: its copies of the layer and loss code, its
whole-network gradient against finite differences, and a short training run
on scikit-learn's digits (8 x 8 images, 10 classes).
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from sitekit.catalogue import load_snippet

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
MLP_PATH = SNIPPETS / "network" / "mlp.py"
mlp = load_snippet(MLP_PATH)

# Where each function mlp.py carries a copy of lives.
COPIED_FROM = {
    "_as_float": "layers/dense.py",
    "_check_dense_shapes": "layers/dense.py",
    "dense_forward": "layers/dense.py",
    "dense_backward": "layers/dense.py",
    "activation_forward": "layers/activation.py",
    "activation_backward": "layers/activation.py",
    "_check_targets": "losses/softmax_cross_entropy.py",
    "_shifted_exp": "losses/softmax_cross_entropy.py",
    "softmax_cross_entropy": "losses/softmax_cross_entropy.py",
    "softmax_cross_entropy_grad": "losses/softmax_cross_entropy.py",
}
OWN = {"tanh_grad", "init_params", "forward", "backward", "loss_and_grads", "sgd_step", "predict", "train"}

LAYER_AND_LOSS_FILES = [
    "layers/dense.py",
    "layers/activation.py",
    "losses/mse.py",
    "losses/bce_with_logits.py",
    "losses/softmax_cross_entropy.py",
    "network/mlp.py",
]

# The step and the bound of the site's gradient check (snippets/network/gradcheck.py),
# chosen and backed by the numbers on docs/backprop/gradient_checking.md.
gradcheck = load_snippet(SNIPPETS / "network" / "gradcheck.py")
STEP = gradcheck.EPS
BOUND = gradcheck.GOOD

# The training run: fixed seed, fixed split, and the bar it must clear.
SEED = 0
HIDDEN = 32
LEARNING_RATE = 0.3
EPOCHS = 30
BATCH_SIZE = 32
MIN_ACCURACY = 0.95


def relative_error(a, b) -> float:
    """||a - b|| / max(||a||, ||b||)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, f"shapes differ: {a.shape} and {b.shape}"
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    assert scale > 0, "both are zero: comparing them would prove nothing"
    return float(np.linalg.norm(a - b) / scale)


def numerical_gradient(loss, array, step=STEP):
    """d loss() / d array by central differences, one entry at a time.
    loss() must read `array`, which is perturbed in place and restored."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + step
        up = loss()
        array[index] = original - step
        down = loss()
        array[index] = original
        grad[index] = (up - down) / (2 * step)
    return grad


# --- the copies ------------------------------------------------------------------------


def _top_level_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_mlp_defines_only_the_copies_and_its_own_functions():
    """A function added to mlp.py must be listed here, as a copy or as its own."""
    assert _top_level_functions(MLP_PATH) == set(COPIED_FROM) | OWN


@pytest.mark.parametrize("name", sorted(COPIED_FROM))
def test_mlp_copies_are_identical_to_the_snippets(name):
    source = load_snippet(SNIPPETS / COPIED_FROM[name])
    original = inspect.getsource(getattr(source, name))
    copy = inspect.getsource(getattr(mlp, name))
    assert copy == original, f"mlp.py's {name} has drifted from snippets/{COPIED_FROM[name]}: copy it again"


@pytest.mark.parametrize("relative", LAYER_AND_LOSS_FILES)
def test_as_float_is_the_shared_one(relative):
    """Every snippet carries the same _as_float as snippets/activations/sigmoid.py."""
    reference = inspect.getsource(load_snippet(SNIPPETS / "activations" / "sigmoid.py")._as_float)
    assert inspect.getsource(load_snippet(SNIPPETS / relative)._as_float) == reference


@pytest.mark.parametrize("relative", LAYER_AND_LOSS_FILES)
def test_snippets_import_numpy_only(relative):
    """A reader pastes the file: it may import NumPy and nothing of ours."""
    tree = ast.parse((SNIPPETS / relative).read_text())
    imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert [ast.unparse(node) for node in imports] == ["import numpy as np"]


# --- the network's gradient ----------------------------------------------------------------


def _tiny_instance(seed, targets):
    rng = np.random.default_rng(seed)
    params = mlp.init_params(5, 4, 3, rng)
    # Biases are 0 at init; random ones make their gradient check non-trivial.
    params["b1"] = rng.normal(size=4)
    params["b2"] = rng.normal(size=3)
    X = rng.normal(size=(6, 5))
    labels = rng.integers(3, size=6)
    T = labels if targets == "labels" else rng.dirichlet(np.ones(3), size=6)
    return params, X, T


@pytest.mark.parametrize("targets", ["labels", "probabilities"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_network_gradient_matches_finite_differences(seed, targets):
    params, X, T = _tiny_instance(seed, targets)
    _, grads = mlp.loss_and_grads(params, X, T)
    assert set(grads) == set(params)
    for name in params:
        numeric = numerical_gradient(lambda: mlp.loss_and_grads(params, X, T)[0], params[name])
        assert relative_error(grads[name], numeric) < BOUND, name


def test_tanh_grad_matches_finite_differences():
    x = np.linspace(-4, 4, 41)
    numeric = (np.tanh(x + STEP) - np.tanh(x - STEP)) / (2 * STEP)
    assert relative_error(mlp.tanh_grad(x), numeric) < BOUND


def test_backward_of_the_forward_caches_is_the_loss_gradient():
    """backward(G) with G = dL/dlogits for L = sum(G * logits): the chain rule alone."""
    params, X, _ = _tiny_instance(4, "labels")
    G = np.random.default_rng(5).normal(size=(6, 3))
    _, caches = mlp.forward(params, X)
    grads = mlp.backward(params, caches, G)
    for name in params:
        numeric = numerical_gradient(lambda: np.sum(G * mlp.forward(params, X)[0]), params[name])
        assert relative_error(grads[name], numeric) < BOUND, name


def test_init_params_shapes_and_seed():
    a = mlp.init_params(64, HIDDEN, 10, np.random.default_rng(SEED))
    b = mlp.init_params(64, HIDDEN, 10, np.random.default_rng(SEED))
    c = mlp.init_params(64, HIDDEN, 10, np.random.default_rng(SEED + 1))
    shapes = {"W1": (64, HIDDEN), "b1": (HIDDEN,), "W2": (HIDDEN, 10), "b2": (10,)}
    assert {name: value.shape for name, value in a.items()} == shapes
    assert all(np.array_equal(a[name], b[name]) for name in a)
    assert not np.array_equal(a["W1"], c["W1"])
    # Variance 1 / fan-in: pre-activations of order 1 for inputs of order 1.
    assert 0.8 < a["W1"].std() * np.sqrt(64) < 1.2
    assert 0.7 < a["W2"].std() * np.sqrt(HIDDEN) < 1.3


def test_sgd_step_moves_against_the_gradient_and_leaves_params_alone():
    params, X, T = _tiny_instance(6, "labels")
    before = {name: value.copy() for name, value in params.items()}
    loss, grads = mlp.loss_and_grads(params, X, T)
    stepped = mlp.sgd_step(params, grads, 1e-3)
    assert all(np.array_equal(params[name], before[name]) for name in params)
    for name in params:
        assert np.array_equal(stepped[name], params[name] - 1e-3 * grads[name])
    # A small enough step down the gradient lowers the loss.
    assert mlp.loss_and_grads(stepped, X, T)[0] < loss


def test_predict_is_the_class_of_the_largest_probability():
    params, X, _ = _tiny_instance(7, "labels")
    logits, _ = mlp.forward(params, X)
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert np.array_equal(mlp.predict(params, X), probabilities.argmax(axis=1))


# --- training on the digits ------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    # Pixels are 0..16: scaled to [0, 1], so the 1 / fan-in init fits them.
    X = data.data / 16.0
    return train_test_split(X, data.target, test_size=0.25, random_state=SEED, stratify=data.target)


def _train(X_train, y_train):
    rng = np.random.default_rng(SEED)
    params = mlp.init_params(X_train.shape[1], HIDDEN, 10, rng)
    return mlp.train(params, X_train, y_train, LEARNING_RATE, EPOCHS, BATCH_SIZE, rng)


def test_training_on_digits_reaches_the_bar(digits):
    X_train, X_test, y_train, y_test = digits
    params, epoch_losses = _train(X_train, y_train)
    accuracy = np.mean(mlp.predict(params, X_test) == y_test)
    print(f"held-out accuracy {accuracy:.4f} on {len(y_test)} digits; loss by epoch {epoch_losses[0]:.3f} -> {epoch_losses[-1]:.3f}")
    assert accuracy > MIN_ACCURACY
    assert len(epoch_losses) == EPOCHS
    assert epoch_losses[-1] < epoch_losses[0] / 10


def test_training_is_reproducible(digits):
    X_train, _, y_train, _ = digits
    # Two epochs are enough to see two runs diverge if anything is unseeded.
    rng_a, rng_b = np.random.default_rng(SEED), np.random.default_rng(SEED)
    a, _ = mlp.train(mlp.init_params(64, HIDDEN, 10, rng_a), X_train, y_train, LEARNING_RATE, 2, BATCH_SIZE, rng_a)
    b, _ = mlp.train(mlp.init_params(64, HIDDEN, 10, rng_b), X_train, y_train, LEARNING_RATE, 2, BATCH_SIZE, rng_b)
    assert all(np.array_equal(a[name], b[name]) for name in a)
