"""Issue 15's fault table: each fault of the issue, injected again, and what catches it.

    python -m tests.benchmarks.faults [--only SUBSTRING ...] [-j 1] [--head] [--keep]

A pristine copy of the project (sitebuild.copy_project plus tests/ and
pyproject.toml; `--head`: the last commit, by `git archive`) is built once with
a copy of the shared warm cache (/tmp/bc-cache-shared, never written). Each
fault then gets a fresh copy of both, is injected as the issue describes it,
and what should catch it runs with its output time-stamped line by line:
`mkdocs build --strict`, the README's test command for one test, or `mkdocs serve`.
A row gives what caught it, the first line naming the file and line (a fault
caught without one is a finding), and the seconds to that line and to the exit.
A cache fault is caught when the build passes, says what it recomputed, and
builds the pristine site. If the pristine copy fails (others' work in
progress), faults are judged by the lines they add. The table is printed and
kept in test-artifacts/faults.md. Not in the test command: about an hour.
The faults themselves, and how each is injected: tests/benchmarks/fault_injections.py.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.benchmarks.fault_injections import FAULTS, Fault, read_only_cache, wrong_sigmoid_grad
from tests.sitebuild import ROOT, build_command, build_env, copy_project

SHARED_CACHE = Path("/tmp/bc-cache-shared")
# "path/to/file.md:12" (or .py, .ipynb, .yml): a message that names a file and a line.
FILE_LINE = re.compile(r"[\w./-]+\.(?:md|py|ipynb|yml|json):\d+")
PROBLEM = re.compile(r"^(?:ERROR|WARNING|FAILED|E )|Traceback|\w+Error:")
BENIGN = ("Kernel is running over TCP without encryption",)
TIMEOUT = 1800


@dataclass
class Row:
    fault: str
    caught_by: str
    message: str
    to_message: float | None
    to_exit: float
    caught: bool
    notes: list[str] = field(default_factory=list)


# --- running ----------------------------------------------------------------


class Stream:
    """A child's output, merged, each line time-stamped from `started` as it arrives."""

    def __init__(self, command: list[str], cwd: Path, env: dict):
        self.started = time.perf_counter()
        # Its own process group, so that stopping it stops what it forks (mkdocs serve's child).
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True)
        self.lines: list[tuple[float, str]] = []
        self.queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            item = (time.perf_counter() - self.started, line.rstrip("\n"))
            self.lines.append(item)
            self.queue.put(item)
        self.queue.put(None)

    def wait_for(self, pattern: str, timeout: float) -> tuple[float, str] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                item = self.queue.get(timeout=1)
            except queue.Empty:
                continue
            if item is None:
                return None
            if re.search(pattern, item[1]):
                return item
        return None

    def finish(self, timeout: float = TIMEOUT) -> float:
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):  # the build's worker processes too
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return time.perf_counter() - self.started


def _env(cache: Path, **extra: str) -> dict:
    env = build_env(BC_CACHE_DIR=str(cache), PYTHONUNBUFFERED="1", **extra)
    env.pop("BC_SITE", None)
    return env


def run_build(project: Path, cache: Path, site: Path, read_only: bool = False) -> Stream:
    command = build_command(project, site)
    env = _env(cache)
    if read_only:
        env.pop("BC_CACHE_DIR")
        bind = "mount --bind .cache .cache && mount -o remount,bind,ro .cache && exec \"$@\""
        command = ["unshare", "-rm", "sh", "-c", bind, "sh", *command]
    return Stream(command, project, env)


def _problems(lines: list[tuple[float, str]]) -> list[tuple[float, str]]:
    return [(t, s) for t, s in lines if PROBLEM.search(s) and not any(b in s for b in BENIGN)]


# What the unbroken copy's build printed: when it does not pass (the shared
# tree moves while others work), a fault is judged by the lines it adds.
BASELINE: dict = {"ok": True, "known": set(), "problems": []}
_COPY_PATH = re.compile(r"/\S*bc-faults-[^/\s]+/(?:pristine-site|pristine|warm-cache|fault-\d+/(?:project|site|cache))")


