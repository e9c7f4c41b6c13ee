"""A disk cache for expensive build-time work, keyed by content.

A result is stored under the SHA-256 of everything it is computed from:
its own inputs (a page's text, a function's name, a plot's data) and a
fingerprint of the code it may read: by default all of sitekit/ and
snippets/; a narrower set where a job names its files (the oracle reads only
its definitions; a page's derivation check, sitekit/ and the page's own
snippet). The fingerprint also holds the installed version of every
package pinned in requirements.txt. Change any of it and the key changes: a
cached result is never stale, only unused. A job whose key names only some
snippets fails if it opens another one (an audit hook watches), so a
narrow key cannot silently go stale.

Each stored file holds its key and a SHA-256 of its value next to the value:
a file edited, truncated or copied under another name fails the check, is
logged in one line and computed again. A folder that cannot be written
means compute and keep nothing.

- `BC_CACHE_DIR`: where results live (default `.cache/` in the project).
- `BC_CACHE=off`: compute everything, read and write nothing (a cold build).

A full build then deletes what it neither read nor wrote (prune()), so the
folder holds what the current code uses, not every result ever computed.
A folder named by BC_CACHE_DIR may be shared by several checkouts and is
left whole unless `BC_CACHE_PRUNE=on`; `BC_CACHE_PRUNE=off` keeps everything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("mkdocs.plugins.sitekit.cache")
# What a cached result may depend on, besides its own inputs: all of
# sitekit/, and all of snippets/ unless a job names the snippets it reads.
SITEKIT = ("sitekit/**/*.py", "sitekit/*.js", "sitekit/*.json")
_CODE = SITEKIT + ("snippets/**/*.py",)
SNIPPETS = ROOT / "snippets"


def reading(*snippets: str) -> tuple[str, ...]:
    """The code of a job that reads sitekit/ and only these snippets (paths under snippets/)."""
    return SITEKIT + tuple(f"snippets/{path}" for path in snippets)


def enabled() -> bool:
    return os.environ.get("BC_CACHE", "on").lower() not in ("off", "0", "no", "false")


def directory() -> Path:
    return Path(os.environ.get("BC_CACHE_DIR") or ROOT / ".cache")


_listings: dict[tuple, tuple[dict[Path, int], list[Path]]] = {}  # (root, patterns) -> (folders' mtimes, files)


def _code_files(patterns: tuple[str, ...]) -> list[Path]:
    """The files matching patterns, globbed again only when a folder they may
    be in changed (a file added, removed or renamed changes its folder's
    mtime): the build asks for every cache key, and a glob costs ms."""
    listing = _listings.get((ROOT, patterns))
    if listing is not None and all(_mtime(folder) == mtime for folder, mtime in listing[0].items()):
        return listing[1]
    folders = {ROOT}
    for top in {pattern.split("/", 1)[0] for pattern in patterns if "/" in pattern}:
        for folder, subfolders, _ in os.walk(ROOT / top):
            subfolders[:] = [name for name in subfolders if name != "__pycache__"]
            folders.add(Path(folder))
    mtimes = {folder: _mtime(folder) for folder in folders}
    files = sorted({
        path
        for pattern in patterns
        for path in ROOT.glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    })
    _listings[(ROOT, patterns)] = (mtimes, files)
    return files


def _mtime(folder: Path) -> int:
    try:
        return folder.stat().st_mtime_ns
    except OSError:
        return -1


def packages() -> list[str]:
    """The names pinned in requirements.txt (name==version lines)."""
    names = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            names.append(line.split("==", 1)[0].strip())
    return names


def fingerprint(code: tuple[str, ...] = _CODE) -> str:
    """SHA-256 of the files matching `code` (globs under the project root;
    by default all of sitekit/ and snippets/), of Python's version and of
    the installed version of every package pinned in requirements.txt.
    Recomputed when a file's size or modification time changes, so that
    `mkdocs serve` sees an edited snippet."""
    files = _code_files(tuple(code) + ("requirements.txt",))
    stats = [p.stat() for p in files]
    return _fingerprint(tuple((str(p), s.st_mtime_ns, s.st_size) for p, s in zip(files, stats)))


@lru_cache(maxsize=32)
def _fingerprint(signature: tuple) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name, _, _ in signature:
        path = Path(name)
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    digest.update(_versions(tuple(packages())))
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _versions(names: tuple[str, ...]) -> bytes:
    """The installed version of each package, read once per process: a
    package upgraded meanwhile is not the code this process imported.
    (Reading them for each of a build's ~200 code sets took 2 s.)"""
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for package in names:
        try:
            parts.append(f"{package}=={version(package)}\0")
        except PackageNotFoundError:
            parts.append(f"{package} missing\0")
    return "".join(parts).encode()


def notebook_folder() -> Path:
    """Where mkdocs-jupyter keeps executed notebooks: a folder per Python and
    package versions only. A notebook runs the code written into it
    (sitekit.notebook inlines the snippets) and mkdocs-jupyter keys each entry
    by the notebook's bytes, so an edit elsewhere in sitekit/ or snippets/
    cannot change its outputs and does not run it again."""
    return directory() / "notebooks" / fingerprint(())


def key(namespace: str, *parts: Any, code: tuple[str, ...] = _CODE) -> str:
    """The key of a result computed from `parts` by the code in `code`."""
    payload = json.dumps([namespace, fingerprint(code), *parts], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _path(namespace: str, digest: str) -> Path:
    return directory() / namespace / f"{digest}.json"


def checksum(digest: str, value: Any) -> str:
    """SHA-256 of a result's key and value, as stored next to them."""
    text = json.dumps([digest, value], sort_keys=True, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def load(namespace: str, digest: str) -> Any | None:
    """The stored result, or None when absent, unreadable, altered or caching is off."""
    if not enabled():
        return None
    path = _path(namespace, digest)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        stored = json.loads(text)
        ok = stored["key"] == digest and stored["sha256"] == checksum(digest, stored["value"])
    except (ValueError, TypeError, KeyError):
        ok = False
    if not ok:
        log.info(f"cache: {path} does not match its checksum (edited or damaged); computing it again")
        return None
    _touch(path)
    return stored["value"]


def identity(namespace: str, digest: str) -> tuple | None:
    """Which stored file holds a result now ((inode, size): store() writes a
    new file, load() only touches it), None when absent or caching is off."""
    if not enabled():
        return None
    try:
        stat = _path(namespace, digest).stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size


def _touch(path: Path) -> None:
    """Mark a result used by this build (its modification time), for prune()."""
    try:
        os.utime(path)
    except OSError:
        pass


def pruning() -> bool:
    """Whether a full build prunes the cache folder (see the module docstring)."""
    setting = os.environ.get("BC_CACHE_PRUNE", "").lower()
    if setting in ("on", "1", "yes", "true"):
        return enabled()
    if setting in ("off", "0", "no", "false"):
        return False
    return enabled() and not os.environ.get("BC_CACHE_DIR")


def prune(since: float) -> int:
    """Delete the stored results not read or written since `since` (a full
    build's start), and mkdocs-jupyter's folders of other fingerprints;
    return how many files went."""
    root = directory()
    removed = 0
    current = notebook_folder()
    for path in sorted(root.glob("*/*")):
        if path.parent.name == "notebooks":
            if path.is_dir() and path != current:
                removed += sum(1 for f in path.rglob("*") if f.is_file())
                shutil.rmtree(path, ignore_errors=True)
            continue
        try:
            if path.suffix == ".json" and path.stat().st_mtime < since:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def writable(folder: Path) -> bool:
    """Whether files can be created in folder (made if absent)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".probe"):
            return True
    except OSError:
        return False


def drop_damaged_notebooks(folder: Path) -> None:
    """Remove the entries of mkdocs-jupyter's cache that it could not read (it
    stores no checksum, and a damaged entry would crash the build), one line each."""
    for path in sorted(folder.glob("*.json")):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            ok = isinstance(entry["content"], str) and isinstance(entry["toc_tokens"], list)
        except (OSError, ValueError, TypeError, KeyError):
            ok = False
        if not ok:
            log.info(f"cache: {path} is not a notebook mkdocs-jupyter can read; executing it again")
            path.unlink(missing_ok=True)


def store(namespace: str, digest: str, value: Any) -> None:
    """Write atomically, so a reader never sees half a file. Where the cache
    folder cannot be written (a read-only checkout), nothing is kept: the
    result is computed again next time, which is slower, never wrong."""
    if not enabled():
        return
    path = _path(namespace, digest)
    # A value JSON cannot hold raises here, before any file exists.
    text = json.dumps({"key": digest, "sha256": checksum(digest, value), "value": value})
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as f:
            temporary = f.name
            f.write(text)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:  # a full disk: drop the part written
            with contextlib.suppress(OSError):
                os.unlink(temporary)


_pool: list[ProcessPoolExecutor] = []
_pending: dict[str, Future] = {}  # digest -> result computed by a worker
_after_job: list[Callable[[], None]] = []


def after_each_job(keep: Callable[[], None]) -> None:
    """Have every worker job end with keep() (in the worker): what a job
    computed on the way and keeps in memory (the oracle's exact values)
    is written for the build's other processes, which die with it otherwise."""
    if keep not in _after_job:
        _after_job.append(keep)


# While a job whose key names only some snippets computes: (namespace, the
# snippet files its key covers), innermost last; and what it read besides.
_reading: list[tuple[str, set[Path]]] = []
_outside: list[str] = []


def _audit(event: str, args: tuple) -> None:
    """Python's audit hook: a snippet file opened by a job whose key leaves it out."""
    if event != "open" or not _reading or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = Path(os.fsdecode(args[0]))
    if not path.is_relative_to(SNIPPETS):
        return
    if path.parent.name == "__pycache__":  # a snippet's bytecode stands for its source
        path = path.parent.parent / (path.name.split(".")[0] + ".py")
    for namespace, allowed in _reading:
        if path not in allowed:
            _outside.append(f"a {namespace} job read {path.relative_to(ROOT).as_posix()}, which its cache key "
                            f"leaves out: name the file in the job's code (sitekit/cache.py)")


sys.addaudithook(_audit)


def _computed(namespace: str, code: tuple[str, ...], compute: Callable[..., Any], *args: Any) -> Any:
    """compute(*args); where the key names only some snippets, it fails if
    the job opened another one (its result would go stale when that file changes)."""
    if "snippets/**/*.py" in code:
        return compute(*args)
    allowed = {path for path in _code_files(tuple(code)) if path.is_relative_to(SNIPPETS)}
    _reading.append((namespace, allowed))
    try:
        value = compute(*args)
    finally:
        _reading.pop()
    if _outside:
        problem = _outside[0]
        _outside.clear()
        raise RuntimeError(problem)
    return value


def _job(namespace: str, code: tuple[str, ...], compute: Callable[..., Any], *args: Any) -> Any:
    value = _computed(namespace, code, compute, *args)
    for keep in _after_job:
        keep()
    return value


def start(namespace: str, parts: tuple, compute: Callable[..., Any], *args: Any,
          code: tuple[str, ...] = _CODE) -> bool:
    """Compute compute(*args) in a worker process (one per core, forked,
    shared by all build-time work), unless it is stored or started already,
    so the build renders pages meanwhile; memo() with the same parts and
    code then takes the result. True if a worker got the job."""
    digest = key(namespace, *parts, code=code)
    if digest in _pending or (enabled() and _path(namespace, digest).exists()):
        return False
    if not _pool:
        _pool.append(ProcessPoolExecutor(max_workers=os.cpu_count() or 1,
                                         mp_context=multiprocessing.get_context("fork")))
    _pending[digest] = _pool[0].submit(_job, namespace, code, compute, *args)
    return True


def memo(namespace: str, parts: tuple, compute: Callable[[], Any], code: tuple[str, ...] = _CODE) -> Any:
    """compute(), or its stored result for the same parts and code, or the
    result of a worker that start() gave it to. The value must survive a JSON
    round trip as it is (lists, not tuples). `code`: the files compute() reads
    (globs), when fewer than all of sitekit/ and snippets/."""
    digest = key(namespace, *parts, code=code)
    pending = _pending.pop(digest, None)
    found = pending.result() if pending is not None else load(namespace, digest)
    if found is not None:
        if pending is not None:
            store(namespace, digest, found)
        return found
    value = _computed(namespace, code, compute)
    store(namespace, digest, value)
    return value
