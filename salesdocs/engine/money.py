"""Money: parsing, rounding to the fen, display formats and Chinese uppercase (大写) amounts.

Everything is :class:`decimal.Decimal`; floats are refused with :class:`TypeError` because a
float has already lost the exact amount.  Rounding is always ROUND_HALF_UP to the fen (0.01).

``cn2an`` (used by :func:`in_words`) costs ~120 ms to import, so it is imported lazily.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any, cast, overload

from salesdocs.errors import MoneyError

__all__ = [
    "FEN",
    "MAX_WORDS_AMOUNT",
    "MoneyError",
    "chinese_numeral",
    "fen_to_yuan",
    "format_amount",
    "format_percent",
    "format_percent_sign",
    "format_plain",
    "format_yuan",
    "in_words",
    "parse_decimal",
    "parse_percent",
    "parse_yuan",
    "to_fen",
    "yuan_to_fen",
]

FEN = Decimal("0.01")
#: cn2an writes at most 16 integer digits, so 大写 amounts must be below this (in yuan).
MAX_WORDS_AMOUNT = Decimal(10) ** 16

# Optional sign, then either plain digits or digits grouped by thousands commas, optional fraction.
_NUMBER = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?|[+-]?\.\d+")


def _check_type(value: object) -> None:
    """Refuse floats (and bools, which are ints by accident) with a TypeError."""
    if isinstance(value, (float, bool)) or not isinstance(value, (int, str, Decimal)):
        raise TypeError(f"expected int, str or Decimal, got {type(value).__name__}: {value!r}")


def parse_decimal(value: int | str | Decimal) -> Decimal:
    """Parse ``value`` into a finite Decimal; strings may use thousands commas ("12,345.6").

    Raises TypeError for floats and other types, MoneyError for text that is not a number.
    """
    _check_type(value)
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER.fullmatch(text):
            raise MoneyError(f"“{value}” 不是有效的数字", f"'{value}' is not a valid number")
        result = Decimal(text.replace(",", ""))
    else:
        result = Decimal(value)
    if not result.is_finite():
        raise MoneyError(f"“{value}” 不是有效的数字", f"'{value}' is not a valid number")
    return result


_YUAN_TEXT = re.compile(r"[0-9]{1,16}(?:\.[0-9]{1,2})?")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_yuan(text: str) -> Decimal:
    """An amount of money as people type it: ``1500``, ``1,350.50``, ``¥1500``, ``1500元``, ``１５００``.

    At most two decimals, not negative, below 10^16.  Raises MoneyError otherwise.
    """
    raw = (
        text.translate(_FULLWIDTH_DIGITS)
        .strip()
        .replace(",", "")
        .replace("，", "")
        .removeprefix("¥")
        .removeprefix("￥")
        .removesuffix("元")
        .strip()
    )
    if raw.startswith("-"):
        raise MoneyError(f"必须是不小于 0 的金额：{text}", f"must be an amount ≥ 0: {text}")
    if not _YUAN_TEXT.fullmatch(raw):
        raise MoneyError(
            f"应为金额（元，最多两位小数，例如 1500 或 1350.50）：{text}",
            f"must be an amount in yuan with at most two decimals (e.g. 1500 or 1350.50): {text}",
        )
    return Decimal(raw)


def yuan_to_fen(amount: Decimal) -> int:
    """Yuan (at most two decimals) → integer fen, as the records store keeps money."""
    return int(to_fen(amount) * 100)


@overload
def fen_to_yuan(fen: int) -> Decimal: ...
@overload
def fen_to_yuan(fen: None) -> None: ...
@overload
def fen_to_yuan(fen: int | None) -> Decimal | None: ...
def fen_to_yuan(fen: int | None) -> Decimal | None:
    """Integer fen → Decimal yuan with two places (None stays None)."""
    if fen is None:
        return None
    return (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def parse_percent(value: int | str | Decimal) -> Decimal:
    """Parse a percentage (70, Decimal("12.5"), "70%", "70 %", "12.5%") into Decimal percent.

    ``parse_percent("70%") == Decimal("70")``.  Raises MoneyError when not a number or outside 0–100.
    """
    _check_type(value)
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.endswith(("%", "％")):
        text = text[:-1].rstrip()
    try:
        result = parse_decimal(text)
    except MoneyError:
        raise MoneyError(f"“{value}” 不是有效的百分比", f"'{value}' is not a valid percentage") from None
    if not Decimal(0) <= result <= Decimal(100):
        raise MoneyError(f"百分比 {value} 超出 0–100 的范围", f"percentage {value} is outside 0–100")
    return result


def to_fen(x: Decimal) -> Decimal:
    """Round to the fen (0.01) with ROUND_HALF_UP; negative zero becomes 0.00."""
    _check_type(x)
    try:
        result = Decimal(x).quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise MoneyError(f"金额 {x} 不是可计算的数字或超出范围", f"amount {x} is not a computable number or is out of range") from None
    return result.copy_abs() if result.is_zero() else result


def format_yuan(x: Decimal) -> str:
    """Display format: "¥12,345.60", "¥0.00", "-¥12.00" (rounded to the fen first)."""
    amount = to_fen(x)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def format_plain(x: Decimal) -> str:
    """Machine format for JSON: "12345.60" (two decimals, no separators, no exponent)."""
    return f"{to_fen(x):.2f}"


def _too_large(amount: Decimal) -> MoneyError:
    shown = f"{amount:f}"
    return MoneyError(
        f"金额 {shown} 过大，无法转换为中文大写（最多 16 位整数，须小于 10^16 元）",
        f"amount {shown} is too large for Chinese uppercase words (at most 16 integer digits, i.e. below 10^16 yuan)",
    )


def in_words(x: Decimal) -> str:
    """Chinese uppercase RMB amount: 12345.6 → "人民币壹万贰仟叁佰肆拾伍元陆角".

    Rounds to the fen first (cn2an truncates: 1.999 would become 壹元玖角玖分).  Negative amounts read
    "人民币负壹佰元整".  Raises MoneyError at or above 10^16 yuan (cn2an's 16-digit limit).
    """
    _check_type(x)
    if Decimal(x).is_finite() and abs(Decimal(x)) >= MAX_WORDS_AMOUNT:
        raise _too_large(Decimal(x))
    amount = to_fen(x)
    if abs(amount) >= MAX_WORDS_AMOUNT:  # e.g. 9999999999999999.995 rounds up to 10^16
        raise _too_large(amount)
    words: str = _an2cn()(format_plain(amount), "rmb")
    return "人民币" + words


def chinese_numeral(n: int) -> str:
    """A whole number in Chinese numerals, as article numbers are written: 1 → 一, 12 → 十二, 20 → 二十.

    1 to 99 (every article number) are written here; cn2an's converter, whose import costs about
    half a second, is loaded only for larger numbers.
    """
    if 0 < n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens < 2 else _DIGITS[tens]) + ("十" if tens else "") + (_DIGITS[ones] if ones else "")
    numeral: str = _an2cn()(str(n), "low")
    return numeral


_DIGITS = "〇一二三四五六七八九"


@cache
def _an2cn() -> Callable[[str, str], str]:
    """cn2an's number-to-Chinese converter (see :func:`_cn2an_converter`)."""
    return cast("Callable[[str, str], str]", _cn2an_converter("an2cn", "An2Cn").an2cn)


def cn_number(text: str) -> int | None:
    """A whole number written in Chinese or Arabic numerals (``二`` ``两`` ``十二`` ``2``) → int; None otherwise."""
    try:
        value = _cn2an_converter("cn2an", "Cn2An").cn2an(text, "smart")
    except (ValueError, KeyError, TypeError):
        return None
    return int(value) if value == int(value) and value >= 0 else None


@cache
def _cn2an_converter(module: str, cls: str) -> Any:
    """One of cn2an's converters, imported without the rest of cn2an.

    ``import cn2an`` runs the package's ``__init__``, which builds all three of its converters and
    parses their YAML configuration with ruamel (~100 ms of a cold ``salesdocs render``); one
    converter needs none of it.  So the package is entered without running ``__init__``, only the
    converter's module is imported, and the bare package is taken out of ``sys.modules`` again: a
    later ``import cn2an`` anywhere runs ``__init__`` as usual and reuses this module.
    """
    if "cn2an" in sys.modules:
        return getattr(importlib.import_module(f"cn2an.{module}"), cls)()
    spec = importlib.util.find_spec("cn2an")
    if spec is None:  # pragma: no cover - a dependency, always installed
        raise ImportError("cn2an")
    sys.modules["cn2an"] = importlib.util.module_from_spec(spec)
    try:
        found = importlib.import_module(f"cn2an.{module}")
    finally:
        del sys.modules["cn2an"]
    return getattr(found, cls)()


def format_amount(x: Decimal) -> str:
    """Decimal → "12,345.60": an amount in yuan where the text around it says 元."""
    return f"{to_fen(x):,.2f}"


def format_percent_sign(x: Decimal) -> str:
    """Decimal → "70%" (see :func:`format_percent`)."""
    return f"{format_percent(x)}%"


def format_percent(x: Decimal) -> str:
    """A percentage without exponent or trailing zeros: Decimal("50.0") → "50", "12.50" → "12.5"."""
    text = format(x.normalize(), "f")
    return "0" if text in ("-0", "") else text
