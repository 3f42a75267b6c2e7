"""After-sales figures for a period, computed in SQL.

Every aggregate is SQL: one grouped scan of the period's tickets (TEMP table ``g``, by
service and category) feeds the headline, the service × category table (window sums for the
subtotals) and the frequent problems; percentiles are ``ORDER BY … LIMIT/OFFSET`` at the
middle and nearest ranks.  The per-ticket values that need the policy's calendar — first
response seconds, response deadline, in service hours — are the stored columns ``response_s``,
``response_due`` and ``in_hours`` (computed once per ticket in Python by the engine's rule:
:func:`salesdocs.records.store.ensure_derived`), so the SQL is the same on SQLite and
PostgreSQL.  Python only names, orders and rounds the few aggregated rows.  The policy enters
as small TEMP tables (services, categories, ladder steps) so that joins and orderings stay in SQL.

Definitions (the report prints them too):

* a ticket belongs to the period when it was *received* in it (``start 00:00`` ≤ received <
  ``end + 1 day 00:00``);
* first response time = first response − received; median and 90th percentile are over the
  answered tickets (median: mean of the two middle values for an even count; P90: the
  nearest-rank value, rank ⌈0.9·n⌉);
* *answered in time* follows the policy (``aftersales.response``): a ticket received in service
  hours (``service_hours``: on a service day — a working day, or any day for ``every-day`` — at
  or after ``from`` and before ``to``) is in time when answered within
  ``first_response_minutes``; one received outside them when answered by ``outside_hours.reply_by``
  of the next service day (of the same day when it came in on a service day before ``from``).
  The deadline is :meth:`salesdocs.engine.response.ResponseRule.deadline`, stored per ticket as
  ``response_due``; a ticket never answered is not in time.  The older measure,
  answered within ``first_response_minutes`` whenever received, is kept as ``within_minutes``;
* *首次回复超时* (first response overdue) at the end of the period: tickets not resolved by then
  whose response deadline had passed without a first response by it (any period's tickets);
* *resolved* = resolved before the end of the period; *open* tickets are those received
  before the end of the period and not resolved by then;
* refunds by ladder step: refund-paid events in the period; the step is the ladder step of the
  project's stage (counted revisions delivered before its dissatisfaction);
* projects finished in the period: accepted or refunded in it.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from salesdocs.engine.money import fen_to_yuan
from salesdocs.model import Policy, ServiceHours, stage_zh
from salesdocs.records.database import Database
from salesdocs.records.period import Period, month_end, resolve_period
from salesdocs.records.store import ensure_derived

__all__ = ["Period", "aftersales_stats", "records_digest", "resolve_period"]

#: first response time in whole seconds (stored per ticket: store.ticket_deriver)
RESPONSE_S = "response_s"
IN_PERIOD = "received_at >= :lo AND received_at < :hi"
#: answered by the policy's deadline (stored per ticket: store.ticket_deriver)
ON_TIME = "(first_response_at IS NOT NULL AND first_response_at <= response_due)"
TREND_MONTHS = 6
TOP_PROBLEMS = 5
OPEN_LISTED = 40


def _months_back(d: date, n: int) -> date:
    """First day of the month ``n`` months before ``d``'s month."""
    index = d.year * 12 + d.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _mean(total: int | None, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _minutes(seconds: float | int | None) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(str(seconds)) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _policy_tables(conn: Database, policy: Policy) -> None:
    """TEMP tables with the policy's services, categories and ladder steps (per connection)."""
    conn.script(
        conn.ddl(
            """
        DROP TABLE IF EXISTS p_services;
        DROP TABLE IF EXISTS p_categories;
        DROP TABLE IF EXISTS p_steps;
        CREATE TEMP TABLE p_services (id TEXT PRIMARY KEY, ord INTEGER, name TEXT);
        CREATE TEMP TABLE p_categories (id TEXT PRIMARY KEY, ord INTEGER, name TEXT, solution TEXT);
        CREATE TEMP TABLE p_steps (service TEXT, tier TEXT, ladder TEXT, step INTEGER, first INTEGER, last INTEGER);
        """
        )
    )
    conn.executemany("INSERT INTO p_services VALUES (?, ?, ?)", [(s.id, i, s.name) for i, s in enumerate(policy.services)])
    conn.executemany(
        "INSERT INTO p_categories VALUES (?, ?, ?, ?)",
        [(c.id, i, c.name, c.solution) for i, c in enumerate(policy.aftersales.categories)],
    )
    steps = []
    for s in policy.services:
        for tier_id, tier in [*((t.id, t) for t in s.tiers), (None, s.tiers[0])]:
            for st in tier.ladder.steps:
                steps.append((s.id, tier_id, tier.ladder.id, st.number, st.first, st.last))
    conn.executemany("INSERT INTO p_steps VALUES (?, ?, ?, ?, ?, ?)", steps)


def _hours_split(conn: Database, p: dict[str, Any], hours: ServiceHours) -> dict[str, Any]:
    """Tickets received in service hours and outside them, each with how many were answered by
    their deadline (the response minutes, or the reply-by time: ``response_due``)."""
    opens, closes, deadline = (f"{t:%H:%M}" for t in (hours.start, hours.end, hours.reply_by))
    inside, inside_ok, outside, outside_ok = conn.execute(
        f"""
        SELECT COUNT(*) FILTER (WHERE in_hours = 1), COUNT(*) FILTER (WHERE in_hours = 1 AND {ON_TIME}),
               COUNT(*) FILTER (WHERE in_hours = 0), COUNT(*) FILTER (WHERE in_hours = 0 AND {ON_TIME})
        FROM tickets WHERE {IN_PERIOD}
        """,
        p,
    ).fetchone()
    return {
        "days": hours.days,
        "from": opens,
        "to": closes,
        "reply_by": deadline,
        "inside": inside,
        "inside_ok": inside_ok,
        "inside_pct": _pct(inside_ok, inside),
        "outside": outside,
        "outside_ok": outside_ok,
        "outside_pct": _pct(outside_ok, outside),
    }


def _group(conn: Database, p: dict[str, Any]) -> None:
    """One scan of the period's tickets into TEMP table g: every per-ticket sum, by service and category.

    The headline, the service × category table and the frequent problems all aggregate g
    (a few dozen rows) instead of scanning the tickets again.
    """
    conn.script("DROP TABLE IF EXISTS g")
    conn.execute(
        f"""
        CREATE TEMP TABLE g AS
        SELECT service, category,
               COUNT(*) AS n,
               COUNT({RESPONSE_S}) AS answered,
               COUNT(*) FILTER (WHERE {ON_TIME}) AS within,
               COUNT(*) FILTER (WHERE {RESPONSE_S} <= :limit_s) AS within_minutes,
               COUNT(*) FILTER (WHERE resolved_at IS NOT NULL AND resolved_at < :hi) AS resolved,
               COALESCE(SUM(onsite), 0) AS onsite,
               COUNT(satisfaction) AS rated,
               COALESCE(SUM(satisfaction), 0) AS sat,
               COUNT(*) FILTER (WHERE satisfaction = 5) AS s5, COUNT(*) FILTER (WHERE satisfaction = 4) AS s4,
               COUNT(*) FILTER (WHERE satisfaction = 3) AS s3, COUNT(*) FILTER (WHERE satisfaction = 2) AS s2,
               COUNT(*) FILTER (WHERE satisfaction = 1) AS s1
        FROM tickets WHERE {IN_PERIOD}
        GROUP BY service, category
        """,
        p,
    )


def _headline(conn: Database, p: dict[str, Any]) -> dict[str, Any]:
    row = conn.execute(
        """
        SELECT COALESCE(SUM(n), 0), COALESCE(SUM(answered), 0), COALESCE(SUM(within), 0), COALESCE(SUM(within_minutes), 0),
               COALESCE(SUM(resolved), 0),
               COALESCE(SUM(onsite), 0), COALESCE(SUM(rated), 0), COALESCE(SUM(sat), 0),
               COALESCE(SUM(s5), 0), COALESCE(SUM(s4), 0), COALESCE(SUM(s3), 0), COALESCE(SUM(s2), 0), COALESCE(SUM(s1), 0)
        FROM g
        """
    ).fetchone()
    received, answered, within, within_minutes, resolved, onsite, rated, sat_sum, *scores = row
    # median: mean of the value(s) at the middle rank(s); P90: nearest rank ⌈0.9·n⌉ (ORDER BY … LIMIT/OFFSET)
    median_s = p90_s = None
    if answered:
        answered_where = f"{IN_PERIOD} AND {RESPONSE_S} IS NOT NULL"
        median_s = conn.execute(
            f"SELECT AVG(s) FROM (SELECT {RESPONSE_S} AS s FROM tickets WHERE {answered_where} ORDER BY s LIMIT :k OFFSET :m) AS m",
            {**p, "k": 2 - answered % 2, "m": (answered - 1) // 2},
        ).fetchone()[0]
        p90_s = conn.execute(
            f"SELECT {RESPONSE_S} AS s FROM tickets WHERE {answered_where} ORDER BY s LIMIT 1 OFFSET :r",
            {**p, "r": (9 * answered + 9) // 10 - 1},
        ).fetchone()[0]
    dist = dict(zip((5, 4, 3, 2, 1), scores, strict=False))
    return {
        "received": received,
        "answered": answered,
        "unanswered": received - answered,
        "within": within,
        "within_pct": _pct(within, received),
        "within_minutes": within_minutes,
        "within_minutes_pct": _pct(within_minutes, received),
        "median_minutes": _minutes(median_s),
        "p90_minutes": _minutes(p90_s),
        "resolved": resolved,
        "resolved_pct": _pct(resolved, received),
        "onsite": onsite,
        "rated": rated,
        "satisfaction_mean": _mean(sat_sum, rated),
        "satisfaction": [{"score": score, "count": dist[score], "pct": _pct(dist[score], rated)} for score in (5, 4, 3, 2, 1)],
        "unrated": received - rated,
    }


def _by_service_category(conn: Database, p: dict[str, Any]) -> list[dict[str, Any]]:
    rows = conn.execute(
        """
        SELECT g.service, COALESCE(s.name, g.service), g.category, COALESCE(c.name, g.category),
               n, within, resolved, onsite, rated, sat,
               SUM(n) OVER w, SUM(within) OVER w, SUM(resolved) OVER w, SUM(onsite) OVER w, SUM(rated) OVER w, SUM(sat) OVER w
        FROM g
        LEFT JOIN p_services s ON s.id = g.service
        LEFT JOIN p_categories c ON c.id = g.category
        WINDOW w AS (PARTITION BY g.service)
        ORDER BY COALESCE(s.ord, 999), g.service, n DESC, COALESCE(c.ord, 999), g.category
        """
    ).fetchall()
    services: list[dict[str, Any]] = []
    for sid, sname, cid, cname, n, within, resolved, onsite, rated, sat, tn, twithin, tresolved, tonsite, trated, tsat in rows:
        if not services or services[-1]["id"] != sid:
            services.append(
                {
                    "id": sid,
                    "name": sname,
                    "rows": [],
                    "count": tn,
                    "within_pct": _pct(twithin, tn),
                    "resolved_pct": _pct(tresolved, tn),
                    "onsite": tonsite,
                    "rated": trated,
                    "satisfaction_mean": _mean(tsat, trated),
                }
            )
        services[-1]["rows"].append(
            {
                "category": cid,
                "name": cname,
                "count": n,
                "within_pct": _pct(within, n),
                "resolved_pct": _pct(resolved, n),
                "onsite": onsite,
                "rated": rated,
                "satisfaction_mean": _mean(sat, rated),
            }
        )
    for s in services:
        s["span"] = len(s["rows"])
    return services


def _trend(conn: Database, p: dict[str, Any], period: Period, months: int) -> list[dict[str, Any]]:
    first = min(_months_back(period.end, months - 1), period.start.replace(day=1))
    q = {**p, "tlo": f"{first.isoformat()} 00:00:00"}
    found = {
        month: (n, within, rated, sat)
        for month, n, within, rated, sat in conn.execute(
            f"""
            SELECT substr(received_at, 1, 7) AS month, COUNT(*),
                   COUNT(*) FILTER (WHERE {ON_TIME}),
                   COUNT(satisfaction), SUM(satisfaction)
            FROM tickets WHERE received_at >= :tlo AND received_at < :hi
            GROUP BY month
            """,
            q,
        )
    }
    out = []
    d = first
    while d <= period.end:
        key = f"{d:%Y-%m}"
        n, within, rated, sat = found.get(key, (0, 0, 0, None))
        # the period's last month is counted only up to the period's end
        partial = (d.year, d.month) == (period.end.year, period.end.month) and period.end != month_end(period.end)
        out.append(
            {
                "month": key,
                "label": f"{d.month}月",
                "year": d.year,
                "count": n,
                "within_pct": _pct(within, n),
                "satisfaction_mean": _mean(sat, rated),
                "partial": partial,
            }
        )
        d = _months_back(d, -1)
    return out


def _refunds(conn: Database, p: dict[str, Any], policy: Policy) -> dict[str, Any]:
    found = {
        (ladder, step): (n, fen)
        for ladder, step, n, fen in conn.execute(
            """
            SELECT st.ladder, st.step, COUNT(*), SUM(e.refund_fen)
            FROM project_events e
            JOIN projects pr ON pr.id = e.project_id
            LEFT JOIN p_steps st ON st.service = pr.service AND (st.tier = pr.tier OR (st.tier IS NULL AND pr.tier IS NULL))
                 AND pr.dissatisfied_stage >= st.first AND (st.last IS NULL OR pr.dissatisfied_stage <= st.last)
            WHERE e.type = 'refund-paid' AND e.at >= :lo AND e.at < :hi
            GROUP BY st.ladder, st.step
            """,
            p,
        )
    }
    ladders = []
    for ladder in policy.ladders:
        steps = []
        for st in ladder.steps:
            n, fen = found.get((ladder.id, st.number), (0, 0))
            steps.append(
                {
                    "step": st.number,
                    "stages": st.stages_zh,
                    "percent": st.percent,
                    "at_most": st.kind == "at_most",
                    "text": st.text,
                    "count": n,
                    "amount": fen_to_yuan(fen or 0),
                }
            )
        ladders.append({"id": ladder.id, "name": ladder.name, "steps": steps, "span": len(steps)})
    other_n, other_fen = found.get((None, None), (0, 0))
    total_n = sum(n for n, _ in found.values())
    total_fen = sum(fen or 0 for _, fen in found.values())
    return {
        "ladders": ladders,
        "count": total_n,
        "amount": fen_to_yuan(total_fen),
        "unmatched": other_n,
        "unmatched_amount": fen_to_yuan(other_fen or 0),
    }


def _finished(conn: Database, p: dict[str, Any], policy: Policy) -> dict[str, Any]:
    rows = conn.execute(
        """
        SELECT pr.id, pr.deal, pr.client, pr.service, COALESCE(s.name, pr.service), pr.tier, pr.start, pr.first_draft_at,
               pr.revisions_used, pr.minor_changes, pr.overhauls_declined, pr.writer_changes_used, pr.accepted,
               pr.finished_at, pr.dissatisfied_stage, pr.refund_fen, pr.paid_fen
        FROM projects pr LEFT JOIN p_services s ON s.id = pr.service
        WHERE pr.finished_at >= :lo AND pr.finished_at < :hi
        ORDER BY pr.finished_at, pr.id
        """,
        p,
    ).fetchall()
    n, accepted, revisions = conn.execute(
        """
        SELECT COUNT(*), COALESCE(SUM(accepted), 0), COALESCE(SUM(revisions_used), 0)
        FROM projects WHERE finished_at >= :lo AND finished_at < :hi
        """,
        p,
    ).fetchone()
    projects = []
    for pid, deal, client, sid, sname, tier_id, start, first, revs, minor, overhauls, writers, acc, finished, stage, refund, paid in rows:
        service = policy.service(sid)
        tier = service.tier(tier_id) if service and tier_id else (service.tiers[0] if service else None)
        projects.append(
            {
                "id": pid,
                "deal": deal or "",
                "client": client,
                "service": sname,
                "tier": tier.name if tier else (tier_id or ""),
                "start": (start or "")[:10],
                "first_draft": (first or "")[:10],
                "revisions": revs,
                "included": tier.revisions.included if tier else None,
                "minor": minor,
                "overhauls": overhauls,
                "writer_changes": writers,
                "accepted": bool(acc),
                "finished": finished[:10],
                "stage": stage_zh(stage) if stage is not None and not acc else "",
                "refund": fen_to_yuan(refund) if refund is not None else None,
                "paid": fen_to_yuan(paid),
            }
        )
    return {
        "projects": projects,
        "count": n,
        "accepted": accepted,
        "refunded": n - accepted,
        "revisions_mean": _mean(revisions, n) if n else None,
    }


def _top_problems(conn: Database, p: dict[str, Any], policy: Policy) -> dict[str, Any]:
    rows = conn.execute(
        f"""
        SELECT g.category, COALESCE(c.name, g.category), COALESCE(c.solution, ''), c.id IS NOT NULL,
               SUM(n) AS total, SUM(rated), SUM(sat)
        FROM g LEFT JOIN p_categories c ON c.id = g.category
        GROUP BY g.category, c.id, c.name, c.solution, c.ord
        ORDER BY total DESC, COALESCE(c.ord, 999), g.category
        LIMIT {TOP_PROBLEMS}
        """
    ).fetchall()
    received = p["received"]
    top = [
        {
            "rank": i,
            "category": cid,
            "name": name,
            "count": n,
            "pct": _pct(n, received),
            "solution": solution,
            "in_policy": bool(known),
            "satisfaction_mean": _mean(sat, rated),
        }
        for i, (cid, name, solution, known, n, rated, sat) in enumerate(rows, start=1)
    ]
    missing = [{"id": c.id, "name": c.name} for c in policy.aftersales.categories if not c.solution.strip()]
    return {"top": top, "without_solution": missing, "categories_total": len(policy.aftersales.categories)}


def _open_tickets(conn: Database, p: dict[str, Any]) -> dict[str, Any]:
    """首次回复超时: not resolved at the end of the period, and the response deadline passed by then
    without a first response by it (received in any period)."""
    where = (
        "received_at < :hi AND (resolved_at IS NULL OR resolved_at >= :hi) AND response_due < :hi"
        " AND (first_response_at IS NULL OR first_response_at > response_due)"
    )
    count, unanswered = conn.execute(
        f"SELECT COUNT(*), COUNT(*) FILTER (WHERE first_response_at IS NULL OR first_response_at >= :hi) FROM tickets WHERE {where}", p
    ).fetchone()
    rows = conn.execute(
        f"""
        SELECT t.external_id, t.received_at, t.client, COALESCE(s.name, t.service), COALESCE(c.name, t.category),
               t.description, t.first_response_at, t.project_id
        FROM tickets t
        LEFT JOIN p_services s ON s.id = t.service
        LEFT JOIN p_categories c ON c.id = t.category
        WHERE {where}
        ORDER BY t.received_at, t.external_id
        LIMIT {OPEN_LISTED}
        """,
        p,
    ).fetchall()
    tickets = []
    end = datetime.fromisoformat(p["hi"])
    for ext, received, client, service, category, description, first, project in rows:
        answered = first is not None and first < p["hi"]
        hours = (round((end - datetime.fromisoformat(received)).total_seconds()) + 30) // 60 // 60  # whole minutes, then hours
        tickets.append(
            {
                "id": ext,
                "received": received[:16],
                "client": client,
                "service": service,
                "category": category,
                "description": description,
                "project": project or "",
                "first_response": first[:16] if answered else "",
                "age_days": hours // 24,
                "age_hours": hours % 24,
            }
        )
    return {"count": count, "unanswered": unanswered, "tickets": tickets, "more": max(0, count - len(tickets))}


def aftersales_stats(conn: Database, policy: Policy, period: Period, *, trend_months: int = TREND_MONTHS) -> dict[str, Any]:
    """Every figure of the after-sales report for ``period`` (plain data: ints, Decimals, strings)."""
    minutes = policy.aftersales.response_minutes
    p: dict[str, Any] = {
        "lo": period.lo,
        "hi": period.hi,
        "limit_s": minutes * 60,
        "limit_min": minutes,
    }
    from salesdocs.engine.response import response_rule

    ensure_derived(conn, response_rule(policy))
    _policy_tables(conn, policy)
    _group(conn, p)
    headline = _headline(conn, p)
    headline["hours"] = _hours_split(conn, p, policy.aftersales.service_hours)
    p["received"] = headline["received"]
    return {
        "period": {"start": period.start, "end": period.end, "label": period.label, "slug": period.slug},
        "response_minutes": minutes,
        "headline": headline,
        "by_service": _by_service_category(conn, p),
        "trend": _trend(conn, p, period, trend_months),
        "refunds": _refunds(conn, p, policy),
        "finished": _finished(conn, p, policy),
        "problems": _top_problems(conn, p, policy),
        "open": _open_tickets(conn, p),
    }


def records_digest(conn: Database, period: Period, *, trend_months: int = TREND_MONTHS) -> bytes:
    """A fingerprint of every recorded row the report for ``period`` reads (and of the period itself).

    Rows are named by their external id and content hash, concatenated in SQL (``group_concat``
    over an ordered subquery; ``string_agg`` in PostgreSQL) and hashed once.
    """
    first = min(_months_back(period.end, trend_months - 1), period.start.replace(day=1))
    q = {"lo": period.lo, "hi": period.hi, "tlo": f"{first.isoformat()} 00:00:00"}
    digest = hashlib.sha256(f"period {period.start.isoformat()}..{period.end.isoformat()} trend {trend_months}\n".encode())
    # the subquery's order is kept by SQLite's group_concat; PostgreSQL's string_agg is given it
    concat = "group_concat(line, char(10))" if conn.dialect == "sqlite" else "string_agg(line, chr(10) ORDER BY k)"
    tickets = conn.execute(
        f"""
        SELECT {concat} FROM (
            SELECT 't ' || external_id || ' ' || row_hash AS line, external_id AS k FROM tickets
            WHERE received_at < :hi AND (received_at >= :tlo OR resolved_at IS NULL OR resolved_at >= :hi)
            ORDER BY external_id) AS rows
        """,
        q,
    ).fetchone()[0]
    events = conn.execute(
        f"""
        SELECT {concat} FROM (
            SELECT 'e ' || external_id || ' ' || row_hash AS line, external_id AS k FROM project_events
            WHERE project_id IN (SELECT id FROM projects WHERE finished_at >= :lo AND finished_at < :hi
                                 UNION SELECT project_id FROM project_events WHERE type = 'refund-paid' AND at >= :lo AND at < :hi)
            ORDER BY external_id) AS rows
        """,
        q,
    ).fetchone()[0]
    digest.update((tickets or "").encode())
    digest.update(b"\n--\n")
    digest.update((events or "").encode())
    return digest.hexdigest().encode()
