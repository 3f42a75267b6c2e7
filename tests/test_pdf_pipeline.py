"""The PDF writer on real WeasyPrint output: safety, tofu, atomicity, reproducibility, metadata."""

from __future__ import annotations

import http.server
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pypdf import PdfReader

import salesdocs
from salesdocs.errors import RenderError
from salesdocs.render import pdf as pdfmod
from salesdocs.render.pdf import (
    Attachment,
    PdfMeta,
    read_attachments,
    read_inputs_hash,
    render_pdf_bytes,
    write_pdf,
)

PROJECT_ROOT = Path(salesdocs.__file__).resolve().parent.parent
PASSWD = Path("/etc/passwd").read_bytes()
PASSWD_MARKER = PASSWD.splitlines()[0]  # e.g. b"root:x:0:0:root:/root:/bin/bash"
HASH = "sha256:" + "0123456789abcdef" * 4

META = PdfMeta(
    title="报价单 Q-2026-118",
    author="星河文化传媒",
    subject="品牌内容年度服务报价",
    keywords=["报价单", "星河文化", "policy-v3"],
    created=datetime(2026, 11, 26, 9, 30, 0),
    inputs_hash=HASH,
)
ATTACHMENTS = (
    Attachment("deal.yaml", "client: 北辰科技\nlines:\n  - service: 公众号\n".encode(), "成交单"),
    Attachment("policy.json", b'{"version": 3}\n'),
)
QUOTE_TEXT = "深圳星河文化传媒有限公司为贵司提供年度品牌内容服务"

