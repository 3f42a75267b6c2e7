"""Subset each embedded font in one HarfBuzz pass: a small adapter around WeasyPrint 68's font subsetting.

Why
---
WeasyPrint's ``Font._harfbuzz_subset`` subsets every embedded font twice.  The first pass keeps the
glyphs the document uses, with their original glyph ids (``RETAIN_GIDS``); the second keeps glyph ids
``0 … max used`` of that result to "drop empty glyphs after the last one used", and removes hinting.
With HarfBuzz ≥ 3 the first pass already ends at the last glyph used (a font subset with retained ids
has ``max used + 1`` glyphs), so the second pass rebuilds the same font: for the Noto CJK faces, whose
glyphs the documents use run past id 63 000, it builds a 63 000-entry tuple and a C array in Python and
re-encodes every glyph slot — 30–50 ms per font per document, two thirds of the subsetting time and
about 5 % of a warm document (issue 17).

How
---
:func:`one_pass` is the first pass with the second pass's flags folded in (``NO_HINTING`` unless
WeasyPrint's ``hinting`` option asks for hints; ``NOTDEF_OUTLINE`` when glyphs are missing; the same
tables dropped).  :func:`install` puts it in place of ``Font._harfbuzz_subset``, once per process;
:mod:`salesdocs.render.session` calls it before its first render.

What it relies on (tests/test_font_subset.py fails if a future WeasyPrint or HarfBuzz changes it)
----------------------------------------------------------------------------------------------
* the PDF is byte for byte the one WeasyPrint's own two passes write, for every face the templates
  use (Noto Sans/Serif CJK SC regular and bold, Noto Sans and Noto Serif for English documents,
  with and without hinting, with a missing glyph);
* ``Font`` still has ``_harfbuzz_subset(to_unicode, hinting)``, ``hb_face``, ``missing`` and
  ``file_content``; if it does not, :func:`install` leaves WeasyPrint alone (slower, never wrong).
"""

from __future__ import annotations

from typing import Any

__all__ = ["install", "one_pass"]

_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")
_installed: dict[str, Any] = {}


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
    """Use :func:`one_pass` for every font WeasyPrint subsets in this process (idempotent)."""
    if _installed:
        return
    from weasyprint.pdf.fonts import Font

    original = getattr(Font, "_harfbuzz_subset", None)
    if original is None or not all(hasattr(Font, name) for name in ("subset", "clean")):
        _installed["original"] = None  # an unknown WeasyPrint: leave it alone
        return
    _installed["original"] = original
    Font._harfbuzz_subset = one_pass


def original_two_passes() -> Any:
    """WeasyPrint's own method (for the test that compares the bytes), or None before :func:`install`."""
    return _installed.get("original")
