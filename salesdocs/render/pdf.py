"""HTML → PDF with WeasyPrint 70: safe fetching, no tofu, metadata, reproducible, atomic.

What :func:`write_pdf` guarantees
---------------------------------
* **Nothing leaks in.**  Every resource (stylesheets, ``@import``, CSS ``url()``, images,
  fonts, ``<link rel=attachment>``) goes through :class:`SafeFetcher`, which serves only
  ``data:`` URLs and ``file:`` URLs whose fully resolved path (symlinks resolved) is a
  regular file inside one of ``allowed_roots`` (plus font files of the system font
  folders, for ``@font-face { src: local(...) }``).  Anything else is refused without being
  fetched; after rendering a :class:`~salesdocs.errors.RenderError` lists every refused URL.
  Missing files inside the roots, WeasyPrint's own resource errors (``LOGGER.error``:
  unreadable image, stylesheet …) and ``@font-face`` rules whose font cannot be loaded
  fail the render too.
* **No tofu.**  WeasyPrint 70 logs ``'.notdef glyph rendered for Unicode string unsupported
  by fonts: "%s" (U+%04X)'`` (args ``(char, codepoint)``) on the ``weasyprint`` logger from
  ``weasyprint/draw/text.py`` while drawing; a handler attached for the duration of the
  render turns these into a RenderError naming each character (``U+2A6D6 𪛖``).
* **Nothing is written on failure.**  The PDF is rendered to memory, checked, then written
  to a temporary file in the target folder, fsynced and ``os.replace``-d over ``out_path``.
* **Reproducible.**  The creation and modification dates come from ``meta.created`` (naive
  datetimes are taken as UTC), embedded files carry the same fixed dates: the same inputs
  give byte-identical PDFs across processes, PDF/A-3b included.
* **Metadata.**  Set through WeasyPrint's metadata API (``Document.metadata``, a
  ``DocumentMetadata``) after layout: ``/Title``, ``/Author``, ``/Subject``, ``/Keywords``,
  ``/CreationDate``, ``/ModDate``, catalog ``/Lang`` (also XMP for PDF/A).  The inputs hash
  is stored twice: as the custom info key ``/SalesdocsInputs`` (WeasyPrint option
  ``custom_metadata=True``; keys keep only ASCII letters and digits) and as the keyword
  ``salesdocs-inputs:<hash>`` (so it also lands in the XMP packet).  :func:`read_inputs_hash`
  reads the info key and falls back to the keyword.
* **Fonts.**  When the HTML root has no ``lang`` the document gets ``meta.lang`` so Chinese
  text is shaped with SC glyphs, not JP.  ``@font-face`` rules in workspace CSS work, fetched
  through the safe fetcher.
* **Warm.**  Rendering goes through a :class:`salesdocs.render.session.RenderSession` per
  (allowed folders, stylesheets): the parsed stylesheets and the ``FontConfiguration`` are reused
  across documents (a document that brings its own ``@font-face`` rules retires the shared font
  configuration after it, so no font leaks into the next document; that module says exactly what
  is reused and why it is safe), each PDF stream is compressed once, at zlib level 1
  (:mod:`salesdocs.render.pdfstreams`), and each font is subset in one pass
  (:mod:`salesdocs.render.fontsubset`).  The bytes are the same as a cold render.

WeasyPrint is imported lazily (importing it costs ~0.5 s), so the incremental-build check
:func:`read_inputs_hash` stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from salesdocs.atomic import write_atomically as write_atomically_raw
from salesdocs.errors import RenderError
from salesdocs.render.guard import (
    INPUTS_INFO_KEY,
    INPUTS_KEYWORD_PREFIX,
    Attachment,
    Findings,
    PdfMeta,
    resolved_roots,
)

__all__ = [
    "Attachment",
    "PdfMeta",
    "read_attachments",
    "read_inputs_hash",
    "render_pdf_bytes",
    "write_atomically",
    "write_pdf",
]

_HASH_RE = re.compile(r"^[A-Za-z0-9._:+/=-]+$")
_ATTACHMENT_NAME_RE = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$")


def _validate(meta: PdfMeta, attachments: Sequence[Attachment]) -> None:
    if not isinstance(meta.created, datetime):
        raise RenderError(
            f"PDF 元数据的日期必须是 datetime，而不是 {type(meta.created).__name__}",
            f"PDF metadata date must be a datetime, not {type(meta.created).__name__}",
        )
    if not meta.inputs_hash or not _HASH_RE.match(meta.inputs_hash):
        raise RenderError(
            f"输入哈希 {meta.inputs_hash!r} 无效（只允许字母、数字和 ._:+/=-）",
            f"invalid inputs hash {meta.inputs_hash!r} (letters, digits and ._:+/=- only)",
        )
    seen: set[str] = set()
    for attachment in attachments:
        name = attachment.name
        if not isinstance(name, str) or not _ATTACHMENT_NAME_RE.match(name) or "/" in name or "\\" in name:
            raise RenderError(
                f"附件名 {name!r} 无效：只允许 ASCII 可打印字符，不含路径分隔符，首尾不能是空格",
                f"invalid attachment name {name!r}: printable ASCII only, no path separators, no leading or trailing spaces",
            )
        if name in seen:
            raise RenderError(f"附件名 {name} 重复", f"duplicate attachment name {name}")
        seen.add(name)
        if not isinstance(attachment.data, (bytes, bytearray)):
            raise RenderError(f"附件 {name} 的内容必须是 bytes", f"attachment {name} data must be bytes")


def _check_stylesheets(stylesheets: Sequence[Path], roots: tuple[Path, ...]) -> list[Path]:
    out: list[Path] = []
    for sheet in stylesheets:
        path = Path(sheet).expanduser().absolute()
        resolved = path.resolve()
        if not any(resolved.is_relative_to(root) for root in roots):
            raise RenderError(
                f"样式表 {sheet} 不在允许的文件夹内（{', '.join(map(str, roots))}）",
                f"stylesheet {sheet} is outside the allowed folders ({', '.join(map(str, roots))})",
            )
        if not resolved.is_file():
            raise RenderError(f"找不到样式表 {sheet}", f"stylesheet {sheet} not found")
        out.append(path)
    return out


def _render(
    html: str,
    *,
    base_url: Path,
    allowed_roots: Sequence[Path],
    meta: PdfMeta,
    attachments: Sequence[Attachment],
    pdf_a: bool,
    stylesheets: Sequence[Path],
) -> tuple[bytes, Findings]:
    """Render to bytes and report what went wrong, without judging (tests use it directly)."""
    _validate(meta, attachments)
    roots = resolved_roots(allowed_roots)
    sheets = _check_stylesheets(stylesheets, roots)

    from salesdocs.render.session import session_for

    return session_for(roots, tuple(sheets)).render(html, base_url=base_url, meta=meta, attachments=attachments, pdf_a=pdf_a)


def _raise_for(findings: Findings) -> None:
    if findings.refused:
        listed = "\n".join(f"  {url}" for url in findings.refused)
        raise RenderError(
            f"文档引用了不允许的资源（只允许 data: 和允许文件夹内的文件），均未读取，未生成 PDF：\n{listed}",
            "the document references resources that are not allowed (only data: URLs and files "
            f"inside the allowed folders); none was fetched and no PDF was written:\n{listed}",
        )
    if findings.notdef:
        chars = "、".join(f"U+{cp:04X} {ch}" for ch, cp in findings.notdef.items())
        chars_en = ", ".join(f"U+{cp:04X} {ch}" for ch, cp in findings.notdef.items())
        raise RenderError(
            f"没有已安装的字体能显示这些字符（会显示为方框），未生成 PDF：{chars}",
            f"no installed font can display these characters (they would print as boxes); no PDF was written: {chars_en}",
        )
    if findings.missing:
        listed = "\n".join(f"  {url}" for url in findings.missing)
        raise RenderError(
            f"文档引用的文件不存在，未生成 PDF：\n{listed}",
            f"the document references files that do not exist; no PDF was written:\n{listed}",
        )
    if findings.errors:
        listed = "\n".join(f"  {text}" for text in findings.errors)
        raise RenderError(
            f"WeasyPrint 报告了错误，未生成 PDF：\n{listed}",
            f"WeasyPrint reported errors; no PDF was written:\n{listed}",
        )


def render_pdf_bytes(
    html: str,
    *,
    base_url: Path,
    allowed_roots: Sequence[Path],
    meta: PdfMeta,
    attachments: Sequence[Attachment] = (),
    pdf_a: bool = False,
    stylesheets: Sequence[Path] = (),
) -> bytes:
    """Render ``html`` to PDF bytes; RenderError on refused URLs, missing glyphs or files."""
    data, findings = _render(
        html,
        base_url=base_url,
        allowed_roots=allowed_roots,
        meta=meta,
        attachments=attachments,
        pdf_a=pdf_a,
        stylesheets=stylesheets,
    )
    _raise_for(findings)
    return data


def write_pdf(
    html: str,
    out_path: Path,
    *,
    base_url: Path,
    allowed_roots: Sequence[Path],
    meta: PdfMeta,
    attachments: Sequence[Attachment] = (),
    pdf_a: bool = False,
    stylesheets: Sequence[Path] = (),
) -> Path:
    """Render and atomically write ``out_path`` (parents created); untouched on any failure."""
    data = render_pdf_bytes(
        html,
        base_url=base_url,
        allowed_roots=allowed_roots,
        meta=meta,
        attachments=attachments,
        pdf_a=pdf_a,
        stylesheets=stylesheets,
    )
    out_path = Path(out_path)
    _atomic_write(out_path, data)
    return out_path


# ---------------------------------------------------------------------------- files


def _atomic_write(out_path: Path, data: bytes) -> None:
    try:
        write_atomically_raw(Path(out_path), data)
    except OSError as exc:
        raise RenderError(f"无法写入 {out_path}：{exc.strerror or exc}", f"cannot write {out_path}: {exc.strerror or exc}") from exc


def write_atomically(out_path: Path, data: bytes) -> Path:
    """Write PDF bytes made elsewhere (a queue worker) the way :func:`write_pdf` writes its own."""
    _atomic_write(Path(out_path), data)
    return Path(out_path)


# ---------------------------------------------------------------------------- reading back


def read_inputs_hash(pdf_path: Path) -> str | None:
    """The inputs hash stored by :func:`write_pdf`, or None when absent or unreadable (read through
    PDFium, which parses only what it needs: :mod:`salesdocs.render.pdfium`)."""
    from salesdocs.render.pdfium import info_values

    info = info_values(pdf_path, (INPUTS_INFO_KEY, "Keywords"))
    if info is None:
        return None
    if info[INPUTS_INFO_KEY]:
        return info[INPUTS_INFO_KEY]
    for keyword in info["Keywords"].split(","):
        keyword = keyword.strip()
        if keyword.startswith(INPUTS_KEYWORD_PREFIX):
            return keyword[len(INPUTS_KEYWORD_PREFIX) :] or None
    return None


def read_attachments(pdf_path: Path) -> dict[str, bytes]:
    """Embedded files by name, each once (WeasyPrint 70 may list them twice in /AF)."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(pdf_path))
        out: dict[str, bytes] = {}
        for name, contents in reader.attachments.items():
            if contents and name not in out:
                out[name] = contents[0]
        return out
    except Exception as exc:
        raise RenderError(f"无法读取 {pdf_path} 的附件：{exc}", f"cannot read the attachments of {pdf_path}: {exc}") from exc
