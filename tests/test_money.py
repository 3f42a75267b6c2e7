"""Tests for salesdocs.engine.money: parsing, rounding, formats and 大写."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesdocs.engine.money import (
    FEN,
    MoneyError,
    format_plain,
    format_yuan,
    in_words,
    parse_decimal,
    parse_percent,
    to_fen,
)
from salesdocs.errors import SalesdocsError

D = Decimal


# --- to_fen -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1.005"), D("1.01")),  # ROUND_HALF_UP, not banker's rounding
        (D("2.675"), D("2.68")),
        (D("0.125"), D("0.13")),
        (D("1.004999"), D("1.00")),
        (D("-1.005"), D("-1.01")),
        (D("1.999"), D("2.00")),
        (D("12"), D("12.00")),
        (12, D("12.00")),
    ],
)
def test_to_fen(value: Decimal, expected: Decimal) -> None:
    result = to_fen(value)
    assert result == expected
    assert result.as_tuple().exponent == -2
    assert D("0.01") == FEN


def test_to_fen_negative_zero_is_plain_zero() -> None:
    assert str(to_fen(D("-0.001"))) == "0.00"


def test_to_fen_rejects_float() -> None:
    with pytest.raises(TypeError):
        to_fen(1.005)  # type: ignore[arg-type]


# --- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("12345.6"), "¥12,345.60"),
        (D("0"), "¥0.00"),
        (D("-12"), "-¥12.00"),
        (D("1234567.891"), "¥1,234,567.89"),
        (D("1.005"), "¥1.01"),
        (D("999.995"), "¥1,000.00"),
        (D("-0.004"), "¥0.00"),
        (D("0.5"), "¥0.50"),
    ],
)
def test_format_yuan(value: Decimal, expected: str) -> None:
    assert format_yuan(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("12345.6"), "12345.60"),
        (D("0"), "0.00"),
        (D("-12"), "-12.00"),
        (D("1.005"), "1.01"),
        (D("1E+3"), "1000.00"),
        (D("1234567.891"), "1234567.89"),
    ],
)
def test_format_plain(value: Decimal, expected: str) -> None:
    assert format_plain(value) == expected


# --- in_words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the FACTS.md examples, with the 人民币 prefix we add
        (D("1234.5"), "人民币壹仟贰佰叁拾肆元伍角"),
        (D("0"), "人民币零元整"),
        (D("0.05"), "人民币伍分"),
        (D("100000000"), "人民币壹亿元整"),
        (D("1010.10"), "人民币壹仟零壹拾元壹角"),
        (D("20000.00"), "人民币贰万元整"),
        (D("20000"), "人民币贰万元整"),
        (D("1000000.01"), "人民币壹佰万元零壹分"),
        (D("100010"), "人民币壹拾万零壹拾元整"),
        (D("1000.05"), "人民币壹仟元零伍分"),
        (D("12345.6"), "人民币壹万贰仟叁佰肆拾伍元陆角"),
        # rounding happens before cn2an (which would truncate 1.999 to 壹元玖角玖分)
        (D("1.999"), "人民币贰元整"),
        (D("1.005"), "人民币壹元零壹分"),
        (D("-0.001"), "人民币零元整"),
        (D("-100"), "人民币负壹佰元整"),
        (D("-12345.6"), "人民币负壹万贰仟叁佰肆拾伍元陆角"),
        (D("9999999999999999.99"), "人民币玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_in_words(value: Decimal, expected: str) -> None:
    assert in_words(value) == expected


@pytest.mark.parametrize("value", [D("10000000000000000"), D("9999999999999999.995"), D("-1E+16"), D("1E+30")])
def test_in_words_too_large(value: Decimal) -> None:
    with pytest.raises(MoneyError) as info:
        in_words(value)
    err = info.value
    assert isinstance(err, SalesdocsError)
    assert "16" in err.zh and "大写" in err.zh
    assert "16 integer digits" in err.en
    if value == D("10000000000000000"):
        assert err.zh == "金额 10000000000000000 过大，无法转换为中文大写（最多 16 位整数，须小于 10^16 元）"
        assert err.en == (
            "amount 10000000000000000 is too large for Chinese uppercase words (at most 16 integer digits, i.e. below 10^16 yuan)"
        )
    if value == D("9999999999999999.995"):  # too large only after rounding to the fen
        assert "10000000000000000.00" in err.en


def test_in_words_rejects_float() -> None:
    with pytest.raises(TypeError):
        in_words(12.5)  # type: ignore[arg-type]


_DIGITS = {"零": 0, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}


def _words_to_decimal(text: str) -> Decimal:
    """Reverse of in_words.

    cn2an has no reverse "rmb" mode (cn2an.cn2an(..., "rmb") raises; strict mode fails on 元零伍分
    and returns floats for 元…角分), so the yuan part goes through cn2an.cn2an(..., "strict") — which
    returns an exact int for an integer text — and 角/分 are decoded here.
    """
    assert text.startswith("人民币")
    body = text.removeprefix("人民币")
    sign = -1 if body.startswith("负") else 1
    body = body.removeprefix("负")
    if body.endswith("整"):
        body = body.removesuffix("整")
        assert "角" not in body and "分" not in body
    yuan_text, _, frac_text = body.rpartition("元") if "元" in body else ("", "", body)
    yuan = cn2an.cn2an(yuan_text, "strict") if yuan_text else 0
    assert isinstance(yuan, int)
    jiao = fen = 0
    frac_text = frac_text.removeprefix("零")
    if "角" in frac_text:
        jiao_text, _, frac_text = frac_text.partition("角")
        jiao = _DIGITS[jiao_text]
    if "分" in frac_text:
        fen_text, _, frac_text = frac_text.partition("分")
        fen = _DIGITS[fen_text]
    assert frac_text == ""
    return sign * (Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_in_words_round_trips(fen: int) -> None:
    amount = Decimal(fen).scaleb(-2)  # exactly two decimals in [0, 10^12)
    text = in_words(amount)
    assert _words_to_decimal(text) == amount
    assert _words_to_decimal(in_words(-amount)) == -amount


@pytest.mark.parametrize("fen", [0, 1, 5, 10, 50, 100, 101, 105, 10000, 100000001, 100000000000, 10**14 - 1, 10000000000001])
def test_in_words_round_trips_edges(fen: int) -> None:
    amount = Decimal(fen).scaleb(-2)
    assert _words_to_decimal(in_words(amount)) == amount


# --- parse_decimal ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, D("12")),
        ("12", D("12")),
        ("12,345.6", D("12345.6")),
        ("1,234,567", D("1234567")),
        (" -3.50 ", D("-3.50")),
        ("+0.5", D("0.5")),
        (".5", D("0.5")),
        (D("7.25"), D("7.25")),
    ],
)
def test_parse_decimal(value: int | str | Decimal, expected: Decimal) -> None:
    result = parse_decimal(value)
    assert isinstance(result, Decimal)
    assert result == expected


@pytest.mark.parametrize("value", [1.5, 0.0, True])
def test_parse_decimal_rejects_float_and_bool(value: object) -> None:
    with pytest.raises(TypeError):
        parse_decimal(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["", "abc", "七", "1,2,3", "12,34.5", "1.2.3", "NaN", "Infinity", "1e5", "¥12", D("NaN")])
def test_parse_decimal_rejects_non_numbers(value: str | Decimal) -> None:
    with pytest.raises(MoneyError) as info:
        parse_decimal(value)
    assert info.value.zh and info.value.en


# --- parse_percent ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (70, D("70")),
        (D("12.5"), D("12.5")),
        ("70%", D("70")),
        ("70 %", D("70")),
        (" 12.5% ", D("12.5")),
        ("70", D("70")),
        ("70％", D("70")),
        (0, D("0")),
        ("100%", D("100")),
    ],
)
def test_parse_percent(value: int | str | Decimal, expected: Decimal) -> None:
    assert parse_percent(value) == expected


@pytest.mark.parametrize("value", ["七", "七十%", "%", "abc%", 101, -1, "101%", "-1%", D("100.01"), "70%%"])
def test_parse_percent_rejects(value: int | str | Decimal) -> None:
    with pytest.raises(MoneyError) as info:
        parse_percent(value)
    assert info.value.zh and info.value.en
    assert str(value) in info.value.en


def test_parse_percent_rejects_float() -> None:
    with pytest.raises(TypeError):
        parse_percent(70.0)  # type: ignore[arg-type]


def test_cn2an_is_imported_lazily() -> None:
    import subprocess
    import sys

    code = "import sys, salesdocs.engine.money; print('cn2an' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"


def test_chinese_numerals_for_article_numbers() -> None:
    from salesdocs.engine.money import chinese_numeral

    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 19, 20, 21, 99)] == ["一", "九", "十", "十一", "十九", "二十", "二十一", "九十九"]