def _new(lines: list[tuple[float, str]]) -> list[tuple[float, str]]:
    return [(t, s) for t, s in lines if _COPY_PATH.sub("<copy>", s) not in BASELINE["known"]]


def judge(fault: Fault, stream: Stream, pattern: str, total: float, caught_by: str) -> Row:
    """The row of a fault that must fail: the first line naming the file and line."""
    code, lines = stream.process.returncode, _new(stream.lines)
    hit = next(((t, s) for t, s in lines if re.search(pattern, s)), None)
    located = next(((t, s) for t, s in lines if FILE_LINE.search(s)), None)
    problems = _problems(lines)
    notes = []
    if code == 0 or not (problems or hit):
        return Row(fault.name, f"**not caught**: {caught_by} " + ("passed" if code == 0 else "added no problem"),
                   "-", None, total, False, [f"exit {code}"] + [s[:160] for _, s in problems[:2]])
    if hit is None:
        notes.append(f"no line matches {pattern!r}")
    first = hit or located
    if first is None or not FILE_LINE.search(first[1]):
        notes.append("FINDING: no line names the file and line")
        first = first or (problems[0] if problems else lines[-1])
    if problems and first[0] - problems[0][0] > 1.0:  # pytest prints its E line with the file:line
        notes.append(f"reported before it ({problems[0][0]:.1f} s): {problems[0][1].strip()[:140]}")
    return Row(fault.name, f"{caught_by} (exit {code})", first[1].strip()[:200], first[0], total,
               hit is not None and bool(FILE_LINE.search(first[1])), notes)


def survived(fault: Fault, stream: Stream, pattern: str, total: float, site: Path, pristine_site: Path) -> Row:
    """The row of a cache fault: the build passes, says what it recomputed, and builds the pristine site."""
    code, lines = stream.process.returncode, _new(stream.lines)
    read_only = "Read-only" in pattern
    hit = next(((t, s) for t, s in lines if re.search(pattern, s)), None)
    problems = _problems(lines)
    notes = []
    different = _differing(pristine_site, site)
    failed = bool(problems) or (code != 0 and BASELINE["ok"])
    if failed:
        notes.append(f"FINDING: the build failed (exit {code}): " + (problems[0][1].strip()[:160] if problems else ""))
    if different:
        notes.append(f"FINDING: {len(different)} files differ from the pristine site: {', '.join(different[:4])}")
    if hit is None and not read_only:
        notes.append("FINDING: no line says which entry was recomputed")
    if read_only and hit is not None:
        notes.append("FINDING: the read-only cache was written to")
    caught = not failed and not different and (hit is None if read_only else hit is not None)
    message = "-" if hit is None else hit[1].strip()[:200]
    by = f"build {'passes' if BASELINE['ok'] else 'adds nothing'}, recomputes (exit {code})" if caught else f"build (exit {code})"
    return Row(fault.name, by, message, hit[0] if hit else None, total, caught, notes)


def _differing(first: Path, second: Path) -> list[str]:
    one = {p.relative_to(first) for p in first.rglob("*") if p.is_file()}
    two = {p.relative_to(second) for p in second.rglob("*") if p.is_file()}
    return sorted(str(p) for p in one ^ two) + sorted(
        str(p) for p in one & two if (first / p).read_bytes() != (second / p).read_bytes())


def run_pytest(fault: Fault, project: Path, cache: Path, pattern: str, folder: Path) -> Row:
    temp = folder / "tmp"
    temp.mkdir()
    stream = Stream([sys.executable, "-m", "pytest", fault.catcher, "-p", "no:cacheprovider"], project,
                    _env(cache, TMPDIR=str(temp)))
    total = stream.finish()
    left = sorted(p.name for p in temp.glob("bc-test-cache-*"))
    if left and stream.process.returncode == 0:
        return Row(fault.name, f"**not caught**: {fault.catcher} passed", f"left behind: {left[0]}", None, total,
                   False, ["FINDING: no test notices a session's leftover cache folder (this tool saw it)"])
    return judge(fault, stream, pattern, total, fault.catcher)