QUOTE_HTML = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>ignored, PdfMeta wins</title></head>
<body>
<h1>报价单</h1>
<p>{QUOTE_TEXT}，包括公众号文章撰写、海报设计与视频脚本。</p>
<p class="brand">Brand Latin</p>
<img src="assets/logo.png" alt="logo">
<table><tr><td>合计</td><td>¥12,345.60</td></tr></table>
</body></html>
"""

QUOTE_CSS = """
@font-face { font-family: "Brand"; src: url(../fonts/Brand.ttf); }
body { font-family: "Noto Sans CJK SC"; font-size: 11pt; }
.brand { font-family: "Brand"; }
"""


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small workspace: a stylesheet, a web font, an image and a symlink pointing out."""
    from PIL import Image

    ws = tmp_path_factory.mktemp("ws").resolve()
    (ws / "assets").mkdir()
    (ws / "styles").mkdir()
    (ws / "fonts").mkdir()
    Image.new("RGB", (7, 5), (200, 30, 30)).save(ws / "assets" / "logo.png")
    (ws / "assets" / "leak.txt").symlink_to("/etc/passwd")
    (ws / "styles" / "quote.css").write_text(QUOTE_CSS, encoding="utf-8")
    # a font only reachable through @font-face (its family name "Brand" is not installed)
    dejavu = next(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"))
    shutil.copyfile(dejavu, ws / "fonts" / "Brand.ttf")
    return ws


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b"body { color: red } " if self.path.endswith(".css") else b"x"
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if self.path.endswith(".css") else "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP listener on a random port counting every request it receives."""
    handler: type[_Counter] = type("Handler", (_Counter,), {"hits": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", handler.hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def _write(ws: Path, out: Path, *, pdf_a: bool, html: str = QUOTE_HTML) -> Path:
    return write_pdf(
        html,
        out,
        base_url=ws,
        allowed_roots=[ws],
        meta=META,
        attachments=ATTACHMENTS if pdf_a else (),
        pdf_a=pdf_a,
        stylesheets=[ws / "styles" / "quote.css"],
    )


@pytest.fixture(scope="module")
def rendered(workspace: Path) -> dict[str, Path]:
    """The plain and the PDF/A-3b quote, rendered once for all read-back tests."""
    out = workspace / "out" / "nested"  # does not exist yet: write_pdf creates it
    return {
        "plain": _write(workspace, out / "plain.pdf", pdf_a=False),
        "pdfa": _write(workspace, out / "pdfa.pdf", pdf_a=True),
    }


def _uncompressed(data: bytes, tmp_path: Path) -> bytes:
    """All streams inflated (qpdf --qdf), so a leaked file would show in clear."""
    src, dst = tmp_path / "in.pdf", tmp_path / "qdf.pdf"
    src.write_bytes(data)
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(src), str(dst)],
        check=True,
        capture_output=True,
    )
    return dst.read_bytes()


def catalog(reader: PdfReader) -> Any:
    """The document catalog (/Root), untyped: pypdf types its entries as plain PdfObjects."""
    return reader.trailer["/Root"]


def _fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ------------------------------------------------------------------------------ security


def test_leaky_document_is_refused_nothing_fetched_nothing_written(workspace: Path, server: tuple[str, list[str]]) -> None:
    url, hits = server
    escape = "../" * len(workspace.parts) + "etc/passwd"
    html = f"""<html lang="zh-CN"><head>
<link rel="stylesheet" href="{url}/site.css">
<link rel="attachment" href="file:///etc/passwd">
<style>
@import url({url}/import.css);
body {{ background: url({url}/bg.png); }}
</style></head>
<body><p>泄露测试</p>
<img src="{url}/img.png"><img src="{escape}"><img src="assets/leak.txt">
<img src="https://example.invalid/x.png"><img src="ftp://127.0.0.1/x.png">
<img src="assets/logo.png">
</body></html>"""
    out = workspace / "out-leak" / "quote.pdf"
    with pytest.raises(RenderError) as info:
        write_pdf(html, out, base_url=workspace, allowed_roots=[workspace], meta=META)
    refused = [
        f"{url}/site.css",
        f"{url}/import.css",
        f"{url}/img.png",
        "file:///etc/passwd",
        f"file://{workspace}/assets/leak.txt",
        "https://example.invalid/x.png",
        "ftp://127.0.0.1/x.png",
        f"{url}/bg.png",
    ]
    for item in refused:
        assert f"\n  {item}" in info.value.en
        assert f"\n  {item}" in info.value.zh
    assert f"file://{workspace}/assets/logo.png" not in info.value.en  # allowed: not listed
    assert info.value.zh.startswith("文档引用了不允许的资源（只允许 data: 和允许文件夹内的文件），均未读取，未生成 PDF：")
    assert hits == []
    assert not out.exists()
    assert not out.parent.exists()


@pytest.mark.parametrize(
    "snippet",
    [
        '<link rel="stylesheet" href="{url}/only.css">',
        "<style>@import url({url}/only.css);</style>",
        "<style>p {{ background: url({url}/only.png) }}</style>",
        '<img src="{url}/only.png">',
        '<link rel="attachment" href="{url}/only.bin">',
        "<style>@font-face {{ font-family: X; src: url({url}/only.woff) }} p {{ font-family: X }}</style>",
        '<svg width="10" height="10"><image href="{url}/only.png" width="10" height="10"/></svg>',
    ],
)
def test_each_remote_vector_is_refused(workspace: Path, server: tuple[str, list[str]], snippet: str) -> None:
    url, hits = server
    html = f'<html lang="zh-CN"><body>{snippet.format(url=url)}<p>中文</p></body></html>'
    with pytest.raises(RenderError) as info:
        render_pdf_bytes(html, base_url=workspace, allowed_roots=[workspace], meta=META)
    assert f"{url}/only." in info.value.en
    assert hits == []


def test_refused_bits_stripped_leave_no_trace_of_passwd(workspace: Path, server: tuple[str, list[str]], tmp_path: Path) -> None:
    """With the check switched off (internal _render), the refused resources are simply absent."""
    import weasyprint

    url, hits = server
    escape = "../" * len(workspace.parts) + "etc/passwd"
    html = (
        f'<html lang="zh-CN"><head><link rel="attachment" href="file:///etc/passwd">'
        f'<link rel="stylesheet" href="{url}/a.css"></head><body><p>中文</p>'
        f'<img src="{escape}"><img src="assets/leak.txt"><object data="file:///etc/passwd"></object>'
        "</body></html>"
    )
    data, findings = pdfmod._render(
        html,
        base_url=workspace,
        allowed_roots=[workspace],
        meta=META,
        attachments=(),
        pdf_a=False,
        stylesheets=(),
    )
    assert findings.refused == [f"{url}/a.css", "file:///etc/passwd", f"file://{workspace}/assets/leak.txt"]
    assert PASSWD_MARKER not in _uncompressed(data, tmp_path)
    assert hits == []
    # control: WeasyPrint's default fetcher does embed /etc/passwd, so the check above means something
    leaky = weasyprint.HTML(
        string='<html><head><link rel="attachment" href="file:///etc/passwd">'
        f'<link rel="stylesheet" href="{url}/control.css"></head><body>x</body></html>'
    ).write_pdf()
    assert PASSWD_MARKER in _uncompressed(leaky, tmp_path)
    # …and the listener is reachable, so the "no request arrived" assertions mean something
    assert hits == ["/control.css"]
    hits.clear()


def test_missing_file_inside_root_fails(workspace: Path) -> None:
    html = '<html lang="zh-CN"><body><p>中文</p><img src="assets/nope.png"></body></html>'
    with pytest.raises(RenderError) as info:
        render_pdf_bytes(html, base_url=workspace, allowed_roots=[workspace], meta=META)
    assert info.value.en == (f"the document references files that do not exist; no PDF was written:\n  file://{workspace}/assets/nope.png")


def test_stylesheet_outside_roots_refused(workspace: Path, tmp_path: Path) -> None:
    css = tmp_path / "evil.css"
    css.write_text("body { color: red }", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        render_pdf_bytes(QUOTE_HTML, base_url=workspace, allowed_roots=[workspace], meta=META, stylesheets=[css])
    assert info.value.en == f"stylesheet {css} is outside the allowed folders ({workspace})"


def test_allowed_image_embedded_and_font_face_from_workspace(rendered: dict[str, Path]) -> None:
    page = PdfReader(rendered["plain"]).pages[0]
    images = list(page.images)
    assert len(images) == 1
    image = images[0].image
    assert image is not None
    assert image.size == (7, 5)
    assert image.getpixel((3, 2)) == (200, 30, 30)
    fonts = _fonts(rendered["plain"])
    assert "+Brand " in fonts  # the @font-face font, fetched through the safe fetcher
    assert "Noto-Sans-CJK-SC" in fonts


def test_non_ascii_file_names_inside_root_are_served(workspace: Path, tmp_path: Path) -> None:
    from PIL import Image

    folder = workspace / "资料"
    folder.mkdir(exist_ok=True)
    Image.new("RGB", (3, 4), (0, 90, 200)).save(folder / "标志 图.png")
    out = write_pdf(
        '<html lang="zh-CN"><body><p>标志</p><img src="资料/标志 图.png"></body></html>',
        tmp_path / "q.pdf",
        base_url=workspace,
        allowed_roots=[workspace],
        meta=META,
    )
    assert [img.image.size for img in PdfReader(out).pages[0].images if img.image] == [(3, 4)]


def test_font_face_local_resolves_to_system_font(workspace: Path, tmp_path: Path) -> None:
    """src: local() makes WeasyPrint fetch a file under /usr/share/fonts: allowed for font files only."""
    html = (
        '<html lang="zh-CN"><head><style>@font-face { font-family: "Local"; src: local("DejaVu Sans Mono") }'
        ' .l { font-family: "Local" }</style></head><body><p>中文 <span class="l">mono</span></p></body></html>'
    )
    out = write_pdf(html, tmp_path / "q.pdf", base_url=workspace, allowed_roots=[workspace], meta=META)
    assert "+Local " in _fonts(out)  # loaded through @font-face (named after the family)
    with pytest.raises(RenderError) as info:  # not a font file: refused even there
        render_pdf_bytes(
            '<html><body><img src="file:///usr/share/fonts/"></body></html>',
            base_url=workspace,
            allowed_roots=[workspace],
            meta=META,
        )
    assert info.value.en.endswith("written:\n  file:///usr/share/fonts/")


# ------------------------------------------------------------------------------ fonts / tofu


def _uncovered_char() -> str:
    for candidate in ("\U0002a6d6", "\ue000", "\U0010fffd", "\u0378", "\U0001f600"):
        result = subprocess.run(["fc-list", f":charset={ord(candidate):x}", "family"], capture_output=True, text=True, check=True)
        if not result.stdout.strip():
            return candidate
    pytest.skip("every candidate character is covered by an installed font")


def test_tofu_fails_and_leaves_previous_file_untouched(workspace: Path, tmp_path: Path) -> None:
    char = _uncovered_char()
    code = f"U+{ord(char):04X}"
    out = tmp_path / "out" / "quote.pdf"
    out.parent.mkdir()
    previous = b"%PDF-1.7 previous good version\n"
    out.write_bytes(previous)
    html = f'<html lang="zh-CN"><body><p>客户名称：王{char}明</p></body></html>'
    with pytest.raises(RenderError) as info:
        write_pdf(html, out, base_url=workspace, allowed_roots=[workspace], meta=META)
    assert info.value.zh == f"没有已安装的字体能显示这些字符（会显示为方框），未生成 PDF：{code} {char}"
    assert info.value.en == (
        f"no installed font can display these characters (they would print as boxes); no PDF was written: {code} {char}"
    )
    assert out.read_bytes() == previous
    assert sorted(p.name for p in out.parent.iterdir()) == ["quote.pdf"]
    fresh = tmp_path / "fresh" / "quote.pdf"
    with pytest.raises(RenderError):
        write_pdf(html, fresh, base_url=workspace, allowed_roots=[workspace], meta=META)
    assert not fresh.exists()


def test_tofu_detected_even_when_weasyprint_logger_is_quiet(workspace: Path) -> None:
    char = _uncovered_char()
    logger = logging.getLogger("weasyprint")
    old = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with pytest.raises(RenderError) as info:
            render_pdf_bytes(
                f'<html lang="zh-CN"><body>{char}</body></html>',
                base_url=workspace,
                allowed_roots=[workspace],
                meta=META,
            )
        assert f"U+{ord(char):04X}" in info.value.en
        assert logger.level == logging.CRITICAL
    finally:
        logger.setLevel(old)


def test_missing_lang_gets_meta_lang_so_glyphs_are_sc(workspace: Path, tmp_path: Path) -> None:
    out = write_pdf(
        "<html><body><p>直骨写今令说明</p></body></html>",
        tmp_path / "nolang.pdf",
        base_url=workspace,
        allowed_roots=[workspace],
        meta=META,
    )
    fonts = _fonts(out)
    assert "CJK-SC" in fonts
    assert "CJK-JP" not in fonts


# ------------------------------------------------------------------------------ atomic output


def test_write_failure_leaves_no_temp_file(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "quote.pdf"
    target.mkdir()  # os.replace(file, directory) fails
    (target / "keep").write_text("x")
    with pytest.raises(RenderError) as info:
        write_pdf(QUOTE_HTML, target, base_url=workspace, allowed_roots=[workspace], meta=META)
    assert info.value.en.startswith(f"cannot write {target}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quote.pdf"]
    assert [p.name for p in target.iterdir()] == ["keep"]


def test_parent_that_is_a_file_fails_cleanly(workspace: Path, tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("not a folder")
    with pytest.raises(RenderError) as info:
        write_pdf(QUOTE_HTML, tmp_path / "blocker" / "q.pdf", base_url=workspace, allowed_roots=[workspace], meta=META)
    assert info.value.zh.startswith(f"无法写入 {tmp_path / 'blocker' / 'q.pdf'}：")


def test_output_replaced_atomically_with_normal_permissions(rendered: dict[str, Path]) -> None:
    out = rendered["plain"]
    assert out.read_bytes().startswith(b"%PDF-")
    assert _leftovers(out.parent) == []
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(
    ("attachments", "message"),
    [
        ((Attachment("报价.yaml", b"x"),), "invalid attachment name '报价.yaml'"),
        ((Attachment("a/b.yaml", b"x"),), "invalid attachment name 'a/b.yaml'"),
        ((Attachment(" a.yaml", b"x"),), "invalid attachment name ' a.yaml'"),
        ((Attachment("", b"x"),), "invalid attachment name ''"),
        ((Attachment("a.yaml", b"x"), Attachment("a.yaml", b"y")), "duplicate attachment name a.yaml"),
    ],
)
def test_bad_attachments_rejected_before_rendering(
    workspace: Path, tmp_path: Path, attachments: tuple[Attachment, ...], message: str
) -> None:
    out = tmp_path / "q.pdf"
    with pytest.raises(RenderError) as info:
        write_pdf(QUOTE_HTML, out, base_url=workspace, allowed_roots=[workspace], meta=META, attachments=attachments, pdf_a=True)
    assert info.value.en.startswith(message)
    assert not out.exists()


# ------------------------------------------------------------------------------ metadata


def test_metadata_read_back(rendered: dict[str, Path]) -> None:
    for kind in ("plain", "pdfa"):
        reader = PdfReader(rendered[kind])
        info: Any = reader.metadata
        assert info is not None
        assert info.title == "报价单 Q-2026-118"
        assert info.author == "星河文化传媒"
        assert info.subject == "品牌内容年度服务报价"
        assert info["/Keywords"] == f"报价单, 星河文化, policy-v3, salesdocs-inputs:{HASH}"
        assert info["/CreationDate"] == "D:20261126093000Z"
        assert info["/ModDate"] == "D:20261126093000Z"
        assert info["/SalesdocsInputs"] == HASH
        assert catalog(reader)["/Lang"] == "zh-CN"
        assert read_inputs_hash(rendered[kind]) == HASH


def test_pdfa_markers_and_attachments(rendered: dict[str, Path]) -> None:
    reader = PdfReader(rendered["pdfa"])
    assert reader.pdf_header == "%PDF-1.7"
    xmp = catalog(reader)["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp
    assert b'pdfaid:conformance="B"' in xmp
    assert f"salesdocs-inputs:{HASH}".encode() in xmp
    assert b"2026-11-26T09:30:00Z" in xmp
    assert catalog(reader)["/OutputIntents"]
    af = [ref.get_object() for ref in catalog(reader)["/AF"]]
    assert {spec["/F"] for spec in af} == {"deal.yaml", "policy.json"}
    assert {spec["/AFRelationship"] for spec in af} == {"/Source"}
    for spec in af:
        params = spec["/EF"]["/F"].get_object()["/Params"]
        assert params["/CreationDate"] == params["/ModDate"] == "D:20261126093000Z"
    assert read_attachments(rendered["pdfa"]) == {a.name: a.data for a in ATTACHMENTS}
    assert read_attachments(rendered["plain"]) == {}
    check = subprocess.run(["qpdf", "--check", str(rendered["pdfa"])], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_aware_created_date_keeps_offset(workspace: Path, tmp_path: Path) -> None:
    meta = PdfMeta(
        title="t",
        author="",
        subject="",
        keywords=[],
        inputs_hash="abc",
        created=datetime(2026, 11, 26, 9, 30, tzinfo=timezone(timedelta(hours=8))),
    )
    out = write_pdf(
        "<html><body>中文</body></html>",
        tmp_path / "q.pdf",
        base_url=workspace,
        allowed_roots=[workspace],
        meta=meta,
        attachments=[Attachment("a.txt", b"a")],
    )
    reader = PdfReader(out)
    info: Any = reader.metadata
    assert info["/CreationDate"] == "D:20261126093000+08'00"
    assert "/Author" not in info
    spec = catalog(reader)["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
    assert spec["/EF"]["/F"].get_object()["/Params"]["/CreationDate"] == "D:20261126013000Z"


def test_read_inputs_hash_absent_or_unreadable(tmp_path: Path) -> None:
    import weasyprint

    foreign = tmp_path / "foreign.pdf"
    foreign.write_bytes(weasyprint.HTML(string="<p>x</p>").write_pdf())
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"not a pdf at all")
    assert read_inputs_hash(foreign) is None
    assert read_inputs_hash(garbage) is None
    assert read_inputs_hash(tmp_path / "missing.pdf") is None
    with pytest.raises(RenderError):
        read_attachments(tmp_path / "missing.pdf")


def test_invalid_inputs_hash_rejected(workspace: Path) -> None:
    bad = PdfMeta(title="t", author="a", subject="s", keywords=[], created=META.created, inputs_hash="a, b")
    with pytest.raises(RenderError) as info:
        render_pdf_bytes(QUOTE_HTML, base_url=workspace, allowed_roots=[workspace], meta=bad)
    assert info.value.en == "invalid inputs hash 'a, b' (letters, digits and ._:+/=- only)"


# ------------------------------------------------------------------------------ text


def test_pdftotext_shows_chinese(rendered: dict[str, Path]) -> None:
    for kind in ("plain", "pdfa"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(rendered[kind]), "-"], capture_output=True, text=True, check=True).stdout
        assert "报价单" in text
        assert QUOTE_TEXT in text
        assert "¥12,345.60" in text
        assert "Brand Latin" in text


# ------------------------------------------------------------------------------ reproducibility

_CHILD_SCRIPT = r"""
import json, sys
from datetime import datetime
from pathlib import Path
from salesdocs.render.pdf import Attachment, PdfMeta, write_pdf
job = json.load(sys.stdin)
ws = Path(job["ws"])
m = job["meta"]
meta = PdfMeta(title=m["title"], author=m["author"], subject=m["subject"], keywords=m["keywords"],
               created=datetime.fromisoformat(m["created"]), inputs_hash=m["inputs_hash"])
attachments = [Attachment(a["name"], a["data"].encode("latin-1"), a["description"]) for a in job["attachments"]]
for kind, pdf_a in (("plain", False), ("pdfa", True)):
    write_pdf(job["html"], Path(job["out"]) / f"{kind}.pdf", base_url=ws, allowed_roots=[ws], meta=meta,
              attachments=attachments if pdf_a else (), pdf_a=pdf_a,
              stylesheets=[ws / "styles" / "quote.css"])
"""


def test_byte_identical_across_processes(workspace: Path, rendered: dict[str, Path], tmp_path: Path) -> None:
    job = {
        "ws": str(workspace),
        "html": QUOTE_HTML,
        "meta": {
            "title": META.title,
            "author": META.author,
            "subject": META.subject,
            "keywords": META.keywords,
            "created": META.created.isoformat(),
            "inputs_hash": META.inputs_hash,
        },
        "attachments": [{"name": a.name, "data": a.data.decode("latin-1"), "description": a.description} for a in ATTACHMENTS],
    }
    children = []
    for i, seed in enumerate(("1", "2")):
        out = tmp_path / f"child{i}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(PROJECT_ROOT)}
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        children.append((proc, out, json.dumps({**job, "out": str(out)})))
    for proc, _, payload in children:
        assert proc.stdin is not None
        proc.stdin.write(payload)
        proc.stdin.close()
    for proc, _, _ in children:
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    for kind in ("plain", "pdfa"):
        first = (children[0][1] / f"{kind}.pdf").read_bytes()
        second = (children[1][1] / f"{kind}.pdf").read_bytes()
        assert first == second, kind
        assert first == rendered[kind].read_bytes(), kind  # and identical to this process's render
