"""The after-sales report: every figure checked against an independent computation.

A fixed data set (18 tickets, 6 projects) is imported into a copy of the fixture agency workspace
(``tests/fixtures/agency``, a frozen copy of the sample) in which the category ``print-output``
has no standard solution.  The report for October 2026 is rendered once for the module; each
figure is computed here again, in plain Python straight from the CSV text (no SQL, no salesdocs
code), and looked up in the PDF's text (pdftotext).
A few of them are also pinned by hand so that the independent computation is itself checked.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import fresh_db

from salesdocs.engine.refunds import refund_for
from salesdocs.errors import RecordsError, UsageError
from salesdocs.records import store
from salesdocs.records.importer import import_csv
from salesdocs.records.period import resolve_period
from salesdocs.records.stats import Period, aftersales_stats, records_digest
from salesdocs.render import charts
from salesdocs.render.aftersales import duration, prepare_aftersales, short_client
from salesdocs.render.documents import render_prepared
from salesdocs.render.inputs import PACKAGED_TEMPLATES
from salesdocs.workspace import load_workspace

TICKETS = """\
id,received_at,channel,client,project,service,category,description,first_response_at,resolved_at,resolution,onsite,satisfaction
G01,2026-08-05 10:00,website,jingyi-parts,,flyer-design,source-file,缺少源文件,2026-08-05 10:05,2026-08-05 15:00,补发,no,5
S01,2026-09-10 10:00,wechat,yunfan-tech,,logo-design,design-style,配色偏暗,2026-09-10 10:10,2026-09-11 10:00,修改,no,5
S02,2026-09-11 10:00,phone,mingcha-tea,,copywriting,content-accuracy,错别字,2026-09-11 10:40,2026-09-11 16:00,修正,no,4
S03,2026-09-25 10:00,wechat,mingcha-tea,,copywriting,tone-direction,语气太硬,2026-09-25 10:20,,,no,
A01,2026-10-08 09:30,wechat,yunfan-tech,X1,logo-design,design-style,主视觉太多,2026-10-08 09:35,2026-10-08 15:00,修改稿,no,5
A02,2026-10-08 10:00,phone,yunfan-tech,X1,logo-design,source-file,需要AI源文件,2026-10-08 10:10,2026-10-09 10:00,补发,no,4
A03,2026-10-09 11:00,website,mingcha-tea,X3,wechat-article,content-accuracy,参数写错,2026-10-09 11:12,2026-10-09 12:00,修正,no,5
A04,2026-10-09 14:00,wechat-official,mingcha-tea,X3,wechat-article,content-accuracy,日期写错,2026-10-09 14:20,2026-10-09 17:00,修正,no,3
A05,2026-10-12 09:00,wechat,jingyi-parts,X5,flyer-design,print-output,偏红,2026-10-12 09:25,2026-10-14 16:00,上门,yes,4
A06,2026-10-12 15:00,phone,jingyi-parts,X5,flyer-design,print-output,出血不足,2026-10-12 15:30,2026-10-13 11:00,重出文件,no,2
A07,2026-10-13 10:00,wechat,mingcha-tea,X2,copywriting,tone-direction,不够口语,2026-10-13 10:31,2026-10-13 16:00,小改,no,3
A08,2026-10-14 16:00,wechat,mingcha-tea,X3,wechat-article,platform-operation,不会群发,2026-10-14 16:45,2026-10-16 10:00,上门设置,yes,5
A09,2026-10-15 13:00,website,yunfan-tech,,poster-design,design-style,风格太老,2026-10-15 14:30,2026-10-15 18:00,修改,no,
A10,2026-10-15 20:00,wechat,yunfan-tech,,poster-design,delivery-delay,未收到初稿,2026-10-16 06:00,2026-10-16 12:00,说明,no,1
A11,2026-10-20 10:00,wechat,jingyi-parts,X6,copywriting,content-accuracy,参数写错,2026-10-20 10:08,2026-11-03 10:00,修正,no,
A12,2026-10-30 17:00,phone,jingyi-parts,X6,copywriting,content-accuracy,公司名写错,,,,no,
A13,2026-10-31 23:50,wechat,yunfan-tech,,logo-design,delivery-delay,还没交付,,,,no,
A14,2026-10-21 09:10,wechat,mingcha-tea,,poster-design,design-style,想要更年轻,2026-10-21 09:25,2026-10-21 11:00,修改,no,4
"""

EVENTS = """\
id,project,deal,client,service,tier,event,at,stage,amount_paid,refund_amount,note
,X1,,yunfan-tech,logo-design,standard,started,2026-09-20 10:00,,3000,,
,X1,,yunfan-tech,logo-design,standard,draft-delivered,2026-09-25 17:00,,,,
,X1,,yunfan-tech,logo-design,standard,revision-requested,2026-09-28 10:00,,,,
,X1,,yunfan-tech,logo-design,standard,revision-delivered,2026-09-29 17:00,,,,
,X1,,yunfan-tech,logo-design,standard,minor-change,2026-10-08 11:00,,,,颜色微调
,X1,,yunfan-tech,logo-design,standard,revision-requested,2026-10-09 10:00,,,,
,X1,,yunfan-tech,logo-design,standard,revision-delivered,2026-10-12 17:00,,,,
,X1,,yunfan-tech,logo-design,standard,dissatisfied,2026-10-13 10:00,revision-2,,,
,X1,,yunfan-tech,logo-design,standard,refund-paid,2026-10-15 10:00,,,1500.00,
,X2,,mingcha-tea,copywriting,standard,started,2026-09-28 10:00,,1500,,
,X2,,mingcha-tea,copywriting,standard,draft-delivered,2026-10-08 17:00,,,,
,X2,,mingcha-tea,copywriting,standard,dissatisfied,2026-10-09 10:00,,,,
,X2,,mingcha-tea,copywriting,standard,refund-paid,2026-10-12 10:00,,,1050.00,
,X3,,mingcha-tea,wechat-article,original,started,2026-10-08 10:00,,1200,,
,X3,,mingcha-tea,wechat-article,original,draft-delivered,2026-10-12 17:00,,,,
,X3,,mingcha-tea,wechat-article,original,revision-requested,2026-10-13 10:00,,,,
,X3,,mingcha-tea,wechat-article,original,revision-delivered,2026-10-14 17:00,,,,
,X3,,mingcha-tea,wechat-article,original,accepted,2026-10-20 10:00,,,,
,X4,,jingyi-parts,poster-design,standard,started,2026-09-01 10:00,,1000,,
,X4,,jingyi-parts,poster-design,standard,draft-delivered,2026-09-04 17:00,,,,
,X4,,jingyi-parts,poster-design,standard,accepted,2026-09-10 10:00,,,,
,X5,,jingyi-parts,flyer-design,single,started,2026-10-20 10:00,,800,,
,X5,,jingyi-parts,flyer-design,single,draft-delivered,2026-10-23 17:00,,,,
,X6,2026-003-jingyi-expo,,copywriting,standard,started,2026-10-15 10:00,,1350.50,,
,X6,2026-003-jingyi-expo,,copywriting,standard,draft-delivered,2026-10-19 17:00,,,,
,X6,2026-003-jingyi-expo,,copywriting,standard,revision-delivered,2026-10-21 17:00,,,,
,X6,2026-003-jingyi-expo,,copywriting,standard,revision-delivered,2026-10-23 17:00,,,,
,X6,2026-003-jingyi-expo,,copywriting,standard,revision-delivered,2026-10-26 17:00,,,,
,X6,2026-003-jingyi-expo,,copywriting,standard,revision-delivered,2026-10-28 17:00,,,,
,X6,2026-003-jingyi-expo,,copywriting,standard,dissatisfied,2026-10-29 10:00,,,,
,X6,2026-003-jingyi-expo,,copywriting,standard,refund-paid,2026-10-30 10:00,,,270.10,
"""

START, END = date(2026, 10, 1), date(2026, 10, 31)
LO, HI = datetime(2026, 10, 1), datetime(2026, 11, 1)
LIMIT = 30  # rules/aftersales.yaml: response.first_response_minutes


def copy_agency(agency: Path, folder: Path, *, drop_solution: str | None = None) -> Path:
    """A copy of the fixture agency workspace ``agency`` (rules, clients, deals) in ``folder``,
    optionally without the standard solution of one problem category."""
    shutil.copytree(agency, folder)
    if drop_solution:
        path = folder / "rules" / "aftersales.yaml"
        text = path.read_text(encoding="utf-8")
        pattern = rf"(  - id: {drop_solution}\n(?:    (?!solution).*\n)*)    solution: .*\n"
        new, n = re.subn(pattern, r"\1", text)
        assert n == 1
        path.write_text(new, encoding="utf-8")
    return folder


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pct(part: int, whole: int) -> str:
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def mean2(values: list[int]) -> str:
    return f"{(Decimal(sum(values)) / len(values)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}" if values else "—"


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def ts(text: str) -> datetime | None:
    return at(text) if text else None


# ------------------------------------------------------------------ the independent computation


def rows() -> list[dict[str, Any]]:
    out = []
    for r in csv.DictReader(io.StringIO(TICKETS)):
        received, first, resolved = at(r["received_at"]), ts(r["first_response_at"]), ts(r["resolved_at"])
        out.append(
            {
                **r,
                "received": received,
                "minutes": (first - received).total_seconds() / 60 if first else None,
                "resolved_by_end": resolved is not None and resolved < HI,
                "sat": int(r["satisfaction"]) if r["satisfaction"] else None,
                "is_onsite": r["onsite"] == "yes",
            }
        )
    return out


def period_rows() -> list[dict[str, Any]]:
    return [r for r in rows() if LO <= r["received"] < HI]


def within(r: dict[str, Any]) -> bool:
    """The older measure: answered within the response minutes, whenever received."""
    return r["minutes"] is not None and r["minutes"] <= LIMIT


#: the State Council's 2026 arrangement, written by hand: 中秋 9-25 (Friday) and 国庆 10-1..10-7 off,
#: the Sunday 9-20 and the Saturday 10-10 working days
HOLIDAYS_2026 = {date(2026, 9, 25), *(date(2026, 10, d) for d in range(1, 8))}
MAKE_UP_2026 = {date(2026, 9, 20), date(2026, 10, 10)}


def working(d: date) -> bool:
    return d in MAKE_UP_2026 or (d.weekday() < 5 and d not in HOLIDAYS_2026)


def in_hours(r: dict[str, Any]) -> bool:
    """rules/aftersales.yaml: working days 09:00–18:30."""
    return working(r["received"].date()) and "09:00" <= r["received"].strftime("%H:%M") < "18:30"


def deadline(r: dict[str, Any]) -> datetime:
    """In hours: 30 minutes; outside: 10:00 of the next working day (the same day before opening)."""
    received: datetime = r["received"]
    if in_hours(r):
        return received + timedelta(minutes=LIMIT)
    d = received.date()
    if not (working(d) and received.strftime("%H:%M") < "09:00"):
        d += timedelta(days=1)
        while not working(d):
            d += timedelta(days=1)
    return datetime.combine(d, datetime.min.time()).replace(hour=10)


def on_time(r: dict[str, Any]) -> bool:
    """The policy's measure: a first response by the deadline."""
    first = ts(r["first_response_at"])
    return first is not None and first <= deadline(r)


