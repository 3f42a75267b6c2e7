"""The contract appendix as a Word document, from the same context as the PDF.

Articles are ``Heading 1`` paragraphs of one Word list (第一条 …) and items ``Contract Item``
paragraphs of their article's Word list (1.1 …): numbering definitions, not typed numbers; tables are Word tables under a
``SEQ 表`` caption.  Each item's text sits in a bookmark named after its clause id, and a custom
XML part keeps every clause's original text with its placeholders and where their values landed,
so :mod:`.redline` can find any later edit and tell wording from policy figures.
"""

from __future__ import annotations

import hashlib
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from salesdocs.engine.money import chinese_numeral
from salesdocs.errors import RenderError
from salesdocs.model import Workspace
from salesdocs.render.docx.document import ITEM, add_table, new_document, page_furniture, para
from salesdocs.render.docx.ooxml import (
    CLAUSES_NS,
    add_bookmark,
    add_custom_xml,
    add_field,
    article_numbering,
    item_numbering,
    set_numbering,
)
from salesdocs.render.inputs import Prepared

__all__ = ["appendix_document", "bookmark_name"]

#: the document furniture around the clauses (signature block, verification note): layout, not terms
SIGN_LINES = ("（盖章）", "授权代表（签字）：", "日期：　　　　年　　月　　日")
VERIFY_NOTE = "核对信息（不构成本协议条款）：本协议所依据的服务政策文件及其客户可见部分的校验值如下。"
VERIFY_HEAD = ("文件", "版本", "生效日期", "SHA-256（前 12 位）")
#: column widths of the computed tables, as shares of the text width
WIDTHS: dict[str, tuple[float, ...]] = {
    "scope-lines": (0.2, 0.08, 0.32, 0.25, 0.15),
    "price-lines": (0.14, 0.12, 0.07, 0.12, 0.12, 0.1, 0.13, 0.2),
    "deal-lines": (0.22, 0.15, 0.14, 0.49),
    "revision-allowances": (0.18, 0.09, 0.2, 0.2, 0.13, 0.2),
}


def bookmark_name(clause_id: str) -> str:
    """A Word bookmark name for a clause id: a letter first, ``_`` for ``-``, at most 40 characters."""
    name = "sd_" + clause_id.replace("-", "_")
    if len(name) > 40:
        name = name[:31] + "_" + hashlib.sha256(clause_id.encode()).hexdigest()[:8]
    return name


def _check_numbers(context: dict[str, Any]) -> None:
    """Word numbers the paragraphs by their order; make sure that gives the context's numbers."""
    for a, article in enumerate(context["contract"]["articles"], start=1):
        items = [c for c in article["clauses"] if not c["table"]]
        expected = [f"{a}.{i}" for i in range(1, len(items) + 1)]
        if article["label"] != f"第{chinese_numeral(a)}条" or [c["number"] for c in items] != expected:
            raise RenderError(
                f"合同附件编号与 Word 列表编号不一致（{article['label']}）",
                f"the appendix numbers differ from Word's list ({article['label']})",
            )


def _parties(doc: DocxDocument, context: dict[str, Any]) -> None:
    client, company, total = context["client"], context["company"], context["contract"]["total"]
    rows = [
        ("甲方（客户）", client["name"] + (f"　地址：{client['address']}" if client.get("address") else "")),
        ("乙方（服务方）", company["name"] + (f"　地址：{company['address']}" if company.get("address") else "")),
        ("合同总价", f"{total['amount']} 元（{total['words']}）"),
    ]
    add_table(doc, None, rows, widths=(0.2, 0.8))


def _table(doc: DocxDocument, item: dict[str, Any]) -> None:
    t, kind = item["data"], item["table"]
    caption = para(doc, "", "Caption")
    caption.add_run("表")
    add_field(caption, "SEQ 表 \\* ARABIC", item["number"].removeprefix("表"))
    caption.add_run(f"　{item['caption']}")
    if kind == "refund-ladders":
        c = t["columns"]
        for ladder in t["ladders"]:
            steps = [(f"{r['stages']}{c['stage_suffix']}", r["percent"], r["kept"]) for r in ladder["rows"]]
            add_table(
                doc, (f"{ladder['name']}：{ladder['services']}", c["percent"], c["kept"]), steps, numeric=(1, 2), widths=(0.6, 0.2, 0.2)
            )
        return
    columns: dict[str, str] = t["columns"]
    keys = list(columns)
    rows: list[list[str]] = [[("；".join(r[k]) if isinstance(r[k], list) else str(r[k])) for k in keys] for r in t["rows"]]
    numeric: tuple[int, ...] = ()
    if kind == "price-lines":
        totals = t["totals"]
        rows.append([t["total_label"], "", "", totals["amount"], totals["discount"], totals["tax"], totals["total"], ""])
        numeric = (1, 3, 4, 5, 6, 7)
    add_table(doc, [columns[k] for k in keys], rows, numeric=numeric, widths=WIDTHS.get(kind))
    if t.get("note"):
        para(doc, t["note"], "Table Text")


