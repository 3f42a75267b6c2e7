"""What every render shares: the document's metadata types, the safe fetcher and the log watch.

See :mod:`salesdocs.render.pdf` for what they guarantee; :mod:`salesdocs.render.session` uses them
for each document it renders.  WeasyPrint is imported lazily.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.request import url2pathname

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

INPUTS_INFO_KEY = "SalesdocsInputs"
INPUTS_KEYWORD_PREFIX = "salesdocs-inputs:"
PDF_A_VARIANT = "pdf/a-3b"

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
class Findings:
    refused: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notdef: dict[str, int] = field(default_factory=dict)  # char -> code point, in order
    errors: list[str] = field(default_factory=list)

    def add(self, items: list[str], value: str) -> None:
        if value not in items:
            items.append(value)


def resolved_roots(roots: Sequence[Path]) -> tuple[Path, ...]:
    out: list[Path] = []
    for root in roots:
        resolved = Path(root).expanduser().resolve()
        if resolved not in out:
            out.append(resolved)
    return tuple(out)


@cache
def system_font_dirs() -> tuple[Path, ...]:
    return resolved_roots([Path(d).expanduser() for d in _SYSTEM_FONT_DIRS])


@cache
def fetcher_class() -> type[URLFetcher]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no type hints
        """Serve ``data:`` URLs and files inside ``allowed_roots``; refuse and record the rest.

        WeasyPrint 70 requires a ``URLFetcher`` instance (``fetch(url, headers=None)`` returning
        a ``URLFetcherResponse``): its ``urls.fetch`` reads ``url_fetcher._fail_on_errors``, so a
        plain function crashes.  A refusal raises an ordinary exception, which WeasyPrint
        catches and logs, so rendering goes on and every refused URL is collected.
        """

        def __init__(self, allowed_roots: Sequence[Path], findings: Findings) -> None:
            super().__init__(fail_on_errors=False, allow_redirects=False)
            self.roots = resolved_roots(allowed_roots)
            self.findings = findings
            self.served: list[Path] = []  # every file handed out (the session watches them for edits)

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = self._allowed_path(url)
                if path is not None:
                    self.served.append(path)
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
                inside = any(resolved.is_relative_to(root) for root in system_font_dirs())
            if not inside:
                self.findings.add(self.findings.refused, url)
                return None
            if not resolved.is_file():
                self.findings.add(self.findings.missing, url)
                return None
            return resolved

    return SafeFetcher


class LogWatch(logging.Handler):
    """Collect WeasyPrint's missing-glyph warnings and resource errors of this thread."""

    def __init__(self, findings: Findings) -> None:
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


def w3c(moment: datetime) -> str:
    """W3C date-time for WeasyPrint's metadata (naive = UTC)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.replace(microsecond=0).isoformat()


def utc_naive(moment: datetime) -> datetime:
    """WeasyPrint writes attachment dates with strftime('…Z'): give it UTC wall time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(microsecond=0, tzinfo=None)
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None)
