"""salesdocs.policy.validated: a file's reading and schema check, remembered by its exact bytes."""

from __future__ import annotations

from salesdocs.policy.validated import read_validated

DEAL = b"id: 2026-009-x\nclient: acme\ndiscount:\n  percent: 170%\n"


def test_the_same_bytes_give_the_same_result_as_a_fresh_copy() -> None:
    first_doc, first_read, first_schema = read_validated(DEAL, "deals/2026-009-x.yaml", "deal")
    assert first_doc is not None and first_read == []
    assert ("out-of-range", 4) in [(p.code, p.line) for p in first_schema]
    first_doc.data["client"] = "changed by a caller"
    first_schema.clear()
    again_doc, _, again_schema = read_validated(DEAL, "deals/2026-009-x.yaml", "deal")
    assert again_doc is not None and again_doc is not first_doc
    assert again_doc.data["client"] == "acme" and ("out-of-range", 4) in [(p.code, p.line) for p in again_schema]


def test_other_bytes_name_or_kind_are_read_again() -> None:
    doc, _, schema = read_validated(DEAL.replace(b"170%", b"17%"), "deals/2026-009-x.yaml", "deal")
    assert doc is not None and "out-of-range" not in [p.code for p in schema]
    assert doc.data["discount"]["percent"] == "17%"
    _, _, other = read_validated(DEAL, "deals/2026-010-y.yaml", "deal")
    assert {p.file for p in other} == {"deals/2026-010-y.yaml"}
    broken, read_problems, schema = read_validated(b"id: [\n", "deals/2026-009-x.yaml", "deal")
    assert broken is None and read_problems and schema == []
