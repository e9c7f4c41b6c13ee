import numpy as np

SCALE = 1.0507009873554805  # lambda = 1.0507009873554804934...
SCALE_ALPHA = 1.7580993408473768  # lambda * alpha = 1.7580993408473768599...


def selu(x):
    """SELU(x) = lambda x for x > 0, lambda alpha (e^x - 1) for x <= 0."""
    x = np.asarray(x) * 1.0  # ints become float64; floats keep their type
    with np.errstate(over="ignore"):  # lambda x past the largest float: inf is right
        positive = SCALE * x
    # expm1 keeps e^x - 1 accurate near 0; min(x, 0) so that e^x never overflows
    return np.where(x > 0, positive, SCALE_ALPHA * np.expm1(np.minimum(x, 0)))


def selu_grad(x):
    """SELU'(x) = lambda for x > 0, lambda alpha e^x for x <= 0 (lambda alpha at 0)."""
    x = np.asarray(x) * 1.0
    return np.where(x > 0, SCALE, SCALE_ALPHA * np.exp(np.minimum(x, 0)))
