"""Plots drawn at build time from the snippet functions themselves.

Output is inline SVG, byte-for-byte deterministic, drawn in `currentColor`
so that axes and labels follow the light or dark palette. Each SVG is an
image to assistive technology (`role="img"`) named by a `<title>` (the
function in words, from the heading of its page) and a `<desc>` written
from the data drawn: the curves, what each does over the x range, the y
range shown. Its ids start with a hash of what it draws, so several plots
on one page never share one and a rebuild gives the same bytes.

The curves are evaluated at every build; drawing them (matplotlib, the slow
part) is cached by content hash: of the data drawn, the titles and limits,
this file and the package versions (sitekit.cache). New data, a new drawing.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sitekit import cache  # noqa: E402
from sitekit.tables import fmt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "activations"
SNIPPETS = ROOT / "snippets" / "activations"

# The code a drawing depends on, besides its data and matplotlib.
CODE = ("sitekit/plots.py", "sitekit/tables.py")

_INK = "#010203"  # a colour no plot uses, swapped for currentColor afterwards
_STYLE = {
    "svg.hashsalt": "backprop-checked",
    "svg.fonttype": "none",
    "font.size": 11,
    "text.color": _INK,
    "axes.edgecolor": _INK,
    "axes.labelcolor": _INK,
    "xtick.color": _INK,
    "ytick.color": _INK,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "legend.frameon": False,
}
COLORS = ("#1f77b4", "#e8590c", "#2f9e44", "#ae3ec9")
# The gallery tells f' from f by its dashes as well, not by colour alone.
DASHES = ("solid", (0, (4, 2)))

# A gallery panel: drawn at one fixed size, its axes at one fixed place, so
# the panels line up; stylesheets/plots.css shows it no smaller than this
# (9 pt = 12 CSS px text).
PANEL_INCHES = (2.6, 2.0)
PANEL_AXES = (0.2, 0.13, 0.76, 0.8)  # left, bottom, width, height: fractions
PANEL_FONT_PT = 9

_REF = re.compile(r'(xlink:href="#|url\(#)([^")]+)')
_ID = re.compile(r' id="([^"]*)"')
# matplotlib's RDF metadata, and its <style>*{…}</style>, which inline would
# style every element of the page.
_DROPPED = re.compile(
    r'\s*<metadata>.*?</metadata>|\s*<defs>\s*<style type="text/css">\*\{stroke-linejoin: round; '
    r'stroke-linecap: butt\}</style>\s*</defs>', re.S)
_SUFFIX = re.compile(r"_(grad\w*|vjp|train|backward)$")
_HEADING = re.compile(r"(?:---\n.*?\n---\n)?\s*# ([^\n]+)", re.S)


def page_title(name: str) -> str:
    """The activation in words: the heading of its page ("Leaky ReLU"),
    the first line under its front matter."""
    text = (PAGES / f"{name}.md").read_text(encoding="utf-8")
    heading = _HEADING.match(text)
    if heading is None:
        raise ValueError(f"docs/activations/{name}.md: no '# ' heading at the top")
    return heading.group(1).strip()


def activation_of(fn) -> str | None:
    """The activation a plotted function belongs to: its own name
    (`sigmoid`, `sigmoid_grad`) or, for a lambda, the first snippet function
    it calls (`lambda x: leaky_relu(x, 0.1)`); None if there is none."""
    names = [getattr(fn, "__name__", "")]
    code, scope = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
    if code is not None:
        names += [name for name in code.co_names if name in scope]
    for name in names:
        for candidate in (name, _SUFFIX.sub("", name)):
            if (SNIPPETS / f"{candidate}.py").is_file() and (PAGES / f"{candidate}.md").is_file():
                return candidate
    return None


def _in_words(fns) -> str | None:
    for fn in fns:
        name = activation_of(fn)
        if name is not None:
            return page_title(name)
    return None


def _listed(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    if any("," in label or ":" in label for label in labels):
        return "; ".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _value(value: float, scale: float) -> str:
    """A value for the description: 3 digits, rounding noise shown as 0."""
    return fmt(0.0 if abs(value) <= 1e-9 * scale else value + 0.0, 3)


def _where(candidates, step: float) -> str:
    """An x of the grid, to no more decimals than its step resolves (the
    grid may miss 0 by a third of a step); of two neighbours (the two
    sides of a jump), the one written shorter (0, not −0.01)."""
    decimals = max(0, int(np.floor(-np.log10(step))))
    written = [fmt(round(float(c), decimals) + 0.0, 3) for c in candidates]
    return min(written, key=len)


def _shape(x: np.ndarray, y: np.ndarray) -> str:
    """What one curve does from left to right, in words: it rises, falls,
    stays or jumps, with the values it reaches and where it turns; or only
    its range, when it turns more often than a sentence can follow."""
    scale = float(np.max(np.abs(y))) or 1.0
    step = float(x[1] - x[0])
    low, high = float(y.min()), float(y.max())
    span = high - low
    if span <= 1e-9 * scale:
        return f"is constant at {_value(y[0], scale)}"
    dy = np.diff(y)
    kind = np.sign(np.where(np.abs(dy) <= 1e-9 * span, 0.0, dy)).astype(int)
    # A jump: a step ten times those two samples away on either side (on a
    # continuous curve, neighbouring steps are alike), and not negligible.
    size = np.abs(dy)
    pad = np.r_[0.0, 0.0, size, 0.0, 0.0]
    kind[(size > 0.01 * span) & (size > 10 * np.maximum(pad[:-4], pad[4:]))] *= 2
    runs: list[list[int]] = []  # [kind, first step, last step]
    for i, k in enumerate(kind):
        if runs and runs[-1][0] == k and abs(k) != 2:
            runs[-1][2] = i
        else:
            runs.append([int(k), i, i])
    # A few equal values inside a rise or a fall are rounding, not a plateau.
    short = max(3, len(x) // 200)
    merged = True
    while merged:
        merged = False
        for j in range(1, len(runs) - 1):
            before, pause, after = runs[j - 1], runs[j], runs[j + 1]
            if pause[0] == 0 and pause[2] - pause[1] < short and before[0] == after[0] and abs(before[0]) == 1:
                runs[j - 1 : j + 2] = [[before[0], before[1], after[2]]]
                merged = True
                break
    if len(runs) > 5:
        return (f"goes up and down between {_value(low, scale)} and {_value(high, scale)}, "
                f"from {_value(y[0], scale)} at the left edge to {_value(y[-1], scale)} at the right")
    parts = []
    for j, (k, first, last) in enumerate(runs):
        start, end = float(y[first]), float(y[last + 1])
        # Where a run ends, unless the next run says it (a jump) or it is the last.
        until = "" if j == len(runs) - 1 or abs(runs[j + 1][0]) == 2 else _where([x[last + 1]], step)
        if abs(k) == 2:
            at = _where(x[first : first + 2], step)
            parts.append(f"jumps from {_value(start, scale)} to {_value(end, scale)} at x = {at}" if j == 0
                         else f"jumps to {_value(end, scale)} at x = {at}")
        elif k == 0:
            text = f"is {_value(start, scale)}" if j == 0 else f"stays at {_value(start, scale)}"
            parts.append(text + (f" until x = {until}" if until else ""))
        else:
            verb = "rises" if k > 0 else "falls"
            text = f"{verb} from {_value(start, scale)} to {_value(end, scale)}" if j == 0 \
                else f"{verb} to {_value(end, scale)}"
            parts.append(text + (f" at x = {until}" if until else ""))
    return ", then ".join(parts)


def describe(x: np.ndarray, labels: list[str], ys: list[np.ndarray], ylim) -> str:
    """The text of a plot's <desc>: its curves, the x range, the y range
    shown, and what each curve does, all read from the data drawn."""
    count = {1: "One curve", 2: "Two curves", 3: "Three curves", 4: "Four curves"}.get(len(ys), f"{len(ys)} curves")
    text = (f"{count} over x from {fmt(x[0], 3)} to {fmt(x[-1], 3)}; "
            f"the y axis shows {fmt(ylim[0], 3)} to {fmt(ylim[1], 3)}.")
    for label, y in zip(labels, ys):
        named = f"“{label}”" if "," in label or ":" in label else label
        text += f" {named} {_shape(x, y)}."
    return text


def _own_ids(svg: str, uid: str) -> str:
    """matplotlib gives every figure the same ids (figure_1, axes_1, ...):
    keep only the ids something refers to, each prefixed with uid."""
    used = {m.group(2) for m in _REF.finditer(svg)}
    svg = _ID.sub(lambda m: f' id="{uid}-{m.group(1)}"' if m.group(1) in used else "", svg)
    return _REF.sub(lambda m: f"{m.group(1)}{uid}-{m.group(2)}", svg)


def to_svg(fig, title: str, desc: str, uid: str, tight: bool = True) -> str:
    """The figure as inline SVG in currentColor: an image to screen readers,
    named by its title and described by desc, every id prefixed with uid."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None},
                bbox_inches="tight" if tight else None)
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG is inline
    svg = _own_ids(svg.replace(_INK, "currentColor"), uid)
    # The two properties of the dropped <style> go on the <svg>, where
    # everything inside inherits them.
    svg = _DROPPED.sub("", svg)
    opening = svg.index(">")
    return (f'{svg[:opening]} stroke-linejoin="round" stroke-linecap="butt" role="img" '
            f'aria-labelledby="{uid}-title {uid}-desc">\n'
            f' <title id="{uid}-title">{html.escape(title)}</title>\n'
            f' <desc id="{uid}-desc">{html.escape(desc)}</desc>{svg[opening + 1 :]}')


