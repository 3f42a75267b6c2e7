"""``salesdocs preview``'s HTTP contract: token, Host, path safety, saves, history, live re-rendering.

One server for the whole module, on a copy of the agency fixture (tests run in file order and
each leaves the workspace valid again).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_workspace
from preview_support import Client

from salesdocs.preview.server import HOST, running

QUOTE_1 = "quote-2026-001-yunfan-launch"
QUOTE_2 = "quote-2026-002-mingcha-content"


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    secret = tmp_path_factory.mktemp("outside") / "secret.yaml"
    secret.write_text("secret: 42\n", encoding="utf-8")
    return secret


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, outside: Path) -> Iterator[tuple[Client, Path, socket.socket]]:
    root = copy_workspace(FIXTURES / "agency", tmp_path_factory.mktemp("preview-http"))
    with running(root) as (listening, sock):
        yield Client(listening.port, listening.token), root, sock


@pytest.fixture
def client(served: tuple[Client, Path, socket.socket]) -> Client:
    return served[0]


@pytest.fixture
def root(served: tuple[Client, Path, socket.socket]) -> Path:
    return served[1]


# ------------------------------------------------------------------ the guard


def test_loopback_only(served: tuple[Client, Path, socket.socket]) -> None:
    client, _, sock = served
    assert sock.getsockname() == (HOST, client.port) == ("127.0.0.1", client.port)
    others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}
    for address in others:  # the machine's own non-loopback addresses, if it has any
        if address.startswith("127."):
            continue
        with pytest.raises(OSError), socket.create_connection((address, client.port), timeout=2):
            pass


@pytest.mark.parametrize("path", ["/", "/api/state", "/api/events", "/api/files/rules/terms.yaml", f"/api/documents/{QUOTE_1}/pages/1.png"])
def test_no_token_is_403(client: Client, path: str) -> None:
    assert client.request("GET", path, token=False).status == 403
    assert client.request("GET", path, token=False, X_Token="wrong").status == 403
    assert client.request("GET", f"{path}?token=wrong", token=False).status == 403
    assert client.request("PUT", "/api/files/rules/terms.yaml", "x", token=False, If_Match="0" * 64).status == 403


def test_foreign_host_is_403(client: Client) -> None:
    for host in ("evil.example", f"evil.example:{client.port}", f"127.0.0.1:{client.port + 1}", "localhost", f"0.0.0.0:{client.port}"):
        answer = client.request("GET", "/api/state", Host=host)
        assert answer.status == 403, host
        assert "Host" in answer.body.decode()
    assert client.request("GET", "/api/state", Host=f"localhost:{client.port}").status == 200


def test_token_in_the_url_sets_a_strict_cookie(client: Client) -> None:
    answer = client.request("GET", f"/?token={client.token}", token=False)
    assert answer.status == 303 and answer.headers["Location"] == "/"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"salesdocs_preview_{client.port}={client.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    by_cookie = client.request("GET", "/api/state", token=False, Cookie=f"salesdocs_preview_{client.port}={client.token}")
    assert by_cookie.status == 200
    wrong_cookie = client.request("GET", "/api/state", token=False, Cookie=f"salesdocs_preview_{client.port}=x")
    assert wrong_cookie.status == 403


def test_the_page_loads_nothing_from_elsewhere(client: Client) -> None:
    page = client.request("GET", "/")
    assert page.status == 200
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    html = page.body.decode()
    assert "http:" not in html and "https:" not in html and "//" not in html.replace("<!--", "")
    assert '<html lang="zh-CN" data-lang="zh">' in html
    for asset in ("/static/app.js", "/static/app.css", "/static/vendor/codemirror/codemirror.js"):
        answer = client.request("GET", asset)
        assert answer.status == 200, asset
        assert answer.headers["Content-Security-Policy"] == csp
    assert "MIT" in client.request("GET", "/static/vendor/codemirror/LICENSE").body.decode()


# --------------------------------------------------------------- path safety

REFUSED = [
    "../secret.yaml",
    "rules/../../secret.yaml",
    "%2e%2e/secret.yaml",
    "rules/%2e%2e/%2e%2e/secret.yaml",
    "..%2fsecret.yaml",
    "%252e%252e/secret.yaml",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "rules/./terms.yaml",
    "rules\\..\\terms.yaml",
    "deals/escape.yaml",  # a symlink to a file outside the workspace
    "templates/secret.html",  # inside a symlinked folder outside the workspace
    "out/intro.pdf",
    ".salesdocs/history/rules/terms.yaml/1.bytes",
    "rules/unknown.yaml",
    "records/salesdocs.sqlite",
    "deals/a.txt",
]


@pytest.mark.parametrize("rel", REFUSED)
def test_traversal_and_foreign_files_are_refused(client: Client, root: Path, outside: Path, rel: str) -> None:
    (outside.parent / "secret.html").write_text("<p>secret</p>", encoding="utf-8")
    (root / "deals" / "escape.yaml").symlink_to(outside)
    (root / "templates").symlink_to(outside.parent, target_is_directory=True)
    try:
        _refused(client, rel)
    finally:
        (root / "deals" / "escape.yaml").unlink()
        (root / "templates").unlink()
    assert outside.read_text(encoding="utf-8") == "secret: 42\n"
    client.wait_for(lambda s: not s["problems"], seconds=30)


def _refused(client: Client, rel: str) -> None:
    for method, body, headers in (("GET", None, {}), ("PUT", "x: 1\n", {"If_None_Match": "*"}), ("PUT", "x: 1\n", {"If_Match": "0" * 64})):
        answer = client.request(method, f"/api/files/{rel}", body, **headers)
        assert 400 <= answer.status < 500 and answer.status != 412, (method, rel, answer.status)
        assert b"secret: 42" not in answer.body and b"<p>secret" not in answer.body
    assert client.request("GET", f"/api/history/{rel}").status in (403, 404)
    assert client.request("POST", f"/api/history/{rel}/1/restore").status in (403, 404)


# ------------------------------------------------------------- files and saves


def test_read_gives_text_and_sha256_of_the_bytes(client: Client, root: Path) -> None:
    data = client.request("GET", "/api/files/rules/terms.yaml").json()
    raw = (root / "rules" / "terms.yaml").read_bytes()
    assert data == {"text": raw.decode("utf-8"), "sha256": hashlib.sha256(raw).hexdigest()}


def test_save_keeps_crlf_and_comments_and_refuses_stale_bases(client: Client, root: Path) -> None:
    path = root / "deals" / "2026-003-jingyi-expo.yaml"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"\n", b"\r\n"))
    crlf = path.read_bytes()
    text = crlf.decode().replace("\r\n", "\n")
    edited = text.replace("\n", "\n# 注释保留\n", 1)
    stale = client.request("PUT", "/api/files/deals/2026-003-jingyi-expo.yaml", edited, If_Match=hashlib.sha256(original).hexdigest())
    assert stale.status == 412
    assert stale.json() == {"sha256": hashlib.sha256(crlf).hexdigest(), "text": crlf.decode()}
    assert path.read_bytes() == crlf
    assert client.request("PUT", "/api/files/deals/2026-003-jingyi-expo.yaml", edited).status == 428
    ok = client.request("PUT", "/api/files/deals/2026-003-jingyi-expo.yaml", edited, If_Match=f'"{hashlib.sha256(crlf).hexdigest()}"')
    assert ok.status == 200
    written = path.read_bytes()
    assert ok.json() == {"sha256": hashlib.sha256(written).hexdigest()}
    assert written == edited.replace("\n", "\r\n").encode("utf-8")
    assert "# 注释保留\r\n" in written.decode("utf-8") and b"\r\r" not in written
    assert not list(path.parent.glob(".*.tmp"))
    path.write_bytes(original)


def test_create_only_new_client_or_deal_files(client: Client, root: Path) -> None:
    deal = (root / "deals" / "2026-002-mingcha-content.yaml").read_text(encoding="utf-8")
    made = client.request("PUT", "/api/files/deals/2026-009-copy.yaml", deal, If_None_Match="*")
    assert made.status == 201
    assert (root / "deals" / "2026-009-copy.yaml").read_text(encoding="utf-8") == deal
    again = client.request("PUT", "/api/files/deals/2026-009-copy.yaml", "x: 1\n", If_None_Match="*")
    assert again.status == 412 and again.json()["text"] == deal
    assert client.request("PUT", "/api/files/rules/terms.yaml", "x: 1\n", If_None_Match="*").status == 403
    assert client.request("PUT", "/api/files/templates/new.html", "x", If_None_Match="*").status == 403
    assert client.request("PUT", "/api/files/deals/2026-010-new.yaml", "x: 1\n", If_Match="0" * 64).status == 404
    (root / "deals" / "2026-009-copy.yaml").unlink()


def test_a_new_file_starts_from_the_scaffold_of_salesdocs_new(client: Client, root: Path) -> None:
    from datetime import date

    from salesdocs.policy.scaffold import ORIGIN_PREVIEW, client_yaml, deal_yaml
    from salesdocs.workspace import load_workspace

    policy = load_workspace(root).policy
    drafted = client.request("GET", "/api/scaffold/clients/lanting-studio.yaml")
    assert drafted.status == 200
    assert drafted.json() == {"path": "clients/lanting-studio.yaml", "text": client_yaml("lanting-studio", policy, ORIGIN_PREVIEW)}
    assert "# 新客户 lanting-studio：由预览页的“新建文件”生成。" in drafted.json()["text"]
    assert not (root / "clients" / "lanting-studio.yaml").exists()  # a draft: only the PUT writes
    deal = client.request("GET", "/api/scaffold/deals/2026-009-lanting-logo.yaml?client=mingcha-tea")
    assert deal.status == 200
    assert deal.json()["text"] == deal_yaml("2026-009-lanting-logo", "mingcha-tea", date.today(), policy, ORIGIN_PREVIEW)
    refused = client.request("GET", "/api/scaffold/clients/Lanting_Studio.yaml")
    assert refused.status == 400
    assert refused.json()["message_zh"] == "客户编号 Lanting_Studio 不合规：只能用小写字母、数字和 -（例如 yunfan-tech），它也是文件名"
    exists = client.request("GET", "/api/scaffold/clients/mingcha-tea.yaml")
    assert exists.status == 412 and exists.json()["message_zh"].startswith("clients/mingcha-tea.yaml 已经存在，不会覆盖")
    no_client = client.request("GET", "/api/scaffold/deals/2026-009-x.yaml?client=nobody")
    assert no_client.status == 400 and no_client.json()["message_en"] == "a new deal needs an existing client"
    assert client.request("GET", "/api/scaffold/rules/terms.yaml").status == 404
    assert client.request("GET", "/api/scaffold/deals/2026-009-x.yaml?client=../rules/terms").status == 400


def test_an_edit_given_up_in_the_page_is_kept_in_the_history(client: Client, root: Path) -> None:
    rel = "clients/yunfan-tech.yaml"
    before = (root / rel).read_bytes()
    kept = client.request("POST", f"/api/history/{rel}", "id: yunfan-tech\n# 我放弃的修改\n")
    assert kept.status == 201
    latest = client.request("GET", f"/api/history/{rel}").json()["versions"][-1]
    assert (latest["n"], latest["source"]) == (kept.json()["n"], "unsaved")
    assert (root / rel).read_bytes() == before  # kept aside: the file itself is not touched
    assert client.request("POST", "/api/history/../outside.yaml", "x").status in (400, 403, 404)


def test_history_lists_every_save_and_restores_one(client: Client, root: Path) -> None:
    rel = "clients/mingcha-tea.yaml"
    path = root / rel
    first = path.read_bytes()
    second = first + "# 第二版\n".encode()
    path.write_bytes(second)  # an edit made in another editor: kept before the next save
    third = second.decode() + "# 第三版\n"
    client.request("PUT", f"/api/files/{rel}", third, If_Match=hashlib.sha256(second).hexdigest())
    versions = client.request("GET", f"/api/history/{rel}").json()["versions"]
    assert [(v["n"], v["source"], v["sha256"]) for v in versions] == [
        (1, "disk", hashlib.sha256(second).hexdigest()),
        (2, "save", hashlib.sha256(third.encode()).hexdigest()),
    ]
    # what each version changed from the one before, to choose by (the first is where the history starts)
    added = len(third.splitlines())
    assert [v["changes"] for v in versions] == [None, {"lines": 1, "line": added, "text": "# 第三版"}]
    restored = client.request("POST", f"/api/history/{rel}/1/restore")
    assert restored.status == 200 and restored.json() == {"sha256": hashlib.sha256(second).hexdigest()}
    assert path.read_bytes() == second
    assert [v["n"] for v in client.request("GET", f"/api/history/{rel}").json()["versions"]] == [1, 2, 3]
    assert client.request("POST", f"/api/history/{rel}/9/restore").status == 404
    assert (root / ".salesdocs" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    path.write_bytes(first)


def test_help_at_the_cursor_comes_from_the_schema(client: Client) -> None:
    text = client.request("GET", "/api/files/rules/refunds.yaml").json()["text"]
    line = text.splitlines().index("        percent: 70%") + 1
    answer = client.request("POST", f"/api/help/rules/refunds.yaml?line={line}", text).json()
    assert answer["path"] == "ladders[].steps[].percent"
    assert answer == {
        "path": "ladders[].steps[].percent",
        "known": True,
        "zh": "退款比例：退款基数（见阶梯的 base）的百分比",
        "en": "Share of the refund base (the ladder's base) that is refunded",
        "enum": [],
        "examples": ["70%", "50"],
        "type": "number/string",
    }
    base = client.request("POST", f"/api/help/rules/refunds.yaml?line={text.splitlines().index('    base: item-total') + 1}", text).json()
    assert base["path"] == "ladders[].base" and base["enum"] == ["item-total", "paid"]
    deal = client.request("GET", "/api/files/deals/2026-001-yunfan-launch.yaml").json()["text"]
    tier_line = next(i for i, t in enumerate(deal.splitlines(), 1) if t.strip().startswith("tier:"))
    assert client.request("POST", f"/api/help/deals/2026-001-yunfan-launch.yaml?line={tier_line}", deal).json()["path"] == "lines[].tier"


# ---------------------------------------------------------------- live state


def _check_json(root: Path) -> list[dict[str, object]]:
    from salesdocs.workspace import check_workspace

    return [p.to_json("zh") for p in check_workspace(root).problems]


def test_state_problems_are_checks_and_only_dependent_documents_rerender(client: Client, root: Path) -> None:
    for doc_id in (QUOTE_1, QUOTE_2):
        assert client.request("POST", f"/api/documents/{doc_id}/render").status == 202
    state = client.wait_for(
        lambda s: all(client.document(s, d)["pages"] and not client.document(s, d)["stale"] for d in (QUOTE_1, QUOTE_2))
    )
    first, second = client.document(state, QUOTE_1), client.document(state, QUOTE_2)
    assert set(first) >= {"id", "kind", "deal", "pages", "revision", "inputs_hash", "stale"}
    assert first["kind"] == "quote" and first["deal"] == "2026-001-yunfan-launch" and len(first["inputs_hash"]) == 64
    png = client.request("GET", f"/api/documents/{QUOTE_1}/pages/1.png")
    assert png.status == 200 and png.body.startswith(b"\x89PNG") and png.headers["Content-Type"] == "image/png"
    assert client.request("GET", f"/api/documents/{QUOTE_1}/pages/99.png").status == 404

    rel = "deals/2026-002-mingcha-content.yaml"
    before = client.request("GET", f"/api/files/{rel}").json()
    broken = (
        before["text"].replace("discount:", "discount_typo:", 1) if "discount:" in before["text"] else before["text"] + "unknown_field: 1\n"
    )
    saved = client.request("PUT", f"/api/files/{rel}", broken, If_Match=before["sha256"]).json()["sha256"]
    state = client.wait_for(lambda s: any(p["file"] == rel for p in s["problems"]))
    # the state names the bytes its check read: the page says "saved with errors" only for this save's check
    assert next(f for f in state["files"] if f["path"] == rel) == {"path": rel, "errors": 1, "warnings": 0, "sha256": saved}
    assert state["problems"] == _check_json(root)
    assert client.document(state, QUOTE_2)["stale"] is True and client.document(state, QUOTE_2)["broken"] is True
    assert client.document(state, QUOTE_2)["pages"] == second["pages"]  # the last good rendering stays
    problem = next(p for p in state["problems"] if p["file"] == rel)
    assert state["sources"][state["problems"].index(problem)] == broken.splitlines()[problem["line"] - 1]

    now = client.request("GET", f"/api/files/{rel}").json()
    client.request("PUT", f"/api/files/{rel}", before["text"].replace("title: ", "title: 新", 1), If_Match=now["sha256"])
    state = client.wait_for(lambda s: not s["problems"] and not client.document(s, QUOTE_2)["stale"])
    assert client.document(state, QUOTE_2)["inputs_hash"] != second["inputs_hash"]
    assert client.document(state, QUOTE_2)["revision"] > second["revision"]
    assert client.document(state, QUOTE_1) == first  # another deal: not re-rendered
    now = client.request("GET", f"/api/files/{rel}").json()
    client.request("PUT", f"/api/files/{rel}", before["text"], If_Match=now["sha256"])


def test_every_page_is_served_at_its_size_and_the_pdf_is_what_render_writes(client: Client, root: Path, tmp_path: Path) -> None:
    import io

    from PIL import Image

    from salesdocs.preview.workbench import PREVIEW_POLICY
    from salesdocs.render.documents import prepare, render_prepared
    from salesdocs.render.kinds import DocumentKind
    from salesdocs.workspace import check_workspace

    handout = "handout-yunfan-tech"
    assert client.request("POST", f"/api/documents/{handout}/render").status == 202
    doc = client.document(
        client.wait_for(lambda s: client.document(s, handout)["pages"] and not client.document(s, handout)["stale"]), handout
    )
    assert doc["pages"] == len(doc["sizes"]) > 1
    for n, size in enumerate(doc["sizes"], start=1):  # pages after the first are waited for, never missing
        png = client.request("GET", f"/api/documents/{handout}/pages/{n}.png")
        assert png.status == 200 and Image.open(io.BytesIO(png.body)).size == tuple(size) == (794, 1123)
    assert client.request("GET", f"/api/documents/{handout}/pages/{doc['pages'] + 1}.png").status == 404

    ws = check_workspace(root).partial
    assert ws is not None
    written = render_prepared(ws, prepare(ws, DocumentKind.HANDOUT, "yunfan-tech", policy=PREVIEW_POLICY), tmp_path / "handout.pdf")
    assert client.request("GET", f"/api/documents/{handout}.pdf").body == written.read_bytes()


def test_events_announce_each_new_revision(client: Client, root: Path) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=60)
    conn.request("GET", "/api/events", headers={"Host": f"127.0.0.1:{client.port}", "X-Token": client.token})
    stream = conn.getresponse()
    assert stream.status == 200 and stream.headers["Content-Type"].startswith("text/event-stream")

    def next_event() -> dict[str, int]:
        lines = []
        while (line := stream.readline().decode()) != "\n":
            lines.append(line)
        data = next(line for line in lines if line.startswith("data: "))
        return json.loads(data[6:])  # type: ignore[no-any-return]

    current = next_event()["revision"]
    rel = "rules/terms.yaml"
    now = client.request("GET", f"/api/files/{rel}").json()
    client.request("PUT", f"/api/files/{rel}", now["text"] + "# 新的注释\n", If_Match=now["sha256"])
    assert next_event()["revision"] > current
    conn.close()
    now = client.request("GET", f"/api/files/{rel}").json()
    client.request("PUT", f"/api/files/{rel}", now["text"].removesuffix("# 新的注释\n"), If_Match=now["sha256"])


def test_edits_made_on_disk_are_seen_by_the_watcher(client: Client, root: Path) -> None:
    path = root / "clients" / "jingyi-parts.yaml"
    original = path.read_bytes()
    path.write_bytes(original + b"bogus_key: 1\n")
    try:
        state = client.wait_for(lambda s: any(p["file"] == "clients/jingyi-parts.yaml" for p in s["problems"]), seconds=30)
        assert next(f for f in state["files"] if f["path"] == "clients/jingyi-parts.yaml")["errors"] == 1
    finally:
        path.write_bytes(original)
    client.wait_for(lambda s: not s["problems"], seconds=30)
