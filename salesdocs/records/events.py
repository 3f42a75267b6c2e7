"""The after-sales records' shared vocabulary: event names (English, Chinese, aliases), times, stages.

Used by the importer (reading and checking rows) and by the project history (showing them).
The event types themselves, and which of them count as a revision, are the engine's
(:mod:`salesdocs.engine.revisions`).
"""

from __future__ import annotations

import re
from datetime import datetime

from salesdocs.engine.revisions import EVENT_TYPES
from salesdocs.model import parse_stage

__all__ = ["EVENT_ALIASES", "EVENT_TYPES", "EVENT_ZH", "event_type", "parse_datetime", "parse_event_stage", "short"]

#: How an event type may be written in a CSV or on the command line → the event type.
EVENT_ALIASES: dict[str, str] = {
    **{t: t for t in EVENT_TYPES},
    "开始": "started",
    "项目开始": "started",
    "启动": "started",
    "初稿交付": "draft-delivered",
    "交付初稿": "draft-delivered",
    "申请修改": "revision-requested",
    "修改申请": "revision-requested",
    "提出修改": "revision-requested",
    "修改交付": "revision-delivered",
    "交付修改稿": "revision-delivered",
    "修改稿交付": "revision-delivered",
    "小细节修改": "minor-change",
    "小修改": "minor-change",
    "细节修改": "minor-change",
    "大改申请": "overhaul-requested",
    "方向性大改": "overhaul-requested",
    "要求大改": "overhaul-requested",
    "不满意": "dissatisfied",
    "更换文案师": "writer-changed",
    "更换设计师": "writer-changed",
    "更换文案师/设计师": "writer-changed",
    "验收": "accepted",
    "验收通过": "accepted",
    "退款": "refund-paid",
    "已退款": "refund-paid",
    "退款已付": "refund-paid",
}

#: Event type → how it is shown in Chinese.
EVENT_ZH = {
    "started": "项目开始",
    "draft-delivered": "初稿交付",
    "revision-requested": "申请修改",
    "revision-delivered": "修改交付",
    "minor-change": "小细节修改（不计次数）",
    "overhaul-requested": "大改申请（按政策不接受）",
    "dissatisfied": "不满意",
    "writer-changed": "更换文案师/设计师",
    "accepted": "验收通过",
    "refund-paid": "退款已付",
}


def event_type(text: str) -> str | None:
    """``revision_delivered`` / ``Revision-Delivered`` / ``修改交付`` → ``revision-delivered``; None when unknown."""
    return EVENT_ALIASES.get(text) or EVENT_ALIASES.get(text.strip().lower().replace("_", "-"))


_DT = re.compile(
    r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|\s*T\s*)(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?\s*\Z"
)


def parse_datetime(text: str, *, date_only: bool = False) -> str | None:
    """``2026-10-08 14:30`` / ``2026-10-08T14:30`` / ``2026/10/8 14:30[:05]`` → ``2026-10-08 14:30:00``.

    A date alone is accepted only with ``date_only`` (taken as 00:00).  None when not valid.
    """
    # the spreadsheet's usual ``2026-10-08 14:30``, without the regex (an import parses 300,000 of them)
    usual = len(text) == 16 and text.isascii() and text[4] == text[7] == "-" and text[10] == " " and text[13] == ":"
    if usual and all(part.isdigit() for part in (text[:4], text[5:7], text[8:10], text[11:13], text[14:])):
        try:
            datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:]))  # validates
        except ValueError:
            return None
        return text + ":00"
    m = _DT.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s = m.groups()
    if h is None and not date_only:
        return None
    year, month, day, hour, minute, second = int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)
    try:
        datetime(year, month, day, hour, minute, second)  # validates (February 30th, 25:00 …)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"


def short(ts: str) -> str:
    """``2026-10-08 14:30:00`` → ``2026-10-08 14:30`` (how the records are shown)."""
    return ts[:16] if ts.endswith(":00") else ts


def parse_event_stage(text: str) -> int | None:
    """``first-draft`` / ``revision-2`` / ``初稿`` / ``第2次修改`` / ``2`` → 0, 2 …; None when not a stage."""
    raw = text.strip()
    stage = parse_stage(raw.lower())
    if stage is not None:
        return stage
    if raw in ("初稿", "初稿阶段"):
        return 0
    m = re.fullmatch(r"(?:第\s*)?(\d+)\s*(?:次修改(?:后)?|改)?", raw)
    return int(m.group(1)) if m else None
