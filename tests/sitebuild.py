"""Building the site for the tests: one strict build shared by the test modules."""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


# A fixed build date: two builds of the same sources must give the same bytes.
SOURCE_DATE_EPOCH = "1700000000"


def build_command(project: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)]


_cache_dir: Path | None = None
# "<pid>:<folder>" of the process that made the run's cache: its pytest-xdist
# workers (its direct children) share that folder; anything else makes its own.
_RUN_CACHE = "BC_TEST_RUN_CACHE"


def _inherited_cache() -> Path | None:
    owner, _, folder = os.environ.get(_RUN_CACHE, "").partition(":")
    if folder and os.environ.get("PYTEST_XDIST_WORKER") and owner == str(os.getppid()):
        return Path(folder)
    return None


def cache_dir() -> Path:
    """One content-hash cache for the builds of a test run (sitekit.cache),
    empty at the start: the first build runs everything, and a later build of
    a changed copy recomputes only what the change touches. Made on first use
    (importing this module for a helper makes nothing) by the run's first
    process, which removes it at exit; its xdist workers use the same one."""
    global _cache_dir
    if _cache_dir is None:
        _cache_dir = _inherited_cache()
        if _cache_dir is None:
            _cache_dir = Path(tempfile.mkdtemp(prefix="bc-test-cache-"))
            os.environ[_RUN_CACHE] = f"{os.getpid()}:{_cache_dir}"
            atexit.register(shutil.rmtree, _cache_dir, ignore_errors=True)
    return _cache_dir


def owns_cache() -> bool:
    """Whether this process made the run's cache (and so removes it)."""
    return _inherited_cache() is None


def build_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
            "BC_CACHE_DIR": str(cache_dir()), **extra}


def offline_refused() -> str | None:
    """Why this machine cannot run a build with no network (`unshare -rn`), or None."""
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, text=True)
    if probe.returncode == 0:
        return None
    return probe.stderr.strip() or f"unshare exited with {probe.returncode}"


def build(project: Path, site: Path, offline: bool = False, **env: str) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of project into site; offline: in a network
    namespace with no way out (`unshare -rn`, loopback up: the notebooks'
    kernels talk to the build over it)."""
    # A session of its own, so that a timeout (or Ctrl-C) ends the build's
    # worker processes too, not only mkdocs, and leaves none computing.
    command = build_command(project, site)
    if offline:
        quoted = " ".join(shlex.quote(part) for part in command)
        command = ["unshare", "-rn", "sh", "-c", f"ip link set lo up && exec {quoted}"]
    with subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=build_env(**env), start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=900)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def copy_project(to: Path) -> Path:
    """What the build reads (docs/, snippets/, sitekit/, mkdocs.yml, and
    requirements.txt, whose pins are part of the cache's fingerprint), copied to `to`."""
    to.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for item in ("docs", "snippets", "sitekit"):
        shutil.copytree(ROOT / item, to / item, ignore=ignore)
    for item in ("mkdocs.yml", "requirements.txt"):
        shutil.copy(ROOT / item, to / item)
    return to


def site_url() -> str:
    """mkdocs.yml's site_url as the build reads it (SITE_URL in the environment
    overrides it), or "" when unset."""
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml"))["site_url"] or ""


def nav_pages() -> list[str]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)

    def walk(items):
        for item in items:
            for value in item.values():
                yield from walk(value) if isinstance(value, list) else [value]

    return list(walk(config["nav"]))


def html_path(page: str) -> str:
    """Where the build writes a page (a path under docs/), relative to the site."""
    stem = page.removesuffix(".md").removesuffix(".ipynb")
    return "index.html" if stem == "index" else stem.removesuffix("/index") + "/index.html"


def html_of(site: Path, page: str) -> str:
    return (site / html_path(page)).read_text()


def warnings_in(stderr: str) -> list[str]:
    """Lines of the build log that warn. ipykernel warns that the notebook's
    kernel talks to the build over loopback TCP without encryption: not a
    problem of the site, and not one a setting of ours can silence."""
    return [line for line in stderr.splitlines()
            if "WARNING" in line and "Kernel is running over TCP without encryption" not in line]
