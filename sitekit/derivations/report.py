"""What a check says: a page's Report (errors, counts, one line and one
typed outcome per block) and the DerivationError a step raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class BlockOutcome(NamedTuple):
    """One align block's verdict: equalities checked, and None if it passed,
    else "failed" or "prose-only: <reason>". A tuple, so `(n, problem)` unpacks."""

    equalities: int
    problem: str | None = None

    @property
    def passed(self) -> bool:
        return self.problem is None


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    blocks: int = 0
    equalities: int = 0  # step-to-step equalities checked
    prose_only: int = 0
    symbolic: int = 0  # of those, proved by simplify
    lines: list[str] = field(default_factory=list)  # one per block, for the CLI
    # One per block, in page order; the hook marks each block with it.
    outcomes: list[BlockOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def __iadd__(self, other: Report) -> Report:
        self.errors += other.errors
        self.blocks += other.blocks
        self.equalities += other.equalities
        self.prose_only += other.prose_only
        self.symbolic += other.symbolic
        self.lines += other.lines
        self.outcomes += other.outcomes
        self.seconds += other.seconds
        return self

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"{self.blocks} blocks, {self.equalities} equalities checked, {self.prose_only} prose-only"


class DerivationError(Exception):
    """A problem with one expression or line; the message is for the page author."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line
