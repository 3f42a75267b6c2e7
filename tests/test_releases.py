"""Policy releases: snapshots, which policy a deal uses, immutability, the rule-level diff and its PDF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from salesdocs import api, policies
from salesdocs.build import build
from salesdocs.errors import PolicyError, SalesdocsError, UsageError
from salesdocs.render.documents import render
from salesdocs.render.kinds import DocumentKind
from salesdocs.workspace import check_workspace, load_workspace

DEAL = "2026-001-acme-logo"
LATE = "2026-002-acme-late"
STEP = "refunds.ladders[design].steps[any-stage]"


def set_version(root: Path, version: str, effective: str) -> None:
    """Give every rules file the same ``version`` and ``effective`` (what legal does before a release)."""
    for path in sorted((root / "rules").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^version: .*$", f'version: "{version}"', text, count=1, flags=re.M)
        text = re.sub(r"^effective: .*$", f"effective: {effective}", text, count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (rel, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_late_deal(root: Path, day: str = "2026-11-20") -> None:
    """A second deal, the same as the first but dated ``day``."""
    text = (root / "deals" / f"{DEAL}.yaml").read_text(encoding="utf-8")
    text = (
        text.replace(f"id: {DEAL}", f"id: {LATE}").replace("date: 2026-11-02", f"date: {day}").replace("start: 2026-11-03", f"start: {day}")
    )
    (root / "deals" / f"{LATE}.yaml").write_text(text, encoding="utf-8")


def change_step(root: Path) -> None:
    """The ladder step goes from 50 % to 40 %, in a version 2026.2 effective 2026-11-10."""
    edit(
        root,
        "rules/refunds.yaml",
        "percent: 50%, text: 不满意，退还该件退款基数的 50%",
        "percent: 40%, text: 不满意，退还该件退款基数的 40%",
    )
    set_version(root, "2026.2", "2026-11-10")


@pytest.fixture
def released(make_workspace: Callable[..., Path]) -> Path:
    """The minimal workspace with a second, later deal; 2026.1 released, then 2026.2 with one ladder step changed."""
    root = make_workspace("minimal")
    add_late_deal(root)
    set_version(root, "2026.1", "2026-01-01")
    policies.release(root)
    change_step(root)
    policies.release(root)
    return root


def pdf_text(path: Path, page: int | None = None, *, layout: bool = False) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    args = ["-layout"] if layout else []
    return subprocess.run(["pdftotext", *args, *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


def table_text(path: Path) -> str:
    """The PDF's text as laid out, each run of blanks one space: table rows read across."""
    return re.sub(r"[ \t]+", " ", pdf_text(path, layout=True))


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


# ------------------------------------------------------------------ releasing


def test_release_snapshots_rules_with_a_manifest(minimal_workspace: Path, run_cli: Callable[..., object]) -> None:
    root = minimal_workspace
    set_version(root, "2026.1", "2026-01-01")
    made = policies.release(root)
    folder = root / "policies" / "2026.1"
    assert made.version == "2026.1" and str(made.effective) == "2026-01-01" and made.folder == "policies/2026.1"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "2026.1" and manifest["effective"] == "2026-01-01"
    assert sorted(manifest["files"]) == sorted(p.name for p in (root / "rules").glob("*.yaml"))
    for name in manifest["files"]:
        assert (folder / name).read_bytes() == (root / "rules" / name).read_bytes()
    listed = run_cli("-w", root, "policy", "list", "--format", "json")
    data = json.loads(listed.out)  # type: ignore[attr-defined]
    assert [(r["version"], r["effective"], r["sha256"]) for r in data["releases"]] == [("2026.1", "2026-01-01", made.manifest_sha)]
    text = run_cli("-w", root, "policy", "list")
    assert text.out.startswith(f"2026.1  生效 2026-01-01  policies/2026.1  校验码 {made.manifest_sha[:12]}")  # type: ignore[attr-defined]


def test_the_sample_ships_no_release() -> None:
    repo = Path(__file__).resolve().parent.parent
    assert not (repo / "policies").exists()
    assert load_workspace(repo / "tests" / "fixtures" / "agency").releases == ()


def test_a_second_release_of_the_same_version_is_an_error(minimal_workspace: Path, run_cli: Callable[..., object]) -> None:
    set_version(minimal_workspace, "2026.1", "2026-01-01")
    policies.release(minimal_workspace)
    again = run_cli("-w", minimal_workspace, "policy", "release")
    assert again.exit_code == 1  # type: ignore[attr-defined]
    assert "政策版本 2026.1 已经发布过（policies/2026.1），已发布的版本不能覆盖" in again.err  # type: ignore[attr-defined]
    english = run_cli("-w", minimal_workspace, "--lang", "en", "policy", "release")
    assert "policy version 2026.1 is already released (policies/2026.1); a release cannot be overwritten" in english.err  # type: ignore[attr-defined]


