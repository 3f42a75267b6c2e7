"""Batch build: every document of the workspace, in parallel, incrementally.

* The plan lists every document: the intro, a quote and an appendix per deal,
  a visit pack (internal brief + client handout) per client, and the
  after-sales report when records exist.
* Incremental: each document's inputs hash (policy, client, deal, templates,
  salesdocs version, records) is computed without WeasyPrint and compared with
  the hash stored in the existing PDF; equal → skipped (``force`` rebuilds).
* Parallel: a process pool of ``jobs`` workers; each worker loads the workspace
  once, renders through one warm render session (salesdocs.render.session) and
  is replaced after ``recycle`` documents so memory stays bounded; the longest
  documents go first.  ``jobs=1`` renders in this process.
* One failing document never stops the others; failures carry their reason.
* Output is atomic per file; stale temporary files from a killed build are
  removed at the start.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from salesdocs.errors import PolicyError, Problem, SalesdocsError
from salesdocs.model import Workspace
from salesdocs.records.period import resolve_period
from salesdocs.records.store import records_exist
from salesdocs.render.documents import DocumentJob, Prepared, doc_language, prepare, render_prepared
from salesdocs.render.docx import DOCX_KINDS, docx_path, read_docx_hash, write_docx
from salesdocs.render.kinds import DocumentKind, out_path
from salesdocs.render.session import many_documents, tune_gc_for_rendering
from salesdocs.render.uses import files_used
from salesdocs.workspace import CheckResult, blocking_errors, check_workspace, is_backup_copy

# A worker renders through one warm RenderSession (parsed stylesheet and fonts reused): its RSS stays
# flat at about 230 MB over 50+ documents (issue 17), where a fresh FontConfiguration per document
# crept towards 430 MB; 100 keeps two workers in one pool for a 200-document build (no generation barrier).
RECYCLE_AFTER = 100
# Relative cost of a document (about its page count in the sample): the pool gets the longest first,
# so the last documents to finish are short ones and no worker idles long at the end of a generation.
_COST = {
    DocumentKind.HANDOUT: 7,
    DocumentKind.APPENDIX: 7,
    DocumentKind.AFTERSALES: 5,
    DocumentKind.BRIEF: 4,
    DocumentKind.INTRO: 3,
    DocumentKind.QUOTE: 2,
}


@dataclass
class JobResult:
    job: DocumentJob
    status: str  # "written" | "skipped" | "failed"
    seconds: float = 0.0
    zh: str = ""
    en: str = ""
    problems: list[Problem] = field(default_factory=list)


@dataclass
class BuildReport:
    results: list[JobResult] = field(default_factory=list)
    seconds: float = 0.0

    def by_status(self, status: str) -> list[JobResult]:
        return [r for r in self.results if r.status == status]

    @property
    def ok(self) -> bool:
        return not self.by_status("failed")


def plan(ws: Workspace, out_dir: Path) -> list[DocumentJob]:
    """Every document of the workspace and where it goes."""
    jobs = [DocumentJob(DocumentKind.INTRO, None, out_path(out_dir, DocumentKind.INTRO, None))]
    used = {d.doc_language(ws.client(d.client)) for d in ws.deals.values()} | {c.language or "zh" for c in ws.clients.values()}
    for lang in sorted(used - {"zh"}):  # the intro also in each other language a client or deal uses
        jobs.append(DocumentJob(DocumentKind.INTRO, None, out_path(out_dir, DocumentKind.INTRO, None, lang), lang))
    for deal_id in sorted(ws.deals):
        deal = ws.deals[deal_id]
        lang = deal.doc_language(ws.client(deal.client))  # each deal in its own language
        for kind in (DocumentKind.QUOTE, DocumentKind.APPENDIX):
            jobs.append(DocumentJob(kind, deal_id, out_path(out_dir, kind, deal_id, lang)))
    for client_id in sorted(ws.clients):
        for kind in DocumentKind.VISIT_PACK.parts:
            jobs.append(DocumentJob(kind, client_id, out_path(out_dir, kind, client_id)))
    if records_exist(ws.root):
        period = resolve_period()  # the last full month, named in the file
        jobs.append(DocumentJob(DocumentKind.AFTERSALES, period.slug, out_path(out_dir, DocumentKind.AFTERSALES, period.slug)))
    return jobs


def _clean_stale_temp(out_dir: Path) -> None:
    if not out_dir.is_dir():
        return
    for tmp in out_dir.rglob(".*.pdf.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


# ----------------------------------------------------------------------- workers

_WORKER: dict[str, Workspace] = {}


def _worker_init(root: str) -> None:
    result = check_workspace(Path(root))
    assert result.partial is not None
    _WORKER["ws"] = result.partial
    tune_gc_for_rendering()


def _render_in_worker(
    kind: DocumentKind, target: str | None, out_path: str, policy: str | None = None, doc_lang: str | None = None
) -> tuple[str, float, str, str]:
    ws = _WORKER["ws"]
    started = time.perf_counter()
    try:
        render_prepared(ws, prepare(ws, kind, target, policy=policy, doc_lang=doc_lang), Path(out_path))
    except SalesdocsError as exc:
        return "failed", time.perf_counter() - started, exc.zh, exc.en
    return "written", time.perf_counter() - started, "", ""


# ------------------------------------------------------------------------- build


@dataclass
class Decided:
    """What a build has to do, decided before anything is rendered (local and queue builds alike).

    ``settled``: documents already failed (their files have errors) or skipped (unchanged: the
    inputs hash stored in the existing PDF equals the new one); ``todo``: the documents to render.
    """

    ws: Workspace
    out_dir: Path
    planned: list[DocumentJob]
    settled: list[JobResult]
    todo: list[tuple[DocumentJob, Prepared]]
    #: ``--docx``: the quotes and appendices that also get a Word file (written after the PDFs)
    docx_jobs: list[DocumentJob] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.settled) + len(self.todo) + len(self.docx_jobs)


def decide(
    root: Path,
    out_dir: Path | None = None,
    *,
    force: bool = False,
    only: Callable[[DocumentJob], bool] | None = None,
    policy: str | None = None,
    docx: bool = False,
) -> Decided:
    """Check the workspace, plan every document and decide which to skip, which fail, which to render.

    The one place of the incremental rule.  Stale temporary files of a killed build are removed.
    Raises :class:`PolicyError` only when the policy itself is broken.
    """
    from salesdocs.render.pdf import read_inputs_hash

    checked = check_workspace(root)
    if checked.partial is None:
        raise PolicyError(checked.errors or checked.problems)
    ws = checked.partial
    out_dir = (out_dir or ws.root / "out").resolve()
    _clean_stale_temp(out_dir)
    planned = [j for j in plan(ws, out_dir) if only is None or only(j)]
    settled = list(broken_inputs(checked, ws, out_dir))
    todo: list[tuple[DocumentJob, Prepared]] = []
    for job in planned:
        blocked = blocking_errors(checked, files_used(ws, job.kind, job.target))
        if blocked:  # e.g. a visit pack whose client's latest deal is broken
            settled.append(_failed(job, blocked))
            continue
        try:
            prepared = prepare(ws, job.kind, job.target, policy=policy, doc_lang=job.doc_lang)
        except SalesdocsError as exc:
            settled.append(JobResult(job, "failed", zh=exc.zh, en=exc.en))
            continue
        if not force and job.out_path.is_file() and read_inputs_hash(job.out_path) == prepared.inputs_hash:
            settled.append(JobResult(job, "skipped"))
            continue
        todo.append((job, prepared))
    # Word files are Chinese only for now: deals in en or zh-en get their PDFs alone
    docx_jobs = [j for j in planned if docx and j.kind in DOCX_KINDS and doc_language(ws, j.kind, j.target) == "zh"]
    return Decided(ws, out_dir, planned, settled, todo, docx_jobs)


def recorder(decided: Decided, progress: Callable[[JobResult, int, int], None] | None) -> tuple[BuildReport, Record]:
    """An empty report and the function that adds one result to it and reports progress."""
    report = BuildReport()
    total = decided.total

    def record(result: JobResult) -> None:
        report.results.append(result)
        if progress:
            progress(result, len(report.results), total)

    return report, record


def finish(report: BuildReport, decided: Decided, started: float) -> BuildReport:
    """Failures first, then the plan's order; the time taken."""
    report.seconds = time.perf_counter() - started
    order = {id(j): i for i, j in enumerate(decided.planned)}
    report.results.sort(key=lambda r: (r.status != "failed", order.get(id(r.job), -1), r.job.label))
    return report


