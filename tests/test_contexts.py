"""Golden tests of document contexts: the plain data each template receives.

For the fixture agency workspace (``tests/fixtures/agency``): the intro, each deal's quote and
appendix, and each client's brief and handout (without after-sales records, and the brief of
one client once more with records generated and imported as ``make demo`` does).  Each context,
``prepare(ws, kind, target).context``, is written as JSON with sorted keys, Decimals as their
exact strings (``"6800"`` and ``"6800.00"`` differ) and dates as ISO strings, and compared with
``tests/golden/contexts/<kind>-<target>.json``.  A difference fails with a unified diff.

When a context changes on purpose, regenerate the files and review the diff before committing::

    SALESDOCS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_contexts.py
    git diff tests/golden/

Update mode is off unless that variable is ``1``; it rewrites changed files, creates missing
ones and deletes files no case produces, and the tests still pass.

The contexts keep their provenance (policy version and inputs hash).  The inputs hash covers
every input file, the packaged templates and the salesdocs version, so bumping the version or
editing any template changes the ``hash`` and ``short_hash`` lines of every golden file:
regenerate them then (the diff shows only those lines).
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from salesdocs.model import Workspace
from salesdocs.records.importer import import_csv
from salesdocs.records.sample import write_sample
from salesdocs.render.documents import prepare
from salesdocs.workspace import load_workspace

AGENCY = Path(__file__).resolve().parent / "fixtures" / "agency"
GOLDEN = Path(__file__).resolve().parent / "golden" / "contexts"
UPDATE = os.environ.get("SALESDOCS_UPDATE_GOLDEN") == "1"
RECORDS_CLIENT = "yunfan-tech"


def _ids(folder: str) -> list[str]:
    # the agency's files are named after their ids
    return sorted(p.stem for p in (AGENCY / folder).glob("*.yaml"))


#: (kind, target, with records) — one golden file each
CASES: list[tuple[str, str | None, bool]] = [
    ("intro", None, False),
    *[(kind, deal, False) for deal in _ids("deals") for kind in ("quote", "appendix")],
    *[(kind, client, False) for client in _ids("clients") for kind in ("brief", "handout")],
    ("brief", RECORDS_CLIENT, True),
]


def golden_name(kind: str, target: str | None, records: bool) -> str:
    return "-".join([kind, *([target] if target else []), *(["records"] if records else [])]) + ".json"


def plain(value: object, where: str = "context") -> Any:
    """``value`` as JSON data; anything but plain data (dicts with str keys, lists, str, int,
    bool, None, Decimal, date) is a TypeError naming where it is."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"{where}: key {key!r} is not a string")
        return {key: plain(item, f"{where}.{key}") for key, item in value.items()}
    raise TypeError(f"{where}: {type(value).__name__} is not plain data")


def to_json(context: dict[str, Any]) -> str:
    return json.dumps(plain(context), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def compare(name: str, actual: str) -> None:
    """Compare with the golden file ``name``; in update mode, write it instead."""
    path = GOLDEN / name
    if UPDATE:
        if not path.is_file() or path.read_text(encoding="utf-8") != actual:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        return
    rerun = "SALESDOCS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_contexts.py"
    if not path.is_file():
        pytest.fail(f"no golden file {path.relative_to(GOLDEN.parent.parent)}; create it with: {rerun}", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if expected != actual:
        diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"golden/contexts/{name}", "context now", lineterm=""))
        shown = "\n".join(diff[:200]) + (f"\n… {len(diff) - 200} more diff lines" if len(diff) > 200 else "")
        pytest.fail(f"the {name[:-5]} context changed:\n{shown}\n\nif the change is intended: {rerun}", pytrace=False)


@pytest.fixture(autouse=True)
def _no_records_db_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALESDOCS_RECORDS_DB", raising=False)


@pytest.fixture(scope="module")
def agency(pristine_workspace: Path) -> Workspace:
    return load_workspace(pristine_workspace)


@pytest.fixture(scope="module")
def agency_with_records(pristine_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A copy of the agency with the generator's records imported (records/salesdocs.sqlite)."""
    root = tmp_path_factory.mktemp("records") / "ws"
    shutil.copytree(pristine_workspace, root)
    with pytest.MonkeyPatch.context() as env:
        env.delenv("SALESDOCS_RECORDS_DB", raising=False)
        ws = load_workspace(root)
        tickets, events = write_sample(ws, out=root.parent / "csv")
        import_csv(ws, tickets, "tickets")
        import_csv(ws, events, "events")
        yield ws


@pytest.mark.parametrize(("kind", "target", "records"), CASES, ids=[golden_name(*case)[:-5] for case in CASES])
def test_context_matches_golden(kind: str, target: str | None, records: bool, request: pytest.FixtureRequest) -> None:
    ws: Workspace = request.getfixturevalue("agency_with_records" if records else "agency")
    context = prepare(ws, kind, target).context
    if kind == "brief":
        assert (context["records"] is not None) is records
    compare(golden_name(kind, target, records), to_json(context))


def test_every_golden_file_belongs_to_a_case() -> None:
    expected = {golden_name(*case) for case in CASES}
    stale = sorted(p.name for p in GOLDEN.glob("*.json") if p.name not in expected)
    if UPDATE:
        for name in stale:
            (GOLDEN / name).unlink()
        return
    assert stale == [], f"golden files no case produces (remove them, or run with SALESDOCS_UPDATE_GOLDEN=1): {stale}"


def test_serialisation_is_exact_and_refuses_other_types() -> None:
    data = {"b": Decimal("6800"), "a": [Decimal("12800.00"), date(2026, 11, 20), None, True, 3]}
    assert to_json(data) == ('{\n  "a": [\n    "12800.00",\n    "2026-11-20",\n    null,\n    true,\n    3\n  ],\n  "b": "6800"\n}\n')
    with pytest.raises(TypeError, match=r"context\.a\[0\]: float is not plain data"):
        to_json({"a": [0.5]})
    with pytest.raises(TypeError, match=r"context: key 1 is not a string"):
        to_json({1: "x"})  # type: ignore[dict-item]
