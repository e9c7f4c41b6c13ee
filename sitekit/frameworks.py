"""What PyTorch and JAX return at each kink of the site's activations, measured.

`python -m sitekit.frameworks` needs torch and jax (not site requirements:
`pip install torch==2.13.0 "jax[cpu]"`); it evaluates each framework's own
function and its autodiff derivative at every kink listed in
sitekit/definitions.py (default parameters, float64) and writes
sitekit/framework_values.json with the versions it ran. The conventions page
reads that file, so its PyTorch and JAX columns are measurements, not
hearsay; tests/test_activations.py checks the file covers every kink.
"""

from __future__ import annotations

import datetime
import json
import math
import sys
from pathlib import Path

from sitekit.definitions import DEFINITIONS

OUTPUT = Path(__file__).resolve().parent / "framework_values.json"


def _torch_functions(torch):
    F = torch.nn.functional
    return {
        "binary_step": ("torch.heaviside(x, 1.0)", lambda x: torch.heaviside(x, torch.tensor(1.0, dtype=x.dtype))),
        "relu": ("torch.relu", torch.relu),
        "leaky_relu": ("torch.nn.functional.leaky_relu", lambda x, negative_slope: F.leaky_relu(x, negative_slope)),
        "elu": ("torch.nn.functional.elu", lambda x, alpha: F.elu(x, alpha)),
        "selu": ("torch.nn.functional.selu", F.selu),
        "celu": ("torch.nn.functional.celu", lambda x, alpha: F.celu(x, alpha)),
        "prelu": ("torch.nn.functional.prelu",
                  lambda x, alpha: F.prelu(x, torch.tensor([alpha], dtype=x.dtype))),
        "rrelu": ("torch.nn.functional.rrelu (training=False)",
                  lambda x, lower, upper, **_: F.rrelu(x, lower, upper, training=False)),
        "hardtanh": ("torch.nn.functional.hardtanh", lambda x, min_val, max_val: F.hardtanh(x, min_val, max_val)),
        "relu6": ("torch.nn.functional.relu6", F.relu6),
        "hardsigmoid": ("torch.nn.functional.hardsigmoid", F.hardsigmoid),
        "hardswish": ("torch.nn.functional.hardswish", F.hardswish),
        "softshrink": ("torch.nn.functional.softshrink", lambda x, lambd: F.softshrink(x, lambd)),
        "hardshrink": ("torch.nn.functional.hardshrink", lambda x, lambd: F.hardshrink(x, lambd)),
        "threshold": ("torch.nn.functional.threshold", lambda x, threshold, value: F.threshold(x, threshold, value)),
    }


def _jax_functions(jax, jnp):
    nn = jax.nn
    return {
        "binary_step": ("jnp.heaviside(x, 1.0)", lambda x: jnp.heaviside(x, 1.0)),
        "relu": ("jax.nn.relu", nn.relu),
        "leaky_relu": ("jax.nn.leaky_relu", lambda x, negative_slope: nn.leaky_relu(x, negative_slope)),
        "elu": ("jax.nn.elu", lambda x, alpha: nn.elu(x, alpha)),
        "selu": ("jax.nn.selu", nn.selu),
        "celu": ("jax.nn.celu", lambda x, alpha: nn.celu(x, alpha)),
        "hardtanh": ("jax.nn.hard_tanh (min_val = −1, max_val = 1 only)",
                     lambda x, min_val, max_val: nn.hard_tanh(x) if (min_val, max_val) == (-1.0, 1.0) else None),
        "relu6": ("jax.nn.relu6", nn.relu6),
        "hardsigmoid": ("jax.nn.hard_sigmoid", nn.hard_sigmoid),
        "hardswish": ("jax.nn.hard_swish", nn.hard_swish),
    }


def _number(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def measure() -> dict:
    import jax
    import jax.numpy as jnp
    import torch

    jax.config.update("jax_enable_x64", True)
    torch_functions, jax_functions = _torch_functions(torch), _jax_functions(jax, jnp)
    values: dict[str, list] = {}
    for name, definition in sorted(DEFINITIONS.items()):
        if not definition.kinks:
            continue
        params = dict(definition.params)
        rows = []
        for kink in definition.kinks:
            row = {"at": kink.at, "params": params}
            if name in torch_functions:
                label, fn = torch_functions[name]
                x = torch.tensor(kink.at, dtype=torch.float64, requires_grad=True)
                y = fn(x, **params)
                try:
                    (grad,) = torch.autograd.grad(y, x)
                    grad = _number(grad)
                except RuntimeError as error:  # no derivative defined
                    grad = f"error: {str(error).splitlines()[0][:120]}"
                row["torch"] = {"call": label, "f": _number(y.detach()), "grad": grad}
            if name in jax_functions:
                label, fn = jax_functions[name]
                x = jnp.asarray(kink.at, dtype=jnp.float64)
                y = fn(x, **params)
                if y is not None:
                    grad = jax.grad(lambda v, fn=fn: fn(v, **params))(x)
                    row["jax"] = {"call": label, "f": _number(y), "grad": _number(grad)}
            rows.append(row)
        values[name] = rows
    return {
        "torch": torch.__version__,
        "jax": jax.__version__,
        "measured": datetime.date.today().isoformat(),
        "values": values,
    }


def main() -> int:
    result = measure()
    OUTPUT.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT.name}: torch {result['torch']}, jax {result['jax']}, "
          f"{sum(len(v) for v in result['values'].values())} kinks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
