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

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from salesdocs.preview.handlers import STATIC, Handlers
from salesdocs.preview.refresher import Refresher

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


def create_app(root: Path, *, port: int, token: str, lang: str = "zh", watch: bool = True) -> Guard:
    """The ASGI application of one preview of the workspace at ``root``, served on ``port``."""
    refresher = Refresher(root, watch=watch)
    h = Handlers(root, lang, refresher)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with refresher.running():
            yield

    routes = [
        Route("/", h.index),
        Route("/favicon.ico", h.no_icon),
        Route("/api/state", h.state),
        Route("/api/events", h.events),
        Route("/api/documents/{doc}/pages/{n:int}.png", h.page),
        Route("/api/documents/{doc}.pdf", h.pdf),
        Route("/api/documents/{doc}/render", h.render, methods=["POST"]),
        Route("/api/files/{path:path}", h.read_file, methods=["GET"]),
        Route("/api/files/{path:path}", h.write_file, methods=["PUT"]),
        Route("/api/history/{path:path}/{n:int}/restore", h.restore, methods=["POST"]),
        Route("/api/history/{path:path}", h.history, methods=["GET"]),
        Route("/api/history/{path:path}", h.keep, methods=["POST"]),
        Route("/api/help/{path:path}", h.help_at, methods=["POST"]),
        Route("/api/scaffold/{folder}/{name}.yaml", h.scaffold, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Guard(Starlette(routes=routes, lifespan=lifespan), token, port, refresher)
