"""Refund settlement: line shares of discount and tax, pieces, and what each side keeps.

Expected values are computed here independently with fractions (exact rational arithmetic,
rounded half-up once at the end), not with the engine's helpers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesdocs.engine.settlement import allocate, line_shares, piece_totals, settle

D = Decimal


def fen(x: Fraction) -> Decimal:
    return (D(x.numerator) / D(x.denominator)).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_the_poster_of_deal_001() -> None:
    """3 posters at 1,000 in a 12,800 deal with 5 % off and 6 % VAT on top: one poster is 1,007.00."""
    shares = line_shares([D("6800.00"), D("3000.00"), D("3000.00")], [1, 2, 3], D("640.00"), D("729.60"), tax_included=False)
    assert [s.discount for s in shares] == [D("340.00"), D("150.00"), D("150.00")]
    assert [s.tax for s in shares] == [D("387.60"), D("171.00"), D("171.00")]
    assert [s.total for s in shares] == [D("6847.60"), D("3021.00"), D("3021.00")]
    assert sum(s.total for s in shares) == D("12889.60")
    assert shares[2].pieces == [D("1007.00"), D("1007.00"), D("1007.00")]


def test_the_issue_example_first_draft_rejected_after_the_deposit() -> None:
    """Policy: the agency keeps 30 % of the item's price (302.10); the client paid half (503.50)."""
    s = settle("item-total", D("1007.00"), D("503.50"), D("70"), "fixed")
    assert (s.base, s.kept, s.refund, s.still_due, s.cancelled) == (D("1007.00"), D("302.10"), D("201.40"), D("0.00"), D("503.50"))


def test_the_agency_share_above_what_was_paid_leaves_a_balance() -> None:
    """A 30 % refund keeps 70 % (704.90) of a 1,007.00 poster; 503.50 paid → 201.40 still due."""
    s = settle("item-total", D("1007.00"), D("503.50"), D("30"), "fixed")
    assert (s.kept, s.refund, s.still_due, s.cancelled) == (D("704.90"), D("0.00"), D("201.40"), D("302.10"))


def test_paid_base_refunds_a_share_of_what_was_paid() -> None:
    s = settle("paid", D("1007.00"), D("503.50"), D("70"), "fixed")
    assert (s.base, s.kept, s.refund, s.still_due, s.cancelled) == (D("503.50"), D("151.05"), D("352.45"), D("0.00"), D("503.50"))


def test_at_most_is_the_most_the_client_gets_back() -> None:
    s = settle("item-total", D("1500.00"), D("1500.00"), D("20"), "at_most")
    assert (s.kind, s.kept, s.refund) == ("at_most", D("1200.00"), D("300.00"))


def test_pieces_take_the_remainder_on_the_last() -> None:
    assert piece_totals(D("100.00"), 3) == [D("33.33"), D("33.33"), D("33.34")]
    assert piece_totals(D("0.01"), 2) == [D("0.01"), D("0.00")]


def test_allocate_with_zero_weights_puts_everything_on_the_last() -> None:
    assert allocate(D("5.00"), [D(0), D(0)]) == [D("0.00"), D("5.00")]
    assert allocate(D("5.00"), []) == []


amounts = st.lists(st.integers(min_value=0, max_value=10_000_000).map(lambda f: D(f) / 100), min_size=1, max_size=8)


@given(amounts=amounts, rate=st.sampled_from([D(0), D(3), D(6), D(13)]), off=st.integers(min_value=0, max_value=30), included=st.booleans())
def test_shares_match_an_independent_computation_and_add_up(amounts: list[Decimal], rate: Decimal, off: int, included: bool) -> None:
    subtotal = sum(amounts, D("0.00"))
    discount = fen(Fraction(subtotal) * off / 100)
    net = subtotal - discount
    tax = fen(Fraction(net) * Fraction(rate) / (100 + Fraction(rate))) if included else fen(Fraction(net) * Fraction(rate) / 100)
    total = net if included else net + tax
    shares = line_shares(amounts, [1] * len(amounts), discount, tax, included)
    assert sum(s.discount for s in shares) == discount
    assert sum(s.tax for s in shares) == tax
    assert sum(s.total for s in shares) == total
    for s, a in zip(shares[:-1], amounts[:-1], strict=True):
        expected_discount = fen(Fraction(discount) * Fraction(a) / Fraction(subtotal)) if subtotal else D("0.00")
        assert s.discount == expected_discount


@given(
    total=st.integers(min_value=0, max_value=10_000_000).map(lambda f: D(f) / 100),
    paid_share=st.integers(min_value=0, max_value=100),
    percent=st.sampled_from([D(0), D(20), D(30), D(50), D(70), D(100)]),
)
def test_settlement_balances(total: Decimal, paid_share: int, percent: Decimal) -> None:
    """What the client ends up paying is exactly what the agency keeps; nothing is lost."""
    paid = fen(Fraction(total) * paid_share / 100)
    s = settle("item-total", total, paid, percent, "fixed")
    assert s.kept == fen(Fraction(total) * (100 - Fraction(percent)) / 100)
    assert paid - s.refund + s.still_due == s.kept
    assert s.cancelled == total - paid - s.still_due  # the unpaid balance the client no longer owes
    assert min(s.refund, s.still_due) == 0


@pytest.mark.parametrize("base", ["item-total", "paid"])
def test_nothing_refunded_at_zero_percent(base: str) -> None:
    s = settle(base, D("1000.00"), D("1000.00"), D(0), "fixed")
    assert s.refund == D("0.00")
