"""salesdocs.preview's file rules without a server: which paths, how a save writes, the history, the field at a line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, copy_workspace

from salesdocs.preview import files
from salesdocs.preview.schemahelp import field_help, key_path


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        ("rules/terms.yaml", "policy"),
        ("rules/contract.yaml", "policy"),
        ("clients/yunfan-tech.yaml", "client"),
        ("deals/2026-001-yunfan-launch.yml", "deal"),
        ("templates/quote.html", "template"),
        ("templates/sections/parties.html", "template"),
        ("templates/base.css", "template"),
        ("rules/other.yaml", None),
        ("rules/terms.yml", None),
        ("templates/logo.png", None),
        ("deals/../rules/terms.yaml", None),
        ("deals/.hidden.yaml", None),
        ("deals/a b.yaml", None),
        ("/rules/terms.yaml", None),
        ("rules//terms.yaml", None),
        ("out/intro.pdf", None),
        ("deals/x.yaml/", None),
    ],
)
def test_which_files_the_page_may_edit(rel: str, kind: str | None) -> None:
    assert files.kind_of_path(rel) == kind


def test_a_save_keeps_the_bom_and_crlf_and_writes_utf8(tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "agency", tmp_path / "ws")
    path = root / "clients" / "yunfan-tech.yaml"
    before = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(before)
    text = before[3:].decode().replace("\r\n", "\n") + "# 新增：备注\n"
    digest = files.save(root, "clients/yunfan-tech.yaml", text, if_match=files.sha256(before))
    after = path.read_bytes()
    assert after == b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    assert digest == files.sha256(after)
    with pytest.raises(files.Conflict) as refused:
        files.save(root, "clients/yunfan-tech.yaml", "x", if_match=files.sha256(before))
    assert refused.value.current == after
    versions = files.History(root, "clients/yunfan-tech.yaml").versions()
    assert [(v.n, v.source, v.sha256) for v in versions] == [(1, "disk", files.sha256(before)), (2, "save", digest)]


def test_a_new_file_only_where_clients_and_deals_live(tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "agency", tmp_path / "ws")
    files.save(root, "clients/new-client.yaml", "id: new-client\n", create=True)
    assert (root / "clients" / "new-client.yaml").read_bytes() == b"id: new-client\n"
    with pytest.raises(files.Conflict):
        files.save(root, "clients/new-client.yaml", "id: again\n", create=True)
    with pytest.raises(files.FileRefused) as refused:
        files.save(root, "rules/calendar.yaml", "x: 1\n", create=True)
    assert refused.value.zh == "只能新建客户或交易文件，不能新建 rules/calendar.yaml"
    assert refused.value.en == "only client and deal files can be created, not rules/calendar.yaml"


def test_the_field_at_a_line_follows_indentation_and_lists() -> None:
    text = (
        "ladders:\n  - id: a\n    steps:\n      - from: first-draft\n        percent: 70%\n    source: >-\n      x: not a key\n  - id: b\n"
    )
    assert key_path(text, 5) == ["ladders", "[]", "steps", "[]", "percent"]
    assert key_path(text, 7) == ["ladders", "[]", "source"]
    assert key_path(text, 8) == ["ladders", "[]", "id"]
    assert field_help("rules/refunds.yaml", text, 4)["examples"] == ["first-draft", "revision-2"]
    unknown = field_help("rules/refunds.yaml", "nonsense: 1\n", 1)
    assert unknown == {"path": "nonsense", "known": False, "zh": "", "en": "", "enum": [], "examples": [], "type": ""}
