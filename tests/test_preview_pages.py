"""The preview's page images (salesdocs.preview.pages): PDFium in process, page 1 first, the rest after."""

from __future__ import annotations

import io

import pytest
import weasyprint
from PIL import Image

from salesdocs.errors import SalesdocsError
from salesdocs.preview.pages import Pages

# three pages: A4 white, A4 black, A5 landscape white
HTML = """
<style>@page { size: A4; margin: 0 } @page wide { size: A5 landscape } .wide { page: wide }
div { height: 100vh; break-after: page } .black { background: #000 }</style>
<div>one</div><div class="black"></div><div class="wide">three</div>
"""


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return weasyprint.HTML(string=HTML).write_pdf()  # type: ignore[no-any-return]


def image(data: bytes | None) -> Image.Image:
    assert data is not None and data.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(data))


def test_page_one_first_then_the_rest_each_at_its_size(pdf: bytes) -> None:
    pages = Pages(pdf)
    assert pages.count == 3 and pages.pdf == pdf
    assert pages.sizes == [(794, 1123), (794, 1123), (794, 560)]  # 96 dpi, rounded up: A4 and A5 landscape
    assert [pages.pending(n) for n in (0, 1, 2, 3, 4)] == [False, True, True, True, False]
    assert pages.rasterise(0) is True
    assert image(pages.get(1)).size == (794, 1123) and pages.get(2) is None and pages.pending(2)
    pages.rasterise_rest()
    shown = [image(pages.get(n)) for n in (1, 2, 3)]
    assert [i.size for i in shown] == pages.sizes
    assert shown[0].convert("L").getpixel((400, 600)) == 255 and shown[1].convert("L").getpixel((400, 600)) == 0
    assert not any(pages.pending(n) for n in (1, 2, 3)) and pages.get(4) is None


def test_a_dropped_rendering_stops_and_nothing_stays_pending(pdf: bytes) -> None:
    pages = Pages(pdf)
    pages.rasterise(0)
    pages.drop()
    assert pages.rasterise(1) is False
    pages.rasterise_rest()
    assert pages.get(1) is not None and pages.get(2) is None and pages.get(3) is None
    assert not any(pages.pending(n) for n in (1, 2, 3))


def test_not_a_pdf_is_a_message_in_both_languages() -> None:
    with pytest.raises(SalesdocsError) as caught:
        Pages(b"%PDF-1.7 but nothing else")
    assert caught.value.zh.startswith("无法把 PDF 转成图片：") and caught.value.en.startswith("the PDF cannot be turned into images: ")