def test_a_back_dated_release_is_refused(minimal_workspace: Path) -> None:
    set_version(minimal_workspace, "2026.1", "2026-06-01")
    policies.release(minimal_workspace)
    set_version(minimal_workspace, "2026.2", "2026-06-01")
    with pytest.raises(SalesdocsError) as exc:
        policies.release(minimal_workspace)
    assert exc.value.zh.startswith("新版本 2026.2 的生效日期 2026-06-01 必须晚于最新发布版本 2026.1 的生效日期 2026-06-01")


def test_files_that_disagree_on_the_version_are_named(minimal_workspace: Path) -> None:
    set_version(minimal_workspace, "2026.1", "2026-01-01")
    edit(minimal_workspace, "rules/terms.yaml", 'version: "2026.1"', 'version: "2026.0"')
    warnings = [p for p in check_workspace(minimal_workspace).problems if p.code == "policy-version-mismatch"]
    assert [(p.file, p.line, p.column, p.severity) for p in warnings] == [("rules/terms.yaml", 1, 10, "warning")]
    assert warnings[0].zh.startswith("terms.yaml 的版本号是 2026.0，其他规则文件是 2026.1")
    assert warnings[0].en.startswith("terms.yaml has version 2026.0 while the other rules files have 2026.1")
    with pytest.raises(PolicyError) as exc:
        policies.release(minimal_workspace)
    assert [(p.file, p.severity) for p in exc.value.problems] == [("rules/terms.yaml", "error")]
    assert not (minimal_workspace / "policies").exists()


# ------------------------------------------------------------------ immutability and pins


def test_editing_a_released_file_is_a_located_error(released: Path, run_cli: Callable[..., object]) -> None:
    edit(released, "policies/2026.1/services.yaml", "price: ", "price: 1")
    errors = [p for p in check_workspace(released).errors if p.code == "release-modified"]
    assert [(p.file, p.line, p.column) for p in errors] == [("policies/2026.1/services.yaml", 0, 0)]
    assert errors[0].zh == "已发布的政策 2026.1 中的文件 services.yaml 被改动过（与发布清单的校验码不符）"
    assert errors[0].en == "the file services.yaml of the released policy 2026.1 was changed (its hash differs from the manifest)"
    checked = run_cli("-w", released, "check")
    assert checked.exit_code == 1  # type: ignore[attr-defined]
    assert "policies/2026.1/services.yaml: 错误[release-modified]" in checked.out  # type: ignore[attr-defined]
    diffed = run_cli("-w", released, "policy", "diff", "2026.1", "2026.2")
    assert diffed.exit_code == 1 and "release-modified" in diffed.err  # type: ignore[attr-defined]
    ws = check_workspace(released).partial
    assert ws is not None
    with pytest.raises(PolicyError) as exc:  # the changed snapshot is never used for the deal made under it
        api.quote(ws, DEAL)
    assert [(p.file, p.code) for p in exc.value.problems] == [("policies/2026.1/services.yaml", "release-modified")]


def test_an_extra_or_missing_released_file_is_an_error(released: Path) -> None:
    (released / "policies" / "2026.2" / "notes.yaml").write_text("x: 1\n", encoding="utf-8")
    (released / "policies" / "2026.1" / "terms.yaml").unlink()
    found = {(p.file, p.zh) for p in check_workspace(released).errors}  # a fresh read, no crash: 2026.1 is not used
    assert ("policies/2026.2/notes.yaml", "已发布的政策 2026.2 中多了文件 notes.yaml（发布清单中没有）") in found
    assert ("policies/2026.1/terms.yaml", "已发布的政策 2026.1 缺少文件 terms.yaml") in found


def test_a_deal_pinned_to_an_unknown_version_is_an_error_with_did_you_mean(released: Path) -> None:
    edit(released, f"deals/{DEAL}.yaml", "date: 2026-11-02", "date: 2026-11-02\npolicy: 2026.3")
    errors = [p for p in check_workspace(released).errors if p.code == "unknown-policy-version"]
    assert [(p.file, p.line, p.column) for p in errors] == [(f"deals/{DEAL}.yaml", 5, 9)]
    assert errors[0].zh == "政策版本 2026.3 不存在（是不是 2026.2？）；已发布：2026.1, 2026.2"
    assert errors[0].en == "policy version 2026.3 does not exist (did you mean 2026.2?); released: 2026.1, 2026.2"
    ws = check_workspace(released).partial
    assert ws is not None and DEAL not in ws.deals and LATE in ws.deals


