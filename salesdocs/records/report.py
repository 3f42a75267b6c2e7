"""The after-sales report: figures from the records (stats.py), charts, one PDF.

``prepare_aftersales`` is the document builder registered in
:data:`salesdocs.render.documents.PREPARERS` under ``"aftersales"``: it reads the records
database, computes every figure in SQL, draws the charts and returns a
:class:`~salesdocs.render.documents.Prepared` that the ordinary pipeline renders (sandboxed
template, safe fetcher, provenance footer, atomic write).

Reproducible: the PDF's creation date is the last day of the period, and its inputs hash
covers the policy files, the templates and a digest of every recorded row the report reads,
so the same records give the same bytes and a changed record changes the hash.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from salesdocs.errors import UsageError
from salesdocs.policy.model import Workspace
from salesdocs.records import store
from salesdocs.records.stats import TREND_MONTHS, Period, aftersales_stats, records_digest

__all__ = ["default_out_path", "prepare_aftersales", "render_aftersales", "resolve_period"]


def _as_date(value: date | str | None, option: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"{option} 的日期格式不对：{value}（应为 YYYY-MM-DD，例如 2026-10-01）",
            f"{option}: not a date: {value} (expected YYYY-MM-DD, e.g. 2026-10-01)",
        ) from None


def resolve_period(target: str | None = None, date_from: date | str | None = None, date_to: date | str | None = None,
                   today: date | None = None) -> Period:
    """The report's period: ``--from``/``--to``, else ``target`` (``2026-10``), else the last full month."""
    start, end = _as_date(date_from, "--from"), _as_date(date_to, "--to")
    if start is not None or end is not None:
        if start is None or end is None:
            raise UsageError("请同时给出 --from 和 --to（或都不给：默认为上一个完整的月份）",
                             "give both --from and --to (or neither: the last full month)")
        return Period(start, end)
    if target:
        return Period.parse(target)
    return Period.last_full_month(today or date.today())


def default_out_path(ws: Workspace, period: Period) -> Path:
    """``out/aftersales-2026-10.pdf`` for a month, ``out/aftersales-2026-10-01_2026-10-15.pdf`` otherwise."""
    return ws.root / "out" / f"aftersales-{period.slug}.pdf"


_CLIENT_SUFFIX = re.compile(r"(（示例）|\(示例\))$")
_COMPANY_SUFFIX = re.compile(r"(股份有限公司|有限责任公司|有限公司)$")


def short_client(name: str) -> str:
    """"深圳云帆智能科技有限公司（示例）" → "深圳云帆智能科技" (narrow table columns)."""
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
    from salesdocs.render import charts

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
        out["trend"] = charts.data_url(charts.trend_chart(months, limit_minutes=stats["response_minutes"]))
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
    from salesdocs.render.context import company_ctx, provenance_ctx

    policy = ws.policy
    period = stats["period"]
    clients = {cid: short_client(c.name) for cid, c in ws.clients.items()}
    for project in stats["finished"]["projects"]:
        project["client_name"] = clients.get(project["client"], project["client"])
    year = f"{period['end'].year:04d}-"
    same_year = all(t["received"].startswith(year) and (not t["first_response"] or t["first_response"].startswith(year))
                    for t in stats["open"]["tickets"])
    stats["open"]["short_year"] = period["end"].year if same_year and stats["open"]["tickets"] else None
    for ticket in stats["open"]["tickets"]:
        ticket["client_name"] = clients.get(ticket["client"], ticket["client"])
        ticket["received_short"] = ticket["received"][5:] if same_year else ticket["received"]
        ticket["first_response_short"] = ticket["first_response"][5:] if same_year else ticket["first_response"]
    a = policy.aftersales
    return {
        "doc": {"title": f"售后服务报告 · {period['label']}", "kind": "aftersales", "date": period["end"]},
        "company": company_ctx(policy),
        "provenance": provenance_ctx(ws, inputs_hash),
        "period": period,
        "policy": {
            "response_minutes": a.response_minutes,
            "service_hours": a.service_hours,
            "outside_hours": a.outside_hours,
            "onsite_rule": a.onsite_rule,
            "onsite_days": a.onsite_days,
        },
        "stats": stats,
        "durations": {"median": duration(stats["headline"]["median_minutes"]), "p90": duration(stats["headline"]["p90_minutes"])},
        "charts": _charts(stats, ws),
        "records": {"db": db_rel, **totals},
    }


def prepare_aftersales(ws: Workspace, target: str | None = None, *, date_from: date | str | None = None,
                       date_to: date | str | None = None, db: Path | str | None = None, today: date | None = None,
                       trend_months: int = TREND_MONTHS, **_: Any) -> Any:
    """Context, inputs and metadata of the after-sales report (no PDF yet)."""
    from salesdocs.render.documents import Prepared, hash_inputs, inputs_of

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
    created = datetime.combine(period.end, time(0, 0), tzinfo=timezone.utc)
    return Prepared(
        "aftersales.html",
        context,
        context["doc"]["title"],
        f"售后服务报告 {period.start.isoformat()} 至 {period.end.isoformat()}",
        ["售后服务报告", period.slug],
        created,
        inputs,
        h,
        False,
    )


def render_aftersales(ws: Workspace, *, date_from: date | str | None = None, date_to: date | str | None = None,
                      target: str | None = None, out: Path | None = None, db: Path | str | None = None,
                      today: date | None = None) -> Path:
    """Render the report to ``out`` (default :func:`default_out_path`); returns the path written."""
    from salesdocs.render.documents import render_prepared

    prepared = prepare_aftersales(ws, target, date_from=date_from, date_to=date_to, db=db, today=today)
    period = resolve_period(target, date_from, date_to, today)
    return render_prepared(ws, prepared, out or default_out_path(ws, period))
