"""Compress each PDF stream once: a small adapter around pydyf 0.13, used as WeasyPrint's ``finisher``.

Why
---
``pydyf.Stream.data`` is a property that joins the stream's items and zlib-compresses them (level 9)
*every time it is read*.  ``pydyf.PDF.write`` reads every object's ``data`` once to write it, and, when
the trailer needs an ``/ID`` (``identifier=True``, which PDF/A asks for), once more to hash the whole
document.  So every font file, content stream, ToUnicode map and the object stream is compressed twice:
about half of the PDF-writing time of a PDF/A quote.

How
---
:func:`compress_once` is passed to ``Document.write_pdf(finisher=...)``; WeasyPrint calls it with the
``pydyf.PDF`` right before ``pdf.write``.  It moves every stream already in the document, and (through
:class:`_OncePDF.add_object`) the object stream and cross-reference stream that ``write`` creates and
adds itself, onto a subclass whose ``data`` is computed by pydyf's own code on first read and kept.
Nothing else changes: the bytes are exactly pydyf's (same compression, same dictionaries), only
computed once.

What it relies on (tests/test_pdf_streams.py fails if a future pydyf changes any of it)
------------------------------------------------------------------------------------------
* ``Stream.data`` is a pure function of the stream's state, and nothing changes a stream between the
  two reads inside ``write`` (the first read writes it, the second hashes it);
* ``write`` adds the streams it creates with ``add_object`` *before* reading their ``data``;
* streams are plain Python objects whose class can be swapped for a subclass.
If pydyf ever caches ``data`` itself or stops reading it twice, the adapter is harmless but useless;
the test says so, and it can go.
"""

from __future__ import annotations

from typing import Any

import pydyf

__all__ = ["compress_once"]

_ONCE: dict[type, type] = {}


def _once_class(cls: type) -> type:
    """``cls`` with ``data`` computed once (a subclass per stream class, made on first use)."""
    once = _ONCE.get(cls)
    if once is None:
        compute = cls.data.fget  # type: ignore[attr-defined]

        def data(self: Any) -> bytes:
            cached: bytes | None = self.__dict__.get("_salesdocs_data")
            if cached is None:
                cached = compute(self)
                self.__dict__["_salesdocs_data"] = cached
            return cached

        once = type(f"Once{cls.__name__}", (cls,), {"data": property(data), "__module__": __name__})
        _ONCE[cls] = once
    return once


def _memoize(obj: Any) -> None:
    cls = type(obj)
    if isinstance(obj, pydyf.Stream) and cls not in _ONCE.values():
        obj.__class__ = _once_class(cls)


class _OncePDF(pydyf.PDF):  # type: ignore[misc]  # pydyf ships no type hints
    """A ``pydyf.PDF`` whose later-added streams (``write``'s object and xref streams) compress once."""

    def add_object(self, object_: Any) -> None:
        _memoize(object_)
        super().add_object(object_)


def compress_once(document: object, pdf: Any) -> None:
    """WeasyPrint ``finisher``: make every stream of ``pdf`` compress once (see the module docstring)."""
    if type(pdf) is pydyf.PDF:
        pdf.__class__ = _OncePDF
    for obj in pdf.objects:
        _memoize(obj)
