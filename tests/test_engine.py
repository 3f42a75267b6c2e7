"""The rules engine on the fixture agency policy (tests/fixtures/agency): quotes, due dates, refunds, and their CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesdocs import api
from salesdocs.cli import main as cli_main
from salesdocs.engine.calendar import calendar_for
from salesdocs.engine.money import to_fen
from salesdocs.engine.pricing import price_deal
from salesdocs.errors import UsageError
from salesdocs.model import Deal, DealLine
from salesdocs.workspace import load_workspace


@pytest.fixture(scope="module")
def ws(pristine_workspace: Path):  # type: ignore[no-untyped-def]
    return load_workspace(pristine_workspace)


#: runs ``salesdocs ARGS…`` on the agency workspace; returns exit code, stdout, stderr
Cli = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def agency_cli(pristine_workspace: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``salesdocs ARGS… --workspace AGENCY`` in-process; returns exit code, stdout, stderr."""

    def run(args: list[str]) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as info:
            cli_main([*args, "--workspace", str(pristine_workspace)])
        out = capsys.readouterr()
        assert "Traceback" not in out.out + out.err
        return int(info.value.code or 0), out.out, out.err

    return run


# ------------------------------------------------------------------ refund ladders

DESIGN = [
    ("first-draft", "70", "fixed", 1),
    ("revision-1", "50", "fixed", 2),  # the explicit decision in rules/refunds.yaml
    ("revision-2", "50", "fixed", 2),
    ("revision-3", "50", "fixed", 2),
    ("revision-4", "30", "fixed", 3),
    ("revision-9", "30", "fixed", 3),
]
COPY = [
    ("first-draft", "70", "fixed", 1),
    ("revision-1", "50", "fixed", 2),
    ("revision-2", "30", "fixed", 3),
    ("revision-3", "20", "at_most", 4),
    ("revision-4", "20", "at_most", 4),
]


@pytest.mark.parametrize(("stage", "percent", "kind", "step"), DESIGN)
def test_design_ladder_every_step(ws, stage: str, percent: str, kind: str, step: int) -> None:  # type: ignore[no-untyped-def]
    r = api.refund(ws, "logo-design", "premium", stage, Decimal("6800"))
    assert (r.percent, r.kind, r.step, r.ladder) == (Decimal(percent), kind, step, "design")
    assert r.refund == to_fen(Decimal("6800") * Decimal(percent) / 100)
    assert r.covered


@pytest.mark.parametrize(("stage", "percent", "kind", "step"), COPY)
def test_copywriting_ladder_every_step(ws, stage: str, percent: str, kind: str, step: int) -> None:  # type: ignore[no-untyped-def]
    r = api.refund(ws, "copywriting", None, stage, Decimal("1500.00"))
    assert (r.percent, r.kind, r.step, r.ladder) == (Decimal(percent), kind, step, "copywriting")
    assert r.refund == to_fen(Decimal("1500") * Decimal(percent) / 100)


def test_refund_rule_and_allowance(ws) -> None:  # type: ignore[no-untyped-def]
    r = api.refund(ws, "copywriting", None, "revision-3", Decimal("1333.33"))
    assert r.refund == Decimal("266.67")  # 1333.33 × 20 % = 266.666 → half-up
    assert r.rule == "第三次修改后不满意，最多退还该件退款基数的 20%"
    assert r.within_allowance
    assert not api.refund(ws, "copywriting", None, "revision-4", Decimal("1")).within_allowance


