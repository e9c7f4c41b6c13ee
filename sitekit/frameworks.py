"""What PyTorch and JAX return at each kink of the site's activations, measured.

`python -m sitekit.frameworks` needs torch and jax (not site requirements:
`pip install torch==2.13.0 "jax[cpu]"`); it evaluates each framework's own
function (each registry entry's `torch` and `jax` builds) and its autodiff
derivative at every kink of the entries (default parameters, float64) and writes
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

from sitekit.registry import REGISTRY

OUTPUT = Path(__file__).resolve().parent / "framework_values.json"


def _number(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def measure() -> dict:
    import jax
    import jax.numpy as jnp
    import torch

    jax.config.update("jax_enable_x64", True)
    values: dict[str, list] = {}
    for name, entry in sorted(REGISTRY.items()):
        if not entry.kinks:
            continue
        params = dict(entry.params)
        rows = []
        for kink in entry.kinks:
            row = {"at": kink.at, "params": params}
            if entry.torch.build:
                label, fn = entry.torch.call, entry.torch.build(torch)
                x = torch.tensor(kink.at, dtype=torch.float64, requires_grad=True)
                y = fn(x, **params)
                try:
                    (grad,) = torch.autograd.grad(y, x)
                    grad = _number(grad)
                except RuntimeError as error:  # no derivative defined
                    grad = f"error: {str(error).splitlines()[0][:120]}"
                row["torch"] = {"call": label, "f": _number(y.detach()), "grad": grad}
            if entry.jax.build:
                label, fn = entry.jax.call, entry.jax.build(jax)
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
