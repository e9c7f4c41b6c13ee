"""The built site in a real browser: Debian's chromium driven by Playwright.

Every page is served from 127.0.0.1 and visited: no console error, no failed
request, no request to another host, every formula typeset by MathJax with
no error, in at most 3 s. Instant navigation re-typesets; search finds the
sigmoid page; the copy button copies the snippet's exact text, which runs in
a fresh Python; the palette toggle works (screenshots of one page in each
palette are kept in test-artifacts/); the notebook page shows math and output.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import BROWSER_TIMINGS as TIMINGS
from sitebuild import ROOT, nav_pages

ARTIFACTS = ROOT / "test-artifacts"
# Issue targets: all math typeset within 1 s of loading a page, and a page's
# own transfer (its HTML and anything only it loads; not the theme, MathJax
# and search assets every page shares, which the browser caches) within 1 MB.
# A test fails at 3x a target, so that a regression is caught.
TYPESET_TARGET_S = 1.0
PAGE_BYTES_TARGET = 1_000_000
TYPESET_LIMIT_S = 3 * TYPESET_TARGET_S
PAGE_BYTES_LIMIT = 3 * PAGE_BYTES_TARGET
SHARED_ASSETS = ("assets/", "javascripts/", "stylesheets/", "search/")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    """BC_CHROMIUM if set, else Debian's chromium, else None: the browser that
    `playwright install chromium` put in place (never downloaded by the tests)."""
    if os.environ.get("BC_CHROMIUM"):
        return os.environ["BC_CHROMIUM"]
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def url_of(base: str, page: str) -> str:
    stem = page.removesuffix(".md").removesuffix(".ipynb")
    return base + ("" if stem == "index" else stem.removesuffix("/index") + "/")


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = chromium_path()
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def context(browser, server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], base_url=server)
    yield context
    context.close()


class Watch:
    """Console errors, failed requests and requests to other hosts of one page."""

    def __init__(self, page, base: str):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.bytes: dict[str, int] = {}  # URL -> bytes transferred (Content-Length)
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url} {r.failure}"))
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else self.foreign.append(r.url))
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.on("response", lambda r: self.bytes.__setitem__(r.url, int(r.headers.get("content-length", 0))))
        self.base = base

    def own_bytes(self) -> int:
        """Bytes of this page's own requests: not the shared theme, MathJax and search assets."""
        return sum(n for url, n in self.bytes.items() if not url.removeprefix(self.base).startswith(SHARED_ASSETS))

    def shared_bytes(self) -> int:
        return sum(n for url, n in self.bytes.items() if url.removeprefix(self.base).startswith(SHARED_ASSETS))


MATH_STATE = """async () => {
  await MathJax.startup.promise;
  const all = [...document.querySelectorAll('.arithmatex')];
  const typeset = all.filter(el => el.querySelector('mjx-container'));
  const errors = [...document.querySelectorAll('mjx-merror, [data-mjx-error]')].map(e => e.textContent);
  return {math: all.length, typeset: typeset.length, errors};
}"""


def typeset_state(page) -> dict:
    return page.evaluate(MATH_STATE)


@pytest.mark.parametrize("page_path", nav_pages())
def test_every_page_loads_clean_and_typesets_its_math(context, server, page_path):
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(url_of(server, page_path), wait_until="load")
    state = typeset_state(page)
    seconds = page.evaluate("() => performance.now()") / 1000  # since navigation started
    TIMINGS.append((page_path, seconds, state["math"], watch.own_bytes(), watch.shared_bytes()))
    assert not watch.errors, f"{page_path}: {watch.errors}"
    assert not watch.foreign, f"{page_path}: requests to other hosts: {watch.foreign}"
    assert state["typeset"] == state["math"], f"{page_path}: {state['typeset']} of {state['math']} formulas typeset"
    assert not state["errors"], f"{page_path}: MathJax errors {state['errors']}"
    assert seconds <= TYPESET_LIMIT_S, f"{page_path}: math typeset after {seconds:.2f} s"
    assert watch.own_bytes() <= PAGE_BYTES_LIMIT, f"{page_path}: {watch.own_bytes()} bytes of its own"
    page.close()


