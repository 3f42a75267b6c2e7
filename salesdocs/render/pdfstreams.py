"""Compress each PDF stream once, at zlib level 1: a small adapter around pydyf 0.13, used as
WeasyPrint's ``finisher``.

Why
---
``pydyf.Stream.data`` is a property that joins the stream's items and zlib-compresses them (level 9)
*every time it is read*.  ``pydyf.PDF.write`` reads every object's ``data`` once to write it, and, when
the trailer needs an ``/ID`` (``identifier=True``, which PDF/A asks for), once more to hash the whole
document.  So every font file, content stream, ToUnicode map and the object stream is compressed twice:
about half of the PDF-writing time of a PDF/A quote.  And level 9 itself is slow: the embedded CJK font
subsets dominate, and level 1 compresses them 3–4× faster for files about 2–3 % larger (issue 17: the
quote 337 → 345 KB, the appendix 705 → 729 KB; lossless, so every page is pixel-identical, and
deterministic, so the output stays byte-reproducible).

How
---
:func:`compress_once` is passed to ``Document.write_pdf(finisher=...)``; WeasyPrint calls it with the
``pydyf.PDF`` right before ``pdf.write``.  It moves every stream already in the document, and (through
:class:`_OncePDF.add_object`) the object stream and cross-reference stream that ``write`` creates and
adds itself, onto a subclass whose ``data`` is computed on first read, by :func:`stream_data` — pydyf's
own ``Stream.data`` with the zlib level as a parameter — and kept.  Nothing else changes.

What it relies on (tests/test_pdf_streams.py fails if a future pydyf changes any of it)
------------------------------------------------------------------------------------------
* :func:`stream_data` at level 9 is byte for byte what pydyf's ``Stream.data`` returns (the same
  dictionary, ``/Filter``, ``/Length`` and framing): if pydyf changes how it writes a stream, the test
  comparing them fails and this copy must follow;
* ``Stream.data`` is a pure function of the stream's state, and nothing changes a stream between the
  two reads inside ``write`` (the first read writes it, the second hashes it);
* ``write`` adds the streams it creates with ``add_object`` *before* reading their ``data``;
* streams are plain Python objects whose class can be swapped for a subclass.
"""

from __future__ import annotations

import threading
import zlib
from typing import Any

import pydyf

__all__ = ["LEVEL", "compress_once", "stream_data"]

#: The zlib level of every stream salesdocs writes (pydyf's own is 9; see the module docstring).
LEVEL = 1

_ONCE: dict[type, type] = {}
_LOCK = threading.Lock()


def stream_data(stream: Any, level: int = LEVEL) -> bytes:
    """What ``pydyf.Stream.data`` returns, compressed at ``level`` (pydyf 0.13's code, level aside)."""
    body = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    extra = pydyf.Dictionary(stream.extra.copy())
    if stream.compress:
        extra["Filter"] = "/FlateDecode"
        compressor = zlib.compressobj(level=level)
        body = compressor.compress(body) + compressor.flush()
    extra["Length"] = len(body)
    return b"\n".join((extra.data, b"stream", body, b"endstream"))


def _once_class(cls: type) -> type:
    """``cls`` with ``data`` computed once (a subclass per stream class, made on first use)."""
    with _LOCK:
        return _ONCE.get(cls) or _make_once_class(cls)


def _make_once_class(cls: type) -> type:
    def data(self: Any) -> bytes:
        cached: bytes | None = self.__dict__.get("_salesdocs_data")
        if cached is None:
            cached = stream_data(self, self.__dict__.get("_salesdocs_level", LEVEL))
            self.__dict__["_salesdocs_data"] = cached
        return cached

    once = type(f"Once{cls.__name__}", (cls,), {"data": property(data), "__module__": __name__})
    _ONCE[cls] = once
    return once


def _memoize(obj: Any, level: int) -> None:
    cls = type(obj)
    # only streams that write themselves as pydyf.Stream does: a subclass with its own ``data`` keeps it
    if isinstance(obj, pydyf.Stream) and cls not in _ONCE.values() and getattr(cls, "data", None) is pydyf.Stream.data:
        obj.__dict__["_salesdocs_level"] = level
        obj.__class__ = _once_class(cls)


class _OncePDF(pydyf.PDF):  # type: ignore[misc]  # pydyf ships no type hints
    """A ``pydyf.PDF`` whose later-added streams (``write``'s object and xref streams) compress once."""

    _salesdocs_level = LEVEL

    def add_object(self, object_: Any) -> None:
        _memoize(object_, self._salesdocs_level)
        super().add_object(object_)


def compress_once(document: object, pdf: Any, level: int = LEVEL) -> None:
    """WeasyPrint ``finisher``: make every stream of ``pdf`` compress once, at ``level`` (see the
    module docstring; level 9 gives pydyf's own bytes)."""
    if type(pdf) is pydyf.PDF:
        pdf.__class__ = _OncePDF
    pdf._salesdocs_level = level
    for obj in pdf.objects:
        _memoize(obj, level)
