"""The sample records: reproducible, realistic, in sync with records/, and the demo works from a fresh clone."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BACKENDS

import salesdocs
from salesdocs.records.sample import generate, main, to_csv
from salesdocs.workspace import load_workspace

ROOT = Path(salesdocs.__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ws():
    return load_workspace(ROOT)


@pytest.fixture(scope="module")
def sample(ws):
    return generate(ws, tickets=360, seed=7)


def test_same_seed_same_bytes(ws, sample) -> None:
    tickets, events = sample
    assert to_csv(tickets) == to_csv(generate(ws, tickets=360, seed=7)[0])
    assert to_csv(events) == to_csv(generate(ws, tickets=360, seed=7)[1])
    assert to_csv(generate(ws, tickets=360, seed=8)[0]) != to_csv(tickets)


def test_the_files_in_records_are_the_generator_output(sample) -> None:
    """records/sample-*.csv are what `python -m salesdocs.records.sample` writes today (regenerate them if this fails)."""
    tickets, events = sample
    assert (ROOT / "records" / "sample-tickets.csv").read_bytes() == to_csv(tickets)
    assert (ROOT / "records" / "sample-events.csv").read_bytes() == to_csv(events)
    assert (ROOT / "records" / ".gitkeep").exists()


def test_realistic_tickets(ws, sample) -> None:
    tickets, _ = sample
    rows = list(csv.DictReader(to_csv(tickets).decode("utf-8-sig").splitlines()))
    assert len(rows) == 360
    assert tickets[0][:3] == ["编号", "收到时间", "渠道"]  # the Chinese headers of the team's spreadsheet
    months = Counter(r["收到时间"][:7] for r in rows)
    assert sorted(months) == [f"2026-{m:02d}" for m in range(5, 11)]
    assert min(r["收到时间"] for r in rows) >= "2026-05-01" and max(r["收到时间"] for r in rows) <= "2026-10-31 23:59"
    assert {r["客户"] for r in rows} == set(ws.clients)
    assert {r["服务"] for r in rows} == {s.id for s in ws.policy.services}
    assert all(r["服务"] in ws.policy.aftersales.category(r["问题类别"]).services for r in rows)
    assert len({r["编号"] for r in rows}) == 360
    open_ = [r for r in rows if not r["解决时间"]]
    assert 3 <= len(open_) <= 40
    assert Counter(r["满意度"] for r in rows).most_common(1)[0][0] == "5"


def test_events_cover_the_sample_deals(ws, sample) -> None:
    _, events = sample
    rows = list(csv.DictReader(to_csv(events).decode("utf-8-sig").splitlines()))
    deals = {r["deal"] for r in rows if r["deal"]}
    assert deals == set(ws.deals)
    for deal in ws.deals.values():
        items = sum(line.quantity for line in deal.lines)
        assert len({r["project"] for r in rows if r["deal"] == deal.id}) == items
    extra = {r["project"] for r in rows if not r["deal"]}
    assert len(extra) == 60
    kinds = Counter(r["event"] for r in rows)
    assert {
        "started",
        "draft-delivered",
        "revision-delivered",
        "minor-change",
        "overhaul-requested",
        "dissatisfied",
        "writer-changed",
        "accepted",
        "refund-paid",
    } <= set(kinds)


def test_refunds_follow_the_refund_base(sample: tuple[list[list[str]], list[list[str]]]) -> None:
    """Refunds are a share of the item's price after discount, tax included (refunds.yaml ``base: item-total``)."""
    _, events = sample
    rows = {(r["project"], r["event"]): r for r in csv.DictReader(to_csv(events).decode("utf-8-sig").splitlines())}
    # P-2026-037, a standard poster sold alone: 1,000.00 + 6 % VAT = 1,060.00 paid in full; after a revision, 50 %
    assert rows[("P-2026-037", "started")]["amount_paid"] == "1060.00"
    assert rows[("P-2026-037", "refund-paid")]["refund_amount"] == "530.00"
    assert rows[("P-2026-037", "refund-paid")]["note"] == "修改 1~3 次后仍不满意，退还该件退款基数的 50%"
    # deal 002, one curated article: 300 × 0.85 × 1.06 = 270.30, the 50 % deposit 135.15 paid;
    # unsatisfied with the first draft (70 %): the agency keeps 81.09 and refunds 54.06
    assert rows[("2026-002-mingcha-content-6", "started")]["amount_paid"] == "135.15"
    assert rows[("2026-002-mingcha-content-6", "refund-paid")]["refund_amount"] == "54.06"
    # deal 001, a double-sided flyer: 1,510.50, deposit 755.25 = the 50 % the agency keeps after revision 3
    assert rows[("2026-001-yunfan-launch-3", "started")]["amount_paid"] == "755.25"
    assert rows[("2026-001-yunfan-launch-3", "refund-paid")]["refund_amount"] == "0.00"
    assert rows[("2026-001-yunfan-launch-3", "refund-paid")]["note"].endswith("已付款等于乙方保留的部分，无需退款，其余价款不再支付")


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--tickets", "40", "--seed", "3", "--workspace", str(ROOT), "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {tmp_path / 'sample-tickets.csv'}", f"wrote {tmp_path / 'sample-events.csv'}"]
    assert (tmp_path / "sample-tickets.csv").read_bytes().count(b"\r\n") == 41


@pytest.mark.parametrize("backend", BACKENDS)
def test_demo_from_a_fresh_clone(backend: str, tmp_path: Path, new_records_db: Callable[[str, str], Path | str]) -> None:
    """The Makefile demo: import both sample files, render October — in a copy without any database
    (PostgreSQL: an empty database named by ``SALESDOCS_RECORDS_DB``, the way deployment.md sets it)."""
    clone = tmp_path / "clone"
    for name in ("rules", "clients", "deals"):
        shutil.copytree(ROOT / name, clone / name)
    (clone / "records").mkdir()
    for name in ("sample-tickets.csv", "sample-events.csv", ".gitkeep"):
        shutil.copy(ROOT / "records" / name, clone / "records" / name)
    env = {k: v for k, v in os.environ.items() if k != "SALESDOCS_RECORDS_DB"}
    env["PYTHONPATH"] = str(ROOT)
    if backend == "postgresql":
        env["SALESDOCS_RECORDS_DB"] = str(new_records_db(backend, "demo"))

    def salesdocs_(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "salesdocs", *args], cwd=clone, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    out = salesdocs_("records", "import", "records/sample-tickets.csv", "--kind", "tickets")
    assert "新增 360 条" in out
    out = salesdocs_("records", "import", "records/sample-events.csv", "--kind", "events")
    assert "新增" in out and "项目：新建 89 个" in out
    assert (clone / "records" / "salesdocs.sqlite").is_file() == (backend == "sqlite")
    out = salesdocs_("render", "aftersales", "--from", "2026-10-01", "--to", "2026-10-31")
    pdf = Path(out.strip().split()[-1])
    assert pdf.is_file() and pdf.is_relative_to(clone)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    october = [
        r
        for r in csv.DictReader((clone / "records" / "sample-tickets.csv").read_text(encoding="utf-8-sig").splitlines())
        if r["收到时间"].startswith("2026-10")
    ]
    lines = ["".join(line.split()) for line in text.splitlines()]
    assert "售后服务报告" in text
    assert any(line.startswith(f"{len(october)}条") for line in lines)
    assert any(line.startswith("合计") and line[2:].startswith(str(len(october))) for line in lines)