def expected_headline() -> dict[str, Any]:
    t = period_rows()
    answered = sorted(r["minutes"] for r in t if r["minutes"] is not None)
    n = len(answered)
    sats = [r["sat"] for r in t if r["sat"] is not None]
    return {
        "received": len(t),
        "answered": n,
        "within": sum(within(r) for r in t),
        "on_time": sum(on_time(r) for r in t),
        "median": statistics.median(answered),
        "p90": answered[math.ceil(0.9 * n) - 1],
        "resolved": sum(r["resolved_by_end"] for r in t),
        "onsite": sum(r["is_onsite"] for r in t),
        "sats": sats,
        "dist": Counter(sats),
    }


def test_the_independent_computation_agrees_with_a_hand_count() -> None:
    e = expected_headline()
    assert (e["received"], e["answered"], e["within"], e["resolved"], e["onsite"]) == (14, 12, 8, 11, 2)
    # A10 came in at 20:00 and was answered at 06:00 the next morning, before 10:00: on time
    assert e["on_time"] == 9 and pct(e["on_time"], e["received"]) == "64.3%"
    assert (e["median"], e["p90"]) == (22.5, 90)
    assert pct(e["within"], e["received"]) == "57.1%" and pct(e["resolved"], e["received"]) == "78.6%"
    assert mean2(e["sats"]) == "3.60" and len(e["sats"]) == 10