def test_undefined_macro_is_an_error_in_the_browser(context, server):
    """The page config makes an undefined macro an error node, not red text."""
    page = context.new_page()
    page.goto(url_of(server, "notation.md"), wait_until="load")
    result = page.evaluate("""async () => {
      await MathJax.startup.promise;
      const el = document.createElement('span');
      el.className = 'arithmatex';
      el.textContent = '\\\\(\\\\nosuchmacro{x}\\\\)';
      document.querySelector('article').appendChild(el);
      await MathJax.typesetPromise([el]);
      return {error: !!el.querySelector('mjx-merror, [data-mjx-error]'), text: el.textContent};
    }""")
    assert result["error"], result
    page.close()


def test_instant_navigation_retypesets(context, server):
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(url_of(server, "activations/sigmoid.md"), wait_until="load")
    typeset_state(page)
    page.click('a.md-nav__link[href$="tanh/"]')
    page.wait_for_url("**/activations/tanh/")
    page.wait_for_function("() => document.querySelectorAll('.arithmatex mjx-container').length > 0 && "
                           "document.querySelectorAll('.arithmatex').length === "
                           "document.querySelectorAll('.arithmatex mjx-container').length")
    assert "Tanh" in page.title()
    state = typeset_state(page)
    assert state["math"] > 0 and state["typeset"] == state["math"] and not state["errors"], state
    assert not watch.errors, watch.errors
    page.close()


def test_search_finds_the_sigmoid_page(context, server):
    page = context.new_page()
    page.goto(server, wait_until="load")
    page.fill("input.md-search__input", "sigmoid derivative")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    links = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.getAttribute('href'))")
    assert any("activations/sigmoid/" in link for link in links), links
    page.close()


def test_copy_button_copies_the_snippet_and_it_runs(context, server):
    page = context.new_page()
    page.goto(url_of(server, "activations/sigmoid.md"), wait_until="load")
    section = (ROOT / "snippets" / "activations" / "sigmoid.py").read_text().splitlines()
    start, end = section.index("# --8<-- [start:forward]"), section.index("# --8<-- [end:forward]")
    expected = "\n".join(section[start + 1 : end]).strip("\n")
    blocks = page.locator("div.highlight:has(button.md-code__button)")
    copied = None
    for i in range(blocks.count()):
        block = blocks.nth(i)
        if "def sigmoid(" not in block.inner_text():
            continue
        block.hover()
        block.locator("button.md-code__button").click()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        break
    assert copied is not None, "no copyable block defines sigmoid"
    assert copied.strip("\n") == expected
    run = subprocess.run([sys.executable, "-c", copied + "\nprint(sigmoid([-1000.0, 0.0, 1000.0]))"],
                         capture_output=True, text=True, timeout=60, cwd=ARTIFACTS.parent)
    assert run.returncode == 0 and run.stdout.strip() == "[0.  0.5 1. ]", run.stdout + run.stderr
    page.close()


def test_palette_toggle_and_screenshots(context, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(url_of(server, "activations/sigmoid.md"), wait_until="load")
    typeset_state(page)
    schemes = []
    for name in ("light", "dark"):
        scheme = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
        schemes.append(scheme)
        plot = page.locator(".bc-plot svg").first
        plot.scroll_into_view_if_needed()
        # The plot's ink follows the palette: its text colour is the page's.
        ink = page.evaluate("""() => {
          const svg = document.querySelector('.bc-plot svg');
          return [getComputedStyle(svg).color, getComputedStyle(document.body).color];
        }""")
        assert ink[0] == ink[1], f"{name}: plot ink {ink[0]} on text colour {ink[1]}"
        page.screenshot(path=str(ARTIFACTS / f"sigmoid-{name}.png"), full_page=False)
        page.click("form[data-md-component='palette'] label:visible")
        page.wait_for_timeout(300)
    assert schemes[0] != schemes[1], schemes
    page.close()


def test_notebook_page_shows_math_and_outputs(context, server):
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(url_of(server, "backprop/train_mlp.ipynb"), wait_until="load")
    state = typeset_state(page)
    assert state["math"] >= 10 and state["typeset"] == state["math"] and not state["errors"], state
    text = page.inner_text("article")
    assert "test accuracy:" in text and "largest relative error:" in text
    assert page.locator(".jp-OutputArea-output img").count() >= 1
    assert not watch.errors and not watch.foreign, (watch.errors, watch.foreign)
    page.close()
