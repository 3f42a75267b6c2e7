"""Refunds of a deal's line: the refund base (the line's share of discount and tax, per piece),
the ladder step, and how the refund settles against what was paid — on the fixture agency.

Every expected figure is computed here independently, with fractions (exact rational
arithmetic, rounded half-up to the fen only where the policy rounds), from the deal files and
the policy's numbers, not with the engine's helpers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from salesdocs import api
from salesdocs.engine.refunds import line_item_total
from salesdocs.engine.settlement import settle
from salesdocs.errors import UsageError
from salesdocs.model import Workspace
from salesdocs.workspace import load_workspace

D = Decimal
DEALS = ("2026-001-yunfan-launch", "2026-002-mingcha-content", "2026-003-jingyi-expo")
#: (stage, percent, kind) at every step of each ladder, including stages inside a range and beyond the last
STAGES = {
    "design": [
        ("first-draft", 70, "fixed"),
        ("revision-1", 50, "fixed"),
        ("revision-3", 50, "fixed"),
        ("revision-4", 30, "fixed"),
        ("revision-7", 30, "fixed"),
    ],
    "copywriting": [
        ("first-draft", 70, "fixed"),
        ("revision-1", 50, "fixed"),
        ("revision-2", 30, "fixed"),
        ("revision-3", 20, "at_most"),
        ("revision-5", 20, "at_most"),
    ],
}
PAID_BASE = (
    (
        "rules/refunds.yaml",
        "name: 设计类（LOGO / 宣传页 / 海报）\n    base: item-total",
        "name: 设计类（LOGO / 宣传页 / 海报）\n    base: paid",
    ),
    (
        "rules/refunds.yaml",
        "name: 文案类（公众号文章 / 文案撰写）\n    base: item-total",
        "name: 文案类（公众号文章 / 文案撰写）\n    base: paid",
    ),
)


def fen(x: Fraction) -> Decimal:
    """Round half-up to the fen (amounts here are never negative)."""
    cents = (x * 100 + Fraction(1, 2)).__floor__()
    return D(cents) / 100


def split(total: Fraction, weights: list[Fraction]) -> list[Fraction]:
    """Pro rata by weight, each part rounded half-up, the remainder on the last part."""
    whole = sum(weights, Fraction(0))
    parts = [Fraction(fen(total * w / whole)) if whole else Fraction(0) for w in weights[:-1]]
    return [*parts, total - sum(parts, Fraction(0))]


@dataclass(frozen=True)
class Line:
    ladder: str
    quantity: int
    total: Fraction  # after its share of the discount, tax included
    pieces: list[Fraction]


def expected_lines(ws: Workspace, deal_id: str) -> tuple[list[Line], Fraction]:
    """Each line's item total and piece totals, and the quote's total, from the deal and the terms."""
    deal, terms = ws.deals[deal_id], ws.policy.terms
    tiers = [ws.policy.tier_of(x.service, x.tier) for x in deal.lines]
    amounts = [
        Fraction(fen(Fraction(x.unit_price if x.unit_price is not None else t.price) * x.quantity))
        for x, t in zip(deal.lines, tiers, strict=True)
    ]
    subtotal = sum(amounts, Fraction(0))
    if deal.discount_percent is not None:
        discount = Fraction(fen(subtotal * Fraction(deal.discount_percent) / 100))
    else:
        discount = Fraction(deal.discount_amount or 0)
    net = subtotal - discount
    rate = Fraction(terms.tax_rate)
    tax = Fraction(fen(net * rate / (100 + rate) if terms.prices_include_tax else net * rate / 100))
    discounts = split(discount, amounts)
    nets = [a - d for a, d in zip(amounts, discounts, strict=True)]
    taxes = split(tax, nets)
    totals = [n if terms.prices_include_tax else n + t for n, t in zip(nets, taxes, strict=True)]
    lines = [
        Line(t.ladder.id, x.quantity, total, split(total, [Fraction(1)] * x.quantity))
        for x, t, total in zip(deal.lines, tiers, totals, strict=True)
    ]
    return lines, net if terms.prices_include_tax else net + tax


def expected_settlement(base_kind: str, price: Fraction, paid: Fraction, percent: int) -> dict[str, Decimal]:
    """The agency keeps (100 − p) % of the base; the client gets back what it paid above that, or owes the rest."""
    base = price if base_kind == "item-total" else paid
    kept = fen(base * (100 - percent) / 100)
    refund = max(Fraction(paid) - Fraction(kept), Fraction(0))
    still_due = Fraction(kept) - paid if base_kind == "item-total" and paid < Fraction(kept) else Fraction(0)
    cancelled = price - paid - still_due if base_kind == "item-total" else max(price - paid, Fraction(0))
    return {
        "base": fen(base),
        "kept": kept,
        "refund": fen(refund),
        "still_due": fen(still_due),
        "cancelled": fen(cancelled),
    }


def payments(price: Fraction) -> list[Fraction]:
    """Nothing, a third (an odd amount), the 50 % deposit, most of it, all of it."""
    return [Fraction(0), Fraction(fen(price / 3)), Fraction(fen(price / 2)), Fraction(fen(price * 9 / 10)), price]


@pytest.fixture(scope="module")
def agency(pristine_workspace: Path) -> Workspace:
    return load_workspace(pristine_workspace)


# ----------------------------------------------------------------------- the shares


@pytest.mark.parametrize("deal_id", DEALS)
def test_line_and_piece_shares_match_and_add_up(agency: Workspace, deal_id: str) -> None:
    lines, total = expected_lines(agency, deal_id)
    q = api.quote(agency, deal_id)
    assert Fraction(q.total) == total
    assert sum((x.total for x in lines), Fraction(0)) == total  # the lines add up to the quote's total
    for number, line in enumerate(lines, start=1):
        assert line_item_total(q, number) == (line.quantity, fen(line.total))
        assert sum(line.pieces, Fraction(0)) == line.total  # the pieces add up to the line
        for k in range(1, line.quantity + 1):
            assert line_item_total(q, number, k) == (k, fen(sum(line.pieces[:k], Fraction(0))))


def test_the_remainder_sits_on_the_last_piece(agency: Workspace) -> None:
    """Deal 003's two copywriting pieces: 2,752.97 does not halve; the first is 1,376.49, the last 1,376.48."""
    lines, _ = expected_lines(agency, "2026-003-jingyi-expo")
    assert [fen(p) for p in lines[1].pieces] == [D("1376.49"), D("1376.48")]
    q = api.quote(agency, "2026-003-jingyi-expo")
    assert line_item_total(q, 2, 1) == (1, D("1376.49"))
    assert line_item_total(q, 2, 2) == (2, D("2752.97"))


