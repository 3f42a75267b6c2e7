"""A Word document set like a contract: styles with the East Asian font set, A4 with contract
margins, a running header and a footer with policy version, 校验码 and page X of Y, real tables.

The appendix and the quote (:mod:`.appendix`, :mod:`.quote`) lay out their contexts with these.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from salesdocs.render.docx.ooxml import add_field, drop_thumbnail, set_fonts, set_page

__all__ = [
    "DRAFT_BANNER",
    "DRAFT_MARK",
    "ITEM",
    "TABLE_TEXT",
    "add_table",
    "draft_banner",
    "new_document",
    "page_furniture",
    "para",
    "write_atomic",
]

ITEM = "Contract Item"
TABLE_TEXT = "Table Text"
TABLE_HEAD = "Table Heading"
SANS_STYLES = (TABLE_TEXT, TABLE_HEAD, "Caption", "Header", "Footer")
HEADING_STYLES = ("Title", "Subtitle", "Heading 1")
BLACK = RGBColor(0, 0, 0)
#: a document made from the unreleased working copy (--policy rules), marked as the PDF is
DRAFT_MARK = "草稿 · 未发布的工作稿"
DRAFT_BANNER = "草稿 · 按未发布的工作稿（rules/）生成，仅供内部预览，不得作为正式文件交给客户"


def _paragraph_style(doc: DocxDocument, name: str, base: str, size: float, *, bold: bool = False) -> Any:
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base] if base != name else None
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = BLACK
    style.font.italic = False
    return style


def _styles(doc: DocxDocument) -> None:
    normal = _paragraph_style(doc, "Normal", "Normal", 10.5)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = 1.35
    fmt.space_after = Pt(3)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    title = _paragraph_style(doc, "Title", "Normal", 18, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(4)
    title.element.get_or_add_pPr().remove_all("w:pBdr")
    subtitle = _paragraph_style(doc, "Subtitle", "Normal", 12)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.space_after = Pt(12)
    heading = _paragraph_style(doc, "Heading 1", "Normal", 12, bold=True)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    item = _paragraph_style(doc, ITEM, "Normal", 10.5)
    item.paragraph_format.widow_control = True
    item.paragraph_format.space_before = Pt(3)
    caption = _paragraph_style(doc, "Caption", "Normal", 9.5, bold=True)
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name, bold in ((TABLE_TEXT, False), (TABLE_HEAD, True)):
        style = _paragraph_style(doc, name, "Normal", 9, bold=bold)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        style.paragraph_format.line_spacing = 1.15
        style.paragraph_format.space_after = Pt(0)
    for name in ("Header", "Footer"):
        _paragraph_style(doc, name, "Normal", 8).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(doc, SANS_STYLES, HEADING_STYLES)


def style_id(doc: DocxDocument, name: str) -> str:
    return str(doc.styles[name].style_id)


def set_style(paragraph: Paragraph, doc: DocxDocument, name: str) -> None:
    """Set a paragraph style by id (python-docx's ``paragraph.style =`` scans every style each time)."""
    paragraph._p.get_or_add_pPr().style = style_id(doc, name)


def para(doc: DocxDocument, text: str, name: str) -> Paragraph:
    """A new body paragraph with ``text`` in style ``name``."""
    paragraph = doc.add_paragraph(text)
    set_style(paragraph, doc, name)
    return paragraph


def new_document() -> DocxDocument:
    """An empty A4 document with the contract styles (python-docx's template, restyled)."""
    doc = docx.Document()
    drop_thumbnail(doc)
    _styles(doc)
    set_page(doc)
    doc.sections[0].start_type = WD_SECTION_START.NEW_PAGE
    return doc


def _bottom_border(paragraph: Paragraph, edge: str = "bottom") -> None:
    ppr: Any = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{edge}")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "000000")):
        line.set(qn(key), value)
    borders.append(line)


def page_furniture(doc: DocxDocument, header: str, footer: str, *, draft: bool = False) -> None:
    """Header ``header`` over a rule; footer ``footer`` then 第 PAGE 页 共 NUMPAGES 页 (Word fields).
    ``draft``: both say 草稿 · 未发布的工作稿 on every page, and the first page carries a banner."""
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    set_style(head, doc, "Header")
    if draft:
        head.add_run(f"{DRAFT_MARK}　").bold = True
        footer = f"{footer}（{DRAFT_MARK}）"
        draft_banner(doc)
    head.add_run(header)
    _bottom_border(head)
    foot = section.footer.paragraphs[0]
    set_style(foot, doc, "Footer")
    foot.add_run(f"{footer}　第 ")
    add_field(foot, "PAGE", "1")
    foot.add_run(" 页 共 ")
    add_field(foot, "NUMPAGES", "1")
    foot.add_run(" 页")


def draft_banner(doc: DocxDocument) -> None:
    """The first page's banner of a draft: bold, boxed, before everything else."""
    banner = para(doc, "", "Normal")
    banner.alignment = WD_ALIGN_PARAGRAPH.CENTER
    banner.add_run(DRAFT_BANNER).bold = True
    for edge in ("top", "bottom", "left", "right"):
        _bottom_border(banner, edge)


def _cell_text(cell: Any, text: str, style: str, align: WD_ALIGN_PARAGRAPH | None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph._p.get_or_add_pPr().style = style
    if align is not None:
        paragraph.alignment = align
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if i < len(lines) - 1:
            run.add_break()


def _repeat_header(table: Table) -> None:
    trpr: Any = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trpr.append(el)
    for row in table.rows:
        cant = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().insert(0, cant)


def add_table(
    doc: DocxDocument,
    head: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    widths: Sequence[float] | None = None,
    grid: bool = True,
) -> Table:
    """A real Word table: a repeated heading row, sans 9 pt text, amounts right-aligned."""
    body = list(rows)
    cols = len(head) if head is not None else len(body[0])
    table: Table = doc.add_table(rows=(1 if head is not None else 0) + len(body), cols=cols)
    table.style = doc.styles["Table Grid"] if grid else doc.styles["Normal Table"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    heading, text = style_id(doc, TABLE_HEAD), style_id(doc, TABLE_TEXT)
    offset = 0
    if head is not None:
        for j, label in enumerate(head):
            _cell_text(table.rows[0].cells[j], label, heading, WD_ALIGN_PARAGRAPH.RIGHT if j in numeric else None)
        offset = 1
    for i, row in enumerate(body):
        for j, value in enumerate(row):
            _cell_text(table.rows[i + offset].cells[j], value, text, WD_ALIGN_PARAGRAPH.RIGHT if j in numeric else None)
    if head is not None:
        _repeat_header(table)
    section = doc.sections[0]
    total = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
    table.autofit = False  # fixed layout: Word, WPS and LibreOffice all keep these column widths
    for j, share in enumerate(widths or [1 / cols] * cols):
        table.columns[j].width = int(total * share)
        for cell in table.columns[j].cells:
            cell.width = int(total * share)
    return table


def write_atomic(data: bytes, out_path: Path) -> Path:
    """Write ``data`` to ``out_path`` atomically (:func:`salesdocs.render.pdf.write_atomically`: never half a file)."""
    from salesdocs.render.pdf import write_atomically

    return write_atomically(out_path, data)
