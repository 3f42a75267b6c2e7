"""Benchmark: `build --queue` with local workers against `build --jobs 2`.

    .venv/bin/python benchmarks/queue_bench.py [--docs 100]

Starts its own redis-server on a free loopback port and `salesdocs worker` processes on this
machine, builds a synthetic workspace of about N documents and prints:
  1. queue build with 2 workers / `build --jobs 2` throughput     (target ≥ 0.9: queue overhead ≤ 10 %)
  2. queue build with 2 workers / with 1 worker throughput        (target ≥ 1.5)
Redis, the coordinator and the workers share this machine's cores.  Every build is a full build
(fresh output folder); the workers are started (and warmed by one build of a 5-document workspace)
before the timing starts, as they would be running already.  The queue's PDFs are compared byte
for byte with the local build's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from run import line, synthetic  # noqa: E402

from salesdocs.build import build  # noqa: E402
from salesdocs.build_queue import build_on_queue, connect  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pdfs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}


def _workers(url: str, n: int) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "salesdocs", "worker", "--queue", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(n)
    ]


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=60)


def _queue_build(url: str, root: Path, out: Path, warm: Path, workers: int) -> float:
    procs = _workers(url, workers)
    try:
        for i in range(workers):  # every worker has imported WeasyPrint and loaded the fonts
            assert build_on_queue(warm, url, warm.parent / f"warm-{workers}-{i}", force=True).ok
        t0 = time.perf_counter()
        report = build_on_queue(root, url, out)
        seconds = time.perf_counter() - t0
        assert report.ok, [r.en for r in report.by_status("failed")]
        return seconds
    finally:
        _stop(procs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100)
    args = parser.parse_args()
    port = _free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tmp, root = synthetic(args.docs, seed=11)
    warm = Path(tempfile.mkdtemp()) / "minimal"
    shutil.copytree(REPO / "tests" / "fixtures" / "minimal", warm)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                connect(url)
                break
            except Exception:
                time.sleep(0.1)
        print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}", flush=True)
        t0 = time.perf_counter()
        local = build(root, tmp / "out-local", jobs=2)
        t_local = time.perf_counter() - t0
        assert local.ok
        n = len(local.results)
        t_one = _queue_build(url, root, tmp / "out-q1", warm, 1)
        t_two = _queue_build(url, root, tmp / "out-q2", warm, 2)
        same = _pdfs(tmp / "out-local") == _pdfs(tmp / "out-q1") == _pdfs(tmp / "out-q2")
        ratio = t_local / t_two
        line("queue, 2 workers / build --jobs 2", ratio, ">= 0.9", ratio >= 0.9, f"{n} docs: {t_two:.1f} s vs {t_local:.1f} s")
        scale = t_one / t_two
        line("queue: 2 workers / 1 worker", scale, ">= 1.5", scale >= 1.5, f"{n} docs: {t_two:.1f} s vs {t_one:.1f} s")
        print(f"queue PDFs byte-identical to the local build's: {same}", flush=True)
    finally:
        redis.terminate()
        redis.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(warm.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
