"""Benchmark: `build --queue` with local workers against `build --jobs 2`.

    .venv/bin/python benchmarks/queue_bench.py [--docs 100] [--rounds 2]

Starts its own redis-server on a free loopback port and `salesdocs worker` processes on this
machine, builds a synthetic workspace of about N documents and prints:
  1. queue build with 2 workers / `build --jobs 2` throughput     (target ≥ 0.9: queue overhead ≤ 10 %)
  2. queue build with 2 workers / with 1 worker throughput        (target ≥ 1.5)
Redis, the coordinator and the workers share this machine's cores.  Every build is a full build
(fresh output folder) and every side starts cold, as a user runs it: `build --jobs 2` spawns its two
render processes, and a queue build's clock starts when its `salesdocs worker` processes are started
(each imports WeasyPrint and loads the fonts on its first document, as a pool process does).  The
three builds are run ``--rounds`` times, interleaved, and the best time of each is compared (the
machine may be shared: the load average is printed beside every time).  Beside each time, the CPU
seconds the build took in all its processes (this one, the render processes or workers, redis-server):
a figure the other users of a shared machine do not change, so ``CPU(build --jobs 2) / CPU(queue)`` is
the queue's overhead even when the wall-clock ratios are blurred by load.  The queue's PDFs are
compared byte for byte with the local build's.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
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


def _queue_build(url: str, root: Path, out: Path, workers: int) -> float:
    """Seconds from starting ``workers`` fresh worker processes to the last PDF written."""
    t0 = time.perf_counter()
    procs = _workers(url, workers)
    try:
        report = build_on_queue(root, url, out)
        seconds = time.perf_counter() - t0
        assert report.ok, [r.en for r in report.by_status("failed")]
        return seconds
    finally:
        _stop(procs)


def _cpu(redis_pid: int) -> float:
    """CPU seconds used so far by this process, its reaped children and redis-server."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    fields = Path(f"/proc/{redis_pid}/stat").read_text().rsplit(")", 1)[1].split()
    redis = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime + redis


def _local_build(root: Path, out: Path) -> float:
    t0 = time.perf_counter()
    report = build(root, out, jobs=2)
    assert report.ok, [r.en for r in report.by_status("failed")]
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    port = _free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tmp, root = synthetic(args.docs, seed=11)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                connect(url)
                break
            except Exception:
                time.sleep(0.1)
        print(f"cpus: {os.cpu_count()}", flush=True)
        sides: dict[str, Callable[[Path], float]] = {
            "build --jobs 2": lambda out: _local_build(root, out),
            "queue, 1 worker": lambda out: _queue_build(url, root, out, 1),
            "queue, 2 workers": lambda out: _queue_build(url, root, out, 2),
        }
        best = {name: float("inf") for name in sides}
        cpu = {name: float("inf") for name in sides}
        for r in range(args.rounds):
            for i, (name, run_side) in enumerate(sides.items()):
                load, cpu0 = os.getloadavg()[0], _cpu(redis.pid)
                seconds = run_side(tmp / f"out-{i}-{r}")
                used = _cpu(redis.pid) - cpu0
                best[name], cpu[name] = min(best[name], seconds), min(cpu[name], used)
                print(f"  round {r + 1}: {name:<17} {seconds:6.1f} s, CPU {used:6.1f} s   (load average before: {load:.2f})", flush=True)
        n = len(_pdfs(tmp / "out-0-0"))
        t_local, t_one, t_two = best["build --jobs 2"], best["queue, 1 worker"], best["queue, 2 workers"]
        same = _pdfs(tmp / "out-0-0") == _pdfs(tmp / "out-1-0") == _pdfs(tmp / "out-2-0")
        ratio = t_local / t_two
        line("queue, 2 workers / build --jobs 2", ratio, ">= 0.9", ratio >= 0.9, f"{n} docs: {t_two:.1f} s vs {t_local:.1f} s")
        overhead = cpu["build --jobs 2"] / cpu["queue, 2 workers"]
        line("CPU: build --jobs 2 / queue, 2 workers", overhead, ">= 0.9", overhead >= 0.9, "load-independent: the queue's overhead")
        scale = t_one / t_two
        line("queue: 2 workers / 1 worker", scale, ">= 1.5", scale >= 1.5, f"{n} docs: {t_two:.1f} s vs {t_one:.1f} s")
        print(f"queue PDFs byte-identical to the local build's: {same}", flush=True)
    finally:
        redis.terminate()
        redis.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