# ----------------------------------------------------------------------------- the rendered PDF


@pytest.fixture(scope="module")
def report(
    pristine_workspace: Path, tmp_path_factory: pytest.TempPathFactory, records_backend: str, request: pytest.FixtureRequest
) -> dict[str, Any]:
    """The report over the fixed data set, on each records backend (SQLite file, PostgreSQL database)."""
    folder = tmp_path_factory.mktemp("report")
    ws_root = copy_agency(pristine_workspace, folder / "ws", drop_solution="print-output")
    ws = load_workspace(ws_root)
    (folder / "tickets.csv").write_text(TICKETS, encoding="utf-8")
    (folder / "events.csv").write_text(EVENTS, encoding="utf-8")
    db = fresh_db(request, records_backend, folder, "records.sqlite")
    import_csv(ws, folder / "tickets.csv", "tickets", db=db)
    import_csv(ws, folder / "events.csv", "events", db=db)
    prepared = prepare_aftersales(ws, None, date_from=START, date_to=END, db=db)
    pdf = render_prepared(ws, prepared, folder / "out" / "aftersales.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return {
        "ws": ws,
        "db": db,
        "pdf": pdf,
        "text": text,
        "lines": [compact(line) for line in text.splitlines()],
        "all": compact(text),
        "prepared": prepared,
        "folder": folder,
        "db_name": "records.sqlite" if isinstance(db, Path) else str(db).rsplit("/", 1)[-1],
    }


def line_with(report: dict[str, Any], start: str) -> str:
    found: list[str] = [line for line in report["lines"] if line.startswith(compact(start))]
    assert found, f"no line starts with {start!r}"
    return found[0]


def in_order(line: str, *parts: str) -> None:
    at = 0
    for part in parts:
        i = line.find(compact(part), at)
        assert i >= 0, f"{part!r} not found (in order) in {line!r}"
        at = i + len(compact(part))