def test_uncovered_stage_is_reported(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from salesdocs.engine.refunds import refund_for
    from salesdocs.model import RefundLadder

    tier = ws.policy.service("copywriting").tier("standard")
    closed = RefundLadder("closed", "closed", "", tier.ladder.steps[:2])
    from dataclasses import replace

    r = refund_for("copywriting", "standard", replace(tier, ladder=closed), 2, Decimal("100"))
    assert not r.covered and r.kind == "none" and r.refund == Decimal("0.00")
    # each language on its own: no English in the Chinese reason
    assert r.rule == "退款阶梯 closed 没有规定第 2 次修改后的退款"
    assert r.rule_en == "ladder closed has no step for after revision 2"


def test_writer_change_allowance(ws) -> None:  # type: ignore[no-untyped-def]
    from salesdocs.engine.refunds import writer_change_allowed

    copy = ws.policy.service("copywriting").tier("standard")
    assert writer_change_allowed(copy, 0, 0)[0]
    assert writer_change_allowed(copy, 2, 0)[0]
    assert not writer_change_allowed(copy, 1, 0)[0]
    assert writer_change_allowed(copy, 1, 0)[2] == "only at: first-draft, revision-2"
    assert not writer_change_allowed(copy, 0, 1)[0]
    logo = ws.policy.service("logo-design").tier("standard")
    assert writer_change_allowed(logo, 0, 0) == (False, "该服务不提供更换文案师/设计师", "this service offers no writer/designer change")


def test_refund_bad_arguments(ws) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="unknown stage second-draft"):
        api.refund(ws, "copywriting", None, "second-draft", Decimal(1))
    with pytest.raises(UsageError, match=r"unknown service logo \(did you mean logo-design\?\);"):
        api.refund(ws, "logo", None, "first-draft", Decimal(1))
    with pytest.raises(UsageError, match="must be a number ≥ 0"):
        api.refund(ws, "copywriting", None, "first-draft", Decimal(-1))


# ---------------------------------------------------------------------- due dates


def test_due_dates_across_national_day(ws) -> None:  # type: ignore[no-untyped-def]
    w = api.due_dates(ws, "logo-design", None, date(2026, 9, 28))
    assert (w.earliest, w.latest, w.estimated) == (date(2026, 10, 8), date(2026, 10, 10), False)
    assert w.latest.weekday() == 5  # a make-up Saturday


def test_due_dates_across_spring_festival(ws) -> None:  # type: ignore[no-untyped-def]
    # 2026 Spring Festival: 2-15 … 2-23 off, make-up days Sat 2-14 and Sat 2-28
    w = api.due_dates(ws, "copywriting", None, date(2026, 2, 12))
    assert (w.earliest, w.latest) == (date(2026, 2, 24), date(2026, 2, 26))


def test_due_date_in_2027_is_estimated_until_calendar_covers_it(workspace: Path) -> None:
    ws = load_workspace(workspace)
    w = api.due_dates(ws, "copywriting", None, date(2026, 12, 28))
    # an estimate, but New Year's Day (a statutory holiday) is still skipped: 12-29, 12-30, 12-31, 1-4, 1-5
    assert (w.earliest, w.latest, w.estimated) == (date(2026, 12, 31), date(2027, 1, 5), True)
    cal = workspace / "rules/calendar.yaml"
    cal.write_text(
        cal.read_text(encoding="utf-8").replace(
            "covered_years: []\nholidays: []\nworkdays: []",
            "covered_years: [2027]\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n  - {date: 2027-01-04, name: 假想的公司假日}\nworkdays: []",
        ),
        encoding="utf-8",
    )
    ws = load_workspace(workspace)
    w = api.due_dates(ws, "copywriting", None, date(2026, 12, 28))
    # 12-29, 12-30, 12-31, (1-1 New Year, weekend, 1-4 company day off), 1-5, 1-6
    assert (w.earliest, w.latest, w.estimated) == (date(2026, 12, 31), date(2027, 1, 6), False)


def test_estimates_skip_statutory_holidays_and_bujia(ws) -> None:  # type: ignore[no-untyped-def]
    # Tue 9-28: 9-29, 9-30, then 10-1..10-3 off (10-2/10-3 a weekend, owed 补假 10-4 and 10-5) → 10-6, 10-7, 10-8
    w = api.due_dates(ws, "logo-design", None, date(2027, 9, 28))
    assert (w.earliest, w.latest, w.estimated) == (date(2027, 10, 6), date(2027, 10, 8), True)


def test_due_tier_required_when_windows_differ(ws) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="pick one with --tier: reprint, original"):
        api.due_dates(ws, "wechat-article", None, date(2026, 9, 28))


# -------------------------------------------------------------------------- quotes


