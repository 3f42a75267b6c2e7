"""End-to-end documents: PDFs agree with the engine.

Every document of the fixture agency workspace (tests/fixtures/agency) is rendered once per
module (rendering costs ~1 s each) and the text is read back with pdftotext; the exact
amounts below are the agency's.  Tests that only need some valid workspace use the minimal
one; one test renders the repository's own sample and checks it against the engine.
"""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pytest

from salesdocs import api
from salesdocs.engine.money import format_yuan
from salesdocs.errors import RenderError
from salesdocs.model import Workspace
from salesdocs.render.documents import prepare, render
from salesdocs.render.inputs import PACKAGED_TEMPLATES
from salesdocs.render.pdf import read_attachments, read_inputs_hash
from salesdocs.workspace import load_workspace

DEALS = ["2026-001-yunfan-launch", "2026-002-mingcha-content", "2026-003-jingyi-expo"]
MINIMAL_DEAL = "2026-001-acme-logo"


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return out


def flat(text: str) -> str:
    """Text without whitespace: layout spacing and line breaks don't matter."""
    return re.sub(r"\s+", "", text)


def render_all(root: Path) -> dict[str, Any]:
    """The intro and every deal's quote and appendix of the workspace at ``root``, with their text."""
    ws = load_workspace(root)
    out = root / "out"
    paths: dict[str, Path] = {"intro": render(ws, "intro", None, out / "intro.pdf")[0]}
    for deal in sorted(ws.deals):
        for kind in ("quote", "appendix"):
            paths[f"{kind}:{deal}"] = render(ws, kind, deal, out / f"{kind}-{deal}.pdf")[0]
    return {"root": root, "ws": ws, "paths": paths, "text": {k: pdf_text(p) for k, p in paths.items()}}