# ------------------------------------------------------------- every step, both bases


def _check_deal(ws: Workspace, deal_id: str, base_kind: str) -> int:
    lines, _ = expected_lines(ws, deal_id)
    checked = 0
    for number, line in enumerate(lines, start=1):
        for pieces in sorted({1, line.quantity}):
            price = sum(line.pieces[:pieces], Fraction(0))
            for stage, percent, kind in STAGES[line.ladder]:
                for paid in payments(price):
                    r = api.refund_line(ws, deal_id, number, stage, pieces=pieces, paid=fen(paid))
                    expected = expected_settlement(base_kind, price, paid, percent)
                    got = {k: getattr(r, k) for k in expected}
                    assert got == expected, (deal_id, number, pieces, stage, paid)
                    assert (r.percent, r.kind, r.base_kind, r.ladder) == (D(percent), kind, base_kind, line.ladder)
                    assert (r.item_total, r.paid, r.paid_assumed) == (fen(price), fen(paid), False)
                    # nothing is lost: what the client ends up paying is what the agency keeps
                    assert r.paid - r.refund + r.still_due == r.kept
                    checked += 1
    return checked


@pytest.mark.parametrize("deal_id", DEALS)
def test_every_step_item_total_base(agency: Workspace, deal_id: str) -> None:
    assert _check_deal(agency, deal_id, "item-total") >= 100


@pytest.mark.parametrize("deal_id", DEALS)
def test_every_step_paid_base(make_workspace: Callable[..., Path], deal_id: str) -> None:
    ws = load_workspace(make_workspace("agency", *PAID_BASE))
    assert {ld.base for ld in ws.policy.ladders} == {"paid"}
    assert _check_deal(ws, deal_id, "paid") >= 100


def test_paid_defaults_to_the_deposit_share(agency: Workspace) -> None:
    """Without --paid, the client has paid the first instalment (50 %) of the pieces' price, and the result says so."""
    lines, _ = expected_lines(agency, "2026-002-mingcha-content")
    for number, line in enumerate(lines, start=1):
        r = api.refund_line(agency, "2026-002-mingcha-content", number, "first-draft")
        assert (r.paid, r.paid_assumed, r.pieces) == (fen(line.total / 2), True, line.quantity)
        assert r.notes == (
            (
                f"已付金额按预付款计算，即价款的 50%：¥{fen(line.total / 2):,.2f}；实际不同时用 --paid 指定",
                f"amount paid taken as the first instalment, 50% of the price: ¥{fen(line.total / 2):,.2f}; give --paid when it differs",
            ),
        )


