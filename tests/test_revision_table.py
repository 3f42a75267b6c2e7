"""The 修订对照表 as a contracts lawyer reads it: one note per edit, clause texts filled in, a ladder
step as its refund-table row, and when the revisions take effect."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from test_releases import edit, pdf_text, set_version

from salesdocs import policies
from salesdocs.policy.diffwords import word_diff, wording_note

CASE_STUDY = "contract.articles[confidentiality].items[confidentiality-case-study]"
FORUM = "contract.articles[disputes].items[disputes-forum]"
BASIS = "contract.articles[agreement].items[agreement-basis]"
STEP = "refunds.ladders[copywriting].steps[rev-2]"
STEP_TEXT = "        text: 第二次修改后不满意，退还该件退款基数的 30%"
STEP_EN = "        text_en: Not satisfied after the second revision — 30% of the item's refund base is refunded"


@pytest.fixture
def reviewed(workspace: Path) -> Path:
    """The agency fixture released as 2026.1 (its copywriting step with an English text), and a
    working copy 2026.2 effective 2026-12-01 with the edits the lawyer reviewed."""
    edit(workspace, "rules/refunds.yaml", STEP_TEXT, f"{STEP_TEXT}\n{STEP_EN}")
    set_version(workspace, "2026.1", "2026-01-01")
    policies.release(workspace)
    edit(workspace, "rules/contract.yaml", "作品集、参赛或者宣传；", "作品集或者宣传，亦不得将其用于训练人工智能模型；")
    edit(workspace, "rules/contract.yaml", "双方应先协商解决；", "双方应先友好协商解决；")
    edit(workspace, "rules/contract.yaml", "甲方{client.name}委托", "甲方{client.name}（“{deal.title}”）委托")
    edit(workspace, "rules/company.yaml", "forum_court: 杭州市西湖区人民法院", "forum_court: 杭州市上城区人民法院")
    edit(
        workspace,
        "rules/refunds.yaml",
        f"percent: 30%\n{STEP_TEXT}\n{STEP_EN}",
        f"percent: 25%\n{STEP_TEXT.replace('30%', '25%')}\n{STEP_EN.replace('30%', '25%')}",
    )
    set_version(workspace, "2026.2", "2026-12-01")
    return workspace


def test_each_separate_edit_gets_its_own_phrase() -> None:
    note = wording_note(
        word_diff("用于案例展示、作品集、参赛或者宣传；甲方", "用于案例展示、作品集或者宣传，亦不得将其用于训练人工智能模型；甲方")
    )
    assert note == "文字修改：删去“、参赛”；在“或者宣传”后增加“，亦不得将其用于训练人工智能模型”"
    assert wording_note(word_diff("按期支付全部价款", "按期支付剩余价款")) == "文字修改：将“全部”改为“剩余”"  # same place
    assert wording_note(word_diff("甲方不满意的，按", "甲方不满意时按")) == "文字修改：将“甲方不满意的，按”改为“甲方不满意时按”"
    assert wording_note(word_diff("甲方应当付款", "应当付款")) == "文字修改：删去“甲方”"
    assert wording_note(word_diff("应当付款", "甲方应当付款")) == "文字修改：在开头增加“甲方”"


def test_the_lawyers_table(reviewed: Path, run_cli: Callable[..., object], tmp_path: Path) -> None:
    data = json.loads(run_cli("-w", reviewed, "policy", "diff", "2026.1", "rules", "--format", "json").out)  # type: ignore[attr-defined]
    changes = {c["path"]: c for c in data["changes"]}
    # 1. a deletion and an insertion at two places: two phrases, not one "将…改为…"
    assert changes[CASE_STUDY]["summary"] == "第13.3条：文字修改：删去“、参赛”；在“或者宣传”后增加“，亦不得将其用于训练人工智能模型”"
    # 2. placeholders filled: each side's own policy value, deal-specific names as labels; the source kept
    forum = changes[FORUM]
    assert forum["before"].endswith("任何一方均应向杭州市西湖区人民法院提起诉讼。")
    assert forum["after"].endswith("任何一方均应向杭州市上城区人民法院提起诉讼。")
    assert forum["source_after"].endswith("任何一方均应向{company.forum_court}提起诉讼。")
    assert forum["summary"] == "第17.2条：文字修改：在“双方应先”后增加“友好”；所引政策值随之改变（见该值的修订）"
    assert {"op": "delete", "text": "西湖"} in forum["words"] and {"op": "insert", "text": "上城"} in forum["words"]
    assert changes[BASIS]["after"].startswith("甲方〔甲方名称〕（“〔交易名称〕”）委托乙方青禾创意传播有限公司（示例）为“〔交易名称〕”项目")
    assert not any("{" in (c["before"] or "") + (c["after"] or "") for c in data["changes"])
    # 3. a ladder step as the refund table's row, 乙方保留 included, no English
    step = changes[STEP]
    assert step["summary"] == "文案类 · 第二次修改后不满意：退款比例 30% → 25%；乙方保留 70% → 75%"
    assert (step["before"], step["after"]) == (
        "第 2 次修改后不满意 · 退款比例 30% · 乙方保留 70%",
        "第 2 次修改后不满意 · 退款比例 25% · 乙方保留 75%",
    )

    pdf = tmp_path / "revisions.pdf"
    assert run_cli("-w", reviewed, "policy", "diff", "2026.1", "rules", "-o", pdf).exit_code == 0  # type: ignore[attr-defined]
    text = re.sub(r"\s+", "", pdf_text(pdf))
    # 4. when the revisions apply, from the new version's effective date
    assert "本对照表所列修订自2026年12月1日起施行，适用于该日及以后订立的协议；此前订立的协议仍适用原条款。" in text
    assert "第2次修改后不满意·退款比例30%·乙方保留70%" in text and "第2次修改后不满意·退款比例25%·乙方保留75%" in text
    assert "第13.3条：文字修改：删去“、参赛”；" in text and "在“或者宣传”后增加“，亦" in text  # the 说明 cell wraps
    assert "解决；协商不成的，任何一方均应向杭州市西湖区人民" in text  # the old court in 原条款 (cells wrap line by line)
    assert "〔交易名称〕" in text
    for raw in ("{company.forum_court}", "{deal.title}", "{client.name}", "Notsatisfied", "英文说明", "退款比例："):
        assert raw not in text


def test_a_step_whose_english_alone_changed_is_listed_as_english_text(workspace: Path) -> None:
    edit(workspace, "rules/refunds.yaml", STEP_TEXT, f"{STEP_TEXT}\n{STEP_EN}")
    set_version(workspace, "2026.1", "2026-01-01")
    policies.release(workspace)
    edit(workspace, "rules/refunds.yaml", "second revision —", "second round of revisions —")
    set_version(workspace, "2026.2", "2026-12-01")
    [change] = policies.diff(workspace, "2026.1", "rules").changes
    assert change.summary == "文案类 · 第二次修改后不满意：英文文本修改"
    assert change.before == "英文文本：Not satisfied after the second revision — 30% of the item's refund base is refunded"
    assert [(s.op, s.text) for s in change.segments if s.op != "equal"] == [("delete", "revision"), ("insert", "round of revisions")]
