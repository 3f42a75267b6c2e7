"""The checks of a percentage's value beyond its schema (JSON Schema bounds numbers, not percent text)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from salesdocs.errors import Problem
from salesdocs.policy.reader import Document, PathKey

PERCENT_TEXT = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*\Z")


def percent_problems(doc: Document, schema: dict[str, Any], value: Any, path: PathKey) -> Iterator[Problem]:
    """The one check of a percentage field's value beyond its schema: '120%' (JSON Schema bounds
    numbers only, not percent text), and a bare number below 1 that was meant as a fraction
    (``percent: 0.3`` would be 0.3 %, not 30 %)."""
    if "%" not in str(schema.get("pattern", "")):
        return
    label = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and 0 < value < 1:
        meant = format((Decimal(value) * 100).normalize(), "f")
        written = doc.plain_text.get(path, str(value))
        yield doc.problem(
            doc.pos(path),
            "percent-fraction",
            f"{label}{written} 会被读作 {written} %；是不是想写 {meant} %？",
            f"{label}{written} would mean {written} %; did you mean {meant} %?",
            hint_zh=f"百分比写成 {meant}% 或 {meant}；如果确实是 {written} %，请写 {written}%（带上 %）",
            hint_en=f"write the percentage as {meant}% or {meant}; if you really mean {written} %, write {written}% (with the %)",
        )
        return
    match = PERCENT_TEXT.match(value) if isinstance(value, str) else None
    if not match:
        return
    number = Decimal(match.group(1))
    if "maximum" in schema and number > schema["maximum"]:
        low, bound = False, schema["maximum"]
    elif "minimum" in schema and number < schema["minimum"]:  # pragma: no cover - the pattern has no sign
        low, bound = True, schema["minimum"]
    else:
        return
    least, most = schema.get("minimum", 0), schema.get("maximum", 100)
    likely = _percent_meant(match.group(1), Decimal(least), Decimal(most))
    also_zh, also_en = _figures_beside(doc, path)
    yield doc.problem(
        doc.pos(path),
        "out-of-range",
        f"{label}{value} {'小于最小值' if low else '大于最大值'} {bound}%",
        f"{label}{value} is {'below the minimum' if low else 'above the maximum'} {bound}%",
        hint_zh=f"百分比要在 {least}% 到 {most}% 之间"
        + (f"；是不是多打了一位，想写 {' 或 '.join(likely)}？" if likely else "。" if also_zh else "")
        + also_zh,
        hint_en=f"a percentage here is between {least}% and {most}%"
        + (f"; one digit too many — did you mean {' or '.join(likely)}?" if likely else "." if also_en else "")
        + (f" {also_en}" if also_en else ""),
    )


def _figures_beside(doc: Document, path: PathKey) -> tuple[str, str]:
    """When the same item's wording (``text``, ``text_en``) also prints a percentage, say where, so the
    fix changes both at once (otherwise the next check warns that they disagree)."""
    parent: Any = doc.data
    for key in path[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return "", ""
    if not isinstance(parent, dict):
        return "", ""
    places = [
        (doc.pos((*path[:-1], name))[0], name, figures)
        for name in ("text", "text_en")
        if isinstance(parent.get(name), str) and (figures := re.findall(r"[0-9]+(?:\.[0-9]+)?\s*%", parent[name]))
    ]
    if not places:
        return "", ""
    zh = "、".join(f"第 {line} 行的 {name} 写着 {'、'.join(figures)}" for line, name, figures in places)
    en = "; ".join(f"{name} on line {line} says {', '.join(figures)}" for line, name, figures in places)
    return f"同一项{zh}，请一起改成同一个比例", f"The same item's {en}: change it to the same figure"


def _percent_meant(digits: str, least: Decimal, most: Decimal) -> list[str]:
    """What a whole percentage with one digit too many was likely meant to be: without its first
    digit, or without its last (``180`` → ``80%``, ``18%``), when that is in range and not 0."""
    if not digits.isdigit():
        return []
    meant = []
    for shorter in (digits[1:], digits[:-1]):
        if shorter and not (len(shorter) > 1 and shorter.startswith("0")) and least < Decimal(shorter) <= most:
            meant.append(f"{int(shorter)}%")
    return list(dict.fromkeys(meant))
