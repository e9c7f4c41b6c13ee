import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Max ULP errors measured by the accuracy tests, printed after the run.
ACCURACY_RESULTS: list = []


def pytest_terminal_summary(terminalreporter):
    if not ACCURACY_RESULTS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("max ULP error vs the 50-digit oracle (where the exact value is normal)")
    write(f"{'function':34s} {'float32':>9s} {'float64':>9s}   (bound)")
    table: dict[str, dict[str, float]] = {}
    bounds: dict[str, float] = {}
    for r in ACCURACY_RESULTS:
        table.setdefault(r["label"], {})
        prev = table[r["label"]].get(r["dtype"], 0.0)
        table[r["label"]][r["dtype"]] = max(prev, r["max_ulp"])
        bounds[r["label"]] = r["bound"]
    for label in sorted(table):
        row = table[label]
        cells = [f"{row[d]:9.2f}" if d in row else f"{'-':>9s}" for d in ("float32", "float64")]
        write(f"{label:34s} {' '.join(cells)}   ({bounds[label]:g})")