def test_ad_hoc_amount_is_base_and_paid(agency: Workspace, make_workspace: Callable[..., Path]) -> None:
    r = api.refund(agency, "logo-design", "premium", "revision-4", D("6800"))
    assert (r.base_kind, r.base, r.paid, r.kept, r.refund, r.still_due, r.cancelled) == (
        "item-total",
        D("6800.00"),
        D("6800.00"),
        D("4760.00"),
        D("2040.00"),
        D("0.00"),
        D("0.00"),
    )
    assert r.notes[0][0].startswith("未指定交易：¥6,800.00 同时作为退款基数")
    paid_ws = load_workspace(make_workspace("agency", *PAID_BASE))
    p = api.refund(paid_ws, "logo-design", "premium", "revision-4", D("6800"))
    assert (p.base_kind, p.base, p.refund, p.notes) == ("paid", D("6800.00"), D("2040.00"), ())


# ------------------------------------------------------- the worked figures (contract notes §5)


def test_worked_figures_deal_001_poster(agency: Workspace) -> None:
    """One poster of deal 001: 1,000 × 0.95 = 950.00 + 57.00 VAT = 1,007.00; 503.50 (the deposit) paid."""
    deal = "2026-001-yunfan-launch"

    def poster(stage: str) -> tuple[Decimal, ...]:
        r = api.refund_line(agency, deal, 3, stage, pieces=1)
        assert (r.base, r.paid) == (D("1007.00"), D("503.50"))
        return r.kept, r.refund, r.still_due, r.cancelled

    assert poster("first-draft") == (D("302.10"), D("201.40"), D("0.00"), D("503.50"))
    assert poster("revision-2") == (D("503.50"), D("0.00"), D("0.00"), D("503.50"))
    # the agency keeps 704.90: the client still owes 201.40, and the rest of the price (302.10) is cancelled
    assert poster("revision-4") == (D("704.90"), D("0.00"), D("201.40"), D("302.10"))
    assert poster("terminated") == (D("201.40"), D("302.10"), D("0.00"), D("503.50"))
    # terminated before the clock started: everything paid comes back
    before = settle("item-total", D("1007.00"), D("503.50"), D(100), "fixed")
    assert (before.kept, before.refund) == (D("0.00"), D("503.50"))
    bases = [api.refund_line(agency, deal, n, "first-draft", pieces=1).base for n in (1, 2, 3)]
    assert bases == [D("6847.60"), D("1510.50"), D("1007.00")]
    assert api.quote(agency, deal).total == D("12889.60")


def test_worked_figures_deal_002_at_most(agency: Workspace) -> None:
    """One original article of deal 002: 1,200 × 0.85 × 1.06 = 1,081.20, 540.60 paid; after revision 3, at most 20 %."""
    r = api.refund_line(agency, "2026-002-mingcha-content", 1, "revision-3", pieces=1)
    assert (r.base, r.paid, r.kind, r.percent) == (D("1081.20"), D("540.60"), "at_most", D(20))
    assert (r.kept, r.still_due, r.refund) == (D("864.96"), D("324.36"), D("0.00"))  # the least kept, the least owed
    proposed = settle("item-total", r.base, r.paid, D(10), "fixed")  # the agency proposes 10 %
    assert (proposed.kept, proposed.still_due) == (D("973.08"), D("432.48"))


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("line", "pieces", "stage", "zh", "en"),
    [
        (
            4,
            None,
            "first-draft",
            "交易 2026-001-yunfan-launch 没有第 4 行；可选：1（LOGO 设计·品牌版）、2（宣传页设计·双面 / 折页）、3（海报设计·标准海报）",
            "deal 2026-001-yunfan-launch has no line 4; choose one of: 1 (logo-design/premium), 2 (flyer-design/double), 3 (poster-design/standard)",
        ),
        (
            "two",
            None,
            "first-draft",
            "交易 2026-001-yunfan-launch 没有第 two 行；可选：1（LOGO 设计·品牌版）、2（宣传页设计·双面 / 折页）、3（海报设计·标准海报）",
            "deal 2026-001-yunfan-launch has no line two; choose one of: 1 (logo-design/premium), 2 (flyer-design/double), 3 (poster-design/standard)",
        ),
        (
            3,
            4,
            "first-draft",
            "交易 2026-001-yunfan-launch 第 3 行（海报设计·标准海报）共 3 款：--pieces 可选 1~3，不能是 4",
            "deal 2026-001-yunfan-launch line 3 (poster-design/standard) has 3 piece(s): --pieces must be 1 to 3, not 4",
        ),
        (
            3,
            0,
            "first-draft",
            "交易 2026-001-yunfan-launch 第 3 行（海报设计·标准海报）共 3 款：--pieces 可选 1~3，不能是 0",
            "deal 2026-001-yunfan-launch line 3 (poster-design/standard) has 3 piece(s): --pieces must be 1 to 3, not 0",
        ),
        (
            3,
            1,
            "second-draft",
            "未知的阶段 second-draft；可选：first-draft, revision-1, revision-2, …, terminated（也可写 初稿、第 2 次修改后、二改）",
            "unknown stage second-draft; choose one of: first-draft, revision-1, revision-2, …, terminated "
            "(or e.g. revision2, second revision)",
        ),
    ],
)
def test_bad_line_pieces_or_stage(agency: Workspace, line: Any, pieces: Any, stage: str, zh: str, en: str) -> None:
    with pytest.raises(UsageError) as err:
        api.refund_line(agency, "2026-001-yunfan-launch", line, stage, pieces=pieces)
    assert (err.value.zh, err.value.en) == (zh, en)