def test_headline_figures(report: dict[str, Any]) -> None:
    e = expected_headline()
    n = e["received"]
    median = duration(Decimal(str(e["median"])).quantize(Decimal("0.1")))
    p90 = duration(Decimal(e["p90"]).quantize(Decimal("0.1")))
    assert median == {"value": "22.5", "unit": "分钟", "minutes": ""} and p90["value"] == "90"
    # tickets received · answered in time · median · P90 (one row of cards)
    assert f"{n}条{pct(e['on_time'], n)}{median['value']}{median['unit']}{p90['value']}{p90['unit']}" in report["lines"]
    assert f"已回复{e['answered']}条，未回复{n - e['answered']}条{e['on_time']}/{n}条；时限见下方按服务时" in report["all"]
    assert "按政策时限首次回复" in report["all"]
    # resolution rate · on-site visits · mean satisfaction · open overdue (second row of cards)
    assert f"{pct(e['resolved'], n)}{e['onsite']}次{mean2(e['sats'])}/5{len(overdue_rows())}条" in report["lines"]
    assert f"期末前解决{e['resolved']}/{n}条" in report["all"]
    assert f"{len(e['sats'])}条评分，{n - len(e['sats'])}条未评分" in report["all"]


def test_satisfaction_distribution(report: dict[str, Any]) -> None:
    e = expected_headline()
    rated = len(e["sats"])
    for score in (5, 4, 3, 2, 1):
        count = e["dist"].get(score, 0)
        assert f"{score}分{count}{pct(count, rated)}" in report["lines"], score
    assert f"未评分{e['received'] - rated}—" in report["lines"]


def test_service_hours_split(report: dict[str, Any]) -> None:
    """In hours (working day, 09:00–18:30): within 30 min; outside: before 10:00 of the next working day."""
    t = period_rows()
    inside = [r for r in t if in_hours(r)]
    outside = [r for r in t if not in_hours(r)]
    ok = sum(on_time(r) for r in outside)
    inside_ok = sum(on_time(r) for r in inside)
    assert (len(inside), inside_ok, len(outside), ok) == (12, 8, 2, 1)
    assert (
        f"按服务时间区分：服务时间（工作日9:00—18:30）内收到{len(inside)}条，其中30分钟内回复{inside_ok}条（{pct(inside_ok, len(inside))}）；"
        f"服务时间外收到{len(outside)}条，其中在下一个工作日10:00前回复{ok}条（{pct(ok, len(outside))}）"
    ) in report["all"]
    assert "服务时间外收到的工单，政策规定：下一个工作日10:00前首次回复；" in report["all"]
    # the older measure stays as a second line
    e = expected_headline()
    assert f"不分服务时间、一律按30分钟计：{e['within']}/{len(t)}条（{pct(e['within'], len(t))}）" in report["all"]


def hours_workspace(agency: Path, folder: Path, service_hours: str, reply_by: str) -> Path:
    """A copy of the fixture agency whose service hours (one flow mapping) and reply-by time are replaced."""
    root = copy_agency(agency, folder)
    path = root / "rules" / "aftersales.yaml"
    text = path.read_text(encoding="utf-8")
    old = '  service_hours:\n    days: working-days\n    from: "09:00"\n    to: "18:30"\n'
    assert text.count(old) == 1 and text.count('reply_by: "10:00"') == 1
    text = text.replace(old, f"  service_hours: {service_hours}\n").replace('reply_by: "10:00"', f'reply_by: "{reply_by}"')
    path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("opens", "closes", "reply_by", "expected"),
    [
        # A13 (Saturday 23:50, never answered) is in these hours on every day
        ("09:30", "23:55", "11:00", (12, 6, 2, 2)),
        # A10 (Thursday 20:00) is outside, answered 06:00 the next day; A05 and A14 came before opening
        ("09:30", "19:00", "09:30", (10, 6, 4, 3)),
    ],
)
def test_service_hours_every_day(
    report: dict[str, Any],
    tmp_path: Path,
    pristine_workspace: Path,
    opens: str,
    closes: str,
    reply_by: str,
    expected: tuple[int, int, int, int],
) -> None:
    """``days: every-day``: weekends and holidays are service days, and outside hours the reply is due the next day."""
    ws = load_workspace(
        hours_workspace(pristine_workspace, tmp_path / "ws", f'{{days: every-day, from: "{opens}", to: "{closes}"}}', reply_by)
    )
    conn = store.open_existing(report["db"])
    try:
        hours = aftersales_stats(conn, ws.policy, Period(START, END))["headline"]["hours"]
    finally:
        conn.close()

    def in_hours(r: dict[str, Any]) -> bool:
        hm: str = r["received"].strftime("%H:%M")
        return opens <= hm < closes

    inside = [r for r in period_rows() if in_hours(r)]
    outside = [r for r in period_rows() if not in_hours(r)]
    ok = 0
    for r in outside:
        d = r["received"].date() + timedelta(days=0 if r["received"].strftime("%H:%M") < opens else 1)
        due = datetime.combine(d, datetime.strptime(reply_by, "%H:%M").time())
        first = ts(r["first_response_at"])
        ok += first is not None and first <= due
    assert (len(inside), sum(within(r) for r in inside), len(outside), ok) == expected
    assert (hours["inside"], hours["inside_ok"], hours["outside"], hours["outside_ok"]) == expected
    assert (hours["days"], hours["from"], hours["to"], hours["reply_by"]) == ("every-day", opens, closes, reply_by)
    policy = prepare_aftersales(ws, None, date_from=START, date_to=END, db=report["db"]).context["policy"]
    assert policy["service_hours"] == f"每天 {opens.lstrip('0')}—{closes}"
    assert policy["reply_deadline"] == f"次日 {reply_by.lstrip('0')} 前"


