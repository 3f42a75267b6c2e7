"""The handlers of the preview's HTTP contract (README: salesdocs preview), one method each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from salesdocs.preview import files
from salesdocs.preview.refresher import Refresher
from salesdocs.preview.schemahelp import field_help

STATIC = Path(__file__).resolve().parent / "static"


class Handlers:
    """The requests of one preview: the workspace at ``root``, messages in ``lang``."""

    def __init__(self, root: Path, lang: str, refresher: Refresher) -> None:
        self.root, self.lang, self.refresher = root, lang, refresher

    def _say(self, zh: str, en: str, status: int) -> JSONResponse:
        return JSONResponse({"error": en if self.lang == "en" else zh, "message_zh": zh, "message_en": en}, status_code=status)

    def _written(self, rel: str) -> None:
        path = files.resolve(self.root, rel)
        self.refresher.changed(path, path.read_bytes())

    def _refused(self, exc: files.FileRefused) -> JSONResponse:
        return self._say(exc.zh, exc.en, exc.status)

    async def index(self, request: Request) -> Response:
        html = (STATIC / "index.html").read_text(encoding="utf-8").replace('data-lang="zh"', f'data-lang="{self.lang}"')
        if self.lang == "en":
            html = html.replace('<html lang="zh-CN"', '<html lang="en"')
        return Response(html, media_type="text/html; charset=utf-8")

    async def no_icon(self, request: Request) -> Response:
        return Response(status_code=204)

    async def state(self, request: Request) -> Response:
        return JSONResponse(self.refresher.bench.state(self.lang))

    async def events(self, request: Request) -> Response:
        return StreamingResponse(self.refresher.stream(), media_type="text/event-stream")

    async def page(self, request: Request) -> Response:
        png = await self.refresher.page(request.path_params["doc"], request.path_params["n"])
        if png is None:
            return self._say("没有这一页", "no such page", 404)
        return Response(png, media_type="image/png")

    async def pdf(self, request: Request) -> Response:
        data = self.refresher.bench.pdf(request.path_params["doc"])
        if data is None:
            return self._say("这个文档还没有生成", "not rendered yet", 404)
        return Response(data, media_type="application/pdf")

    async def render(self, request: Request) -> Response:
        if not self.refresher.ask(request.path_params["doc"]):
            return self._say("没有这个文档", "no such document", 404)
        return JSONResponse({"revision": self.refresher.bench.revision}, status_code=202)

    async def read_file(self, request: Request) -> Response:
        try:
            data = files.read(self.root, request.path_params["path"])
        except files.FileRefused as exc:
            return self._refused(exc)
        return JSONResponse({"text": data.decode("utf-8", errors="replace"), "sha256": files.sha256(data)})

    async def write_file(self, request: Request) -> Response:
        try:
            text = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            return self._say("正文必须是 UTF-8", "the body must be UTF-8", 400)
        if_match, if_none = request.headers.get("if-match"), request.headers.get("if-none-match")
        if if_match is None and if_none != "*":
            return self._say("缺少 If-Match（文件原来的 sha256）", "If-Match (the sha256 the edit started from) is required", 428)
        try:
            digest = files.save(self.root, request.path_params["path"], text, if_match=if_match, create=if_match is None)
        except files.FileRefused as exc:
            return self._refused(exc)
        except files.Conflict as exc:
            return _conflict(exc.current)
        self._written(request.path_params["path"])
        return JSONResponse({"sha256": digest}, status_code=200 if if_match is not None else 201)

    async def history(self, request: Request) -> Response:
        rel = request.path_params["path"]
        try:
            history = files.History(self.root, rel)
            versions, changes = history.versions(), history.changes()
        except files.FileRefused as exc:
            return self._refused(exc)
        listed = [{**v.to_json(), "changes": changes.get(v.n)} for v in versions]
        return JSONResponse({"path": rel, "versions": listed})

    async def keep(self, request: Request) -> Response:
        """``POST /api/history/<path>``, body = text the page is about to drop (its unsaved edit): kept as a
        version of the file (source ``unsaved``), so giving it up in the page never loses it."""
        try:
            text = (await request.body()).decode("utf-8")
            n = files.History(self.root, request.path_params["path"]).keep(text.encode("utf-8"), "unsaved")
        except UnicodeDecodeError:
            return self._say("正文必须是 UTF-8", "the body must be UTF-8", 400)
        except files.FileRefused as exc:
            return self._refused(exc)
        return JSONResponse({"n": n}, status_code=201)

    async def restore(self, request: Request) -> Response:
        try:
            digest = files.History(self.root, request.path_params["path"]).restore(request.path_params["n"])
        except files.FileRefused as exc:
            return self._refused(exc)
        self._written(request.path_params["path"])
        return JSONResponse({"sha256": digest})

    async def scaffold(self, request: Request) -> Response:
        """``GET /api/scaffold/clients/<id>.yaml`` or ``/api/scaffold/deals/<id>.yaml?client=<client>``: the
        text ``salesdocs new`` would write, to fill in (nothing is written; a PUT with If-None-Match: * does)."""
        from datetime import date

        from salesdocs.policy.scaffold import ORIGIN_PREVIEW, client_yaml, deal_yaml, id_refusal

        folder, name = request.path_params["folder"], request.path_params["name"]
        if folder not in ("clients", "deals"):
            return self._say("只能新建客户或交易文件", "only client and deal files can be created", 404)
        is_deal = folder == "deals"
        refused = (
            id_refusal(name, "交易编号", "deal id", "2026-004-yunfan-catalogue")
            if is_deal
            else id_refusal(name, "客户编号", "client id", "yunfan-tech")
        )
        if refused is not None:
            return self._say(*refused, 400)
        if (self.root / folder / f"{name}.yaml").exists():
            return self._say(
                f"{folder}/{name}.yaml 已经存在，不会覆盖；换一个编号，或直接打开这个文件",
                f"{folder}/{name}.yaml already exists and is not overwritten; pick another id or open it",
                412,
            )
        checked = self.refresher.bench.checked.partial
        policy = checked.policy if checked is not None else None
        if not is_deal:
            return JSONResponse({"path": f"{folder}/{name}.yaml", "text": client_yaml(name, policy, ORIGIN_PREVIEW)})
        client = request.query_params.get("client", "")
        if not (self.root / "clients" / f"{client}.yaml").is_file() or id_refusal(client, "", "", "") is not None:
            return self._say("新交易要选一个已有的客户", "a new deal needs an existing client", 400)
        text = deal_yaml(name, client, date.today(), policy, ORIGIN_PREVIEW)
        return JSONResponse({"path": f"{folder}/{name}.yaml", "text": text})

    async def help_at(self, request: Request) -> Response:
        rel = request.path_params["path"]
        try:
            files.resolve(self.root, rel)
            line = int(request.query_params.get("line", "1"))
        except files.FileRefused as exc:
            return self._refused(exc)
        except ValueError:
            return self._say("line 必须是行号", "line must be a line number", 400)
        text = (await request.body()).decode("utf-8", errors="replace")
        return JSONResponse(field_help(rel, text, line))


def _conflict(current: bytes | None) -> JSONResponse:
    body: dict[str, Any] = {"sha256": files.sha256(current) if current is not None else None}
    body["text"] = current.decode("utf-8", errors="replace") if current is not None else None
    return JSONResponse(body, status_code=412)
