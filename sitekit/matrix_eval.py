"""Evaluate a tree that sitekit.matrix_tex read from a formula's side, on
NumPy arrays bound to the formula's names (the notation's meaning is listed
there). With `evaluator = Evaluator(env, letters)`,
`evaluator.side(tree, *evaluator.grid([tree], 0))` is the side's value at
every value of its free indices (sitekit.summaries compares two sides so).

A name or a shape that does not fit raises TexError (ShapeError for shapes)
with the offset of the token it is about.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from sitekit.matrix_tex import Name, Node, ShapeError, TexError


@dataclass(frozen=True)
class Seq:
    """An array whose axis 0 counts from `first` (h_0, h_1, ... : first = 0)."""
    array: np.ndarray
    first: int = 1


_INDEX = re.compile(r"([A-Za-z]'?)([+-]\d+)?|(\d+)")


def is_index(items: tuple[str, ...], letters: str) -> bool:
    return bool(items) and all(
        item == ":" or ((m := _INDEX.fullmatch(item)) is not None and (m.group(3) or m.group(1)[0] in letters))
        for item in items)


def key(name: Name, with_sub: bool) -> str:
    text = name.base + ("'" if name.prime else "") + (f"^{name.sup}" if name.sup else "")
    if with_sub and name.sub:
        sub = "".join(re.sub(r"\\(?:text|mathrm)\{(.*)\}", r"\1", s) for s in name.sub)
        text += f"_{sub}"
    return text


class Evaluator:
    def __init__(self, env: dict[str, Any], letters: str, ranges: dict[str, str] | None = None):
        # ranges: letter -> the bound name it runs to from 1, for letters whose axes differ in length
        self.env, self.letters, self.ranges = env, letters, ranges or {}

    def lookup(self, name: Name) -> tuple[Any, bool]:
        """(value, whether the subscript indexes it)."""
        indexing = is_index(name.sub, self.letters)
        for candidate in ([key(name, True), key(name, False)] if indexing else [key(name, True)]):
            if candidate in self.env:
                return self.env[candidate], indexing
        raise TexError(f"`{name.text()}` is not a name this formula's binding gives "
                       f"(it gives {', '.join(sorted(k for k in self.env if not k.isupper()))})", name.offset)

    def lengths(self, tree: Any, letter: str, bound: frozenset = frozenset()) -> list[tuple[int, int, str]]:
        """(length, first, name) of every axis that `letter` alone indexes in tree."""
        found: list[tuple[int, int, str]] = []
        if isinstance(tree, Name):
            if letter in tree.sub and letter not in bound and is_index(tree.sub, self.letters):
                value, _ = self.lookup(tree)
                array, first = (value.array, value.first) if isinstance(value, Seq) else (np.asarray(value), 1)
                axis = tree.sub.index(letter)
                if axis < array.ndim:
                    found.append((array.shape[axis], first if axis == 0 else 1, tree.text()))
        elif isinstance(tree, Node):
            inner = bound | {tree.value[0]} if tree.op in ("sum", "max") else bound
            for arg in tree.args:
                found += self.lengths(arg, letter, inner)
        return found

    def free(self, tree: Any, bound: frozenset = frozenset()) -> list[str]:
        """Index letters used and not bound by a sum, in order of first use."""
        if isinstance(tree, Name):
            if not is_index(tree.sub, self.letters):
                return []
            return [m.group(1) for s in tree.sub if (m := _INDEX.fullmatch(s)) and m.group(1)
                    and m.group(1) not in bound]
        if isinstance(tree, Node):
            inner = bound | {tree.value[0]} if tree.op in ("sum", "max") else bound
            return [x for arg in tree.args for x in self.free(arg, inner)]
        return []

    def span(self, trees: list[Any], letter: str, at: int) -> range:
        if letter in self.ranges:
            return range(1, self.env[self.ranges[letter]] + 1)
        found = [f for tree in trees for f in self.lengths(tree, letter)]
        if not found:
            raise TexError(f"the index {letter} indexes no axis, so its range is unknown", at)
        ranges = {(n, first) for n, first, _ in found}
        if len(ranges) > 1:
            uses = ", ".join(f"{n} in {where}" for n, _, where in found)
            raise TexError(f"the index {letter} runs over different lengths: {uses}", at)
        n, first = ranges.pop()
        return range(first, first + n)

    def grid(self, trees: list[Any], at: int) -> tuple[list[str], list[range]]:
        letters = list(dict.fromkeys(x for tree in trees for x in self.free(tree)))
        return letters, [self.span(trees, letter, at) for letter in letters]

    def side(self, tree: Any, letters: list[str], spans: list[range]) -> np.ndarray:
        """The side over the grid of the free indices (an array of their shape + the entry's)."""
        if not letters:
            return np.asarray(self.value(tree, {}), dtype=float)
        values = [np.asarray(self.value(tree, dict(zip(letters, point))), dtype=float)
                  for point in itertools.product(*spans)]
        shapes = {v.shape for v in values}
        if len(shapes) > 1:
            raise TexError(f"entries of different shapes {sorted(shapes)}", getattr(tree, "offset", 0))
        return np.stack(values).reshape(tuple(len(s) for s in spans) + values[0].shape)

    def value(self, tree: Any, index: dict[str, int]) -> Any:
        if isinstance(tree, Name):
            return self.name(tree, index)
        op, args, at = tree.op, tree.args, tree.offset
        if op == "num":
            return np.float64(tree.value)
        if op in ("sum", "max"):
            letter, lower, upper, *equal = tree.value
            if upper is None:
                span = self.span(list(args), letter, at)
            else:
                bound = self.env.get(upper)
                if not isinstance(bound, int):
                    raise TexError(f"the sum's upper bound `{upper}` is not a size this binding gives", at)
                span = range(lower, bound + 1)
            total = None
            for value in span:
                if equal and self.value(args[1], {**index, letter: value}) != index[equal[0]]:
                    continue
                term = np.asarray(self.value(args[0], {**index, letter: value}))
                total = term if total is None else np.maximum(total, term) if op == "max" else binary("+", total, term, at)
            if total is None and equal:  # no n with x_n = v: zeros of a term's shape
                total = np.zeros_like(np.asarray(self.value(args[0], {**index, letter: span[0]})))
            return total
        values = [np.asarray(self.value(arg, index)) for arg in args]
        if op == "call":
            function = tree.value
            if isinstance(function, Name):
                found, _ = self.lookup(function)
                if not callable(found):
                    return binary("juxt", np.asarray(found), values[0], at)
                return found(values[0])
            return {"rowsum": lambda x: x.sum(axis=-1, keepdims=True),
                    "mean_row": lambda x: x.mean(axis=-1, keepdims=True),
                    "mean": lambda x: x.mean(axis=-1, keepdims=True),
                    "tanh": np.tanh, "exp": np.exp, "log": np.log, "floor": np.floor,
                    "norm": lambda x: np.sqrt(np.sum(x * x)),
                    "sigma": lambda x: 1 / (1 + np.exp(-x)),
                    "softmax": lambda x: np.exp(x - x.max(-1, keepdims=True))
                    / np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True)}[function](values[0])
        if op == "neg":
            return -values[0]
        if op == "sqrt":
            return np.sqrt(values[0])
        if op == "pow":
            return values[0] ** tree.value
        if op == "T":
            if values[0].ndim != 2:
                raise ShapeError(f"a transpose of an array of shape {values[0].shape}, not a matrix", at)
            return values[0].T
        if op == "sumrows":
            return values[0].sum(axis=0)
        if op == "sumall":
            return values[0].sum()
        return binary(op, values[0], values[1], at)

    def name(self, name: Name, index: dict[str, int]) -> Any:
        value, indexing = self.lookup(name)
        if callable(value):
            raise TexError(f"`{name.text()}` is a function; write it applied, {name.text()}(...)", name.offset)
        if not indexing:
            return value.array if isinstance(value, Seq) else value
        array, first = (value.array, value.first) if isinstance(value, Seq) else (np.asarray(value), 1)
        if len(name.sub) > array.ndim:
            raise TexError(f"`{name.text()}` has {len(name.sub)} indices, but the array has {array.ndim} axes",
                           name.offset)
        positions: list[Any] = []
        for axis, item in enumerate(name.sub):
            if item == ":":
                positions.append(slice(None))
                continue
            match = _INDEX.fullmatch(item)
            if match.group(3):
                number = int(match.group(3))
            else:
                if match.group(1) not in index:
                    raise TexError(f"the index {match.group(1)} of `{name.text()}` has no value here", name.offset)
                number = index[match.group(1)] + int(match.group(2) or 0)
            position = number - (first if axis == 0 else 1)
            if not 0 <= position < array.shape[axis]:
                raise TexError(f"`{name.text()}` with {item} = {number} is outside its axis of "
                               f"{array.shape[axis]} entries", name.offset)
            positions.append(position)
        return array[tuple(positions)]


def binary(op: str, a: np.ndarray, b: np.ndarray, at: int) -> np.ndarray:
    scalar = a.ndim == 0 or b.ndim == 0
    if op == "juxt" and not scalar:
        if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
            raise ShapeError(f"a matrix product of shapes {a.shape} and {b.shape} (juxtaposition is a matrix "
                           f"product; an entry-by-entry product is \\odot)", at)
        return a @ b
    if op in ("juxt", "cdot"):
        if not scalar:
            raise ShapeError(f"\\cdot between arrays of shapes {a.shape} and {b.shape}: write \\odot "
                           f"(entry by entry) or a product without \\cdot (matrix product)", at)
        return a * b
    if not scalar:
        try:
            shape = np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            shape = None
        if shape not in (a.shape, b.shape):
            raise ShapeError(f"`{ {'odot': '⊙', 'div': '/'}.get(op, op)}` of shapes {a.shape} and {b.shape}", at)
    return {"+": np.add, "-": np.subtract, "odot": np.multiply, "div": np.divide}[op](a, b)
