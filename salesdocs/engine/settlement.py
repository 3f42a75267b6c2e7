"""What a deal line is worth after discount and tax, and how a refund settles against it.

The policy's refund percentages apply to a *base*: either the item's full price
(``item-total``: the line's price after its share of the discount, tax included) or what
the client has paid (``paid``).  Shares are pro rata by amount, each rounded half-up to the
fen, the remainder going to the last line or piece, so the parts always add up to the total:

    discount share of line i = discount × amount_i / subtotal
    tax share of line i      = tax × (amount_i − discount_i) / net
    item total of line i     = amount_i − discount_i (+ tax_i when list prices exclude tax)

Settlement of a refund of ``p`` % of the base: the agency keeps ``(100 − p) %`` of the base;
the client gets back ``paid − kept`` when that is positive; otherwise it still owes
``kept − paid`` and the rest of the item's price is cancelled.  For an ``at_most`` step the
percentage is the most the client can get back, so ``kept`` is the least the agency keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from salesdocs.engine.money import to_fen

__all__ = ["LineShare", "Settlement", "allocate", "line_shares", "list_item_total", "piece_totals", "settle"]

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` pro rata by ``weights``: each part rounded half-up to the fen, the last
    part takes the remainder, so ``sum(parts) == total`` exactly."""
    if not weights:
        return []
    whole = sum(weights, Decimal(0))
    if whole == 0:
        return [ZERO] * (len(weights) - 1) + [to_fen(total)]
    parts = [to_fen(total * w / whole) for w in weights[:-1]]
    return [*parts, to_fen(total) - sum(parts, ZERO)]


@dataclass(frozen=True)
class LineShare:
    """One deal line's part of the quote: its amount, its shares of discount and tax, its total."""

    line: int  # 1-based, as printed
    quantity: int
    amount: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal  # the item total: after discount, tax included

    @property
    def pieces(self) -> list[Decimal]:
        """The item total of each piece (``quantity`` equal parts, the remainder on the last)."""
        return piece_totals(self.total, self.quantity)


def line_shares(
    amounts: Sequence[Decimal], quantities: Sequence[int], discount: Decimal, tax: Decimal, tax_included: bool
) -> list[LineShare]:
    """Every line's share of the discount and the tax, and its item total.

    The line totals add up to the quote's total: ``Σ total = subtotal − discount (+ tax)``.
    """
    discounts = allocate(discount, amounts)
    nets = [a - d for a, d in zip(amounts, discounts, strict=True)]
    taxes = allocate(tax, nets)
    return [
        LineShare(
            line=i,
            quantity=q,
            amount=a,
            discount=d,
            tax=t,
            total=n if tax_included else n + t,
        )
        for i, (a, q, d, t, n) in enumerate(zip(amounts, quantities, discounts, taxes, nets, strict=True), start=1)
    ]


def piece_totals(total: Decimal, quantity: int) -> list[Decimal]:
    """``total`` split over ``quantity`` equal pieces (the remainder on the last piece)."""
    return allocate(total, [Decimal(1)] * max(quantity, 1))


def list_item_total(price: Decimal, tax_rate: Decimal, tax_included: bool) -> Decimal:
    """The item total of one item sold alone at ``price``, no discount: what ``line_shares`` gives
    a one-line quote (tax ``rate`` % on top, rounded half-up, unless prices include it)."""
    return to_fen(price) if tax_included else to_fen(price) + to_fen(price * tax_rate / HUNDRED)


@dataclass(frozen=True)
class Settlement:
    """How a refund at one ladder step settles an item (money to the fen)."""

    base_kind: str  # "item-total" | "paid"
    base: Decimal  # what the percentage applies to
    percent: Decimal  # the refund percentage (the maximum, for at_most)
    kind: str  # "fixed" | "at_most"
    kept: Decimal  # what the agency keeps (the least it keeps, for at_most)
    paid: Decimal
    refund: Decimal  # paid back to the client (the most, for at_most)
    still_due: Decimal  # what the client still owes for the item (0 when refunded)
    cancelled: Decimal  # the part of the item's price the client no longer owes


def settle(base_kind: str, item_total: Decimal, paid: Decimal, percent: Decimal, kind: str) -> Settlement:
    """Settle a refund of ``percent`` % for one item whose price is ``item_total``, ``paid`` paid."""
    base = item_total if base_kind == "item-total" else paid
    kept = to_fen(base * (HUNDRED - percent) / HUNDRED)
    if base_kind == "paid":
        refund = paid - kept
        return Settlement(base_kind, base, percent, kind, kept, paid, refund, ZERO, max(item_total - paid, ZERO))
    if paid >= kept:
        return Settlement(base_kind, base, percent, kind, kept, paid, paid - kept, ZERO, item_total - paid)
    return Settlement(base_kind, base, percent, kind, kept, paid, ZERO, kept - paid, item_total - kept)
