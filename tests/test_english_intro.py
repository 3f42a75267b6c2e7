"""The company intro and the visit-pack handout in English and 中英对照 (issue 15, second part)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from test_english import ENGLISH_MINIMAL

from salesdocs.build import plan
from salesdocs.render.documents import prepare, render
from salesdocs.workspace import check_workspace, load_workspace

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _text(pdf: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)


def _flat(text: str) -> str:
    """Text without spaces, line breaks or hyphens (English lines are hyphenated where they break)."""
    return re.sub(r"[\s\-\u2010]", "", text)


@pytest.fixture(scope="module")
def sample_intro(sample_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    ws = load_workspace(sample_workspace)
    out = tmp_path_factory.mktemp("intro")
    return {
        "ws": ws,
        "en": render(ws, "intro", None, out / "intro-en.pdf", doc_lang="en")[0],
        "zh-en": render(ws, "intro", None, out / "intro-zh-en.pdf", doc_lang="zh-en")[0],
        "pack": render(ws, "visit-pack", "nordlicht-home", out / "nordlicht-home"),
    }


def test_english_intro_of_the_sample_has_no_chinese_english_dates_and_amounts(sample_intro: dict[str, Any]) -> None:
    text = _text(sample_intro["en"])
    assert not CJK.findall(text)  # even the contacts' names have their pinyin
    flat = _flat(text)
    for phrase in (
        "Company Profile",
        "1 January 2026 · Policy version 2026.1",  # the policy's effective date, in English
        "Six reasons to work with us",
        "Growing together with our clients",
        "RMB 3,000.00 per set",  # Logo design · Standard
        "RMB 6,800.00 per set",
        "3–5 working days",
        "9:00–18:30 on working days",
        "Problems that cannot be solved remotely are promptly solved on site (within 2 working days)",
        "Errors on our side are corrected free of charge within 90 days of acceptance",
        "70% for the first draft, 50% after revisions 1–3 and 30% after revision 4 and later",
        "Lin Xiao",
    ):
        assert _flat(phrase) in flat, phrase


def test_bilingual_intro_has_each_heading_in_chinese_then_english(sample_intro: dict[str, Any]) -> None:
    text = _flat(_text(sample_intro["zh-en"]))
    position = -1
    pairs = [("公司简介", "About us"), ("机构设置", "Our team"), ("我们的六大优势", "Six reasons to work with us")]
    pairs += [("服务目录与价格", "Services and prices"), ("售后承诺", "Our after-sales promise"), ("联系我们", "Contact us")]
    for zh, en in pairs:
        found_zh = text.find(_flat(zh), position + 1)
        found_en = text.find(_flat(en), found_zh + 1)
        assert position < found_zh < found_en, zh
        position = found_en


def test_the_english_clients_handout_is_english_and_the_brief_chinese(sample_intro: dict[str, Any]) -> None:
    brief, handout = sample_intro["pack"]
    text = _text(handout)
    assert not CJK.findall(text)
    flat = _flat(text)
    for phrase in ("Prepared for", "Nordlicht Home Goods (Hangzhou) Co., Ltd. (sample)", "Order form", "Quotation · QH-2026-004"):
        assert _flat(phrase) in flat, phrase
    assert _flat("We log every issue you raise") in flat  # an after-sales duty's text_en
    assert _flat("SAY RMB SIX THOUSAND FIVE HUNDRED AND FORTY-FIVE YUAN AND FIFTY FEN ONLY") in flat
    brief_text = _text(brief)
    assert "拜访准备" in brief_text and "About us" not in brief_text
    ws = sample_intro["ws"]
    assert prepare(ws, "handout", "yunfan-tech").context["doc"]["lang"] == "zh"
    assert prepare(ws, "handout", "nordlicht-home").context["doc"]["lang"] == "en"


def test_bilingual_handout_has_both_languages_in_order(make_workspace: Callable[..., Path], tmp_path: Path) -> None:
    root = make_workspace(
        "minimal", *ENGLISH_MINIMAL, ("clients/acme.yaml", "name: 示例客户有限公司", "name: 示例客户有限公司\nlanguage: zh-en")
    )
    assert check_workspace(root).problems == []
    brief, handout = render(load_workspace(root), "visit-pack", "acme", tmp_path / "acme")
    text = _flat(_text(handout))
    position = -1
    for zh, en in (
        ("为以下客户准备", "Prepared for"),
        ("示例客户有限公司", "Example Client Co., Ltd."),
        ("只有一项服务的测试工作区。", "A test workspace with a single service."),
        ("视觉设计", "Visual design"),
        ("一项服务", "One service"),
        ("资金优势", "Our finances"),
        ("LOGO 设计 · 标准版", "Logo design · Standard"),
        ("远程无法解决的问题上门解决", "Problems that cannot be solved remotely are solved on site"),
        ("报价单", "Quotation"),
        ("贰仟壹佰贰拾元整", "SAY RMB TWO THOUSAND ONE HUNDRED AND TWENTY YUAN ONLY"),
        ("订货单", "Order form"),
        ("联系我们", "Contact us"),
    ):
        found_zh = text.find(_flat(zh), position + 1)
        found_en = text.find(_flat(en), found_zh + 1)
        assert position < found_zh < found_en, (zh, en)
        position = found_en
    assert "Prepared for" not in _text(brief)


def test_missing_english_for_the_intro_is_a_located_error_in_zh_and_en(
    make_workspace: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    # a Chinese-only workspace needs no English: check is clean, and so is the Chinese intro
    chinese = make_workspace("minimal")
    assert check_workspace(chinese).problems == []
    assert run_cli("-w", chinese, "render", "intro").exit_code == 0
    # asking for the English intro names every English text it lacks, at the Chinese
    done = run_cli("-w", chinese, "render", "intro", "--doc-lang", "en", "--lang", "both")
    assert done.exit_code == 1
    assert not (chinese / "out" / "intro-en.pdf").exists()
    assert (
        "rules/company.yaml:6:1: 错误[missing-english]: 缺少英文 profile_en：英文或中英对照的公司介绍与服务介绍需要这段文字的英文"
        in done.err
    )
    assert "（salesdocs render intro --doc-lang en）" in done.err
    assert (
        "missing English profile_en: the company intro and handouts in English or zh-en need this text in English "
        "(salesdocs render intro --doc-lang en)"
    ) in done.err
    assert "rules/aftersales.yaml:10:10: 错误[missing-english]: 缺少英文 rule_en" in done.err
    # once a client is in English, check itself requires the intro's English, naming who uses English
    english_client = make_workspace("minimal", ("clients/acme.yaml", "name: 示例客户有限公司", "name: 示例客户有限公司\nlanguage: en"))
    problems = [p for p in check_workspace(english_client).problems if p.code == "missing-english"]
    profile = next(p for p in problems if p.zh.startswith("缺少英文 profile_en"))
    assert (profile.file, profile.line, profile.column, profile.severity) == ("rules/company.yaml", 6, 1, "error")
    assert profile.zh.endswith("（客户 acme（en）、交易 2026-001-acme-logo（en））")
    assert profile.en.endswith("(client acme (en), deal 2026-001-acme-logo (en))")
    fixed = make_workspace("minimal", *ENGLISH_MINIMAL)  # the quote's and appendix's English, and INTRO_ENGLISH_MINIMAL
    assert run_cli("-w", fixed, "render", "intro", "--doc-lang", "en").exit_code == 0
    assert _flat("A test workspace with a single service.") in _flat(_text(fixed / "out" / "intro-en.pdf"))


def test_build_adds_the_english_intro_only_when_english_is_used(sample_intro: dict[str, Any], make_workspace: Callable[..., Path]) -> None:
    sample = {job.out_path.name: job for job in plan(sample_intro["ws"], Path("out"))}
    assert "intro.pdf" in sample and sample["intro-en.pdf"].doc_lang == "en" and "intro-zh-en.pdf" not in sample
    chinese = [job.out_path.name for job in plan(load_workspace(make_workspace("minimal")), Path("out"))]
    assert "intro.pdf" in chinese and not [name for name in chinese if name.startswith("intro-")]
