"""Warm rendering (salesdocs.render.session): reuse gives the same bytes, and nothing leaks between documents."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from salesdocs.render import pdf as pdfmod
from salesdocs.render.pdf import Attachment, PdfMeta
from salesdocs.render.session import RenderSession, clear_sessions, session_for

META = PdfMeta(
    title="报价单",
    author="示例公司",
    subject="测试",
    keywords=["报价单"],
    created=datetime(2026, 11, 26, 9, 30),
    inputs_hash="sha256:" + "ab" * 32,
)
CSS = '@font-face { font-family: "Brand"; src: url(../fonts/Brand.ttf); }\nbody { font-family: "Noto Sans CJK SC"; }\n.b { font-family: "Brand"; }\n'
DOCS = {
    "quote": '<html lang="zh-CN"><body><h1>报价单</h1><p class="b">Brand text</p><ol><li>一</li><li>二</li></ol></body></html>',
    "other": '<html lang="zh-CN"><body><h2>附件</h2><p>合计 ¥12,345.60，服务期三个月。</p><table><tr><td>甲</td><td>乙</td></tr></table></body></html>',
    "latin": '<html lang="en"><body><p class="b">Only Latin here, shaped with the brand font.</p></body></html>',
}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "styles").mkdir()
    (tmp_path / "fonts").mkdir()
    (tmp_path / "styles" / "base.css").write_text(CSS, encoding="utf-8")
    shutil.copyfile(next(Path("/usr/share/fonts").rglob("DejaVuSans.ttf")), tmp_path / "fonts" / "Brand.ttf")
    mono = next(Path("/usr/share/fonts").rglob("DejaVuSansMono.ttf"))
    shutil.copyfile(mono, tmp_path / "fonts" / "Own.ttf")
    return tmp_path.resolve()


def _session(ws: Path) -> RenderSession:
    return RenderSession((ws,), [ws / "styles" / "base.css"])


def _bytes(session: RenderSession, ws: Path, html: str, pdf_a: bool = True) -> bytes:
    attachments = [Attachment("deal.yaml", "client: 北辰\n".encode())] if pdf_a else []
    data, findings = session.render(html, base_url=ws, meta=META, attachments=attachments, pdf_a=pdf_a)
    assert findings.refused == findings.missing == findings.errors == [] and not findings.notdef
    return data


def _fonts(data: bytes, tmp: Path) -> str:
    (tmp / "f.pdf").write_bytes(data)
    return subprocess.run(["pdffonts", str(tmp / "f.pdf")], check=True, capture_output=True, text=True).stdout


def test_a_warm_session_renders_the_same_bytes_as_a_cold_one(ws: Path) -> None:
    warm = _session(ws)
    first = {name: _bytes(warm, ws, html) for name, html in DOCS.items()}
    state = warm._shared
    again = {name: _bytes(warm, ws, html) for name, html in reversed(DOCS.items())}
    assert warm._shared is state  # parsed once, reused
    for name, html in DOCS.items():
        cold = _bytes(_session(ws), ws, html)
        assert first[name] == again[name] == cold, name


def test_a_documents_own_font_face_does_not_leak_into_the_next(ws: Path, tmp_path: Path) -> None:
    session = _session(ws)
    _bytes(session, ws, DOCS["quote"])
    state = session._shared
    own = (
        '<html lang="en"><head><style>@font-face { font-family: "Own"; src: url(fonts/Own.ttf); } p { font-family: "Own" }</style>'
        "</head><body><p>declares its own font</p></body></html>"
    )
    assert "+Own " in _fonts(_bytes(session, ws, own), tmp_path)
    assert session._shared is None  # retired after the document that added a face
    later = '<html lang="en"><body><p style="font-family: Own, serif">names the family without declaring it</p></body></html>'
    warm_later = _bytes(session, ws, later)
    assert "+Own " not in _fonts(warm_later, tmp_path)
    assert warm_later == _bytes(_session(ws), ws, later)
    assert session._shared is not None and session._shared is not state  # a fresh one, reused again from now on


def test_an_edited_stylesheet_is_seen_by_the_next_document(ws: Path, tmp_path: Path) -> None:
    session = _session(ws)
    html = '<html lang="zh-CN"><body><p>正文</p></body></html>'
    before = _bytes(session, ws, html, pdf_a=False)
    sheet = ws / "styles" / "base.css"
    sheet.write_text(CSS + 'body::before { content: "EDITED" }\n', encoding="utf-8")
    after = _bytes(session, ws, html, pdf_a=False)
    assert before != after
    (tmp_path / "a.pdf").write_bytes(after)
    assert "EDITED" in subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], check=True, capture_output=True, text=True).stdout


def test_an_edited_font_of_the_stylesheet_is_reloaded(ws: Path, tmp_path: Path) -> None:
    session = _session(ws)
    state = (_bytes(session, ws, DOCS["latin"]), session._shared)
    shutil.copyfile(ws / "fonts" / "Own.ttf", ws / "fonts" / "Brand.ttf")  # a fetched file changed
    changed = _bytes(session, ws, DOCS["latin"])
    assert session._shared is not state[1]
    assert changed != state[0] and changed == _bytes(_session(ws), ws, DOCS["latin"])


def test_a_refused_import_in_the_stylesheet_is_reported_every_time(ws: Path) -> None:
    (ws / "styles" / "base.css").write_text('@import url("file:///etc/passwd");\n' + CSS, encoding="utf-8")
    session = _session(ws)
    for _ in range(2):
        _, findings = session.render(DOCS["other"], base_url=ws, meta=META, attachments=[], pdf_a=False)
        assert findings.refused == ["file:///etc/passwd"]
    assert session._shared is None  # never cached


def test_write_pdf_uses_one_session_per_workspace(ws: Path, tmp_path: Path) -> None:
    clear_sessions()
    sheet = ws / "styles" / "base.css"
    pdfmod.write_pdf(DOCS["other"], tmp_path / "a.pdf", base_url=ws, allowed_roots=[ws], meta=META, stylesheets=[sheet])
    session = session_for((ws,), [sheet])
    assert session._shared is not None
    pdfmod.write_pdf(DOCS["quote"], tmp_path / "b.pdf", base_url=ws, allowed_roots=[ws], meta=META, stylesheets=[sheet])
    assert session_for((ws,), [sheet]) is session
    clear_sessions()
    assert session_for((ws,), [sheet]) is not session


def test_many_documents_tunes_once_restores_on_last_exit_and_unfreezes_only_its_own() -> None:
    import gc

    from salesdocs.render.session import GC_THRESHOLDS, many_documents

    before = gc.get_threshold()
    assert before != GC_THRESHOLDS
    with many_documents(freeze=False):
        assert gc.get_threshold() == GC_THRESHOLDS and gc.get_freeze_count() == 0
        with many_documents():  # nested: no second tuning, no freeze by the inner user
            assert gc.get_threshold() == GC_THRESHOLDS and gc.get_freeze_count() == 0
        assert gc.get_threshold() == GC_THRESHOLDS  # the outer user is still rendering
    assert gc.get_threshold() == before
    with many_documents():
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