def build(
    root: Path,
    out_dir: Path | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    recycle: int = RECYCLE_AFTER,
    only: Callable[[DocumentJob], bool] | None = None,
    progress: Callable[[JobResult, int, int], None] | None = None,
    policy: str | None = None,
    docx: bool = False,
) -> BuildReport:
    """Render every document of the workspace at ``root`` into ``out_dir``.

    Each deal's documents use the policy the deal uses (its release); ``policy`` overrides it for
    every document (``rules``: the working copy, every page marked 草稿).

    Raises :class:`PolicyError` only when the policy itself is broken (then no
    document can be made); broken clients or deals fail just their documents.
    """
    started = time.perf_counter()
    decided = decide(root, out_dir, force=force, only=only, policy=policy, docx=docx)
    report, record = recorder(decided, progress)
    for result in decided.settled:
        record(result)
    todo, ws = decided.todo, decided.ws
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    if workers == 1:
        render_here(ws, todo, record)
    elif todo:
        _render_in_pool(ws, todo, workers, recycle, record, policy)
    write_docx_files(ws, decided.docx_jobs, force, record, policy)
    return finish(report, decided, started)


Record = Callable[[JobResult], None]


def write_docx_files(ws: Workspace, jobs: list[DocumentJob], force: bool, record: Record, policy: str | None = None) -> None:
    """``--docx``: a Word file beside each quote and appendix PDF, skipped when its hash is current."""
    for job in jobs:
        path = docx_path(job.out_path)
        t0 = time.perf_counter()
        try:
            prepared = prepare(ws, job.kind, job.target, policy=policy)
            if not force and path.is_file() and read_docx_hash(path) == prepared.inputs_hash:
                record(JobResult(DocumentJob(job.kind, job.target, path), "skipped"))
                continue
            write_docx(ws, prepared, job.kind, str(job.target), path)
        except SalesdocsError as exc:
            record(JobResult(DocumentJob(job.kind, job.target, path), "failed", time.perf_counter() - t0, exc.zh, exc.en))
            continue
        record(JobResult(DocumentJob(job.kind, job.target, path), "written", time.perf_counter() - t0))


