"""Typeset every formula of the site with the pinned MathJax, at build time.

MathJax comes from the PyPI package django-static-mathjax (a plain copy of
MathJax 3.2.2). The check runs it in Node with the very configuration the
pages use, so a formula that passes here is one the browser can typeset.

Each formula's verdict is kept in the content-hash cache (sitekit.cache),
keyed by this file, the checker script, the page configuration, the package
versions and Node's version: a build sends Node only formulas it has not
seen under the same code.
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

ROOT = Path(__file__).resolve().parent.parent
MATHJAX_ES5 = str(Path(mathjax.__file__).parent / "static" / "mathjax" / "es5")
CONFIG_JS = ROOT / "docs" / "javascripts" / "mathjax-config.js"
CHECKER_JS = Path(__file__).with_name("mathcheck.js")

# What a verdict depends on, besides the formula and the package versions.
CODE = ("sitekit/mathcheck.py", "sitekit/mathcheck.js", "docs/javascripts/mathjax-config.js")

# What the pages load: the combined TeX-to-SVG component, plus the pieces it
# fetches on demand (TeX extensions by autoload, menu and accessibility).
_SERVED = ("tex-svg.js", "input/tex/extensions", "ui", "a11y", "sre", "adaptors")

_BLOCK = re.compile(r'<(div|span) class="arithmatex">(.*?)</\1>', re.S)


def mathjax_files() -> list[str]:
    """Paths, relative to MathJax's es5 folder, of the files the site serves."""
    es5 = Path(MATHJAX_ES5)
    out = []
    for item in _SERVED:
        path = es5 / item
        if path.is_file():
            out.append(item)
        else:
            out += sorted(str(p.relative_to(es5)) for p in path.rglob("*") if p.is_file())
    return out


def formulas_in_html(html: str) -> list[tuple[str, bool]]:
    """The TeX source of each arithmatex element, and whether it is display."""
    found = []
    for tag, body in _BLOCK.findall(html):
        tex = htmllib.unescape(body).strip()
        for opener, closer in (("\\(", "\\)"), ("\\[", "\\]")):
            if tex.startswith(opener) and tex.endswith(closer):
                tex = tex[len(opener) : -len(closer)]
                break
        found.append((tex, tag == "div"))
    return found


def line_of(tex: str, source: str) -> int | None:
    """The line of the Markdown source where the formula starts, if found."""
    probe = tex.strip().splitlines()[0].strip() if tex.strip() else ""
    if not probe:
        return None
    index = source.find(probe)
    return source.count("\n", 0, index) + 1 if index >= 0 else None


def check(formulas: list[tuple]) -> list[tuple]:
    """formulas: (page, line, tex, display) rows; returns (page, line, tex, message)
    for each formula MathJax rejects. Raises if Node is missing: an unchecked
    build must not pass for a checked one."""
    if not formulas:
        return []
    node = shutil.which("node")
    if node is None:
        return [("(site)", None, "", "Node.js is not installed, so no formula could be checked")]
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    digest = cache.key("mathjax", version, code=CODE)
    # {json [tex, display]: MathJax's message, or None for a formula it typesets}
    verdicts = cache.load("mathjax", digest) or {}
    names = [json.dumps([tex, display]) for _, _, tex, display in formulas]
    unseen = sorted(set(names) - set(verdicts))
    if unseen:
        run = subprocess.run(
            [node, str(CHECKER_JS), MATHJAX_ES5, str(CONFIG_JS)],
            input="[" + ",".join(unseen) + "]", capture_output=True, text=True, timeout=300,
        )
        if run.returncode != 0:
            return [("(site)", None, "", f"the MathJax check crashed: {run.stderr.strip()}")]
        verdicts.update(dict.fromkeys(unseen))
        verdicts.update({unseen[i]: message for i, message in json.loads(run.stdout)})
        cache.store("mathjax", digest, verdicts)
    return [(*row[:3], verdicts[name]) for row, name in zip(formulas, names) if verdicts[name] is not None]
