"""Shared fixtures: a fresh copy of the sample workspace, and the CLI run in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
WORKSPACE_FOLDERS = ("rules", "clients", "deals")


@pytest.fixture(scope="session")
def pristine_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the sample workspace (rules/, clients/, deals/) per test session; do not modify it."""
    root = tmp_path_factory.mktemp("pristine")
    for folder in WORKSPACE_FOLDERS:
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def workspace(pristine_workspace: Path, tmp_path: Path) -> Path:
    """A private copy of the sample workspace that the test may change."""
    root = tmp_path / "ws"
    shutil.copytree(pristine_workspace, root)
    return root


@dataclass
class CliResult:
    exit_code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``salesdocs ARGS…`` in-process through ``salesdocs.cli.main``; returns exit code and output."""
    from salesdocs import cli

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            cli.main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
