"""`salesdocs build --queue` and `salesdocs worker`: a real redis-server and real worker processes.

The Redis is a throwaway `redis-server` on a free loopback port, started and stopped by this module
(no files kept); a system Redis the Debian package may have started is never used.  Each test uses
its own database number so queues never mix.  The workspace is tests/fixtures/minimal (5 documents).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import BACKENDS, FIXTURES, CliResult, copy_workspace

from salesdocs import build_queue
from salesdocs.build import BuildReport, build
from salesdocs.build_queue import (
    ENV_JOB_TIMEOUT,
    ENV_PASSWORD,
    HEARTBEAT_GRACE,
    QUEUE_NAME,
    WORKER_PREFIX,
    QueueError,
    build_on_queue,
    connect,
)
from salesdocs.records.period import resolve_period
from salesdocs.records.store import ENV_DB

JOB_TIMEOUT = 30  # s: a killed worker's document is redelivered after 30 + HEARTBEAT_GRACE s


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """redis://127.0.0.1:PORT — a redis-server owned by this test module."""
    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    assert Path(exe).exists(), "redis-server is missing: make install (scripts/install-system.sh) installs it"
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    args = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"redis://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                connect(f"{url}/0")
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def local_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The minimal workspace and the bytes of its local build (one process)."""
    root = copy_workspace(FIXTURES / "minimal", tmp_path_factory.mktemp("ws") / "minimal")
    out = root.parent / "out-local"
    report = build(root, out, jobs=1)
    assert report.ok and len(report.by_status("written")) == 5
    return root, _pdfs(out)


def _pdfs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def start_worker() -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start `salesdocs worker --queue URL` processes; every one is stopped after the test."""
    started: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, ENV_JOB_TIMEOUT: str(JOB_TIMEOUT)}

    def start(url: str, *options: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "salesdocs", "worker", "--queue", url, *options],
            env=env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_redis_down_is_a_clear_error_naming_the_host(minimal_workspace: Path, run_cli: Callable[..., CliResult]) -> None:
    port = _free_port()  # nothing listens there
    zh = run_cli("-w", str(minimal_workspace), "build", "--queue", f"redis://127.0.0.1:{port}/0")
    assert zh.exit_code == 1
    assert f"无法连接任务队列 Redis 127.0.0.1:{port} (db 0)" in zh.err
    assert "请检查：该主机上 redis-server 是否在运行、端口是否正确" in zh.err
    assert "Traceback" not in zh.err
    en = run_cli("-w", str(minimal_workspace), "--lang", "en", "build", "--queue", f"redis://127.0.0.1:{port}/0")
    assert en.exit_code == 1
    assert f"cannot reach the task queue's Redis at 127.0.0.1:{port} (db 0)" in en.err
    assert "Check that redis-server is running on that host and port" in en.err
    assert not (minimal_workspace / "out").exists()  # nothing written
    worker = run_cli("worker", "--queue", f"redis://127.0.0.1:{port}/0")
    assert worker.exit_code == 1 and f"无法连接任务队列 Redis 127.0.0.1:{port}" in worker.err


