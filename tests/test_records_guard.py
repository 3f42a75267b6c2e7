"""Read-only records commands never create or change a database."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesdocs.cli import main as cli_main


def test_list_on_an_empty_file_does_not_touch_it(pristine_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(SystemExit) as info:
        cli_main(["records", "list", "--db", str(empty), "-w", str(pristine_workspace), "--lang", "en"])
    err = capsys.readouterr().err
    assert info.value.code == 1
    assert err.strip() == f"{empty} is an empty file, not a records database; import some records with salesdocs records import"
    assert empty.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite"]