def render_here(ws: Workspace, todo: list[tuple[DocumentJob, Prepared]], record: Record) -> None:
    """Render in this process, one document after the other."""
    with many_documents():
        for job, prepared in todo:
            t0 = time.perf_counter()
            try:
                render_prepared(ws, prepared, job.out_path)
            except SalesdocsError as exc:
                record(JobResult(job, "failed", time.perf_counter() - t0, exc.zh, exc.en))
                continue
            record(JobResult(job, "written", time.perf_counter() - t0))


def _render_in_pool(
    ws: Workspace, todo: list[tuple[DocumentJob, Prepared]], workers: int, recycle: int, record: Record, policy: str | None = None
) -> None:
    """Render in spawned worker processes, a fresh pool per generation of ``workers × recycle`` documents.

    Recycling keeps worker memory bounded: no worker renders more than about ``recycle`` documents.
    (ProcessPoolExecutor's own max_tasks_per_child can hang on Python 3.11 once a worker retires,
    CPython gh-115634.)  Workers are spawned, not forked: the parent may run a progress-bar thread.
    """
    context = multiprocessing.get_context("spawn")
    generation = workers * max(1, recycle)
    todo = sorted(todo, key=lambda item: -_COST.get(item[0].kind, 1))  # stable: plan order within a kind
    for start in range(0, len(todo), generation):
        batch = todo[start : start + generation]
        with ProcessPoolExecutor(
            max_workers=min(workers, len(batch)), mp_context=context, initializer=_worker_init, initargs=(str(ws.root),)
        ) as pool:
            futures = {
                pool.submit(_render_in_worker, job.kind, job.target, str(job.out_path), policy, job.doc_lang): job for job, _ in batch
            }
            for future in as_completed(futures):
                job = futures[future]
                try:
                    status, seconds, zh, en = future.result()
                except Exception as exc:  # a worker died (killed, out of memory)
                    record(JobResult(job, "failed", zh=f"渲染进程异常退出：{exc!r}", en=f"the render process died: {exc!r}"))
                    continue
                record(JobResult(job, status, seconds, zh, en))


def broken_inputs(checked: CheckResult, ws: Workspace, out_dir: Path) -> Iterator[JobResult]:
    """Documents that cannot be made because their own client or deal file has errors."""
    kinds_of = {"deals": (DocumentKind.QUOTE, DocumentKind.APPENDIX), "clients": (DocumentKind.VISIT_PACK,)}
    loaded_of: dict[str, Mapping[str, object]] = {"deals": ws.deals, "clients": ws.clients}
    for folder, kinds in kinds_of.items():
        loaded = loaded_of[folder]
        for path in sorted((ws.root / folder).glob("*.y*ml")):
            if path.stem in loaded or is_backup_copy(path):
                continue
            for kind in kinds:
                job = DocumentJob(kind, path.stem, out_path(out_dir, kind, path.stem))
                yield _failed(job, blocking_errors(checked, files_used(ws, kind, path.stem)))


def _failed(job: DocumentJob, problems: list[Problem]) -> JobResult:
    """A document not made because files it uses have errors: the first one says where."""
    first = problems[0] if problems else None
    where = f"{first.file}:{first.line}:{first.column}: " if first else ""
    return JobResult(
        job,
        "failed",
        zh=where + (first.zh if first else "文件有错误"),
        en=where + (first.en if first else "the file has errors"),
        problems=problems,
    )
