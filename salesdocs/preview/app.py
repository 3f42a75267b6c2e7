"""The HTTP contract of ``salesdocs preview`` (README: salesdocs preview).

Every request needs the token (query ``token=``, header ``X-Token`` or the cookie the first
request with the token sets) and a ``Host`` of ``127.0.0.1:P`` or ``localhost:P``; anything else
is 403.  Every response carries a Content-Security-Policy that allows nothing but this server.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.requests import Request, cookie_parser
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from salesdocs.preview import files
from salesdocs.preview.refresher import Refresher
from salesdocs.preview.schemahelp import field_help

STATIC = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


def cookie_name(port: int) -> str:
    """Cookies are shared by every port of a host: one name per port keeps two previews apart."""
    return f"salesdocs_preview_{port}"


class Guard:
    """Token, Host check and security headers around the whole application (pure ASGI, so the event
    stream is not buffered)."""

    def __init__(self, app: ASGIApp, token: str, port: int, refresher: Refresher) -> None:
        self.app, self.token, self.port = app, token, port
        self.refresher = refresher
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        from_query = QueryParams(scope["query_string"]).get("token")
        given = (from_query, headers.get("x-token"), cookie_parser(headers.get("cookie", "")).get(cookie_name(self.port)))
        refusal: Response | None = None
        if headers.get("host") not in self.hosts:
            refusal = _forbidden("Host 不是 127.0.0.1 或 localhost", "the Host is not 127.0.0.1 or localhost")
        elif not any(g and secrets.compare_digest(g.encode(), self.token.encode()) for g in given):
            refusal = _forbidden(
                "缺少或错误的令牌：请使用 salesdocs preview 打印的网址", "missing or wrong token: use the URL salesdocs preview printed"
            )
        if refusal is not None:
            await _secured(refusal)(scope, receive, send)
            return
        valid_query = bool(from_query) and secrets.compare_digest(str(from_query).encode(), self.token.encode())
        cookie = f"{cookie_name(self.port)}={self.token}; HttpOnly; SameSite=Strict; Path=/"
        if valid_query and scope["path"] == "/" and scope["method"] == "GET":
            redirect = RedirectResponse("/", status_code=303)  # the token leaves the address bar and the history
            redirect.headers["set-cookie"] = cookie
            await _secured(redirect)(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name != "cache-control" or "cache-control" not in out:
                        out[name] = value
                if valid_query:
                    out.append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_secured)


def _forbidden(zh: str, en: str) -> Response:
    return PlainTextResponse(f"403 {zh}\n403 {en}\n", status_code=403)


def _secured(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response


def _error(exc: files.FileRefused, lang: str) -> JSONResponse:
    return JSONResponse({"error": exc.message(lang), "message_zh": exc.zh, "message_en": exc.en}, status_code=exc.status)


def create_app(root: Path, *, port: int, token: str, lang: str = "zh", watch: bool = True) -> Guard:
    """The ASGI application of one preview of the workspace at ``root``, served on ``port``."""
    refresher = Refresher(root, watch=watch)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with refresher.running():
            yield

    async def index(request: Request) -> Response:
        html = (STATIC / "index.html").read_text(encoding="utf-8").replace('data-lang="zh"', f'data-lang="{lang}"')
        if lang == "en":
            html = html.replace('<html lang="zh-CN"', '<html lang="en"')
        return Response(html, media_type="text/html; charset=utf-8")

    async def state(request: Request) -> Response:
        return JSONResponse(refresher.bench.state(lang))

    async def events(request: Request) -> Response:
        return StreamingResponse(refresher.stream(), media_type="text/event-stream")

    async def page(request: Request) -> Response:
        png = refresher.bench.page(request.path_params["doc"], request.path_params["n"])
        if png is None:
            return JSONResponse({"error": "没有这一页" if lang != "en" else "no such page"}, status_code=404)
        return Response(png, media_type="image/png")

    async def pdf(request: Request) -> Response:
        data = refresher.bench.pdf(request.path_params["doc"])
        if data is None:
            return JSONResponse({"error": "这个文档还没有生成" if lang != "en" else "not rendered yet"}, status_code=404)
        return Response(data, media_type="application/pdf")

    async def render(request: Request) -> Response:
        if not refresher.ask(request.path_params["doc"]):
            return JSONResponse({"error": "没有这个文档" if lang != "en" else "no such document"}, status_code=404)
        return JSONResponse({"revision": refresher.bench.revision}, status_code=202)

    async def read_file(request: Request) -> Response:
        rel = request.path_params["path"]
        try:
            data = files.read(root, rel)
        except files.FileRefused as exc:
            return _error(exc, lang)
        return JSONResponse({"text": data.decode("utf-8", errors="replace"), "sha256": files.sha256(data)})

    async def write_file(request: Request) -> Response:
        rel = request.path_params["path"]
        try:
            text = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            return JSONResponse({"error": "正文必须是 UTF-8" if lang != "en" else "the body must be UTF-8"}, status_code=400)
        if_match, if_none = request.headers.get("if-match"), request.headers.get("if-none-match")
        if if_match is None and if_none != "*":
            return JSONResponse({"error": "缺少 If-Match" if lang != "en" else "If-Match is required"}, status_code=428)
        try:
            digest = files.save(root, rel, text, if_match=if_match, create=if_match is None)
        except files.FileRefused as exc:
            return _error(exc, lang)
        except files.Conflict as exc:
            return _conflict(exc.current)
        refresher.changed()
        return JSONResponse({"sha256": digest}, status_code=200 if if_match is not None else 201)

    async def history(request: Request) -> Response:
        rel = request.path_params["path"]
        try:
            versions = files.History(root, rel).versions()
        except files.FileRefused as exc:
            return _error(exc, lang)
        return JSONResponse({"path": rel, "versions": [v.to_json() for v in versions]})

    async def restore(request: Request) -> Response:
        rel = request.path_params["path"]
        try:
            digest = files.History(root, rel).restore(request.path_params["n"])
        except files.FileRefused as exc:
            return _error(exc, lang)
        refresher.changed()
        return JSONResponse({"sha256": digest})

    async def help_at(request: Request) -> Response:
        rel = request.path_params["path"]
        try:
            files.resolve(root, rel)
            line = int(request.query_params.get("line", "1"))
        except files.FileRefused as exc:
            return _error(exc, lang)
        except ValueError:
            return JSONResponse({"error": "line"}, status_code=400)
        text = (await request.body()).decode("utf-8", errors="replace")
        return JSONResponse(field_help(rel, text, line))

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)

    routes = [
        Route("/", index),
        Route("/favicon.ico", no_icon),
        Route("/api/state", state),
        Route("/api/events", events),
        Route("/api/documents/{doc}/pages/{n:int}.png", page),
        Route("/api/documents/{doc}.pdf", pdf),
        Route("/api/documents/{doc}/render", render, methods=["POST"]),
        Route("/api/files/{path:path}", read_file, methods=["GET"]),
        Route("/api/files/{path:path}", write_file, methods=["PUT"]),
        Route("/api/history/{path:path}/{n:int}/restore", restore, methods=["POST"]),
        Route("/api/history/{path:path}", history, methods=["GET"]),
        Route("/api/help/{path:path}", help_at, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Guard(Starlette(routes=routes, lifespan=lifespan), token, port, refresher)


def _conflict(current: bytes | None) -> JSONResponse:
    body: dict[str, Any] = {"sha256": files.sha256(current) if current is not None else None}
    body["text"] = current.decode("utf-8", errors="replace") if current is not None else None
    return JSONResponse(body, status_code=412)
