"""Files written atomically keep the permissions colleagues need: a new file as open() makes it, a
replaced file as it was (mkstemp alone made 0600 files nobody else could read)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from salesdocs.atomic import write_atomically


@pytest.fixture
def umask_022() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_what_open_would_give_it(tmp_path: Path, umask_022: None) -> None:
    write_atomically(tmp_path / "new" / "a.pdf", b"%PDF-1.7")
    assert (tmp_path / "new" / "a.pdf").read_bytes() == b"%PDF-1.7"
    assert _mode(tmp_path / "new" / "a.pdf") == 0o644
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["a.pdf"]  # no temporary file left


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o664)  # group-writable, as a shared policy folder has it
    write_atomically(path, b"new\n")
    assert path.read_bytes() == b"new\n" and _mode(path) == 0o664


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        write_atomically(blocker / "a.pdf", b"%PDF")
    assert blocker.read_text(encoding="utf-8") == "x"


def test_word_files_and_pdfs_are_readable_by_colleagues(minimal_workspace: Path, tmp_path: Path, run_cli, umask_022: None) -> None:  # type: ignore[no-untyped-def]
    deal = next((minimal_workspace / "deals").glob("*.yaml")).stem
    for name in ("quote.docx", "quote.pdf"):
        result = run_cli("render", "quote", deal, "-o", tmp_path / name, "-w", minimal_workspace)
        assert result.exit_code == 0, result.err
        assert _mode(tmp_path / name) == 0o644, name