def test_the_redis_password_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SALESDOCS_QUEUE_PASSWORD keeps the password out of the URL (and so out of ps); a refused login says what to check."""
    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = _free_port()
    args = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)]
    proc = subprocess.Popen([*args, "--requirepass", "s3cret"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv(ENV_PASSWORD, "s3cret")
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                assert connect(url).ping() is True
                break
            except QueueError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        monkeypatch.setenv(ENV_PASSWORD, "wrong")
        with pytest.raises(QueueError) as err:
            connect(url)
        assert err.value.en == (
            f"the task queue's Redis at 127.0.0.1:{port} (db 0) refused the login: invalid username-password pair or user is disabled. "
            "Check the password: environment variable SALESDOCS_QUEUE_PASSWORD, or the user name and password in the URL "
            "(redis://USER:PASSWORD@HOST:PORT/DB)."
        )
        assert err.value.zh == (
            f"任务队列 Redis 127.0.0.1:{port} (db 0) 拒绝了登录：invalid username-password pair or user is disabled。"
            "请检查密码：环境变量 SALESDOCS_QUEUE_PASSWORD，或 URL 中的用户名和密码（redis://用户名:密码@主机:端口/库）。"
        )
        assert connect(f"redis://:s3cret@127.0.0.1:{port}/0").ping() is True  # a password in the URL wins
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_not_a_redis_url_is_a_usage_error(minimal_workspace: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("-w", str(minimal_workspace), "--lang", "en", "build", "--queue", "localhost:6379")
    assert result.exit_code == 2
    assert "--queue needs a Redis URL such as redis://localhost:6379/0, not 'localhost:6379'" in result.err
    both = run_cli("-w", str(minimal_workspace), "--lang", "en", "build", "--jobs", "2", "--queue", "redis://127.0.0.1:6379/0")
    assert both.exit_code == 2
    assert "--jobs cannot be used with --queue" in both.err


def test_queue_build_is_byte_identical_to_a_local_build_and_incremental(
    redis_server: str,
    local_build: tuple[Path, dict[str, bytes]],
    start_worker: Callable[..., subprocess.Popen[bytes]],
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
) -> None:
    root, expected = local_build
    url = f"{redis_server}/1"
    start_worker(url)
    start_worker(url)
    out = tmp_path / "out-queue"
    result = run_cli("-w", str(root), "build", "-o", str(out), "--queue", url)
    assert result.exit_code == 0, result.err
    assert "[5/5] 生成 " in result.out  # progress as in a local build
    assert "完成：生成 5 个，跳过 0 个（未变化），失败 0 个" in result.out
    assert _pdfs(out) == expected  # same files, same bytes; no temporary file left
    again = run_cli("-w", str(root), "--lang", "en", "build", "-o", str(out), "--queue", url)
    assert again.exit_code == 0
    assert "done: 0 written, 5 skipped (unchanged), 0 failed" in again.out  # the coordinator decides skips
    assert connect(url).keys("rq:job:*") == []  # results collected and deleted


def test_a_worker_killed_mid_document_has_its_job_delivered_again(
    redis_server: str,
    local_build: tuple[Path, dict[str, bytes]],
    start_worker: Callable[..., subprocess.Popen[bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rq import Queue
    from rq.registry import StartedJobRegistry

    root, expected = local_build
    url = f"{redis_server}/2"
    monkeypatch.setenv(ENV_JOB_TIMEOUT, str(JOB_TIMEOUT))
    doomed = start_worker(url)
    out = tmp_path / "out-queue"
    reports: list[BuildReport] = []
    notices: list[tuple[str, str]] = []
    monkeypatch.setattr(build_queue, "QUIET_NOTICE", 10)  # what the build says while the killed worker's document waits
    coordinator = threading.Thread(
        target=lambda: reports.append(build_on_queue(root, url, out, notice=lambda zh, en: notices.append((zh, en))))
    )
    coordinator.start()
    started = StartedJobRegistry(queue=Queue(QUEUE_NAME, connection=connect(url)))
    deadline = time.monotonic() + 120
    while not started.get_job_ids() and time.monotonic() < deadline:  # the worker took a document
        time.sleep(0.05)
    assert started.get_job_ids(), "the worker never started a job"
    [left] = Path(tempfile.gettempdir()).glob(f"{WORKER_PREFIX}{doomed.pid}-*.lock")
    folder = left.with_suffix("")
    assert any(folder.rglob("rules/services.yaml"))  # the job's workspace, in the worker's own folder
    os.kill(doomed.pid, signal.SIGKILL)  # mid-document: no chance to fail or acknowledge it
    doomed.wait()
    killed_at = time.monotonic()
    assert folder.is_dir() and left.is_file()  # a killed worker cleans nothing up itself
    start_worker(url)
    coordinator.join(timeout=300)
    assert not coordinator.is_alive()
    [report] = reports
    assert report.ok and len(report.by_status("written")) == 5
    assert time.monotonic() - killed_at > JOB_TIMEOUT  # the abandoned job waited for its expiry, then came back
    assert _pdfs(out) == expected  # complete, identical, and no partial or temporary file
    assert not folder.exists() and not left.exists()  # the next worker to start swept the dead one's folder
    waited = [zh for zh, _ in notices if zh.startswith("已经 ")]
    assert len(waited) == 1, notices
    back = JOB_TIMEOUT + HEARTBEAT_GRACE
    expected_notice = rf"已经 1[0-9] 秒没有文档完成，还在等 1 个。如果某个 worker 中断了，它手上的文档会在开始后约 {back} 秒重新派发"
    assert re.fullmatch(expected_notice, waited[0]), waited


CRASHING_WORKER = """
import sys
import salesdocs.build_queue as queue

def crash(*args, **kwargs):
    raise RuntimeError("boom: the renderer crashed")

