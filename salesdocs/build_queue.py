"""Batch build over a task queue: RQ on Redis, one job per document.

* The coordinator (``salesdocs build --queue redis://HOST:PORT/N``) decides exactly as the local
  build does (:func:`salesdocs.build.decide`: the one incremental rule), enqueues one job per
  document to render and writes every returned PDF itself, atomically: workers need no shared disk.
* A job carries what it needs: the workspace's files as bytes (rules, clients, deals, templates,
  policy releases), their digest, the document and the inputs hash the coordinator expects.  It
  returns the PDF bytes.
* Workers never see the after-sales records: the documents made from them
  (:func:`made_from_records`: the after-sales report, and a visit pack's brief when its client has
  records) are rendered by the coordinator, which has the records (a SQLite file or PostgreSQL alike), while it
  waits for the workers.  So workers need no database credentials and no copy of the database
  travels through Redis.  (:func:`split_todo` is that one rule.)
* A worker (``salesdocs worker --queue URL``) materializes each workspace once (cached by digest)
  in its own folder (:func:`worker_folder`) and renders the documents of it in one long-lived
  process through the warm render session a local build worker uses (stylesheets parsed and fonts
  loaded once per workspace).  After :data:`salesdocs.build.RECYCLE_AFTER` documents (``--max-jobs``)
  it restarts itself (``exec``, same process id) so its memory stays bounded, as the local pool
  recycles its workers.  A worker's folder is removed when it stops, and a killed worker's folder by
  the next worker that starts on the machine.
* A worker killed mid-document (SIGKILL): RQ keeps every started job in its StartedJobRegistry
  with an expiry of *job timeout + grace* (:class:`RenderWorker`); once that passes, the registry's
  ``cleanup()`` treats the job as abandoned and, because every job is enqueued with
  ``Retry(max=2)``, puts it back on the queue.  The coordinator runs that cleanup every
  :data:`CLEANUP_EVERY` seconds while it waits (workers also do, in their maintenance).
  ``SALESDOCS_QUEUE_JOB_TIMEOUT`` (seconds, default :data:`JOB_TIMEOUT`) sets the job timeout.
* A job that fails :data:`ATTEMPTS` times (crashed, killed, timed out) is a failure in the report;
  a document that cannot be made (a :class:`SalesdocsError`) fails at once, as in a local build.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesdocs.build import BuildReport, Decided, JobResult, Record, decide, finish, recorder, render_here, write_docx_files
from salesdocs.errors import PolicyError, SalesdocsError, UsageError
from salesdocs.model import Workspace
from salesdocs.policy.releases import POLICIES
from salesdocs.render.documents import DocumentJob, Prepared, prepare, render_prepared
from salesdocs.render.inputs import hash_inputs
from salesdocs.render.kinds import DocumentKind
from salesdocs.render.session import many_documents, tune_gc_for_rendering
from salesdocs.workspace import check_workspace

if TYPE_CHECKING:
    from redis import Redis

QUEUE_NAME = "salesdocs-build"
ATTEMPTS = 3  # one delivery and two retries
JOB_TIMEOUT = 120  # seconds one document may take; also what a killed worker's job waits before redelivery
HEARTBEAT_GRACE = 10  # seconds past the job timeout after which a started job counts as abandoned
ENV_JOB_TIMEOUT = "SALESDOCS_QUEUE_JOB_TIMEOUT"
ENV_PASSWORD = "SALESDOCS_QUEUE_PASSWORD"  # Redis's password when the URL has none (keeps it out of ps and shell history)
CLEANUP_EVERY = 2.0
POLL_EVERY = 0.05
QUIET_NOTICE = 30  # seconds without a finished document before the build says what it is waiting for
RESULT_TTL = 3600
BUNDLE_DIRS = ("rules", "clients", "deals", "templates", POLICIES)
RENDER_JOB = "salesdocs.build_queue.render_job"


class QueueError(SalesdocsError):
    """The task queue (Redis) cannot be reached or refused us."""


# ------------------------------------------------------------------- connecting


def _where(conn: Redis) -> str:
    kwargs = conn.connection_pool.connection_kwargs
    if "path" in kwargs:
        return str(kwargs["path"])
    return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)} (db {kwargs.get('db', 0)})"


def connect(url: str) -> Redis:
    """A checked connection to the Redis at ``url``; a clear QueueError naming the host when it is down."""
    import redis

    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise UsageError(
            f"--queue 需要 Redis 地址，例如 redis://localhost:6379/0，而不是 {url!r}",
            f"--queue needs a Redis URL such as redis://localhost:6379/0, not {url!r}",
        )
    try:
        conn = redis.Redis.from_url(
            url, password=os.environ.get(ENV_PASSWORD) or None, socket_connect_timeout=5, health_check_interval=30
        )  # a password in the URL wins
    except ValueError as exc:
        raise UsageError(f"--queue 地址无效：{exc}", f"--queue: invalid Redis URL: {exc}") from exc
    try:
        conn.ping()
    except redis.exceptions.AuthenticationError as exc:
        why = str(exc).rstrip(".")
        raise QueueError(
            f"任务队列 Redis {_where(conn)} 拒绝了登录：{why}。请检查密码：环境变量 {ENV_PASSWORD}，"
            "或 URL 中的用户名和密码（redis://用户名:密码@主机:端口/库）。",
            f"the task queue's Redis at {_where(conn)} refused the login: {why}. Check the password: environment "
            f"variable {ENV_PASSWORD}, or the user name and password in the URL (redis://USER:PASSWORD@HOST:PORT/DB).",
        ) from exc
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        reason = str(exc).rstrip(".")
        raise QueueError(
            f"无法连接任务队列 Redis {_where(conn)}：{reason}。请检查：该主机上 redis-server 是否在运行、端口是否正确、"
            "防火墙以及 Redis 的 bind / protected-mode 设置是否允许本机连接。",
            f"cannot reach the task queue's Redis at {_where(conn)}: {reason}. Check that redis-server is running on that "
            "host and port, and that a firewall or Redis's bind / protected-mode settings let this machine connect.",
        ) from exc
    return conn


def _lost(conn: Redis, exc: Exception) -> QueueError:
    return QueueError(
        f"与任务队列 Redis {_where(conn)} 的连接中断：{exc}。已写入的文件完整；Redis 恢复后重新运行 build 即可继续。",
        f"lost the connection to the task queue's Redis at {_where(conn)}: {exc}. "
        "The files written are complete; run build again once Redis is back to continue.",
    )


# ------------------------------------------------------------------- the coordinator


def bundle(root: Path) -> dict[str, bytes]:
    """The workspace files a worker renders from, by path relative to the workspace (never the records)."""
    files: dict[str, bytes] = {}
    for folder in BUNDLE_DIRS:
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() and not path.name.endswith(".tmp"):
                    files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


Todo = list[tuple[DocumentJob, Prepared]]


def made_from_records(prepared: Prepared) -> bool:
    """The document's inputs include the after-sales records (the report; a visit pack's brief when the
    client has records): what decides, on both backends, that the coordinator renders it."""
    return any(name == "records" for name, _ in prepared.inputs)


def split_todo(todo: Todo) -> tuple[Todo, Todo]:
    """(for the workers, for the coordinator): the documents made from the after-sales records stay here."""
    return [item for item in todo if not made_from_records(item[1])], [item for item in todo if made_from_records(item[1])]


def job_timeout() -> int:
    raw = os.environ.get(ENV_JOB_TIMEOUT, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else JOB_TIMEOUT


def build_on_queue(
    root: Path,
    url: str,
    out_dir: Path | None = None,
    *,
    force: bool = False,
    only: Callable[[DocumentJob], bool] | None = None,
    progress: Callable[[JobResult, int, int], None] | None = None,
    policy: str | None = None,
    docx: bool = False,
    notice: Callable[[str, str], None] | None = None,
) -> BuildReport:
    """Like :func:`salesdocs.build.build`, the documents rendered by the workers listening on ``url``.

    ``notice(zh, en)`` is told when no worker is listening yet (the build waits for one).
    ``docx``: the Word files are written here, after the PDFs (they are quick and need no WeasyPrint).
    """
    started = time.perf_counter()
    conn = connect(url)
    decided = decide(root, out_dir, force=force, only=only, policy=policy, docx=docx)
    report, record = recorder(decided, progress)
    for result in decided.settled:
        record(result)
    if decided.todo:
        import redis

        try:
            _run(conn, decided, record, policy, notice)
        except redis.exceptions.RedisError as exc:
            raise _lost(conn, exc) from exc
    write_docx_files(decided.ws, decided.docx_jobs, force, record, policy)
    return finish(report, decided, started)


def _run(conn: Redis, decided: Decided, record: Record, policy: str | None, notice: Callable[[str, str], None] | None) -> None:
    from rq import Queue, Retry, Worker

    queue = Queue(QUEUE_NAME, connection=conn)
    if notice and not Worker.all(queue=queue):
        notice(
            f"队列 {QUEUE_NAME} 上还没有 worker：在任何装有 salesdocs 的机器上运行 salesdocs worker --queue URL",
            f"no worker is listening on queue {QUEUE_NAME} yet: run salesdocs worker --queue URL on any machine with salesdocs",
        )
    remote, here = split_todo(decided.todo)
    files = bundle(decided.ws.root)
    digest = hash_inputs(sorted(files.items()))
    timeout = job_timeout()
    pending: dict[str, DocumentJob] = {}
    try:
        for job, prepared in remote:
            rq_job = queue.enqueue(
                RENDER_JOB,
                args=(digest, files, job.kind.value, job.target, policy, prepared.inputs_hash, job.doc_lang),
                job_timeout=timeout,
                retry=Retry(max=ATTEMPTS - 1),
                result_ttl=RESULT_TTL,
                failure_ttl=RESULT_TTL,
                description=job.label,
            )
            pending[rq_job.id] = job
        with many_documents():  # one tuning for all the coordinator's own documents, not one per document
            _collect(conn, queue, pending, record, lambda: _render_one_here(decided.ws, here, record), _waiting(queue, timeout, notice))
    finally:
        for job_id in pending:  # interrupted: take the rest off the queue
            with contextlib.suppress(Exception):
                queue.remove(job_id)
                conn.delete(f"rq:job:{job_id}")


def _render_one_here(ws: Workspace, here: Todo, record: Record) -> bool:
    """Render the next document the coordinator keeps (see :func:`split_todo`); False when none is left."""
    if not here:
        return False
    render_here(ws, [here.pop(0)], record)
    return True


def _waiting(queue: Any, timeout: int, notice: Callable[[str, str], None] | None) -> Callable[[int, float], None]:
    """What the build says after a quiet spell: how many documents it waits for, how many workers listen,
    and when a killed worker's document comes back."""
    from rq import Worker

    def say(left: int, quiet: float) -> None:
        if notice is None:
            return
        # a worker killed a moment ago stays registered until its key expires: only "none" is certain
        workers = len(Worker.all(queue=queue))
        back = timeout + HEARTBEAT_GRACE
        notice(
            f"已经 {quiet:.0f} 秒没有文档完成，还在等 {left} 个。如果某个 worker 中断了，它手上的文档会在开始后约 {back} 秒重新派发"
            + ("；现在没有 worker，请运行 salesdocs worker --queue URL" if not workers else ""),
            f"no document finished for {quiet:.0f} s; waiting for {left}. "
            f"A document whose worker stopped is handed out again about {back} s after it started"
            + ("; no worker is listening now: run salesdocs worker --queue URL" if not workers else ""),
        )

    return say


