"""The OOXML python-docx has no API for: fonts on every style, numbering definitions, fields,
bookmarks, the custom XML part, fixed core properties and a byte-reproducible package.

Everything here is deterministic: no clock, no random ids, zip entries in a fixed order with a
fixed date, so the same document gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from lxml import etree

__all__ = [
    "BODY_FONT",
    "CLAUSES_NS",
    "HEADING_FONT",
    "LATIN_FONT",
    "SANS_LATIN",
    "TABLE_FONT",
    "add_bookmark",
    "add_custom_xml",
    "add_field",
    "article_numbering",
    "fix_core_properties",
    "item_numbering",
    "reproducible_bytes",
    "set_fonts",
    "set_numbering",
    "set_page",
]

#: body text: 宋体 (SimSun) as Chinese contracts are set; Latin letters and digits in Times New Roman
BODY_FONT = "宋体"
LATIN_FONT = "Times New Roman"
#: headings and the title: 黑体 (SimHei); tables: a sans (黑体 with Arial), as the issue asks
HEADING_FONT = "黑体"
TABLE_FONT = "黑体"
SANS_LATIN = "Arial"
#: the namespace of the custom XML part that carries every clause's original text
CLAUSES_NS = "urn:salesdocs:appendix-clauses:1"
#: a fixed date for every zip entry (the DOS epoch): the same inputs give the same bytes
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _child(parent: Any, tag: str, *, first: bool = False) -> Any:
    """The child ``tag`` of ``parent``, created when missing (``first``: as the first child)."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def rfonts(rpr: Any, east_asia: str, latin: str) -> None:
    """Explicit fonts on a run-properties element: ``w:eastAsia`` for Chinese, ``latin`` for the rest
    (theme fonts removed, since Word prefers a theme font over an explicit one)."""
    fonts = _child(rpr, "w:rFonts", first=True)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def set_fonts(doc: DocxDocument, sans_styles: Iterable[str], heading_styles: Iterable[str]) -> None:
    """The East Asian font set on the document defaults and on every style: 宋体 for body text,
    黑体 for headings and the given table styles, each with its Latin companion."""
    styles = doc.styles.element
    defaults = _child(_child(styles, "w:docDefaults", first=True), "w:rPrDefault")
    rfonts(_child(defaults, "w:rPr"), BODY_FONT, LATIN_FONT)
    sans, headings = {s.lower() for s in sans_styles}, {h.lower() for h in heading_styles}
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "numbering":
            continue  # numbering styles take no run properties
        name = style.find(qn("w:name"))
        label = str(name.get(qn("w:val"))).lower() if name is not None else ""  # Word keeps "heading 1" lower-case
        if label in headings:
            rfonts(_child(style, "w:rPr"), HEADING_FONT, SANS_LATIN)
        elif label in sans:
            rfonts(_child(style, "w:rPr"), TABLE_FONT, SANS_LATIN)
        else:
            rfonts(_child(style, "w:rPr"), BODY_FONT, LATIN_FONT)
        lang = _child(_child(style, "w:rPr"), "w:lang")
        lang.set(qn("w:eastAsia"), "zh-CN")


def set_page(doc: DocxDocument) -> None:
    """A4 portrait with contract margins: 25 mm top and bottom, 28 mm binding edge, 25 mm right."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(25), Mm(25)
        section.left_margin, section.right_margin = Mm(28), Mm(25)
        section.header_distance, section.footer_distance = Mm(12), Mm(12)


# ----------------------------------------------------------------------------- numbering


def _level(fmt: str, text: str, indent: int, *, heading: bool) -> Any:
    """Level 0 of a list: ``fmt`` numbers printed as ``text``; a heading's number is followed by a
    space, an item's by a tab to the hanging indent."""
    lvl = OxmlElement("w:lvl")
    lvl.set(qn("w:ilvl"), "0")
    for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:suff", "space" if heading else "tab"), ("w:lvlText", text)):
        el = OxmlElement(tag)
        el.set(qn("w:val"), value)
        lvl.append(el)
    jc = OxmlElement("w:lvlJc")
    jc.set(qn("w:val"), "left")
    lvl.append(jc)
    ppr = OxmlElement("w:pPr")
    if not heading:
        tabs = OxmlElement("w:tabs")
        tab = OxmlElement("w:tab")
        tab.set(qn("w:val"), "num")
        tab.set(qn("w:pos"), str(indent))
        tabs.append(tab)
        ppr.append(tabs)
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), str(indent))
    ind.set(qn("w:hanging"), str(indent))
    ppr.append(ind)
    lvl.append(ppr)
    rpr = OxmlElement("w:rPr")
    rfonts(rpr, HEADING_FONT if heading else BODY_FONT, SANS_LATIN if heading else LATIN_FONT)
    if heading:
        rpr.append(OxmlElement("w:b"))
    lvl.append(rpr)
    return lvl