def test_the_hours_split_never_disappears(report: dict[str, Any], tmp_path: Path, pristine_workspace: Path) -> None:
    """Any valid policy has structured hours, so the split is always computed and always printed."""
    ws = load_workspace(hours_workspace(pristine_workspace, tmp_path / "ws", '{days: working-days, from: "08:00", to: "09:00"}', "08:30"))
    prepared = prepare_aftersales(ws, None, date_from=START, date_to=END, db=report["db"])
    hours = prepared.context["stats"]["headline"]["hours"]
    assert hours["inside"] + hours["outside"] == expected_headline()["received"]
    assert (hours["inside"], hours["outside"]) == (0, 14)
    pdf = render_prepared(ws, prepared, tmp_path / "out" / "aftersales.pdf")
    text = compact(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout)
    assert "按服务时间区分：服务时间（工作日8:00—9:00）内收到0条，其中30分钟内回复0条（—）；服务时间外收到14条" in text


def test_no_regular_expression_reads_the_policy_in_the_statistics() -> None:
    source = (Path(__file__).resolve().parent.parent / "salesdocs" / "records" / "stats.py").read_text(encoding="utf-8")
    assert not re.search(r"^(import re|from re import)\b", source, re.MULTILINE) and "re.compile" not in source


def test_by_service_and_category(report: dict[str, Any]) -> None:
    ws = report["ws"]
    t = period_rows()
    groups: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in t:
        groups[r["service"]][r["category"]].append(r)

    def cells(items: list[dict[str, Any]]) -> str:
        sats = [r["sat"] for r in items if r["sat"] is not None]
        n = len(items)
        return (
            f"{n}{pct(sum(on_time(r) for r in items), n)}{pct(sum(r['resolved_by_end'] for r in items), n)}"
            f"{sum(r['is_onsite'] for r in items)}{mean2(sats)}"
        )

    assert set(groups) == {s.id for s in ws.policy.services}
    for service_id, categories in groups.items():
        service = ws.policy.service(service_id)
        for category_id, items in categories.items():
            name = ws.policy.aftersales.category(category_id).name
            assert any(line.endswith(compact(name) + cells(items)) for line in report["lines"]), (service_id, category_id)
        everything = [r for items in categories.values() for r in items]
        assert compact(f"{service.name} 小计") + cells(everything) in report["lines"]
    assert "合计" + cells(t) in report["lines"]


def test_category_chart_is_there(report: dict[str, Any]) -> None:
    # the chart's labels are text in the PDF: each category name and its total
    for category in ("内容不准确或有错别字", "设计风格不符合预期"):
        assert category in report["text"]
    assert "各问题类别的工单数（按服务分色）" in report["text"]
    ctx = report["prepared"].context
    assert all(ctx["charts"][k].startswith("data:image/svg+xml;base64,") for k in ("categories", "trend", "satisfaction"))


def test_month_over_month_trend(report: dict[str, Any]) -> None:
    all_rows = rows()
    months = [(2026, m) for m in range(5, 11)]
    counts, shares, sats = [], [], []
    for y, m in months:
        items = [r for r in all_rows if (r["received"].year, r["received"].month) == (y, m)]
        counts.append(str(len(items)))
        shares.append(pct(sum(on_time(r) for r in items), len(items)) if items else "—")
        sats.append(mean2([r["sat"] for r in items if r["sat"] is not None]))
    assert counts == ["0", "0", "0", "1", "3", "14"]
    assert "月份" + "".join(f"2026年{m}月" for _, m in months) in report["lines"]
    assert "收到工单" + "".join(counts) in report["lines"]
    assert "按时首次回复" + "".join(shares) in report["lines"]
    assert "平均满意度" + "".join(sats) in report["lines"]
    # under each month of the chart: its count
    assert "5月6月7月8月9月10月" in report["lines"]
    assert "".join(f"{c}条" for c in counts) in report["lines"]


def events() -> list[dict[str, Any]]:
    return list(csv.DictReader(io.StringIO(EVENTS)))


