"""Time the docs build: cold, warm, and `mkdocs serve` after editing one page.

    python -m tests.benchmarks.build_times [--json FILE]

All three run on a copy of the project in a temporary folder, so the
working tree and its cache are not touched:

1. cold: `mkdocs build --strict` with an empty cache folder (every block,
   derivation check, accuracy figure and the notebook run);
2. warm: the same build again, with the cache the cold build filled;
3. one-page rebuild: `mkdocs serve --dirty` (which rebuilds only the pages
   that changed) is started, one line is added
   to one page, and the time from that write to the server's "Reloading
   browsers" is taken (file watching and its debounce included).

Each prints wall-clock seconds, and the CPU seconds of the build and its
worker processes. Not part of the test command: timings need a quiet machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.sitebuild import build, build_env, copy_project

EDITED_PAGE = "activations/sigmoid.md"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(project: Path, cache: Path) -> dict:
    cpu, started = _children_cpu(), time.perf_counter()
    run = build(project, project / "site", BC_CACHE_DIR=str(cache))
    if run.returncode != 0:
        raise SystemExit(f"the build failed:\n{run.stderr[-3000:]}")
    return {"wall": time.perf_counter() - started, "cpu": _children_cpu() - cpu}


def serve_rebuild(project: Path, cache: Path, timeout: float = 600) -> dict:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        # --no-strict (mkdocs.yml sets strict): a dirty build always warns that it is one. Any other
        # warning fails the measurement below.
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-a", f"127.0.0.1:{port}"],
        cwd=project, env=build_env(BC_CACHE_DIR=str(cache)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own group: stopping it stops the process it forks too
    )
    log: list[str] = []

    def wait_for(pattern: str) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("mkdocs serve stopped:\n" + "".join(log[-40:]))
            log.append(line)
            if re.search(pattern, line):
                return time.perf_counter()
        raise SystemExit(f"no {pattern!r} within {timeout} s:\n" + "".join(log[-40:]))

    try:
        wait_for(r"Serving on")
        time.sleep(1.0)  # let the watcher settle
        page = project / "docs" / EDITED_PAGE
        edited = time.perf_counter()
        page.write_text(page.read_text() + "\nOne more line, to time a rebuild.\n")
        done = wait_for(r"Reloading browsers")
        benign = ("TCP without encryption", "A 'dirty' build is being performed")
        if any("WARNING" in line and not any(b in line for b in benign) for line in log):
            raise SystemExit("the rebuild warned:\n" + "".join(log[-40:]))
        return {"wall": done - edited, "page": EDITED_PAGE}
    finally:
        with contextlib.suppress(ProcessLookupError):  # mkdocs serve and its forked child (terminate() orphaned it)
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def measure() -> dict:
    with tempfile.TemporaryDirectory(prefix="bc-build-times-") as tmp:
        project = copy_project(Path(tmp) / "project")
        cache = Path(tmp) / "cache"
        figures = {"cold": timed_build(project, cache)}
        figures["warm"] = timed_build(project, cache)
        figures["serve_one_page"] = serve_rebuild(project, cache)
    figures["cores"] = os.cpu_count()
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = measure()
    for name, value in figures.items():
        print(f"{name}: {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
