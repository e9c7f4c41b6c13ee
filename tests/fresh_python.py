"""Run many small programs as `python -I -W error -c <code>` would, without
paying an interpreter start and NumPy's import for each one.

One `python -I -W error` server per worker imports NumPy and scipy.special
(what the shown blocks import) and nothing else, then forks a child per
program: the child runs the code in a new `__main__` namespace, in its own
folder, with its output in files, and exits with the code a fresh
interpreter would. A name the code does not import is undefined, as in a
fresh interpreter; a module the server imported is only not imported twice.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_SERVER = r"""
import atexit, builtins, json, os, sys, traceback
import numpy, scipy.special  # paid once; the forked children share them

for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.chdir(job["folder"])
        for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
            os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
        sys.argv = ["-c"]
        status = 0
        try:
            exec(compile(job["code"], "<string>", "exec"), {"__name__": "__main__", "__builtins__": builtins})
        except SystemExit as done:
            status = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except BaseException:
            traceback.print_exc()
            status = 1
        try:
            atexit._run_exitfuncs()
        except BaseException:
            traceback.print_exc()
            status = status or 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    _, wait = os.waitpid(pid, 0)
    print(json.dumps(os.waitstatus_to_exitcode(wait)), flush=True)
"""


class _Server:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-I", "-W", "error", "-c", _SERVER],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.lock = threading.Lock()

    def run(self, code: str, folder: Path) -> subprocess.CompletedProcess:
        with self.lock:
            self.process.stdin.write(json.dumps({"code": code, "folder": str(folder)}) + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError("the fresh-python server stopped")
        return subprocess.CompletedProcess(["python", "-I", "-W", "error", "-c", code], json.loads(answer),
                                           (folder / "stdout.txt").read_text(), (folder / "stderr.txt").read_text())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


def run_all(jobs: list[tuple[str, Path]], workers: int = 2) -> list[subprocess.CompletedProcess]:
    """Each (code, empty folder) run as a fresh `python -I -W error -c code` there, in order."""
    servers = [_Server() for _ in range(workers)]
    try:
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda n: servers[n % workers].run(*jobs[n]), range(len(jobs))))
    finally:
        for server in servers:
            server.close()