def run_serve(fault: Fault, project: Path, cache: Path, pattern: str) -> Row:
    with socket.socket() as probe:
        port = probe.bind(("127.0.0.1", 0)) or probe.getsockname()[1]
    stream = Stream([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], project, _env(cache))
    try:
        if stream.wait_for(r"Serving on", TIMEOUT) is None:
            return Row(fault.name, "serve", "mkdocs serve did not start", None, stream.finish(5), False,
                       [s for _, s in stream.lines[-3:]])
        time.sleep(2.0)  # the watcher settles
        edited = time.perf_counter() - stream.started
        wrong_sigmoid_grad(project)
        hit = stream.wait_for(pattern, TIMEOUT)
        done = stream.wait_for(r"Reloading browsers|Error building|Aborted", TIMEOUT) if hit else None
        time.sleep(2.0)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/backprop-checked/", timeout=30) as reply:
                alive = reply.status == 200
        except OSError as error:
            alive, notes = False, [f"FINDING: the server stopped answering after the failing rebuild: {error}"]
        else:
            notes = [] if alive else ["FINDING: the server answered with an error after the failing rebuild"]
        notes += [] if hit else ["FINDING: the snippet edit was not rebuilt, or not reported with page and line"]
        notes += [f"seconds from the edit; the server started in {edited:.0f} s"]
        return Row(fault.name, "mkdocs serve" + (", still serving" if alive else ""),
                   hit[1].strip()[:200] if hit else "-", hit[0] - edited if hit else None,
                   (done[0] if done else time.perf_counter() - stream.started) - edited, hit is not None and alive, notes)
    finally:
        with contextlib.suppress(ProcessLookupError):  # terminate() alone left serve's child orphaned
            os.killpg(stream.process.pid, signal.SIGTERM)
        stream.finish(60)


def pristine_copy(to: Path, head: bool) -> Path:
    """What the build and the tests read: the working tree (sitebuild.copy_project)
    or, with `head`, the last commit; every fault starts from this one copy."""
    parts = ("docs", "snippets", "sitekit", "mkdocs.yml", "requirements.txt", "tests", "pyproject.toml")
    if head:
        to.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", "HEAD", *parts], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(to)], input=archive.stdout, check=True)
        return to
    copy_project(to)
    shutil.copytree(ROOT / "tests", to / "tests", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")
    return to


def run_fault(fault: Fault, folder: Path, pristine: Path, warm: Path, pristine_site: Path) -> Row:
    project = shutil.copytree(pristine, folder / "project")
    cache = shutil.copytree(warm, folder / "cache")
    pattern = fault.inject(project, cache)
    if fault.catcher == "serve":
        return run_serve(fault, project, cache, pattern)
    if fault.catcher != "build":
        return run_pytest(fault, project, cache, pattern, folder)
    site = folder / "site"
    stream = run_build(project, cache, site, read_only=fault.inject is read_only_cache)
    total = stream.finish()
    if fault.survives:
        return survived(fault, stream, pattern, total, site, pristine_site)
    return judge(fault, stream, pattern, total, "mkdocs build --strict")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[Row], baseline: float) -> str:
    lines = [
        f"Faults of issue 15, each injected into a fresh copy with a warm cache "
        f"(the unbroken copy built in {baseline:.0f} s). Seconds from the start of the run "
        "(serve: from the edit) to the message, and to the exit.",
        "",
        *([] if BASELINE["ok"] else [
            f"**The unbroken copy itself failed** ({len(BASELINE['problems'])} problem lines, below): "
            "each fault is judged by the lines it adds to that build's output.", "",
            *[f"    {line}" for _, line in BASELINE["problems"]], ""]),
        "| fault | caught by | first message naming the file and line | s to message | s to exit | notes |",
        "|---|---|---|---:|---:|---|",
    ]
    for row in rows:
        to_message = f"{row.to_message:.1f}" if row.to_message is not None else "-"
        mark = "" if row.caught or row.caught_by.startswith("**not caught") else "**no file:line** "
        lines.append(f"| {_cell(row.fault)} | {mark}{_cell(row.caught_by)} | `{_cell(row.message)}` | "
                     f"{to_message} | {row.to_exit:.1f} | {_cell('; '.join(row.notes))} |")
    caught = sum(row.caught for row in rows)
    lines += ["", f"{caught} of {len(rows)} caught with a message naming the file and line "
                  "(cache faults: the build passed, said what it recomputed, and built the pristine site)."]
    return "\n".join(lines) + "\n"


