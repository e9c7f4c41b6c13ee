"""The expensive checks, started in worker processes (sitekit.cache.start)
at the start of the build, in the order the pages will need them.

The workers take jobs first come, first served, and a page waits for its
own results while it renders. So each page's derivation check, its display
and inline formula check, its matrix-formula check and the short-block
accuracy of its function go in the order the pages render;
the full accuracy measurements, which only the accuracy page reads (it
renders last, hooks.SUMMARY_PAGES), go after them. Sorted any other way
(the slowest first), the first page waits for every job before its own,
and the build's own work (executed blocks, typesetting) waits with it.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from sitekit import accuracy, cache, derivations, formulas, summaries


def prefetch(pages: list[Path], docs_dir: Path) -> int:
    """Start the checks of `pages` (in render order), then of any other page
    of docs_dir, then the accuracy measurements. The jobs started."""
    short = set(accuracy.short_elementwise())
    started = 0
    for path in pages:
        started += derivations.prefetch([path])
        # As formulas.check_markdown reads it: the page's text, its name in docs/, no label.
        text = path.read_text(encoding="utf-8")
        page = path.relative_to(docs_dir).as_posix()
        started += cache.start("formulas", (text, page, None), formula_report, text, page, code=formulas.CODE)
        # As summaries.check_markdown reads it (the LSTM page's matrix formulas take a second).
        started += cache.start("summaries", (text, page), summaries.check_markdown, text, page)
        name = page.removeprefix("activations/").removesuffix(".md")
        if page.startswith("activations/") and name in short:
            # As accuracy.short_results reads it (same namespace and parts).
            started += cache.start("short-accuracy", (name,), accuracy.measure_short, name,
                                   code=accuracy.short_code(name))
    started += derivations.prefetch(sorted(set(docs_dir.rglob("*.md")) - set(pages)))
    accuracy.prefetch()  # the full measurements, and any short one not started above
    return started


def formula_report(markdown: str, src_uri: str) -> dict:
    """formulas.check_markdown's report as its cache keeps it (a worker's result)."""
    return asdict(formulas.check_markdown(markdown, src_uri))
