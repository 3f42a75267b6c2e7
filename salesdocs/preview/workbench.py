"""The warm process behind the page: check, re-render what changed, rasterise, number revisions.

One :class:`Workbench` lives as long as the server.  :meth:`Workbench.refresh` re-checks the
workspace (the same :func:`check_workspace` as ``check``) and recomputes every document's inputs
hash with :func:`salesdocs.render.documents.prepare` — the rule the incremental build uses, so
a document is re-rendered exactly when ``build`` would rebuild it.  :meth:`Workbench.render`
writes one document as ``render`` does (:func:`render_prepared`) and rasterises its pages with
``pdftoppm``.  Documents are rendered when first asked for and re-rendered when their inputs
change; the last good rendering stays (marked stale) while the workspace is broken.

Every change of what the page shows is a new revision; ``on_revision`` is told of each one.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesdocs.build import broken_inputs, plan
from salesdocs.errors import SalesdocsError
from salesdocs.model import Workspace
from salesdocs.policy.releases import WORKING
from salesdocs.preview.files import kind_of_path
from salesdocs.render.documents import prepare, render_prepared
from salesdocs.render.inputs import template_dirs
from salesdocs.render.kinds import DocumentKind
from salesdocs.workspace import CheckResult, check_workspace

DPI = 96
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
    pages: list[bytes] = field(default_factory=list)
    pdf: bytes = b""
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
        data.update(pages=len(self.pages), revision=self.revision, inputs_hash=self.rendered_hash, stale=self.stale)
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
        self._lock = threading.RLock()
        self._out = Path(tempfile.mkdtemp(prefix="salesdocs-preview-"))

    # ------------------------------------------------------------------ checking

    def refresh(self) -> bool:
        """Re-check the workspace and recompute every inputs hash; True when something changed."""
        checked = check_working_copy(self.root)  # outside the lock: the page keeps reading the last state
        with self._lock:
            self.checked = checked
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
        for gone in set(self.documents) - set(found):
            del self.documents[gone]
        for doc_id, (kind, target, digest) in found.items():
            doc = self.documents.setdefault(doc_id, Document(doc_id, kind, target))
            doc.current_hash = digest

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
        """Remove the folder of this preview's PDFs."""
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
        """Render one document as ``render`` writes it, then rasterise its pages.

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
        pages: list[bytes] = []
        try:
            prepared = prepare(ws, kind, target, policy=PREVIEW_POLICY)
            render_prepared(ws, prepared, pdf)
            pages = rasterise(pdf)
        except SalesdocsError as exc:
            failure = (exc.zh, exc.en)
        with self._lock:
            doc.failure = failure
            if failure is not None:
                doc.failed_hash = digest
            else:
                doc.failed_hash = None
                doc.pages, doc.pdf, doc.rendered_hash = pages, pdf.read_bytes(), prepared.inputs_hash
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
                "files": [{"path": name, "errors": e, "warnings": w} for name, (e, w) in sorted(counts.items())],
            }

    def page(self, doc_id: str, n: int) -> bytes | None:
        with self._lock:
            doc = self.documents.get(doc_id)
            return doc.pages[n - 1] if doc is not None and 1 <= n <= len(doc.pages) else None

    def pdf(self, doc_id: str) -> bytes | None:
        with self._lock:
            doc = self.documents.get(doc_id)
            return doc.pdf if doc is not None and doc.pdf else None


def rasterise(pdf: Path) -> list[bytes]:
    """The PDF's pages as PNG images: pdftoppm (the first and the second half of the pages in
    parallel) writes raw pixels, Pillow compresses them lightly (3× faster than pdftoppm's PNG)."""
    from concurrent.futures import ThreadPoolExecutor

    from pypdf import PdfReader

    count = len(PdfReader(pdf).pages)
    middle = (count + 1) // 2
    runs = []
    for first, last in ((1, middle), (middle + 1, count)):
        if first <= last:
            prefix = pdf.with_name(f"{pdf.stem}-{first}")
            cmd = ["pdftoppm", "-r", str(DPI), "-f", str(first), "-l", str(last), str(pdf), str(prefix)]
            runs.append((prefix, subprocess.Popen(cmd, stderr=subprocess.PIPE)))
    pixels: list[Path] = []
    for prefix, run in runs:
        _, err = run.communicate()
        if run.returncode != 0:
            message = err.decode(errors="replace")
            raise SalesdocsError(f"无法把 PDF 转成图片：{message}", f"pdftoppm failed: {message}")
        pixels += sorted(prefix.parent.glob(f"{prefix.name}-*.ppm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_png, pixels))


def _png(ppm: Path) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    with Image.open(ppm) as image:
        image.save(out, "PNG", compress_level=1)
    ppm.unlink()
    return out.getvalue()
