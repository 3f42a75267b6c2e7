"""The editor's view of the schemas: yaml-language-server (what VS Code's YAML extension runs),
driven over LSP as the editor drives it, on workspaces whose ``schemas/`` folder ``salesdocs
schemas`` wrote.

One server process serves the whole module.  The server is the version pinned in
``tests/lsp/package-lock.json`` (``make test`` installs it; so does this module when it is
missing).  Without node the module is skipped — except on CI, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO, copy_workspace, edit_file

from salesdocs.init import init_workspace
from salesdocs.policy.editor import read_ids, write_schemas
from salesdocs.workspace import check_workspace

LSP_DIR = Path(__file__).resolve().parent / "lsp"
sys.path.insert(0, str(LSP_DIR))
from lspclient import LspClient  # type: ignore[import-not-found,unused-ignore]  # noqa: E402

SERVER = LSP_DIR / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed: CI must run the editor (LSP) tests")
        pytest.skip("node is not installed, so yaml-language-server cannot run (install nodejs to run these tests)")
    if not SERVER.is_file():  # `make test` installs it; plain `pytest` too
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=LSP_DIR, check=True, timeout=600)
    return node


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LspClient]:
    client = LspClient([_node(), str(SERVER), "--stdio"], tmp_path_factory.getbasetemp())
    yield client
    client.close()


def _editor_workspace(source: Path, dest: Path) -> Path:
    """A copy of ``source``'s files with the schemas/ folder `salesdocs schemas` writes."""
    copy_workspace(source, dest)
    write_schemas(dest, read_ids(dest).ids)
    return dest


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _editor_workspace(REPO, tmp_path_factory.mktemp("sample"))


def _files(root: Path) -> list[Path]:
    return sorted(p for folder in ("rules", "clients", "deals") for p in (root / folder).glob("*.yaml"))