def _drawn(kind: str, settings: list, data: list[np.ndarray], draw) -> str:
    """draw(uid), or the SVG it gave before for the same data and settings
    (the settings hold lo, hi and n, so the x grid is not hashed again).
    uid, the prefix of the SVG's ids, is a hash of the same: unique to what
    is drawn, the same at every build."""
    digest = hashlib.sha256()
    for values in data:
        digest.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    parts = (kind, settings, digest.hexdigest())
    uid = "bc-plot-" + hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:12]
    return cache.memo("plots", parts, lambda: draw(uid), code=CODE)


def plot_function(curves, lo=-6.0, hi=6.0, title="", n=1201, ylim=None, accessible_title="") -> str:
    """curves: (label, function) pairs, each evaluated on one grid.

    Returns `<div class="bc-plot">` with an inline SVG. Raises if a curve
    yields NaN or inf on the finite grid: a plot of bad data must not pass.
    accessible_title: the SVG's <title>; by default the visible title, or
    the activation's name in words followed by the curves' labels.
    """
    x = np.linspace(lo, hi, n)
    ys = []
    for label, fn in curves:
        y = np.asarray(fn(x), dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError(f"plot {title!r}: curve {label!r} is not finite on [{lo}, {hi}]")
        ys.append(np.broadcast_to(y, x.shape))
    labels = [label for label, _ in curves]
    if not accessible_title:
        words = _in_words([fn for _, fn in curves])
        accessible_title = title or (f"{words}: {_listed(labels)}" if words else _listed(labels))
    settings = [labels, lo, hi, title, n, None if ylim is None else list(ylim), accessible_title]
    return _drawn("function", settings, ys,
                  lambda uid: _draw_function(x, labels, ys, title, ylim, accessible_title, uid))


def _draw_function(x, labels, ys, title, ylim, accessible_title, uid) -> str:
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        ax.axhline(0, color=_INK, lw=0.6, alpha=0.4)
        ax.axvline(0, color=_INK, lw=0.6, alpha=0.4)
        for label, y, color in zip(labels, ys, COLORS):
            ax.plot(x, y, label=label, color=color, lw=2)
        ax.set_xlabel("$x$")
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.grid(True, color="#888888", alpha=0.3, lw=0.5)
        ax.legend(loc="best")
        if title:
            ax.set_title(title)
        desc = describe(x, labels, ys, ax.get_ylim())
        return f'<div class="bc-plot">{to_svg(fig, accessible_title, desc, uid)}</div>'


def plot_activation(name, f, grad, lo=-6.0, hi=6.0, ylim=None) -> str:
    """f and f' of one activation, the standard plot of every page; `name`
    is the symbol the page uses ("σ", "f"), the title adds the function's
    name in words ("Sigmoid σ(x) and its derivative σ′(x)")."""
    words = _in_words([f, grad])
    heading = f"{name}(x) and its derivative {name}′(x)"
    if words is not None and words.lower() != name.lower():
        heading = f"{words} {heading}"
    return plot_function([(f"{name}(x)", f), (f"{name}′(x)", grad)], lo=lo, hi=hi, ylim=ylim,
                         accessible_title=heading)


def plot_gallery(panels, lo=-5.0, hi=5.0, n=401) -> str:
    """panels: (title, href, f, f′) for each activation. One small figure
    per activation, all on the same x range, in a grid that reflows to the
    width of the screen (stylesheets/plots.css); each captioned by its title,
    a link to href."""
    x = np.linspace(lo, hi, n)
    items = []
    for title, href, f, grad in panels:
        pair = []
        for fn, label in ((f, "f"), (grad, "f′")):
            y = np.asarray(fn(x), dtype=np.float64)
            if not np.all(np.isfinite(y)):
                raise ValueError(f"gallery: {label} of {title} is not finite on [{lo}, {hi}]")
            pair.append(np.broadcast_to(y, x.shape))
        heading = f"{title} f(x) and its derivative f′(x)"
        svg = _drawn("panel", [heading, lo, hi, n], pair,
                     lambda uid, pair=pair, heading=heading: _draw_panel(x, pair, heading, uid))
        items.append(f'<li><figure class="bc-gallery-panel">'
                     f'<figcaption><a href="{html.escape(href)}">{html.escape(title)}</a></figcaption>'
                     f"{svg}</figure></li>")
    key = (f'<p class="bc-gallery-key">{_key_line(0)} f(x), the function '
           f"{_key_line(1)} f′(x), its derivative</p>")
    return f'<div class="bc-gallery">{key}\n<ul class="bc-gallery-grid">\n' + "\n".join(items) + "\n</ul></div>"


def _key_line(i: int) -> str:
    """A short stretch of the i-th curve's line, for the gallery's key."""
    dash = "" if DASHES[i] == "solid" else ' stroke-dasharray="' + " ".join(f"{d:g}" for d in DASHES[i][1]) + '"'
    return (f'<svg class="bc-key-line" aria-hidden="true" width="28" height="10" viewBox="0 0 28 10">'
            f'<line x1="0" y1="5" x2="28" y2="5" stroke="{COLORS[i]}" stroke-width="2"{dash}/></svg>')


def _draw_panel(x, pair, heading, uid) -> str:
    with plt.rc_context({**_STYLE, "font.size": PANEL_FONT_PT}):
        fig = plt.figure(figsize=PANEL_INCHES)
        ax = fig.add_axes(PANEL_AXES)
        ax.axhline(0, color=_INK, lw=0.5, alpha=0.4)
        ax.axvline(0, color=_INK, lw=0.5, alpha=0.4)
        for y, color, dashes in zip(pair, COLORS, DASHES):
            ax.plot(x, y, color=color, lw=1.5, linestyle=dashes)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
        ax.grid(True, color="#888888", alpha=0.3, lw=0.5)
        desc = describe(x, ["f(x)", "f′(x)"], pair, ax.get_ylim())
        return f'<div class="bc-plot">{to_svg(fig, heading, desc, uid, tight=False)}</div>'
