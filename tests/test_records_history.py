"""The refund a recorded history implies is the engine's refund for the same stage."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import fresh_db

from salesdocs import api
from salesdocs.cli import main
from salesdocs.errors import RecordsError, UsageError
from salesdocs.model import Workspace, stage_id
from salesdocs.records.history import list_records, refund_for_project
from salesdocs.records.importer import import_csv
from salesdocs.records.sample import generate, to_csv
from salesdocs.workspace import load_workspace

HEADER = "id,project,deal,client,service,tier,event,at,stage,amount_paid,refund_amount,note"
HISTORY = [
    # logo-design: two counted revisions (a small change and a declined overhaul in between), then unsatisfied
    ",L,,yunfan-tech,logo-design,standard,started,2026-09-20 10:00,,3000,,",
    ",L,,yunfan-tech,logo-design,standard,draft-delivered,2026-09-25 17:00,,,,",
    ",L,,yunfan-tech,logo-design,standard,revision-requested,2026-09-28 10:00,,,,",
    ",L,,yunfan-tech,logo-design,standard,revision-delivered,2026-09-29 17:00,,,,",
    ",L,,yunfan-tech,logo-design,standard,minor-change,2026-10-08 11:00,,,,颜色微调",
    ",L,,yunfan-tech,logo-design,standard,overhaul-requested,2026-10-08 15:00,,,,推翻方向，按合同不接受",
    ",L,,yunfan-tech,logo-design,standard,revision-delivered,2026-10-12 17:00,,,,",
    ",L,,yunfan-tech,logo-design,standard,dissatisfied,2026-10-13 10:00,,,,",
    # copywriting: five revisions, unsatisfied: the last step, "at most 20 %"
    ",C,2026-003-jingyi-expo,,copywriting,standard,started,2026-10-15,,1350.50,,",
    ",C,2026-003-jingyi-expo,,copywriting,standard,draft-delivered,2026-10-19,,,,",
    *[f",C,2026-003-jingyi-expo,,copywriting,standard,revision-delivered,2026-10-2{d},,,," for d in range(1, 6)],
    ",C,2026-003-jingyi-expo,,copywriting,standard,dissatisfied,2026-10-27,revision-5,,,",
    ",C,2026-003-jingyi-expo,,copywriting,standard,refund-paid,2026-10-29,,,249.31,",
    # wechat article: unsatisfied with the first draft, then a writer change instead of a refund
    ",W,,mingcha-tea,wechat-article,reprint,started,2026-10-01,,300,,",
    ",W,,mingcha-tea,wechat-article,reprint,draft-delivered,2026-10-02,,,,",
    ",W,,mingcha-tea,wechat-article,reprint,dissatisfied,2026-10-03,,,,",
    ",W,,mingcha-tea,wechat-article,reprint,writer-changed,2026-10-03 12:00,,,,",
    # poster: accepted
    ",A,,jingyi-parts,poster-design,standard,started,2026-10-01,,1000,,",
    ",A,,jingyi-parts,poster-design,standard,draft-delivered,2026-10-02,,,,",
    ",A,,jingyi-parts,poster-design,standard,accepted,2026-10-05,,,,",
    # flyer: unsatisfied, but nobody recorded what was paid
    ",N,,jingyi-parts,flyer-design,single,started,2026-10-01,,,,",
    ",N,,jingyi-parts,flyer-design,single,draft-delivered,2026-10-02,,,,",
    ",N,,jingyi-parts,flyer-design,single,dissatisfied,2026-10-03,,,,",
]


@pytest.fixture(scope="module")
def ws(pristine_workspace: Path) -> Workspace:
    return load_workspace(pristine_workspace)


@pytest.fixture(scope="module")
def db(ws: Workspace, tmp_path_factory: pytest.TempPathFactory, records_backend: str, request: pytest.FixtureRequest) -> Path | str:
    """The recorded histories, on each records backend."""
    folder = tmp_path_factory.mktemp("history")
    (folder / "events.csv").write_text(HEADER + "\n" + "\n".join(HISTORY) + "\n", encoding="utf-8")
    path = fresh_db(request, records_backend, folder, "records.sqlite")
    import_csv(ws, folder / "events.csv", "events", db=path)
    return path


def test_refund_from_history_equals_the_engine(ws: Workspace, db: Path | str) -> None:
    answer = refund_for_project(ws, "L", db=db)
    result, history = answer.result, answer.history
    assert answer.applies and result is not None
    assert result == api.refund(ws, "logo-design", "standard", "revision-2", Decimal("3000"))
    assert (result.stage, result.step, result.refund, result.rule) == (
        2,
        2,
        Decimal("1500.00"),
        "修改 1~3 次后仍不满意，退还该件退款基数的 50%",
    )
    # no deal: the amount paid stands for the item's price too, and the result says so
    assert (result.deal, result.base_kind, result.base, result.paid, result.kept) == (
        None,
        "item-total",
        Decimal("3000.00"),
        Decimal("3000.00"),
        Decimal("1500.00"),
    )
    assert result.notes[0][1].startswith("no deal given: ¥3,000.00 is taken as both the refund base")
    assert [h["event"] for h in history] == [
        "started",
        "draft-delivered",
        "revision-requested",
        "revision-delivered",
        "minor-change",
        "overhaul-requested",
        "revision-delivered",
        "dissatisfied",
    ]
    assert [h["counted_revisions"] for h in history] == [0, 0, 0, 1, 1, 1, 2, 2]
    assert history[-1]["stage"] == "revision-2" and history[0]["amount_paid"] == "3000.00"
    assert json.dumps(history, ensure_ascii=False)  # JSON-ready


def test_refund_at_the_last_step(ws: Workspace, db: Path | str) -> None:
    """A project of a deal: one piece of the deal's line with its service and tier, the recorded amount paid."""
    answer = refund_for_project(ws, "C", db=db)
    result, history = answer.result, answer.history
    assert result is not None
    assert result == api.refund_line(ws, "2026-003-jingyi-expo", 2, "revision-5", pieces=1, paid=Decimal("1350.50"))
    assert (result.kind, result.percent, result.within_allowance) == ("at_most", Decimal("20"), False)
    # line 2 is 2 × 1,350.50 = 2,701.00 of a 5,201.00 subtotal, 200.00 off, 6 % VAT on top:
    # its share of the discount is 103.86, of the tax (300.06) 155.83, so 2,752.97 for two pieces;
    # the first piece is 1,376.49 (the last takes the remainder, 1,376.48)
    assert (result.deal, result.line, result.pieces, result.quantity) == ("2026-003-jingyi-expo", 2, 1, 2)
    assert (result.base, result.paid, result.kept, result.refund, result.still_due) == (
        Decimal("1376.49"),
        Decimal("1350.50"),
        Decimal("1101.19"),
        Decimal("249.31"),
        Decimal("0.00"),
    )
    assert history[-1] == {
        "id": history[-1]["id"],
        "at": "2026-10-29 00:00",
        "event": "refund-paid",
        "event_zh": "退款已付",
        "counted_revisions": 5,
        "counted": False,
        "refund_amount": "249.31",
    }


