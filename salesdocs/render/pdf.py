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
* **Fonts.**  A fresh ``FontConfiguration`` per document (exactly what a bare
  ``weasyprint.HTML().write_pdf()`` does, ~5 ms): ``@font-face`` rules in workspace CSS
  work, fetched through the safe fetcher, and no font of one document can leak into the
  next or go stale in a long-lived process.  When the HTML root has no ``lang`` the
  document gets ``meta.lang`` so Chinese text is shaped with SC glyphs, not JP.

WeasyPrint is imported lazily (importing it costs ~0.5 s), so the incremental-build check
:func:`read_inputs_hash` stays cheap.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from salesdocs.errors import RenderError

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = [
    "Attachment",
    "PdfMeta",
    "read_attachments",
    "read_inputs_hash",
    "render_pdf_bytes",
    "write_atomically",
    "write_pdf",
]

INPUTS_INFO_KEY = "SalesdocsInputs"
INPUTS_KEYWORD_PREFIX = "salesdocs-inputs:"
PDF_A_VARIANT = "pdf/a-3b"

_HASH_RE = re.compile(r"^[A-Za-z0-9._:+/=-]+$")
_ATTACHMENT_NAME_RE = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$")
_FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2", ".pfb", ".pfa"})
_SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


@dataclass(frozen=True)
class PdfMeta:
    """What the PDF says about itself.

    ``created`` comes from the document's own data (e.g. the deal date) and is used as both
    creation and modification date; ``inputs_hash`` is the full hash of the exact inputs.
    """

    title: str
    author: str
    subject: str
    keywords: list[str]
    created: datetime
    inputs_hash: str
    lang: str = "zh-CN"


@dataclass(frozen=True)
class Attachment:
    """A file embedded in the PDF (relationship ``Source`` in PDF/A-3b).  ASCII names only."""

    name: str
    data: bytes
    description: str = ""


# ---------------------------------------------------------------------------- fetcher


@dataclass
class _Findings:
    refused: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notdef: dict[str, int] = field(default_factory=dict)  # char -> code point, in order
    errors: list[str] = field(default_factory=list)

    def add(self, items: list[str], value: str) -> None:
        if value not in items:
            items.append(value)


def _resolved_roots(roots: Sequence[Path]) -> tuple[Path, ...]:
    out: list[Path] = []
    for root in roots:
        resolved = Path(root).expanduser().resolve()
        if resolved not in out:
            out.append(resolved)
    return tuple(out)


@cache
def _system_font_dirs() -> tuple[Path, ...]:
    return _resolved_roots([Path(d).expanduser() for d in _SYSTEM_FONT_DIRS])


@cache
def _fetcher_class() -> type[URLFetcher]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no type hints
        """Serve ``data:`` URLs and files inside ``allowed_roots``; refuse and record the rest.

        WeasyPrint 70 requires a ``URLFetcher`` instance (``fetch(url, headers=None)`` returning
        a ``URLFetcherResponse``): its ``urls.fetch`` reads ``url_fetcher._fail_on_errors``, so a
        plain function crashes.  A refusal raises an ordinary exception, which WeasyPrint
        catches and logs, so rendering goes on and every refused URL is collected.
        """

        def __init__(self, allowed_roots: Sequence[Path], findings: _Findings) -> None:
            super().__init__(fail_on_errors=False, allow_redirects=False)
            self.roots = _resolved_roots(allowed_roots)
            self.findings = findings

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = self._allowed_path(url)
                if path is not None:
                    mime = mimetypes.guess_type(path.name, strict=False)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url.split("?", 1)[0].split("#", 1)[0],
                        body=path.open("rb"),
                        headers={"Content-Type": mime},
                    )
            else:
                self.findings.add(self.findings.refused, url)
            raise PermissionError(f"salesdocs refused to fetch {url}")

        def _allowed_path(self, url: str) -> Path | None:
            """The resolved file for an allowed ``file:`` URL; records refusals and misses."""
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                self.findings.add(self.findings.refused, url)
                return None
            try:
                resolved = Path(url2pathname(parts.path)).resolve()  # symlinks resolved, '..' collapsed
            except (OSError, ValueError, RuntimeError):
                self.findings.add(self.findings.refused, url)
                return None
            inside = any(resolved.is_relative_to(root) for root in self.roots)
            if not inside and resolved.suffix.lower() in _FONT_SUFFIXES:
                inside = any(resolved.is_relative_to(root) for root in _system_font_dirs())
            if not inside:
                self.findings.add(self.findings.refused, url)
                return None
            if not resolved.is_file():
                self.findings.add(self.findings.missing, url)
                return None
            return resolved

    return SafeFetcher


