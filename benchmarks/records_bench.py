"""Benchmark: import 100,000 tickets, then the after-sales report's aggregation over them.

    .venv/bin/python benchmarks/records_bench.py [--tickets 100000] [--keep DIR] [--db postgresql://…]

Not a timed test: it prints the times and their ratio to the targets
(import ≤ 10 s, aggregation ≤ 1 s; the PDF itself is not part of it).
The tickets are the sample generator's, spread over 2026-05-01 … 2026-10-31; the
aggregation runs once for the whole six months (every row) and once for October.
With ``--db postgresql://…`` (an empty database) it runs on PostgreSQL instead of a SQLite file.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salesdocs.records import store  # noqa: E402
from salesdocs.records.importer import import_csv  # noqa: E402
from salesdocs.records.sample import generate, to_csv  # noqa: E402
from salesdocs.records.stats import Period, aftersales_stats, records_digest  # noqa: E402
from salesdocs.workspace import load_workspace  # noqa: E402

TARGET_IMPORT_S = 10.0
TARGET_AGGREGATE_S = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the CSV and database in this folder")
    parser.add_argument("--db", default=None, help="an empty PostgreSQL database (postgresql://…) instead of a SQLite file")
    args = parser.parse_args()

    ws = load_workspace(ROOT)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="salesdocs-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "bench-tickets.csv"
    db: Path | str = args.db or folder / "bench.sqlite"
    for leftover in folder.glob("bench.sqlite*"):
        leftover.unlink()
    if isinstance(db, str):
        conn = store.connect(db)
        if conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]:
            print(f"{store.display(db)} already has tickets: give an empty database", file=sys.stderr)
            return 1
        conn.close()

    t = time.perf_counter()
    tickets, _ = generate(ws, tickets=args.tickets, seed=11)
    csv_path.write_bytes(to_csv(tickets))
    print(f"generated {len(tickets) - 1:,} tickets ({csv_path.stat().st_size / 1e6:.1f} MB CSV) in {time.perf_counter() - t:.2f} s")

    t, cpu = time.perf_counter(), time.process_time()
    summary = import_csv(ws, csv_path, "tickets", db=db)
    import_s, import_cpu = time.perf_counter() - t, time.process_time() - cpu
    assert summary.added == args.tickets, summary

    conn = store.connect(db)
    timings = {}
    for label, period in (("6 months (all rows)", Period(date(2026, 5, 1), date(2026, 10, 31))), ("October", Period.month(2026, 10))):
        best = best_cpu = float("inf")
        for _ in range(3):
            t, cpu = time.perf_counter(), time.process_time()
            stats = aftersales_stats(conn, ws.policy, period)
            records_digest(conn, period)
            best, best_cpu = min(best, time.perf_counter() - t), min(best_cpu, time.process_time() - cpu)
        timings[label] = (best, best_cpu, stats["headline"]["received"])
    conn.close()
    print(f"backend: {store.display(db)}")

    t = time.perf_counter()
    again = import_csv(ws, csv_path, "tickets", db=db)
    reimport_s = time.perf_counter() - t
    assert again.added == 0 and again.skipped == args.tickets

    print(
        f"import   {args.tickets:>8,} tickets: {import_s:6.2f} s   target ≤ {TARGET_IMPORT_S:.0f} s"
        f"   ratio {import_s / TARGET_IMPORT_S:.2f}   ({args.tickets / import_s:,.0f} rows/s; this process's CPU {import_cpu:.2f} s)"
    )
    print(f"re-import (all skipped)    : {reimport_s:6.2f} s")
    for label, (seconds, cpu_s, n) in timings.items():
        print(
            f"aggregate {label:<19}: {seconds:6.3f} s   target ≤ {TARGET_AGGREGATE_S:.0f} s"
            f"   ratio {seconds / TARGET_AGGREGATE_S:.2f}   ({n:,} tickets; this process's CPU {cpu_s:.3f} s)"
        )
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