def _clause(doc: DocxDocument, item: dict[str, Any], num_id: int, bookmark_id: int) -> None:
    paragraph = para(doc, "", ITEM)
    set_numbering(paragraph, num_id, 0)
    run = paragraph.add_run(item["text"])
    run.bold = bool(item["bold"]) or None
    add_bookmark(paragraph, bookmark_name(item["id"]), bookmark_id)


def _signatures(doc: DocxDocument, context: dict[str, Any]) -> None:
    doc.add_paragraph()
    sides = [f"甲方：{context['client']['name']}{SIGN_LINES[0]}", f"乙方：{context['company']['name']}{SIGN_LINES[0]}"]
    rows = [sides, [SIGN_LINES[1]] * 2, [""] * 2, [SIGN_LINES[2]] * 2]
    add_table(doc, None, rows, widths=(0.5, 0.5), grid=False)


def _verification(doc: DocxDocument, context: dict[str, Any]) -> None:
    doc.add_paragraph()
    para(doc, VERIFY_NOTE, "Table Text")
    rows = [(f["rel"], f["version"], f["effective"].isoformat(), f["sha"]) for f in context["provenance"]["files"]]
    add_table(doc, VERIFY_HEAD, rows, widths=(0.35, 0.15, 0.2, 0.3))


def clauses_xml(context: dict[str, Any], deal_id: str, prepared: Prepared, contract_version: str) -> etree._Element:
    """The custom XML part: every clause and article title as printed, with its placeholders."""
    ns = "{" + CLAUSES_NS + "}"
    root = etree.Element(ns + "appendix", nsmap={"sd": CLAUSES_NS})
    for key, value in (
        ("deal", deal_id),
        ("policy-version", context["provenance"]["policy_version"]),
        ("contract-version", contract_version),
        ("inputs-hash", prepared.inputs_hash),
    ):
        root.set(key, value)
    for article in context["contract"]["articles"]:
        for item in article["clauses"]:
            if item["table"]:
                continue
            el = etree.SubElement(root, ns + "clause", id=item["id"], article=article["id"], label=f"第{item['number']}条")
            el.set("bookmark", bookmark_name(item["id"]))
            etree.SubElement(el, ns + "source").text = item["source"]
            etree.SubElement(el, ns + "text").text = item["text"]
            for slot in item["slots"]:
                etree.SubElement(el, ns + "slot", start=str(slot["start"]), end=str(slot["end"]), name=slot["name"])
    return root


def appendix_document(ws: Workspace, prepared: Prepared, deal_id: str) -> DocxDocument:
    """The appendix of ``prepared`` (its context is the PDF's) as a python-docx document."""
    context = prepared.context
    _check_numbers(context)
    contract = context["contract"]
    doc = new_document()
    page_furniture(
        doc,
        f"{context['company']['name']}　{contract['title']}　合同编号：{context['deal']['number']}",
        f"政策版本 {context['provenance']['policy_version']}　校验码 {context['provenance']['short_hash']}",
    )
    para(doc, contract["title"], "Title")
    para(doc, context["deal"]["title"], "Subtitle")
    _parties(doc, context)
    articles_list = article_numbering(doc)
    bookmark_id = 0
    for number, article in enumerate(contract["articles"], start=1):
        heading = para(doc, article["title"], "Heading 1")
        set_numbering(heading, articles_list, 0)
        items_list = item_numbering(doc, number)
        for item in article["clauses"]:
            if item["table"]:
                _table(doc, item)
            else:
                bookmark_id += 1
                _clause(doc, item, items_list, bookmark_id)
    _signatures(doc, context)
    _verification(doc, context)
    contract_version = next((f.version for f in ws.policy.files if f.name == "contract"), "")
    item_id = _guid(prepared.inputs_hash)
    add_custom_xml(doc, clauses_xml(context, deal_id, prepared, contract_version), item_id)
    _end_with_paragraph(doc)
    return doc


def _guid(seed: str) -> str:
    """A GUID made from the inputs hash (reproducible, unlike uuid4)."""
    h = hashlib.sha256(seed.encode()).hexdigest().upper()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _end_with_paragraph(doc: DocxDocument) -> None:
    """Word expects a paragraph, not a table, right before the section properties."""
    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    last = sect.getprevious() if sect is not None else None
    if last is not None and last.tag != qn("w:p"):
        last.addnext(OxmlElement("w:p"))