class _LogWatch(logging.Handler):
    """Collect WeasyPrint's missing-glyph warnings and resource errors of this thread."""

    def __init__(self, findings: _Findings) -> None:
        super().__init__(logging.WARNING)
        self.findings = findings
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        msg = record.msg if isinstance(record.msg, str) else ""
        if msg.startswith(".notdef glyph rendered"):
            args = record.args if isinstance(record.args, tuple) else ()
            if len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], int):
                self.findings.notdef.setdefault(args[0], args[1])
            return
        if record.levelno >= logging.ERROR or msg.startswith("Font-face %r cannot be loaded"):
            try:
                text = record.getMessage()
            except Exception:  # pragma: no cover - a malformed record
                text = str(record.msg)
            self.findings.add(self.findings.errors, text)


# ---------------------------------------------------------------------------- rendering


def _w3c(moment: datetime) -> str:
    """W3C date-time for WeasyPrint's metadata (naive = UTC)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.replace(microsecond=0).isoformat()


def _utc_naive(moment: datetime) -> datetime:
    """WeasyPrint writes attachment dates with strftime('…Z'): give it UTC wall time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(microsecond=0, tzinfo=None)
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None)


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
) -> tuple[bytes, _Findings]:
    """Render to bytes and report what went wrong, without judging (tests use it directly)."""
    _validate(meta, attachments)
    roots = _resolved_roots(allowed_roots)
    sheets = _check_stylesheets(stylesheets, roots)

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    findings = _Findings()
    fetcher = _fetcher_class()(roots, findings)
    logger = logging.getLogger("weasyprint")
    watch = _LogWatch(findings)
    lowered = not logger.isEnabledFor(logging.WARNING)
    previous_level = logger.level
    if lowered:
        logger.setLevel(logging.WARNING)
    logger.addHandler(watch)
    try:
        document_html = weasyprint.HTML(string=html, base_url=str(Path(base_url).absolute()), url_fetcher=fetcher)
        root = document_html.etree_element
        if not root.get("lang"):
            root.set("lang", meta.lang)

        created = _w3c(meta.created)
        stamp = _utc_naive(meta.created)
        relationship = "Source" if pdf_a else "Unspecified"
        wp_attachments = [
            weasyprint.Attachment(
                string=bytes(a.data),
                name=a.name,
                description=a.description or None,
                created=stamp,
                modified=stamp,
                relationship=relationship,
                url_fetcher=fetcher,
            )
            for a in attachments
        ]
        options: dict[str, Any] = {
            "stylesheets": sheets or None,
            "attachments": wp_attachments or None,
            "custom_metadata": True,
            "pdf_variant": PDF_A_VARIANT if pdf_a else None,
        }
        document = document_html.render(font_config=FontConfiguration(), **options)

        metadata = document.metadata
        metadata.title = meta.title
        metadata.authors = [meta.author] if meta.author else []
        metadata.description = meta.subject or None
        keywords = [k for k in meta.keywords if k and not k.startswith(INPUTS_KEYWORD_PREFIX)]
        metadata.keywords = [*keywords, f"{INPUTS_KEYWORD_PREFIX}{meta.inputs_hash}"]
        metadata.created = created
        metadata.modified = created
        metadata.lang = meta.lang
        metadata.custom = {INPUTS_INFO_KEY: meta.inputs_hash}
        for linked in metadata.attachments:  # <link rel=attachment>: fixed dates too
            linked.created = stamp
            linked.modified = stamp

        data = document.write_pdf(**options)
    finally:
        logger.removeHandler(watch)
        if lowered:
            logger.setLevel(previous_level)
    return data, findings


def _raise_for(findings: _Findings) -> None:
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


@cache
def _file_mode() -> int:
    """0o666 minus the process umask (mkstemp creates 0o600 files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _atomic_write(out_path: Path, data: bytes) -> None:
    folder = out_path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{out_path.name}.", suffix=".tmp")
    except OSError as exc:
        raise RenderError(f"无法写入 {out_path}：{exc}", f"cannot write {out_path}: {exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), _file_mode())
            os.fsync(handle.fileno())
        os.replace(tmp_name, out_path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise RenderError(f"无法写入 {out_path}：{exc}", f"cannot write {out_path}: {exc}") from exc
        raise


def write_atomically(out_path: Path, data: bytes) -> Path:
    """Write PDF bytes made elsewhere (a queue worker) the way :func:`write_pdf` writes its own."""
    _atomic_write(Path(out_path), data)
    return Path(out_path)


# ---------------------------------------------------------------------------- reading back


def read_inputs_hash(pdf_path: Path) -> str | None:
    """The inputs hash stored by :func:`write_pdf`, or None when absent or unreadable."""
    try:
        from pypdf import PdfReader

        info = PdfReader(str(pdf_path)).metadata
        if info is None:
            return None
        value = info.get(f"/{INPUTS_INFO_KEY}")
        if value:
            return str(value)
        for keyword in str(info.get("/Keywords") or "").split(","):
            keyword = keyword.strip()
            if keyword.startswith(INPUTS_KEYWORD_PREFIX):
                return keyword[len(INPUTS_KEYWORD_PREFIX) :] or None
    except Exception:
        return None
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
