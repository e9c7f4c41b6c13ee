"""The hook's prefetch: the workers get each page's jobs in the order the
pages render, so the first page does not wait for every job of the site."""

from __future__ import annotations

from dataclasses import asdict

from sitebuild import ROOT

from sitekit import accuracy, cache, derivations, formulas, hook_prefetch

DOCS = ROOT / "docs"


def test_jobs_start_in_the_order_the_pages_render(monkeypatch):
    jobs = []
    monkeypatch.setattr(derivations, "prefetch", lambda paths: jobs.extend(("derivations", p) for p in paths) or 0)
    monkeypatch.setattr(cache, "start", lambda namespace, parts, compute, *args: jobs.append((namespace, parts)) or 1)
    short = accuracy.short_elementwise()[0]
    pages = [DOCS / "notation.md", DOCS / "activations" / f"{short}.md", DOCS / "backprop" / "chain_rule.md"]
    hook_prefetch.prefetch(pages, DOCS)
    # Each page's derivations, and right after its own page the short block's accuracy.
    kinds = [job[0] for job in jobs[:7]]
    assert kinds == ["derivations", "formulas", "derivations", "formulas", "short-accuracy", "derivations", "formulas"]
    assert [job[1] for job in jobs[:7] if job[0] == "derivations"] == pages
    assert jobs[4] == ("short-accuracy", (short,))
    # Then every other page, and the full measurements last (only the accuracy page, rendered last, reads them).
    rest = [job for job in jobs[7:] if job[0] == "derivations"]
    assert {path for _, path in rest} == set(DOCS.rglob("*.md")) - set(pages)
    assert jobs.index(("accuracy", (accuracy.elementwise_names()[0],))) > jobs.index(rest[-1])


def test_the_short_job_is_the_one_the_page_reads(monkeypatch):
    """hook_prefetch starts the job under the key accuracy.short_results takes it by."""
    started, read = [], []
    monkeypatch.setattr(derivations, "prefetch", lambda paths: 0)
    monkeypatch.setattr(cache, "start", lambda namespace, parts, compute, *args: started.append(
        (namespace, parts, compute, args)) or 1)
    monkeypatch.setattr(cache, "memo", lambda namespace, parts, compute, **kw: read.append((namespace, parts)))
    name = accuracy.short_elementwise()[0]
    hook_prefetch.prefetch([DOCS / "activations" / f"{name}.md"], DOCS)
    accuracy.short_results(name)
    assert next(job for job in started if job[0] == "short-accuracy") == (*read[0], accuracy.measure_short, (name,))


def test_the_formula_job_is_the_one_the_page_reads(monkeypatch):
    """The worker's job is keyed as formulas.check_markdown reads it, and its
    result is the report that function gives."""
    started, read = [], []
    monkeypatch.setattr(derivations, "prefetch", lambda paths: 0)
    monkeypatch.setattr(accuracy, "prefetch", lambda: None)
    monkeypatch.setattr(cache, "start", lambda namespace, parts, compute, *args: started.append(
        (namespace, parts, compute, args)) or 1)
    page = DOCS / "activations" / "sigmoid.md"
    hook_prefetch.prefetch([page], DOCS)
    (namespace, parts, compute, args), *_ = [job for job in started if job[0] == "formulas"]
    monkeypatch.setattr(cache, "memo", lambda namespace, parts, compute, **kw: read.append((namespace, parts)) or {})
    formulas.check_markdown(page.read_text(encoding="utf-8"), "activations/sigmoid.md")
    assert (namespace, parts) == read[0]
    monkeypatch.undo()
    assert compute(*args) == asdict(formulas.check_markdown(page.read_text(encoding="utf-8"), "activations/sigmoid.md"))