@pytest.fixture(scope="module")
def agency(pristine_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture agency workspace copied once and every document rendered once."""
    root = tmp_path_factory.mktemp("agency") / "ws"
    shutil.copytree(pristine_workspace, root)
    return render_all(root)


def override_template(root: Path, name: str, edit: Callable[[str], str]) -> Path:
    """Write ``root/templates/name``: the packaged template of that name, edited."""
    path = root / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(edit((PACKAGED_TEMPLATES / name).read_text(encoding="utf-8")), encoding="utf-8")
    return path


def assert_quote_agrees_with_engine(ws: Workspace, deal: str, text: str) -> None:
    q = api.quote(ws, deal)
    text = flat(text)
    for value in (q.subtotal, q.tax, q.total):
        assert format_yuan(value) in text
    if q.discount:
        assert "-" + format_yuan(q.discount) in text
    assert q.total_in_words in text
    assert q.number in text
    for line in q.lines:
        assert format_yuan(line.amount) in text
        assert format_yuan(line.unit_price) in text
        assert f"{line.due_earliest.year}年{line.due_earliest.month}月{line.due_earliest.day}日" in text
        assert f"{line.due_latest.month}月{line.due_latest.day}日" in text
    for payment in q.payments:
        assert format_yuan(payment.amount) in text
    valid_until: date = q.valid_until
    assert f"{valid_until.year}年{valid_until.month}月{valid_until.day}日" in text


def assert_english_quote_agrees_with_engine(ws: Workspace, deal: str, text: str) -> None:
    """A quote in English: the engine's amounts as RMB 1,234.50, the total in English words, English dates."""
    from salesdocs.engine.english import date_en, in_words_en, rmb_en

    q = api.quote(ws, deal)
    text = flat(text)
    for value in (q.subtotal, q.tax, q.total, *(line.amount for line in q.lines), *(p.amount for p in q.payments)):
        assert flat(rmb_en(value)) in text
    assert flat(in_words_en(q.total)).replace("-", "") in text.replace("-", "")
    assert flat(date_en(q.valid_until)) in text and q.number in text


def assert_english_appendix_agrees_with_engine(ws: Workspace, deal: str, text: str) -> None:
    """An appendix in English: every article that applies (with the language clause's article), the total."""
    from salesdocs.engine.english import in_words_en
    from salesdocs.policy.contract import deal_facts, number_contract

    text = flat(text).replace("-", "")
    articles = number_contract(ws.policy.contract, deal_facts(ws.policy, ws.deals[deal], english=True))
    assert len(articles) >= 10
    for article in articles:
        assert flat(f"{article.label_en} {article.article.title_en}").replace("-", "") in text
    q = api.quote(ws, deal)
    assert f"RMB{q.total:,.2f}" in text and flat(in_words_en(q.total)).replace("-", "") in text
    assert "PartyA" in text and "PartyB" in text and "Authorisedrepresentative(signature)" in text


def assert_appendix_agrees_with_engine(ws: Workspace, deal: str, text: str) -> None:
    """Every article of the contract that applies to the deal, the engine's total, the ladders' rows."""
    from salesdocs.policy.contract import deal_facts, number_contract

    text = flat(text)
    articles = number_contract(ws.policy.contract, deal_facts(ws.policy, ws.deals[deal]))
    assert len(articles) >= 10
    for article in articles:
        assert f"{article.label}{article.article.title}" in text
    q = api.quote(ws, deal)
    assert f"{q.total:,.2f}" in text and q.total_in_words in text
    services = {line.service_id for line in q.lines}
    found = [ws.policy.service(s) for s in services]
    assert None not in found
    for ladder in {service.tiers[0].ladder for service in found if service}:
        for step in ladder.steps:
            assert f"{step.stages_zh}不满意".replace(" ", "") in text
    assert "甲方" in text and "乙方" in text and "授权代表（签字）" in text
    assert f"版本{ws.policy.version}" in text


@pytest.mark.parametrize("deal", DEALS)
def test_quote_pdf_shows_the_engine_numbers(agency: dict[str, Any], deal: str) -> None:
    assert_quote_agrees_with_engine(agency["ws"], deal, agency["text"][f"quote:{deal}"])


def test_quote_one_exact_example(agency: dict[str, Any]) -> None:
    """Independent hand computation for deal 001: 6800 + 2×1500 + 3×1000 = 12800; 5 % off; 6 % tax."""
    text = flat(agency["text"]["quote:2026-001-yunfan-launch"])
    assert "¥12,800.00" in text
    assert "折扣（5%）-¥640.00" in text
    assert "增值税（6%）¥729.60" in text
    assert "合计¥12,889.60" in text
    assert "人民币壹万贰仟捌佰捌拾玖元陆角" in text
    assert "2026年11月26日至11月30日" in text  # 3rd and 5th working day after Mon 2026-11-23


def test_quote_price_override_shows_reason(agency: dict[str, Any]) -> None:
    text = flat(agency["text"]["quote:2026-003-jingyi-expo"])
    assert "¥1,350.50" in text and "原价¥1,500.00" in text
    assert "共用前期资料整理" in text


@pytest.mark.parametrize("deal", DEALS)
def test_appendix_has_every_clause_and_the_ladders(agency: dict[str, Any], deal: str) -> None:
    assert_appendix_agrees_with_engine(agency["ws"], deal, agency["text"][f"appendix:{deal}"])
    assert "每个阶段及时反馈进度与成果" in flat(agency["text"][f"appendix:{deal}"])  # the seed's 售中 duty, from contract.yaml


def test_appendix_copywriting_ladder_at_most(agency: dict[str, Any]) -> None:
    text = flat(agency["text"]["appendix:2026-002-mingcha-content"])
    assert "第3次修改后及以后不满意最多20%至少80%" in text
    assert "初稿不满意70%30%" in text
    assert "可申请更换文案师1次" in text


def test_intro_sections(agency: dict[str, Any]) -> None:
    text = flat(agency["text"]["intro"])
    for heading in ("公司简介", "机构设置", "我们的六大优势", "服务目录与价格", "不满意退款", "售后承诺", "案例", "联系我们"):
        assert heading in text
    for advantage in ("产品优势", "技术优势", "价格优势", "服务优势", "人员优势", "资金优势"):
        assert advantage in text
    assert "¥6,800.00/套" in text and "3~5个工作日" in text
    assert "30分钟内首次回复" in text


def test_intro_after_sales_comes_from_the_policy(agency: dict[str, Any]) -> None:
    """Service hours, response, channels, on-site rule, free corrections and the seven duties: all policy data."""
    text = flat(agency["text"]["intro"])
    policy = agency["ws"].policy
    assert (
        "售后承诺服务时间工作日9:00—18:30"
        "首次回复服务时间内30分钟内首次回复；服务时间外下一个工作日10:00前首次回复"
        "专人驻守公众号后台、网站后台、售后电话、对接人微信"
        "上门服务远程无法解决的问题，及时外出上门解决（2个工作日内）；杭州市内上门不收取差旅费"
        "免费更正验收后90日内，因我方原因造成的错误免费更正"
    ) in text
    assert len(policy.aftersales.duties) == 7
    assert "售后职责" + "".join(f"{i}.{flat(duty)}" for i, (_, duty) in enumerate(policy.aftersales.duties, start=1)) in text
    for service in policy.services:
        for tier in service.tiers:
            assert flat(f"不计修改次数：{'、'.join(tier.revisions.not_counted)}") in text
    assert "价格不含税，税额另计；金额单位为人民币元；" in text


def test_intro_after_sales_follows_other_policies(make_workspace: Callable[..., Path]) -> None:
    """Change the data and the intro follows: nothing of the agency's policy is written in the templates."""
    root = make_workspace(
        "minimal",
        ("rules/aftersales.yaml", '{days: working-days, from: "09:00", to: "18:00"}', '{days: every-day, from: "08:30", to: "21:00"}'),
        ("rules/aftersales.yaml", '{reply_by: "10:00"}', '{reply_by: "09:00"}'),
        ("rules/terms.yaml", "prices_include_tax: false", "prices_include_tax: true"),
    )
    text = flat(pdf_text(render(load_workspace(root), "intro", None, root / "out" / "intro.pdf")[0]))
    assert "服务时间每天8:30—21:00首次回复服务时间内30分钟内首次回复；服务时间外次日9:00前首次回复专人驻守售后电话" in text
    assert "上门服务远程无法解决的问题上门解决（2个工作日内）案例" in text
    assert "价格已含税；金额单位为人民币元；" in text
    # the minimal policy has no duties, no area without travel costs and no correction period
    for absent in ("售后职责", "差旅费", "免费更正", "工作日9:00", "不含税", "每个项目、每次问题都有登记记录"):
        assert absent not in text, absent


def test_footer_on_every_page_and_metadata(agency: dict[str, Any]) -> None:
    from pypdf import PdfReader

    ws = agency["ws"]
    path = agency["paths"]["appendix:2026-002-mingcha-content"]
    reader = PdfReader(str(path))
    pages = len(reader.pages)
    assert pages >= 2
    stored = read_inputs_hash(path)
    assert stored and len(stored) == 64
    for i, page in enumerate(reader.pages, start=1):
        text = flat(page.extract_text())
        assert f"第{i}/{pages}页" in text
        assert f"政策版本{ws.policy.version}" in text and stored[:10] in text
    meta = reader.metadata
    assert meta is not None and meta.title is not None
    assert meta.title.startswith("服务协议（QH-")
    assert meta.author == ws.policy.company.name


def test_appendix_attachments_are_client_facing_projections(agency: dict[str, Any]) -> None:
    """The appendix embeds the deal and the policy it cites, without their internal parts:
    never the client's file (its name and contacts are on the page) nor presales.yaml."""
    from salesdocs.policy.audience import client_facing_yaml

    root: Path = agency["root"]
    attached = read_attachments(agency["paths"]["appendix:2026-001-yunfan-launch"])
    sources = {
        "deals__2026-001-yunfan-launch.yaml": root / "deals/2026-001-yunfan-launch.yaml",
        **{f"rules__{p.name}": p for p in (root / "rules").glob("*.yaml") if p.name != "presales.yaml"},
    }
    assert set(attached) == set(sources)
    for name, path in sources.items():
        rel = path.relative_to(root).as_posix()
        assert attached[name] == client_facing_yaml(rel, path.read_bytes())
    assert "approver" not in attached["deals__2026-001-yunfan-launch.yaml"].decode()
    assert "max_percent" not in attached["rules__terms.yaml"].decode()


def test_pdf_a_identification(agency: dict[str, Any]) -> None:
    from pypdf import PdfReader

    root: Any = PdfReader(str(agency["paths"]["quote:2026-001-yunfan-launch"])).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert re.search(rb"pdfaid:part[^0-9]{0,3}3", xmp) and re.search(rb"pdfaid:conformance[^A-Z]{0,3}B", xmp)


def test_reproducible_across_processes(agency: dict[str, Any], tmp_path: Path) -> None:
    root: Path = agency["root"]
    outs = []
    for i in range(2):
        out = tmp_path / f"a{i}.pdf"
        code = (
            "from salesdocs.workspace import load_workspace;"
            "from salesdocs.render.documents import render;"
            f"render(load_workspace({str(root)!r}), 'appendix', '2026-001-yunfan-launch', __import__('pathlib').Path({str(out)!r}))"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert outs[0] == agency["paths"]["appendix:2026-001-yunfan-launch"].read_bytes()


def test_changing_a_refund_percentage_changes_hash_and_text(agency: dict[str, Any], make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(
        "agency",
        (
            "rules/refunds.yaml",
            "        percent: 30%\n        text: 第二次修改后不满意，退还该件退款基数的 30%",
            "        percent: 25%\n        text: 第二次修改后不满意，退还该件退款基数的 25%",
        ),
    )
    ws = load_workspace(root)
    out = render(ws, "appendix", "2026-002-mingcha-content", root / "out/a.pdf")[0]
    before = agency["paths"]["appendix:2026-002-mingcha-content"]
    assert read_inputs_hash(out) != read_inputs_hash(before)
    new_text = flat(pdf_text(out))
    assert "第2次修改后不满意25%75%" in new_text  # the refund-ladders table: refund and what the agency keeps
    assert "第2次修改后不满意30%70%" not in new_text


# ---------------------------------------------------------------------- the sample


def test_sample_documents_render_and_agree_with_the_engine(sample_workspace: Path, tmp_path: Path) -> None:
    """The repository's own sample: every document renders and shows the engine's numbers."""
    root = tmp_path / "sample"
    shutil.copytree(sample_workspace, root)
    sample = render_all(root)
    ws = sample["ws"]
    assert ws.deals, "the sample has deals"
    for deal in ws.deals:
        if ws.deals[deal].doc_language(ws.client(ws.deals[deal].client)) == "en":  # the sample's English deal
            assert_english_quote_agrees_with_engine(ws, deal, sample["text"][f"quote:{deal}"])
            assert_english_appendix_agrees_with_engine(ws, deal, sample["text"][f"appendix:{deal}"])
        else:
            assert_quote_agrees_with_engine(ws, deal, sample["text"][f"quote:{deal}"])
            assert_appendix_agrees_with_engine(ws, deal, sample["text"][f"appendix:{deal}"])
    intro = flat(sample["text"]["intro"])
    for service in ws.policy.services:
        for tier in service.tiers:
            assert f"{format_yuan(tier.price)}/{tier.unit}" in intro


# ---------------------------------------------------------------------- security


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    _Counter.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Counter.hits
    server.shutdown()


def test_hostile_client_name_is_escaped_and_nothing_fetched(make_workspace: Callable[..., Path], listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    hostile = f'<img src="file:///etc/passwd"><link rel="stylesheet" href="{url}/x.css">'
    root = make_workspace("minimal", ("clients/acme.yaml", "name: 示例客户有限公司", "name: '" + hostile + "'"))
    ws = load_workspace(root)
    out = render(ws, "quote", MINIMAL_DEAL, root / "out/q.pdf")[0]
    assert hits == []
    text = flat(pdf_text(out))
    assert flat('<img src="file:///etc/passwd">') in text
    data = out.read_bytes()
    passwd = Path("/etc/passwd").read_bytes()
    assert passwd[:40] not in data


def test_hostile_workspace_template_is_refused(minimal_workspace: Path, listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    root = minimal_workspace
    override_template(
        root,
        "base.html",
        lambda base: base.replace(
            "</head>",
            f'<link rel="attachment" href="file:///etc/passwd"><link rel="stylesheet" href="{url}/evil.css">'
            '<img src="../../../../../../etc/passwd"></head>',
        ),
    )
    ws = load_workspace(root)
    out = root / "out/q.pdf"
    with pytest.raises(RenderError) as info:
        render(ws, "quote", MINIMAL_DEAL, out)
    message = info.value.en
    assert "file:///etc/passwd" in message
    assert f"{url}/evil.css" in message
    assert hits == []
    assert not out.exists()
    assert not list((root / "out").glob("*")) if (root / "out").exists() else True


def test_missing_glyph_fails_and_keeps_previous_file(minimal_workspace: Path) -> None:
    root = minimal_workspace
    ws = load_workspace(root)
    out = root / "out/q.pdf"
    render(ws, "quote", MINIMAL_DEAL, out)
    before = out.read_bytes()
    deal = root / f"deals/{MINIMAL_DEAL}.yaml"
    deal.write_text(deal.read_text(encoding="utf-8").replace("title: 品牌标志", "title: 品牌\U000f0001标志"), encoding="utf-8")
    ws = load_workspace(root)
    with pytest.raises(RenderError) as info:
        render(ws, "quote", MINIMAL_DEAL, out)
    assert "U+F0001" in info.value.en
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == ["q.pdf"]


def test_undefined_variable_in_override_template_is_located(minimal_workspace: Path) -> None:
    root = minimal_workspace

    def add_fax(quote: str) -> str:
        lines = quote.splitlines()
        lines.insert(3, "<p>{{ client.fax }}</p>")
        return "\n".join(lines) + "\n"

    override_template(root, "quote.html", add_fax)
    ws = load_workspace(root)
    with pytest.raises(RenderError) as info:
        render(ws, "quote", MINIMAL_DEAL, root / "out/q.pdf")
    assert "quote.html" in info.value.en and "line 4" in info.value.en and "client.fax" in info.value.en


def test_inputs_hash_covers_templates(minimal_workspace: Path) -> None:
    root = minimal_workspace
    plain = prepare(load_workspace(root), "intro", None)
    css = override_template(root, "base.css", lambda css: css + "\n/* brand tweak */\n").read_bytes()
    prepared = prepare(load_workspace(root), "intro", None)
    assert prepared.inputs_hash != plain.inputs_hash
    assert ("templates/base.css", css) in prepared.inputs