def select(only: list[str] | None) -> list[Fault]:
    if not only:
        return FAULTS
    unknown = [o for o in only if not any(o.lower() in f.name.lower() for f in FAULTS)]
    if unknown:
        names = "\n  ".join(f.name for f in FAULTS)
        raise SystemExit(f"--only {unknown[0]!r} matches no fault; the faults are:\n  {names}")
    return [f for f in FAULTS if any(o.lower() in f.name.lower() for o in only)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="SUBSTRING", help="run the faults whose name has it")
    parser.add_argument("-j", type=int, default=1, help="faults run at once (default 1: the machine is shared)")
    parser.add_argument("--head", action="store_true", help="copy the last commit, not the working tree")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    args = parser.parse_args(argv)
    faults = select(args.only)
    tmp = Path(tempfile.mkdtemp(prefix="bc-faults-"))
    try:
        pristine = pristine_copy(tmp / "pristine", args.head)
        warm, pristine_site = tmp / "warm-cache", tmp / "pristine-site"
        if SHARED_CACHE.is_dir():
            shutil.copytree(SHARED_CACHE, warm)
        print(f"building the unbroken copy in {tmp} (cache warmed from {SHARED_CACHE}) ...", flush=True)
        stream = run_build(pristine, warm, pristine_site)
        baseline = stream.finish()
        BASELINE["known"] = {_COPY_PATH.sub("<copy>", s) for _, s in stream.lines}
        BASELINE["ok"], BASELINE["problems"] = stream.process.returncode == 0, _problems(stream.lines)
        if not pristine_site.is_dir() or not BASELINE["ok"] and not BASELINE["problems"]:
            tail = "\n".join(s for _, s in stream.lines[-40:])
            raise SystemExit(f"the unbroken copy does not build (exit {stream.process.returncode}):\n{tail}")
        print(f"unbroken copy built in {baseline:.0f} s, exit {stream.process.returncode}", flush=True)
        for _, line in BASELINE["problems"]:
            print(f"  already in the unbroken copy: {line}", flush=True)

        output = ROOT / "test-artifacts" / "faults.md"
        output.parent.mkdir(exist_ok=True)
        done: dict[int, Row] = {}
        lock = threading.Lock()

        def one(numbered: tuple[int, Fault]) -> Row:
            number, fault = numbered
            folder = tmp / f"fault-{number:02d}"
            folder.mkdir()
            print(f"[{number}] {fault.name} ...", flush=True)
            try:
                row = run_fault(fault, folder, pristine, warm, pristine_site)
            finally:
                if not args.keep:
                    shutil.rmtree(folder, ignore_errors=True)
            print(f"[{number}] {'caught' if row.caught else 'NOT CAUGHT'} by {row.caught_by} in "
                  f"{row.to_exit:.0f} s: {row.message[:120]}", flush=True)
            with lock:  # the rows so far, so that a run cut short still leaves its table
                done[number] = row
                output.write_text(table([done[k] for k in sorted(done)], baseline))
            return row

        with ThreadPoolExecutor(max_workers=max(1, args.j)) as pool:
            rows = list(pool.map(one, enumerate(faults, 1)))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(table(rows, baseline))
    print(f"written to {output}")
    return 0 if all(row.caught for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