def project_stage(project: str) -> int:
    """Counted revisions delivered before the (last) dissatisfaction, straight from the CSV."""
    count = stage = 0
    for e in events():
        if e["project"] != project:
            continue
        if e["event"] == "revision-delivered":
            count += 1
        if e["event"] == "dissatisfied":
            stage = count
    return stage


def test_refunds_by_ladder_step(report: dict[str, Any]) -> None:
    ws = report["ws"]
    steps: dict[tuple[str, int], list[Decimal]] = defaultdict(list)
    for e in events():
        if e["event"] == "refund-paid" and LO <= at(e["at"]) < HI:
            tier = ws.policy.service(e["service"]).tier(e["tier"])
            step = tier.ladder.step_for(project_stage(e["project"]))
            steps[(tier.ladder.id, step.number)].append(Decimal(e["refund_amount"]))
    assert {k: sum(v) for k, v in steps.items()} == {
        ("design", 2): Decimal("1500.00"),
        ("copywriting", 1): Decimal("1050.00"),
        ("copywriting", 4): Decimal("270.10"),
    }
    for ladder in ws.policy.ladders:
        for st in ladder.steps:
            amounts = steps.get((ladder.id, st.number), [])
            total = f"¥{sum(amounts, Decimal(0)):,.2f}"
            # the step's rule (its first words: long rules wrap), then the count and the amount
            assert any(compact(st.text)[:12] in line and line.endswith(f"{len(amounts)}{total}") for line in report["lines"]), (
                ladder.id,
                st.number,
            )
    everything = [a for v in steps.values() for a in v]
    assert f"合计{len(everything)}¥{sum(everything):,.2f}" in report["lines"]


def test_refund_amounts_are_the_ladder_amounts(report: dict[str, Any]) -> None:
    """The refunds recorded in the fixture are what the engine's ladder gives for the recorded stage."""
    ws = report["ws"]
    for e in events():
        if e["event"] == "refund-paid":
            paid = next(Decimal(x["amount_paid"]) for x in events() if x["project"] == e["project"] and x["amount_paid"])
            tier = ws.policy.service(e["service"]).tier(e["tier"])
            assert refund_for(e["service"], e["tier"], tier, project_stage(e["project"]), paid).refund == Decimal(e["refund_amount"])


def test_projects_finished_in_the_period(report: dict[str, Any]) -> None:
    ws = report["ws"]
    finished = {}
    for e in events():
        if e["event"] in ("accepted", "refund-paid") and LO <= at(e["at"]) < HI:
            finished[e["project"]] = e
    assert sorted(finished) == ["X1", "X2", "X3", "X6"]
    revisions = {p: sum(1 for e in events() if e["project"] == p and e["event"] == "revision-delivered") for p in finished}
    minors = {p: sum(1 for e in events() if e["project"] == p and e["event"] == "minor-change") for p in finished}
    accepted = sum(1 for e in finished.values() if e["event"] == "accepted")
    mean = (Decimal(sum(revisions.values())) / len(finished)).quantize(Decimal("0.01"))
    assert (f"本期完成{len(finished)}个项目：验收{accepted}个，退款结束{len(finished) - accepted}个；平均修改{mean}次") in report["all"]
    for pid, e in finished.items():
        first_draft = next(x["at"][:10] for x in events() if x["project"] == pid and x["event"] == "draft-delivered")
        tier = ws.policy.service(e["service"]).tier(e["tier"])
        result = "验收" if e["event"] == "accepted" else f"退款¥{Decimal(e['refund_amount']):,.2f}"
        in_order(
            line_with(report, pid),
            ws.policy.service(e["service"]).name,
            first_draft,
            f"{revisions[pid]}/{tier.revisions.included}",
            str(minors[pid]),
            "0",
            result,
            e["at"][:10],
        )
    # the stage of each refund, under its amount
    assert "第2次修改后不满意" in report["all"] and "初稿不满意" in report["all"] and "第4次修改后不满意" in report["all"]
    assert "X4" not in report["lines"][0] and not any(line.startswith("X4") for line in report["lines"])  # finished in September


def test_frequent_problems_with_their_solutions(report: dict[str, Any]) -> None:
    ws = report["ws"]
    t = period_rows()
    counts = Counter(r["category"] for r in t)
    order = [c.id for c in ws.policy.aftersales.categories]
    top = sorted(counts, key=lambda c: (-counts[c], order.index(c)))[:5]
    assert top == ["content-accuracy", "design-style", "print-output", "delivery-delay", "source-file"]
    for rank, cid in enumerate(top, start=1):
        category = ws.policy.aftersales.category(cid)
        sats = [r["sat"] for r in t if r["category"] == cid and r["sat"] is not None]
        head = f"{rank}.{category.name}{counts[cid]}条，占{pct(counts[cid], len(t))}，平均满意度{mean2(sats)}"
        assert head in report["all"], head
        after = report["all"][report["all"].index(head) + len(head) :]
        if category.solution:
            assert after.startswith("标准解决方案：" + compact(category.solution))
        else:
            assert after.startswith("⚠政策尚未给出标准解决方案")
    assert "⚠尚无标准解决方案的问题类别：印刷效果问题（色差、出血、分辨率）（print-output）" in report["all"]