def test_no_refund_without_a_standing_dissatisfaction(ws: Workspace, db: Path | str) -> None:
    accepted = refund_for_project(ws, "A", db=db)  # an answer, not an error
    assert (accepted.applies, accepted.result) == (False, None)
    assert (
        accepted.reason_en
        == "project A has no recorded dissatisfaction, so no refund applies (it was accepted; 0 counted revision(s) delivered)"
    )
    assert accepted.reason_zh == "项目 A 没有记录“不满意”，不涉及退款（项目已验收，已交付 0 次计数的修改）"
    changed = refund_for_project(ws, "W", db=db)
    assert (changed.applies, changed.result) == (False, None)
    assert changed.reason_en == (
        "project W's dissatisfaction of 2026-10-03 00:00 was followed by a writer/designer change on 2026-10-03 12:00, so no refund applies"
    )
    with pytest.raises(RecordsError) as err:
        refund_for_project(ws, "N", db=db)
    assert err.value.en == "project N has no amount paid recorded, so the refund cannot be computed; record an event with amount_paid"
    with pytest.raises(UsageError) as usage:
        refund_for_project(ws, "Z", db=db)
    assert usage.value.en == "no project Z in the records; salesdocs records list --kind projects lists them"


def test_every_refund_of_the_sample_history(ws: Workspace, tmp_path: Path, db: Path | str, request: pytest.FixtureRequest) -> None:
    """For every sample project with a refund: the stage counted here from the CSV gives the same engine refund."""
    _, event_rows = generate(ws)
    (tmp_path / "events.csv").write_bytes(to_csv(event_rows))
    fresh = fresh_db(request, "sqlite" if isinstance(db, Path) else "postgresql", tmp_path, "r.sqlite")
    import_csv(ws, tmp_path / "events.csv", "events", db=fresh)
    rows = list(csv.DictReader(to_csv(event_rows).decode("utf-8-sig").splitlines()))
    refunded = sorted({r["project"] for r in rows if r["event"] == "refund-paid"})
    assert len(refunded) >= 5
    for project in refunded:
        mine = [r for r in rows if r["project"] == project]
        mine.sort(key=lambda r: r["at"])  # the CSV is in time order per project already
        stage = revisions = 0
        for r in mine:
            revisions += r["event"] == "revision-delivered"
            if r["event"] == "dissatisfied":
                stage = revisions
        paid = Decimal(next(r["amount_paid"] for r in mine if r["amount_paid"]))
        result = refund_for_project(ws, project, db=fresh).result
        assert result is not None
        service, tier, deal = mine[0]["service"], mine[0]["tier"], mine[0]["deal"]
        if deal:  # one piece of the deal's line for that service and tier, the deposit paid
            line = next(n for n, x in enumerate(ws.deals[deal].lines, start=1) if (x.service, x.tier) == (service, tier))
            assert result == api.refund_line(ws, deal, line, stage_id(stage), pieces=1, paid=paid), project
            assert api.refund_line(ws, deal, line, stage_id(stage), pieces=1).paid == paid, project  # the engine's default
        else:  # sold alone at the list price, paid in full: the amount is both the base and what was paid
            assert result == api.refund(ws, service, tier, stage_id(stage), paid), project
        # and the refund the sample records as paid is that amount
        assert Decimal(next(r["refund_amount"] for r in mine if r["event"] == "refund-paid")) == result.refund


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    out, err = capsys.readouterr()
    assert isinstance(exit_.value.code, int), exit_.value.code
    return exit_.value.code, out, err


