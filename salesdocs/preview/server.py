"""Serve a preview on 127.0.0.1 only: the socket, the token, uvicorn."""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesdocs.errors import UsageError

HOST = "127.0.0.1"  # loopback only, always: the workbench writes files


@dataclass(frozen=True)
class Listening:
    port: int
    token: str

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: any free port); a busy port is a UsageError."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"端口 {port} 无法使用（{exc.strerror}）；请用 --port 换一个端口",
            f"port {port} cannot be used ({exc.strerror}); choose another with --port",
        ) from None
    sock.listen(64)
    return sock


def serve(root: Path, *, port: int = 0, lang: str = "zh", ready: Callable[[Listening], None] = lambda listening: None) -> None:
    """Serve the preview of the workspace at ``root`` until interrupted; ``ready`` gets the URL."""
    sock, listening, server = _server(root, port, lang)
    ready(listening)
    server.run(sockets=[sock])


def _server(root: Path, port: int, lang: str) -> tuple[socket.socket, Listening, Any]:
    import uvicorn

    from salesdocs.preview.app import create_app

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            app.refresher.close_streams()  # open event streams would hold up the shutdown
            super().handle_exit(sig, frame)

    sock = bind(port)
    listening = Listening(sock.getsockname()[1], secrets.token_urlsafe(24))
    app = create_app(root, port=listening.port, token=listening.token, lang=lang)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2, access_log=False)
    return sock, listening, Server(config)


@contextlib.contextmanager
def running(root: Path, *, port: int = 0, lang: str = "zh") -> Iterator[tuple[Listening, socket.socket]]:
    """A preview served from a background thread, for tests and benchmarks; stopped on exit."""
    sock, listening, server = _server(root, port, lang)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield listening, sock
    finally:
        server.handle_exit(0, None)
        thread.join(timeout=10)
        sock.close()
