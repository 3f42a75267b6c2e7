"""The quote as a Word document, from the same context as the PDF (the template's filters format
amounts, percentages and dates, so both print the same figures)."""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocxDocument

from salesdocs.render.docx.document import add_table, new_document, page_furniture, para
from salesdocs.render.environment import cn_date, percent, yuan
from salesdocs.render.inputs import Prepared

__all__ = ["quote_document"]


def _party(label: str, who: dict[str, Any], extra: list[str]) -> str:
    return "\n".join([label, who["name"], *([who["address"]] if who.get("address") else []), *extra])


def _head(doc: DocxDocument, c: dict[str, Any]) -> None:
    q, client, company, contact = c["quote"], c["client"], c["company"], c["contact"]
    people = [p["name"] + (f" · {p['title']}" if p.get("title") else "") for p in client["key_people"][:2]]
    mine = []
    if contact:
        mine.append(" · ".join(x for x in (contact["name"], contact.get("phone"), contact.get("email")) if x))
    add_table(doc, None, [(_party("客户（甲方）", client, people), _party("报价方（乙方）", company, mine))], widths=(0.5, 0.5), grid=False)
    doc.add_paragraph()
    meta = [
        ("报价单号", q["number"], "报价日期", cn_date(q["date"]), "有效期至", cn_date(q["valid_until"])),
        ("项目", c["deal"]["title"], "预计开始", cn_date(q["start"]), "销售代表", c["deal"]["sales"] or "—"),
    ]
    add_table(doc, None, meta, widths=(0.12, 0.26, 0.12, 0.18, 0.12, 0.2))


def _lines(doc: DocxDocument, q: dict[str, Any]) -> None:
    rows = []
    for line in q["lines"]:
        name = f"{line['service']} · {line['tier']}"
        if line["overridden"]:
            name += f"\n原价 {yuan(line['list_price'])}；{line['price_reason']}"
        due = line["due_range"] + (" *" if line["estimated"] else "")
        rows.append((str(line["number"]), name, yuan(line["unit_price"]), f"{line['quantity']} {line['unit']}", yuan(line["amount"]), due))
    doc.add_paragraph()
    add_table(
        doc,
        ("序号", "服务项目", "单价", "数量", "金额", "预计交付"),
        rows,
        numeric=(0, 2, 3, 4),
        widths=(0.07, 0.33, 0.14, 0.1, 0.14, 0.22),
    )
    totals = [("小计", yuan(q["subtotal"]))]
    if q["has_discount"]:
        totals.append((q["discount_label"], f"-{yuan(q['discount'])}"))
    totals += [(q["tax_label"], yuan(q["tax"])), ("合计", yuan(q["total"])), ("大写", q["total_in_words"])]
    add_table(doc, None, totals, numeric=(1,), widths=(0.6, 0.4))
    if q["estimated"]:
        para(doc, "* 该日期所在年份尚无官方节假日安排，按周一至周五估算，公布后以实际工作日为准。", "Table Text")


def _terms(doc: DocxDocument, c: dict[str, Any]) -> None:
    q = c["quote"]
    para(doc, "付款方式", "Heading 1")
    payments = [(p["name"], percent(p["percent"]), yuan(p["amount"]), p["due"]) for p in q["payments"]]
    add_table(doc, ("款项", "比例", "金额", "付款时间"), payments, numeric=(1, 2), widths=(0.2, 0.15, 0.2, 0.45))
    para(doc, "说明", "Heading 1")
    ladders = "；".join(f"{ld['name']}——{ld['summary']}，按{ld['base']}计算" for ld in c["ladders"])
    notes = [
        f"{c['tax_note']}；金额单位为人民币元。",
        "交付时间自预计开始日期起按中国法定工作日计算（含调休上班日），第 1 个工作日为开始日期之后的第一个工作日。",
        f"不满意退款：{ladders}。详见合同附件。",
        f"本报价有效期至 {cn_date(q['valid_until'])}，逾期请重新确认。",
    ]
    for i, note in enumerate(notes, start=1):
        para(doc, f"{i}. {note}", "Table Text")
    doc.add_paragraph()
    sign = [
        ("客户确认（签字 / 盖章）", f"{c['company']['name']}（盖章）"),
        ("", ""),
        ("日期：　　　　年　　月　　日", f"日期：{cn_date(q['date'])}"),
    ]
    add_table(doc, None, sign, widths=(0.5, 0.5), grid=False)


def quote_document(prepared: Prepared) -> DocxDocument:
    """The quote of ``prepared`` (its context is the PDF's) as a python-docx document."""
    c = prepared.context
    doc = new_document()
    provenance = c["provenance"]
    page_furniture(
        doc,
        f"{c['company']['name']}　报价单 {c['quote']['number']}",
        f"政策版本 {provenance['policy_version']}　校验码 {provenance['short_hash']}",
    )
    para(doc, "报价单", "Title")
    para(doc, c["quote"]["number"], "Subtitle")
    _head(doc, c)
    _lines(doc, c["quote"])
    _terms(doc, c)
    return doc
