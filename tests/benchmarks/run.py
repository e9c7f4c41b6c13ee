"""Time every activation's forward and derivative next to the fastest equivalents.

    python -m tests.benchmarks.run [--write] [--repeats 20] [--size 1000000] [NAME ...]

Each function runs on 10**6 elements in float64 and float32, single-threaded,
in this one process, and the minimum of the repeats is kept. Beside ours: the
library equivalent (scipy.special where it has one), a NumPy one-liner, and
the naive textbook formula; the table gives ours / fastest of those, the time
of the page's short block (snippets/activations/short/), and a plain copy of
the array as the memory-bandwidth floor. `--write` writes
docs/performance.md (timings are never taken inside the deterministic build).
Not part of the test command: timings need a quiet machine.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import ctypes  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

from sitekit.accuracy import short_names, short_snippet  # noqa: E402
from sitekit.catalogue import elementwise_names, snippet  # noqa: E402

from sitekit.references import REFERENCES  # noqa: E402


def pin_allocator() -> bool:
    """Keep freed arrays in the process (glibc: no mmap for large blocks, no
    trimming), as a training loop that allocates the same sizes again and
    again soon does. Otherwise a timing depends on what ran before it: with
    each 4 MB array a fresh mmap, x - np.tanh(x) in float32 takes 2.2 ms
    instead of 0.7 ms, page faults and not arithmetic. Same state for ours
    and the references. False where this is not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        return bool(libc.mallopt(M_MMAP_THRESHOLD, 1 << 28)) and bool(libc.mallopt(M_TRIM_THRESHOLD, 1 << 30))
    except (OSError, AttributeError):
        return False


def best_time(fn, x, repeats: int) -> float:
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            fn(x)  # warm up
            for _ in range(repeats):
                started = time.perf_counter()
                fn(x)
                times.append(time.perf_counter() - started)
    return min(times)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}; single-threaded")


def run(names, size: int, repeats: int) -> tuple[list[dict], dict]:
    rng = np.random.default_rng(0)
    base = rng.uniform(-10, 10, size)
    rows = []
    floors = {}
    for dtype in (np.float64, np.float32):
        x = base.astype(dtype)
        floors[np.dtype(dtype).name] = best_time(np.copy, x, repeats)
        for name in names:
            module = snippet(name)
            short = short_snippet(name) if name in short_names() else None
            for which in ("f", "grad"):
                ours = getattr(module, name if which == "f" else f"{name}_grad")
                references = REFERENCES.get(name, {}).get(which, [])
                ours_time = best_time(ours, x, repeats)
                # The short block each page opens with (the one readers copy).
                short_fn = getattr(short, name if which == "f" else f"{name}_grad") if short else None
                short_time = best_time(short_fn, x, repeats) if short_fn else None
                timed = [(label, best_time(fn, x, repeats)) for label, fn in references]
                fastest = min(timed, key=lambda t: t[1]) if timed else None
                rows.append({
                    "name": name if which == "f" else f"{name}_grad", "dtype": np.dtype(dtype).name,
                    "ours_ms": ours_time * 1e3,
                    "short_ms": short_time * 1e3 if short_time is not None else None,
                    "reference": fastest[0] if fastest else "—",
                    "reference_ms": fastest[1] * 1e3 if fastest else None,
                    "ratio": ours_time / fastest[1] if fastest else None,
                })
    return rows, floors


