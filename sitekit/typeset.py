"""Typeset every formula at build time: the page carries SVG, not TeX.

MathJax comes from the PyPI package django-static-mathjax (a plain copy of
MathJax 3.2.2) and runs in Node (sitekit/typeset.js), one process per build.
Each formula becomes an SVG with its MathML beside it for screen readers;
a formula MathJax rejects is an error with page and line, so the browser
never typesets anything and loads no MathJax.

Glyph outlines are shared: each formula refers to them by id, and a page
defines the ones its formulas use once, at its end.

Each formula's result is kept in the content-hash cache (sitekit.cache),
keyed by this file, typeset.js, the package versions and Node's version.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from pathlib import Path

import mathjax

from sitekit import cache

MATHJAX_ES5 = str(Path(mathjax.__file__).parent / "static" / "mathjax" / "es5")
SCRIPT = Path(__file__).with_name("typeset.js")

# What a result depends on, besides the formula and the package versions.
CODE = ("sitekit/typeset.py", "sitekit/typeset.js")

_ELEMENT = re.compile(r'<(div|span) class="arithmatex">(.*?)</\1>', re.S)
_DELIMITERS = (("\\(", "\\)"), ("\\[", "\\]"))


class NodeMissing(RuntimeError):
    pass


def formulas_in_html(html: str) -> list[tuple[str, bool]]:
    """The TeX source of each arithmatex element, and whether it is display."""
    return [(_tex(body), tag == "div") for tag, body in _ELEMENT.findall(html)]


def _tex(body: str) -> str:
    tex = htmllib.unescape(body).strip()
    for opener, closer in _DELIMITERS:
        if tex.startswith(opener) and tex.endswith(closer):
            return tex[len(opener) : -len(closer)]
    return tex


def line_of(tex: str, source: str) -> int | None:
    """The line of the Markdown source where the formula starts, if found."""
    probe = tex.strip().splitlines()[0].strip() if tex.strip() else ""
    if not probe:
        return None
    index = source.find(probe)
    return source.count("\n", 0, index) + 1 if index >= 0 else None


class Typesetter:
    """Node running MathJax, started at the first formula not in the cache."""

    def __init__(self):
        self._node = shutil.which("node")
        self._process: subprocess.Popen | None = None
        self._digest: str | None = None
        self._results: dict[str, dict] = {}
        self._changed = False

    def _key(self) -> str:
        if self._digest is None:
            if self._node is None:
                raise NodeMissing("Node.js is not installed: no formula can be typeset (apt-get install nodejs)")
            version = subprocess.run([self._node, "--version"], capture_output=True, text=True).stdout.strip()
            self._digest = cache.key("typeset", version, code=CODE)
            self._results = cache.load("typeset", self._digest) or {}
        return self._digest

    def _ask(self, request):
        if self._process is None:
            self._process = subprocess.Popen(
                [self._node, str(SCRIPT), MATHJAX_ES5], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, encoding="utf-8",
            )
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            raise RuntimeError(f"MathJax in Node stopped: {self._process.stderr.read().strip()}")
        return json.loads(answer)

    def typeset(self, formulas: list[tuple[str, bool]]) -> list[dict]:
        """{svg, defs} or {error} for each (tex, display)."""
        self._key()
        names = [json.dumps([tex, display]) for tex, display in formulas]
        unseen = sorted(set(names) - set(self._results))
        if unseen:
            answers = self._ask([json.loads(name) for name in unseen])
            self._results.update(zip(unseen, answers))
            self._changed = True
        return [self._results[name] for name in names]

    def stylesheet(self) -> str:
        """MathJax's CSS for its SVG output (the same for every formula)."""
        self._key()
        if '"css"' not in self._results:
            self._results['"css"'] = {"css": self._ask("css")}
            self._changed = True
        return self._results['"css"']["css"]

    def page(self, html: str) -> tuple[str, list[tuple[str, str]]]:
        """html with each formula's TeX replaced by its SVG, the glyphs they
        use defined at the end; and (tex, message) for each formula MathJax
        rejects (left as TeX)."""
        results = iter(self.typeset(formulas_in_html(html)))
        defs: dict[str, str] = {}
        errors: list[tuple[str, str]] = []

        def replace(match: re.Match) -> str:
            result = next(results)
            if "error" in result:
                errors.append((_tex(match.group(2)), result["error"]))
                return match.group(0)
            defs.update(result["defs"])
            return f'<{match.group(1)} class="arithmatex">{result["svg"]}</{match.group(1)}>'

        html = _ELEMENT.sub(replace, html)
        if defs:
            # MathJax's own id, so a page's glyphs stay out of the layout.
            html += ('<svg id="MJX-SVG-global-cache" style="display: none" xmlns="http://www.w3.org/2000/svg">'
                     f"<defs>{''.join(defs[k] for k in sorted(defs))}</defs></svg>")
        return html, errors

    def close(self) -> None:
        """Stop Node and keep what was typeset for the next build."""
        if self._process is not None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process.stdout.close()
            self._process.stderr.close()
            self._process = None
        if self._changed and self._digest is not None:
            cache.store("typeset", self._digest, self._results)
            self._changed = False