def test_refund_command(db: Path, pristine_workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESDOCS_RECORDS_DB", str(db))
    root = pristine_workspace
    code, out, _ = run(["refund", "--project", "L", "-w", str(root), "--format", "json", "--lang", "en"], capsys)
    data = json.loads(out)
    assert code == 0
    assert (data["project"], data["stage"], data["refund"], data["rule"]["step"], data["rule"]["number"]) == (
        "L",
        "revision-2",
        "1500.00",
        "rev-1-3",
        2,
    )
    assert [h["event"] for h in data["history"]][-1] == "dissatisfied"
    code, out, _ = run(["refund", "--project", "L", "-w", str(root), "--lang", "zh"], capsys)
    assert code == 0 and "¥1,500.00" in out and "退款阶梯 design 第 2 步" in out
    code, out, _ = run(["refund", "--project", "A", "-w", str(root), "--lang", "en"], capsys)
    assert code == 0 and "no recorded dissatisfaction, so no refund applies" in out  # an answer, not an error
    code, out, _ = run(["refund", "--project", "A", "-w", str(root), "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and (data["project"], data["applies"], data["refund"]) == ("A", False, "0.00")
    code, _, err = run(["refund", "--project", "Z", "-w", str(root), "--lang", "en"], capsys)
    assert code == 2 and err.startswith("no project Z in the records")


def test_list_records(ws: Workspace, db: Path | str) -> None:
    projects = list_records(ws, "projects", db=db)
    assert projects["total"] == 5
    by_id = {p["id"]: p for p in projects["items"]}
    assert (by_id["C"]["deal"], by_id["C"]["client"], by_id["C"]["status"], by_id["C"]["revisions"]) == (
        "2026-003-jingyi-expo",
        "jingyi-parts",
        "refunded",
        5,
    )
    running = list_records(ws, "projects", only_open=True, db=db)
    assert sorted(p["id"] for p in running["items"]) == ["L", "N", "W"]
    events = list_records(ws, "events", date_from="2026-10-27", date_to="2026-10-29", db=db)
    assert [(e["project"], e["event"], e["stage"], e["refund_amount"]) for e in events["items"]] == [
        ("C", "dissatisfied", "revision-5", None),
        ("C", "refund-paid", None, "249.31"),
    ]
    limited = list_records(ws, "events", limit=3, db=db)
    assert (limited["total"], len(limited["items"])) == (len(HISTORY), 3)
    with pytest.raises(UsageError) as err:
        list_records(ws, "events", date_from="27.10.2026", db=db)
    assert err.value.en == "--from: not a date: 27.10.2026 (expected YYYY-MM-DD, e.g. 2026-09-28)"
