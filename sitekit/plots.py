"""Plots drawn at build time from the snippet functions themselves.

Output is inline SVG, byte-for-byte deterministic, drawn in `currentColor`
so that axes and labels follow the light or dark palette.

The curves are evaluated at every build; drawing them (matplotlib, the slow
part) is cached by content hash: of the data drawn, the titles and limits,
this file and the package versions (sitekit.cache). New data, a new drawing.
"""

from __future__ import annotations

import hashlib
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sitekit import cache  # noqa: E402

# The code a drawing depends on, besides its data and matplotlib.
CODE = ("sitekit/plots.py",)

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


def to_svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG is inline
    return svg.replace(_INK, "currentColor")


def _drawn(kind: str, settings: list, data: list[np.ndarray], draw) -> str:
    """draw(), or the SVG it gave before for the same data and settings
    (the settings hold lo, hi and n, so the x grid is not hashed again)."""
    digest = hashlib.sha256()
    for values in data:
        digest.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    return cache.memo("plots", (kind, settings, digest.hexdigest()), draw, code=CODE)


def plot_function(curves, lo=-6.0, hi=6.0, title="", n=1201, ylim=None) -> str:
    """curves: (label, function) pairs, each evaluated on one grid.

    Returns `<div class="bc-plot">` with an inline SVG. Raises if a curve
    yields NaN or inf on the finite grid: a plot of bad data must not pass.
    """
    x = np.linspace(lo, hi, n)
    ys = []
    for label, fn in curves:
        y = np.asarray(fn(x), dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError(f"plot {title!r}: curve {label!r} is not finite on [{lo}, {hi}]")
        ys.append(np.broadcast_to(y, x.shape))
    labels = [label for label, _ in curves]
    settings = [labels, lo, hi, title, n, None if ylim is None else list(ylim)]
    return _drawn("function", settings, ys, lambda: _draw_function(x, labels, ys, title, ylim))


def _draw_function(x, labels, ys, title, ylim) -> str:
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
        return f'<div class="bc-plot">{to_svg(fig)}</div>'


def plot_activation(name, f, grad, lo=-6.0, hi=6.0, ylim=None) -> str:
    """f and f' of one activation, the standard plot of every page."""
    return plot_function([(f"{name}(x)", f), (f"{name}'(x)", grad)], lo=lo, hi=hi, ylim=ylim)


def plot_gallery(curves, lo=-5.0, hi=5.0, columns=4, n=401) -> str:
    """curves: (name, f, f') triples; one small panel per activation, f and f'
    on the same axes, all panels the same scale of x."""
    x = np.linspace(lo, hi, n)
    panels = []
    for name, f, grad in curves:
        pair = []
        for fn, label in ((f, "f"), (grad, "f′")):
            y = np.asarray(fn(x), dtype=np.float64)
            if not np.all(np.isfinite(y)):
                raise ValueError(f"gallery: {label} of {name} is not finite on [{lo}, {hi}]")
            pair.append(np.broadcast_to(y, x.shape))
        panels.append((name, pair))
    settings = [[name for name, _ in panels], lo, hi, columns, n]
    data = [y for _, pair in panels for y in pair]
    return _drawn("gallery", settings, data, lambda: _draw_gallery(x, panels, columns))


def _draw_gallery(x, panels, columns) -> str:
    rows = -(-len(panels) // columns)
    with plt.rc_context({**_STYLE, "font.size": 9}):
        fig, axes = plt.subplots(rows, columns, figsize=(2.6 * columns, 2.0 * rows), squeeze=False)
        for ax in axes.flat[len(panels):]:
            ax.set_visible(False)
        for ax, (name, pair) in zip(axes.flat, panels):
            for y, color, label in zip(pair, COLORS[:2], ("f", "f′")):
                ax.plot(x, y, color=color, lw=1.5, label=label)
            ax.axhline(0, color=_INK, lw=0.5, alpha=0.4)
            ax.axvline(0, color=_INK, lw=0.5, alpha=0.4)
            ax.set_title(name)
            ax.grid(True, color="#888888", alpha=0.3, lw=0.5)
        axes.flat[0].legend(loc="upper left")
        fig.tight_layout()
        return f'<div class="bc-plot">{to_svg(fig)}</div>'
