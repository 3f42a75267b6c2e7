"""Every kind of document salesdocs makes, and where each is written by default.

One place decides output paths: the ``render`` command, :func:`salesdocs.render.documents.render`
and the batch build all ask :func:`out_path`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class DocumentKind(StrEnum):
    """A document kind as the command line names it."""

    INTRO = "intro"
    QUOTE = "quote"
    APPENDIX = "appendix"
    AFTERSALES = "aftersales"
    BRIEF = "brief"
    HANDOUT = "handout"
    VISIT_PACK = "visit-pack"  # brief + handout of one client

    @property
    def parts(self) -> tuple[DocumentKind, ...]:
        """The single documents this kind stands for (a visit pack is two)."""
        if self is DocumentKind.VISIT_PACK:
            return (DocumentKind.BRIEF, DocumentKind.HANDOUT)
        return (self,)

    @property
    def needs_deal(self) -> bool:
        return self in (DocumentKind.QUOTE, DocumentKind.APPENDIX)

    @property
    def needs_client(self) -> bool:
        return self in (DocumentKind.BRIEF, DocumentKind.HANDOUT, DocumentKind.VISIT_PACK)


#: kinds the ``render`` command offers (brief and handout come as the visit pack)
COMMAND_KINDS: tuple[str, ...] = ("intro", "quote", "appendix", "visit-pack", "aftersales")


def out_path(out_dir: Path, kind: DocumentKind, target: str | None, lang: str = "zh") -> Path:
    """Where a document goes under ``out_dir`` (a folder for a visit pack).

    ``target`` is the deal id (quote, appendix), the client id (brief, handout, visit pack) or the
    report period's slug (aftersales: ``2026-10`` or ``2026-10-01_2026-10-15``).  A document in
    another language than Chinese says so: ``quote-<deal>-en.pdf``, ``appendix-<deal>-zh-en.pdf``,
    ``intro-en.pdf``.
    """
    suffix = "" if lang == "zh" else f"-{lang}"
    if kind is DocumentKind.INTRO:
        return out_dir / f"intro{suffix}.pdf"
    if kind is DocumentKind.VISIT_PACK:
        return out_dir / "visit-packs" / str(target)
    if kind in (DocumentKind.BRIEF, DocumentKind.HANDOUT):
        return out_dir / "visit-packs" / str(target) / f"{kind.value}.pdf"
    return out_dir / f"{kind.value}-{target}{suffix}.pdf"
