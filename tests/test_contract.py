"""The contract appendix as data: clauses from rules/contract.yaml, their checks, their numbering."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from salesdocs.render.documents import prepare, render
from salesdocs.render.pdf import read_attachments, read_inputs_hash
from salesdocs.workspace import load_workspace

DEAL1 = "2026-001-yunfan-launch"  # design services only, no main contract
DEAL2 = "2026-002-mingcha-content"  # WeChat articles and copywriting
CONTRACT = "rules/contract.yaml"


def _text(pdf: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages).replace("\n", "")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, pristine_workspace: Path) -> dict[str, Any]:
    ws = load_workspace(pristine_workspace)
    out = tmp_path_factory.mktemp("contract")
    return {
        "ws": ws,
        "appendix1": render(ws, "appendix", DEAL1, out / "a1.pdf")[0],
        "appendix2": render(ws, "appendix", DEAL2, out / "a2.pdf")[0],
        "context1": prepare(ws, "appendix", DEAL1).context["contract"],
        "context2": prepare(ws, "appendix", DEAL2).context["contract"],
    }


def _items(context: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for article in context["articles"] for item in article["clauses"]]


def test_every_clause_comes_from_the_contract_data(rendered: dict[str, Any]) -> None:
    """Each clause's text (placeholders filled) stands in the PDF, in the data's order."""
    ws = rendered["ws"]
    text = _text(rendered["appendix1"]).replace(" ", "")
    clauses = {c.id: c for a in ws.policy.contract.articles for c in a.clauses}
    position = -1
    for item in _items(rendered["context1"]):
        if item["table"]:
            continue
        assert "{" not in item["text"], item["id"]
        found = text.find(item["text"][:40].replace(" ", ""))
        assert found > position, item["id"]
        position = found
        assert clauses[item["id"]].text[:6].replace(" ", "") in item["text"].replace(" ", "") or "{" in clauses[item["id"]].text[:6]


def test_conditions_pick_the_clauses_of_each_deal(rendered: dict[str, Any]) -> None:
    ids1 = {i["id"] for i in _items(rendered["context1"])}
    ids2 = {i["id"] for i in _items(rendered["context2"])}
    # design-only deal: designer clause and source files, no writer change, no reprint licence
    assert {"designer-no-change", "source-files", "ip-logo", "agreement-standalone"} <= ids1
    assert not {"writer-change", "refund-at-most", "ip-reprint", "agreement-annex"} & ids1
    assert "ad-identifiable" in ids1  # advertising duties apply to any advert
    # the content deal: writer change, the at-most procedure, reprints, advertorials
    assert {"writer-change", "refund-at-most", "ip-reprint", "ad-identifiable"} <= ids2


def test_numbering_follows_the_data(rendered: dict[str, Any]) -> None:
    context = rendered["context1"]
    labels = [a["label"] for a in context["articles"]]
    assert labels[:3] == ["第一条", "第二条", "第三条"] and labels[-1] == f"第{_cn(len(labels))}条"
    tables = [i["number"] for i in _items(context) if i["table"]]
    assert tables == [f"表{n}" for n in range(1, len(tables) + 1)]
    for n, article in enumerate(context["articles"], start=1):
        numbers = [i["number"] for i in article["clauses"] if not i["table"]]
        assert numbers == [f"{n}.{k}" for k in range(1, len(numbers) + 1)]


def _cn(n: int) -> str:
    return {18: "十八", 17: "十七", 16: "十六"}[n]


def test_references_and_acknowledgement_use_this_deals_numbers(rendered: dict[str, Any]) -> None:
    context = rendered["context1"]
    numbers = {i["id"]: i["number"] for i in _items(context)}
    bold = [i["number"] for i in _items(context) if i["bold"] and not i["table"]]
    ack = next(i["text"] for i in _items(context) if i["id"] == "signing-acknowledgement")
    assert f"第{'、'.join(bold)}条" in ack
    price_payment = next(i["text"] for i in _items(context) if i["id"] == "price-payment")
    assert f"依第{numbers['refund-settlement']}条" in price_payment
    scope = next(i["text"] for i in _items(context) if i["id"] == "scope-services")
    assert numbers["scope-lines"] in scope


def test_policy_values_and_deal_values_are_filled(rendered: dict[str, Any]) -> None:
    text = _text(rendered["appendix1"])
    assert "合同总价为人民币12,889.60元（大写：人民币壹万贰仟捌佰捌拾玖元陆角）" in text
    assert "预付款人民币6,444.80元（合同总价的50%）" in text
    assert "到达之日起5个工作日内" in text  # terms.review_days
    assert "王经理，市场部经理（电子邮箱：wang@yunfan.example；微信：yunfan-wang-sample）" in text
    assert "林晓（电子邮箱：sales@qinghe.example；微信：qinghe-linxiao-sample）" in text
    assert "杭州市西湖区人民法院" in text


def test_tables_carry_the_refund_base_and_the_binding_dates(rendered: dict[str, Any]) -> None:
    items = {i["id"]: i for i in _items(rendered["context1"])}
    prices = items["price-lines"]["data"]["rows"]
    assert [r["total"] for r in prices] == ["6,847.60", "3,021.00", "3,021.00"]
    assert [r["piece_base"] for r in prices] == ["6,847.60", "1,510.50", "1,007.00"]
    dates = items["deal-lines"]["data"]["rows"]
    # start 2026-11-23: 5th working day 11-30; posters +2 working days each
    assert dates[2]["deadlines"] == ["第 1 款：2026年11月30日", "第 2 款：2026年12月2日", "第 3 款：2026年12月4日"]
    ladder = items["refund-ladders"]["data"]["ladders"][0]["rows"][0]
    assert (ladder["percent"], ladder["kept"]) == ("70%", "30%")


def test_rewording_one_clause_changes_the_appendix_only(workspace: Path, tmp_path: Path) -> None:
    before = load_workspace(workspace)
    hashes = {kind: prepare(before, kind, DEAL1).inputs_hash for kind in ("quote", "appendix")}
    intro = prepare(before, "intro", None).inputs_hash
    path = workspace / CONTRACT
    path.write_text(
        path.read_text(encoding="utf-8").replace("本协议适用中华人民共和国法律。", "本协议适用中华人民共和国法律（不含冲突规范）。"),
        encoding="utf-8",
    )
    after = load_workspace(workspace)
    assert prepare(after, "quote", DEAL1).inputs_hash == hashes["quote"]
    assert prepare(after, "intro", None).inputs_hash == intro
    assert prepare(after, "appendix", DEAL1).inputs_hash != hashes["appendix"]
    pdf = render(after, "appendix", DEAL1, tmp_path / "a.pdf")[0]
    assert "本协议适用中华人民共和国法律（不含冲突规范）。" in _text(pdf)
    assert read_inputs_hash(pdf) == prepare(after, "appendix", DEAL1).inputs_hash


def test_the_appendix_embeds_the_contract_and_never_the_client_file(rendered: dict[str, Any]) -> None:
    attached = read_attachments(rendered["appendix1"])
    assert "rules__contract.yaml" in attached and not any(name.startswith("clients__") for name in attached)
    assert "rules__presales.yaml" not in attached


def _check(run_cli: Callable[..., Any], root: Path, *extra: str) -> list[dict[str, Any]]:
    result = run_cli("check", "--workspace", root, "--format", "json", *extra)
    return [p for p in json.loads(result.out) if p["file"] == CONTRACT or p["code"] == "missing-contacts"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unknown_placeholder_at_its_column_with_did_you_mean(
    make_workspace: Callable[..., Path], run_cli: Callable[..., Any], lang: str
) -> None:
    root = make_workspace("agency", (CONTRACT, "{terms.review_days}个工作日内（以下简称", "{terms.reveiw_days}个工作日内（以下简称"))
    problems = _check(run_cli, root, "--lang", lang)
    assert len(problems) == 1
    p = problems[0]
    line = (root / CONTRACT).read_text(encoding="utf-8").splitlines()[p["line"] - 1]
    assert line[p["column"] - 1 :].startswith("{terms.reveiw_days}")
    assert (p["code"], p["severity"]) == ("unknown-placeholder", "error")
    if lang == "zh":
        assert (p["message"], p["hint"]) == ("未知的占位符 {terms.reveiw_days}", "是不是想写 {terms.review_days}？")
    else:
        assert (p["message"], p["hint"]) == ("unknown placeholder {terms.reveiw_days}", "did you mean {terms.review_days}?")


def test_a_typed_figure_that_equals_a_policy_value_is_a_warning(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    root = make_workspace("agency", (CONTRACT, "{terms.review_days}个工作日内（以下简称", "5个工作日内（以下简称"))
    problems = _check(run_cli, root, "--lang", "en")
    assert [(p["code"], p["severity"]) for p in problems] == [("literal-figure", "warning")]
    assert problems[0]["message"] == "the clause types the figure 5, which equals a policy value: it will not follow a policy change"
    assert "{terms.review_days}" in problems[0]["hint"]
    line = (root / CONTRACT).read_text(encoding="utf-8").splitlines()[problems[0]["line"] - 1]
    assert line[problems[0]["column"] - 1 :].startswith("5个工作日内（以下简称")
    strict = run_cli("check", "--workspace", root, "--strict")
    assert strict.exit_code == 1 and "错误[literal-figure]" in strict.out


def test_conditions_naming_unknown_services_and_conditional_references(
    make_workspace: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    root = make_workspace(
        "agency",
        (CONTRACT, "when: {service: logo-design}", "when: {service: logo-desgin}"),
        (CONTRACT, "本协议适用中华人民共和国法律。", "本协议适用中华人民共和国法律，{ref.writer-change}除外。"),
    )
    problems = _check(run_cli, root, "--lang", "en")
    codes = sorted((p["code"], p["message"]) for p in problems)
    assert codes == [
        ("ref-conditional", "clause writer-change appears only in some deals, but this clause does not have the same condition"),
        ("unknown-ref", "unknown service logo-desgin"),
    ]
    assert next(p for p in problems if p["code"] == "unknown-ref")["hint"] == "did you mean `logo-design`?"


def test_limits_without_bold_duplicate_ids_and_missing_contacts(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    root = make_workspace(
        "agency",
        (CONTRACT, "      - id: disputes-forum\n        bold: true\n", "      - id: disputes-forum\n"),
        (CONTRACT, "      - id: disputes-law\n", "      - id: disputes-forum-x\n"),
        ("deals/2026-001-yunfan-launch.yaml", "      email: wang@yunfan.example\n      wechat: yunfan-wang-sample\n", ""),
    )
    problems = _check(run_cli, root, "--lang", "en")
    assert sorted(p["code"] for p in problems) == ["limits-not-bold", "missing-contacts"]
    contact = next(p for p in problems if p["code"] == "missing-contacts")
    assert contact["message"] == "contact 王经理 has no e-mail or WeChat: messages to them cannot count as written"
    dup = make_workspace("agency", (CONTRACT, "      - id: disputes-law\n", "      - id: disputes-forum\n"))
    assert [p["code"] for p in _check(run_cli, dup)] == ["duplicate-id"]


def test_the_sample_contract_has_no_typed_figures(sample_workspace: Path, run_cli: Callable[..., Any]) -> None:
    text = (sample_workspace / CONTRACT).read_text(encoding="utf-8")
    body = re.sub(r"\{[^{}]*\}", "", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    clauses = body[body.index("articles:") :]
    # the English cites the law by number (Article 787 of the Civil Code; items 5 to 17 of Article 10) and
    # numbers its sub-paragraphs (1) to (4), where the Chinese writes 第七百八十七条 and （一）: no policy figures
    citations = r"Article (?:10|787)\b|items 5 to 17|\(\d\)"
    assert not re.search(r"[0-9%％]", re.sub(citations, "", re.sub(r"id: [a-z0-9-]+", "", clauses)))


def test_annex_to_a_main_contract(make_workspace: Callable[..., Path], tmp_path: Path) -> None:
    """A deal naming a main contract gets the annex wording, with its number and date, instead of the standalone one."""
    root = make_workspace(
        "agency",
        ("deals/2026-001-yunfan-launch.yaml", "discount:\n", "main_contract: {number: YF-2026-018, date: 2026-11-18}\ndiscount:\n"),
    )
    ws = load_workspace(root)
    ids = {i["id"]: i for i in _items(prepare(ws, "appendix", DEAL1).context["contract"])}
    assert "agreement-annex" in ids and "agreement-standalone" not in ids
    assert "本协议为双方于2026年11月18日签订的编号为YF-2026-018的合同" in ids["agreement-annex"]["text"]
    assert "本协议为双方于2026年11月18日签订的编号为YF-2026-018的合同" in _text(render(ws, "appendix", DEAL1, tmp_path / "a.pdf")[0])


@pytest.mark.parametrize(
    ("typed", "brace"),
    [
        ("{terms.revision_days个工作日内交付修改稿", "{"),  # the closing brace forgotten
        ("｛terms.revision_days｝个工作日内交付修改稿", "｛"),  # full-width braces from a Chinese input method
        ("{{terms.revision_days}}个工作日内交付修改稿", "{"),  # a Jinja habit
    ],
)
def test_braces_that_make_no_placeholder_are_errors(
    make_workspace: Callable[..., Path], run_cli: Callable[..., Any], typed: str, brace: str
) -> None:
    root = make_workspace("agency", (CONTRACT, "{terms.revision_days}个工作日内交付修改稿", typed))
    problems = [p for p in _check(run_cli, root, "--lang", "en") if p["code"] == "placeholder-syntax"]
    assert problems, _check(run_cli, root)
    line = (root / CONTRACT).read_text(encoding="utf-8").splitlines()[problems[0]["line"] - 1]
    assert line[problems[0]["column"] - 1] == brace
    assert problems[0]["message"].startswith("a stray")


def test_a_ladder_step_can_be_cited_by_its_id(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    root = make_workspace("agency", (CONTRACT, "steps[revision-3].percent}），依", "steps[rev-3-and-later].percent}），依"))
    assert _check(run_cli, root) == []
    ws = load_workspace(root)
    text = next(i["text"] for i in _items(prepare(ws, "appendix", DEAL2).context["contract"]) if i["id"] == "refund-at-most")
    assert "最多20%）" in text


def test_command_line_mistakes_in_the_language_asked_for(run_cli: Callable[..., Any]) -> None:
    result = run_cli("chek", "--lang", "en")
    assert result.exit_code == 2 and "No such command 'chek'" in result.err and "没有这个命令" not in result.err
    chinese = run_cli("chek")
    assert chinese.exit_code == 2 and "没有这个命令：chek（是不是 check？）" in chinese.err
    missing = run_cli("render")
    assert missing.exit_code == 2 and "缺少参数 KIND" in missing.err
