"""Warm per-document cost in CPU instructions (valgrind callgrind): stable on a loaded machine.

    python benchmarks/instructions.py [--kinds quote handout] [--renders 3]

For each document kind and side (salesdocs' whole pipeline on the sample; raw WeasyPrint on the frozen
HTML of benchmarks/fixtures, as in benchmarks/run.py), two processes run under callgrind: one renders
the document 1 + 1 times, the other 1 + ``renders`` times (the first render of each is the warm-up).
The difference divided by ``renders - 1`` is the instruction count of one warm render, import, start-up
and warm-up cancelled out.  Slow (valgrind runs Python ~50× slower): minutes per kind.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
sys.path.insert(0, str(HERE))

from run import WARM  # noqa: E402

_CHILD = """
import sys
sys.path.insert(0, {here!r})
from pathlib import Path
import run
side, kind, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
target = run.WARM[kind][0]
if side == "raw":
    doc = run.frozen_sample()[f"{{kind}}-{{target}}"]
    for _ in range(count):
        run.raw_render(doc, out)
else:
    from salesdocs.render.documents import prepare, render_prepared
    from salesdocs.workspace import load_workspace
    ws = load_workspace(run.REPO)
    for _ in range(count):
        render_prepared(ws, prepare(ws, kind, target), out)
"""


def instructions(side: str, kind: str, count: int, tmp: Path) -> int:
    script = tmp / "child.py"
    script.write_text(_CHILD.format(here=str(HERE)), encoding="utf-8")
    valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp / 'cg.out'}"]
    done = subprocess.run(
        [*valgrind, PY, str(script), side, kind, str(count), str(tmp / "x.pdf")],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"Collected : (\d+)", done.stderr)
    assert match, done.stderr[-2000:]
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", nargs="+", default=list(WARM), choices=list(WARM))
    parser.add_argument("--renders", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for kind in args.kinds:
            per_doc = {}
            for side in ("salesdocs", "raw"):
                low = instructions(side, kind, 2, tmp)
                high = instructions(side, kind, 1 + args.renders, tmp)
                per_doc[side] = (high - low) / (args.renders - 1)
            ratio = per_doc["salesdocs"] / per_doc["raw"]
            goal = WARM[kind][1]
            print(
                f"warm {kind}: salesdocs / raw = {ratio:.3f} in instructions (target <= {goal}: {'ok' if ratio <= goal else 'MISSED'}); "
                f"{per_doc['salesdocs'] / 1e9:.3f} G vs {per_doc['raw'] / 1e9:.3f} G instructions per document",
                flush=True,
            )


if __name__ == "__main__":
    main()
