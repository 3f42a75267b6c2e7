"""The schemas as editors see them, without an editor: ``salesdocs schemas``, ``init``'s first copy,
``check``'s warning when the workspace's ``schemas/`` folder is stale, and the schema texts themselves.
(tests/test_editor_lsp.py drives yaml-language-server itself.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import REPO, edit_file

from salesdocs.policy.editor import read_ids, stale_schemas, write_schemas
from salesdocs.policy.ids import _ID_SHAPE
from salesdocs.policy.schema import SCHEMA_DIR
from salesdocs.workspace import check_workspace

NEW_SERVICE = """  - id: copywriting
    name: 文案撰写"""


def _schemas() -> dict[str, Any]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMA_DIR.glob("*.schema.json"))}


def _nodes(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (path, schema node) under ``node``."""
    found = [(path, node)] if isinstance(node, dict) else []
    if isinstance(node, dict):
        for key, sub in node.items():
            found.extend(_nodes(sub, f"{path}/{key}"))
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            found.extend(_nodes(sub, f"{path}/{i}"))
    return found


def test_schemas_writes_the_workspace_ids(minimal_workspace: Path, run_cli) -> None:
    result = run_cli("schemas", "-w", minimal_workspace)
    assert result.exit_code == 0
    assert result.out.splitlines()[0] == f"已更新 {len(list(SCHEMA_DIR.glob('*.schema.json')))} 个文件："
    ids = json.loads((minimal_workspace / "schemas" / "ids.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert {key: d.get("enum") for key, d in ids.items()} == {
        "service": ["logo-design"],
        "tier": ["standard"],
        "ladder": ["design"],
        "client": ["acme"],
        "category": ["design-style"],
        "classification": None,
        "needs": None,
        "line": None,
    }
    assert ids["line"]["allOf"][0]["then"]["properties"]["tier"]["enum"] == ["standard"]
    assert ids["service"]["markdownEnumDescriptions"] == ["LOGO 设计"]
    assert list(ids["needs"]["properties"]) == ["image"]
    again = run_cli("schemas", "-w", minimal_workspace, "--lang", "en")
    assert again.out == "schemas/ is up to date\n"


def test_check_warns_when_the_ids_are_stale_and_never_writes(minimal_workspace: Path, run_cli) -> None:
    write_schemas(minimal_workspace, read_ids(minimal_workspace).ids)
    ids_file = minimal_workspace / "schemas" / "ids.schema.json"
    before = ids_file.read_bytes()
    services = (minimal_workspace / "rules" / "services.yaml").read_text(encoding="utf-8")
    block = services[services.index("  - id: logo-design") :]
    (minimal_workspace / "rules" / "services.yaml").write_text(
        services + block.replace("id: logo-design", "id: poster-design", 1), encoding="utf-8"
    )
    (minimal_workspace / "clients" / "acme.yaml").rename(minimal_workspace / "clients" / "acme.yaml.bak")
    result = run_cli("check", "-w", minimal_workspace, "--lang", "both")
    assert ids_file.read_bytes() == before
    stale = [block for block in result.out.split("\n\n") if "stale-schema" in block]
    assert stale == []  # the deal now names a missing client: an error, so no stale warning yet
    (minimal_workspace / "clients" / "acme.yaml.bak").rename(minimal_workspace / "clients" / "acme.yaml")
    result = run_cli("check", "-w", minimal_workspace, "--format", "json", "--lang", "both")
    assert result.exit_code == 0
    problems = json.loads(result.out)
    assert [(p["file"], p["code"], p["severity"]) for p in problems if p["file"].startswith("schemas/")] == [
        ("schemas/ids.schema.json", "stale-schema", "warning")
    ]
    text = run_cli("check", "-w", minimal_workspace, "--lang", "both").out
    assert (
        "编辑器用的 schemas/ids.schema.json 已过期（新增服务 poster-design）：编辑器的补全、提示和检查会与 salesdocs check 不一致" in text
    )
    assert "schemas/ids.schema.json, which the editor reads, is out of date (new service poster-design)" in text
    assert "运行 salesdocs schemas 更新 schemas/ 文件夹（check 从不改动文件）" in text
    assert run_cli("check", "-w", minimal_workspace, "--strict").exit_code == 1
    assert ids_file.read_bytes() == before
    assert run_cli("schemas", "-w", minimal_workspace).out == "已更新 1 个文件：\n  schemas/ids.schema.json\n"
    assert [p.code for p in check_workspace(minimal_workspace).problems] == ["category-missing"]  # the new service's, not ours


def test_check_warns_about_an_old_copy_of_a_packaged_schema(minimal_workspace: Path) -> None:
    write_schemas(minimal_workspace, read_ids(minimal_workspace).ids)
    edit_file(
        minimal_workspace, "schemas/deal.schema.json", '"$ref": "ids.schema.json#/$defs/client"', '"$ref": "common.schema.json#/$defs/id"'
    )
    (minimal_workspace / "schemas" / "ids.schema.json").unlink()
    problems = check_workspace(minimal_workspace).problems
    assert [(p.file, p.code, p.en) for p in problems] == [  # in file order
        (
            "schemas/deal.schema.json",
            "stale-schema",
            "1 file(s) in schemas/, which the editor reads, differ from salesdocs' own (deal.schema.json): "
            "the editor's completion, help and checks will disagree with salesdocs check",
        ),
        (
            "schemas/ids.schema.json",
            "stale-schema",
            "schemas/ids.schema.json, which the editor reads, is missing or unreadable: "
            "the editor's completion, help and checks will disagree with salesdocs check",
        ),
    ]


def test_schemas_names_the_files_it_could_not_read(minimal_workspace: Path, run_cli) -> None:
    edit_file(minimal_workspace, "clients/acme.yaml", "id: acme", "id: Acme")
    result = run_cli("schemas", "-w", minimal_workspace, "--lang", "en")
    assert result.exit_code == 0
    assert result.out.splitlines()[-1] == (
        "note: clients/acme.yaml have errors, so their ids are not listed; run this again once salesdocs check is clean"
    )
    assert "enum" not in json.loads((minimal_workspace / "schemas" / "ids.schema.json").read_text(encoding="utf-8"))["$defs"]["client"]


def test_init_writes_the_ids_of_the_new_workspace(tmp_path: Path, run_cli) -> None:
    assert run_cli("init", tmp_path / "new").exit_code == 0
    ids = json.loads((tmp_path / "new" / "schemas" / "ids.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert ids["client"]["enum"] == ["example-client"]
    assert stale_schemas(tmp_path / "new", read_ids(tmp_path / "new").ids) == []


def test_the_sample_s_editor_schemas_are_current() -> None:
    """The repository root is the sample workspace: its committed ids.schema.json lists its ids."""
    found = read_ids(REPO)
    assert found.left_out == ()
    assert stale_schemas(REPO, found.ids) == []


def test_check_validates_ids_by_shape_not_by_the_editor_s_list(minimal_workspace: Path) -> None:
    """An id the editor's copy does not list yet is not a schema error: check's own checks name unknown ids."""
    write_schemas(minimal_workspace, read_ids(minimal_workspace).ids)
    edit_file(minimal_workspace, "deals/2026-001-acme-logo.yaml", "service: logo-design", "service: logo-desgin")
    problems = [p for p in check_workspace(minimal_workspace).problems if p.severity == "error"]
    assert [(p.file, p.line, p.code) for p in problems] == [("deals/2026-001-acme-logo.yaml", 7, "unknown-ref")]


def test_a_percentage_above_100_written_with_percent_is_one_problem(minimal_workspace: Path) -> None:
    edit_file(minimal_workspace, "deals/2026-001-acme-logo.yaml", "lines:", "discount:\n  percent: 170%\nlines:")
    problems = check_workspace(minimal_workspace).problems
    assert [(p.line, p.code, p.zh, p.en) for p in problems] == [
        (7, "out-of-range", "percent: 170% 大于最大值 100%", "percent: 170% is above the maximum 100%")
    ]
    assert (problems[0].hint_zh, problems[0].hint_en) == (
        "百分比要在 0% 到 100% 之间；是不是多打了一位，想写 70% 或 17%？",
        "a percentage here is between 0% and 100%; one digit too many — did you mean 70% or 17%?",
    )


def test_the_out_of_range_hint_names_only_percentages_that_fit(minimal_workspace: Path) -> None:
    edit_file(minimal_workspace, "deals/2026-001-acme-logo.yaml", "lines:", "discount:\n  percent: 100.5%\nlines:")
    (problem,) = check_workspace(minimal_workspace).problems
    assert (problem.code, problem.hint_zh, problem.hint_en) == (
        "out-of-range",
        "百分比要在 0% 到 100% 之间",
        "a percentage here is between 0% and 100%",
    )


def test_the_percent_pattern_accepts_exactly_0_to_100() -> None:
    import re

    pattern = re.compile(_schemas()["common.schema.json"]["$defs"]["percent"]["pattern"])
    for good in ("0%", "5%", "70%", " 99.5 %", "100%", "100.00%", "007%"):
        assert pattern.match(good), good
    for bad in ("170%", "100.5%", "101%", "1000%", "70", "-5%", "5 %%"):
        assert not pattern.match(bad), bad


def test_every_property_that_refers_to_a_definition_has_its_own_text() -> None:
    bare = [
        f"{name}{path}"
        for name, schema in _schemas().items()
        for path, node in _nodes(schema)
        if path.split("/")[-2:-1] == ["properties"] and "$ref" in node and not {"title", "description"} <= node.keys()
    ]
    assert bare == []


def test_every_snippet_has_a_label() -> None:
    unlabelled = [
        f"{name}{path}"
        for name, schema in _schemas().items()
        for path, node in _nodes(schema)
        for snippet in node.get("defaultSnippets", [])
        if not snippet.get("label")
    ]
    assert unlabelled == []


def test_id_references_use_the_workspace_ids() -> None:
    """No reference to another file's id falls back to common's id, whose only example is logo-design."""
    schemas = _schemas()
    refs = sorted(
        f"{name}{path}"
        for name, schema in schemas.items()
        for path, node in _nodes(schema)
        if "ids.schema.json" in str(node.get("$ref", ""))
    )
    assert refs == [
        "aftersales.schema.json/properties/categories/items/properties/services/items",
        "client.schema.json/properties/classification",
        "client.schema.json/properties/interests/items",
        "client.schema.json/properties/needs",
        "company.schema.json/properties/cases/items/properties/services/items",
        "contract.schema.json/properties/articles/items/properties/items/items/properties/when/properties/service",
        "contract.schema.json/properties/articles/items/properties/items/items/properties/when/properties/tier",
        "deal.schema.json/properties/client",
        "deal.schema.json/properties/lines/items/allOf/0",
        "deal.schema.json/properties/lines/items/properties/service",
        "deal.schema.json/properties/lines/items/properties/tier",
        "services.schema.json/properties/services/items/properties/tiers/items/properties/refund_ladder",
    ]
    common_id = schemas["common.schema.json"]["$defs"]["id"]
    assert {k: common_id[k] for k in _ID_SHAPE} == _ID_SHAPE


def test_old_copies_of_packaged_schemas_are_one_warning(minimal_workspace: Path) -> None:
    """A workspace from an older salesdocs: every copy differs, one warning names them all."""
    folder = minimal_workspace / "schemas"
    folder.mkdir()
    for name in ("client.schema.json", "deal.schema.json"):
        (folder / name).write_text("{}\n", encoding="utf-8")
    ids = read_ids(minimal_workspace).ids
    stale = stale_schemas(minimal_workspace, ids)
    assert [(p.file, p.zh) for p in stale] == [
        (
            "schemas/ids.schema.json",
            "编辑器用的 schemas/ids.schema.json 不存在或无法读取：编辑器的补全、提示和检查会与 salesdocs check 不一致",
        ),
        (
            "schemas/aftersales.schema.json",
            f"编辑器用的 schemas/ 里有 {len(list(SCHEMA_DIR.glob('*.schema.json'))) - 1} 个文件与 salesdocs 自带的版本不同"
            f"（{'、'.join(p.name for p in sorted(SCHEMA_DIR.glob('*.schema.json')) if p.name != 'ids.schema.json')}）"
            "：编辑器的补全、提示和检查会与 salesdocs check 不一致",
        ),
    ]


def test_the_out_of_range_hint_names_the_wording_that_prints_the_same_figure(minimal_workspace: Path) -> None:
    """A refund step's percent and its text print the same figure: the hint says where the text is, so
    one round of fixing (both, as the hint says) leaves check clean — not a second warning after."""
    rel = "rules/refunds.yaml"
    edit_file(minimal_workspace, rel, "percent: 50%, text", "percent: 500%, text")
    (problem,) = check_workspace(minimal_workspace).problems
    assert (problem.line, problem.code) == (9, "out-of-range")
    assert problem.hint_zh == "百分比要在 0% 到 100% 之间；是不是多打了一位，想写 50%？同一项第 9 行的 text 写着 50%，请一起改成同一个比例"
    assert problem.hint_en == (
        "a percentage here is between 0% and 100%; one digit too many — did you mean 50%? "
        "The same item's text on line 9 says 50%: change it to the same figure"
    )
    edit_file(
        minimal_workspace, rel, "percent: 500%, text: 不满意，退还该件退款基数的 50%", "percent: 50%, text: 不满意，退还该件退款基数的 50%"
    )
    assert check_workspace(minimal_workspace).problems == []
