"""The after-sales report: figures from the records (``records/stats.py``), charts, one PDF.

``prepare_aftersales`` is the document builder registered in
:data:`salesdocs.render.documents.PREPARERS` under ``"aftersales"``: it asks the records
layer for every figure (computed in SQL there), draws the charts and returns a
:class:`~salesdocs.render.inputs.Prepared` that the ordinary pipeline renders (sandboxed
template, safe fetcher, provenance footer, atomic write).

Reproducible: the PDF's creation date is the last day of the period, and its inputs hash
covers the policy files, the templates and a digest of every recorded row the report reads,
so the same records give the same bytes and a changed record changes the hash.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from salesdocs.model import Workspace
from salesdocs.records import store
from salesdocs.records.stats import TREND_MONTHS, aftersales_stats, records_digest, resolve_period
from salesdocs.render import charts
from salesdocs.render.context import company_ctx, doc_ctx, provenance_ctx
from salesdocs.render.inputs import Prepared, hash_inputs, inputs_of, midnight

__all__ = ["duration", "prepare_aftersales", "short_client"]


_CLIENT_SUFFIX = re.compile(r"(（示例）|\(示例\))$")
_COMPANY_SUFFIX = re.compile(r"(股份有限公司|有限责任公司|有限公司)$")


def short_client(name: str) -> str:
    """ "深圳云帆智能科技有限公司（示例）" → "深圳云帆智能科技" (narrow table columns)."""
    return _COMPANY_SUFFIX.sub("", _CLIENT_SUFFIX.sub("", name.strip())) or name


def duration(minutes: Decimal | None) -> dict[str, str]:
    """12.0 → 12 分钟; 12.5 → 12.5 分钟; 810.0 → 13.5 小时 (and "minutes": "810" to show alongside)."""
    if minutes is None:
        return {"value": "—", "unit": "", "minutes": ""}
    if minutes < 120:
        return {"value": _plain(minutes), "unit": "分钟", "minutes": ""}
    hours = (minutes / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return {"value": _plain(hours), "unit": "小时", "minutes": _plain(minutes)}


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text[:-2] if text.endswith(".0") else text


def _charts(stats: dict[str, Any], ws: Workspace) -> dict[str, str | None]:
    head = stats["headline"]
    out: dict[str, str | None] = {"categories": None, "trend": None, "satisfaction": None}
    if head["received"]:
        names = {c.id: c.name for c in ws.policy.aftersales.categories}
        by_category: dict[str, dict[str, int]] = {}
        series: list[str] = []
        for service in stats["by_service"]:
            series.append(service["name"])
            for row in service["rows"]:
                by_category.setdefault(row["category"], {})[service["name"]] = row["count"]
        rows = [{"label": _wrap(names.get(cid, cid)), "values": values} for cid, values in by_category.items()]
        out["categories"] = charts.data_url(charts.category_bars(rows, series))
    if head["rated"]:
        out["satisfaction"] = charts.data_url(charts.satisfaction_bars(head["satisfaction"], width_mm=78, height_mm=34))
    if any(m["count"] for m in stats["trend"]):
        months = [{**m, "current": m["month"] >= f"{stats['period']['start']:%Y-%m}"} for m in stats["trend"]]
        out["trend"] = charts.data_url(charts.trend_chart(months, line_label="按时首次回复（%）"))
    return out


def _wrap(label: str, width: int = 12) -> str:
    """Break a long category name at its parenthesis for the chart's axis."""
    if len(label) <= width:
        return label
    for mark in ("（", "("):
        if mark in label:
            i = label.index(mark)
            return label[:i] + "\n" + label[i:]
    return label


def build_context(ws: Workspace, stats: dict[str, Any], inputs_hash: str, db_rel: str, totals: dict[str, Any]) -> dict[str, Any]:
    policy = ws.policy
    period = stats["period"]
    clients = {cid: short_client(c.name) for cid, c in ws.clients.items()}
    for project in stats["finished"]["projects"]:
        project["client_name"] = clients.get(project["client"], project["client"])
    year = f"{period['end'].year:04d}-"
    same_year = all(
        t["received"].startswith(year) and (not t["first_response"] or t["first_response"].startswith(year))
        for t in stats["open"]["tickets"]
    )
    stats["open"]["short_year"] = period["end"].year if same_year and stats["open"]["tickets"] else None
    for ticket in stats["open"]["tickets"]:
        ticket["client_name"] = clients.get(ticket["client"], ticket["client"])
        ticket["received_short"] = ticket["received"][5:] if same_year else ticket["received"]
        ticket["first_response_short"] = ticket["first_response"][5:] if same_year else ticket["first_response"]
    a = policy.aftersales
    return {
        "doc": doc_ctx(f"售后服务报告 · {period['label']}", "aftersales", period["end"]),
        "company": company_ctx(policy),
        "provenance": provenance_ctx(ws, inputs_hash),
        "period": period,
        "policy": {
            "response_minutes": a.response_minutes,
            "service_hours": a.response_zh.service_hours,
            "reply_deadline": a.response_zh.reply_deadline,
            "outside_hours": a.response_zh.outside_hours,
            "onsite_rule": a.onsite_rule,
            "onsite_days": a.onsite_days,
        },
        "stats": stats,
        "durations": {"median": duration(stats["headline"]["median_minutes"]), "p90": duration(stats["headline"]["p90_minutes"])},
        "charts": _charts(stats, ws),
        "records": {"db": db_rel, **totals},
    }


def prepare_aftersales(
    ws: Workspace,
    target: str | None = None,
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    db: Path | str | None = None,
    today: date | None = None,
    trend_months: int = TREND_MONTHS,
    **_: Any,
) -> Prepared:
    """Context, inputs and metadata of the after-sales report (no PDF yet)."""
    period = resolve_period(target, date_from, date_to, today)
    path = store.db_path(ws.root, db)
    conn = store.open_existing(path)
    try:
        with store.reporting(path):
            stats = aftersales_stats(conn, ws.policy, period, trend_months=trend_months)
            digest = records_digest(conn, period, trend_months=trend_months)
            tickets_total, first, last = conn.execute("SELECT COUNT(*), MIN(received_at), MAX(received_at) FROM tickets").fetchone()
            projects_total = conn.execute("SELECT COUNT(*) FROM projects").fetchone()[0]
    finally:
        conn.close()
    inputs = inputs_of(ws, extra=[("records", digest)])
    h = hash_inputs(inputs)
    try:
        db_rel = path.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        db_rel = path.name
    totals = {"tickets": tickets_total, "projects": projects_total, "first": (first or "")[:10], "last": (last or "")[:10]}
    context = build_context(ws, stats, h, db_rel, totals)
    return Prepared(
        template="aftersales.html",
        build_context=context,
        title=context["doc"]["title"],
        subject=f"售后服务报告 {period.start.isoformat()} 至 {period.end.isoformat()}",
        keywords=["售后服务报告", period.slug],
        created=midnight(period.end),
        inputs=inputs,
        inputs_hash=h,
        pdf_a=False,
    )