def test_quote_exact_numbers(ws) -> None:  # type: ignore[no-untyped-def]
    q = api.quote(ws, "2026-002-mingcha-content")
    # 4 × 1200 + 8 × 300 + 2 × 1000 + 1 × 1500 = 10700; 15 % off = 1605; 6 % of 9095 = 545.70
    assert [line.amount for line in q.lines] == [Decimal("4800.00"), Decimal("2400.00"), Decimal("2000.00"), Decimal("1500.00")]
    assert (q.subtotal, q.discount, q.tax, q.total) == (Decimal("10700.00"), Decimal("1605.00"), Decimal("545.70"), Decimal("9640.70"))
    assert q.total_in_words == "人民币玖仟陆佰肆拾元柒角"
    assert q.valid_until == date(2026, 12, 10)
    assert [p.amount for p in q.payments] == [Decimal("4820.35"), Decimal("4820.35")]
    assert q.approver.startswith("总经理")


def test_quote_by_path(ws, pristine_workspace: Path) -> None:  # type: ignore[no-untyped-def]
    assert api.quote(ws, str(pristine_workspace / "deals/2026-003-jingyi-expo.yaml")).total == Decimal("5301.06")


line_strategy = st.tuples(
    st.sampled_from(
        [
            ("logo-design", "standard"),
            ("logo-design", "premium"),
            ("copywriting", "standard"),
            ("wechat-article", "reprint"),
            ("poster-design", "standard"),
        ]
    ),
    st.integers(min_value=1, max_value=50),
    st.one_of(st.none(), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)),
)


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(line_strategy, min_size=1, max_size=8),
    discount=st.one_of(st.none(), st.decimals(min_value=0, max_value=10, places=2)),
    include_tax=st.booleans(),
)
def test_printed_lines_sum_to_printed_total(ws, lines, discount, include_tax) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    policy = replace(ws.policy, terms=replace(ws.policy.terms, prices_include_tax=include_tax))
    deal = Deal(
        id="x",
        client="yunfan-tech",
        title="",
        date=date(2026, 11, 2),
        start=date(2026, 11, 3),
        sales="",
        lines=tuple(DealLine(s, t, qty, price, "reason" if price else "", "") for (s, t), qty, price in lines),
        discount_percent=discount,
        discount_amount=None,
        approver="",
        note="",
    )
    q = price_deal(policy, deal, calendar_for(policy))
    assert sum(line.amount for line in q.lines) == q.subtotal
    expected = q.subtotal - q.discount + (Decimal(0) if include_tax else q.tax)
    assert q.total == expected
    assert sum(p.amount for p in q.payments) == q.total
    for value in (q.subtotal, q.discount, q.tax, q.total):
        assert value == value.quantize(Decimal("0.01"))
    assert q.total_in_words.startswith("人民币")


# -------------------------------------------------------------------------- CLI


def test_cli_quote_json(agency_cli: Cli) -> None:
    code, out, _ = agency_cli(["quote", "2026-001-yunfan-launch", "--format", "json"])
    data = json.loads(out)
    assert code == 0
    assert (data["subtotal"], data["discount"], data["tax"], data["total"]) == ("12800.00", "640.00", "729.60", "12889.60")
    assert data["total_in_words"] == "人民币壹万贰仟捌佰捌拾玖元陆角"
    assert data["valid_until"] == "2026-12-05"
    assert data["lines"][0] == {
        "number": 1,
        "service": "logo-design",
        "tier": "premium",
        "name": "LOGO 设计·品牌版",
        "quantity": 1,
        "unit": "套",
        "unit_price": "6800.00",
        "list_price": "6800.00",
        "price_reason": None,
        "amount": "6800.00",
        "due_earliest": "2026-11-26",
        "due_latest": "2026-11-30",
        "estimated": False,
    }


