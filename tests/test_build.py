"""`mkdocs build --strict` is the build: it passes on the real site, and it
fails, naming the page, when a block raises, an include is missing or a
formula is malformed."""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sitekit import mathcheck

ROOT = Path(__file__).resolve().parent.parent
SKELETON = [
    "definition", "plot", "derivative", "implementation",
    "numerics-naive-vs-stable", "convention-at-kinks", "common-mistakes", "verified-by",
]


from conftest import FAULTS  # noqa: E402
from sitebuild import build, build_command, build_env, html_of, nav_pages  # noqa: E402


def test_every_page_built_and_every_block_ran(site):
    for page in nav_pages():
        text = html_of(site, page)
        assert "Traceback (most recent call last)" not in text, page
        assert "markdown-exec" not in text.lower() or "error" not in text.lower(), page


FUNCTION_PAGES = [
    p for p in nav_pages()
    if p.startswith("activations/") and (ROOT / "snippets" / p.replace(".md", ".py")).exists()
]


def test_every_snippet_has_a_function_page():
    snippets = {f"activations/{p.stem}.md" for p in (ROOT / "snippets" / "activations").glob("*.py")}
    assert snippets == set(FUNCTION_PAGES), snippets ^ set(FUNCTION_PAGES)


@pytest.mark.parametrize("page", FUNCTION_PAGES)
def test_activation_page_skeleton_and_plot(site, page):
    text = html_of(site, page)
    ids = re.findall(r'<h2 id="([^"]+)"', text)
    expected = [s for s in SKELETON]
    present = [i for i in ids if i in expected]
    assert present == expected, f"{page}: headings {ids}"
    assert re.search(r'<div class="bc-plot"><svg', text), f"{page}: no plot"


@pytest.mark.parametrize("page", nav_pages())
def test_included_code_is_shown_verbatim(site, page):
    """Each `--8<-- "file:section"` of a page appears, character for character,
    in the built page: the code shown is the code in snippets/."""
    source = (ROOT / "docs" / page).read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", html_of(site, page)))
    # Only a line that starts with the marker is an include; one quoted in prose is not.
    for path, section in re.findall(r'^[ \t]*--8<-- "([^":]+):([^"]+)"', source, re.M):
        lines = (ROOT / "snippets" / path).read_text().splitlines()
        start = lines.index(f"# --8<-- [start:{section}]")
        end = lines.index(f"# --8<-- [end:{section}]")
        for line in lines[start + 1 : end]:
            # Markers of a nested section are not shown: pymdownx drops them.
            if line.strip() and "--8<--" not in line:
                assert line.strip() in text, f"{page}: {path}:{section}: {line!r} not shown"


def test_no_request_to_another_host(site):
    """No script, stylesheet, font, image or frame comes from another host."""
    offenders = []
    for path in site.rglob("*.html"):
        text = path.read_text()
        for tag, url in re.findall(r"<(script|link|img|iframe|source)\b[^>]*?(?:src|href)=\"([^\"]+)\"", text):
            if re.match(r"(https?:)?//", url):
                offenders.append(f"{path.relative_to(site)}: <{tag}> {url}")
    for path in site.rglob("*.css"):
        offenders += [f"{path.relative_to(site)}: {u}" for u in re.findall(r"url\((?:['\"])?(https?://[^)'\"]+)", path.read_text())]
    assert not offenders, "\n".join(offenders)


def test_mathjax_is_served_from_its_package(site):
    served = site / "assets" / "mathjax" / "tex-svg.js"
    assert served.read_bytes() == (Path(mathcheck.MATHJAX_ES5) / "tex-svg.js").read_bytes()
    for page in nav_pages():
        assert 'src="' in html_of(site, page) and "assets/mathjax/tex-svg.js" in html_of(site, page)


def test_plots_are_deterministic(site):
    """The same snippet gives byte-identical SVG (no dates, no random ids)."""
    from sitekit.catalogue import snippet
    from sitekit.plots import plot_activation

    s = snippet("sigmoid")
    first = plot_activation("σ", s.sigmoid, s.sigmoid_grad)
    assert first == plot_activation("σ", s.sigmoid, s.sigmoid_grad)
    assert "currentColor" in first and "<dc:date>" not in first


def test_plot_of_bad_data_fails():
    from sitekit.plots import plot_function

    with pytest.raises(ValueError, match="not finite"):
        plot_function([("bad", lambda x: np.where(x > 0, np.nan, x))])


# Faults injected into a copy of the project: each must fail the build and
# name the page (and line or block).


@pytest.fixture
def project(tmp_path) -> Path:
    copy = tmp_path / "project"
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for item in ("docs", "snippets", "sitekit"):
        shutil.copytree(ROOT / item, copy / item, ignore=ignore)
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    return copy


def inject(project: Path, page: str, text: str) -> None:
    path = project / "docs" / page
    path.write_text(path.read_text() + "\n" + text + "\n")