def test_a_pin_keeps_a_later_deal_on_the_old_rules(released: Path) -> None:
    edit(released, f"deals/{LATE}.yaml", "date: 2026-11-20", "date: 2026-11-20\npolicy: 2026.1")
    ws = load_workspace(released)
    assert api.deal_workspace(ws, LATE).policy.release == "2026.1"
    assert str(api.refund_line(ws, LATE, 1, "first-draft").percent) == "50"


def test_a_deal_before_every_release_is_an_error(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace("minimal")
    set_version(root, "2027.1", "2027-01-01")
    policies.release(root)
    errors = [p for p in check_workspace(root).errors if p.code == "no-policy-in-effect"]
    assert [(p.file, p.line) for p in errors] == [(f"deals/{DEAL}.yaml", 4)]
    assert errors[0].zh == "2026-11-02 早于最早发布的政策 2027.1 的生效日期 2027-01-01，没有当时有效的政策版本"
    assert errors[0].hint_zh == "用 policy: 写明本交易适用的已发布版本，如 policy: 2027.1"


def test_check_warns_when_a_recent_deal_would_not_get_the_unreleased_changes(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace("minimal")
    set_version(root, "2026.1", "2026-01-01")
    policies.release(root)
    assert not check_workspace(root).problems
    edit(
        root,
        "rules/refunds.yaml",
        "percent: 50%, text: 不满意，退还该件退款基数的 50%",
        "percent: 40%, text: 不满意，退还该件退款基数的 40%",
    )
    warnings = [p for p in check_workspace(root).problems if p.code == "unreleased-changes"]
    assert [(p.file, p.line, p.severity) for p in warnings] == [(f"deals/{DEAL}.yaml", 4, "warning")]
    assert warnings[0].zh == "本交易按已发布的政策 2026.1 出具文件；rules/ 中尚未发布的修改（refunds.yaml）不适用于它"
    assert warnings[0].en.startswith(
        "this deal's documents use the released policy 2026.1; the unreleased changes in rules/ (refunds.yaml)"
    )


# ------------------------------------------------------------------ which policy a deal uses


def test_each_deal_renders_the_rules_in_force_on_its_date(released: Path, tmp_path: Path) -> None:
    ws = load_workspace(released)
    assert api.deal_workspace(ws, DEAL).policy.release == "2026.1"
    assert api.deal_workspace(ws, LATE).policy.release == "2026.2"
    assert str(api.refund_line(ws, DEAL, 1, "first-draft").percent) == "50"
    assert str(api.refund_line(ws, LATE, 1, "first-draft").percent) == "40"
    old, new = (render(ws, "appendix", d, tmp_path / f"{d}.pdf")[0] for d in (DEAL, LATE))
    old_text, new_text = table_text(old), table_text(new)
    assert "初稿及以后不满意 50% 50%" in old_text and "40%" not in old_text and "政策版本 2026.1 " in old_text
    assert "初稿及以后不满意 40% 60%" in new_text and "政策版本 2026.2 " in new_text
    assert "草稿" not in old_text + new_text


def test_policy_rules_uses_the_working_copy_and_marks_every_page_draft(
    released: Path, tmp_path: Path, run_cli: Callable[..., object]
) -> None:
    edit(released, "rules/refunds.yaml", "percent: 40%", "percent: 35%")
    out = tmp_path / "draft.pdf"
    done = run_cli("-w", released, "render", "appendix", DEAL, "--policy", "rules", "-o", out)
    assert done.exit_code == 0  # type: ignore[attr-defined]
    assert "初稿及以后不满意 35% 65%" in table_text(out)
    for page in range(1, pages(out) + 1):
        assert "政策版本 2026.2（草稿 · 未发布的工作稿）" in pdf_text(out, page)
    assert "草稿 · 按未发布的工作稿（rules/）生成" in pdf_text(out, 1)
    quoted = run_cli("-w", released, "quote", DEAL, "--policy", "rules")
    assert "政策版本 2026.2（草稿：未发布的工作稿 rules/）" in quoted.out  # type: ignore[attr-defined]
    pinned = run_cli("-w", released, "quote", DEAL)
    assert "政策版本 2026.1\n" in pinned.out  # type: ignore[attr-defined]
    unknown = run_cli("-w", released, "quote", DEAL, "--policy", "2026.3")
    assert unknown.exit_code == 2 and "政策版本 2026.3 不存在（是不是 2026.2？）" in unknown.err  # type: ignore[attr-defined]


def test_working_copy_is_marked_draft_for_a_preview(released: Path) -> None:
    ws = load_workspace(released)
    draft = api.working_copy(ws)
    assert draft.policy.draft and draft.policy.release is None
    assert api.deal_workspace(ws, DEAL, "rules") is draft


def test_build_after_a_release_rebuilds_only_the_deals_whose_policy_changed(make_workspace: Callable[..., Path], tmp_path: Path) -> None:
    root = make_workspace("minimal")
    add_late_deal(root)
    set_version(root, "2026.1", "2026-01-01")
    policies.release(root)
    out = tmp_path / "out"

    def deal_documents(job: object) -> bool:
        return getattr(job, "kind", None) in (DocumentKind.QUOTE, DocumentKind.APPENDIX)

    first = build(root, out, jobs=1, only=deal_documents)
    assert len(first.by_status("written")) == 4
    change_step(root)
    policies.release(root)
    again = build(root, out, jobs=1, only=deal_documents)
    assert sorted(r.job.label for r in again.by_status("written")) == [f"appendix {LATE}", f"quote {LATE}"]
    assert sorted(r.job.label for r in again.by_status("skipped")) == [f"appendix {DEAL}", f"quote {DEAL}"]


# ------------------------------------------------------------------ the diff


def test_the_diff_names_exactly_the_changed_step(released: Path, run_cli: Callable[..., object], tmp_path: Path) -> None:
    text = run_cli("-w", released, "policy", "diff", "2026.1", "2026.2")
    lines = text.out.splitlines()  # type: ignore[attr-defined]
    assert lines[0] == "政策 2026.1（2026-01-01） → 2026.2（2026-11-10）：1 处修订"
    assert lines[1] == f"1. 第二条 不满意退款 · 设计类 · 不满意：退款比例 50% → 40%；乙方保留 50% → 60%  ({STEP})"
    assert lines[2:] == [f"受影响的交易 {DEAL}（现用 2026.1）：第 1 项", f"受影响的交易 {LATE}（现用 2026.2）：第 1 项"]
    data = json.loads(run_cli("-w", released, "policy", "diff", "2026.1", "2026.2", "--format", "json").out)  # type: ignore[attr-defined]
    assert [(c["path"], c["article"], c["summary"]) for c in data["changes"]] == [
        (STEP, "第二条 不满意退款", "设计类 · 不满意：退款比例 50% → 40%；乙方保留 50% → 60%")
    ]
    change = data["changes"][0]
    # the step as the refund table's row prints it: 阶段 · 退款比例 · 乙方保留
    assert change["before"] == "初稿及以后不满意 · 退款比例 50% · 乙方保留 50%"
    assert change["after"] == "初稿及以后不满意 · 退款比例 40% · 乙方保留 60%"
    assert [w for w in change["words"] if w["op"] != "equal"] == [
        {"op": "delete", "text": "50%"},
        {"op": "insert", "text": "40%"},
        {"op": "delete", "text": "50%"},
        {"op": "insert", "text": "60%"},
    ]
    pdf = tmp_path / "revisions.pdf"
    assert run_cli("-w", released, "policy", "diff", "2026.1", "2026.2", "-o", pdf).exit_code == 0  # type: ignore[attr-defined]
    extracted = re.sub(r"\s+", "", pdf_text(pdf))
    for expected in ("修订对照表", "序号", "条款", "原条款", "修订后条款", "说明", "2026年1月1日起施行", "2026年11月10日起施行"):
        assert expected in extracted
    assert "初稿及以后不满意·退款比例50%·乙方保留50%初稿及以后不满意·退款比例40%·乙方保留60%" in extracted
    assert "设计类·不满意：退款比例50%→" in extracted  # the 说明 column (its last line wraps beside the 条款 column)
    assert extracted.count("refunds.ladders[design].steps[any-stage]") == 1
    assert DEAL not in extracted  # the table is for clients too: no deal, no other client


def test_unchanged_releases_have_no_changes(released: Path) -> None:
    assert policies.diff(released, "2026.2", "2026.2").changes == []
    with pytest.raises(UsageError) as exc:
        policies.diff(released, "2026.1", "2026.9")
    assert exc.value.zh == "政策版本 2026.9 不存在（是不是 2026.2？）；已发布：2026.1, 2026.2"


def test_a_reworded_clause_is_compared_character_by_character(released: Path, tmp_path: Path) -> None:
    from salesdocs.render.revisions import revision_context, write_revision_table

    edit(released, "rules/contract.yaml", "按{ref.refund-ladders}所列比例退款", "按{ref.refund-ladders}所列比例及时退款")
    edit(released, "rules/contract.yaml", "甲方不满意的，", "甲方对成果不满意的，")
    result = policies.diff(released, "2026.2", "rules")
    clause = next(c for c in result.changes if c.path == "contract.articles[refunds].items[refund-right]")
    assert [(s.op, s.text) for s in clause.segments if s.op != "equal"] == [("insert", "对成果"), ("insert", "及时")]
    assert clause.summary == "第2.1条：文字修改：在“甲方”后增加“对成果”；在“按表2所列比例”后增加“及时”"
    out = write_revision_table(result, tmp_path / "clause.pdf", released)
    extracted = re.sub(r"\s+", "", pdf_text(out))
    assert "甲方不满意的，按表2所列比例退款。" in extracted  # the reference numbered, as the appendix prints it
    assert "甲方对成果不满意的，按表2所列比例" in extracted and "及时退款。" in extracted  # the cell wraps
    assert "未发布的工作稿" in extracted
    row = next(r for r in revision_context(result, "0" * 64)["rows"] if r["path"] == clause.path)
    assert {"op": "insert", "text": "对成果"} in row["after"] and all(s["op"] != "insert" for s in row["before"])


def test_a_reworded_deletion_and_replacement_are_struck_and_underlined(released: Path, tmp_path: Path) -> None:
    from salesdocs.render.documents import environment
    from salesdocs.render.environment import render_template
    from salesdocs.render.inputs import template_dirs
    from salesdocs.render.revisions import TEMPLATE, revision_context

    edit(released, "rules/contract.yaml", "甲方不满意的，按", "甲方不满意时按")
    result = policies.diff(released, "2026.2", "rules")
    html = render_template(environment(tuple(template_dirs(released))), TEMPLATE, revision_context(result, "0" * 64))
    assert '<del class="rev">的，</del>' in html and '<ins class="rev">时</ins>' in html


def test_the_revision_table_is_reproducible(released: Path, tmp_path: Path) -> None:
    from salesdocs.render.revisions import write_revision_table

    result = policies.diff(released, "2026.1", "2026.2")
    first = write_revision_table(result, tmp_path / "a.pdf", released).read_bytes()
    shutil.copy(tmp_path / "a.pdf", tmp_path / "b.pdf")
    second = write_revision_table(policies.diff(released, "2026.1", "2026.2"), tmp_path / "b.pdf", released).read_bytes()
    assert first == second


def test_who_is_affected_follows_the_services_and_clauses_a_deal_uses(workspace: Path) -> None:
    set_version(workspace, "2026.1", "2026-01-01")
    edit(
        workspace,
        "rules/refunds.yaml",
        "percent: 30%\n        text: 第二次修改后不满意，退还该件退款基数的 30%",
        "percent: 25%\n        text: 第二次修改后不满意，退还该件退款基数的 25%",
    )
    assert policies.diff(workspace, "rules", "rules").changes == []
    from salesdocs.policy.diff import affected, compare

    ws = check_workspace(workspace).partial
    assert ws is not None
    base = load_workspace(Path(__file__).resolve().parent / "fixtures" / "agency")
    changes = compare(base.policy, ws.policy)
    assert [c.summary for c in changes] == ["文案类 · 第二次修改后不满意：退款比例 30% → 25%；乙方保留 70% → 75%"]
    # only the deals with a copywriting service (articles, copywriting) are affected
    assert sorted(affected(changes, ws.deals, ws.policy)) == ["2026-002-mingcha-content", "2026-003-jingyi-expo"]


def test_commands_without_a_deal_use_the_release_in_effect_on_their_date(released: Path, run_cli: Callable[..., object]) -> None:
    from datetime import date
    from decimal import Decimal

    ws = load_workspace(released)
    assert api.refund(ws, "logo-design", None, "first-draft", Decimal("1000"), on=date(2026, 11, 5)).refund == Decimal("500.00")
    assert api.refund(ws, "logo-design", None, "first-draft", Decimal("1000"), on=date(2026, 11, 20)).refund == Decimal("400.00")
    assert api.refund(ws, "logo-design", None, "first-draft", Decimal("1000"), "2026.1", date(2026, 11, 20)).refund == Decimal("500.00")
    with pytest.raises(UsageError) as exc:
        api.due_dates(ws, "logo-design", None, date(2025, 12, 1))
    assert exc.value.zh == "2025-12-01 早于最早发布的政策 2026.1 的生效日期 2026-01-01，没有当时有效的政策版本；请用 --policy 指定版本"
    quoted = json.loads(run_cli("-w", released, "quote", LATE, "--format", "json").out)  # type: ignore[attr-defined]
    assert quoted["policy"] == {"version": "2026.2", "release": "2026.2", "draft": False}
