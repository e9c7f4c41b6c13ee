"""The hook's prefetch: the workers get each page's jobs in the order the
pages render, so the first page does not wait for every job of the site."""

from __future__ import annotations

from dataclasses import asdict

from sitebuild import ROOT

from sitekit import accuracy, cache, derivations, formulas, hook_prefetch, summaries

DOCS = ROOT / "docs"


def test_jobs_start_in_the_order_the_pages_render(monkeypatch):
    jobs = []
    monkeypatch.setattr(derivations, "prefetch", lambda paths: jobs.extend(("derivations", p) for p in paths) or 0)
    monkeypatch.setattr(cache, "start", lambda namespace, parts, compute, *args, code=None: jobs.append(
        (namespace, parts)) or 1)
    short = accuracy.short_elementwise()[0]
    pages = [DOCS / "notation.md", DOCS / "activations" / f"{short}.md", DOCS / "backprop" / "chain_rule.md"]
    hook_prefetch.prefetch(pages, DOCS)
    # Each page's derivations, and right after its own page the short block's accuracy.
    kinds = [job[0] for job in jobs[:10]]
    assert kinds == ["derivations", "formulas", "summaries", "derivations", "formulas", "summaries", "short-accuracy",
                     "derivations", "formulas", "summaries"]
    assert [job[1] for job in jobs[:10] if job[0] == "derivations"] == pages
    assert jobs[6] == ("short-accuracy", (short,))
    # Then every other page, and the full measurements last (only the accuracy page, rendered last, reads them).
    rest = [job for job in jobs[10:] if job[0] == "derivations"]
    assert {path for _, path in rest} == set(DOCS.rglob("*.md")) - set(pages)
    assert jobs.index(("accuracy", (accuracy.elementwise_names()[0],))) > jobs.index(rest[-1])


def test_the_short_job_is_the_one_the_page_reads(monkeypatch):
    """hook_prefetch starts the job under the key accuracy.short_results takes it by."""
    started, read = [], []
    monkeypatch.setattr(derivations, "prefetch", lambda paths: 0)
    monkeypatch.setattr(cache, "start", lambda namespace, parts, compute, *args, code=cache._CODE: started.append(
        (namespace, parts, code, compute, args)) or 1)
    monkeypatch.setattr(cache, "memo", lambda namespace, parts, compute, code=cache._CODE: read.append(
        (namespace, parts, code)))
    name = accuracy.short_elementwise()[0]
    hook_prefetch.prefetch([DOCS / "activations" / f"{name}.md"], DOCS)
    accuracy.short_results(name)
    # The same namespace, parts and code: the same cache key.
    assert next(job for job in started if job[0] == "short-accuracy") == (*read[0], accuracy.measure_short, (name,))


def _started_and_read(monkeypatch, page, namespace: str, check, empty):
    """The job hook_prefetch starts in `namespace` for `page`, and the key that
    check(text, src_uri) reads its result by (its memo given `empty`)."""
    started, read = [], []
    monkeypatch.setattr(derivations, "prefetch", lambda paths: 0)
    monkeypatch.setattr(accuracy, "prefetch", lambda: None)
    monkeypatch.setattr(cache, "start", lambda namespace, parts, compute, *args, code=cache._CODE: started.append(
        (namespace, parts, code, compute, args)) or 1)
    hook_prefetch.prefetch([page], DOCS)
    job = next(job for job in started if job[0] == namespace)
    monkeypatch.setattr(cache, "memo", lambda namespace, parts, compute, code=cache._CODE: read.append(
        (namespace, parts, code)) or empty)
    check(page.read_text(encoding="utf-8"), page.relative_to(DOCS).as_posix())
    return job, read[0]


def test_the_formula_job_is_the_one_the_page_reads(monkeypatch):
    """The worker's job is keyed as formulas.check_markdown reads it, and its
    result is the report that function gives."""
    page = DOCS / "activations" / "sigmoid.md"
    (namespace, parts, code, compute, args), key = _started_and_read(monkeypatch, page, "formulas",
                                                                     formulas.check_markdown, {})
    assert (namespace, parts, code) == key
    monkeypatch.undo()
    assert compute(*args) == asdict(formulas.check_markdown(page.read_text(encoding="utf-8"), "activations/sigmoid.md"))


def test_a_cells_printed_chunks_are_one_block():
    """Where the kernel cut a cell's printed output depends on timing: the page
    shows the chunks as one block, so two executions give the same HTML."""
    from sitekit.hook_jupyter import joined_streams

    def child(text: str) -> str:
        return ('<div class="jp-OutputArea-child">\n<div class="jp-OutputPrompt jp-OutputArea-prompt"></div>\n'
                '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain" tabindex="0">\n'
                f"<pre>{text}\n</pre>\n</div>\n</div>")

    assert joined_streams(child("epoch 1") + "\n" + child("epoch 2\nepoch 5")) == child("epoch 1\nepoch 2\nepoch 5")
    assert joined_streams(child("one")) == child("one")
    stderr = child("oops").replace('data-mime-type="text/plain"', 'data-mime-type="application/vnd.jupyter.stderr"')
    assert joined_streams(child("one") + "\n" + stderr) == child("one") + "\n" + stderr


def test_the_summaries_job_is_the_one_the_page_reads(monkeypatch):
    """The worker's matrix-formula job is keyed as summaries.check_markdown reads it."""
    page = DOCS / "layers" / "lstm.md"
    (namespace, parts, code, compute, args), key = _started_and_read(monkeypatch, page, "summaries",
                                                                     summaries.check_markdown, [])
    assert (namespace, parts, code) == key
    assert (compute, args) == (summaries.check_markdown, (page.read_text(encoding="utf-8"), "layers/lstm.md"))
