"""Figures typed in free text: the one ``literal-figure`` check, for every text that restates a number.

A figure typed in a text is a copy of a structured value, and copies drift.  Two uses share
:func:`literal_figures` (the scan, the position in the file, the code and the severity):

* a contract clause typing a figure that equals a policy value the clause could cite by
  placeholder (:mod:`.contract`): when the policy changes, the typed figure does not;
* a text restating a percentage of its own item that disagrees with it (:func:`own_figures`):
  a ladder step whose ``text`` says 30 % while its ``percent`` is 20 %, an instalment or the tax
  whose ``name`` gives another rate — the document would print both.

Always a warning; ``check --strict`` makes it an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from salesdocs.engine.money import format_percent
from salesdocs.errors import MoneyError, Problem
from salesdocs.policy.checks.base import Context, percent_value, policy_check, text_position
from salesdocs.policy.reader import Document, PathKey

FIGURE = re.compile(r"(?<![0-9A-Za-z_.])([0-9]+(?:\.[0-9]+)?)\s*([%％])?")
#: '1.' '2、' '(3)' opening a point of a numbered list: a label, not a figure of the policy
_POINT_LABEL = re.compile(r"[.、．)）](?![0-9])")

#: a figure's verdict: (message zh, message en, hint zh, hint en), or None when it is fine
Judge = Callable[[Decimal, bool, str], tuple[str, str, str, str] | None]


def literal_figures(doc: Document, path: PathKey, text: str, judge: Judge, *, first_only: bool = False) -> Iterator[Problem]:
    """A ``literal-figure`` warning at each figure of ``text`` (the value at ``path``) that ``judge`` objects to.

    ``text`` may have placeholders blanked out (same length), so figures inside them are not seen.
    """
    counts: dict[str, int] = {}
    for m in FIGURE.finditer(text):
        opens_point = m.start() == 0 or text[m.start() - 1] in " \n；。：:（("
        if not m.group(2) and opens_point and _POINT_LABEL.match(text, m.end(1)):
            continue
        try:
            value = Decimal(m.group(1))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            continue
        nth = counts.get(m.group(0), 0)
        counts[m.group(0)] = nth + 1
        verdict = judge(value, bool(m.group(2)), m.group(0).strip())
        if verdict is None:
            continue
        zh, en, hint_zh, hint_en = verdict
        yield doc.problem(
            text_position(doc, path, m.group(0), nth), "literal-figure", zh, en, hint_zh=hint_zh, hint_en=hint_en, severity="warning"
        )
        if first_only:
            return


#: fields holding an item's own percentage, and the free texts beside them that may restate it
PERCENT_FIELDS = ("percent", "rate", "max_percent", "cap")
TEXT_FIELDS = ("text", "name")


def _mappings(value: Any, path: PathKey) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _mappings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _mappings(item, (*path, i))


def _own_percents(item: dict[str, Any]) -> dict[str, Decimal]:
    found = {}
    for key in PERCENT_FIELDS:
        if key in item and not isinstance(item[key], (dict, list)):
            try:
                found[key] = percent_value(item[key])
            except MoneyError:
                continue  # the schema reports a malformed percentage
    return found


def _disagrees(own: dict[str, Decimal]) -> Judge:
    def judge(value: Decimal, percent: bool, written: str) -> tuple[str, str, str, str] | None:
        if not percent or value in own.values():
            return None
        key, number = next(iter(own.items()))
        shown = f"{format_percent(number)}%"
        return (
            f"文字里写的是 {written}，但同一项的 {key} 是 {shown}：两处不一致，生成的文档会同时印出两个比例",
            f"the text says {written} but the same item's {key} is {shown}: they disagree, and documents print both",
            f"改正其中一处，让文字和 {key} 写同一个比例（金额按 {key} 计算）",
            f"correct one of them so that the text and {key} give the same percentage (amounts are computed from {key})",
        )

    return judge


def own_figure_problems(doc: Document) -> Iterator[Problem]:
    """Texts that restate a percentage of their own item and disagree with it (one problem per text)."""
    for path, item in _mappings(doc.data, ()):
        own = _own_percents(item)
        if not own:
            continue
        for key in TEXT_FIELDS:
            text = item.get(key)
            if isinstance(text, str):
                yield from literal_figures(doc, (*path, key), text, _disagrees(own), first_only=True)


@policy_check
def own_figures(ctx: Context) -> Iterator[Problem]:
    for name, doc in ctx.rules.items():
        if name != "contract":  # clause texts cite figures by placeholder: see the contract checks
            yield from own_figure_problems(doc)
    for doc in ctx.deals.values():
        yield from own_figure_problems(doc)
