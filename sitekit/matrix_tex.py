"""A small, strict reader of the matrix notation of the backprop and layer pages.

It turns one side of a display formula into a tree (`parse`); sitekit.matrix_eval
evaluates the tree on NumPy arrays bound to the formula's names (`Evaluator`).
What the notation means:

- juxtaposition of two arrays is the matrix product (both 2-D, inner sizes
  equal); `\\cdot` multiplies when one side is a scalar; `\\odot`, `/`, `+`, `-` and
  `\\frac` act entry by entry (`/` binds as `\\odot`, left to right), a row or column spread over a matrix only where
  NumPy broadcasts it to the other operand's shape (never both ways);
- `^{\\mathsf T}` transposes a 2-D array; `^{2}` squares entry by entry; other
  superscripts are part of a name (`W^{(l+1)}`), one that ends in `\\mathsf T`
  names and transposes (`W^{(2)\\mathsf T}`);
- a subscript made of index letters (the binding's, primed or not: `n'` is an index of its own),
  `:` and `letter±c` indexes (`\\Delta_{n,:}`, `w_{jk}`, `h_{t-1}`, `Y_{n'k}`), 1-based as the pages count;
  any other subscript is part of the name (`A_{\\text{in}}`, `W_x`);
- `\\sum_{n=1}^{N} body` loops over n (the bound N is a bound name);
  `\\sum_{k} body` loops over the length of the axis k indexes in the body, `\\sum_{n', k}` over both;
  `\\sum_{\\text{rows}} body` adds the rows; `\\sum_{n : x_n = v} body` takes the n
  whose x_n equals v; `\\sum body` adds every entry; `\\max_{u, v} body` takes the largest
  term; the body is the rest of the product;
- `e^{x}` is the exponential, `\\lfloor x \\rfloor` the floor, `\\lVert W \\rVert` the Frobenius norm;
- `g'(Z)` and `\\tanh'(Z)` call the bound function; `\\operatorname{rowsum}`,
  `\\operatorname{mean}_{\\text{row}}`, `\\operatorname{mean}` (both over the last axis) and `\\sqrt`
  are built in;
- `\\frac{\\partial E}{\\partial w_{ij}}` and `\\partial E / \\partial w_{ij}` are the name `\\partial E/\\partial w`;
  `\\frac{\\partial z_k}{\\partial b_j}` the Jacobian `\\partial z/\\partial b` at (k, j);
  `\\partial E_{\\text{mean}}` the name `\\partial E_mean/...`; `\\nabla_Y E` is `\\partial E/\\partial Y`;
  `\\mathbf{1}` a name too;
- a `\\text{...}` at the top of a side starts a remark in words: the side ends.

Anything else raises TexError with the offset of the token it stopped at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class TexError(Exception):
    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.offset = offset


class ShapeError(TexError):
    """Shapes that do not fit an operation: a formula that is false, not one the reader cannot read."""


# Sizing and spacing commands carry no meaning here.
_IGNORED = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|textstyle|displaystyle)(?![A-Za-z])"
                      r"|\\[,;:! ]|~|&")
_TOKEN = re.compile(r"\s*(?:(\\[A-Za-z]+)|(\d+(?:\.\d+)?)|([A-Za-z])|([{}()\[\]+\-=^_',:/|*.]))")
_GREEK = {"alpha", "beta", "gamma", "delta", "Delta", "epsilon", "kappa", "lambda", "mu", "rho",
          "sigma", "eta", "theta", "nu", "tau", "phi", "psi", "omega", "Sigma", "Phi", "Psi", "Omega"}
_FUNCTIONS = {"tanh", "exp", "log", "sigma"}
_BUILTIN = {"rowsum", "mean_row", "mean", "softmax"}
_BRACKETS = {"\\lVert": ("\\rVert", "norm"), "\\lfloor": ("\\rfloor", "floor")}
_TRANSPOSE = {"\\mathsf T", "\\mathsf{T}", "\\top", "\\intercal"}


@dataclass(frozen=True)
class Token:
    text: str
    offset: int


def tokens(tex: str) -> list[Token]:
    # Same length after blanking, so offsets still point into the formula.
    tex = _IGNORED.sub(lambda m: " " * len(m.group(0)), tex)
    out, position = [], 0
    while position < len(tex):
        if tex[position:].strip() == "":
            break
        match = _TOKEN.match(tex, position)
        if match is None:
            raise TexError(f"cannot read `{tex[position:position + 12].strip()}`", position)
        start = match.start(match.lastindex)
        out.append(Token(match.group(match.lastindex), start))
        position = match.end()
    return out


# ---------------------------------------------------------------------------
# Tree


@dataclass(frozen=True)
class Name:
    base: str  # `W`, `\bar{X}`, `\partial E/\partial w`
    sup: str = ""  # `(l+1)`: part of the name
    sub: tuple[str, ...] = ()  # items of the subscript: `n`, `:`, `t-1`, `\text{in}`
    prime: bool = False
    offset: int = 0

    def text(self) -> str:
        return (self.base + ("'" if self.prime else "") + (f"^{{{self.sup}}}" if self.sup else "")
                + (f"_{{{','.join(self.sub)}}}" if self.sub else ""))


@dataclass(frozen=True)
class Node:
    op: str  # num, neg, + - odot cdot juxt div, T, pow, call, sqrt, sum, sumrows
    args: tuple = ()
    value: Any = None  # number, exponent, function name, (index, lower, upper)
    offset: int = 0


class Parser:
    def __init__(self, tex: str):
        self.toks = tokens(tex)
        self.i = 0
        self.end = len(tex)

    def peek(self, k: int = 0) -> str | None:
        return self.toks[self.i + k].text if self.i + k < len(self.toks) else None

    def offset(self) -> int:
        return self.toks[self.i].offset if self.i < len(self.toks) else self.end

    def take(self, expected: str | None = None) -> str:
        text = self.peek()
        if text is None or (expected is not None and text != expected):
            raise TexError(f"expected `{expected or 'more'}`, found `{text or 'the end'}`", self.offset())
        self.i += 1
        return text

    def side(self) -> Node | Name:
        tree = self.expression()
        if self.peek() == "\\text":  # a remark in words ends the side
            self.i = len(self.toks)
        if self.peek() is not None:
            raise TexError(f"cannot read `{self.peek()}` here", self.offset())
        return tree

    def expression(self, stop: tuple[str, ...] = ()) -> Node | Name:
        tree = self.product(stop)
        while self.peek() in ("+", "-"):
            at = self.offset()
            op = self.take()
            tree = Node(op, (tree, self.product(stop)), offset=at)
        return tree

    def product(self, stop: tuple[str, ...] = ()) -> Node | Name:
        tree = self.unary(stop)
        while True:
            text, at = self.peek(), self.offset()
            if text in ("\\odot", "\\cdot", "\\times", "/"):
                self.take()
                op = {"\\odot": "odot", "/": "div"}.get(text, "cdot")
                tree = Node(op, (tree, self.unary(stop)), offset=at)
            elif text is not None and text not in ("+", "-", ")", "}", "]", "=", ",", "\\text", "\\rfloor", "\\rVert") + stop:
                tree = Node("juxt", (tree, self.unary(stop)), offset=at)
            else:
                return tree

    def unary(self, stop: tuple[str, ...] = ()) -> Node | Name:
        at = self.offset()
        if self.peek() == "-":
            self.take()
            return Node("neg", (self.unary(stop),), offset=at)
        if self.peek() == "\\max" and self.peek(1) == "_":  # \max_{u, v} body: the largest term
            self.take()
            self.take("_")
            letters, body = self.group_text(), self.product(stop)
            for letter in reversed([x.strip() for x in letters.split(",")]):
                body = Node("max", (body,), (letter, 1, None), at)
            return body
        if self.peek() == "\\sum":
            self.take()
            if self.peek() != "_":  # \\sum \\bar{Y} \\odot Y: every entry of the product
                return Node("sumall", (self.product(stop),), offset=at)
            self.take("_")
            lower = self.group_text()
            if re.fullmatch(r"\\text\{rows\}", lower.replace(" ", "")):
                return Node("sumrows", (self.product(stop),), offset=at)
            condition = re.fullmatch(r"\s*([A-Za-z])\s*:\s*(.+?)\s*=\s*([A-Za-z])\s*", lower)
            if condition:  # \sum_{n : x_n = v}: the n whose x_n is v
                test = Parser(condition.group(2)).side()
                return Node("sum", (self.product(stop), test), (condition.group(1), 1, None, condition.group(3)), at)
            primed = re.sub(r"([A-Za-z])\s*'", r"\1'", lower)
            several = re.fullmatch(r"\s*([A-Za-z]'?(?:\s*,\s*[A-Za-z]'?)*)\s*", primed)
            if several and ("," in primed or "'" in primed):  # \\sum_{n', k}: one sum per letter, nested
                body = self.product(stop)
                for letter in reversed([x.strip() for x in several.group(1).split(",")]):
                    body = Node("sum", (body,), (letter, 1, None), at)
                return body
            match = re.fullmatch(r"\s*([A-Za-z])\s*(?:=\s*(\d+)\s*)?", lower)
            if match is None:
                raise TexError(f"cannot read the sum's index `{lower}` (write \\sum_{{n=1}}^{{N}} or \\sum_{{k}})", at)
            upper = None
            if self.peek() == "^":
                self.take()
                upper = self.group_text().strip()
            return Node("sum", (self.product(stop),), (match.group(1), int(match.group(2) or 1), upper), at)
        return self.postfix()

    def group_text(self) -> str:
        """The raw text of `{...}` or of one token."""
        if self.peek() != "{":
            return self.take()
        self.take("{")
        depth, parts = 1, []
        while True:
            text = self.take()
            depth += {"{": 1, "}": -1}.get(text, 0)
            if depth == 0:
                return " ".join(parts).replace("\\ ", "")
            parts.append(text)

    def postfix(self) -> Node | Name:
        tree = self.primary()
        while self.peek() == "^":
            at = self.offset()
            self.take()
            sup = self.group_text()
            if sup.replace(" ", "") in {t.replace(" ", "") for t in _TRANSPOSE} or sup == "T":
                tree = Node("T", (tree,), offset=at)
            elif re.fullmatch(r"\d+", sup):
                tree = Node("pow", (tree,), int(sup), at)
            elif isinstance(tree, Name) and not tree.sup:
                tree = Name(tree.base, sup.replace(" ", ""), tree.sub, tree.prime, tree.offset)
            else:
                raise TexError(f"cannot read the superscript `{sup}`", at)
        return tree

    def braced(self) -> Node | Name:
        if self.peek() != "{":
            return self.postfix()
        self.take("{")
        tree = self.expression()
        self.take("}")
        return tree

    def primary(self) -> Node | Name:
        text, at = self.peek(), self.offset()
        if text is None:
            raise TexError("a side ends too early", at)
        if text == "(":
            self.take()
            tree = self.expression()
            self.take(")")
            return tree
        if text == "{":
            return self.braced()
        if text == "e" and self.peek(1) == "^":  # e^{x}: the exponential
            self.take()
            self.take("^")
            return Node("call", (self.braced(),), "exp", at)
        if text == "\\nabla":  # \\nabla_Y E: the gradient, the name \\partial E/\\partial Y
            self.take()
            self.take("_")
            variable = Parser(self.group_text()).name()
            return derivative(self.name(), variable, at)
        if text in _BRACKETS:  # \\lVert W \\rVert (Frobenius), \\lfloor x \\rfloor
            close, function = _BRACKETS[self.take()]
            inside = self.expression()
            self.take(close)
            return Node("call", (inside,), function, at)
        if re.fullmatch(r"\d+(\.\d+)?", text):
            self.take()
            return Node("num", value=float(text), offset=at)
        if text in ("\\frac", "\\tfrac", "\\dfrac"):
            self.take()
            if self.peek() and re.fullmatch(r"\d\d", self.peek()):  # \frac12
                digits = self.take()
                return Node("div", (Node("num", value=float(digits[0])), Node("num", value=float(digits[1]))),
                            offset=at)
            if self.peek(0) == "{" and self.peek(1) == "\\partial":
                held = self.partial(at)
                if self.peek() == "|" and self.peek(1) == "_":  # \Big|_{\mu, v}: with mu and v held fixed
                    self.take()
                    self.take("_")
                    held = Name(f"{held.base}|{self.group_text().replace(' ', '')}", held.sup, held.sub, False, at)
                return held
            numerator = self.braced()
            return Node("div", (numerator, self.braced()), offset=at)
        if text == "\\partial":  # \partial E / \partial b_k, the slash form of the fraction
            self.take()
            numerator = self.name()
            self.take("/")
            self.take("\\partial")
            return derivative(numerator, self.name(), at)
        if text == "\\sqrt":
            self.take()
            return Node("sqrt", (self.braced(),), offset=at)
        if text == "\\operatorname":
            self.take()
            name = self.group_text().replace(" ", "")
            if self.peek() == "_":
                self.take()
                name += "_" + re.sub(r"\\text\{(\w+)\}", r"\1", self.group_text().replace(" ", ""))
            if name not in _BUILTIN:
                raise TexError(f"unknown operator `{name}` (known: {', '.join(sorted(_BUILTIN))})", at)
            return self.call(name, at)
        if text[1:] in _FUNCTIONS and text.startswith("\\") and self.peek(1) == "(":
            self.take()
            return self.call(text[1:], at)
        return self.name()

    def call(self, function: str | Name, at: int) -> Node:  # a built-in's name, or a bound function's
        self.take("(")
        argument = self.expression()
        self.take(")")
        return Node("call", (argument,), function, at)

    def partial(self, at: int) -> Name:
        self.take("{")
        self.take("\\partial")
        numerator = self.name()
        self.take("}")
        self.take("{")
        self.take("\\partial")
        inner = self.name()
        self.take("}")
        return derivative(numerator, inner, at)

    def name(self) -> Node | Name:
        at = self.offset()
        text = self.take()
        if text in ("\\bar", "\\hat", "\\tilde", "\\mathbf"):
            inner = self.name_in_braces()
            base = f"{text}{{{inner}}}"
        elif re.fullmatch(r"[A-Za-z]", text):
            base = text
        elif text[1:] in _GREEK or (text[1:] in _FUNCTIONS and self.peek() == "'"):  # \\tanh' names a slope
            base = text
        else:
            raise TexError(f"cannot read `{text}` as a name", at)
        sup, sub, prime, transposed = "", (), False, None
        while self.peek() in ("_", "'", "^"):
            mark, start = self.take(), self.i
            if mark == "'":
                prime = True
            elif mark == "_":
                sub = subscript_items(self.group_text())
            else:
                text = self.group_text().replace(" ", "")
                if sup or re.fullmatch(r"\d+|T|\\top|\\mathsfT|\\mathsf\{T\}|\\intercal", text):
                    self.i = start - 1  # a transpose or a power: postfix() reads it
                    break
                # W^{(2)\\mathsf T}: the name W^{(2)}, transposed
                transposed = re.fullmatch(r"(.+?)(\\top|\\mathsfT|\\mathsf\{T\}|\\intercal)", text)
                sup = transposed.group(1) if transposed else text
        tree = Name(base, sup, sub, prime, at)
        if sup and transposed:
            return Node("T", (tree,), offset=at)
        if prime and self.peek() == "(":
            return self.call(tree, at)
        if self.peek() == "(" and base in ("g", "f"):
            return self.call(tree, at)
        return tree

    def name_in_braces(self) -> str:
        self.take("{")
        inner = self.take()
        if inner in ("\\bar", "\\hat", "\\tilde"):
            inner = f"{inner}{{{self.name_in_braces()}}}"
        self.take("}")
        return inner


def derivative(numerator: Any, inner: Any, at: int) -> Name:
    """d numerator / d inner as one name: `\\partial E/\\partial w` indexed by w's subscript;
    `\\partial z^(l+1)/\\partial z^(l)` (a Jacobian) by the numerator's, then the denominator's."""
    if not (isinstance(numerator, Name) and isinstance(inner, Name)):
        raise TexError("a derivative of a name by a name", at)
    top = numerator.base + (f"^{numerator.sup}" if numerator.sup else "")
    # A subscript in words names the function (E_{\\text{mean}}); index letters index the Jacobian.
    words = tuple(item for item in numerator.sub if item.startswith(("\\text", "\\mathrm")))
    if words:
        top += "_" + "".join(re.sub(r"\\(?:text|mathrm)\{(.*)\}", r"\1", item) for item in words)
    indices = tuple(item for item in numerator.sub if item not in words)
    return Name(f"\\partial {top}/\\partial {inner.base}", inner.sup, indices + inner.sub, False, at)


def subscript_items(raw: str) -> tuple[str, ...]:
    """`n , :` -> (n, :); `n k` -> (n, k); `t - 1` -> (t-1,); `\\text { in }` -> (\\text{in},)."""
    flat = re.sub(r"([A-Za-z])\s*'", r"\1'", re.sub(r"\s+", " ", raw).strip())  # n' is an index of its own
    flat = re.sub(r"\\(text|mathrm)\s*\{([^{}]*)\}", lambda m: f"\\{m.group(1)}{{{m.group(2).replace(' ', '')}}}", flat)
    if "," in flat:
        return tuple(part.replace(" ", "") for part in flat.split(","))
    if re.search(r"[+-]", flat):
        return (flat.replace(" ", ""),)
    return tuple(flat.split(" "))


def parse(tex: str) -> Node | Name:
    return Parser(tex).side()
