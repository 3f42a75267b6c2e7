"""Plain JSON-ready dicts of engine results (money as strings like "12345.60")."""

from __future__ import annotations

from typing import Any

from salesdocs.engine.money import format_percent, format_plain
from salesdocs.engine.pricing import Quote
from salesdocs.engine.refunds import RefundResult
from salesdocs.records.history import ProjectRefund


def _pct(value: Any) -> str | None:
    return format_percent(value) if value is not None else None


def quote_json(q: Quote) -> dict[str, Any]:
    return {
        "deal": q.deal_id,
        "number": q.number,
        "client": q.client_id,
        "date": q.date.isoformat(),
        "start": q.start.isoformat(),
        "valid_until": q.valid_until.isoformat(),
        "lines": [
            {
                "number": line.number,
                "service": line.service_id,
                "tier": line.tier_id,
                "name": f"{line.service_name}·{line.tier_name}",
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price": format_plain(line.unit_price),
                "list_price": format_plain(line.list_price),
                "price_reason": line.price_reason or None,
                "amount": format_plain(line.amount),
                "due_earliest": line.due_earliest.isoformat(),
                "due_latest": line.due_latest.isoformat(),
                "estimated": line.estimated,
            }
            for line in q.lines
        ],
        "subtotal": format_plain(q.subtotal),
        "discount": format_plain(q.discount),
        "discount_percent": _pct(q.discount_percent),
        "tax_rate": _pct(q.tax_rate),
        "prices_include_tax": q.prices_include_tax,
        "tax": format_plain(q.tax),
        "total": format_plain(q.total),
        "total_in_words": q.total_in_words,
        "payments": [{"name": p.name, "percent": _pct(p.percent), "amount": format_plain(p.amount), "due": p.due} for p in q.payments],
        "approver": q.approver or None,
        "estimated": q.estimated,
    }


def due_json(window: Any) -> dict[str, Any]:
    return {
        "service": window.service,
        "tier": window.tier,
        "start": window.start.isoformat(),
        "earliest": window.earliest.isoformat(),
        "latest": window.latest.isoformat(),
        "estimated": window.estimated,
        "working_days": [window.min_days, window.max_days],
    }


def refund_json(r: RefundResult) -> dict[str, Any]:
    """A refund and its settlement; ``amount`` (what was paid) only for the ad-hoc question."""
    data: dict[str, Any] = {
        "service": r.service,
        "tier": r.tier,
        "stage": r.stage_id,
        "deal": r.deal,
        "line": r.line,
        "pieces": r.pieces,
        "quantity": r.quantity,
        "unit": r.unit or None,
        "base_kind": r.base_kind,
        "base": format_plain(r.base),
        "item_total": format_plain(r.item_total),
        "percent": _pct(r.percent),
        "kept": format_plain(r.kept),
        "paid": format_plain(r.paid),
        "paid_assumed": r.paid_assumed,
        "refund": format_plain(r.refund),
        "still_due": format_plain(r.still_due),
        "cancelled": format_plain(r.cancelled),
        "kind": r.kind,
        "covered": r.covered,
        "within_allowance": r.within_allowance,
        "rule": {"ladder": r.ladder, "step": r.step_id, "number": r.step, "text": r.rule, "text_en": r.rule_en, "source": r.source},
        "notes": [{"zh": zh, "en": en} for zh, en in r.notes],
    }
    if r.deal is None:
        data["amount"] = format_plain(r.amount)
    return data


def project_refund_json(answer: ProjectRefund) -> dict[str, Any]:
    """``refund --project``: the refund with the recorded history, or why none applies."""
    if answer.result is None:
        return {"project": answer.project, "applies": False, "refund": "0.00", "reason_zh": answer.reason_zh, "reason_en": answer.reason_en}
    data = refund_json(answer.result)
    data["project"] = answer.project
    data["history"] = answer.history
    return data
