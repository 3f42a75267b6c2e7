"""PDFium (pypdfium2) in this process: the one lock every call into it holds, and reading a PDF's info.

PDFium is not thread-safe, so every use in the process — the preview's page images
(:mod:`salesdocs.preview.pages`) and reading back a document's metadata here — holds :data:`LOCK`.
PDFium opens a file lazily: reading one info key parses the trailer and that object, not every
object of the file, which makes it ~70× faster than pypdf for ``build``'s incremental check (pypdf
parses the whole object stream, the CJK fonts' glyph-width arrays included: ~36 ms per PDF).
"""

from __future__ import annotations

import threading
from pathlib import Path

__all__ = ["LOCK", "info_values"]

LOCK = threading.Lock()


def info_values(pdf_path: Path, keys: tuple[str, ...]) -> dict[str, str] | None:
    """The document-information values of ``keys`` ("" when absent); None when the file is not a readable PDF."""
    import pypdfium2

    with LOCK:
        try:
            document = pypdfium2.PdfDocument(str(pdf_path))
        except (pypdfium2.PdfiumError, OSError):
            return None
        try:
            return {key: document.get_metadata_value(key) for key in keys}
        finally:
            document.close()