def test_paid_above_the_price_is_refused(agency: Workspace) -> None:
    """What was paid for these pieces cannot exceed their price; fees outside it (extra revisions) do not count."""
    assert api.refund_line(agency, "2026-001-yunfan-launch", 3, "first-draft", pieces=1, paid=D("1007.00")).refund == D("704.90")
    with pytest.raises(UsageError) as err:
        api.refund_line(agency, "2026-001-yunfan-launch", 3, "first-draft", pieces=1, paid=D("1007.01"))
    assert err.value.zh == "--paid ¥1,007.01 超过这 1 款的价款 ¥1,007.00（分摊折扣后、含税）；额外修改等价款以外的费用不计入"
    assert err.value.en == (
        "--paid ¥1,007.01 exceeds the price of these 1 piece(s), ¥1,007.00 (after the discount, tax included); "
        "fees outside the price, such as extra revisions, do not count"
    )


def test_no_termination_stage_without_the_policy_value(minimal_workspace: Path) -> None:
    ws = load_workspace(minimal_workspace)
    assert ws.policy.refund_terms.termination_started is None
    with pytest.raises(UsageError) as err:
        api.refund_line(ws, "2026-001-acme-logo", 1, "terminated")
    assert (
        err.value.en
        == "unknown stage terminated; choose one of: first-draft, revision-1, revision-2, … (or e.g. revision2, second revision)"
    )


def test_procedure_values_are_in_the_model(agency: Workspace) -> None:
    terms = agency.policy.refund_terms
    assert terms.payment_days == 5
    assert terms.at_most is not None
    assert (terms.at_most.proposal_days, terms.at_most.objection_days, terms.at_most.negotiation_days) == (3, 3, 5)
    assert terms.termination_started == D(80)


# ------------------------------------------------------------------------------ CLI


def test_cli_json(run_cli: Callable[..., Any], pristine_workspace: Path) -> None:
    done = run_cli(
        "refund",
        "--deal",
        "2026-001-yunfan-launch",
        "--line",
        "3",
        "--stage",
        "revision-4",
        "--pieces",
        "1",
        "--format",
        "json",
        "-w",
        pristine_workspace,
    )
    assert done.exit_code == 0, done.err
    data = json.loads(done.out)
    assert {
        k: data[k]
        for k in (
            "deal",
            "line",
            "pieces",
            "quantity",
            "base_kind",
            "base",
            "percent",
            "kept",
            "paid",
            "refund",
            "still_due",
            "cancelled",
            "kind",
        )
    } == {
        "deal": "2026-001-yunfan-launch",
        "line": 3,
        "pieces": 1,
        "quantity": 3,
        "base_kind": "item-total",
        "base": "1007.00",
        "percent": "30",
        "kept": "704.90",
        "paid": "503.50",
        "refund": "0.00",
        "still_due": "201.40",
        "cancelled": "302.10",
        "kind": "fixed",
    }
    assert data["rule"] == {
        "ladder": "design",
        "step": "rev-4-and-later",
        "number": 3,
        "text": "多次修改（4 次及以上）后仍不满意，退还该件退款基数的 30%",
        "text_en": "",
        "source": data["rule"]["source"],
    }
    assert data["paid_assumed"] is True and "amount" not in data
    done = run_cli(
        "refund",
        "--deal",
        "2026-001-yunfan-launch",
        "--line",
        "3",
        "--stage",
        "first-draft",
        "--paid",
        "1007",
        "--format",
        "json",
        "-w",
        pristine_workspace,
    )
    data = json.loads(done.out)
    assert (data["paid"], data["paid_assumed"], data["refund"], data["pieces"], data["base"]) == ("1007.00", False, "100.70", 3, "3021.00")