# Why a function stays above 1.2x its fastest reference: what ours does
# that the reference does not. Shown on the page next to the ratio.
SLOWER_BECAUSE = {
    "relu": "keeps ReLU(−0.0) = +0.0 (one more pass); NumPy's kernels return −0.0 for some dtypes",
    "relu6": "keeps relu6(−0.0) = +0.0 (one more pass)",
    "hardtanh_grad": "passes NaN on (one extra read of x); the reference turns NaN into 0",
    "hardshrink_grad": "passes NaN on (one extra read of x); the reference turns NaN into 0",
    "softshrink_grad": "passes NaN on (one extra read of x); the reference turns NaN into 0",
    "relu_grad": "passes NaN on (one extra read of x); the reference turns NaN into 0",
    "relu6_grad": "passes NaN on (one extra read of x); the reference turns NaN into 0",
    "threshold_grad": "passes NaN on (one extra read of x); the reference turns NaN into 0",
    "binary_step": "passes NaN on (one extra read of x); the reference turns NaN into 1 or 0",
    "binary_step_grad": "reads x to pass NaN on: one pass (np.clip(x, 0, 0)) as fast as the plain copy below, "
                        "the least a function that reads x can take; zeros_like never reads x, only writes",
    "linear_grad": "reads x to pass NaN on: one pass (np.clip(x, c, c)) as fast as the plain copy below, "
                   "the least a function that reads x can take; ones_like never reads x, only writes",
    "leaky_relu": "float32: the slope 0.01 is not a float32, so the product is formed in float64 and rounded once",
    "rrelu": "float32: the slope is not a float32, so the product is formed in float64 and rounded once",
    "gelu": "float64: x·ndtr(x) is one compiled loop but rounds x/√2 first: 33 ULP off at x = −10.5, 1190 ULP at −37.2; "
            "ours stays within 2 ULP with NumPy only (erfc by fdlibm's method, about 45 passes, branches sorted per block)",
    "gelu_grad": "float64: as for gelu, ndtr + x·φ loses the same accuracy; ours stays within 4.2 ULP",
    "softplus": "log(1+exp(x)) loses every digit below x ≈ −37 in float64 (−17 in float32); ours pays NumPy's log1p "
                "(1.14 ms against 0.94 for log, float64) and two passes (min, max) that keep exp from overflowing",
    "softsign": "x/(1+|x|) decreases between some neighbouring floats (each rounding of 1+|x| is a jump); "
                "ours is 1/(1 + 1/|x|), which cannot: two divisions, in float64 for float32 (rounded once)",
    "swish_grad": "float32: float32 arithmetic grows the error near the slope's root (t ≈ −1.28) past 8 ULP, so ours works in float64",
    "mish": "float32: ours computes in float64 and rounds once (0.5 ULP); the float32 reference gives that up",
    "mish_grad": "float32: as for swish′, ours works in float64 near the slope's root; the reference loses accuracy there and in the left tail",
    "tanhshrink": "x − tanh(x) keeps no correct digit near 0, so the x with |x| ≤ 1.03 (10 % here) get a Padé ratio. "
                  "Finding them (np.flatnonzero over 10⁶ flags: 0.53 ms in float32) takes as long as the whole float32 "
                  "reference; gather, ratio and scatter add about 0.6 ms. Masked forms (np.where, copyto with where=) are slower still",
    "hardswish": "−inf gives 0 (not NaN), 6x cannot overflow, and x near −3 keeps its accuracy: two more passes",
}


def merged(rows) -> list[dict]:
    """One row per function: float64 and float32 side by side."""
    out: dict[str, dict] = {}
    for r in rows:
        out.setdefault(r["name"], {"name": r["name"]})[r["dtype"]] = r
    return list(out.values())


