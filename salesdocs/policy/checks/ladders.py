"""Refund ladders: every stage covered once, refunds never rising, 'at most' clauses marked,
and every stage a tier's revisions reach covered by its ladder."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from salesdocs.errors import MoneyError, Problem
from salesdocs.model import parse_stage, stage_id, stage_zh
from salesdocs.policy.checks.base import percent_value
from salesdocs.policy.reader import Document, PathKey

_AT_MOST_WORDS = re.compile(r"最多|至多|不超过|封顶|at most", re.IGNORECASE)


@dataclass
class _LadderWalk:
    """What the steps seen so far in one ladder cover."""

    expected: int = 0  # next stage that must be covered
    previous_percent: Decimal | None = None
    previous_line: int = 0
    open_ended_line: int = 0  # the line of a step without 'to', once there is one
    unknown: bool = False  # a step's stages are out of order: what the later steps should start at is unknown


def ladder_problems(doc: Document, li: int, ladder: dict[str, Any]) -> Iterator[Problem]:
    lid = ladder["id"]
    walk = _LadderWalk()
    for si, step in enumerate(ladder["steps"]):
        path: PathKey = ("ladders", li, "steps", si)
        first = parse_stage(step["from"])
        last = parse_stage(step["to"]) if "to" in step else None
        line = doc.pos(path)[0]
        if first is None or ("to" in step and last is None):
            continue  # the schema already reported the malformed stage
        if last is not None and last < first:
            yield doc.problem(
                doc.pos((*path, "to")),
                "refund-order",
                f"退款阶梯 {lid}：结束阶段 {step['to']} 早于起始阶段 {step['from']}",
                f"ladder {lid}: 'to' {step['to']} comes before 'from' {step['from']}",
                hint_zh=f"to 是这一步的最后一个阶段，不能早于 from：把 to 改成 {step['from']} 或更晚的阶段；如果两者写反了，交换它们",
                hint_en=f"'to' is the step's last stage and cannot come before 'from': set to {step['from']} or a later stage, "
                "or swap them if they are the wrong way round",
            )
            walk.unknown = True  # a gap or overlap after it would only follow from this mistake
            continue
        if not walk.unknown:
            yield from _step_coverage(doc, path, lid, step, first, walk)
        percent = _step_percent(step)
        yield from _step_percent_and_kind(doc, path, lid, step, percent, walk.previous_percent)
        if percent is not None:
            walk.previous_percent = percent
        walk.previous_line = line
        if last is None:
            walk.open_ended_line = walk.open_ended_line or line
        else:
            walk.expected = max(walk.expected, last + 1)


def _step_coverage(doc: Document, path: PathKey, lid: str, step: dict[str, Any], first: int, walk: _LadderWalk) -> Iterator[Problem]:
    """A step that overlaps the steps before it, or leaves a gap after them."""
    expected = walk.expected
    if walk.open_ended_line:
        line = walk.open_ended_line
        yield doc.problem(
            doc.pos((*path, "from")),
            "refund-overlap",
            f"退款阶梯 {lid}：第 {line} 行的一步没有写 to（已覆盖以后所有阶段），这一步与它重叠",
            f"ladder {lid}: the step on line {line} has no 'to' (it covers every later stage), so this step overlaps it",
            hint_zh=f"给第 {line} 行那一步加上 to，或删除这一步",
            hint_en=f"give the step on line {line} a 'to', or delete this step",
        )
    elif first > expected:
        gap_last = first - 1
        gap = stage_id(expected) if gap_last == expected else f"{stage_id(expected)} … {stage_id(gap_last)}"
        gap_zh = stage_zh(expected) if gap_last == expected else f"{stage_zh(expected)}至{stage_zh(gap_last)}"
        yield doc.problem(
            doc.pos((*path, "from")),
            "refund-gap",
            f"退款阶梯 {lid} 有空缺：没有规定{gap_zh}（{gap}）的退款",
            f"ladder {lid} has a gap: no refund is defined for {gap}",
            hint_zh=f"把这一步的 from 改成 {stage_id(expected)}，或为 {gap} 加一步",
            hint_en=f"start this step at {stage_id(expected)}, or add a step for {gap}",
        )
    elif first < expected:
        yield doc.problem(
            doc.pos((*path, "from")),
            "refund-overlap",
            f"退款阶梯 {lid}：{step['from']} 已经包含在上一步（第 {walk.previous_line} 行）里",
            f"ladder {lid}: {step['from']} is already covered by the step on line {walk.previous_line}",
            hint_zh=f"把 from 改成 {stage_id(expected)}",
            hint_en=f"start this step at {stage_id(expected)}",
        )


def _step_percent(step: dict[str, Any]) -> Decimal | None:
    """The step's percentage; None when it is malformed (the schema reports that)."""
    try:
        return percent_value(step["percent"])
    except MoneyError:
        return None


