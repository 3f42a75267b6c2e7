"""Warm rendering: what WeasyPrint can reuse between documents of one workspace, and what it must not.

A :class:`RenderSession` renders many documents with the same allowed folders and stylesheets (one
workspace).  :func:`session_for` keeps one per (folders, stylesheets) for the life of the process, so
:func:`salesdocs.render.pdf.write_pdf` is warm in a build worker, in ``salesdocs render`` and in a
long-lived preview alike; :func:`clear_sessions` drops them all (a preview may call it when it wants a
cold start; nothing else needs to).  A session is used by one thread at a time (it holds a lock).

What is reused, and why it is safe
----------------------------------
* **The parsed stylesheets** (``weasyprint.CSS``: selector matcher, ``@page`` rules) — read-only once
  parsed.  They are re-parsed when a stylesheet, or any file fetched while parsing it (``@import``,
  ``@font-face`` fonts), changes on disk (size, mtime or inode), so an edited workspace CSS is seen by the
  next document.  ``@counter-style`` and ``@color-profile`` registries filled while parsing are copied
  for each document, so a document's own rules never reach the next one.
* **The FontConfiguration** (fontconfig's view of the system fonts, Pango's font map and its shaping
  caches, plus the faces of ``@font-face`` rules in the shared stylesheets).  Its caches are pure (same
  style → same metrics), so a document renders byte-identically whether the configuration is fresh or
  has served a hundred documents (tests/test_render_session.py checks it).  What *can* leak between
  documents is only the ``@font-face`` rules a document brings itself (a ``<style>`` in its HTML):
  WeasyPrint adds them to the configuration it is given, where a later document naming the same family
  would find a font it never declared.  So the session counts faces added while rendering; a document
  that adds any gets the shared configuration (it is the first to add to it), and the configuration is
  retired after it: the next document starts from a fresh one.  Templates that declare fonts only in the
  workspace stylesheet keep full reuse.  Fonts installed on the system while a process runs are seen
  after a re-parse or a worker recycle, as before.
* **Compiled templates** are reused by ``salesdocs.render.documents.environment`` (one Jinja
  environment per template path, reloading edited templates); nothing of one document's data stays in it.
* **Not reuse but less work:** each PDF stream is compressed once, at zlib level 1
  (:mod:`salesdocs.render.pdfstreams`), and each embedded font is subset in one HarfBuzz pass
  (:mod:`salesdocs.render.fontsubset`).
* Never reused: the HTML, the fetcher and its findings, the log watch, attachments, metadata — all per
  document, so the safe fetcher and the missing-glyph failure work exactly as before.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesdocs.render.guard import (
    INPUTS_INFO_KEY,
    INPUTS_KEYWORD_PREFIX,
    PDF_A_VARIANT,
    Attachment,
    Findings,
    LogWatch,
    PdfMeta,
    fetcher_class,
    utc_naive,
    w3c,
)

__all__ = ["RenderSession", "clear_sessions", "many_documents", "session_for", "tune_gc_for_rendering"]

_MAX_SESSIONS = 4

#: Python's cyclic garbage collector while rendering many documents (issue 17).  WeasyPrint allocates
#: millions of short-lived objects per document, almost none of them in reference cycles, so at the
#: default gen-0 threshold (700) the collector runs ~60 times per document and keeps re-scanning the
#: long-lived workspace and contexts: 8–9 % of a `build --jobs 1`.  Freezing what exists before the
#: batch (the loaded workspace, compiled templates, WeasyPrint's caches) and collecting gen 0 every
#: 10 000 allocations instead cuts the collector's time by half or more; unreachable cycles are still
#: collected, later: a pool worker's peak RSS over 200 documents went from 262 to 336 MB
#: (benchmarks/run.py's RSS line; queue workers recycle the same way, ``worker --max-jobs``).  Used by
#: ``build`` (``--jobs 1`` and each pool worker), queue workers and the coordinator, and, threshold
#: only, the preview server.  Measured on CPython 3.11; a CPython with another collector (3.14's
#: incremental one) needs these figures measured again.
GC_THRESHOLDS = (10_000, 10, 10)


def tune_gc_for_rendering() -> None:
    """For a process that renders from now on (a build worker): see :data:`GC_THRESHOLDS`."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


