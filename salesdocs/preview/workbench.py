"""The warm process behind the page: check, re-render what changed, rasterise, number revisions.

One :class:`Workbench` lives as long as the server.  :meth:`Workbench.refresh` re-checks the
workspace (the same :func:`check_workspace` as ``check``) and recomputes every document's inputs
hash with :func:`salesdocs.render.documents.prepare` — the rule the incremental build uses, so
a document is re-rendered exactly when ``build`` would rebuild it.  :meth:`Workbench.render`
writes one document as ``render`` does (:func:`render_prepared`, warm: the process's
:class:`salesdocs.render.session.RenderSession`), rasterises its page 1 in this process
(:mod:`salesdocs.preview.pages`, PDFium) and publishes the new rendering at once; the other pages
follow in a worker thread.  Documents are rendered when first asked for and re-rendered when their
inputs change; the last good rendering stays (marked stale) while the workspace is broken.

Every change of what the page shows is a new revision; ``on_revision`` is told of each one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesdocs.build import broken_inputs, plan
from salesdocs.errors import SalesdocsError
from salesdocs.model import Workspace
from salesdocs.policy.releases import WORKING
from salesdocs.preview.files import kind_of_path, sha256
from salesdocs.preview.pages import Pages
from salesdocs.render.documents import prepare, render_prepared
from salesdocs.render.inputs import template_dirs
from salesdocs.render.kinds import DocumentKind
from salesdocs.workspace import CheckResult, check_workspace

LOG = logging.getLogger("salesdocs.preview")
RASTERISER_NICE = 10
SHOWN_KINDS = (DocumentKind.INTRO, DocumentKind.QUOTE, DocumentKind.APPENDIX, DocumentKind.BRIEF, DocumentKind.HANDOUT)


#: THE place where the preview chooses its policy: the working copy ``rules/`` (``--policy rules``),
#: so editors see their edits, on pages marked 草稿 — for every document, a deal's included.
PREVIEW_POLICY = WORKING


def check_working_copy(root: Path) -> CheckResult:
    """The workspace as ``check`` sees it (the policy view is chosen by :data:`PREVIEW_POLICY`)."""
    return check_workspace(root)


@dataclass
class Document:
    """One document of the page, and its last good rendering."""

    id: str
    kind: DocumentKind
    target: str | None
    current_hash: str | None = None  # None: cannot be made now (its inputs have errors)
    rendered_hash: str | None = None
    revision: int = 0
    pages: Pages | None = None  # the last good rendering: its PDF and its page images
    failure: tuple[str, str] | None = None  # zh, en: why the last render failed
    failed_hash: str | None = None  # the inputs it failed with (not tried again until they change)

    @property
    def stale(self) -> bool:
        return self.current_hash is None or self.current_hash != self.rendered_hash

    def to_json(self, lang: str) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind.value}
        if self.kind.needs_deal:
            data["deal"] = self.target
        elif self.kind.needs_client:
            data["client"] = self.target
        count, sizes = (self.pages.count, self.pages.sizes) if self.pages else (0, [])
        data.update(pages=count, revision=self.revision, inputs_hash=self.rendered_hash, stale=self.stale)
        data["sizes"] = [list(size) for size in sizes]  # each page's width and height in pixels
        data["broken"] = self.current_hash is None
        data["error"] = (self.failure[1] if lang == "en" else self.failure[0]) if self.failure else None
        return data


def document_id(kind: DocumentKind, target: str | None) -> str:
    return f"{kind.value}-{target}" if target else kind.value


class Workbench:
    """The checked workspace, its documents and their renderings; thread-safe (one lock)."""

    def __init__(self, root: Path, on_revision: Callable[[int], None] = lambda n: None) -> None:
        self.root = root.resolve()
        self.on_revision = on_revision
        self.revision = 0
        self.checked = CheckResult(root=self.root)
        self.documents: dict[str, Document] = {}
        self.wanted: list[str] = []  # documents asked for, the latest first
        self._fingerprint: object = None
        #: each editable file's sha256 as read just before the last check: the page refines "saved" only
        #: from a state whose check saw the bytes it saved (the event may arrive before the save's reply)
        self.digests: dict[str, str] = {}
        self._lock = threading.RLock()
        self._out = Path(tempfile.mkdtemp(prefix="salesdocs-preview-"))
        self._rasteriser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="salesdocs-pages", initializer=_background)

    # ------------------------------------------------------------------ checking

    def refresh(self) -> bool:
        """Re-check the workspace and recompute every inputs hash; True when something changed."""
        digests = self._digests()  # before the check: a file changed during it is checked again on its event
        checked = check_working_copy(self.root)  # outside the lock: the page keeps reading the last state
        with self._lock:
            self.checked = checked
            self.digests = digests
            ws = checked.partial
            if ws is not None:
                self._update_documents(checked, ws)
            else:  # the policy itself is broken: nothing can be made, the last renderings stay
                for doc in self.documents.values():
                    doc.current_hash = None
            fingerprint = (
                [p.to_json("zh") for p in checked.problems],
                sorted((d.id, d.current_hash) for d in self.documents.values()),
                self.files(),
                digests,
            )
            if fingerprint == self._fingerprint:
                return False
            self._fingerprint = fingerprint
            self._bump()
            return True

    def _update_documents(self, checked: CheckResult, ws: Workspace) -> None:
        jobs = [j for j in plan(ws, self._out) if j.kind in SHOWN_KINDS]
        found: dict[str, tuple[DocumentKind, str | None, str | None]] = {}
        for job in jobs:
            try:
                digest: str | None = prepare(ws, job.kind, job.target, policy=PREVIEW_POLICY).inputs_hash
            except SalesdocsError:
                digest = None
            found[document_id(job.kind, job.target)] = (job.kind, job.target, digest)
        for failed in broken_inputs(checked, ws, self._out):
            for kind in failed.job.kind.parts:
                found[document_id(kind, failed.job.target)] = (kind, failed.job.target, None)
        known = self.documents
        self.documents = {}  # the intro, each deal's, then each client's: a new or broken deal's sit with the other deals'
        kinds = list(DocumentKind)

        def place(item: tuple[str, tuple[DocumentKind, str | None, str | None]]) -> tuple[int, str, int]:
            kind, target = item[1][0], item[1][1] or ""
            return (0 if not target else 1 if kind.needs_deal else 2), target, kinds.index(kind)

        for doc_id, (kind, target, digest) in sorted(found.items(), key=place):
            doc = known.get(doc_id) or Document(doc_id, kind, target)
            doc.current_hash = digest
            self.documents[doc_id] = doc

    def _digests(self) -> dict[str, str]:
        found = {}
        for name in self.files():
            with contextlib.suppress(OSError):  # removed meanwhile: its event brings the next check
                found[name] = sha256((self.root / name).read_bytes())
        return found

    def files(self) -> list[str]:
        """The workspace's editable files, as the page lists them."""
        names = [
            p.relative_to(self.root).as_posix() for folder in ("rules", "clients", "deals") for p in (self.root / folder).glob("*.y*ml")
        ]
        local = self.root / "templates"
        if local in template_dirs(self.root):
            names += [p.relative_to(self.root).as_posix() for p in local.rglob("*") if p.is_file()]
        return sorted(n for n in names if kind_of_path(n) is not None)

    def close(self) -> None:
        """Stop rasterising and remove the folder of this preview's PDFs."""
        with self._lock:
            for doc in self.documents.values():
                if doc.pages is not None:
                    doc.pages.drop()
        self._rasteriser.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._out, ignore_errors=True)

    # ----------------------------------------------------------------- rendering

    def want(self, doc_id: str) -> bool:
        """Ask for a document (it renders next); False when there is no such document."""
        with self._lock:
            if doc_id not in self.documents:
                return False
            if doc_id in self.wanted:
                self.wanted.remove(doc_id)
            self.wanted.insert(0, doc_id)
            return True

    def next_to_render(self) -> str | None:
        """The document asked for most recently whose rendering is out of date and can be made."""
        with self._lock:
            for doc_id in self.wanted:
                doc = self.documents.get(doc_id)
                if doc is not None and doc.current_hash is not None and doc.stale and doc.failed_hash != doc.current_hash:
                    return doc_id
            return None

    def render(self, doc_id: str) -> None:
        """Render one document as ``render`` writes it, rasterise its page 1, publish it; the
        other pages follow in the rasteriser thread.

        Called by one thread at a time (the server's refresher); the lock is held only to read
        what to render and to store the result, so the page's requests never wait for WeasyPrint.
        """
        with self._lock:
            doc = self.documents[doc_id]
            ws, kind, target, digest = self.checked.partial, doc.kind, doc.target, doc.current_hash
        if ws is None or digest is None:
            return
        pdf = self._out / f"{doc_id}.pdf"
        failure: tuple[str, str] | None = None
        try:
            prepared = prepare(ws, kind, target, policy=PREVIEW_POLICY)
            render_prepared(ws, prepared, pdf)
            pages = Pages(pdf.read_bytes())
            if pages.count:
                pages.rasterise(0)  # what the page shows first: publish as soon as it is ready
        except SalesdocsError as exc:
            failure = (exc.zh, exc.en)
        with self._lock:
            doc.failure = failure
            if failure is not None:
                doc.failed_hash = digest
            else:
                if doc.pages is not None:
                    doc.pages.drop()
                doc.failed_hash = None
                doc.pages, doc.rendered_hash = pages, prepared.inputs_hash
                with contextlib.suppress(RuntimeError):  # the server is stopping: no more pages
                    self._rasteriser.submit(_logged, pages.rasterise_rest)
            doc.revision = self.revision + 1
            self._bump()

    def _bump(self) -> None:
        self.revision += 1
        self.on_revision(self.revision)

    # --------------------------------------------------------------------- state

    def state(self, lang: str) -> dict[str, Any]:
        """``GET /api/state``: the revision, the problems as ``check --format json`` has them, the documents."""
        with self._lock:
            problems = self.checked.problems
            counts: dict[str, list[int]] = {name: [0, 0] for name in self.files()}
            for p in problems:
                counts.setdefault(p.file, [0, 0])[p.severity == "warning"] += 1
            return {
                "revision": self.revision,
                "problems": [p.to_json(lang) for p in problems],
                "sources": [p.source_line for p in problems],
                "documents": [d.to_json(lang) for d in self.documents.values()],
                "files": [
                    {"path": name, "errors": e, "warnings": w, "sha256": self.digests.get(name)} for name, (e, w) in sorted(counts.items())
                ],
            }

    def page(self, doc_id: str, n: int) -> bytes | None:
        """Page ``n`` of the document's last good rendering, if it is rasterised already."""
        pages = self._pages(doc_id)
        return pages.get(n) if pages is not None else None

    def pending(self, doc_id: str, n: int) -> bool:
        """Whether page ``n`` of the document's last good rendering is still being rasterised."""
        pages = self._pages(doc_id)
        return pages is not None and pages.pending(n)

    def _pages(self, doc_id: str) -> Pages | None:
        with self._lock:
            doc = self.documents.get(doc_id)
            return doc.pages if doc is not None else None

    def pdf(self, doc_id: str) -> bytes | None:
        with self._lock:
            doc = self.documents.get(doc_id)
            return doc.pages.pdf if doc is not None and doc.pages is not None else None


def _background() -> None:
    """The rasteriser thread yields the CPU to the next check and render (Linux: a thread's own nice value)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), RASTERISER_NICE)


def _logged(job: Callable[[], None]) -> None:
    try:
        job()
    except Exception:  # a bug: the page asking for that image gets 404; say why in the server's log
        LOG.exception("salesdocs preview: rasterising failed")
