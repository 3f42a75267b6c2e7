"""Render the sample documents and compare two renderings page by page, pixel by pixel.

    python benchmarks/pixels.py render DIR          # every sample document, current pipeline, into DIR
    python benchmarks/pixels.py compare BEFORE AFTER [--limit 0.1] [--dpi 100]

``render`` makes the same documents as benchmarks/freeze.py (the sample workspace with its records
imported, the October 2026 after-sales report).  ``compare`` rasterises every page of every PDF under
BEFORE and the same file under AFTER with ``pdftoppm -r DPI`` and prints, per page, the share of pixels
that differ; it fails (exit 1) when page counts differ or any page differs in more than ``--limit`` %.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def render(out: Path) -> None:
    from freeze import documents, sample_workspace

    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(sample_workspace(Path(tmp)), out, real=True, aftersales=True)
    print(f"rendered {len(docs)} documents into {out}")


def pages(pdf: Path, folder: Path, dpi: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "p")], check=True)
    return sorted(folder.glob("p-*.png"))


def differing(a: Path, b: Path) -> tuple[int, int]:
    """(pixels that differ, pixels in the page)."""
    from PIL import Image, ImageChops

    with Image.open(a) as one, Image.open(b) as two:
        if one.size != two.size:
            return one.size[0] * one.size[1], one.size[0] * one.size[1]
        diff = ImageChops.difference(one.convert("RGB"), two.convert("RGB")).convert("L")
        changed = sum(diff.point(lambda v: 255 if v else 0).histogram()[255:])
        return changed, one.size[0] * one.size[1]


def compare(before: Path, after: Path, limit: float, dpi: int) -> int:
    worst = (0.0, "")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in sorted(before.rglob("*.pdf")):
            rel = pdf.relative_to(before)
            other = after / rel
            left = pages(pdf, Path(tmp) / "a" / rel, dpi)
            right = pages(other, Path(tmp) / "b" / rel, dpi) if other.is_file() else []
            if len(left) != len(right):
                print(f"{rel}: {len(left)} pages before, {len(right)} after")
                failed = True
                continue
            for number, (a, b) in enumerate(zip(left, right, strict=True), 1):
                changed, total = differing(a, b)
                share = 100 * changed / total
                print(f"{rel} p{number}: {changed} of {total} pixels differ ({share:.4f} %)")
                worst = max(worst, (share, f"{rel} p{number}"))
                failed |= share > limit
    print(f"largest difference: {worst[0]:.4f} % ({worst[1] or '-'}); limit {limit} %: {'FAILED' if failed else 'ok'}")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("render").add_argument("out", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    cmp.add_argument("--limit", type=float, default=0.1, help="largest allowed share of differing pixels per page, in %%")
    cmp.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args()
    if args.command == "render":
        render(args.out)
    else:
        sys.exit(compare(args.before, args.after, args.limit, args.dpi))


if __name__ == "__main__":
    main()
