"""The words of the 修订对照表: a text diff, the lawyer's note on it, clause texts as readers see them
and a refund-ladder step as the refund table prints it.

* :func:`word_diff` — two texts as equal / delete / insert runs (each Chinese character a token);
* :func:`wording_note` — one phrase per place edited: 删去“…”；在“…”后增加“…”；将“…”改为“…” (the
  last only where a deletion and an insertion are at the same place);
* :func:`readable` — a clause text with its placeholders filled: policy values from that side's
  policy, ``ref.…`` numbered as the full text numbers them, deal-specific names as a label 〔交易名称〕;
* :func:`step_row` — a ladder step as its row of the refund table: 阶段 · 退款比例 · 乙方保留.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from salesdocs.engine.money import format_percent_sign, parse_percent
from salesdocs.errors import SalesdocsError
from salesdocs.model import parse_stage, stages_zh
from salesdocs.policy.contract import DEAL_LABELS, PLACEHOLDER, policy_value

TOKEN = re.compile(r"[A-Za-z0-9_.%+\-]+|\s+|.", re.S)
PHRASE_END = "，。；：、,;:\n"
#: a quoted text longer than this is shortened to its head and tail (the 说明 column is narrow)
QUOTE_MAX = 40
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Segment:
    """A run of a text diff: ``equal``, ``delete`` (only in the old text) or ``insert`` (only in the new)."""

    op: str
    text: str


def word_diff(before: str, after: str) -> list[Segment]:
    """``before`` → ``after`` as equal / delete / insert runs (character level for Chinese)."""
    a, b = TOKEN.findall(before), TOKEN.findall(after)
    out: list[Segment] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return out


# ------------------------------------------------------------------ the note on a wording change


def _quoted(text: str) -> str:
    text = text.strip()
    return f"“{text if len(text) <= QUOTE_MAX else text[:24] + '……' + text[-8:]}”"


def _sites(segments: list[Segment]) -> list[tuple[int, int]]:
    """The places edited: each run of adjacent deletions and insertions, as (first, end) indexes."""
    sites: list[tuple[int, int]] = []
    start: int | None = None
    for i, seg in enumerate([*segments, Segment("equal", "")]):
        if seg.op != "equal" and start is None:
            start = i
        elif seg.op == "equal" and start is not None:
            sites.append((start, i))
            start = None
    return sites


def _anchor(segments: list[Segment], first: int) -> str:
    """The words just before an insertion (back to the previous punctuation, at most 8 characters)."""
    head = segments[first - 1].text.rstrip() if first > 0 else ""
    cut = max(head[:-1].rfind(ch) for ch in PHRASE_END) + 1 if head else 0
    return head[cut:][-8:]


def _phrases(segments: list[Segment], first: int, end: int) -> tuple[str, str]:
    """The phrase (between punctuation) around a short replacement, before and after it."""
    head = segments[first - 1].text if first > 0 else ""
    tail = segments[end].text if end < len(segments) else ""
    cut = max(head.rfind(ch) for ch in PHRASE_END) + 1
    ends = [i for i in (tail.find(ch) for ch in PHRASE_END) if i >= 0]
    head, tail = head[cut:], tail[: min(ends)] if ends else tail
    old = "".join(seg.text for seg in segments[first:end] if seg.op == "delete")
    new = "".join(seg.text for seg in segments[first:end] if seg.op == "insert")
    return head + old + tail, head + new + tail


def _site_note(segments: list[Segment], first: int, end: int) -> str | None:
    old = "".join(s.text for s in segments[first:end] if s.op == "delete").strip()
    new = "".join(s.text for s in segments[first:end] if s.op == "insert").strip()
    if old and (new or len(old) < 2):
        if min(len(old), len(new)) < 2:
            old, new = _phrases(segments, first, end)
        return f"将{_quoted(old)}改为{_quoted(new)}"
    if old:
        return f"删去{_quoted(old)}"
    if new:
        anchor = _anchor(segments, first)
        return f"在{_quoted(anchor)}后增加{_quoted(new)}" if anchor.strip() else f"在开头增加{_quoted(new)}"
    return None  # only blanks changed


def wording_note(segments: list[Segment], restated: tuple[set[str], set[str]] = (set(), set())) -> str | None:
    """What a wording change does, as a lawyer notes it, one phrase per place edited
    ("文字修改：删去“、参赛”；在“作品集或者宣传”后增加“…”"); None when it only restates figures
    already listed (a step's text following its percentage)."""
    deleted = [s.text.strip() for s in segments if s.op == "delete" and s.text.strip()]
    inserted = [s.text.strip() for s in segments if s.op == "insert" and s.text.strip()]
    if (deleted or inserted) and set(deleted) <= restated[0] and set(inserted) <= restated[1]:
        return None
    parts = [note for first, end in _sites(segments) if (note := _site_note(segments, first, end))]
    return "文字修改：" + "；".join(parts) if parts else "文字修改"


# ------------------------------------------------------------------ texts as readers see them


def deal_label(name: str, data: Mapping[str, Any]) -> str:
    """A deal-specific placeholder as a bracketed label: ``{deal.title}`` → 〔交易名称〕."""
    payment = re.fullmatch(r"quote\.payments\[([^\]]+)\]\.amount", name)
    if payment:
        names = {str(p.get("id")): str(p.get("name", "")) for p in data.get("terms", {}).get("payment", []) if isinstance(p, dict)}
        return f"〔{names.get(payment.group(1)) or '该期付款'}金额〕"
    return f"〔{DEAL_LABELS.get(name, name)}〕"


def readable(text: str, data: Mapping[str, Any], refs: Mapping[str, str], *, english: bool = False) -> str:
    """A clause text with its placeholders filled as that policy fills them; a name only a deal
    can fill becomes its label."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in refs:
            return refs[name]
        bound = policy_value(data, name, english=english)
        return bound[0] if bound is not None else deal_label(name, data)

    return PLACEHOLDER.sub(fill, text)


# ------------------------------------------------------------------ a refund-ladder step


STEP_COLUMNS = ("阶段", "退款比例", "乙方保留")


def step_cells(item: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """A ladder step as the refund table's row prints it; None when it is not a step's shape."""
    try:
        first = parse_stage(str(item["from"]))
        last = parse_stage(str(item["to"])) if item.get("to") is not None else None
        percent = parse_percent(item["percent"])
    except (KeyError, TypeError, ValueError, ArithmeticError, SalesdocsError):
        return None
    if first is None:
        return None
    at_most = item.get("kind") == "at_most"
    return (
        f"{stages_zh(first, last)}不满意",
        ("最多 " if at_most else "") + format_percent_sign(percent),
        ("至少 " if at_most else "") + format_percent_sign(HUNDRED - percent),
    )


def step_row(cells: tuple[str, str, str]) -> str:
    """``第2次修改后不满意 · 退款比例 30% · 乙方保留 70%``."""
    return " · ".join([cells[0], *(f"{title} {value}" for title, value in zip(STEP_COLUMNS[1:], cells[1:], strict=True))])
