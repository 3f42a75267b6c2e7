"""`salesdocs check` as a person sees it: compiler-style text, languages, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from salesdocs.errors import SalesdocsError

SERVICES = "rules/services.yaml"


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the sample {rel} changed: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _typo(root: Path) -> None:
    _replace(
        root,
        SERVICES,
        "        revisions:\n          included: 3\n          extra_price: 60\n",
        "        revisons:\n          included: 3\n          extra_price: 60\n",
    )


# ------------------------------------------------------------------------- text format


def test_text_output_is_compiler_style(workspace: Path, run_cli) -> None:
    _typo(workspace)
    result = run_cli("check", "--workspace", workspace)
    assert result.exit_code == 1
    assert result.out.splitlines()[:4] == [
        "rules/services.yaml:24:9: 错误[unknown-key]: 未知的键 revisons",
        " 24 |         revisons:",
        "    |         ^",
        "  = 提示：是不是想写 revisions？",
    ]
    assert result.out.rstrip().splitlines()[-1] == "检查了 14 个文件：1 个错误，0 个警告"
    assert "Traceback" not in result.out + result.err


def test_text_output_in_english(workspace: Path, run_cli) -> None:
    _typo(workspace)
    result = run_cli("check", "--workspace", workspace, "--lang", "en")
    assert result.exit_code == 1
    assert result.out.splitlines()[:4] == [
        "rules/services.yaml:24:9: error[unknown-key]: unknown key revisons",
        " 24 |         revisons:",
        "    |         ^",
        "  = hint: did you mean `revisions`?",
    ]
    assert result.out.rstrip().splitlines()[-1] == "checked 14 files: 1 error(s), 0 warning(s)"
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in result.out.replace("revisons", ""))


def test_text_output_in_both_languages(workspace: Path, run_cli) -> None:
    _typo(workspace)
    result = run_cli("check", "--workspace", workspace, "--lang", "both")
    assert result.exit_code == 1
    assert result.out.splitlines()[:6] == [
        "rules/services.yaml:24:9: 错误[unknown-key]: 未知的键 revisons",
        "    unknown key revisons",
        " 24 |         revisons:",
        "    |         ^",
        "  = 提示：是不是想写 revisions？",
        "  = hint: did you mean `revisions`?",
    ]
    assert result.out.rstrip().splitlines()[-2:] == ["检查了 14 个文件：1 个错误，0 个警告", "checked 14 files: 1 error(s), 0 warning(s)"]


def test_caret_counts_chinese_characters_as_two_columns(workspace: Path, run_cli) -> None:
    _replace(workspace, SERVICES, "deliverables: [排版完成的公众号图文, 配图", "deliverables: [排版完成的公众号图文，配图")
    lines = run_cli("check", "--workspace", workspace).out.splitlines()
    assert lines[0].startswith("rules/services.yaml:23:34: 错误[fullwidth-comma]: ")
    assert lines[1] == " 23 |         deliverables: [排版完成的公众号图文，配图与素材来源清单]"
    # 8 spaces + "deliverables: [" = 23 columns, then ten Chinese characters of two columns each
    assert lines[2] == "    | " + " " * (23 + 2 * 10) + "^"


def test_caret_after_chinese_text_on_a_yaml_syntax_error(workspace: Path, run_cli) -> None:
    _replace(workspace, "rules/terms.yaml", "    name: 预付款", "    name: 时间: 9:00")
    lines = run_cli("check", "--workspace", workspace).out.splitlines()
    assert lines[0].startswith("rules/terms.yaml:18:13: 错误[yaml-syntax]: ")
    assert lines[1] == " 18 |     name: 时间: 9:00"
    assert lines[2] == "    |" + " " * (1 + len("    name: ") + 4) + "^"


def test_whole_file_problem_has_no_line_number(workspace: Path, run_cli) -> None:
    (workspace / "rules" / "terms.yaml").unlink()
    result = run_cli("check", "--workspace", workspace, "--lang", "en")
    assert result.exit_code == 1
    assert result.out.splitlines()[0] == "rules/terms.yaml: error[missing-file]: the rules file rules/terms.yaml is missing"


def test_clean_sample_in_text_and_json(workspace: Path, run_cli) -> None:
    text = run_cli("check", "--workspace", workspace)
    assert text.exit_code == 0
    assert "0 个错误，0 个警告" in text.out
    data = run_cli("check", "--workspace", workspace, "--format", "json")
    assert data.exit_code == 0
    assert json.loads(data.out) == []


def test_warnings_pass_unless_strict(workspace: Path, run_cli) -> None:
    (workspace / "rules" / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    relaxed = run_cli("check", "--workspace", workspace, "--lang", "en")
    assert relaxed.exit_code == 0
    assert relaxed.out.startswith("rules/notes.yaml: warning[unknown-file]: ")
    strict = run_cli("check", "--workspace", workspace, "--lang", "en", "--strict")
    assert strict.exit_code == 1
    assert strict.out.startswith("rules/notes.yaml: error[unknown-file]: ")


def test_a_yml_copy_of_a_deal_is_an_error_and_quote_says_why(workspace: Path, run_cli) -> None:
    deal = workspace / "deals" / "2026-002-mingcha-content.yaml"
    copy = deal.with_suffix(".yml")
    copy.write_text(deal.read_text(encoding="utf-8").replace("title:", "title: 副本的标题 #", 1), encoding="utf-8")
    check = run_cli("check", "--workspace", workspace)
    assert check.exit_code == 1
    assert check.out.startswith(
        "deals/2026-002-mingcha-content.yml:3:5: 错误[duplicate-id]: 2026-002-mingcha-content.yml 与 deals/2026-002-mingcha-content.yaml "
        "是同一个编号的两个文件；2026-002-mingcha-content.yml 不会被读取（扩展名不是 .yaml）"
    ), check.out
    quote = run_cli("quote", "2026-002-mingcha-content", "--workspace", workspace, "--lang", "both")
    assert quote.exit_code == 1
    assert "deals/2026-002-mingcha-content.yml:3:5: 错误[duplicate-id]" in quote.err
    assert "are two files for the same id" in quote.err
    assert "0 个文件" not in quote.err and "0 个错误" not in quote.err
    assert "检查了 1 个文件：1 个错误，0 个警告" in quote.err
    # naming the copy does not quietly use the .yaml deal instead
    render = run_cli("render", "quote", "deals/2026-002-mingcha-content.yml", "--workspace", workspace, "--lang", "en")
    assert render.exit_code == 1
    assert "deals/2026-002-mingcha-content.yml:3:5: error[duplicate-id]" in render.err and "wrote" not in render.out


def test_a_failure_without_problems_never_says_0_files_0_errors(workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from salesdocs import workspace as workspace_module
    from salesdocs.errors import PolicyError

    def fail(path: object = None) -> None:
        raise PolicyError([])

    monkeypatch.setattr(workspace_module, "load_workspace", fail)
    quote = run_cli("quote", "2026-002-mingcha-content", "--workspace", workspace, "--lang", "both")
    assert quote.exit_code == 1
    assert "无法载入工作区，但没有具体的问题可列出" in quote.err and "the workspace could not be loaded" in quote.err
    assert "0 个文件" not in quote.err


def test_a_new_workspace_from_init_passes_check(tmp_path: Path, run_cli) -> None:
    target = tmp_path / "new"
    assert run_cli("init", target).exit_code == 0
    result = run_cli("check", "--workspace", target, "--format", "json")
    assert result.exit_code == 0, result.out
    # nothing but the example's placeholders to fill in (tests/test_editing_slips.py lists them)
    assert {(p["code"], p["severity"]) for p in json.loads(result.out)} == {("placeholder-text", "warning")}


def test_ladder_steps_have_stable_ids(pristine_workspace: Path) -> None:
    from salesdocs.workspace import load_workspace

    ladders = load_workspace(pristine_workspace).policy.ladders
    assert {ladder.id: [(step.id, step.number) for step in ladder.steps] for ladder in ladders} == {
        "design": [("first-draft", 1), ("rev-1-3", 2), ("rev-4-and-later", 3)],
        "copywriting": [("first-draft", 1), ("rev-1", 2), ("rev-2", 3), ("rev-3-and-later", 4)],
    }


# -------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["check", "--bogus"], id="unknown-option"),
        pytest.param(["check", "--lang", "xx"], id="unknown-language"),
        pytest.param(["--lang", "xx", "check"], id="unknown-language-before-command"),
        pytest.param(["check", "--format", "xml"], id="unknown-format"),
        pytest.param(["chekc"], id="unknown-command"),
        pytest.param(["check", "extra-argument"], id="extra-argument"),
    ],
)
def test_bad_command_line_exits_2(args: list[str], workspace: Path, run_cli) -> None:
    result = run_cli(*args, "--workspace", workspace) if args[0] == "check" else run_cli(*args)
    assert result.exit_code == 2
    assert result.err.strip()
    assert "Traceback" not in result.out + result.err


def test_unknown_language_names_the_choices(workspace: Path, run_cli) -> None:
    result = run_cli("check", "--workspace", workspace, "--lang", "xx")
    assert result.exit_code == 2
    assert "xx" in result.err and "zh" in result.err and "en" in result.err


def test_no_workspace_exits_2(tmp_path: Path, run_cli) -> None:
    result = run_cli("check", "--workspace", tmp_path)
    assert result.exit_code == 2
    assert "rules/" in result.err
    assert "Traceback" not in result.out + result.err


def test_internal_bug_exits_3_with_a_crash_log(workspace: Path, run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import salesdocs.workspace

    def broken(root: Path):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(salesdocs.workspace, "check_workspace", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    result = run_cli("check", "--workspace", workspace, "--format", "json")
    assert result.exit_code == 3
    assert "Traceback" not in result.out + result.err
    assert "simulated bug" not in result.out + result.err
    logs = list((tmp_path / "tmp" / "salesdocs-crash-logs").glob("crash-*.log"))
    assert len(logs) == 1
    assert str(logs[0]) in result.err
    log = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: simulated bug" in log


@pytest.mark.parametrize("error", [RuntimeError("simulated pricing bug"), SalesdocsError("模拟的错误", "simulated pricing bug")])
def test_a_bug_while_pricing_a_deal_is_not_a_user_problem(error: Exception, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a discount above the subtotal (and amounts or dates out of range) become problems; anything else propagates."""
    import salesdocs.engine.pricing
    from salesdocs.workspace import check_workspace

    def broken(*args: object) -> None:
        raise error

    monkeypatch.setattr(salesdocs.engine.pricing, "price_deal", broken)
    with pytest.raises(type(error), match="simulated pricing bug"):
        check_workspace(workspace)


def test_a_bug_while_pricing_a_deal_exits_3_with_a_crash_log(
    workspace: Path, run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import salesdocs.engine.pricing

    def broken(*args: object) -> None:
        raise RuntimeError("simulated pricing bug")

    monkeypatch.setattr(salesdocs.engine.pricing, "price_deal", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    result = run_cli("check", "--workspace", workspace, "--format", "json")
    assert result.exit_code == 3
    assert "discount-too-large" not in result.out + result.err
    logs = list((tmp_path / "tmp" / "salesdocs-crash-logs").glob("crash-*.log"))
    assert len(logs) == 1
    assert "RuntimeError: simulated pricing bug" in logs[0].read_text(encoding="utf-8")


def test_console_script_exit_codes(pristine_workspace: Path, tmp_path: Path) -> None:
    """The installed entry point, in a real process: 0 clean, 2 bad command line."""
    script = Path(sys.executable).with_name("salesdocs")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "salesdocs"]
    ok = subprocess.run(
        [*command, "check", "-w", str(pristine_workspace), "--format", "json"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == []
    bad = subprocess.run(
        [*command, "check", "-w", str(pristine_workspace), "--lang", "xx"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stdout + bad.stderr
