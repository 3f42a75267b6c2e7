"""Issue 11: what a newcomer's slips do beyond one check run (the corpus has the located messages).

* one broken file blocks only the documents that use it (``render`` follows the rule ``build`` uses);
* the fix a hint gives works the first time where the corpus cannot apply it as a text edit;
* placeholder text left from ``init`` is a warning (an error under ``--strict``).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from salesdocs.build import build

BROKEN_DEAL = "deals/2026-003-jingyi-expo.yaml"


@pytest.fixture
def one_broken_deal(workspace: Path) -> Path:
    path = workspace / BROKEN_DEAL
    text = path.read_text(encoding="utf-8")
    assert "    quantity: 1\n" in text
    path.write_text(text.replace("    quantity: 1\n", "    quantity: 七\n", 1), encoding="utf-8")
    return workspace


def test_render_intro_beside_a_broken_deal_warns_and_renders(one_broken_deal: Path, tmp_path: Path, run_cli) -> None:
    out = tmp_path / "intro.pdf"
    result = run_cli("render", "intro", "-w", one_broken_deal, "-o", out, "--lang", "both")
    assert result.exit_code == 0, result.err
    assert out.is_file()
    assert f"警告：这些文件有错误，本文档没有用到它们，已照常生成：{BROKEN_DEAL}" in result.err
    assert f"warning: these files have errors; this document does not use them and was made as usual: {BROKEN_DEAL}" in result.err


def test_render_another_clients_visit_pack_beside_a_broken_deal(one_broken_deal: Path, tmp_path: Path, run_cli) -> None:
    result = run_cli("render", "visit-pack", "yunfan-tech", "-w", one_broken_deal, "-o", tmp_path / "vp", "--format", "json")
    assert result.exit_code == 0, result.err
    data = json.loads(result.out)
    assert [Path(p).name for p in data["written"]] == ["brief.pdf", "handout.pdf"]
    assert data["not_used_with_errors"] == [BROKEN_DEAL]


@pytest.mark.parametrize(
    ("args", "lang", "words"),
    [
        (("quote", "2026-003-jingyi-expo"), "zh", "应为整数，实际是文字“七”"),
        (("appendix", "2026-003-jingyi-expo"), "en", "expected a whole number, got the text '七'"),
        (("visit-pack", "jingyi-parts"), "en", "expected a whole number"),  # its latest deal is the broken one
    ],
)
def test_documents_using_the_broken_deal_are_refused_with_its_problems(
    one_broken_deal: Path, tmp_path: Path, run_cli, args: tuple[str, ...], lang: str, words: str
) -> None:
    result = run_cli("render", *args, "-w", one_broken_deal, "-o", tmp_path / "x", "--lang", lang)
    assert result.exit_code == 1
    assert f"{BROKEN_DEAL}:12:15: " in result.err and "[wrong-type]" in result.err and words in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "x").exists()


def test_a_deal_whose_client_file_is_broken_is_refused(workspace: Path, tmp_path: Path, run_cli) -> None:
    client = workspace / "clients/mingcha-tea.yaml"
    client.write_text(client.read_text(encoding="utf-8").replace("presales_stage: 5", "presales_stage: 五"), encoding="utf-8")
    check = run_cli("check", "-w", workspace, "--format", "json")
    # the deal naming the client is not told that the client is unknown: the client's own problem says what is wrong
    assert [(p["file"], p["code"]) for p in json.loads(check.out)] == [("clients/mingcha-tea.yaml", "wrong-type")]
    result = run_cli("render", "quote", "2026-002-mingcha-content", "-w", workspace, "-o", tmp_path / "q.pdf", "--lang", "en")
    assert result.exit_code == 1
    assert "clients/mingcha-tea.yaml:36:17: error[wrong-type]" in result.err


def test_build_and_render_follow_the_same_rule(one_broken_deal: Path, tmp_path: Path) -> None:
    failed: dict[str, str] = {}
    report = build(one_broken_deal, tmp_path / "out", jobs=1, only=lambda job: job.target in ("jingyi-parts", "2026-003-jingyi-expo"))
    for r in report.results:
        assert r.status == "failed"
        failed[r.job.label] = r.en
    assert sorted(failed) == ["appendix 2026-003-jingyi-expo", "brief jingyi-parts", "handout jingyi-parts", "quote 2026-003-jingyi-expo"]
    assert all(message.startswith(f"{BROKEN_DEAL}:12:15: ") for message in failed.values())


def test_removing_a_backup_copy_as_the_hint_says_passes(workspace: Path, run_cli) -> None:
    copy = workspace / "deals/2026-001-yunfan-launch - 副本.yaml"
    copy.write_bytes((workspace / "deals/2026-001-yunfan-launch.yaml").read_bytes())
    result = run_cli("check", "-w", workspace, "--format", "json", "--strict")
    assert result.exit_code == 1
    assert [(p["file"], p["line"], p["code"]) for p in json.loads(result.out)] == [
        (copy.relative_to(workspace).as_posix(), 0, "backup-copy")
    ]
    copy.unlink()
    assert run_cli("check", "-w", workspace, "--strict").exit_code == 0


PLACEHOLDERS = [
    ("deals/example-deal.yaml", 4, 8),
    ("deals/example-deal.yaml", 10, 8),  # sales: 联系人姓名
    ("deals/example-deal.yaml", 13, 14),
    ("deals/example-deal.yaml", 13, 33),  # client@example.com
    ("rules/aftersales.yaml", 15, 67),
    ("rules/company.yaml", 11, 7),
    ("rules/company.yaml", 15, 11),  # the init template's stand-ins: 联系人姓名, 000-0000-0000, sales@example.com
    ("rules/company.yaml", 16, 12),
    ("rules/company.yaml", 17, 12),
    ("rules/company.yaml", 19, 14),
    ("rules/company.yaml", 21, 9),
    ("rules/company.yaml", 22, 12),  # 0000 0000 0000 0000
    *[("rules/company.yaml", line, column) for line, column in ((27, 32), (28, 35), (29, 30), (30, 32), (31, 31), (32, 32))],
]


def test_placeholders_left_from_init_are_warnings_then_errors_under_strict(tmp_path: Path, run_cli) -> None:
    target = tmp_path / "new"
    assert run_cli("init", target).exit_code == 0
    result = run_cli("check", "-w", target, "--format", "json", "--lang", "both")
    assert result.exit_code == 0
    problems = json.loads(result.out)
    assert [(p["file"], p["line"], p["column"]) for p in problems] == PLACEHOLDERS
    assert {(p["code"], p["severity"]) for p in problems} == {("placeholder-text", "warning")}
    first = problems[0]
    assert first["message_zh"] == "这里还是示例的占位文字“示例项目（请修改）”，请换成真实内容"
    assert first["message_en"] == "this is still the example's placeholder text '示例项目（请修改）'; replace it with the real content"
    assert first["hint_zh"] == "写上你们自己的内容（生成的文档会原样印出这段文字）"
    strict = run_cli("check", "-w", target, "--format", "json", "--strict")
    assert strict.exit_code == 1
    assert {p["severity"] for p in json.loads(strict.out)} == {"error"}
    # the fix: write real content where the example asks for it
    for rel in {file for file, _, _ in PLACEHOLDERS}:
        path = target / rel
        text = path.read_text(encoding="utf-8").replace("（请修改）", "").replace("text: 请填写", "text: 十年行业经验")
        for old, new in (
            ("name: 联系人姓名", "name: 林晓"),
            ("sales: 联系人姓名", "sales: 林晓"),
            ("000-0000-0000", "0571-8888-1234"),
            ("sales@example.com", "lin@qinghe.cn"),
            ("client@example.com", "zhao@client.cn"),
            ("0000 0000 0000 0000", "6222 0210 1234 5678"),
        ):
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    fixed = run_cli("check", "-w", target, "--strict")
    assert fixed.exit_code == 0, fixed.out


def test_init_stand_ins_come_from_the_template_and_render_warns_of_those_it_prints(tmp_path: Path, run_cli) -> None:
    from salesdocs.policy.checks.leftovers import template_placeholders

    assert template_placeholders() == {"联系人姓名", "000-0000-0000", "sales@example.com", "client@example.com", "0000 0000 0000 0000"}
    target = tmp_path / "new"
    assert run_cli("init", target).exit_code == 0
    check = run_cli("check", "-w", target, "--lang", "both").out
    assert "rules/company.yaml:16:12: 警告[placeholder-text]: 这里还是示例的占位文字“000-0000-0000”，请换成真实内容" in check
    assert "    this is still the example's placeholder text '0000 0000 0000 0000'; replace it with the real content" in check
    result = run_cli("render", "quote", "example-deal", "-w", target, "-o", tmp_path / "q.pdf")
    assert result.exit_code == 0 and (tmp_path / "q.pdf").is_file()
    shown = [line for line in result.err.splitlines() if "[placeholder-text]" in line]
    # what the quote prints (not the advantages, the court or the bank, which are the appendix's and the intro's)
    assert [line.split(": 警告")[0] for line in shown] == [
        "deals/example-deal.yaml:4:8",
        "deals/example-deal.yaml:10:8",
        "deals/example-deal.yaml:13:14",
        "rules/company.yaml:11:7",
        "rules/company.yaml:15:11",
        "rules/company.yaml:16:12",
        "rules/company.yaml:17:12",
    ]
    assert "deals/example-deal.yaml:10:8: 警告[placeholder-text]: 这里还是示例的占位文字“联系人姓名”，请换成真实内容" in result.err
    assert result.err.rstrip().endswith("警告：这份给客户的文档里还有 7 处示例的占位文字，发出前请换成真实内容")
    text = subprocess.run(["pdftotext", tmp_path / "q.pdf", "-"], capture_output=True, text=True, check=True).stdout
    assert "联系人姓名 · 000-0000-0000 · sales@example.com" in text and "请填写" not in text


def test_init_says_what_sample_true_does_and_where_the_templates_are(tmp_path: Path, run_cli) -> None:
    from salesdocs.render.inputs import PACKAGED_TEMPLATES

    target = tmp_path / "new"
    assert run_cli("init", target).exit_code == 0
    company = (target / "rules/company.yaml").read_text(encoding="utf-8")
    assert "# sample: true 表示这是示例公司：每份生成的文档顶部都会印出“示例公司与示例数据，仅供演示”的提示。" in company
    assert "delete this line (or write sample: false)" in company
    readme = (target / "templates/README.md").read_text(encoding="utf-8")
    packaged = PACKAGED_TEMPLATES.resolve()
    assert f"自带模板在 salesdocs 安装目录下的 defaults/templates/ 里；在这台电脑上是：\n\n    {packaged}\n" in readme
    assert "quote.html" in readme and (packaged / "quote.html").is_file()
    guide = (Path(__file__).resolve().parent.parent / "docs/policy-guide.md").read_text(encoding="utf-8")
    assert "**`sample: true`（`rules/company.yaml`）**：表示这是示例公司" in guide