def _where(path: Path, needle: str) -> tuple[int, int]:
    """0-based line and column just after the first ``needle`` in the file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if needle in line:
            return number, line.index(needle) + len(needle)
    raise AssertionError(f"{needle!r} not in {path}")


def _labels(items: list[dict[str, Any]]) -> list[str]:
    return [item["label"] for item in items]


def test_every_sample_and_init_file_is_clean_in_the_editor(server: LspClient, sample: Path, tmp_path: Path) -> None:
    init = tmp_path / "new"
    init_workspace(init)
    files = [*_files(sample), *_files(init)]
    assert len(files) == 16 + 10  # 16 sample files (8 rules, 4 clients, 4 deals), 10 from init
    found = {f"{p.parent.parent.name}/{p.parent.name}/{p.name}": server.open(p) for p in files}
    assert {name: diags for name, diags in found.items() if diags} == {}


#: schema-level slips, each as (file, old text, new text) applied to the frozen agency workspace
MISTAKES = [
    ("rules/refunds.yaml", "percent: 80%", "percent: 170%"),  # the string form of a percentage is bounded too
    ("deals/2026-001-yunfan-launch.yaml", "poster-design\n    tier: standard", "poster-design\n    tier: premium"),  # not a poster tier
    ("deals/2026-001-yunfan-launch.yaml", "    quantity: 1\n", "    quantity: 0\n"),
    ("deals/2026-001-yunfan-launch.yaml", "    quantity: 1\n", "    quantity: 三\n"),
    ("deals/2026-001-yunfan-launch.yaml", "start: 2026-11-23", "start: 2026/11/23"),
    ("deals/2026-001-yunfan-launch.yaml", "sales: 林晓", "saels: 林晓"),
    ("deals/2026-001-yunfan-launch.yaml", "  percent: 5%", "  percent: 5%\n  amount: 100"),
    ("deals/2026-001-yunfan-launch.yaml", "service: flyer-design", "service: flyer-desing"),
    (
        "rules/services.yaml",
        "个别字词）]\n          not_accepted: [方向性大改, 重写]\n        refund_ladder: copywriting",
        "个别字词）]\n          not_accepted: [方向性大改, 重写]\n        refund_ladder: copy-writing",
    ),
    ("clients/yunfan-tech.yaml", "credit: 良好", "credit: 很好"),
]


@pytest.mark.parametrize(("rel", "old", "new"), MISTAKES, ids=[f"{m[0]}:{m[2].split(chr(10))[-1].strip()}" for m in MISTAKES])
def test_a_mistake_is_marked_at_the_line_check_reports(server: LspClient, tmp_path: Path, rel: str, old: str, new: str) -> None:
    root = _editor_workspace(FIXTURES / "agency", tmp_path)
    edit_file(root, rel, old, new)
    check_lines = {p.line for p in check_workspace(root).problems if p.file == rel and p.severity == "error"}
    editor_lines = {d["range"]["start"]["line"] + 1 for d in server.open(root / rel)}
    assert check_lines, "check must report the mistake"
    assert editor_lines == check_lines


def test_service_completes_to_the_workspace_services(server: LspClient, sample: Path) -> None:
    deal = sample / "deals" / "2026-001-yunfan-launch.yaml"
    server.open(deal)
    items = server.completion(deal, *_where(deal, "service: "))
    assert _labels(items) == ["wechat-article", "logo-design", "flyer-design", "poster-design", "copywriting"]
    assert [item.get("documentation", {}).get("value") for item in items][:2] == ["公众号文章", "LOGO 设计"]


@pytest.mark.parametrize(
    ("rel", "needle", "expected"),
    [
        ("deals/2026-001-yunfan-launch.yaml", "client: ", ["jingyi-parts", "mingcha-tea", "nordlicht-home", "yunfan-tech"]),
        # the line's service (logo-design) has standard and premium: those come first
        ("deals/2026-001-yunfan-launch.yaml", "tier: ", ["standard", "premium", "reprint", "original", "single", "double"]),
        ("rules/services.yaml", "refund_ladder: ", ["design", "copywriting"]),
    ],
)
def test_id_references_complete_to_real_ids_only(server: LspClient, sample: Path, rel: str, needle: str, expected: list[str]) -> None:
    path = sample / rel
    server.open(path)
    assert _labels(server.completion(path, *_where(path, needle))) == expected


def test_aftersales_services_complete_to_real_services(server: LspClient, sample: Path) -> None:
    path = sample / "rules" / "aftersales.yaml"
    text = path.read_text(encoding="utf-8")
    line, _ = _where(path, "    services: [")
    indent = " " * (text.splitlines()[line].index("services"))
    lines = text.splitlines()
    lines[line] = f"{indent}services:\n{indent}  - "
    edited = "\n".join(lines) + "\n"
    server.open(path, edited)
    items = server.completion(path, line + 1, len(indent) + 4)
    assert _labels(items) == ["wechat-article", "logo-design", "flyer-design", "poster-design", "copywriting"]


def test_a_new_quote_line_is_a_valid_snippet(server: LspClient, sample: Path) -> None:
    deal = sample / "deals" / "2026-001-yunfan-launch.yaml"
    text = deal.read_text(encoding="utf-8").replace("lines:\n", "lines:\n  - \n", 1)
    server.open(deal, text)
    line = text.splitlines().index("  - ")
    snippets = [i for i in server.completion(deal, line, 4) if "\n" in i.get("insertText", "")]
    assert [(s["label"], s["insertText"]) for s in snippets] == [("报价行 · Quote line", "service: $1\n  tier: $2\n  quantity: 1")]


@pytest.mark.parametrize(
    ("rel", "needle", "zh", "en"),
    [
        ("deals/2026-001-yunfan-launch.yaml", "  percent", "折扣比例（0-100，可写 5 或 5%）", "Discount percentage 0-100: write 5 or 5%"),
        ("rules/refunds.yaml", "  - id", "退款阶梯编号", "What a tier's refund_ladder names in services.yaml"),
        ("rules/aftersales.yaml", "  - id: source-file", "问题类别编号", "What a ticket's category names"),
        ("rules/presales.yaml", "  - id: scale", "维度编号", "The key under classification in a client file"),
        ("deals/2026-001-yunfan-launch.yaml", "  - service", "服务编号", "Service id"),
    ],
)
def test_hover_shows_the_property_s_own_text(server: LspClient, sample: Path, rel: str, needle: str, zh: str, en: str) -> None:
    path = sample / rel
    server.open(path)
    line, column = _where(path, needle)
    text = server.hover(path, line, column - 1)
    assert zh in text
    assert en in text
    assert "编号 · Identifier" not in text


def test_client_classification_and_needs_offer_their_keys(server: LspClient, sample: Path) -> None:
    path = sample / "clients" / "yunfan-tech.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("  credit: 良好\n", "  \n", 1).replace("  listing: 筹备上市，需要更规范的品牌资料与对外宣传\n", "  \n", 1)
    server.open(path, edited)
    lines = edited.splitlines()
    blank = [n for n, line in enumerate(lines) if line == "  "]
    assert _labels(server.completion(path, blank[0], 2)) == ["credit"]
    assert _labels(server.completion(path, blank[1], 2)) == ["listing", "scale", "capital", "technology", "management"]
    server.open(path, edited.replace("  \n", "  credit: \n", 1))
    assert _labels(server.completion(path, blank[0], 10)) == ["一般", "良好", "优秀"]


def test_a_percentage_out_of_range_is_explained_in_both_languages(server: LspClient, sample: Path) -> None:
    path = sample / "rules" / "refunds.yaml"
    text = path.read_text(encoding="utf-8")
    diagnostics = server.open(path, text.replace("percent: 80%", "percent: 170%", 1))
    assert [d["message"] for d in diagnostics] == ["百分比在 0 到 100 之间，写成 70 或 70% · A percentage is 0 to 100: write 70 or 70%"]
    assert server.open(path, text) == []