_GC_LOCK = threading.Lock()
_gc_users: list[tuple[tuple[int, int, int], bool]] = []  # (threshold before, froze) of the outermost user, while any


@contextlib.contextmanager
def many_documents(*, freeze: bool = True) -> Iterator[None]:
    """Render a batch in this process with :func:`tune_gc_for_rendering`, then restore the collector.

    ``freeze=False`` (a long-lived server, whose heap changes with every request): the threshold only.
    Reentrant and thread-safe: the first of overlapping users tunes, the last one out restores the
    threshold it found, and unfreezes only what it froze."""
    with _GC_LOCK:
        if not _gc_users:
            previous = gc.get_threshold()
            if freeze:
                tune_gc_for_rendering()
            else:
                gc.set_threshold(*GC_THRESHOLDS)
            _gc_users.append((previous, freeze))
        else:
            _gc_users.append(_gc_users[0])
    try:
        yield
    finally:
        with _GC_LOCK:
            previous, froze = _gc_users.pop()
            if not _gc_users:
                gc.set_threshold(*previous)
                if froze:
                    gc.unfreeze()


@dataclass
class _Shared:
    """The per-workspace WeasyPrint state of a session (see the module docstring)."""

    fonts: Any  # a FontConfiguration that counts the faces added to it
    css: list[Any]  # weasyprint.CSS
    counters: Any  # CounterStyle filled while parsing
    profiles: dict[str, Any]
    faces: int  # faces in ``fonts`` after parsing the shared stylesheets
    files: dict[Path, tuple[int, int, int]]  # every file read while parsing → (size, mtime_ns, inode)
    findings: Findings  # what parsing refused or missed (kept only when empty)

    def fresh(self) -> bool:
        return all(_signature(path) == sig for path, sig in self.files.items())


def _signature(path: Path) -> tuple[int, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1, -1)
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class _Watched:
    """Attach a :class:`LogWatch` to the weasyprint logger (level lowered to WARNING if needed)."""

    def __init__(self, findings: Findings) -> None:
        self.watch = LogWatch(findings)
        self.logger = logging.getLogger("weasyprint")

    def __enter__(self) -> None:
        self.previous = self.logger.level
        self.lowered = not self.logger.isEnabledFor(logging.WARNING)
        if self.lowered:
            self.logger.setLevel(logging.WARNING)
        self.logger.addHandler(self.watch)

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.watch)
        if self.lowered:
            self.logger.setLevel(self.previous)


def _counting_fonts() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    class CountingFonts(FontConfiguration):  # type: ignore[misc]  # weasyprint ships no type hints
        faces = 0

        def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
            self.faces += 1
            return super().add_font_face(rule_descriptors, url_fetcher)

    return CountingFonts()


