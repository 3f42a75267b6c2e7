"""salesdocs benchmark suite: each speed goal as a ratio measured in one run.

    python benchmarks/run.py [--docs 100] [--rss-docs 200] [--quick]

Prints, on this machine:
  1. warm per-document time of a salesdocs quote vs raw WeasyPrint on the same HTML   (target ≤ 1.05)
  2. cold `salesdocs render quote` process vs a cold raw-WeasyPrint script           (target ≤ 1.15)
  3. `build --jobs 2` vs `--jobs 1` throughput on N documents                        (target ≥ 1.7)
  4. no-op incremental rebuild vs full build of N documents                          (target ≤ 0.05)
  5. cold `salesdocs check` vs `python -c "import yaml, jsonschema"`                 (target ≤ 2.0)
  6. peak RSS of a build worker over M documents                                     (target ≤ 500 MB)
Speed is never asserted in tests; this script is where the goals live.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from synth import generate  # noqa: E402


def line(name: str, value: float, target: str, ok: bool, detail: str) -> None:
    print(f"{name:<46} {value:8.3f}   target {target:<7} {'ok' if ok else 'MISSED'}   {detail}", flush=True)


def timed(cmd: list[str], cwd: Path, runs: int) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def warm_ratio(runs: int) -> None:
    """Same process, same HTML: our pipeline (prepare + Jinja + safe write_pdf) vs raw WeasyPrint."""
    import weasyprint

    from salesdocs.render.documents import find_stylesheet, prepare, render_html, render_prepared, template_dirs
    from salesdocs.workspace import load_workspace

    ws = load_workspace(REPO)
    deal = "2026-001-yunfan-launch"
    prepared = prepare(ws, "quote", deal)
    html = render_html(ws, prepared)
    css = find_stylesheet(ws.root)
    sources = [(n.replace("/", "__"), d) for n, d in prepared.inputs if n.startswith(("rules/", "deals/", "clients/"))]
    out = Path(tempfile.mkdtemp()) / "q.pdf"

    def ours() -> None:
        render_prepared(ws, prepare(ws, "quote", deal), out)

    def raw() -> None:
        weasyprint.HTML(string=html, base_url=str(template_dirs(ws.root)[0])).write_pdf(
            out.with_name("raw.pdf"),
            stylesheets=[weasyprint.CSS(filename=str(css))],
            pdf_variant="pdf/a-3b",
            attachments=[
                weasyprint.Attachment(string=data, name=name, relationship="Source") for name, data in sources
            ],  # single-use objects
        )

    ours(), raw()  # warm up both
    a, b = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        ours()
        a.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        raw()
        b.append(time.perf_counter() - t0)
    ratio = statistics.median(a) / statistics.median(b)
    line(
        "1 warm per-doc: salesdocs / raw WeasyPrint",
        ratio,
        "<= 1.05",
        ratio <= 1.05,
        f"{statistics.median(a) * 1000:.0f} ms vs {statistics.median(b) * 1000:.0f} ms (median of {runs})",
    )


def cold_ratio(runs: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    html_file = tmp / "quote.html"
    code = (
        "from salesdocs.workspace import load_workspace;"
        "from salesdocs.render.documents import prepare, render_html;"
        f"ws=load_workspace({str(REPO)!r}); p=prepare(ws,'quote','2026-001-yunfan-launch');"
        f"open({str(html_file)!r},'w',encoding='utf-8').write(render_html(ws,p))"
    )
    subprocess.run([PY, "-c", code], check=True)
    css = REPO / "templates" / "base.css"
    raw_script = tmp / "raw.py"
    raw_script.write_text(
        "import weasyprint\n"
        f"weasyprint.HTML(filename={str(html_file)!r}, base_url={str(REPO / 'templates')!r}).write_pdf("
        f"{str(tmp / 'raw.pdf')!r}, stylesheets=[weasyprint.CSS(filename={str(css)!r})], pdf_variant='pdf/a-3b')\n",
        encoding="utf-8",
    )
    salesdocs = str(Path(PY).with_name("salesdocs"))
    ours = timed([salesdocs, "render", "quote", "2026-001-yunfan-launch", "-o", str(tmp / "ours.pdf")], REPO, runs)
    raw = timed([PY, str(raw_script)], REPO, runs)
    ratio = ours / raw
    line(
        "2 cold process: salesdocs render / raw script", ratio, "<= 1.15", ratio <= 1.15, f"{ours:.2f} s vs {raw:.2f} s (median of {runs})"
    )


def synthetic(docs: int, seed: int) -> tuple[Path, Path]:
    """A temporary synthetic workspace with about ``docs`` documents: 1 intro + 2 per deal + 2 per client."""
    tmp = Path(tempfile.mkdtemp())
    clients = max(1, docs // 5)
    deals = max(1, (docs - 1 - 2 * clients) // 2)
    return tmp, generate(tmp / "ws", clients=clients, deals=deals, seed=seed)


def build_ratios(docs: int) -> None:
    from salesdocs.build import build

    tmp, root = synthetic(docs, seed=11)
    t0 = time.perf_counter()
    one = build(root, tmp / "out1", jobs=1)
    t_one = time.perf_counter() - t0
    n = len(one.results)
    t0 = time.perf_counter()
    two = build(root, tmp / "out2", jobs=2)
    t_two = time.perf_counter() - t0
    assert one.ok and two.ok
    speedup = t_one / t_two
    line("3 build throughput: --jobs 2 / --jobs 1", speedup, ">= 1.7", speedup >= 1.7, f"{n} docs: {t_one:.1f} s vs {t_two:.1f} s")
    t0 = time.perf_counter()
    again = build(root, tmp / "out2", jobs=2)
    t_noop = time.perf_counter() - t0
    assert {r.status for r in again.results} == {"skipped"}
    ratio = t_noop / t_two
    line("4 no-op incremental / full build", ratio, "<= 0.05", ratio <= 0.05, f"{t_noop:.2f} s vs {t_two:.1f} s ({n} docs)")
    shutil.rmtree(tmp, ignore_errors=True)


def check_ratio(runs: int) -> None:
    salesdocs = str(Path(PY).with_name("salesdocs"))
    ours = timed([salesdocs, "check"], REPO, runs)
    base = timed([PY, "-c", "import yaml, jsonschema"], REPO, runs)
    ratio = ours / base
    line(
        "5 cold check / import yaml, jsonschema",
        ratio,
        "<= 2.0",
        ratio <= 2.0,
        f"{ours * 1000:.0f} ms vs {base * 1000:.0f} ms (median of {runs})",
    )


def rss(docs: int) -> None:
    """Peak RSS of the workers of a `--jobs 2` build (workers recycle every RECYCLE_AFTER documents)."""
    tmp, root = synthetic(docs, seed=13)
    code = (
        "import resource, json, sys;"
        "from salesdocs.build import build, RECYCLE_AFTER;"
        f"r=build(__import__('pathlib').Path({str(root)!r}), jobs=2);"
        "print(json.dumps({'docs': len(r.results), 'ok': r.ok, 'recycle': RECYCLE_AFTER,"
        "'children_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so this process would
        # inherit the benchmark process's high-water mark
        "'self_kb': int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))}))"
    )
    out = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    data = json.loads(out)
    peak_mb = data["children_kb"] / 1024
    line(
        "6 peak worker RSS (MB)",
        peak_mb,
        "<= 500",
        peak_mb <= 500,
        f"{data['docs']} docs, workers recycled every {data['recycle']}; parent {data['self_kb'] / 1024:.0f} MB",
    )
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--rss-docs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", choices=["check", "warm", "cold", "build", "rss"], help="run one benchmark")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.rss_docs, args.runs = 12, 12, 3
    print(f"salesdocs benchmarks on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    # measure salesdocs as installed: with bytecode, like the site-packages it is compared with
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "salesdocs")], check=True)
    benchmarks = {
        "check": lambda: check_ratio(args.runs),
        "warm": lambda: warm_ratio(args.runs),
        "cold": lambda: cold_ratio(args.runs),
        "build": lambda: build_ratios(args.docs),
        "rss": lambda: rss(args.rss_docs),
    }
    for name, run in benchmarks.items():
        if args.only in (None, name):
            run()


if __name__ == "__main__":
    main()