def test_cli_text_zh_and_en(run_cli: Callable[..., Any], pristine_workspace: Path) -> None:
    args = (
        "refund",
        "--deal",
        "2026-001-yunfan-launch",
        "--line",
        "3",
        "--stage",
        "first-draft",
        "--pieces",
        "1",
        "-w",
        pristine_workspace,
    )
    done = run_cli(*args)
    assert done.exit_code == 0
    assert done.out.splitlines() == [
        "交易 2026-001-yunfan-launch 第 3 行 海报设计·标准海报（3 款中的 1 款），初稿不满意：",
        "  退款基数：¥1,007.00（该件分摊折扣后、含税的价格）",
        "  已付：¥503.50",
        "  乙方保留退款基数的 30%：¥302.10",
        "  退还甲方 ¥201.40；尚未支付的 ¥503.50 不再支付",
        "  依据：退款阶梯 design 第 1 步（first-draft）：初稿不满意，退还该件退款基数的 70%",
        "  说明：已付金额按预付款计算，即价款的 50%：¥503.50；实际不同时用 --paid 指定",
    ]
    done = run_cli(*args[:-2], "--stage", "revision-4", "--lang", "en", "-w", pristine_workspace)
    assert done.exit_code == 0
    assert done.out.splitlines()[:5] == [
        "deal 2026-001-yunfan-launch line 3 poster-design/standard (1 of 3 pieces), unsatisfied after revision 4:",
        "  refund base: ¥1,007.00 (the item's price after its share of the discount, tax included)",
        "  paid: ¥503.50",
        "  the agency keeps 70% of the base: ¥704.90",
        "  the client still owes ¥201.40; the other ¥302.10 is cancelled",
    ]
    done = run_cli(
        "refund", "--deal", "2026-002-mingcha-content", "--line", "1", "--pieces", "1", "--stage", "revision-3", "-w", pristine_workspace
    )
    assert done.out.splitlines()[3:5] == ["  乙方至少保留退款基数的 80%：¥864.96", "  甲方还需至少支付 ¥324.36；其余 ¥216.24 不再支付"]


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (
            ["--line", "9", "--stage", "first-draft"],
            "没有第 9 行；可选：1（LOGO 设计·品牌版）",
            "has no line 9; choose one of: 1 (logo-design/premium)",
        ),
        (["--line", "3", "--pieces", "5", "--stage", "first-draft"], "--pieces 可选 1~3，不能是 5", "--pieces must be 1 to 3, not 5"),
        (["--line", "3", "--stage", "final"], "未知的阶段 final；可选：first-draft", "unknown stage final; choose one of: first-draft"),
        (["--line", "3"], "缺少参数：--stage", "missing: --stage"),
        (
            ["--line", "3", "--stage", "first-draft", "--amount", "9"],
            "--deal 不能与 --amount 同时使用",
            "--deal cannot be combined with --amount",
        ),
        (["--line", "3", "--stage", "first-draft", "--paid", "-1"], "--paid 必须是不小于 0 的金额：-1", "--paid must be an amount ≥ 0: -1"),
    ],
)
def test_cli_errors_exit_2(run_cli: Callable[..., Any], pristine_workspace: Path, args: list[str], zh: str, en: str) -> None:
    base = ["refund", "--deal", "2026-001-yunfan-launch", *args, "-w", pristine_workspace]
    done = run_cli(*base)
    assert done.exit_code == 2 and zh in done.err and "Traceback" not in done.err
    done = run_cli(*base, "--lang", "en")
    assert done.exit_code == 2 and en in done.err


def test_cli_deal_options_need_a_deal(run_cli: Callable[..., Any], pristine_workspace: Path) -> None:
    done = run_cli(
        "refund", "copywriting", "--stage", "first-draft", "--amount", "100", "--pieces", "1", "--lang", "en", "-w", pristine_workspace
    )
    assert done.exit_code == 2 and done.err.strip() == "--pieces can only be used with --deal"
