"""The one-pass font subsetting adapter (salesdocs/render/fontsubset.py) draws exactly what WeasyPrint draws.

If a test here fails after a WeasyPrint or HarfBuzz upgrade, read that module's docstring: the
adapter may no longer match what WeasyPrint writes, and must follow it or go.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from weasyprint.pdf.fonts import Font

from salesdocs.render import fontsubset

_CSS = """
body { font-family: "Noto Sans CJK SC"; }
.serif { font-family: "Noto Serif CJK SC"; }
.en { font-family: "Noto Sans"; }
.en-serif { font-family: "Noto Serif"; }
"""
_HTML = """<html lang="zh-CN"><body>
<h1>报价单 · 云帆科技</h1><p>合计 ¥12,345.60，<b>交付 5 个工作日</b>。</p>
<p class="serif">第六条 退款：<b>初稿前 100%</b>。</p>
<p class="en" lang="en">Quotation — total <b>CNY 12,345.60</b>; delivery in 5 working days.</p>
<p class="en-serif" lang="en">Article 6 <b>Refunds</b>: 100% before the first draft.</p>
{extra}
</body></html>"""


def _weasyprint_own() -> Any:
    own = fontsubset.original_two_passes()
    return own if own is not None else Font._harfbuzz_subset


def _pdf(method: Any, monkeypatch: pytest.MonkeyPatch, extra: str = "", **options: Any) -> bytes:
    monkeypatch.setattr(Font, "_harfbuzz_subset", method)
    html = weasyprint.HTML(string=_HTML.format(extra=extra))
    return bytes(html.write_pdf(stylesheets=[weasyprint.CSS(string=_CSS)], **options))


def _pages(pdf: bytes, folder: Path) -> list[bytes]:
    """Every page at 100 dpi, as raw pixels (pdftoppm, as benchmarks/pixels.py)."""
    from PIL import Image

    folder.mkdir()
    (folder / "doc.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(folder / "doc.pdf"), str(folder / "p")], check=True)
    found = []
    for png in sorted(folder.glob("p-*.png")):
        with Image.open(png) as image:
            found.append(image.convert("RGB").tobytes())
    return found


def _fonts(pdf: bytes, path: Path) -> list[tuple[str, str]]:
    """(family, type) of every embedded font, as ``pdffonts`` lists them."""
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    return sorted((line[:37].strip().split("+", 1)[-1], line[37:55].strip()) for line in lines)


@pytest.mark.parametrize(
    ("extra", "options"),
    [
        ("", {}),
        ("", {"hinting": True}),  # hints kept: the TrueType Noto Sans/Serif carry them
        ("<p>罕见字：\U0010fffd</p>", {}),  # a missing glyph: .notdef gets an outline
        ("", {"pdf_variant": "pdf/a-3b"}),
    ],
    ids=["plain", "hinting", "missing-glyph", "pdf-a"],
)
def test_one_pass_draws_what_weasyprint_draws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, extra: str, options: dict[str, Any]) -> None:
    own = _pdf(_weasyprint_own(), monkeypatch, extra, **options)
    ours = _pdf(fontsubset.one_pass, monkeypatch, extra, **options)
    fonts = _fonts(ours, tmp_path / "fonts.pdf")
    assert fonts == _fonts(own, tmp_path / "fonts.pdf")
    assert {"CID Type 0C (OT)", "CID TrueType"} <= {kind for _, kind in fonts} and len(fonts) >= 6  # CFF (CJK), TrueType (Latin)
    assert _pages(ours, tmp_path / "ours") == _pages(own, tmp_path / "own")  # not one pixel differs
    assert len(ours) <= len(own) * 1.1  # a bold CJK subset can be a few % larger; never much
    assert _pdf(fontsubset.one_pass, monkeypatch, extra, **options) == ours  # deterministic


def test_one_pass_is_one_harfbuzz_subset_per_font(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint.pdf.fonts as wp_fonts

    real = wp_fonts.harfbuzz_subset
    calls: list[int] = []

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def hb_subset_or_fail(self, face: Any, subset: Any) -> Any:
            calls.append(1)
            return real.hb_subset_or_fail(face, subset)

    import weasyprint.text.ffi as wp_ffi

    monkeypatch.setattr(wp_fonts, "harfbuzz_subset", Counting())  # what WeasyPrint's method calls
    monkeypatch.setattr(wp_ffi, "harfbuzz_subset", Counting())  # what one_pass imports
    _pdf(_weasyprint_own(), monkeypatch)
    two = len(calls)
    calls.clear()
    _pdf(fontsubset.one_pass, monkeypatch)
    assert two % 2 == 0 and len(calls) == two // 2 >= 4  # 4+ faces: CJK sans/serif, Latin sans/serif (and bold)


def test_install_replaces_weasyprints_method_once() -> None:
    fontsubset.install()
    fontsubset.install()
    assert Font._harfbuzz_subset is fontsubset.one_pass
    assert fontsubset.original_two_passes() is not fontsubset.one_pass


def test_weasyprints_own_method_is_the_one_the_adapter_was_compared_with() -> None:
    """A WeasyPrint upgrade that edits ``Font._harfbuzz_subset`` fails here: compare
    salesdocs/render/fontsubset.py's one_pass with the new method (flags, dropped tables, variable
    fonts, anything new), then pin the new source's hash."""
    import hashlib
    import inspect

    fontsubset.install()
    own = fontsubset.original_two_passes()
    assert own is not None, "install() did not recognise WeasyPrint's Font._harfbuzz_subset"
    digest = hashlib.sha256(inspect.getsource(own).encode()).hexdigest()
    assert digest == "f80805663ede8080a3e1ffff831e20c74bd25fa3b8e4410334ba807158dc685f"