def _collect(
    conn: Redis,
    queue: Any,
    pending: dict[str, DocumentJob],
    record: Record,
    meanwhile: Callable[[], bool],
    waiting: Callable[[int, float], None] = lambda left, quiet: None,
) -> None:
    """Wait for every job, writing each PDF as it arrives; abandoned jobs are put back by the cleanup.
    While no job has settled, ``meanwhile()`` renders one of the coordinator's own documents (until it returns False);
    after :data:`QUIET_NOTICE` seconds without a settled job, ``waiting(left, seconds)`` says so (once per quiet spell)."""
    from rq.job import Job, JobStatus
    from rq.registry import StartedJobRegistry

    registry = StartedJobRegistry(queue=queue)
    last_cleanup = last_settled = time.monotonic()
    told = False
    busy = True
    while pending or busy:
        if time.monotonic() - last_cleanup >= CLEANUP_EVERY:
            registry.cleanup()
            last_cleanup = time.monotonic()
        ids = list(pending)
        with conn.pipeline(transaction=False) as pipe:
            for job_id in ids:
                pipe.hget(Job.key_for(job_id), "status")
            statuses = pipe.execute()
        settled = False
        for job_id, raw in zip(ids, statuses, strict=True):
            status = raw.decode() if isinstance(raw, bytes) else raw
            if status not in (None, JobStatus.FINISHED.value, JobStatus.FAILED.value):
                continue
            doc = pending.pop(job_id)
            rq_job = Job.fetch(job_id, connection=conn) if status is not None else None
            record(_result_of(doc, rq_job))
            if rq_job is not None:
                _forget(rq_job)
            settled = True
        if settled:
            last_settled, told = time.monotonic(), False
        else:
            busy = busy and meanwhile()
            quiet = time.monotonic() - last_settled
            if pending and not told and quiet >= QUIET_NOTICE:
                waiting(len(pending), quiet)
                told = True
            if not busy and pending:
                time.sleep(POLL_EVERY)