def overdue_rows() -> list[dict[str, Any]]:
    """首次回复超时 at the end of October: still open, the deadline passed without an answer by it."""
    overdue = []
    for r in rows():
        resolved, first = ts(r["resolved_at"]), ts(r["first_response_at"])
        still_open = r["received"] < HI and (resolved is None or resolved >= HI)
        if still_open and deadline(r) < HI and (first is None or first > deadline(r)):
            overdue.append(r)
    return overdue


def test_open_tickets_whose_first_response_is_overdue(report: dict[str, Any]) -> None:
    overdue = overdue_rows()
    # S03 and A11 are open but were answered in time; A13 (Saturday 23:50) is due Monday 11-02 10:00
    assert [r["id"] for r in overdue] == ["A12"]
    unanswered = [r for r in overdue if not r["first_response_at"] or at(r["first_response_at"]) >= HI]
    assert f"共{len(overdue)}条工单已过首次回复时限而未按时回复、仍未解决，其中{len(unanswered)}条尚未首次回复" in report["all"]
    assert "首次回复超时（期末未结）" in report["all"] and f"其中仍未回复{len(unanswered)}条（见第六部" in report["all"]
    for r in overdue:
        age = HI - r["received"]
        first = r["first_response_at"][5:] if r["first_response_at"] else "未回复"
        in_order(line_with(report, r["id"]), r["received_at"][5:], first, f"{age.days}天{age.seconds // 3600}小时")
    assert not any(line.startswith(("A13", "S03", "A11")) for line in report["lines"])


def test_notes_and_provenance(report: dict[str, Any]) -> None:
    prepared = report["prepared"]
    assert prepared.created.isoformat() == "2026-10-31T00:00:00+00:00"
    assert f"数据来源：售后记录{report['db_name']}（共18条工单，2026-08-05至2026-10-31；6个项目）" in report["all"]
    assert f"校验码{prepared.inputs_hash[:10]}" in report["all"]
    names = [name for name, _ in prepared.inputs]
    assert "records" in names and "rules/aftersales.yaml" in names and "templates/aftersales.html" in names
    info = subprocess.run(["pdfinfo", str(report["pdf"])], check=True, capture_output=True, text=True).stdout
    assert "售后服务报告 · 2026年10月" in info and prepared.inputs_hash in info


def test_no_data_in_css(report: dict[str, Any]) -> None:
    template = (PACKAGED_TEMPLATES / "aftersales.html").read_text(encoding="utf-8")
    style = template[template.index("<style>") : template.index("</style>")]
    assert "{{" not in style and "{%" not in style


# ------------------------------------------------------------------------ reproducible inputs


def copy_db(report: dict[str, Any], dst: Path, request: pytest.FixtureRequest) -> Path | str:
    """Another database with the same records (SQLite: a backup of the file; PostgreSQL: the same imports)."""
    src = report["db"]
    if isinstance(src, str):
        db = fresh_db(request, "postgresql", dst.parent, dst.stem)
        import_csv(report["ws"], report["folder"] / "tickets.csv", "tickets", db=db)
        import_csv(report["ws"], report["folder"] / "events.csv", "events", db=db)
        return db
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()
    return dst


def test_same_records_same_hash_and_context(report: dict[str, Any]) -> None:
    again = prepare_aftersales(report["ws"], None, date_from="2026-10-01", date_to="2026-10-31", db=report["db"])
    assert again.inputs_hash == report["prepared"].inputs_hash
    assert again.context == report["prepared"].context


def test_the_hash_follows_the_rows_the_report_reads(report: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from salesdocs.records.importer import add_ticket

    ws = report["ws"]
    db = copy_db(report, tmp_path / "copy.sqlite", request)
    base = prepare_aftersales(ws, None, date_from=START, date_to=END, db=db).inputs_hash
    assert base == report["prepared"].inputs_hash  # the file's path is not an input
    # an old, resolved ticket is not read by the October report: same hash
    add_ticket(
        ws,
        db=db,
        received_at="2025-03-03 10:00",
        channel="phone",
        client="yunfan-tech",
        service="logo-design",
        category="design-style",
        first_response_at="2025-03-03 10:05",
        resolved_at="2025-03-04 10:00",
    )
    assert prepare_aftersales(ws, None, date_from=START, date_to=END, db=db).inputs_hash == base
    # an October ticket is
    add_ticket(
        ws, db=db, received_at="2026-10-22 10:00", channel="phone", client="yunfan-tech", service="logo-design", category="design-style"
    )
    assert prepare_aftersales(ws, None, date_from=START, date_to=END, db=db).inputs_hash != base
    # and another period is another document
    assert prepare_aftersales(ws, "2026-09", db=db).inputs_hash != base


def test_charts_are_deterministic_across_processes() -> None:
    months = [{"label": f"{m}月", "count": m, "within_pct": Decimal(m * 9), "current": m == 10} for m in range(5, 11)]
    here = charts.trend_chart(months, line_label="按时首次回复（%）")
    assert here == charts.trend_chart(months, line_label="按时首次回复（%）")
    assert "<text" in here and "Noto Sans CJK SC" in here and "Date" not in here.split("<metadata>")[1].split("</metadata>")[0]
    code = (
        "from decimal import Decimal; from salesdocs.render import charts; import sys;"
        "months = [{'label': f'{m}月', 'count': m, 'within_pct': Decimal(m * 9), 'current': m == 10} for m in range(5, 11)];"
        "sys.stdout.write(charts.trend_chart(months, line_label='按时首次回复（%）'))"
    )
    other = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, encoding="utf-8").stdout
    assert other == here


