"""Batch builds: visit packs, incremental rebuilds, broken inputs, killed builds."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from salesdocs.build import build
from salesdocs.cli import main as cli_main

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate  # type: ignore[import-not-found,unused-ignore]  # noqa: E402


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def by_name(report, root: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {r.job.out_path.relative_to(root / "out").as_posix(): r.status for r in report.results}


@pytest.fixture(scope="module")
def built(pristine_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A small synthetic workspace (2 clients, 3 deals) built once with 2 workers.

    Its rules are the fixture agency's, not the sample's, so these tests do not depend on the sample.
    """
    root = generate(tmp_path_factory.mktemp("synth"), clients=2, deals=3, seed=3, rules=pristine_workspace / "rules")
    report = build(root, jobs=2)
    return root, report


def test_full_build_writes_every_document(built: tuple[Path, object]) -> None:
    root, report = built
    names = by_name(report, root)
    expected = {"intro.pdf"}
    for deal in ("deal-0001", "deal-0002", "deal-0003"):
        expected |= {f"quote-{deal}.pdf", f"appendix-{deal}.pdf"}
    for client in ("client-0001", "client-0002"):
        expected |= {f"visit-packs/{client}/brief.pdf", f"visit-packs/{client}/handout.pdf"}
    assert names == {name: "written" for name in expected}
    for name in expected:
        assert PdfReader(str(root / "out" / name)).pages


def _pdf_pages(path: Path) -> list[str]:
    return [flat(p.extract_text()) for p in PdfReader(str(path)).pages]