def _list(doc: DocxDocument, list_id: int, level: Any) -> int:
    """A one-level Word list (an ``abstractNum`` and the ``num`` citing it), ``list_id`` for both."""
    numbering = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(list_id))
    kind = OxmlElement("w:multiLevelType")
    kind.set(qn("w:val"), "singleLevel")
    abstract.append(kind)
    abstract.append(level)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:  # every abstractNum comes before the first num (schema order)
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(list_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(list_id))
    num.append(ref)
    numbering.append(num)
    return list_id


#: list ids: the articles' list, then one list per article for its items
ARTICLES_LIST = 90


def article_numbering(doc: DocxDocument) -> int:
    """The articles' Word list: 第一条、第二条…（Chinese counting）; returns its ``w:numId``."""
    return _list(doc, ARTICLES_LIST, _level("chineseCountingThousand", "第%1条", 0, heading=True))


def item_numbering(doc: DocxDocument, article: int) -> int:
    """The items' Word list of article ``article``: ``8.1``, ``8.2``… counted by Word.

    One list per article with the article's number in its pattern, rather than one two-level list
    whose second level prints ``%1.%2`` with ``w:isLgl``: LibreOffice (7.x) ignores ``isLgl`` and
    would print 八.1; this way Word, WPS and LibreOffice all print 8.1."""
    return _list(doc, ARTICLES_LIST + article, _level("decimal", f"{article}.%1", 567, heading=False))


def set_numbering(paragraph: Paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    numpr = _child(ppr, "w:numPr")
    ilvl = _child(numpr, "w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    nid = _child(numpr, "w:numId")
    nid.set(qn("w:val"), str(num_id))


# ----------------------------------------------------------------------------- fields, bookmarks


def add_field(paragraph: Paragraph, instruction: str, shown: str, *, style: Any = None) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``, ``SEQ 表``) with ``shown`` as its last computed result."""

    def run(*children: Any) -> None:
        r = OxmlElement("w:r")
        if style is not None:
            r.append(etree.fromstring(etree.tostring(style)))
        for child in children:
            r.append(child)
        p: Any = paragraph._p
        p.append(r)

    def char(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    text = OxmlElement("w:t")
    text.text = shown
    run(char("begin"))
    run(instr)
    run(char("separate"))
    run(text)
    run(char("end"))


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int, *, after_runs: int = 0) -> None:
    """A bookmark ``name`` around the paragraph's runs from the ``after_runs``-th on (the clause text)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    p: Any = paragraph._p
    runs = p.findall(qn("w:r"))
    if after_runs < len(runs):
        runs[after_runs].addprevious(start)
    else:
        p.append(start)
    p.append(end)


# ----------------------------------------------------------------------------- package parts


def add_custom_xml(doc: DocxDocument, root: etree._Element, item_id: str) -> None:
    """A custom XML part (``customXml/itemN.xml`` with its properties part) related to the document."""
    package = doc.part.package
    taken = {str(p.partname) for p in package.iter_parts()}
    n = 1
    while f"/customXml/item{n}.xml" in taken:
        n += 1
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    item = Part(PackURI(f"/customXml/item{n}.xml"), "application/xml", blob, package)
    props_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
        '<ds:datastoreItem ds:itemID="{' + item_id + '}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{CLAUSES_NS}"/></ds:schemaRefs></ds:datastoreItem>'
    )
    props = Part(
        PackURI(f"/customXml/itemProps{n}.xml"),
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
        props_xml.encode(),
        package,
    )
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    doc.part.relate_to(item, RT.CUSTOM_XML)


def drop_thumbnail(doc: DocxDocument) -> None:
    """python-docx's template carries the thumbnail of an empty page: not this document's."""
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)


def fix_core_properties(doc: DocxDocument, *, when: datetime, **values: str) -> None:
    """Core properties with fixed dates (python-docx's template would keep its own)."""
    core = doc.core_properties
    for name, value in values.items():
        setattr(core, name, value)
    core.created = core.modified = core.last_printed = when.replace(tzinfo=None)
    core.revision = 1


def reproducible_bytes(doc: DocxDocument) -> bytes:
    """The package as bytes with fixed entry dates, ``[Content_Types].xml`` first, then the
    relationships, then every part in python-docx's (deterministic) order."""
    raw = io.BytesIO()
    doc.save(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source:
        names = source.namelist()
        first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
        order = first + [n for n in names if n not in first]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in order:
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
