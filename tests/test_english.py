"""English and 中英对照 documents from the same policy (issue 15): words, dates, check, quote, appendix."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from salesdocs.engine.english import date_en, date_range_en, in_words_en, rmb_en
from salesdocs.render.documents import prepare, render
from salesdocs.render.kinds import DocumentKind, out_path
from salesdocs.workspace import check_workspace, load_workspace

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
EN_DEAL = "2026-004-nordlicht-kitchen"  # the sample's English deal (language from its client)

#: the issue's five examples, written out here (never computed by the library under test)
IN_WORDS = {
    "12889.60": "SAY RMB TWELVE THOUSAND EIGHT HUNDRED AND EIGHTY-NINE YUAN AND SIXTY FEN ONLY",
    "5301.06": "SAY RMB FIVE THOUSAND THREE HUNDRED AND ONE YUAN AND SIX FEN ONLY",
    "100100.00": "SAY RMB ONE HUNDRED THOUSAND ONE HUNDRED YUAN ONLY",
    "0.50": "SAY RMB FIFTY FEN ONLY",
    "1000000.01": "SAY RMB ONE MILLION YUAN AND ONE FEN ONLY",
}
#: a list price (excluding 6% VAT) whose quote total is each amount above
NET_FOR_TOTAL = {"12889.60": "12160", "5301.06": "5001", "100100.00": "94433.96", "0.50": "0.47", "1000000.01": "943396.24"}


def _text(pdf: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)


def _flat(text: str) -> str:
    """Text without spaces, line breaks or hyphens (English lines are hyphenated where they break)."""
    return re.sub(r"[\s\-\u2010]", "", text)


@pytest.mark.parametrize("amount", sorted(IN_WORDS))
def test_amount_in_words(amount: str) -> None:
    assert in_words_en(Decimal(amount)) == IN_WORDS[amount]


def test_english_conventions() -> None:
    assert in_words_en(Decimal("0")) == "SAY RMB ZERO YUAN ONLY"
    assert in_words_en(Decimal("1.999")) == "SAY RMB TWO YUAN ONLY"  # rounded to the fen first
    assert rmb_en(Decimal("12889.6")) == "RMB 12,889.60"
    assert date_en(date(2026, 11, 29)) == "29 November 2026"
    assert date_range_en(date(2026, 9, 28), date(2026, 10, 8)) == "28 September – 8 October 2026"
    assert date_range_en(date(2026, 12, 3), date(2026, 12, 7)) == "3–7 December 2026"


ADVANTAGES_EN = {
    "product: {title: 产品优势, text: 一项服务": ("Our product", "One service"),
    "technology: {title: 技术优势, text: 一个部门": ("Our expertise", "One department"),
    "price: {title: 价格优势, text: 一个价格": ("Our prices", "One price"),
    "service: {title: 服务优势, text: 一个渠道": ("Our service", "One channel"),
    "people: {title: 人员优势, text: 一位设计师": ("Our people", "One designer"),
    "capital: {title: 资金优势, text: 一家公司": ("Our finances", "One company"),
}
#: what the company intro (and a handout) in English needs beyond the quote and the appendix
INTRO_ENGLISH_MINIMAL = (
    (
        "rules/company.yaml",
        "profile: 只有一项服务的测试工作区。",
        "profile: 只有一项服务的测试工作区。\nprofile_en: A test workspace with a single service.",
    ),
    (
        "rules/company.yaml",
        "  - role: 商务合作\n    name: 王一\n",
        "  - role: 商务合作\n    role_en: New business\n    name: 王一\n    name_en: Wang Yi\n",
    ),
    ("rules/company.yaml", "    duty: 视觉设计", "    duty: 视觉设计\n    department_en: Design\n    duty_en: Visual design"),
    *(("rules/company.yaml", zh, f"{zh}, title_en: {title}, text_en: {text}") for zh, (title, text) in ADVANTAGES_EN.items()),
    ("rules/aftersales.yaml", "name: 售后电话,", "name: 售后电话, name_en: the after-sales hotline,"),
    (
        "rules/aftersales.yaml",
        "rule: 远程无法解决的问题上门解决,",
        "rule: 远程无法解决的问题上门解决, rule_en: problems that cannot be solved remotely are solved on site,",
    ),
)

ENGLISH_MINIMAL = (
    ("deals/2026-001-acme-logo.yaml", "title: 品牌标志", "title: 品牌标志\ntitle_en: Brand logo\nlanguage: en"),
    ("clients/acme.yaml", "name: 示例客户有限公司", "name: 示例客户有限公司\nname_en: Example Client Co., Ltd."),
    ("rules/company.yaml", "name: 最小设计工作室", "name: 最小设计工作室\nname_en: Minimal Design Studio"),
    ("rules/services.yaml", "    name: LOGO 设计", "    name: LOGO 设计\n    name_en: Logo design"),
    ("rules/services.yaml", "        name: 标准版", "        name: 标准版\n        name_en: Standard\n        unit_en: set"),
    ("rules/services.yaml", "deliverables: [源文件]", "deliverables: [源文件]\n        deliverables_en: [Source files]"),
    ("rules/refunds.yaml", "name: 设计类", "name: 设计类\n    name_en: Design"),
    ("rules/terms.yaml", "{name: 增值税,", "{name: 增值税, name_en: VAT,"),
    ("rules/terms.yaml", "name: 全款,", "name: 全款, name_en: Payment in full,"),
    ("rules/contract.yaml", "title: 服务协议", "title: 服务协议\ntitle_en: Service Agreement"),
    ("rules/contract.yaml", "title: 服务内容", "title: 服务内容\n    title_en: Services"),
    ("rules/contract.yaml", "title: 不满意退款", "title: 不满意退款\n    title_en: Refunds"),
    (
        "rules/contract.yaml",
        "所列服务，合同总价为人民币{quote.total}元。",
        "所列服务，合同总价为人民币{quote.total}元。\n        text_en: Party A, {client.name}, engages Party B, "
        "{company.name}, for the services listed in {ref.scope-lines}, at a total price of RMB {quote.total}.",
    ),
    ("rules/contract.yaml", "caption: 服务内容与交付物", "caption: 服务内容与交付物\n        caption_en: Services and deliverables"),
    (
        "rules/contract.yaml",
        "所列比例退款。",
        "所列比例退款。\n        text_en: If Party A is not satisfied, it is refunded the percentage listed in {ref.refund-ladders}.",
    ),
    ("rules/contract.yaml", "caption: 不满意退款比例", "caption: 不满意退款比例\n        caption_en: Refund percentages"),
    *INTRO_ENGLISH_MINIMAL,
)


def test_missing_english_is_a_located_error_in_zh_and_en(make_workspace: Callable[..., Path]) -> None:
    """A deal in English needs the English of every text its documents print; each one missing is an
    error at the Chinese text it translates.  The same workspace in Chinese needs none of them."""
    root = make_workspace("minimal", ("deals/2026-001-acme-logo.yaml", "title: 品牌标志", "title: 品牌标志\nlanguage: en"))
    problems = [p for p in check_workspace(root).problems if p.code == "missing-english"]
    found = {(p.file, p.line, p.column, p.zh.split("：")[0]) for p in problems}
    assert {
        ("deals/2026-001-acme-logo.yaml", 3, 1, "缺少英文 title_en"),
        ("clients/acme.yaml", 2, 1, "缺少英文 name_en"),
        ("rules/company.yaml", 5, 1, "缺少英文 name_en"),
        ("rules/terms.yaml", 5, 7, "缺少英文 name_en"),
        ("rules/services.yaml", 12, 9, "缺少英文 unit_en"),
        ("rules/contract.yaml", 10, 9, "缺少英文 text_en"),
    } <= found
    keys = sorted((p.file, p.zh.split("：")[0].removeprefix("缺少英文 ")) for p in problems)
    assert keys == sorted(
        [
            ("clients/acme.yaml", "name_en"),
            ("deals/2026-001-acme-logo.yaml", "title_en"),
            ("rules/aftersales.yaml", "name_en"),
            ("rules/aftersales.yaml", "rule_en"),
            ("rules/company.yaml", "department_en"),
            ("rules/company.yaml", "duty_en"),
            ("rules/company.yaml", "name_en"),
            ("rules/company.yaml", "name_en"),
            ("rules/company.yaml", "profile_en"),
            ("rules/company.yaml", "role_en"),
            *[("rules/company.yaml", key) for key in ("title_en", "text_en") for _ in range(6)],
            ("rules/contract.yaml", "caption_en"),
            ("rules/contract.yaml", "caption_en"),
            ("rules/contract.yaml", "text_en"),
            ("rules/contract.yaml", "text_en"),
            ("rules/contract.yaml", "title_en"),
            ("rules/contract.yaml", "title_en"),
            ("rules/contract.yaml", "title_en"),
            ("rules/refunds.yaml", "name_en"),
            ("rules/services.yaml", "deliverables_en"),
            ("rules/services.yaml", "name_en"),
            ("rules/services.yaml", "name_en"),
            ("rules/services.yaml", "unit_en"),
            ("rules/terms.yaml", "name_en"),
            ("rules/terms.yaml", "name_en"),
        ]
    )
    deal_title = next(p for p in problems if p.file.startswith("deals/"))
    assert deal_title.severity == "error"
    assert deal_title.zh == "缺少英文 title_en：英文或中英对照的交易 2026-001-acme-logo（en）需要这段文字的英文"
    assert deal_title.en == "missing English title_en: the deal 2026-001-acme-logo (en) in English or zh-en needs this text in English"
    assert deal_title.source_line == "title: 品牌标志"
    chinese_only = make_workspace("minimal")
    assert check_workspace(chinese_only).problems == []


def test_english_texts_complete_the_check_and_the_render(make_workspace: Callable[..., Path], tmp_path: Path) -> None:
    root = make_workspace("minimal", *ENGLISH_MINIMAL)
    assert check_workspace(root).problems == []
    ws = load_workspace(root)
    written = render(ws, "appendix", "2026-001-acme-logo")
    assert written == [root / "out" / "appendix-2026-001-acme-logo-en.pdf"]
    text = _text(written[0])
    assert _flat("Party A, Example Client Co., Ltd., engages Party B, Minimal Design Studio, for the services listed in Table 1") in _flat(
        text
    )


def test_english_placeholders_must_match_the_chinese(make_workspace: Callable[..., Path]) -> None:
    edits = [*ENGLISH_MINIMAL]
    edits[12] = (edits[12][0], edits[12][1], edits[12][2].replace("RMB {quote.total}", "RMB {quote.net}"))
    root = make_workspace("minimal", *edits)
    (problem,) = check_workspace(root).problems
    assert (problem.file, problem.line, problem.code) == ("rules/contract.yaml", 13, "english-placeholders")
    assert problem.zh == "英文 text_en 与中文 text 引用的占位符不同：只在中文中 {quote.total}；只在英文中 {quote.net}"
    assert problem.en == "text_en cites other placeholders than text: only in the Chinese {quote.total}; only in the English {quote.net}"


@pytest.mark.parametrize("total", sorted(IN_WORDS))
def test_english_quote_has_the_total_in_words_the_date_and_no_chinese(
    total: str, make_workspace: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_workspace("minimal", *ENGLISH_MINIMAL, ("rules/services.yaml", "price: 2000", f"price: {NET_FOR_TOTAL[total]}"))
    ws = load_workspace(root)
    (pdf,) = render(ws, "quote", "2026-001-acme-logo", tmp_path / "q.pdf")
    text = _text(pdf)
    assert _flat(IN_WORDS[total]) in _flat(text)
    assert f"RMB {Decimal(total):,.2f}" in text
    assert "2 November 2026" in text and "Valid until" in text  # the quote date, in English
    names = ("王一",)  # proper names may stay Chinese
    stripped = text
    for name in names:
        stripped = stripped.replace(name, "")
    assert not CJK.findall(stripped)


@pytest.fixture(scope="module")
def sample_english(sample_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    ws = load_workspace(sample_workspace)
    out = tmp_path_factory.mktemp("english")
    return {
        "ws": ws,
        "zh-en": render(ws, "appendix", EN_DEAL, out / "a-zh-en.pdf", doc_lang="zh-en")[0],
        "en": render(ws, "quote", EN_DEAL, out / "q-en.pdf")[0],
        "context": prepare(ws, "appendix", EN_DEAL, doc_lang="zh-en").context["contract"],
        "context_zh": prepare(ws, "appendix", EN_DEAL, doc_lang="zh").context["contract"],
    }


FIGURES = re.compile(r"\d[\d,]*\.\d{2}(?!\d)|\d+(?:\.\d+)?%")


def test_bilingual_appendix_has_every_clause_in_both_languages_in_order(sample_english: dict[str, Any]) -> None:
    text = _flat(_text(sample_english["zh-en"]))
    position = -1
    items = [i for a in sample_english["context"]["articles"] for i in a["clauses"] if not i["table"]]
    assert len(items) > 50
    for item in items:
        zh, en = (_flat(item[key])[:30] for key in ("text", "text_en"))
        found_zh = text.find(zh, position + 1)
        found_en = text.find(en, found_zh + 1)
        assert position < found_zh < found_en, item["id"]
        position = found_en
        assert sorted(FIGURES.findall(item["text"])) == sorted(FIGURES.findall(item["text_en"])), item["id"]
    # the prevailing language is a clause of bilingual appendices only; Chinese prevails by default
    ids = [i["id"] for a in sample_english["context"]["articles"] for i in a["clauses"]]
    ids_zh = [i["id"] for a in sample_english["context_zh"]["articles"] for i in a["clauses"]]
    assert "signing-language" in ids and "signing-language" not in ids_zh
    language = next(i for i in items if i["id"] == "signing-language")
    assert language["text"].endswith("以中文文本为准。") and language["text_en"].endswith("the Chinese version prevails.")


def test_english_quote_of_the_sample(sample_english: dict[str, Any]) -> None:
    text = _text(sample_english["en"])
    assert _flat("SAY RMB SIX THOUSAND FIVE HUNDRED AND FORTY-FIVE YUAN AND FIFTY FEN ONLY") in _flat(text)
    assert "27 November 2026" in text and "Quotation" in text
    assert not CJK.findall(text.replace("林晓", ""))  # the salesperson's name is a proper name


def test_file_names_and_the_inputs_hash_carry_the_language(sample_english: dict[str, Any]) -> None:
    ws = sample_english["ws"]
    assert out_path(Path("out"), DocumentKind.QUOTE, EN_DEAL, "en") == Path("out/quote-2026-004-nordlicht-kitchen-en.pdf")
    assert out_path(Path("out"), DocumentKind.APPENDIX, EN_DEAL, "zh-en") == Path("out/appendix-2026-004-nordlicht-kitchen-zh-en.pdf")
    assert out_path(Path("out"), DocumentKind.INTRO, None, "en") == Path("out/intro-en.pdf")
    hashes = {lang: prepare(ws, "quote", EN_DEAL, doc_lang=lang).inputs_hash for lang in ("zh", "en", "zh-en")}
    assert len(set(hashes.values())) == 3
    assert prepare(ws, "quote", EN_DEAL).inputs_hash == hashes["en"]  # the client's language by default
    assert prepare(ws, "quote", "2026-001-yunfan-launch").context["doc"]["lang"] == "zh"


def test_build_plans_each_deal_in_its_language(sample_english: dict[str, Any]) -> None:
    from salesdocs.build import plan

    paths = {job.out_path.name for job in plan(sample_english["ws"], Path("out"))}
    assert {"quote-2026-004-nordlicht-kitchen-en.pdf", "appendix-2026-004-nordlicht-kitchen-en.pdf"} <= paths
    assert "quote-2026-001-yunfan-launch.pdf" in paths and "intro.pdf" in paths


def test_doc_lang_on_the_command_line(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    root = make_workspace("minimal", *ENGLISH_MINIMAL)
    done = run_cli("-w", root, "render", "quote", "2026-001-acme-logo", "--doc-lang", "zh-en", "--lang", "en")
    assert done.exit_code == 0 and done.out.strip() == f"wrote {root / 'out' / 'quote-2026-001-acme-logo-zh-en.pdf'}"
    text = _text(root / "out" / "quote-2026-001-acme-logo-zh-en.pdf")
    assert "报价单" in text and "Quotation" in text and "贰仟壹佰贰拾元整" in text
    assert _flat("SAY RMB TWO THOUSAND ONE HUNDRED AND TWENTY YUAN ONLY") in _flat(text)
    pack = run_cli("-w", root, "render", "visit-pack", "acme", "--doc-lang", "en", "--lang", "en")
    assert pack.exit_code == 2
    assert "--doc-lang applies to quote, appendix and intro only" in pack.err
    intro = run_cli("-w", root, "render", "intro", "--doc-lang", "en", "--lang", "en")
    assert intro.exit_code == 0 and intro.out.strip() == f"wrote {root / 'out' / 'intro-en.pdf'}"