def _forget(rq_job: Any) -> None:
    """Delete a collected job (its PDF bytes) from Redis."""
    try:
        rq_job.delete()
    except ValueError:  # rq 2.12: an execution the registry cleanup already removed (the abandoned attempt)
        rq_job.connection.delete(rq_job.key, rq_job.dependents_key, rq_job.dependencies_key, rq_job.execution_registry.key)


def _result_of(doc: DocumentJob, rq_job: Any) -> JobResult:
    from salesdocs.render.pdf import write_atomically

    if rq_job is None:
        return JobResult(
            doc, "failed", zh="任务已从 Redis 中消失（Redis 被清空或重启？）", en="the job vanished from Redis (flushed or restarted?)"
        )
    if rq_job.get_status(refresh=False).value == "failed":
        latest = rq_job.latest_result()
        last = ((latest.exc_string if latest is not None else None) or "").strip().splitlines()
        reason = last[-1] if last else "?"
        return JobResult(
            doc,
            "failed",
            zh=f"渲染任务失败 {ATTEMPTS} 次（worker 崩溃、被终止或超时）：{reason}",
            en=f"the render job failed {ATTEMPTS} times (worker crashed, killed or timed out): {reason}",
        )
    result: dict[str, Any] = rq_job.return_value()
    if result["status"] != "written":
        return JobResult(doc, "failed", result["seconds"], result["zh"], result["en"])
    try:
        write_atomically(doc.out_path, result["pdf"])
    except SalesdocsError as exc:
        return JobResult(doc, "failed", result["seconds"], exc.zh, exc.en)
    return JobResult(doc, "written", result["seconds"])