def _step_percent_and_kind(
    doc: Document, path: PathKey, lid: str, step: dict[str, Any], percent: Decimal | None, previous: Decimal | None
) -> Iterator[Problem]:
    """A refund that rises at a later stage, or an 'at most' clause not marked as such."""
    if percent is not None and previous is not None and percent > previous:
        yield doc.problem(
            doc.pos((*path, "percent")),
            "refund-rises",
            f"退款阶梯 {lid}：越往后退款比例不能越高（{percent}% 高于上一步的 {previous}%）",
            f"ladder {lid}: refunds must not rise at later stages ({percent}% is above the previous step's {previous}%)",
            hint_zh="检查是不是把两步的比例写反了",
            hint_en="check whether two steps' percentages are swapped",
        )
    if _AT_MOST_WORDS.search(step.get("text", "")) and step.get("kind", "fixed") != "at_most":
        yield doc.problem(
            doc.pos((*path, "text")),
            "refund-at-most-unmarked",
            f"退款阶梯 {lid}：条款写的是“最多退”，但没有标记 kind: at_most",
            f"ladder {lid}: the clause says 'at most' but the step is not marked kind: at_most",
            hint_zh="在这一步加上 kind: at_most",
            hint_en="add kind: at_most to this step",
        )


def ladders_by_id(doc: Document | None) -> tuple[dict[str, Any] | None, set[str]]:
    """The ladders by id (None without a valid refunds.yaml), and the ids of those with errors of their own.

    A ladder with its own errors (a gap, steps out of order) is reported once, in refunds.yaml.
    """
    if doc is None:
        return None, set()
    ladders = {ld["id"]: ld for ld in doc.data["ladders"]}
    broken = {ld["id"] for li, ld in enumerate(doc.data["ladders"]) if any(p.severity == "error" for p in ladder_problems(doc, li, ld))}
    return ladders, broken


def tier_coverage(doc: Document, base: PathKey, name: str, tier: dict[str, Any], ladder: dict[str, Any]) -> Iterator[Problem]:
    """Every stage from the first draft through the revisions included must have a step."""
    covered: list[tuple[int, int | None]] = []
    for step in ladder["steps"]:
        first = parse_stage(step["from"])
        last = parse_stage(step["to"]) if "to" in step else None
        if first is None:
            return
        covered.append((first, last))
    # the first uncovered stage is 0 or just after a step's last stage: test only those
    # (a typo such as included: 99999999999 must not make the check loop for hours)
    candidates = sorted({0} | {la + 1 for _, la in covered if la is not None})
    included, lid = tier["revisions"]["included"], ladder["id"]
    for stage in (c for c in candidates if c <= included):
        if not any(f <= stage and (la is None or stage <= la) for f, la in covered):
            yield doc.problem(
                doc.pos((*base, "refund_ladder")),
                "refund-uncovered",
                f"档位 {name} 包含 {included} 次修改，但退款阶梯 {lid} 没有规定{stage_zh(stage)}（{stage_id(stage)}）的退款",
                f"tier {name} includes {included} revisions but ladder {lid} has no step for {stage_id(stage)}",
                hint_zh=f"在 refunds.yaml 的 {lid} 里补上 {stage_id(stage)}，或让最后一步不写 to",
                hint_en=f"add {stage_id(stage)} to ladder {lid} in refunds.yaml, or leave the last step without 'to'",
            )
            return
