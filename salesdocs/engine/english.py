"""English conventions for documents in English or 中英对照: amounts, amounts in words, dates.

* amounts print as ``RMB 12,889.60`` (:func:`rmb_en`);
* the total in words follows Chinese commercial documents in English:
  ``SAY RMB TWELVE THOUSAND EIGHT HUNDRED AND EIGHTY-NINE YUAN AND SIXTY FEN ONLY``
  (:func:`in_words_en`); the words of the whole yuan and of the fen come from num2words,
  never from a hand-written table;
* dates print as ``29 November 2026`` (:func:`date_en`).

Working days are the same calendar as in Chinese (:mod:`salesdocs.engine.calendar`); only the words differ.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Protocol

from salesdocs.engine.money import MAX_WORDS_AMOUNT, format_amount, in_words, to_fen

__all__ = ["date_en", "date_range_en", "in_words_en", "join_en", "plural_en", "rmb_en", "working_days_en"]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class _Num2Words(Protocol):
    def __call__(self, number: int, *, lang: str) -> str: ...


@cache
def _num2words() -> _Num2Words:
    from num2words import num2words

    converter: _Num2Words = num2words
    return converter


def _words(n: int) -> str:
    """``12889`` → ``TWELVE THOUSAND EIGHT HUNDRED AND EIGHTY-NINE`` (num2words' words, its commas dropped)."""
    return _num2words()(n, lang="en").replace(",", "").upper()


def in_words_en(x: Decimal) -> str:
    """The amount in words as a Chinese commercial document in English writes it.

    Rounded half-up to the fen first, like every printed amount.  Whole yuan and fen are read
    separately: ``0.50`` → ``SAY RMB FIFTY FEN ONLY``; ``100100`` → ``SAY RMB ONE HUNDRED THOUSAND
    ONE HUNDRED YUAN ONLY``; a negative amount reads ``MINUS``.  Same upper bound as :func:`in_words`.
    """
    amount = to_fen(Decimal(x))
    if abs(amount) >= MAX_WORDS_AMOUNT:
        in_words(amount)  # raises the one MoneyError for amounts too large to write
    sign = "MINUS " if amount < 0 else ""
    fen_total = int(abs(amount) * 100)
    yuan, fen = divmod(fen_total, 100)
    parts = []
    if yuan or not fen:
        parts.append(f"{_words(yuan)} YUAN")
    if fen:
        parts.append(f"{_words(fen)} FEN")
    return f"SAY RMB {sign}{' AND '.join(parts)} ONLY"


def rmb_en(x: Decimal) -> str:
    """``RMB 12,889.60``: an amount where no text around it names the currency."""
    amount = to_fen(Decimal(x))
    return f"RMB -{format_amount(-amount)}" if amount < 0 else f"RMB {format_amount(amount)}"


def date_en(day: date) -> str:
    """``29 November 2026``: day, month name, year (no leading zero)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_range_en(first: date, last: date) -> str:
    """``26–30 November 2026``, ``28 September – 8 October 2026``, or one date when equal."""
    if first == last:
        return date_en(first)
    if first.year != last.year:
        return f"{date_en(first)} – {date_en(last)}"
    if first.month != last.month:
        return f"{first.day} {MONTHS[first.month - 1]} – {date_en(last)}"
    return f"{first.day}–{date_en(last)}"


def plural_en(count: int, unit: str) -> str:
    """``1 article``, ``3 articles``: the unit as the policy spells it in the singular, with an s for more than one."""
    return f"{count} {unit}" if count == 1 or unit.endswith("s") else f"{count} {unit}s"


def working_days_en(first: int, last: int | None = None) -> str:
    """``3–5 working days``, ``1 working day``: a delivery window (days of the same Chinese calendar)."""
    if last is None or last == first:
        return plural_en(first, "working day")
    return f"{first}–{last} working days"


def join_en(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""
