"""One page's chains: each step equal to the one before (a wrong step at its
own line), the first the page's definition, the last the snippet's value
(through a comparison callable), with one line and one outcome per block."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import sympy as sp

from sitekit.definitions import DEFINITIONS
from sitekit.derivations.blocks import Block, Step, extract_blocks, split_steps
from sitekit.derivations.equality import Domain, check_equal
from sitekit.derivations.meaning import Context, meaning, parse_domain, parse_where
from sitekit.derivations.report import BlockOutcome, DerivationError, Report
from sitekit.derivations.snippets import _snippet_function, check_against_snippet

# (page's function name, last step's value, d/d<variable> or None, context,
# domain) -> (points compared, None) or (points, what differs).
Comparison = Callable[[str, sp.Expr, "str | None", Context, "Domain | None"], "tuple[int, str | None]"]

def page_name(src_uri: str) -> str | None:
    """docs/activations/<name>.md -> <name>; DEFINITIONS[name] is its function, if any."""
    match = re.fullmatch(r"(?:docs/)?activations/(\w+)\.md", src_uri.replace("\\", "/"))
    return match.group(1) if match else None


def _branch_hint(a: sp.Expr, b: sp.Expr, x: sp.Symbol, domain: Domain | None) -> str:
    """Say so when an undeclared chain holds on one side of 0 only."""
    if domain is not None:
        return ""
    for text, condition in (("x > 0", x > 0), ("x < 0", x < 0)):
        if check_equal(a, b, x, Domain(text, [condition])).equal:
            return (f"; it holds for {text}: if this chain is that branch, "
                    f"put `% domain: {text}` in the block")
    return ""


def _quote(step: Step) -> str:
    return f"\n    step {step.number} (line {step.line}): {step.tex}"


def check_block(block: Block, label: str, page: str | None, compare: Comparison = check_against_snippet) -> Report:
    report = Report(blocks=1)
    where = f"{label}:{block.line}"

    def fail(line: int | None, message: str) -> None:
        report.errors.append(f"{label}:{line or block.line}: {message}")

    for line, message in block.errors:
        fail(line, message)
    if block.prose_only is not None:
        report.prose_only = 1
        report.lines.append(f"{where}: prose-only ({block.prose_only})")
        report.outcomes.append(BlockOutcome(0, f"prose-only: {block.prose_only}"))
        return report
    try:
        steps = split_steps(block)
        context, domain = parse_domain(block.domain, page)
        context.generics = {name for _, name in block.generic}
        bindings = parse_where(block.where, context)
    except DerivationError as error:
        fail(error.line, str(error))
        report.lines.append(f"{where}: FAILED, cannot read the block")
        report.outcomes.append(BlockOutcome(0, "failed"))
        return report

    values: list[sp.Expr | None] = []
    wrt = None
    for step in steps:
        try:
            value, variable = meaning(step.tex, context)
        except DerivationError as error:
            fail(step.line, f"step {step.number} cannot be checked: {error}{_quote(step)}")
            value, variable = None, None
        values.append(value.xreplace(bindings) if value is not None and bindings else value)
        if step.number == 1:
            wrt = variable

    x = context.x
    anchor = 0 if values[0] is not None else None
    failed = 0
    for i in range(1, len(steps)):
        if values[i] is None:
            continue
        previous = i - 1 if values[i - 1] is not None else anchor
        if previous is None:
            anchor = i
            continue
        report.equalities += 1
        verdict = check_equal(values[previous], values[i], x, domain)
        if not verdict.equal and anchor is not None and anchor != previous:
            # The previous step was wrong and this one returns to the chain.
            resumed = check_equal(values[anchor], values[i], x, domain)
            verdict = resumed if resumed.equal else verdict
        if verdict.equal:
            report.symbolic += verdict.symbolic
            anchor = i
        else:
            failed += 1
            fail(steps[i].line, f"step {steps[i].number} ≠ step {steps[previous].number} ({verdict.detail})"
                 f"{_branch_hint(values[previous], values[i], x, domain)}"
                 f"{_quote(steps[previous])}{_quote(steps[i])}")

    ends = ["no definition for this page: endpoints not checked"]
    if context.definition is not None:
        name = f"d/d{wrt} {page}" if wrt else page
        if values[0] is not None:
            target = context.page_expr()
            target = sp.diff(target, context.symbol(wrt)) if wrt else target
            verdict = check_equal(target, values[0], x, domain)
            if verdict.equal:
                ends = [f"step 1 = {name} (definitions.py)"]
            else:
                fail(steps[0].line, f"step 1 is not {name} as defined in sitekit/definitions.py "
                     f"({verdict.detail}){_quote(steps[0])}\n    definition: {DEFINITIONS[page].latex}")
                ends = ["step 1 ≠ definition"]
        else:
            # Unread, step 1 does not say whether the chain ends on f or on a
            # derivative: comparing with either would report a second, false error.
            ends = ["step 1 unread: endpoints not checked"]
        if values[-1] is not None and values[0] is not None:
            compared, problem = compare(page, values[-1], wrt, context, domain)
            if problem:
                fail(steps[-1].line, f"step {steps[-1].number}: {problem}{_quote(steps[-1])}")
                ends.append("last step ≠ snippet")
            else:
                ends.append(f"last step = {_snippet_function(page, wrt)} at {compared} hard points")
    status = "FAILED" if report.errors else "ok"
    how = f"{report.symbolic} by simplify, {report.equalities - report.symbolic - failed} numerically"
    how += f", {failed} FAILED" if failed else ""
    domain_text = f", domain {domain.text}" if domain else ""
    domain_text += f", where {'; '.join(t for _, t in block.where)}" if block.where else ""
    report.outcomes.append(BlockOutcome(report.equalities, "failed" if report.errors else None))
    report.lines.append(f"{where}: {status}: {len(steps)} steps, {report.equalities} equalities "
                        f"({how}){domain_text}; {'; '.join(ends)}")
    return report


def _check_markdown(markdown: str, src_uri: str, label: str | None,
                    compare: Comparison = check_against_snippet) -> Report:
    started = time.perf_counter()
    src_uri = src_uri.replace("\\", "/").removeprefix("docs/")
    label, page = label or f"docs/{src_uri}", page_name(src_uri)
    report = Report()
    for block in extract_blocks(markdown):
        report += check_block(block, label, page, compare)
    report.seconds = time.perf_counter() - started
    return report