def test_cli_due_and_refund_json(agency_cli: Cli) -> None:
    code, out, _ = agency_cli(["due", "logo-design", "--start", "2026-09-28", "--format", "json"])
    assert code == 0 and json.loads(out) == {
        "service": "logo-design",
        "tier": None,
        "start": "2026-09-28",
        "earliest": "2026-10-08",
        "latest": "2026-10-10",
        "estimated": False,
        "working_days": [3, 5],
    }
    code, out, _ = agency_cli(["refund", "copywriting", "--stage", "revision-2", "--amount", "1500", "--format", "json"])
    data = json.loads(out)
    assert code == 0
    assert {k: data[k] for k in ("service", "tier", "stage", "amount", "percent", "refund", "kind")} == {
        "service": "copywriting",
        "tier": "standard",
        "stage": "revision-2",
        "amount": "1500.00",
        "percent": "30",
        "refund": "450.00",
        "kind": "fixed",
    }
    assert data["rule"] == {
        "ladder": "copywriting",
        "step": "rev-2",
        "number": 3,
        "text": "第二次修改后不满意，退还该件退款基数的 30%",
        "text_en": "",
        "source": data["rule"]["source"],
    }
    # no deal: the amount is both the refund base and what was paid, and the answer says so
    assert {k: data[k] for k in ("deal", "base_kind", "base", "paid", "kept", "still_due", "cancelled")} == {
        "deal": None,
        "base_kind": "item-total",
        "base": "1500.00",
        "paid": "1500.00",
        "kept": "1050.00",
        "still_due": "0.00",
        "cancelled": "0.00",
    }
    assert data["notes"][0]["en"].startswith("no deal given: ¥1,500.00 is taken as both the refund base")


def test_cli_refund_text_at_most(agency_cli: Cli) -> None:
    code, out, _ = agency_cli(["refund", "copywriting", "--stage", "revision-3", "--amount", "1500", "--lang", "en"])
    assert code == 0
    assert out.splitlines()[0] == "copywriting/standard, unsatisfied after revision 3: refund at most 20% of ¥1,500.00 = at most ¥300.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["due", "logo", "--start", "2026-09-28"],
            "unknown service logo (did you mean logo-design?); choose one of: wechat-article, logo-design, flyer-design, poster-design, copywriting",
        ),
        (["due", "logo-design", "--start", "2026/09/28"], "--start: not a date: 2026/09/28 (expected YYYY-MM-DD, write 2026-09-28)"),
        (
            ["refund", "copywriting", "--stage", "final", "--amount", "1"],
            "unknown stage final; choose one of: first-draft, revision-1, revision-2, …, terminated (or e.g. revision2, second revision)",
        ),
        (["refund", "copywriting", "--stage", "revision-1", "--amount", "-5"], "--amount must be an amount ≥ 0: -5"),
        (["quote", "nope"], "unknown deal nope; choose one of: 2026-001-yunfan-launch, 2026-002-mingcha-content, 2026-003-jingyi-expo"),
        (
            ["quote", "2026-001"],
            "unknown deal 2026-001 (did you mean 2026-001-yunfan-launch?); choose one of: 2026-001-yunfan-launch, 2026-002-mingcha-content, 2026-003-jingyi-expo",
        ),
    ],
)
def test_cli_bad_arguments_exit_2(agency_cli: Cli, args: list[str], message: str) -> None:
    code, _, err = agency_cli([*args, "--lang", "en"])
    assert code == 2
    assert err.strip() == message


def test_quote_valid_until_is_calendar_days(ws) -> None:  # type: ignore[no-untyped-def]
    q = api.quote(ws, "2026-001-yunfan-launch")
    assert q.valid_until - q.date == timedelta(days=ws.policy.terms.valid_days)


def test_cli_quote_text_table(agency_cli: Cli) -> None:
    code, out, _ = agency_cli(["quote", "2026-001-yunfan-launch"])
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert "│ 1 │ LOGO 设计·品牌版       │  ¥6,800.00 │ 1 套 │ ¥6,800.00 │ 2026-11-26 ~ 2026-11-30 │" in lines
    assert "合计      ¥12,889.60" in lines
    assert "人民币壹万贰仟捌佰捌拾玖元陆角" in lines
    assert "报价有效期至 2026-12-05" in lines


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026/11/20", "2026-11-20"),
        ("2026.11.20", "2026-11-20"),
        ("2026年11月20日", "2026-11-20"),
        ("2026 年 1 月 5 日", "2026-01-05"),
        ("2026-1-5", "2026-01-05"),
        ("20261120", "2026-11-20"),
        ("2026/02/30", None),  # no such day: nothing to suggest
        ("11/20/2026", None),  # month first is ambiguous: never guessed
        ("next monday", None),
    ],
)
def test_the_iso_form_of_a_date_typed_another_way(typed: str, meant: str | None) -> None:
    from salesdocs.engine.dates import iso_date_for

    assert iso_date_for(typed) == meant
