"""tests/fresh_python.py answers as a fresh `python -I -W error -c` does:
same exit code, output and last line of the error, program by program."""

from __future__ import annotations

import subprocess
import sys

from fresh_python import run_all

PROGRAMS = [
    "import numpy as np\nprint(np.exp(1.0))",
    "print(np.exp(1.0))",  # NumPy is loaded in the server, but not imported here: NameError
    "import numpy as np\nprint(np.exp(1000.0))",  # a RuntimeWarning is an error
    "import numpy as np\nprint(np.float32(1e38) * np.float32(10))",
    "import warnings\nwarnings.warn('x')",
    "import sys\nsys.exit(3)",
    "import scipy.special as s\nprint(s.expit(0.0))",
    "import atexit\natexit.register(lambda: print('bye'))\nprint('hi')",
    "print(__name__, open('here.txt', 'w').write('x'))",  # runs in its own folder
]


def test_forked_runs_answer_as_fresh_interpreters(tmp_path):
    jobs = []
    for n, code in enumerate(PROGRAMS):
        (tmp_path / f"fork-{n}").mkdir()
        jobs.append((code, tmp_path / f"fork-{n}"))
    forked = run_all(jobs)
    for n, (code, run) in enumerate(zip(PROGRAMS, forked)):
        (tmp_path / f"fresh-{n}").mkdir()
        fresh = subprocess.run([sys.executable, "-I", "-W", "error", "-c", code], cwd=tmp_path / f"fresh-{n}",
                               capture_output=True, text=True, timeout=60)
        assert (run.returncode, run.stdout) == (fresh.returncode, fresh.stdout), code
        assert run.stderr.strip().splitlines()[-1:] == fresh.stderr.strip().splitlines()[-1:], code
    assert [r.returncode for r in forked] == [0, 1, 1, 1, 1, 3, 0, 0, 0]
    assert (tmp_path / "fork-8" / "here.txt").read_text() == "x"
