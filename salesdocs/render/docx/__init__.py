"""Word documents (DOCX): the appendix and the quote, made from the PDF's context, and the
appendix's redlines read back (:mod:`.redline`) and applied to the policy or a deal (:mod:`.apply`).

python-docx writes the documents; the OOXML it has no API for (numbering definitions, fields,
bookmarks, the custom XML part, fixed zip dates) is in :mod:`.ooxml`.  Revisions are read with lxml.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from salesdocs.errors import UsageError
from salesdocs.model import Workspace
from salesdocs.render.inputs import Prepared
from salesdocs.render.kinds import DocumentKind

__all__ = ["DOCX_KINDS", "docx_path", "read_docx_hash", "write_docx"]

DOCX_KINDS = (DocumentKind.QUOTE, DocumentKind.APPENDIX)


def docx_path(pdf_path: Path) -> Path:
    """The DOCX beside a PDF (``build --docx``)."""
    return pdf_path.with_suffix(".docx")


def docx_bytes(ws: Workspace, prepared: Prepared, kind: DocumentKind, target: str) -> bytes:
    """The document as reproducible DOCX bytes (same inputs, same bytes)."""
    from salesdocs.render.docx.appendix import appendix_document
    from salesdocs.render.docx.ooxml import fix_core_properties, reproducible_bytes
    from salesdocs.render.docx.quote import quote_document

    if kind not in DOCX_KINDS:
        raise UsageError(
            f"只有报价单和合同附件可以生成 Word 文件，{kind.value} 请输出为 .pdf",
            f"only the quote and the appendix can be written as Word; write {kind.value} as .pdf",
        )
    doc = appendix_document(ws, prepared, target) if kind is DocumentKind.APPENDIX else quote_document(prepared)
    fix_core_properties(
        doc,
        when=prepared.created,
        title=prepared.title,
        subject=prepared.subject,
        author=ws.policy.company.name,
        last_modified_by=ws.policy.company.name,
        keywords="; ".join([*prepared.keywords, f"policy {ws.policy.version}", f"sha256:{prepared.inputs_hash}"]),
        identifier=f"sha256:{prepared.inputs_hash}",
        version=ws.policy.version,
        category=kind.value,
        language="zh-CN",
    )
    return reproducible_bytes(doc)


def write_docx(ws: Workspace, prepared: Prepared, kind: DocumentKind, target: str, out_path: Path) -> Path:
    """Write the DOCX of a prepared quote or appendix at ``out_path`` (atomically)."""
    from salesdocs.render.docx.document import write_atomic

    return write_atomic(docx_bytes(ws, prepared, kind, target), out_path)


def read_docx_hash(path: Path) -> str | None:
    """The inputs hash a salesdocs DOCX carries (core property ``identifier``), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
            core = z.read("docProps/core.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    start = core.find("sha256:")
    return core[start + 7 : start + 71] if start >= 0 else None
