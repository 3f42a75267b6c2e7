"""The compress-once adapter around pydyf, and the pydyf behaviour it relies on.

If a test of the first group fails after a pydyf upgrade, read salesdocs/render/pdfstreams.py:
the adapter may have become useless (pydyf caches or hashes differently) or wrong.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pydyf
import pytest
import weasyprint

from salesdocs.render import pdfstreams
from salesdocs.render.pdfstreams import LEVEL, compress_once, stream_data


class _CountingZlib:
    """Stands in for the ``zlib`` module inside pydyf and counts ``compressobj`` calls."""

    def __init__(self) -> None:
        self.calls = 0

    def compressobj(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return zlib.compressobj(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[_CountingZlib]:
    counter = _CountingZlib()
    monkeypatch.setattr(pydyf, "zlib", counter)
    monkeypatch.setattr(pdfstreams, "zlib", counter)
    yield counter


def _pdf() -> tuple[pydyf.PDF, int]:
    """A two-page PDF with two compressed content streams and one font-like stream."""
    pdf = pydyf.PDF()
    font = pydyf.Stream([b"\x00\x01" * 5000], {"Length1": 10000}, compress=True)
    pdf.add_object(font)
    for text in (b"page one", b"page two"):
        content = pydyf.Stream(compress=True)
        content.begin_text()
        content.set_font_size("F1", 12)
        content.show_text(pydyf.String(text.decode()).data)
        content.end_text()
        pdf.add_object(content)
        page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference, "Contents": content.reference, "FontFile": font.reference})
        pdf.add_page(page)
    return pdf, 3


def _write(pdf: pydyf.PDF) -> bytes:
    out = io.BytesIO()
    pdf.write(out, version=b"1.7", identifier=True, compress=True)  # what WeasyPrint does for PDF/A
    return out.getvalue()


# ------------------------------------------------------------------ what pydyf does (relied on)


def test_pydyf_compresses_each_stream_on_every_read(counting: _CountingZlib) -> None:
    stream = pydyf.Stream([b"abc"], compress=True)
    assert stream.data == stream.data
    assert counting.calls == 2  # no cache of its own: the adapter is still worth having


def test_pydyf_write_with_identifier_reads_every_stream_twice(counting: _CountingZlib) -> None:
    pdf, streams = _pdf()
    _write(pdf)
    # our streams + the object stream: twice each (written, then hashed for /ID); the xref stream once
    assert counting.calls == 2 * (streams + 1) + 1


def test_pydyf_write_adds_its_own_streams_before_reading_them(monkeypatch: pytest.MonkeyPatch) -> None:
    pdf, _ = _pdf()
    seen: list[bool] = []
    original = pydyf.Stream.data.fget
    # every read of any stream during write, write-made ones included: was it numbered (added) by then?
    monkeypatch.setattr(pydyf.Stream, "data", property(lambda s: (seen.append(s.number is not None), original(s))[1]))
    _write(pdf)
    assert len(seen) >= 2 * 4 + 1 and all(seen)  # our 3 streams + the object stream twice, the xref stream once


def test_adapter_leaves_a_stream_subclass_with_its_own_data_alone() -> None:
    class Own(pydyf.Stream):  # type: ignore[misc]
        @property
        def data(self) -> bytes:
            return b"<<>>\nstream\nown\nendstream"

    pdf, _ = _pdf()
    own = Own()
    pdf.add_object(own)
    compress_once(None, pdf)
    assert type(own) is Own and own.data.endswith(b"own\nendstream")


# ------------------------------------------------------------------ the adapter


def test_adapter_compresses_each_stream_once_same_bytes(counting: _CountingZlib) -> None:
    plain, streams = _pdf()
    expected = _write(plain)
    counting.calls = 0
    adapted, _ = _pdf()
    compress_once(None, adapted, 9)  # pydyf's level: pydyf's bytes
    assert _write(adapted) == expected
    assert counting.calls == streams + 2  # each stream once, the object stream once, the xref stream once


def test_adapter_on_a_weasyprint_pdf_a_document_same_bytes(counting: _CountingZlib) -> None:
    html = weasyprint.HTML(string='<html lang="zh-CN"><body><h1>报价单</h1><p>合计 ¥12,345.60</p></body></html>')
    stamp = datetime(2026, 11, 26, 9, 30)

    def attachments() -> list[weasyprint.Attachment]:  # single-use objects
        return [weasyprint.Attachment(string=b"a: 1\n", name="deal.yaml", relationship="Source", created=stamp, modified=stamp)]

    document = html.render(pdf_variant="pdf/a-3b")
    plain = document.write_pdf(pdf_variant="pdf/a-3b", attachments=attachments())
    twice = counting.calls
    counting.calls = 0
    adapted = document.write_pdf(pdf_variant="pdf/a-3b", attachments=attachments(), finisher=lambda d, p: compress_once(d, p, 9))
    assert adapted == plain
    # without the adapter: n streams twice + the xref stream once; with it: each once
    assert twice % 2 == 1 and counting.calls == (twice - 1) // 2 + 1


def test_stream_data_at_level_9_is_pydyfs_own_stream_data() -> None:
    """The one piece of pydyf copied: if pydyf changes how it frames a stream, this fails."""
    pdf, _ = _pdf()
    plain_stream = pydyf.Stream([b"BT /F1 12 Tf ET"], {"Type": "/XObject"})  # uncompressed
    for stream in [*(o for o in pdf.objects if isinstance(o, pydyf.Stream)), plain_stream]:
        assert stream_data(stream, 9) == pydyf.Stream.data.fget(stream)


def _streams(data: bytes) -> list[bytes]:
    """Every stream of a PDF but the cross-reference stream (it holds byte offsets), decompressed."""
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(io.BytesIO(data))
    found = []
    for number in range(1, reader.trailer["/Size"]):
        try:
            obj = reader.get_object(number)
        except Exception:  # free or object-stream entries pypdf does not number
            continue
        if isinstance(obj, StreamObject) and obj.get("/Type") != "/XRef":
            found.append(obj.get_data())
    return found


def test_salesdocs_level_writes_the_same_content_smaller_effort() -> None:
    """At LEVEL (1) every stream decompresses to exactly what level 9 holds; only the compressed
    bytes differ, deterministically (the same bytes twice)."""
    html = weasyprint.HTML(string='<html lang="zh-CN"><body><h1>报价单</h1><p>合计 ¥12,345.60</p></body></html>')
    document = html.render(pdf_variant="pdf/a-3b")

    def write(level: int) -> bytes:
        return bytes(document.write_pdf(pdf_variant="pdf/a-3b", finisher=lambda d, p: compress_once(d, p, level)))

    assert LEVEL == 1
    nine, one = write(9), write(LEVEL)
    assert one != nine and write(LEVEL) == one
    assert _streams(one) == _streams(nine) and len(_streams(one)) >= 3
