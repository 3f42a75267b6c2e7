"""``salesdocs preview`` as a user starts it: the printed URL, English, a busy port, Ctrl+C."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import FIXTURES, CliResult, copy_workspace
from preview_support import Client


def test_the_command_serves_on_loopback_in_english_and_stops_cleanly(tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "agency", tmp_path / "ws")
    command = [sys.executable, "-m", "salesdocs", "-w", str(root), "preview", "--port", "0", "--no-browser", "--lang", "en"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.fullmatch(r"preview running \(this computer only\): http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{32})\n", first)
        assert match, first
        assert process.stdout.readline() == "press Ctrl+C to stop\n"
        client = Client(int(match.group(1)), match.group(2))
        page = client.request("GET", "/")
        assert page.status == 200 and '<html lang="en" data-lang="en">' in page.body.decode()
        assert client.wait_for(lambda s: s["revision"] >= 1)["problems"] == []
        assert client.request("GET", "/", token=False).status == 403
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out == "preview stopped\n"
    assert "Traceback" not in err


def test_a_busy_port_is_a_usage_error(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "agency", tmp_path / "ws")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run_cli("-w", root, "preview", "--port", port, "--no-browser")
        assert result.exit_code == 2
        assert f"端口 {port} 无法使用" in result.err and "请用 --port 换一个端口" in result.err
        result = run_cli("-w", root, "--lang", "en", "preview", "--port", port, "--no-browser")
        assert f"port {port} cannot be used" in result.err and "choose another with --port" in result.err
