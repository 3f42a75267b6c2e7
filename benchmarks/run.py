"""salesdocs benchmark suite: each speed goal as a ratio measured in one run.

    python benchmarks/run.py [--docs 100] [--rss-docs 200] [--quick]

Prints, on this machine, each goal of issue 17 (and the earlier ones) with the absolute figures beside it.
The raw side is fixed: raw WeasyPrint rendering the HTML, CSS and attachments that main 178ee78 produced
(benchmarks/fixtures/, made by benchmarks/freeze.py); the salesdocs side is today's whole pipeline.
  1. warm quote / handout: salesdocs vs raw WeasyPrint, one process, interleaved   (targets <= 0.75, <= 0.80)
  2. cold `salesdocs render quote` process vs a cold raw-WeasyPrint script          (target <= 1.15)
  3. `build --jobs 1` of N synthetic documents vs raw WeasyPrint serially, warm    (target <= 0.85)
  4. `build --jobs 2` vs `--jobs 1` throughput on the same N documents            (target >= 1.8)
  5. no-op incremental rebuild vs full build                                      (target <= 0.05)
  6. cold `salesdocs check` vs `python -c "import yaml, jsonschema"`                 (target <= 2.0)
  7. peak RSS of a build worker over M documents                                    (target <= 500 MB)
N is --docs (200 = the whole frozen batch of 199; smaller N takes documents spread over the plan).
Speed is never asserted in tests; this script is where the goals live.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


FIXTURES = HERE / "fixtures"
WARM = {"quote": ("2026-001-yunfan-launch", 0.75), "handout": ("yunfan-tech", 0.80)}


def frozen_sample() -> dict[str, dict[str, Any]]:
    """The sample documents as main 178ee78 handed them to WeasyPrint (benchmarks/freeze.py)."""
    docs = json.loads((FIXTURES / "sample" / "manifest.json").read_text(encoding="utf-8"))
    for doc in docs:
        doc["html"] = (FIXTURES / "sample" / doc["html"]).read_text(encoding="utf-8")
    return {doc["name"]: doc for doc in docs}


def frozen_batch() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(lzma.decompress((FIXTURES / "batch.json.xz").read_bytes()))
    return data


def raw_render(doc: dict[str, Any], out: Path) -> None:
    """Raw WeasyPrint with the options of that day: the frozen HTML and CSS, PDF/A-3b and the same
    attachments for the quote and the appendix; fresh objects each time, as a bare call does.  Always
    WeasyPrint's own font subsetting, even in a process where salesdocs has put its one-pass
    subsetting in place (salesdocs.render.fontsubset): the raw side is raw."""
    import weasyprint
    from weasyprint.pdf.fonts import Font

    adapter = sys.modules.get("salesdocs.render.fontsubset")
    own = adapter.original_two_passes() if adapter is not None else None
    current = Font._harfbuzz_subset
    Font._harfbuzz_subset = own or current
    try:
        _raw_write(weasyprint, doc, out)
    finally:
        Font._harfbuzz_subset = current


def _raw_write(weasyprint: Any, doc: dict[str, Any], out: Path) -> None:
    weasyprint.HTML(string=doc["html"], base_url=str(FIXTURES)).write_pdf(
        out,
        stylesheets=[weasyprint.CSS(filename=str(FIXTURES / "base.css"))],
        pdf_variant="pdf/a-3b" if doc["pdf_a"] else None,
        attachments=[
            weasyprint.Attachment(
                string=a["data"].encode("utf-8"), name=a["name"], description=a["description"] or None, relationship="Source"
            )
            for a in doc["attachments"]
        ]
        or None,
    )


def warm_ratio(runs: int) -> None:
    """Same process, interleaved (ABAB): the whole pipeline on the sample vs raw WeasyPrint on the frozen HTML."""
    from salesdocs.render.documents import prepare, render_prepared
    from salesdocs.workspace import load_workspace

    ws = load_workspace(REPO)
    frozen = frozen_sample()
    out = Path(tempfile.mkdtemp())
    for kind, (target, goal) in WARM.items():
        doc = frozen[f"{kind}-{target}"]

        def ours(kind: str = kind, target: str = target) -> None:
            render_prepared(ws, prepare(ws, kind, target), out / "ours.pdf")

        def raw(doc: dict[str, Any] = doc) -> None:
            raw_render(doc, out / "raw.pdf")

        ours(), raw()  # warm up both
        a, b = [], []
        for _ in range(runs):
            for fn, samples in ((ours, a), (raw, b)):
                t0 = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - t0)
        ratio = statistics.median(a) / statistics.median(b)
        line(
            f"1 warm {kind}: salesdocs / raw WeasyPrint",
            ratio,
            f"<= {goal}",
            ratio <= goal,
            f"{statistics.median(a) * 1000:.0f} ms vs {statistics.median(b) * 1000:.0f} ms (medians of {runs}, ABAB)",
        )
    shutil.rmtree(out, ignore_errors=True)


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


_BATCH_CHILD = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {here!r})
if __name__ == "__main__":  # spawned build workers import this file again
    args = json.loads(Path(sys.argv[1]).read_text())
    chosen = set(args["names"])
    if args["side"] == "raw":
        import weasyprint  # noqa: F401  (imported before the clock starts, like the other side)
        from run import frozen_batch, raw_render
        docs = [d for d in frozen_batch()["documents"] if d["name"] in chosen]
        out = Path(args["out"]); out.mkdir(parents=True, exist_ok=True)
        raw_render(docs[0], out / "warm-up.pdf")  # one warm process: the first document is not counted
        t0 = time.perf_counter()
        for doc in docs:
            raw_render(doc, out / (doc["name"] + ".pdf"))
        print(json.dumps({{"seconds": time.perf_counter() - t0, "docs": len(docs)}}))
    else:
        import weasyprint  # noqa: F401  (both sides start with WeasyPrint imported)
        from salesdocs.build import build
        def name(job):
            return f"{{job.kind.value}}-{{job.target}}" if job.target else job.kind.value
        t0 = time.perf_counter()
        report = build(Path(args["root"]), Path(args["out"]), jobs=args["jobs"], force=args["force"], only=lambda j: name(j) in chosen)
        seconds = time.perf_counter() - t0
        failed = [(r.job.label, r.en) for r in report.results if r.status == "failed"]
        assert report.ok and len(report.results) == len(chosen), failed
        print(json.dumps({{"seconds": seconds, "docs": len(report.results), "statuses": sorted({{r.status for r in report.results}})}}))
"""