def record(fault: str, run: subprocess.CompletedProcess, pattern: str) -> None:
    """Assert the build failed with a line matching `pattern`; keep that line
    for the fault table printed at the end of the test run."""
    assert run.returncode != 0, f"{fault}: the build passed"
    log = run.stdout + run.stderr
    line = next((line for line in log.splitlines() if re.search(pattern, line)), None)
    assert line is not None, f"{fault}: no line matches {pattern!r} in\n{log[-3000:]}"
    FAULTS.append((fault, "mkdocs build --strict", line.strip()[:160]))


def test_fault_malformed_formula(project, tmp_path):
    inject(project, "activations/sigmoid.md", "A broken formula: \\(\\frac{1}{2\\).")
    run = build(project, tmp_path / "site")
    lines = (project / "docs/activations/sigmoid.md").read_text().count("\n")
    record("malformed formula", run, rf"docs/activations/sigmoid\.md:{lines}: MathJax cannot typeset")


def test_fault_undefined_macro(project, tmp_path):
    inject(project, "notation.md", "A typo: \\(\\sigmaa(x)\\).")
    run = build(project, tmp_path / "site")
    record("undefined macro", run, r"docs/notation\.md:\d+: .*sigmaa")


def test_fault_snippet_raises(project, tmp_path):
    inject(project, "activations/sigmoid.md", '```python exec="on" session="sigmoid"\nsigmoid("x")\n```')
    run = build(project, tmp_path / "site")
    record("executed block raises", run, r"docs/activations/sigmoid\.md: .*Execution of python code block")
    # The block is named too: its session and number on the page, and its code.
    assert "<code block: session sigmoid; n" in run.stderr and "TypeError" in run.stderr


def test_fault_missing_snippet_section(project, tmp_path):
    inject(project, "activations/sigmoid.md", '```python\n--8<-- "activations/sigmoid.py:no_such_section"\n```')
    run = build(project, tmp_path / "site")
    record("include of a missing section", run, r"activations/sigmoid\.md.*no_such_section|no_such_section.*activations/sigmoid\.md")


def test_fault_missing_snippet_file(project, tmp_path):
    inject(project, "notation.md", '```python\n--8<-- "activations/nothing.py"\n```')
    run = build(project, tmp_path / "site")
    record("include of a missing file", run, r"notation\.md.*nothing\.py|nothing\.py.*notation\.md")


def test_fault_broken_link(project, tmp_path):
    inject(project, "notation.md", "See [nowhere](activations/nowhere.md) and [here](#no-such-anchor).")
    run = build(project, tmp_path / "site")
    record("broken internal link", run, r"notation\.md.*nowhere\.md")
    assert re.search(r"notation\.md.*no-such-anchor", run.stderr), run.stderr


def test_fault_wrong_derivation_step(project, tmp_path):
    page = project / "docs/activations/sigmoid.md"
    text = page.read_text()
    wrong = text.replace(r"-\left(1+e^{-x}\right)^{-2} \cdot \left(-e^{-x}\right)",
                         r"-\left(1+e^{-x}\right)^{-3} \cdot \left(-e^{-x}\right)", 1)
    assert wrong != text
    page.write_text(wrong)
    line = wrong[: wrong.index("^{-3}")].count("\n") + 1
    run = build(project, tmp_path / "site")
    record("wrong derivation step", run, rf"docs/activations/sigmoid\.md:{line}: step")


def _sections(page_html: str) -> dict[str, str]:
    """h2 id -> the HTML up to the next h2."""
    parts = re.split(r'<h2 id="([^"]+)"', page_html)
    return dict(zip(parts[1::2], parts[2::2]))


def _check_columns(table: str) -> list[list[str]]:
    """The cells of each column of a table, headers excluded."""
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    rows = [row for row in rows if row]
    return [list(column) for column in zip(*rows)]


def test_errata_page(site):
    sections = _sections(html_of(site, "errata.md"))
    numbered = [key for key in sections if re.match(r"\d+-", key)]
    assert [int(key.split("-")[0]) for key in numbered] == list(range(1, 12)), numbered
    demonstrated = {"1", "2", "3", "5", "9", "11"}  # a wrong formula against finite differences
    for key in numbered:
        body = sections[key]
        assert "<table>" in body or "<li>" in body or "<p>" in body, key
        if key.split("-")[0] not in demonstrated:
            continue
        tables = re.findall(r"<table>.*?</table>", body, re.S)
        columns = [c for t in tables for c in _check_columns(t) if all(("✓" in v) or ("✗" in v) for v in c)]
        assert any(all("✓" in v for v in c) for c in columns), f"{key}: no correct formula passes"
        assert any(any("✗" in v for v in c) for c in columns), f"{key}: no wrong formula fails"
    for key in ("3-", "9-"):
        body = next(v for k, v in sections.items() if k.startswith(key))
        assert re.search(r"Derivation checker, \d+ equalities: <code>chain:3: step 3 ≠ step 2", body), key
    seven = next(v for k, v in sections.items() if k.startswith("7-"))
    assert "<strong>different</strong>" in seven
    ten = next(v for k, v in sections.items() if k.startswith("10-"))
    assert "the two differ at 0 of them" in ten