# ------------------------------------------------------------------- the worker

_WORKSPACES: dict[str, Workspace] = {}
KEEP_WORKSPACES = 2
WORKER_PREFIX = "salesdocs-worker-"
_FOLDER: dict[str, Any] = {}  # "root": this worker's folder; "lock": the file whose lock says it is alive


def _locked(path: Path) -> Any:
    """``path`` opened and exclusively locked, or None when another process holds its lock."""
    import fcntl

    handle = path.open("a+b")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def worker_folder() -> Path:
    """This worker's own folder in the temporary directory (``salesdocs-worker-PID-…``), made on first use.

    The folder has a lock file beside it (``….lock``) that this process keeps locked while it lives; the
    kernel drops the lock when the process dies, however it dies.  Before making its folder a worker
    removes every other worker's folder whose lock is free: what a killed worker left behind.  Making
    and sweeping happen under one machine-wide lock, so no worker sweeps a folder being made.
    """
    if "root" in _FOLDER:
        return Path(_FOLDER["root"])
    import fcntl

    tmp = Path(tempfile.gettempdir())
    with (tmp / f"{WORKER_PREFIX}sweep.lock").open("a+b") as sweep:
        fcntl.flock(sweep, fcntl.LOCK_EX)
        for lock in tmp.glob(f"{WORKER_PREFIX}*-*.lock"):
            handle = _locked(lock)
            if handle is not None:  # its worker is gone
                shutil.rmtree(lock.with_suffix(""), ignore_errors=True)
                lock.unlink(missing_ok=True)
                handle.close()
        root = Path(tempfile.mkdtemp(prefix=f"{WORKER_PREFIX}{os.getpid()}-", dir=tmp))
        _FOLDER["lock"] = _locked(root.with_suffix(".lock"))
        _FOLDER["root"] = root
    return root


def _remove_worker_folder() -> None:
    _WORKSPACES.clear()
    root = _FOLDER.pop("root", None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)
        root.with_suffix(".lock").unlink(missing_ok=True)
        _FOLDER.pop("lock").close()