queue.render_job = crash  # what the worker imports for every job: each attempt crashes
queue.run_worker(sys.argv[1])
"""


def test_a_job_failing_three_times_is_a_failure_in_the_summary(
    redis_server: str, minimal_workspace: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    url = f"{redis_server}/3"
    worker = subprocess.Popen([sys.executable, "-c", CRASHING_WORKER, url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        out = tmp_path / "out"
        result = run_cli("-w", str(minimal_workspace), "--lang", "en", "build", "-o", str(out), "--queue", url)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert result.exit_code == 1
    assert "done: 0 written, 0 skipped (unchanged), 5 failed" in result.out
    reason = "the render job failed 3 times (worker crashed, killed or timed out): RuntimeError: boom: the renderer crashed"
    assert f"  failed intro: {reason}" in result.err
    assert result.err.count(reason) == 5
    assert not out.exists() or not any(out.rglob("*"))  # nothing written, no temporary file


def test_a_worker_restarts_itself_after_max_jobs_documents(
    redis_server: str,
    local_build: tuple[Path, dict[str, bytes]],
    start_worker: Callable[..., subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    """--max-jobs 2: after two documents the worker re-executes itself (same process id, fresh memory),
    as the local pool recycles its workers; 5 documents are 2 + 2 + 1, and the build is the same."""
    from rq import Worker

    root, expected = local_build
    url = f"{redis_server}/4"
    proc = start_worker(url, "--max-jobs", "2")
    out = tmp_path / "out-queue"
    report = build_on_queue(root, url, out)
    assert report.ok and len(report.by_status("written")) == 5
    assert _pdfs(out) == expected
    deadline = time.monotonic() + 60
    while True:
        workers = Worker.all(connection=connect(url))
        if (workers and workers[0].successful_job_count == 1) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert proc.poll() is None
    assert [(w.pid, w.successful_job_count) for w in workers] == [(proc.pid, 1)]  # its third life, one document so far
    assert len(list(Path(tempfile.gettempdir()).glob(f"{WORKER_PREFIX}{proc.pid}-*.lock"))) == 1  # earlier lives removed theirs


@pytest.mark.parametrize("backend", BACKENDS)
def test_documents_made_from_the_records_are_rendered_by_the_coordinator(
    backend: str,
    redis_server: str,
    start_worker: Callable[..., subprocess.Popen[bytes]],
    run_cli: Callable[..., CliResult],
    new_records_db: Callable[[str, str], Path | str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The after-sales report and the visit pack's brief read the records: the coordinator renders them
    (on either backend), the workers get every other document and never a database (their environment
    has none, and none is in a job).  The bytes are a local build's."""
    from rq import Queue

    monkeypatch.delenv(ENV_DB, raising=False)
    root = copy_workspace(FIXTURES / "minimal", tmp_path / "ws")
    db = new_records_db(backend, "queue")
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "id,received_at,channel,client,service,category,first_response_at,resolved_at,satisfaction\n"
        "Q1,2026-09-08 10:00,phone,acme,logo-design,design-style,2026-09-08 10:20,2026-09-09 12:00,4\n"
        f"Q2,{resolve_period().start} 11:00,phone,acme,logo-design,design-style,,,\n",
        encoding="utf-8",
    )
    w = ("-w", str(root), "--db", str(db), "--lang", "en")
    assert run_cli("records", "import", str(tickets), "--kind", "tickets", *w).exit_code == 0
    local = run_cli("build", *w, "-o", str(tmp_path / "out-local"))
    assert local.exit_code == 0 and "done: 6 written" in local.out, local.out + local.err
    url = f"{redis_server}/{5 if backend == 'sqlite' else 6}"
    enqueued: list[str] = []
    enqueue = Queue.enqueue

    def spy(self: Queue, f: str, *args: object, **kwargs: object) -> object:
        enqueued.append(str(kwargs["description"]))
        assert not any(name.startswith("records/") for name in kwargs["args"][1])  # type: ignore[index]
        return enqueue(self, f, *args, **kwargs)

    monkeypatch.setattr(Queue, "enqueue", spy)
    start_worker(url)
    queued = run_cli("build", *w, "-o", str(tmp_path / "out-queue"), "--queue", url)
    assert queued.exit_code == 0 and "done: 6 written" in queued.out, queued.out + queued.err
    assert sorted(enqueued) == ["appendix 2026-001-acme-logo", "handout acme", "intro", "quote 2026-001-acme-logo"]
    assert _pdfs(tmp_path / "out-queue") == _pdfs(tmp_path / "out-local")
    assert any(name.startswith("aftersales") for name in _pdfs(tmp_path / "out-queue"))
