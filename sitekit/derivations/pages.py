"""Pages and the site: check_markdown with its memo and disk cache
(sitekit.cache), prefetch in worker processes, files, the whole site, and
the command line (`python -m sitekit.derivations [FILE ...]`)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict
from pathlib import Path

from sitekit import cache
from sitekit.derivations.chains import Comparison, _check_markdown, page_name
from sitekit.derivations.report import BlockOutcome, Report
from sitekit.derivations.snippets import check_against_snippet

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"

_checked: dict[tuple, Report] = {}  # ((markdown, src_uri, label, package signature), fingerprint)


def check_markdown(markdown: str, src_uri: str, label: str | None = None,
                   compare: Comparison | None = None) -> Report:
    """Check every align block of one page.

    src_uri: the page's path relative to docs/ (MkDocs' `page.file.src_uri`);
    messages name the file as `docs/<src_uri>:<line>`, or `<label>:<line>`.
    A page checked once in this process (same text) is not checked again:
    the build checks each page, and the site summary checks them all.
    Across processes, the result is kept on disk under the hash of the page
    and of all code it depends on (sitekit.cache): never stale.
    compare: how the last step meets the snippet (chains.Comparison); None is
    snippets.check_against_snippet, cached. Another callable is not part of
    the cache key, so its result is computed and kept nowhere."""
    if compare is not None and compare is not check_against_snippet:
        return _check_markdown(markdown, src_uri, label, compare)
    key = (markdown, src_uri, label, package_signature())
    memo_key = (key, cache.fingerprint())
    if memo_key not in _checked:
        stored = cache.memo("derivations", key, lambda: _stored_report(*key), code=code(src_uri))
        report = Report(**stored)
        report.outcomes = [BlockOutcome(*o) for o in report.outcomes]  # JSON keeps them as lists
        _checked[memo_key] = report
    return _checked[memo_key]


def code(src_uri: str) -> tuple[str, ...]:
    """What a page's check reads: sitekit/, and the snippet of the page's own
    function, which its chains' last steps are compared with (snippets.py)."""
    name = page_name(src_uri)
    return cache.reading(f"activations/{name}.py") if name else cache.reading()


def package_signature() -> str:
    """SHA-256 of this package's files, part of every cache key here:
    sitekit.cache's default code (sitekit/*.py) does not reach into
    sitekit/derivations/, and an edited checker must not reuse old reports."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _stored_report(markdown: str, src_uri: str, label: str | None, signature: str = "") -> dict:
    return asdict(_check_markdown(markdown, src_uri, label))


def prefetch(paths: list[Path]) -> int:
    """Start checking pages in worker processes, so the build renders other
    pages meanwhile; check_markdown then takes each result. Returns the
    number of pages sent to the workers (those not found in the cache)."""
    signature = package_signature()
    keys = [(Path(p).read_text(encoding="utf-8"), Path(p).resolve().relative_to(DOCS).as_posix(), None, signature)
            for p in paths]
    keys = [k for k in keys if (k, cache.fingerprint()) not in _checked]
    # The slowest pages first, so no worker is left with one long page at the end.
    keys.sort(key=lambda k: -k[0].count("\\begin{align"))
    return sum(cache.start("derivations", key, _stored_report, *key, code=code(key[1])) for key in keys)


def page_sources(paths: list[Path]):
    """(text, src_uri, label) of each file: a page of docs/ by its name there,
    any other file by its path (also its label)."""
    for path in paths:
        path = Path(path).resolve()
        try:
            src_uri, label = path.relative_to(DOCS).as_posix(), None
        except ValueError:
            src_uri = label = path.as_posix()
        yield path.read_text(encoding="utf-8"), src_uri, label


def check_files(paths: list[Path]) -> Report:
    report = Report()
    for text, src_uri, label in page_sources(paths):
        report += check_markdown(text, src_uri, label)
    return report


def check_site(docs: Path = DOCS) -> Report:
    """Every page of the site: what the home page's summary reports."""
    return check_files(sorted(Path(docs).rglob("*.md")))


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(DOCS.rglob("*.md"))
    started = time.perf_counter()
    report = check_files(paths)
    for line in report.lines:
        print(line)
    for error in report.errors:
        print(error)
    print(f"{report.summary()} ({report.symbolic} by simplify); {len(report.errors)} errors; "
          f"{len(paths)} files in {time.perf_counter() - started:.2f} s")
    return 1 if report.errors else 0
