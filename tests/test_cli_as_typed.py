"""The command line as a person types it (issue 11, item 9): every case through ``salesdocs.cli.main``,
asserting the exit code and the words of the message in Chinese and in English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CliResult, edit_file


def _both(run_cli, *args: object) -> tuple[CliResult, CliResult]:  # type: ignore[no-untyped-def]
    return run_cli(*args), run_cli(*args, "--lang", "en")


def test_lang_has_help_text(run_cli) -> None:  # type: ignore[no-untyped-def]
    for args in (("--help",), ("check", "--help"), ("init", "--help"), ("due", "--help")):
        result = run_cli(*args)
        assert result.exit_code == 0
        assert "--lang [zh|en|both]" in result.out and "消息语言" in result.out and "message language" in result.out


def test_usage_errors_in_the_users_language(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    zh, en = _both(run_cli, "chek")
    assert (zh.exit_code, en.exit_code) == (2, 2)
    assert "没有这个命令：chek（是不是 check？）" in zh.err and "No such command 'chek'" in en.err
    zh, en = _both(run_cli, "due", "logo-design", "-w", workspace)
    assert "缺少选项 --start" in zh.err and "Missing option '--start'" in en.err
    # -w before the command
    assert run_cli("-w", workspace, "check").exit_code == 0


def test_check_outside_a_workspace_prints_json(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    zh, en = _both(run_cli, "check", "--format", "json")
    assert (zh.exit_code, en.exit_code) == (2, 2)
    error = json.loads(zh.out)["error"]
    assert error["kind"] == "usage" and error["exit_code"] == 2 and "找不到工作区" in error["message"]
    assert "no workspace (a folder with rules/)" in json.loads(en.out)["error"]["message"]
    assert "找不到工作区" in zh.err  # people still read stderr
    # usage errors and problems in files are JSON too
    assert json.loads(run_cli("chek", "--format=json").out)["error"]["message"].startswith("没有这个命令：chek")


def test_a_broken_workspace_as_json(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (workspace / "rules" / "terms.yaml").unlink()
    result = run_cli("quote", "2026-001-yunfan-launch", "-w", workspace, "--format", "json")
    assert result.exit_code == 1
    error = json.loads(result.out)["error"]
    assert error["kind"] == "policy" and error["problems"][0]["code"] == "missing-file"


def test_init_as_json(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("init", tmp_path / "new", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.out)
    assert data["created"] == str(tmp_path / "new") and str(tmp_path / "new" / "rules" / "terms.yaml") in data["files"]
    assert data["next"] == f"cd {tmp_path / 'new'} && salesdocs check"


@pytest.mark.parametrize(
    ("stage", "zh"),
    [
        ("初稿", "初稿不满意：退还 ¥1,000.00 的 70%"),
        ("第二次修改", "第 2 次修改后不满意：退还 ¥1,000.00 的 30%"),
        ("第2次修改后", "第 2 次修改后不满意：退还 ¥1,000.00 的 30%"),
        ("二改", "第 2 次修改后不满意：退还 ¥1,000.00 的 30%"),
        ("revision2", "第 2 次修改后不满意：退还 ¥1,000.00 的 30%"),
        ("second revision", "第 2 次修改后不满意：退还 ¥1,000.00 的 30%"),
        ("第一次修改后", "第 1 次修改后不满意：退还 ¥1,000.00 的 50%"),
    ],
)
def test_refund_stages_as_people_write_them(workspace: Path, run_cli, stage: str, zh: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("refund", "copywriting", "--stage", stage, "--amount", "1000", "-w", workspace)
    assert result.exit_code == 0, result.err
    assert result.out.startswith(f"copywriting/standard，{zh}")


def test_a_bare_number_is_answered_with_the_matching_id(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    zh, en = _both(run_cli, "refund", "copywriting", "--stage", "2", "--amount", "1000", "-w", workspace)
    assert (zh.exit_code, en.exit_code) == (2, 2)
    assert zh.err.strip() == "阶段 2 不明确：是第 2 次修改后（--stage revision-2）吗？初稿写 first-draft"
    assert en.err.strip() == "stage 2 is ambiguous: do you mean after revision 2 (--stage revision-2)? The first draft is first-draft"


def test_a_date_that_does_not_exist(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    zh, en = _both(run_cli, "due", "logo-design", "--start", "2026-02-30", "-w", workspace)
    assert (zh.exit_code, en.exit_code) == (2, 2)
    assert zh.err.strip() == "--start：2026-02-30 这一天不存在：2026 年 2 月只有 28 天"
    assert en.err.strip() == "--start: 2026-02-30 does not exist: February 2026 has 28 days"
    assert "no month 13" in run_cli("due", "logo-design", "--start", "2026-13-01", "-w", workspace, "--lang", "en").err
    # a malformed one is still a format problem
    assert "日期格式不对：2026/02/03" in run_cli("due", "logo-design", "--start", "2026/02/03", "-w", workspace).err


def test_a_service_named_by_its_chinese_name(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("due", "LOGO设计", "--tier", "标准版", "--start", "2026-09-28", "-w", workspace)
    assert result.exit_code == 0
    assert result.out.startswith("logo-design/standard：2026-09-28 开始")
    zh, en = _both(run_cli, "due", "海报", "--start", "2026-09-28", "-w", workspace)
    assert zh.exit_code == 2 and "可选：wechat-article（公众号文章）, logo-design（LOGO 设计）" in zh.err
    assert en.exit_code == 2 and "choose one of: wechat-article, logo-design" in en.err


def test_no_english_in_a_chinese_refund_message(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # a ladder whose last step ends: revision-5 is then outside it
    edit_file(
        workspace,
        "rules/refunds.yaml",
        "        from: revision-3\n        percent: 20%\n",
        "        from: revision-3\n        to: revision-3\n        percent: 20%\n",
    )
    zh, en = _both(run_cli, "refund", "copywriting", "--stage", "revision-5", "--amount", "1000", "-w", workspace)
    assert (zh.exit_code, en.exit_code) == (0, 0)
    assert zh.out.strip() == "copywriting/standard，第 5 次修改后：不在退款阶梯内 — 退款阶梯 copywriting 没有规定第 5 次修改后的退款"
    assert en.out.strip() == "copywriting/standard, after revision 5: not covered — ladder copywriting has no step for after revision 5"


def test_missing_file_has_its_hint_in_both_languages(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (workspace / "rules" / "terms.yaml").unlink()
    zh, en = _both(run_cli, "check", "-w", workspace)
    assert (zh.exit_code, en.exit_code) == (1, 1)
    assert "rules/terms.yaml: 错误[missing-file]: 缺少规则文件 rules/terms.yaml" in zh.out
    assert "= 提示：运行 salesdocs init 新建一个样例工作区（例如 salesdocs init /tmp/样例），把其中的 rules/terms.yaml 复制到这里" in zh.out
    assert "rules/terms.yaml: error[missing-file]: the rules file rules/terms.yaml is missing" in en.out
    assert "= hint: run salesdocs init to make an example workspace" in en.out


def test_render_output_is_a_pdf_a_docx_or_a_folder(minimal_workspace: Path, tmp_path_factory: pytest.TempPathFactory, run_cli) -> None:  # type: ignore[no-untyped-def]
    deal = next((minimal_workspace / "deals").glob("*.yaml")).stem
    tmp_path = tmp_path_factory.mktemp("output")
    # a name Word users type, and a name without an ending: refused before anything is written
    zh, en = _both(run_cli, "render", "quote", deal, "-o", tmp_path / "报价.doc", "-w", minimal_workspace)
    assert (zh.exit_code, en.exit_code) == (2, 2)
    assert (
        f"-o {tmp_path / '报价.doc'}：salesdocs 不写旧的 .doc 格式；请写 {tmp_path / '报价.pdf'}，或报价单、合同附件写 {tmp_path / '报价.docx'}"
        in zh.err
    )
    assert "does not write the old .doc format" in en.err
    zh, en = _both(run_cli, "render", "intro", "-o", tmp_path / "intro", "-w", minimal_workspace)
    assert (zh.exit_code, en.exit_code) == (2, 2)
    assert f"文件名要以 .pdf 或 .docx 结尾，例如 -o {tmp_path / 'intro.pdf'}；要放进一个文件夹，请在末尾加 /" in zh.err
    assert "the file name must end in .pdf or .docx" in en.err
    zh, _ = _both(run_cli, "render", "intro", "-o", tmp_path / "intro.pdf.txt", "-w", minimal_workspace)
    assert f"例如 -o {tmp_path / 'intro.pdf'}；" in zh.err  # not intro.pdf.pdf
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    (tmp_path / "a.pdf").write_bytes(b"%PDF-")
    zh, en = _both(run_cli, "render", "intro", "-o", f"{tmp_path / 'a.pdf'}/", "-w", minimal_workspace)
    assert (zh.exit_code, en.exit_code) == (2, 2)
    assert f"{tmp_path / 'a.pdf'} 是一个文件，不是文件夹；要写成这个文件，去掉末尾的 /" in zh.err and "is a file, not a folder" in en.err
    (tmp_path / "a.pdf").unlink()
    # a folder, existing or written with a trailing /: the document's usual name in it
    made = run_cli("render", "intro", "-o", f"{tmp_path / 'new-folder'}/", "-w", minimal_workspace)
    assert made.exit_code == 0, made.err
    assert (tmp_path / "new-folder" / "intro.pdf").read_bytes().startswith(b"%PDF-")
    made = run_cli("render", "quote", deal, "-o", tmp_path / "new-folder", "-w", minimal_workspace)
    assert made.exit_code == 0, made.err
    assert sorted(p.name for p in (tmp_path / "new-folder").iterdir()) == ["intro.pdf", f"quote-{deal}.pdf"]
    # the ending decides the format, whatever its case
    assert run_cli("render", "intro", "-o", tmp_path / "INTRO.PDF", "-w", minimal_workspace).exit_code == 0
    assert (tmp_path / "INTRO.PDF").read_bytes().startswith(b"%PDF-")


def test_a_commands_options_typed_before_its_name(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("--format", "json", "-w", workspace, "check")
    assert result.exit_code == 0 and json.loads(result.out) == []
    assert run_cli("--strict", "--lang", "en", "check", "-w", workspace).exit_code == 0
    # an option the command does not have is still refused, in the user's language
    zh, en = _both(run_cli, "--jobs", "2", "check", "-w", workspace)
    assert (zh.exit_code, en.exit_code) == (2, 2)
    assert "没有这个选项：--jobs" in zh.err and "No such option '--jobs'" in en.err