def pick(names: list[str], docs: int) -> list[str]:
    """``docs`` documents spread evenly over the plan (all kinds), or all of them."""
    if docs >= len(names):
        return names
    return [names[i * len(names) // docs] for i in range(docs)]


def batch_ratios(docs: int, rounds: int) -> None:
    """The frozen synthetic batch: ``build --jobs 1`` and ``--jobs 2`` vs raw WeasyPrint serially, each in
    its own fresh process, interleaved round by round; then a no-op incremental rebuild."""
    frozen = frozen_batch()
    tmp = Path(tempfile.mkdtemp())
    root = generate(tmp / "ws", **frozen["synth"])
    names = pick([d["name"] for d in frozen["documents"]], docs)
    script = tmp / "child.py"
    script.write_text(_BATCH_CHILD.format(here=str(HERE)), encoding="utf-8")

    def child(name: str, **args: Any) -> dict[str, Any]:
        spec = tmp / f"{name}.json"
        spec.write_text(json.dumps({"names": names, "root": str(root), "out": str(tmp / name), "force": True, **args}), encoding="utf-8")
        done = subprocess.run([PY, str(script), str(spec)], check=True, capture_output=True, text=True)
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    one, two, raw = [], [], []
    for i in range(rounds):
        one.append(child(f"one{i}", side="ours", jobs=1)["seconds"])
        raw.append(child(f"raw{i}", side="raw")["seconds"])
        two.append(child(f"two{i}", side="ours", jobs=2)["seconds"])
    t_one, t_two, t_raw = (statistics.median(x) for x in (one, two, raw))
    n = len(names)
    ratio = t_one / t_raw
    line("3 batch: build --jobs 1 / raw WeasyPrint serial", ratio, "<= 0.85", ratio <= 0.85, f"{n} docs: {t_one:.1f} s vs {t_raw:.1f} s")
    speedup = t_one / t_two
    line("4 build throughput: --jobs 2 / --jobs 1", speedup, ">= 1.8", speedup >= 1.8, f"{n} docs: {t_one:.1f} s vs {t_two:.1f} s")
    noop = child(f"two{rounds - 1}", side="ours", jobs=2, force=False)
    assert noop["statuses"] == ["skipped"], noop
    ratio = noop["seconds"] / t_two
    line("5 no-op incremental / full build", ratio, "<= 0.05", ratio <= 0.05, f"{noop['seconds']:.2f} s vs {t_two:.1f} s ({n} docs)")
    if rounds > 1:
        print(f"   rounds: jobs1 {[round(x, 1) for x in one]}  raw {[round(x, 1) for x in raw]}  jobs2 {[round(x, 1) for x in two]}")
    shutil.rmtree(tmp, ignore_errors=True)


def check_ratio(runs: int) -> None:
    salesdocs = str(Path(PY).with_name("salesdocs"))
    ours = timed([salesdocs, "check"], REPO, runs)
    base = timed([PY, "-c", "import yaml, jsonschema"], REPO, runs)
    ratio = ours / base
    line(
        "6 cold check / import yaml, jsonschema",
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
        "7 peak worker RSS (MB)",
        peak_mb,
        "<= 500",
        peak_mb <= 500,
        f"{data['docs']} docs, workers recycled every {data['recycle']}; parent {data['self_kb'] / 1024:.0f} MB",
    )
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200, help="batch size (documents of the frozen synthetic batch, at most 199)")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds of the batch benchmark (median)")
    parser.add_argument("--rss-docs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", choices=["check", "warm", "cold", "build", "rss"], help="run one benchmark")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.rss_docs, args.runs, args.rounds = 12, 12, 3, 1
    print(f"salesdocs benchmarks on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    # measure salesdocs as installed: with bytecode, like the site-packages it is compared with
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "salesdocs")], check=True)
    benchmarks = {
        "warm": lambda: warm_ratio(args.runs),
        "check": lambda: check_ratio(args.runs),
        "cold": lambda: cold_ratio(args.runs),
        "build": lambda: batch_ratios(args.docs, args.rounds),
        "rss": lambda: rss(args.rss_docs),
    }
    for name, run in benchmarks.items():
        if args.only in (None, name):
            run()


if __name__ == "__main__":
    main()
