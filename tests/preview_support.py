"""Helpers of the preview tests: raw HTTP to a running preview, and waiting for its state."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    port: int
    token: str

    def request(self, method: str, path: str, body: bytes | str | None = None, *, token: bool = True, **headers: str) -> Answer:
        """``path`` is sent exactly as given (no normalisation), with the token header unless ``token=False``."""
        sent = {"Host": f"127.0.0.1:{self.port}"}
        if token:
            sent["X-Token"] = self.token
        sent.update({k.replace("_", "-"): v for k, v in headers.items()})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            data = body.encode() if isinstance(body, str) else body
            for name, value in sent.items():
                conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(data or b"")))
            conn.endheaders(data)
            response = conn.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            conn.close()

    def state(self) -> dict[str, Any]:
        answer = self.request("GET", "/api/state")
        assert answer.status == 200
        return answer.json()  # type: ignore[no-any-return]

    def wait_for(self, condition: Callable[[dict[str, Any]], bool], seconds: float = 90) -> dict[str, Any]:
        """The first state meeting ``condition`` (fails after ``seconds``)."""
        deadline = time.monotonic() + seconds
        while True:
            state = self.state()
            if condition(state):
                return state
            assert time.monotonic() < deadline, f"state never met the condition: {json.dumps(state, ensure_ascii=False)[:2000]}"
            time.sleep(0.05)

    def document(self, state: dict[str, Any], doc_id: str) -> dict[str, Any]:
        return next(d for d in state["documents"] if d["id"] == doc_id)
