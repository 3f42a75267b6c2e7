"""Deals and clients as a newcomer makes them (issue 11, item 11): `salesdocs new client|deal`, a start on
a day off, a client file copied from another and not rewritten.  Through the command line, zh and en."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

from conftest import edit_file

from salesdocs import api
from salesdocs.workspace import load_workspace

REPO = Path(__file__).resolve().parent.parent


def _placeholders(path: Path) -> set[int]:
    """Lines whose key has nothing after it and whose comment above says ★ (what the scaffold asks to fill)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {i + 1 for i, line in enumerate(lines) if re.fullmatch(r"\s*(- )?[a-z_]+:", line) and "★" in lines[i - 1]}


def test_new_client_and_deal_fail_check_only_on_what_they_ask_to_fill(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    made = run_cli("new", "client", "new-co", "-w", workspace)
    assert made.exit_code == 0 and made.out.strip() == "已新建 clients/new-co.yaml：填好标 ★ 的 2 项后运行 salesdocs check"
    made = run_cli("new", "deal", "2026-010-new-co", "--client", "new-co", "-w", workspace, "--lang", "en")
    assert made.exit_code == 0
    assert made.out.strip() == "wrote deals/2026-010-new-co.yaml: fill in the 5 fields marked ★, then run salesdocs check"
    client, deal = workspace / "clients" / "new-co.yaml", workspace / "deals" / "2026-010-new-co.yaml"
    text = deal.read_text(encoding="utf-8")
    # every field of the schema is named, with the policy's choices where it has them
    for words in (
        "# 预计开始日期（交付时间从这一天算起） · Expected start date",
        "# 折扣审批人",
        "# 主合同编号",
        "logo-design（LOGO 设计）",
        "logo-design: standard, premium",
    ):
        assert words in text
    assert "# 客户分类（presales.yaml 的维度）" in client.read_text(
        encoding="utf-8"
    ) and "scale（规模）: 小型、中型、大型" in client.read_text(encoding="utf-8")
    result = run_cli("check", "-w", workspace, "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.out)
    assert {(p["file"], p["line"]) for p in problems} == {("clients/new-co.yaml", n) for n in _placeholders(client)} | {
        ("deals/2026-010-new-co.yaml", n) for n in _placeholders(deal)
    }
    assert len(problems) == 7 and all(p["severity"] == "error" for p in problems)
    # filled in, both pass check
    for old, new in (("\nname:\n", "\nname: 新公司\n"), ("\nindustry:\n", "\nindustry: 制造业\n")):
        edit_file(workspace, "clients/new-co.yaml", old, new)
    for old, new in (
        ("\nstart:\n", "\nstart: 2026-12-01\n"),
        ("\n  - service:\n", "\n  - service: logo-design\n"),
        ("\n    tier:\n", "\n    tier: standard\n"),
        ("\n    - name:\n", "\n    - name: 赵经理\n"),
        ("\n      email:\n", "\n      email: zhao@new-co.example\n"),
    ):
        edit_file(workspace, "deals/2026-010-new-co.yaml", old, new)
    result = run_cli("check", "-w", workspace)
    assert result.exit_code == 0, result.out
    assert result.out.splitlines()[0] == "检查了 16 个文件：0 个错误，0 个警告"


def test_new_never_overwrites(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    before = (workspace / "clients" / "yunfan-tech.yaml").read_bytes()
    zh = run_cli("new", "client", "yunfan-tech", "-w", workspace)
    en = run_cli("new", "client", "yunfan-tech", "-w", workspace, "--lang", "en")
    assert (zh.exit_code, en.exit_code) == (2, 2)
    assert zh.err.strip() == "clients/yunfan-tech.yaml 已经存在，不会覆盖；换一个编号，或直接编辑这个文件"
    assert en.err.strip() == "clients/yunfan-tech.yaml already exists and is not overwritten; pick another id or edit it"
    assert (workspace / "clients" / "yunfan-tech.yaml").read_bytes() == before
    deal = run_cli("new", "deal", "2026-001-yunfan-launch", "--client", "yunfan-tech", "-w", workspace)
    assert deal.exit_code == 2 and "deals/2026-001-yunfan-launch.yaml 已经存在，不会覆盖" in deal.err


def test_new_names_what_is_wrong(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    zh = run_cli("new", "deal", "2026-011-x", "--client", "nobody", "-w", workspace)
    en = run_cli("new", "deal", "2026-011-x", "--client", "nobody", "-w", workspace, "--lang", "en")
    assert (zh.exit_code, en.exit_code) == (2, 2)
    assert zh.err.strip() == (
        "找不到客户 nobody（clients/nobody.yaml）；可选：jingyi-parts, mingcha-tea, yunfan-tech。新客户先用 salesdocs new client nobody"
    )
    assert en.err.strip().startswith("unknown client nobody (clients/nobody.yaml); known: jingyi-parts")
    bad = run_cli("new", "client", "New_Co", "-w", workspace)
    assert bad.exit_code == 2 and "客户编号 New_Co 不合规：只能用小写字母、数字和 -" in bad.err
    assert not (workspace / "deals" / "2026-011-x.yaml").exists() and not (workspace / "clients" / "New_Co.yaml").exists()
    missing = run_cli("new", "deal", "2026-011-x", "-w", workspace)
    assert missing.exit_code == 2 and "缺少选项 --client" in missing.err


def test_a_start_on_a_day_off(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    edit_file(workspace, "deals/2026-001-yunfan-launch.yaml", "start: 2026-11-23", "start: 2026-11-22")
    zh, en = run_cli("check", "-w", workspace), run_cli("check", "-w", workspace, "--lang", "en")
    assert (zh.exit_code, en.exit_code) == (0, 0)
    assert zh.out.splitlines()[:4] == [
        "deals/2026-001-yunfan-launch.yaml:7:8: 警告[start-not-working-day]: 开始日期 2026-11-22 是星期日，不是工作日；下一个工作日是 2026-11-23",
        " 7 | start: 2026-11-22",
        "   |        ^",
        "  = 提示：交付日期数的是开始日期之后的工作日：2026-11-23 已经算作第 1 个工作日，日期不受影响，不需要修改。"
        "不要改成 start: 2026-11-23（那样 2026-11-23 当天不计入，每个交付日期都会晚一个工作日）；只有实际开始的不是这一天时才改",
    ]
    assert "due dates count the working days after the start: 2026-11-23 is already working day 1, so the dates are right" in en.out
    assert "Do not write start: 2026-11-23 (that day would not count and every due date would move a working day later)" in en.out
    assert en.out.splitlines()[0] == (
        "deals/2026-001-yunfan-launch.yaml:7:8: warning[start-not-working-day]: the start date 2026-11-22 is Sunday, "
        "not a working day; the next working day is 2026-11-23"
    )
    # what the hint says is true: a Sunday start gives the dates of the Friday before, the Monday after moves them a day later
    ws = load_workspace(workspace)
    sunday, friday, monday = (api.due_dates(ws, "logo-design", "standard", date(2026, 11, d)) for d in (22, 20, 23))
    assert (sunday.earliest, sunday.latest) == (friday.earliest, friday.latest) == (date(2026, 11, 25), date(2026, 11, 27))
    assert (monday.earliest, monday.latest) == (date(2026, 11, 26), date(2026, 11, 30))
    # National Day, and a holiday of a year without official data (an estimate)
    edit_file(workspace, "deals/2026-001-yunfan-launch.yaml", "start: 2026-11-22", "start: 2026-10-02")
    assert "开始日期 2026-10-02 是节假日，不是工作日；下一个工作日是 2026-10-08" in run_cli("check", "-w", workspace).out
    edit_file(workspace, "deals/2026-001-yunfan-launch.yaml", "start: 2026-10-02", "start: 2027-02-08")
    assert "开始日期 2027-02-08 是节假日，不是工作日；下一个工作日是 2027-02-11（按估算的节假日）" in run_cli("check", "-w", workspace).out


def test_a_client_copied_from_the_sample(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    copy = workspace / "clients" / "new-co.yaml"
    shutil.copy(workspace / "clients" / "yunfan-tech.yaml", copy)
    edit_file(workspace, "clients/new-co.yaml", "id: yunfan-tech", "id: new-co")
    edit_file(workspace, "clients/new-co.yaml", "name: 深圳云帆智能科技有限公司（示例）", "name: 新公司")
    edit_file(workspace, "clients/new-co.yaml", "sample: true\n", "")
    zh, en = run_cli("check", "-w", workspace), run_cli("check", "-w", workspace, "--lang", "en")
    assert (zh.exit_code, en.exit_code) == (0, 0)
    first = zh.out.splitlines()[0]
    assert first.startswith("clients/new-co.yaml:") and "警告[copied-client-text]: " in first
    assert "profile、" in first and "关键人 陈总、关键人 王经理" in first
    assert first.endswith("与 clients/yunfan-tech.yaml 中的完全相同：像是复制客户文件后还没改成这个客户自己的情况")
    assert "key person 陈总" in en.out and "the same as in clients/yunfan-tech.yaml; it looks copied" in en.out
    # the sample original is not warned; one warning for the copy
    assert "clients/yunfan-tech.yaml:" not in zh.out and zh.out.count("copied-client-text") == 1
    line = int(first.split(":")[1])
    assert copy.read_text(encoding="utf-8").splitlines()[line - 1].startswith("address:")


def test_new_files_say_what_is_empty_and_what_is_required_when_used(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("new", "client", "new-co", "-w", workspace).exit_code == 0
    assert run_cli("new", "deal", "2026-010-new-co", "--client", "new-co", "-w", workspace).exit_code == 0
    client = (workspace / "clients" / "new-co.yaml").read_text(encoding="utf-8")
    # a required field of an optional part: marked, but not counted among the fields to fill now
    assert "    # 角色 · Role in the decision  ★ 启用这一项时必填 / required once uncommented\n#     role:\n" in client
    assert "    # 职务 · Title\n#     title:\n" in client
    zh = run_cli("check", "-w", workspace).out.splitlines()
    assert zh[:5] == [
        "clients/new-co.yaml:9:6: 错误[empty-value]: name 还没有填写",
        " 9 | name:",
        "   |      ^",
        "  = 提示：在冒号后面填写文字",
        "",
    ]
    assert "deals/2026-010-new-co.yaml:15:7: 错误[empty-value]: start 还没有填写" in zh
    assert "  = 提示：在冒号后面填写日期，例如 2026-07-01" in zh
    en = run_cli("check", "-w", workspace, "--lang", "en").out
    assert "deals/2026-010-new-co.yaml:15:7: error[empty-value]: start is empty: fill it in" in en
    assert "  = hint: write a date after the colon, e.g. 2026-07-01" in en
    assert "应为" not in "\n".join(zh) and "got nothing" not in en


def test_new_refreshes_the_editor_schemas(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("new", "client", "no-schemas", "-w", workspace).out.count("\n") == 1  # no schemas/ folder: nothing said
    assert not (workspace / "schemas").exists()
    assert run_cli("schemas", "-w", workspace).exit_code == 0
    made = run_cli("new", "client", "new-co", "-w", workspace)
    assert made.exit_code == 0
    assert made.out.splitlines()[1] == "已更新编辑器用的 schemas/ids.schema.json（编辑器的编号列表）"
    ids = json.loads((workspace / "schemas" / "ids.schema.json").read_text(encoding="utf-8"))
    assert "new-co" in json.dumps(ids) and "no-schemas" in json.dumps(ids)
    deal = run_cli("new", "deal", "2026-010-new-co", "--client", "new-co", "-w", workspace, "--format", "json")
    assert json.loads(deal.out)["schemas"] == []  # nothing changed: the client's id is still listed
    assert "new-co" in (workspace / "schemas" / "ids.schema.json").read_text(encoding="utf-8")
    en = run_cli("new", "client", "other-co", "-w", workspace, "--lang", "en")
    assert en.out.splitlines()[1] == "updated schemas/ids.schema.json for the editor (its list of ids)"