def test_checked_marks_and_summary(site):
    from sitekit.derivations import check_site

    report = check_site()
    marks = 0
    for page in nav_pages():
        text = html_of(site, page)
        found = len(re.findall(r'<span class="derivation-check">✓ checked</span> by computer', text))
        blocks = text.count("\\begin{align}")
        assert found == blocks, f"{page}: {blocks} derivation blocks, {found} marked checked"
        marks += found
    assert marks == report.blocks and report.blocks > 0
    summary = f"This build checked <strong>{report.equalities} equalities</strong> in <strong>{report.blocks} derivations</strong>"
    assert summary in html_of(site, "index.md")
    assert f"<strong>{report.prose_only}</strong> blocks marked prose-only" in html_of(site, "about.md")


def test_notebook_is_written_from_its_source():
    run = subprocess.run([sys.executable, "-m", "sitekit.notebook", "--check"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_notebook_page_ran_and_renders_math(site):
    page = html_of(site, "backprop/train_mlp.ipynb")
    accuracy = re.search(r"test accuracy: ([\d.]+)% \((\d+) of (\d+) images\)", page)
    assert accuracy and float(accuracy.group(1)) > 95, "held-out accuracy missing or too low"
    assert re.search(r"largest relative error: ([\d.]+e-\d+)", page)
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page), "no loss curve"
    assert page.count('class="arithmatex"') >= 10, "notebook math not handed to MathJax"
    assert "text/x-mathjax-config" not in page and '<script src="">' not in page
    assert (site / "backprop" / "train_mlp" / "train_mlp.ipynb").is_file()
    assert 'href="train_mlp.ipynb"' in page


def test_fault_notebook_cell_raises(project, tmp_path):
    path = project / "docs" / "backprop" / "train_mlp.ipynb"
    notebook = json.loads(path.read_text())
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code" and "load_digits" in "".join(c["source"]))
    cell["source"] = ["raise RuntimeError('injected failure in a notebook cell')\n"] + cell["source"]
    path.write_text(json.dumps(notebook))
    run = build(project, tmp_path / "site")
    record("notebook cell raises", run, r"train_mlp\.ipynb")
    assert "injected failure in a notebook cell" in run.stdout + run.stderr


def test_offline_build_is_byte_identical(site, tmp_path):
    """A second build, in a network namespace with no way out (`unshare -n`,
    loopback only, which the notebook's kernel needs), gives the same bytes
    as the first: nothing is downloaded and nothing depends on the clock."""
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"unshare -n is not permitted here: {probe.stderr.strip()}")
        pytest.skip(f"this machine does not allow network namespaces: {probe.stderr.strip()}")
    command = " ".join(shlex.quote(part) for part in build_command(ROOT, tmp_path / "site"))
    run = subprocess.run(["unshare", "-rn", "sh", "-c", f"ip link set lo up && {command}"], cwd=ROOT,
                         capture_output=True, text=True, timeout=900, env=build_env())
    assert run.returncode == 0, run.stderr[-3000:]
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "site"): p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second), set(first) ^ set(second)
    different = [str(path) for path in first if first[path] != second[path]]
    assert not different, f"files that differ between two builds: {different}"


def test_fault_wrong_derivative_in_snippet(project, tmp_path):
    """The page's derivation ends in σ(1 − σ); a snippet whose σ′ is off by
    1 % no longer agrees with it, and the build says where."""
    snippet = project / "snippets" / "activations" / "sigmoid.py"
    text = snippet.read_text()
    wrong = re.sub(r"(def sigmoid_grad\(x\):.*?return )([^\n]+)", r"\g<1>1.01 * (\g<2>)", text, count=1, flags=re.S)
    assert wrong != text
    snippet.write_text(wrong)
    run = build(project, tmp_path / "site")
    record("wrong derivative in a snippet", run, r"docs/activations/sigmoid\.md:\d+: step \d+: .*sigmoid_grad")


def test_fault_plot_of_nan_data(project, tmp_path):
    inject(project, "activations/tanh.md",
           '```python exec="on" html="true" session="tanh"\n'
           'print(plot_activation("bad", lambda x: tanh(x) * np.nan, tanh_grad))\n```')
    run = build(project, tmp_path / "site")
    record("plot of NaN data", run, r"docs/activations/tanh\.md: .*Execution of python code block")
    assert "is not finite" in run.stderr, run.stderr[-2000:]


def test_every_page_links_to_its_source_for_editing(site):
    import yaml

    edit_uri = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)["edit_uri"]
    for page in nav_pages():
        assert f'href="{edit_uri}{page}"' in html_of(site, page), page