class RenderSession:
    """Renders documents that share allowed folders and stylesheets, reusing what is safe to reuse."""

    def __init__(self, roots: tuple[Path, ...], stylesheets: Sequence[Path]) -> None:
        """``roots`` resolved and ``stylesheets`` checked (as ``salesdocs.render.pdf`` does)."""
        self.roots = roots
        self.stylesheets = tuple(stylesheets)
        self._shared: _Shared | None = None
        self._lock = threading.Lock()

    def _parse(self) -> _Shared:
        import weasyprint
        from weasyprint.css.counters import CounterStyle

        findings = Findings()
        fetcher = fetcher_class()(self.roots, findings)
        fonts = _counting_fonts()
        counters = CounterStyle()
        profiles: dict[str, Any] = {}
        with _Watched(findings):
            css = [
                weasyprint.CSS(filename=str(sheet), url_fetcher=fetcher, font_config=fonts, counter_style=counters, color_profiles=profiles)
                for sheet in self.stylesheets
            ]
        files = {path: _signature(path) for path in [*self.stylesheets, *fetcher.served]}
        return _Shared(fonts, css, counters, profiles, fonts.faces, files, findings)

    def _state(self) -> _Shared:
        shared = self._shared
        if shared is None or not shared.fresh():
            shared = self._parse()
            clean = not (shared.findings.refused or shared.findings.missing or shared.findings.errors)
            self._shared = shared if clean else None  # a failed parse is retried (and reported) every time
        return shared

    def render(self, html: str, *, base_url: Path, meta: PdfMeta, attachments: Sequence[Attachment], pdf_a: bool) -> tuple[bytes, Findings]:
        """Render to bytes and report what went wrong, without judging (``pdf._render`` judges)."""
        with self._lock:
            return self._render(html, base_url=base_url, meta=meta, attachments=attachments, pdf_a=pdf_a)

    def _render(
        self, html: str, *, base_url: Path, meta: PdfMeta, attachments: Sequence[Attachment], pdf_a: bool
    ) -> tuple[bytes, Findings]:
        import weasyprint
        from weasyprint.css.counters import CounterStyle

        from salesdocs.render.fontsubset import install
        from salesdocs.render.pdfstreams import compress_once

        install()  # fonts subset in one pass (salesdocs.render.fontsubset)
        shared = self._state()
        parsed = shared.findings
        findings = Findings(list(parsed.refused), list(parsed.missing), dict(parsed.notdef), list(parsed.errors))
        fetcher = fetcher_class()(self.roots, findings)
        try:
            with _Watched(findings):
                document_html = weasyprint.HTML(string=html, base_url=str(Path(base_url).absolute()), url_fetcher=fetcher)
                root = document_html.etree_element
                if not root.get("lang"):
                    root.set("lang", meta.lang)
                stamp = utc_naive(meta.created)
                options: dict[str, Any] = {
                    "stylesheets": shared.css or None,
                    "attachments": [
                        weasyprint.Attachment(
                            string=bytes(a.data),
                            name=a.name,
                            description=a.description or None,
                            created=stamp,
                            modified=stamp,
                            relationship="Source" if pdf_a else "Unspecified",
                            url_fetcher=fetcher,
                        )
                        for a in attachments
                    ]
                    or None,
                    "custom_metadata": True,
                    "pdf_variant": PDF_A_VARIANT if pdf_a else None,
                }
                document = document_html.render(
                    font_config=shared.fonts, counter_style=CounterStyle(shared.counters), color_profiles=dict(shared.profiles), **options
                )
                _set_metadata(document.metadata, meta)
                data: bytes = document.write_pdf(finisher=compress_once, **options)
        finally:
            if shared.fonts.faces != shared.faces and self._shared is shared:
                self._shared = None  # this document declared its own fonts: the next one starts fresh
        return data, findings


def _set_metadata(metadata: Any, meta: PdfMeta) -> None:
    created = w3c(meta.created)
    stamp = utc_naive(meta.created)
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


_SESSIONS: OrderedDict[tuple[tuple[Path, ...], tuple[Path, ...]], RenderSession] = OrderedDict()
_SESSIONS_LOCK = threading.Lock()


def session_for(roots: tuple[Path, ...], stylesheets: Sequence[Path]) -> RenderSession:
    """The process's session for these resolved folders and checked stylesheets (the last few are kept)."""
    key = (roots, tuple(stylesheets))
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(key)
        if session is None:
            session = _SESSIONS[key] = RenderSession(roots, stylesheets)
            while len(_SESSIONS) > _MAX_SESSIONS:
                _SESSIONS.popitem(last=False)
        _SESSIONS.move_to_end(key)
        return session


def clear_sessions() -> None:
    """Forget every session: the next document parses its stylesheets and loads its fonts afresh."""
    with _SESSIONS_LOCK:
        _SESSIONS.clear()


# before interpreter teardown: a FontConfiguration's __del__ removes its temporary font folder
# and needs its module alive to do so
atexit.register(clear_sessions)
