"""Shared fixtures: workspaces to test with, and the CLI run in-process.

Tests run against workspaces under ``tests/fixtures/``, never against the repository's own
sample, so editing the sample (a price in ``rules/services.yaml``) fails only tests about the
sample itself:

* ``agency`` — a frozen copy of the sample as it was when the tests were written (three
  clients, three deals, every service).  Tests pin its exact amounts; do not keep it in sync
  with the sample.  ``workspace`` and ``pristine_workspace`` are copies of it.
* ``minimal`` — the smallest workspace that passes ``salesdocs check --strict`` (one service,
  one tier, one ladder, one client, one deal).  ``make_workspace`` copies it, or any other
  fixture workspace, and applies text edits: the way to build a broken variant.

``sample_workspace`` is a copy of the repository's sample (``rules/``, ``clients/``, ``deals/``):
only tests about the sample itself use it (it passes ``--strict``, its documents render).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pgserver import PgServer, find_bindir

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
WORKSPACE_FOLDERS = ("rules", "clients", "deals")

#: an edit of a workspace file: (path relative to the workspace, old text, new text)
Edit = tuple[str, str, str]


def copy_workspace(source: Path, dest: Path) -> Path:
    """Copy the workspace folders (rules/, clients/, deals/) of ``source`` into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for folder in WORKSPACE_FOLDERS:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, dest / folder)
    return dest


def edit_file(root: Path, rel: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in ``root/rel``; ``old`` must occur exactly once, so an edit
    that no longer matches its fixture fails loudly instead of testing an unchanged file."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"{rel}: expected {old!r} exactly once, found it {count} times")
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="session")
def pristine_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the fixture agency workspace per test session; do not modify it."""
    return copy_workspace(FIXTURES / "agency", tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def workspace(pristine_workspace: Path, tmp_path: Path) -> Path:
    """A private copy of the fixture agency workspace that the test may change."""
    root = tmp_path / "ws"
    shutil.copytree(pristine_workspace, root)
    return root


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[..., Path]:
    """Build a private workspace from a fixture workspace, with text edits applied.

    ``make_workspace("minimal", ("rules/services.yaml", "price: 2000", "price: 两千"))`` copies
    ``tests/fixtures/minimal`` and replaces the text (which must occur exactly once).  Each call
    makes a new folder, so one test can build several variants.
    """
    made = 0

    def make(base: str = "minimal", *edits: Edit) -> Path:
        nonlocal made
        made += 1
        source = FIXTURES / base
        if not source.is_dir():
            raise AssertionError(f"no fixture workspace {base!r} under {FIXTURES}")
        root = copy_workspace(source, tmp_path / f"{base}-{made}")
        for rel, old, new in edits:
            edit_file(root, rel, old, new)
        return root

    return make


@pytest.fixture
def minimal_workspace(make_workspace: Callable[..., Path]) -> Path:
    """A private copy of the minimal valid workspace that the test may change."""
    return make_workspace("minimal")


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's own sample workspace: only for tests about the sample itself."""
    return copy_workspace(REPO, tmp_path_factory.mktemp("sample"))


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


# ------------------------------------------------------------------ records on both backends

#: the records backends every records test runs against (see tests/pgserver.py)
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throwaway PostgreSQL cluster for the whole session (started on first use, ~2 s)."""
    bindir = find_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed (scripts/install-system.sh installs it: apt-get install postgresql)")
    server = PgServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def records_backend(request: pytest.FixtureRequest) -> str:
    """Parametrizes a module's records fixtures over both backends."""
    return str(request.param)


@pytest.fixture
def new_records_db(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str, str], Path | str]:
    """``new_records_db(backend, name)``: a fresh records database — a path in tmp_path for SQLite,
    a new database in the session's cluster for PostgreSQL."""
    return lambda backend, name: fresh_db(request, backend, tmp_path, name)


def fresh_db(request: pytest.FixtureRequest, backend: str, folder: Path, name: str) -> Path | str:
    if backend == "sqlite":
        return folder / name
    server: PgServer = request.getfixturevalue("pg_server")
    return server.database(name)
