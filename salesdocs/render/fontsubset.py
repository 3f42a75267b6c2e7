"""Subset each embedded font in one HarfBuzz pass: a small adapter around WeasyPrint 70's font subsetting.

Why
---
WeasyPrint's ``Font._harfbuzz_subset`` subsets every embedded font twice.  The first pass keeps the
glyphs the document uses, with their original glyph ids (``RETAIN_GIDS``); the second keeps glyph ids
``0 … max used`` of that result, to drop empty glyph slots after the last one, and removes hinting.
For the Noto CJK faces, whose glyphs the documents use run past id 63 000, the second pass builds a
63 000-entry tuple and C array in Python and re-encodes every glyph slot: 30–50 ms per font per
document, two thirds of the subsetting time and about 5 % of a warm document (issue 17).

How
---
:func:`one_pass` is the first pass with the second pass's flags folded in (``NO_HINTING`` unless
WeasyPrint's ``hinting`` option asks for hints; ``NOTDEF_OUTLINE`` when glyphs are missing; the same
tables dropped).  :func:`install` puts it in place of ``Font._harfbuzz_subset``, once per process;
:mod:`salesdocs.render.session` calls it before its first render.

What comes out
--------------
The same glyphs at the same ids, so every page draws the same (tests/test_font_subset.py compares the
pages pixel by pixel).  The font files are not always the same bytes: glyphs that a used glyph pulls
in (the parts of a composite accented letter, a colour glyph's layers) may sit after the last glyph
the text uses, and only the second pass cut those off, so a subset can be a little larger (Noto Sans
in a test page: 2 082 glyph slots instead of 1 975; 18 of the 19 sample documents come out byte for
byte as WeasyPrint writes them, the after-sales report 2 % larger).  Deterministic either way.

What it relies on
-----------------
``Font._harfbuzz_subset(self, to_unicode, hinting)`` and ``Font.hb_face``, ``missing``,
``file_content`` and ``family``, as in WeasyPrint 70.  :func:`install` checks the method's signature
and leaves WeasyPrint alone (slower, never wrong) if it differs; tests/test_font_subset.py pins the
source of WeasyPrint's method, so any upstream change to it fails a test and asks for this module to be
compared with it again (for instance if WeasyPrint moved variable-font instancing into it).
"""

from __future__ import annotations

import inspect
import threading
from typing import Any

__all__ = ["install", "one_pass"]

_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")
_installed: dict[str, Any] = {}
_LOCK = threading.Lock()


def one_pass(font: Any, to_unicode: Any, hinting: bool) -> None:
    """Subset ``font`` (a ``weasyprint.pdf.fonts.Font``) to the glyph ids ``to_unicode`` in one pass."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    subset = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    glyphs = sorted(to_unicode)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_glyph_set(subset), ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs)
    )
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
        | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(subset, flags)
    tags = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in _DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_set(subset, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
        ffi.new(f"hb_codepoint_t[{len(tags)}]", tags),
        len(tags),
    )
    face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(font.hb_face, subset), harfbuzz.hb_face_destroy)
    content = get_hb_object_data(face) if face else None
    if content:
        font.file_content = content
    else:  # as WeasyPrint does: keep the whole font, say so in its log
        from weasyprint.logger import LOGGER

        LOGGER.warning('Unable to subset "%s" with HarfBuzz', font.family)


def install() -> None:
    """Use :func:`one_pass` for every font WeasyPrint subsets in this process (idempotent, thread-safe)."""
    with _LOCK:
        if _installed:
            return
        from weasyprint.pdf.fonts import Font

        original = getattr(Font, "_harfbuzz_subset", None)
        if original is None or list(inspect.signature(original).parameters) != ["self", "to_unicode", "hinting"]:
            _installed["original"] = None  # an unknown WeasyPrint: leave it alone
            return
        _installed["original"] = original
        Font._harfbuzz_subset = one_pass


def original_two_passes() -> Any:
    """WeasyPrint's own method (for the test that compares the bytes), or None before :func:`install`."""
    return _installed.get("original")
