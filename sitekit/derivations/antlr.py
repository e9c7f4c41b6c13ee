"""SymPy's private antlr LaTeX parser, in this one module: the checker's
fast path (parse_sll) reaches into sympy.parsing.latex._parse_latex_antlr,
whose names and behaviour may change in any SymPy release. It is written
against the SymPy that requirements.txt pins, and refuses to load with
another, saying what to do."""

from __future__ import annotations

import re
from pathlib import Path

import sympy

_REQUIREMENTS = Path(__file__).resolve().parent.parent.parent / "requirements.txt"


class SympyVersionError(ImportError):
    """The installed SymPy is not the one this module was written against."""


def pinned_sympy() -> str:
    """The SymPy version requirements.txt pins (`sympy==X.Y.Z`)."""
    match = re.search(r"^sympy==(\S+)", _REQUIREMENTS.read_text(encoding="utf-8"), re.M)
    if match is None:
        raise SympyVersionError(f"{_REQUIREMENTS}: no `sympy==` pin; sitekit/derivations/antlr.py needs one")
    return match.group(1)


if sympy.__version__ != pinned_sympy():
    raise SympyVersionError(
        f"sitekit/derivations/antlr.py uses SymPy's private LaTeX parser API, checked against sympy=={pinned_sympy()} "
        f"(requirements.txt), but SymPy {sympy.__version__} is installed: run `pip install -r requirements.txt`, "
        f"or check sympy.parsing.latex._parse_latex_antlr in {sympy.__version__} and move the pin"
    )

import antlr4  # noqa: E402  (after the version check, which says what is wrong)
from antlr4.atn.PredictionMode import PredictionMode  # noqa: E402
from sympy.parsing.latex import _parse_latex_antlr as antlr_latex  # noqa: E402
from sympy.parsing.latex._antlr.latexlexer import LaTeXLexer  # noqa: E402
from sympy.parsing.latex._antlr.latexparser import LaTeXParser  # noqa: E402


def parse_sll(text: str) -> sympy.Basic | None:
    """SymPy's own antlr parse_latex(strict=True), but with SLL prediction,
    10 to 20 times faster. ANTLR guarantees that an SLL parse without a
    syntax error is the tree full LL would build; on any error this returns
    None and the caller runs parse_latex itself, for its verdict and message."""
    text = text.strip()
    try:
        listener = antlr_latex.MathErrorListener(text)
        lexer = LaTeXLexer(antlr4.InputStream(text))
        lexer.removeErrorListeners()
        lexer.addErrorListener(listener)
        parser = LaTeXParser(antlr4.CommonTokenStream(lexer))
        parser.removeErrorListeners()
        parser.addErrorListener(listener)
        parser._interp.predictionMode = PredictionMode.SLL
        relation = parser.math().relation()
        if relation.start.start != 0 or relation.stop.stop != len(text) - 1:
            return None  # parse_latex(strict=True) rejects it
        return antlr_latex.convert_relation(relation)
    except Exception:  # a syntax error, or SLL needs full LL here
        return None
