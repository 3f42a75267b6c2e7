"""Freeze the raw side of the benchmarks: the HTML, CSS and attachments salesdocs hands to WeasyPrint.

    python benchmarks/freeze.py [--pdfs DIR]

Run once, on main at 178ee78 (before issue 17 changed the layout and the renderer); its output is
committed under benchmarks/fixtures/ and is never regenerated, so the raw-WeasyPrint side of
benchmarks/run.py stays what the engine costs on *that* HTML while the salesdocs side renders the
same documents through whatever the pipeline is today.

* ``fixtures/base.css`` — the stylesheet of that day;
* ``fixtures/sample/`` — every document of the sample workspace (intro, quote and appendix per deal,
  brief and handout per client, the October 2026 after-sales report from the sample records):
  ``NAME.html`` plus ``manifest.json`` (PDF/A flag and the attachments, as passed to ``write_pdf``);
* ``fixtures/batch.json.xz`` — the same for the synthetic workspace of :data:`BATCH` (the build
  benchmark's 200 documents), in plan order.

It captures the arguments of ``salesdocs.render.pdf.write_pdf`` (what ``render_prepared`` calls), so
the frozen inputs are exactly what the pipeline rendered.  ``--pdfs DIR`` also writes the sample PDFs
as that pipeline made them (the "before" side of the pixel comparison).
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURES = HERE / "fixtures"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from synth import generate  # noqa: E402

# the synthetic workspace of the batch benchmark: 1 intro + 2 × 59 deals + 2 × 40 clients = 199 documents
BATCH = {"clients": 40, "deals": 59, "seed": 11}
AFTERSALES_PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


def sample_workspace(tmp: Path) -> Path:
    """A copy of the sample workspace with the sample records imported (as ``make demo`` does)."""
    clone = tmp / "sample"
    for name in ("rules", "clients", "deals", "records"):
        shutil.copytree(REPO / name, clone / name, ignore=shutil.ignore_patterns("*.sqlite*"))
    env = {k: v for k, v in os.environ.items() if k != "SALESDOCS_RECORDS_DB"}
    for kind in ("tickets", "events"):
        subprocess.run(
            [sys.executable, "-m", "salesdocs", "records", "import", f"records/sample-{kind}.csv", "--kind", kind],
            cwd=clone,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return clone


def capture(render: Callable[[], object], real: bool) -> dict[str, Any]:
    """Run ``render`` with ``write_pdf`` wrapped; return what it was given (and render for real if asked)."""
    import salesdocs.render.pdf as pdf

    seen: dict[str, Any] = {}
    original = pdf.write_pdf

    def spy(html: str, out_path: Path, **kwargs: Any) -> Path:
        seen.update(
            html=html,
            pdf_a=kwargs.get("pdf_a", False),
            attachments=[
                {"name": a.name, "description": a.description, "data": a.data.decode("utf-8")} for a in kwargs.get("attachments", ())
            ],
            stylesheets=[str(s) for s in kwargs.get("stylesheets", ())],
        )
        if real:
            return original(html, out_path, **kwargs)
        return out_path

    pdf.write_pdf = spy  # type: ignore[assignment]
    try:
        render()
    finally:
        pdf.write_pdf = original  # type: ignore[assignment]
    return seen


def documents(root: Path, out: Path, real: bool, aftersales: bool) -> list[dict[str, Any]]:
    from salesdocs.build import plan
    from salesdocs.render.documents import prepare, render_prepared
    from salesdocs.render.kinds import DocumentKind
    from salesdocs.workspace import load_workspace

    ws = load_workspace(root)
    jobs = [(job.kind, job.target, job.out_path) for job in plan(ws, out) if job.kind is not DocumentKind.AFTERSALES]
    if aftersales:
        jobs.append((DocumentKind.AFTERSALES, "2026-10", out / "aftersales-2026-10.pdf"))
    docs = []
    for kind, target, path in jobs:
        options = AFTERSALES_PERIOD if kind is DocumentKind.AFTERSALES else {}

        def one(kind: Any = kind, target: Any = target, path: Path = path, options: dict[str, str] = options) -> object:
            return render_prepared(ws, prepare(ws, kind, None if kind is DocumentKind.AFTERSALES else target, **options), path)

        name = f"{kind.value}-{target}" if target else kind.value
        docs.append({"name": name, "kind": kind.value, "target": target, **capture(one, real)})
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdfs", type=Path, help="also write the sample PDFs here")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    sample_dir = FIXTURES / "sample"
    sample_dir.mkdir(parents=True, exist_ok=True)
    docs = documents(sample_workspace(tmp), args.pdfs or tmp / "out", real=args.pdfs is not None, aftersales=True)
    stylesheets = {s for d in docs for s in d.pop("stylesheets")}
    assert len(stylesheets) == 1, stylesheets
    shutil.copy(stylesheets.pop(), FIXTURES / "base.css")
    for doc in docs:
        (sample_dir / f"{doc['name']}.html").write_text(doc.pop("html"), encoding="utf-8")
        doc["html"] = f"{doc['name']}.html"
    (sample_dir / "manifest.json").write_text(json.dumps(docs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    root = generate(tmp / "batch", clients=BATCH["clients"], deals=BATCH["deals"], seed=BATCH["seed"])
    batch = documents(root, tmp / "batch-out", real=False, aftersales=False)
    for doc in batch:
        doc.pop("stylesheets")
    payload = json.dumps({"synth": BATCH, "documents": batch}, ensure_ascii=False, sort_keys=True).encode("utf-8")
    (FIXTURES / "batch.json.xz").write_bytes(lzma.compress(payload, preset=9))
    print(f"froze {len(docs)} sample and {len(batch)} batch documents into {FIXTURES}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