def table(rows, floors, size) -> str:
    # The wrapper gives the prose column room to read (docs/stylesheets/extra.css).
    lines = ['<div class="bc-prose-last" markdown>', "",
             "| function | ours, float64 (ms) | ÷ fastest | short, float64 (ms) | ours, float32 (ms) | ÷ fastest "
             "| short, float32 (ms) | fastest reference | above 1.2 because |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for row in merged(rows):
        cells, references, slow = [f"`{row['name']}`"], [], False
        for dtype in ("float64", "float32"):
            r = row.get(dtype)
            if r is None:
                cells += ["", "", ""]
                continue
            ratio = r["ratio"]
            cells += [f"{r['ours_ms']:.2f}", "—" if ratio is None else (f"**{ratio:.2f}**" if ratio > 1.2 else f"{ratio:.2f}"),
                      "—" if r.get("short_ms") is None else f"{r['short_ms']:.2f}"]
            slow = slow or (ratio is not None and ratio > 1.2)
            if r["reference"] not in references:
                references.append(r["reference"])
        # A | in prose (|x|) would end the cell: escape it; in a code span it does not.
        reason = SLOWER_BECAUSE.get(row["name"], "not yet explained") if slow else ""
        cells.append(" / ".join(f"`{r}`" for r in references))
        cells.append(reason.replace("|", "\\|"))
        lines.append("| " + " | ".join(cells) + " |")
    floor = ", ".join(f"{dtype}: {seconds * 1e3:.2f} ms" for dtype, seconds in floors.items())
    lines += ["", "</div>"]
    return "\n".join(lines) + f"\n\nMemory-bandwidth floor, a plain copy of the {size:,} elements: {floor}.\n"


BUILD_START, BUILD_END = "<!-- build-times:start -->", "<!-- build-times:end -->"


def build_section(measure: bool) -> str:
    """The page's "Build" section: measured now, or kept from the page as it is."""
    page = ROOT / "docs" / "performance.md"
    if not measure:
        old = page.read_text(encoding="utf-8") if page.exists() else ""
        if BUILD_START in old and BUILD_END in old:
            return old[old.index(BUILD_START):old.index(BUILD_END) + len(BUILD_END)] + "\n"
        return ""
    from tests.benchmarks import build_times

    figures = build_times.measure()
    return (
        f"{BUILD_START}\n## Build\n\n"
        f"- Date: {datetime.date.today().isoformat()}; {os.cpu_count()} cores; measured by `tests/benchmarks/build_times.py`.\n\n"
        "| build | wall (s) | CPU, all processes (s) |\n|---|---:|---:|\n"
        f"| cold `mkdocs build --strict`, empty cache: every block, check, figure and the notebook run | "
        f"{figures['cold']['wall']:.1f} | {figures['cold']['cpu']:.1f} |\n"
        f"| warm `mkdocs build --strict`, the cache the cold build filled | "
        f"{figures['warm']['wall']:.1f} | {figures['warm']['cpu']:.1f} |\n"
        f"| `mkdocs serve --dirty`: from saving `docs/{figures['serve_one_page']['page']}` to the reload | "
        f"{figures['serve_one_page']['wall']:.1f} | |\n"
        f"{BUILD_END}\n"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="write docs/performance.md")
    parser.add_argument("--build", action="store_true",
                        help="with --write: also time the docs build (build_times.py); else keep the page's build section")
    args = parser.parse_args(argv)
    names = args.names or elementwise_names()
    pinned = pin_allocator()
    rows, floors = run(names, args.size, args.repeats)
    text = table(rows, floors, args.size)
    print(text)
    over = [r for r in rows if r["ratio"] is not None and r["ratio"] > 1.2]
    print(f"{len(over)} of {sum(r['ratio'] is not None for r in rows)} timings above 1.2x the fastest reference")
    if args.write:
        build = build_section(args.build)
        page = ROOT / "docs" / "performance.md"
        page.write_text(
            "# Performance\n\n"
            "How fast the site's snippets run, next to the fastest equivalent a reader could use instead:\n"
            "the library function (SciPy's `scipy.special` where it has one), a NumPy one-liner, or the naive formula.\n"
            "The references are not all accurate: the [accuracy page](accuracy.md) measures what the snippets pay for.\n"
            "This page is written by the benchmark script, not by the build: timings need a quiet machine,\n"
            "and the build must give the same bytes every time.\n\n"
            "## Snippets\n\n"
            f"- Machine: {machine()}.\n"
            f"- Date: {datetime.date.today().isoformat()}.\n"
            f"- Arrays of {args.size:,} elements, uniform in [−10, 10]; minimum of {args.repeats} runs.\n"
            + ("- Freed arrays stay in the process (glibc `mallopt`), as in a training loop that allocates "
               "the same sizes again and again: no timing pays for page faults that another order of runs would avoid.\n"
               if pinned else "- The allocator could not be pinned here: timings include page faults and depend on run order.\n")
            +
            "- Ratios above 1.2 are in bold, with what the snippet does that the reference does not.\n"
            "- \"short\": the short block each page's Implementation opens with, the one a reader copies.\n"
            "- Reproduce: `python -m tests.benchmarks.run --write --build`.\n\n"
            + text + "\n" + build, encoding="utf-8")
        print(f"wrote {page.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