def _safe_rel(rel: str) -> str:
    parts = Path(rel).parts
    if not parts or Path(rel).is_absolute() or ".." in parts:
        raise SalesdocsError(f"任务中的文件路径无效：{rel!r}", f"invalid file path in the job: {rel!r}")
    return rel


def _workspace(digest: str, files: Mapping[str, bytes]) -> Workspace:
    """The workspace made of ``files``, written once per digest into this worker's folder."""
    if digest in _WORKSPACES:
        return _WORKSPACES[digest]
    root = worker_folder() / digest[:16]
    shutil.rmtree(root, ignore_errors=True)
    for rel, data in files.items():
        path = root / _safe_rel(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    checked = check_workspace(root)
    if checked.partial is None:
        shutil.rmtree(root, ignore_errors=True)
        raise PolicyError(checked.errors or checked.problems)
    while len(_WORKSPACES) >= KEEP_WORKSPACES:  # oldest first
        old = _WORKSPACES.pop(next(iter(_WORKSPACES)))
        shutil.rmtree(old.root, ignore_errors=True)
    _WORKSPACES[digest] = checked.partial
    return checked.partial


def render_job(
    digest: str,
    files: Mapping[str, bytes],
    kind: str,
    target: str | None,
    policy: str | None,
    inputs_hash: str,
    doc_lang: str | None = None,
) -> dict[str, Any]:
    """One queued document, rendered in a worker: the PDF bytes, or why it cannot be made.

    Rendered through the process's warm render session for the workspace (``salesdocs.render.session``,
    reached by ``write_pdf``): the stylesheets and fonts are loaded by the first document of a workspace only.
    """
    started = time.perf_counter()
    try:
        ws = _workspace(digest, files)
        prepared = prepare(ws, DocumentKind(kind), target, policy=policy, doc_lang=doc_lang)
        if prepared.inputs_hash != inputs_hash:
            raise SalesdocsError(
                "worker 算出的输入哈希与协调端不同：两台机器上的 salesdocs 版本或系统依赖是否一致？",
                "the worker computed another inputs hash than the coordinator: "
                "are salesdocs and its dependencies the same version on both machines?",
            )
        out = render_prepared(ws, prepared, worker_folder() / "document.pdf")
        data = out.read_bytes()
        out.unlink()
    except SalesdocsError as exc:
        return {"status": "failed", "seconds": time.perf_counter() - started, "zh": exc.zh, "en": exc.en}
    return {"status": "written", "seconds": time.perf_counter() - started, "pdf": data}


def run_worker(url: str, *, burst: bool = False, max_jobs: int | None = None) -> bool:
    """Take jobs from the queue at ``url`` until stopped (SIGTERM/SIGINT: finish the current one), or,
    with ``burst``, until the queue is empty, or after ``max_jobs`` documents.

    True when it stopped because it rendered ``max_jobs`` documents: the caller starts a fresh process
    (``salesdocs worker`` re-executes itself), so memory stays bounded.
    """
    from rq import Queue
    from rq.job import Job
    from rq.worker import SimpleWorker

    class RenderWorker(SimpleWorker):
        """Renders in its own process, keeping each workspace and WeasyPrint's caches between jobs.

        A started job is abandoned (and redelivered by the registry cleanup) *job timeout +
        HEARTBEAT_GRACE* seconds after it started when its worker has died, instead of RQ's +60 s.
        """

        done = 0  # jobs executed by this process

        def get_heartbeat_ttl(self, job: Job) -> int:
            return int(job.timeout if job.timeout and job.timeout > 0 else JOB_TIMEOUT) + HEARTBEAT_GRACE

        def execute_job(self, job: Job, queue: Queue) -> None:
            self.done += 1
            super().execute_job(job, queue)

    conn = connect(url)
    worker_folder()  # made now: a killed worker's folder is swept when the next one starts
    worker = RenderWorker([Queue(QUEUE_NAME, connection=conn)], connection=conn, maintenance_interval=60)
    tune_gc_for_rendering()  # as the local pool's workers (salesdocs.render.session.GC_THRESHOLDS)
    try:
        worker.work(burst=burst, logging_level="WARNING", with_scheduler=False, max_jobs=max_jobs)
    finally:
        _remove_worker_folder()
    return bool(max_jobs and worker.done >= max_jobs and not worker._stop_requested)