def _outline_titles(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    titles: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def test_brief_sections_outline_and_internal_mark(built: tuple[Path, object]) -> None:
    root, _ = built
    brief = root / "out/visit-packs/client-0001/brief.pdf"
    pages = _pdf_pages(brief)
    assert all("内部资料" in page for page in pages)
    text = "".join(pages)
    for section in (
        "客户概况",
        "各层面的需求",
        "客户分类",
        "关键人",
        "切入点与交流要点",
        "推荐的服务",
        "售前阶段",
        "售后记录",
        "拜访资料清单",
    ):
        assert section in text
    for material in ("名片", "计算器", "笔记本、钢笔", "价格表", "订货单"):
        assert material in text
    titles = _outline_titles(brief)
    for section in ("客户概况", "各层面的需求", "客户分类", "关键人", "推荐的服务", "售前阶段", "拜访资料清单"):
        assert section in titles


def test_handout_sections_and_never_internal(built: tuple[Path, object]) -> None:
    root, _ = built
    handout = root / "out/visit-packs/client-0001/handout.pdf"
    pages = _pdf_pages(handout)
    assert not any("内部资料" in page for page in pages)
    text = "".join(pages)
    for section in ("为以下客户准备", "目录", "公司简介", "服务目录与价格", "案例", "报价单", "订货单", "联系我们"):
        assert section in text
    titles = _outline_titles(handout)
    for section in ("公司简介", "我们的六大优势", "服务目录与价格", "案例", "订货单", "联系我们"):
        assert section in titles
    assert any(t.startswith("报价单") for t in titles)


def test_visit_pack_quote_matches_engine(built: tuple[Path, object]) -> None:
    from salesdocs import api
    from salesdocs.engine.money import format_yuan
    from salesdocs.workspace import load_workspace

    root, _ = built
    ws = load_workspace(root)
    deal = max((d for d in ws.deals.values() if d.client == "client-0001"), key=lambda d: (d.date, d.id))
    q = api.quote(ws, deal)
    text = "".join(_pdf_pages(root / "out/visit-packs/client-0001/handout.pdf"))
    assert format_yuan(q.total) in text and q.total_in_words in text


def _copy(root: Path, dest: Path) -> Path:
    shutil.copytree(root, dest)
    return dest


def test_incremental_nothing_then_one_deal_then_refund(built: tuple[Path, object], tmp_path: Path) -> None:
    root = _copy(built[0], tmp_path / "ws")
    names = by_name(build(root, jobs=1), root)
    assert set(names.values()) == {"skipped"}

    deal = root / "deals/deal-0002.yaml"
    deal.write_text(deal.read_text(encoding="utf-8").replace("title: 合成交易 2", "title: 合成交易 2（改）"), encoding="utf-8")
    names = by_name(build(root, jobs=1), root)
    rebuilt = {n for n, s in names.items() if s == "written"}
    from salesdocs.workspace import load_workspace

    ws = load_workspace(root)
    owner = ws.deals["deal-0002"].client
    latest = max((d for d in ws.deals.values() if d.client == owner), key=lambda d: (d.date, d.id)).id
    expected = {"quote-deal-0002.pdf", "appendix-deal-0002.pdf"}
    if latest == "deal-0002":
        expected |= {f"visit-packs/{owner}/brief.pdf", f"visit-packs/{owner}/handout.pdf"}
    assert rebuilt == expected

    refunds = root / "rules/refunds.yaml"
    refunds.write_text(
        refunds.read_text(encoding="utf-8").replace("percent: 30%\n        text: 多次修改", "percent: 25%\n        text: 多次修改"),
        encoding="utf-8",
    )
    names = by_name(build(root, jobs=1), root)
    rebuilt = {n for n, s in names.items() if s == "written"}
    design = {"logo-design", "flyer-design", "poster-design"}
    users = [deal_id for deal_id, d in ws.deals.items() if any(line.service in design for line in d.lines)]
    assert users, "the synthetic deals should use a design service"
    for deal_id in users:
        assert {f"quote-{deal_id}.pdf", f"appendix-{deal_id}.pdf"} <= rebuilt
    assert "intro.pdf" in rebuilt


def test_force_rebuilds_everything(built: tuple[Path, object], tmp_path: Path) -> None:
    root = _copy(built[0], tmp_path / "ws")
    report = build(root, jobs=2, force=True, only=lambda job: job.kind in ("intro", "quote"))
    assert {r.status for r in report.results} == {"written"}
    assert len(report.results) == 4


def test_one_broken_deal_does_not_stop_the_others(built: tuple[Path, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(built[0], tmp_path / "ws")
    shutil.rmtree(root / "out")
    broken = root / "deals/deal-0003.yaml"
    broken.write_text(re.sub(r"quantity: \d+", "quantity: 七", broken.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    line = next(i for i, text in enumerate(broken.read_text(encoding="utf-8").splitlines(), start=1) if "七" in text)
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["build", "--workspace", str(root), "--jobs", "1", "--lang", "en"])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert f"failed quote deal-0003: deals/deal-0003.yaml:{line}:" in captured.err
    assert "expected a whole number" in captured.err
    assert (root / "out/quote-deal-0001.pdf").is_file() and (root / "out/appendix-deal-0002.pdf").is_file()
    assert not (root / "out/quote-deal-0003.pdf").exists()


def test_killed_build_leaves_no_partial_pdf(built: tuple[Path, object], tmp_path: Path) -> None:
    root = _copy(built[0], tmp_path / "ws")
    shutil.rmtree(root / "out")
    proc = subprocess.Popen(
        [sys.executable, "-m", "salesdocs", "build", "--workspace", str(root), "--jobs", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (root / "out").exists() and list((root / "out").glob("*.pdf")):
            break
        time.sleep(0.05)
    time.sleep(0.4)  # most likely in the middle of the next document
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    pdfs = list((root / "out").rglob("*.pdf"))
    assert pdfs, "the build wrote nothing before it was killed"
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert PdfReader(str(pdf)).pages
    report = build(root, jobs=1, only=lambda job: job.kind == "intro")
    assert not list((root / "out").rglob("*.tmp"))
    assert report.ok


def test_workers_are_recycled_without_hanging(built: tuple[Path, object], tmp_path: Path) -> None:
    """recycle=1: every worker renders one document per pool generation; the build still completes."""
    root = _copy(built[0], tmp_path / "ws")
    report = build(root, jobs=2, force=True, recycle=1, only=lambda job: job.kind in ("intro", "quote"))
    assert [r.status for r in report.results] == ["written"] * 4
