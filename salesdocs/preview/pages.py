"""A document's pages as images, rasterised in this process by PDFium (pypdfium2), page 1 first.

A :class:`Pages` belongs to one rendering (one PDF, exactly the bytes ``render`` writes).  The
workbench rasterises page 1 itself and publishes the rendering as soon as that page is ready (what
the page shows first); :meth:`Pages.rasterise_rest` then fills in the other pages, in a worker thread.
A page asked for before it exists is :meth:`Pages.pending`: the server waits for it rather than
answer with a page of another rendering.  When a newer rendering of the same document is published,
the older one stops rasterising (:meth:`Pages.drop`); its missing pages are no longer pending.

PDFium is not thread-safe: every call into it holds one process-wide lock, one page at a time, so a
new rendering's page 1 never waits for more than one page of an older rendering.
"""

from __future__ import annotations

import io
import math
from typing import Any

from salesdocs.errors import SalesdocsError
from salesdocs.render.pdfium import LOCK

DPI = 96
_PDFIUM = LOCK  # one lock for every use of PDFium in the process


class Pages:
    """The page images of one PDF: how many, their sizes in pixels, and those rasterised so far."""

    def __init__(self, pdf: bytes) -> None:
        import pypdfium2

        self.pdf = pdf
        with _PDFIUM:
            try:
                self._doc: Any = pypdfium2.PdfDocument(pdf)
            except pypdfium2.PdfiumError as exc:
                raise SalesdocsError(f"无法把 PDF 转成图片：{exc}", f"the PDF cannot be turned into images: {exc}") from None
            self.sizes = [_pixels(self._doc.get_page_size(i)) for i in range(len(self._doc))]
        self._images: list[bytes | None] = [None] * len(self.sizes)
        self._dropped = False

    @property
    def count(self) -> int:
        return len(self.sizes)

    def rasterise(self, index: int) -> bool:
        """Rasterise page ``index`` (0-based) unless it is done or these pages were dropped; False when dropped."""
        with _PDFIUM:
            if self._dropped:
                return False
            if self._images[index] is not None:
                return True
            page = self._doc[index]
            try:
                bitmap = page.render(scale=DPI / 72)
                image = bitmap.to_pil().copy()  # PIL's own pixels: the bitmap is freed here, under the lock
                bitmap.close()
            finally:
                page.close()
            if index == self.count - 1:
                self._close()
        self._images[index] = _png(image)
        return True

    def rasterise_rest(self) -> None:
        """Every page not rasterised yet, in order (a worker thread's job); stops when dropped."""
        try:
            for index in range(self.count):
                if not self.rasterise(index):
                    return
        except Exception:  # a broken page: whoever waits for one gets "no such page" at once, not a hang
            self.drop()
            raise

    def drop(self) -> None:
        """A newer rendering replaced this one (or the server stops): stop and free PDFium's copy."""
        with _PDFIUM:
            self._dropped = True
            self._close()

    def get(self, n: int) -> bytes | None:
        """Page ``n`` (1-based) if it is rasterised already."""
        return self._images[n - 1] if 1 <= n <= self.count else None

    def pending(self, n: int) -> bool:
        """Page ``n`` (1-based) exists and will be rasterised, but is not yet."""
        return 1 <= n <= self.count and self._images[n - 1] is None and not self._dropped

    def _close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None


def _pixels(size: tuple[float, float]) -> tuple[int, int]:
    """A page's size in PDF points as pixels at :data:`DPI`, rounded up as pypdfium2's render does."""
    width, height = size
    return math.ceil(width * DPI / 72), math.ceil(height * DPI / 72)


def _png(image: Any) -> bytes:
    """PNG at compression level 1 (zlib's fastest: the encoding is on the path from save to visible)."""
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()