def test_matplotlib_is_imported_only_for_charts() -> None:
    code = (
        "import sys; from salesdocs.records import stats, store, importer, history; from salesdocs.render import aftersales;"
        "import salesdocs.render.charts; print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


# ----------------------------------------------------------------------------------- periods


def test_periods() -> None:
    assert resolve_period(today=date(2026, 11, 26)) == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert resolve_period(today=date(2026, 1, 5)) == Period(date(2025, 12, 1), date(2025, 12, 31))
    assert resolve_period("2026-02") == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert resolve_period("2026-10-01..2026-10-15").label == "2026年10月1日 至 10月15日"
    assert resolve_period(None, "2026-10-01", "2026-10-31").label == "2026年10月"
    with pytest.raises(UsageError) as err:
        resolve_period(None, "2026-10-01", None)
    assert err.value.zh == "请同时给出 --from 和 --to（或都不给：默认为上一个完整的月份）"
    with pytest.raises(UsageError) as err:
        resolve_period(None, "2026-10-31", "2026-10-01")
    assert err.value.en == "the end date 2026-10-01 is before the start date 2026-10-31"
    with pytest.raises(UsageError) as err:
        resolve_period(None, "2026-13-01", "2026-10-01")
    assert err.value.en == "--from: 2026-13-01 does not exist: there is no month 13"
    with pytest.raises(UsageError) as err:
        resolve_period(None, "2026/10/01", "2026-10-31")
    assert err.value.en == "--from: not a date: 2026/10/01 (expected YYYY-MM-DD, write 2026-10-01)"


def test_durations_and_names() -> None:
    assert duration(None) == {"value": "—", "unit": "", "minutes": ""}
    assert duration(Decimal("12.0")) == {"value": "12", "unit": "分钟", "minutes": ""}
    assert duration(Decimal("810.0")) == {"value": "13.5", "unit": "小时", "minutes": "810"}
    assert short_client("深圳云帆智能科技有限公司（示例）") == "深圳云帆智能科技"


def test_no_records_database(pristine_workspace: Path, tmp_path: Path) -> None:
    ws = load_workspace(pristine_workspace)
    with pytest.raises(RecordsError) as err:
        prepare_aftersales(ws, "2026-10", db=tmp_path / "missing.sqlite")
    assert err.value.en.startswith("no after-sales records yet")
    assert not (tmp_path / "missing.sqlite").exists()


def test_an_empty_period_renders(report: dict[str, Any]) -> None:
    """A month without any record still gives a clean report (every 'empty' branch of the template)."""
    ws, folder = report["ws"], report["folder"]
    prepared = prepare_aftersales(ws, "2026-03", db=report["db"])
    stats = prepared.context["stats"]
    assert stats["headline"]["received"] == 0 and stats["headline"]["within_pct"] is None
    assert prepared.context["charts"] == {"categories": None, "trend": None, "satisfaction": None}
    pdf = render_prepared(ws, prepared, folder / "out" / "empty.pdf")
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    lines = [compact(line) for line in layout.splitlines()]
    text = compact(layout)
    assert "本期没有收到工单。" in text and "本期没有完成的项目。" in text
    assert "截至2026年3月31日24:00，没有首次回复超时、仍未解决的工单。" in text
    assert "合计0¥0.00" in lines and "收到工单000000" in lines and "按时首次回复——————" in lines


def test_stats_on_the_store_directly(report: dict[str, Any]) -> None:
    """The same figures straight from aftersales_stats, and the digest changes with the period."""
    conn = store.open_existing(report["db"])
    try:
        s = aftersales_stats(conn, report["ws"].policy, Period(START, END))
        assert s["headline"]["median_minutes"] == Decimal("22.5") and s["headline"]["p90_minutes"] == Decimal("90.0")
        assert s["refunds"]["amount"] == Decimal("2820.10")
        assert records_digest(conn, Period(START, END)) != records_digest(conn, Period.month(2026, 9))
    finally:
        conn.close()
