"""A small Language Server Protocol client: JSON-RPC over the stdio of one server process.

Enough of the protocol to drive yaml-language-server the way VS Code's YAML extension does:
``initialize``, ``workspace/didChangeConfiguration``, ``textDocument/didOpen`` (then wait for
``publishDiagnostics``), ``hover`` and ``completion``.  Requests the server sends to the client
(``workspace/configuration``, ``client/registerCapability`` …) are answered so it never waits.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

#: the settings VS Code's YAML extension sends (yaml.* keys); schemas come from the files' modelines
YAML_SETTINGS: dict[str, Any] = {
    "yaml": {
        "validate": True,
        "hover": True,
        "completion": True,
        "format": {"enable": False},
        "schemaStore": {"enable": False},
        "schemas": {},
        "disableDefaultProperties": False,
        "keyOrdering": False,
    },
}


class LspError(RuntimeError):
    """The server answered a request with an error, did not answer in time, or exited."""


class LspClient:
    """One language-server process; ``close()`` ends it."""

    def __init__(self, command: list[str], root: Path, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._next_id = 0
        self._answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._diagnostics_changed = threading.Condition()
        self._versions: dict[str, int] = {}
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "completion": {"completionItem": {"snippetSupport": True, "documentationFormat": ["markdown"]}},
                        "publishDiagnostics": {},
                    },
                },
                "initializationOptions": {},
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": YAML_SETTINGS})

    # ------------------------------------------------------------------ wire
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self._proc.stdin is not None
        self._proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self._proc.stdin.flush()

    def _read_loop(self) -> None:
        out = self._proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return  # the server exited
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            self._dispatch(json.loads(out.read(length)))

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message and "method" in message:  # a request from the server
            self._send({"id": message["id"], "result": self._answer_server(message)})
        elif "id" in message:
            with self._lock:
                box = self._answers.get(message["id"])
            if box is not None:
                box.put(message)
        elif message.get("method") == "textDocument/publishDiagnostics":
            with self._diagnostics_changed:
                self._diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
                self._diagnostics_changed.notify_all()

    @staticmethod
    def _answer_server(message: dict[str, Any]) -> Any:
        if message["method"] == "workspace/configuration":
            return [YAML_SETTINGS.get(item.get("section", "")) for item in message["params"]["items"]]
        return None

    def request(self, method: str, params: dict[str, Any]) -> Any:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            box: queue.Queue[dict[str, Any]] = queue.Queue()
            self._answers[ident] = box
        self._send({"id": ident, "method": method, "params": params})
        try:
            answer = box.get(timeout=self.timeout)
        except queue.Empty:
            raise LspError(f"no answer to {method} within {self.timeout} s") from None
        finally:
            with self._lock:
                del self._answers[ident]
        if "error" in answer:
            raise LspError(f"{method}: {answer['error']}")
        return answer.get("result")

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    # ------------------------------------------------------------------ documents
    def open(self, path: Path, text: str | None = None) -> list[dict[str, Any]]:
        """Open (or reopen with new text) a document; returns the diagnostics the server publishes for it."""
        uri = path.resolve().as_uri()
        text = path.read_text(encoding="utf-8") if text is None else text
        with self._diagnostics_changed:
            self._diagnostics.pop(uri, None)
        if uri in self._versions:
            self._versions[uri] += 1
            self.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": self._versions[uri]}, "contentChanges": [{"text": text}]},
            )
        else:
            self._versions[uri] = 1
            self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        deadline = time.monotonic() + self.timeout
        with self._diagnostics_changed:
            while uri not in self._diagnostics:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LspError(f"no diagnostics for {path} within {self.timeout} s")
                self._diagnostics_changed.wait(left)
            return self._diagnostics[uri]

    def hover(self, path: Path, line: int, character: int) -> str:
        """The hover text at a 0-based position ('' when there is none)."""
        result = self.request(
            "textDocument/hover", {"textDocument": {"uri": path.resolve().as_uri()}, "position": {"line": line, "character": character}}
        )
        if not result:
            return ""
        contents = result["contents"]
        if isinstance(contents, dict):
            return str(contents.get("value", ""))
        if isinstance(contents, list):
            return "\n".join(c if isinstance(c, str) else str(c.get("value", "")) for c in contents)
        return str(contents)

    def completion(self, path: Path, line: int, character: int) -> list[dict[str, Any]]:
        """The completion items at a 0-based position."""
        result = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": path.resolve().as_uri()}, "position": {"line": line, "character": character}},
        )
        if isinstance(result, dict):
            return list(result.get("items", []))
        return list(result or [])

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self._proc.wait(timeout=5)
        except (LspError, OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
