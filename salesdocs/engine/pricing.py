"""Quote pricing: lines, discount, tax, total, payment schedule, due dates.

Rounding happens at three points only, each to the fen with ROUND_HALF_UP:
line amounts, the discount and the tax.  Everything else is exact addition, so
the printed lines always add up to the printed total:

    subtotal = Σ line amounts
    total    = subtotal − discount (+ tax when list prices exclude tax)

Instalments are rounded too; the last one takes the remainder so they add up
to the total exactly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from salesdocs.engine.calendar import WorkCalendar
from salesdocs.engine.money import in_words, to_fen
from salesdocs.engine.schedule import piece_deadlines
from salesdocs.errors import DiscountTooLargeError, SalesdocsError
from salesdocs.model import Deal, Policy

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class QuoteLine:
    number: int
    service_id: str
    service_name: str
    tier_id: str
    tier_name: str
    unit: str
    quantity: int
    list_price: Decimal
    unit_price: Decimal
    price_reason: str
    amount: Decimal
    delivery_min: int
    delivery_max: int
    due_earliest: date
    due_latest: date
    estimated: bool
    note: str


@dataclass(frozen=True)
class Payment:
    name: str
    percent: Decimal
    amount: Decimal
    due: str


@dataclass(frozen=True)
class Quote:
    deal_id: str
    number: str
    date: datetime.date
    start: datetime.date
    valid_until: datetime.date
    client_id: str
    lines: tuple[QuoteLine, ...]
    subtotal: Decimal
    discount: Decimal
    discount_percent: Decimal | None  # as given in the deal; None for an amount
    list_subtotal: Decimal  # the same lines at list prices
    #: (list subtotal − net) / list subtotal × 100, unrounded: the discount and every
    #: below-list unit price together; the policy's approval rule compares this
    effective_discount_percent: Decimal
    net: Decimal
    tax_name: str
    tax_rate: Decimal
    prices_include_tax: bool
    tax: Decimal
    total: Decimal
    payments: tuple[Payment, ...]
    approver: str

    @property
    def total_in_words(self) -> str:
        """大写 of the total (computed on use: cn2an costs 120 ms to import, `check` never needs it)."""
        return in_words(self.total)

    @property
    def estimated(self) -> bool:
        return any(line.estimated for line in self.lines)


def quote_number(policy: Policy, deal: Deal) -> str:
    """The quote (and contract) number of a deal: the policy's prefix and the deal id."""
    return f"{policy.terms.number_prefix}-{deal.id.upper()}"


def price_deal(policy: Policy, deal: Deal, calendar: WorkCalendar) -> Quote:
    """Price ``deal`` under ``policy``; due dates on ``calendar``."""
    lines: list[QuoteLine] = []
    for number, dl in enumerate(deal.lines, start=1):
        service = policy.service(dl.service)
        tier = service.tier(dl.tier) if service else None
        if service is None or tier is None:
            raise SalesdocsError(
                f"交易 {deal.id} 第 {number} 行：未知的服务或档位 {dl.service}/{dl.tier}",
                f"deal {deal.id} line {number}: unknown service or tier {dl.service}/{dl.tier}",
            )
        unit_price = dl.unit_price if dl.unit_price is not None else tier.price
        earliest = calendar.add_working_days(deal.start, tier.delivery_min)
        # the binding date of the line: its last piece's (each further piece adds tier.next_piece days)
        latest = piece_deadlines(calendar, deal.start, tier.delivery_max, tier.next_piece, dl.quantity)[-1]
        lines.append(
            QuoteLine(
                number=number,
                service_id=service.id,
                service_name=service.name,
                tier_id=tier.id,
                tier_name=tier.name,
                unit=tier.unit,
                quantity=dl.quantity,
                list_price=tier.price,
                unit_price=unit_price,
                price_reason=dl.price_reason,
                amount=to_fen(unit_price * dl.quantity),
                delivery_min=tier.delivery_min,
                delivery_max=tier.delivery_max,
                due_earliest=earliest.date,
                due_latest=latest.date,
                estimated=earliest.estimated or latest.estimated,
                note=dl.note,
            )
        )
    subtotal = sum((line.amount for line in lines), Decimal("0.00"))
    if deal.discount_percent is not None:
        discount = to_fen(subtotal * deal.discount_percent / HUNDRED)
    elif deal.discount_amount is not None:
        discount = to_fen(deal.discount_amount)
    else:
        discount = Decimal("0.00")
    if discount > subtotal:
        raise DiscountTooLargeError(
            f"交易 {deal.id}：折扣 {discount} 大于小计 {subtotal}",
            f"deal {deal.id}: the discount {discount} exceeds the subtotal {subtotal}",
        )
    net = subtotal - discount
    terms = policy.terms
    if terms.prices_include_tax:
        tax = to_fen(net * terms.tax_rate / (HUNDRED + terms.tax_rate))
        total = net
    else:
        tax = to_fen(net * terms.tax_rate / HUNDRED)
        total = net + tax
    list_subtotal = sum((to_fen(line.list_price * line.quantity) for line in lines), Decimal("0.00"))
    effective = (list_subtotal - net) * HUNDRED / list_subtotal if list_subtotal else Decimal(0)
    return Quote(
        deal_id=deal.id,
        number=quote_number(policy, deal),
        date=deal.date,
        start=deal.start,
        valid_until=deal.date + timedelta(days=terms.valid_days),
        client_id=deal.client,
        lines=tuple(lines),
        subtotal=subtotal,
        discount=discount,
        discount_percent=deal.discount_percent,
        list_subtotal=list_subtotal,
        effective_discount_percent=effective,
        net=net,
        tax_name=terms.tax_name,
        tax_rate=terms.tax_rate,
        prices_include_tax=terms.prices_include_tax,
        tax=tax,
        total=total,
        payments=_payments(policy, total),
        approver=deal.approver,
    )


def _payments(policy: Policy, total: Decimal) -> tuple[Payment, ...]:
    schedule = policy.terms.payment
    result: list[Payment] = []
    paid = Decimal("0.00")
    for index, inst in enumerate(schedule):
        last = index == len(schedule) - 1
        amount = total - paid if last else to_fen(total * inst.percent / HUNDRED)
        paid += amount
        result.append(Payment(inst.name, inst.percent, amount, inst.due))
    return tuple(result)
