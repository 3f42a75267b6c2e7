"""Nothing internal in a client-facing document: canaries in every internal text field.

Every string the schemas mark ``x-audience: internal`` (client profile, needs, classification,
key people's roles and notes, entry point, talking points, pre-sales stage and method, deal
notes, the approver) is replaced by a unique canary.  The intro, each quote and appendix and
each handout must carry none of them — not in page text, metadata (info and XMP), outline or
any attachment — while the internal brief shows them.
"""

from __future__ import annotations

import contextlib
import zlib
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from salesdocs.policy.audience import dump_yaml, internal_paths, schema_kind
from salesdocs.policy.reader import read_yaml_bytes
from salesdocs.policy.schema import schema_document
from salesdocs.render.documents import render
from salesdocs.render.pdf import read_attachments
from salesdocs.workspace import load_workspace


def _free_text(node: Any) -> bool:
    """A schema node for free text (not an id, enum, date or number)."""
    return isinstance(node, dict) and node.get("type") == "string" and not ({"enum", "pattern", "format", "$ref", "const"} & node.keys())


def _plant(value: Any, node: Any, inside: bool, canaries: list[str]) -> Any:
    """Replace every free-text string under an internal mark by a fresh canary."""
    node = node if isinstance(node, dict) else {}
    inside = inside or node.get("x-audience") == "internal"
    if isinstance(value, dict):
        props = node.get("properties", {})
        return {k: _plant(v, props.get(k, {}), inside, canaries) for k, v in value.items()}
    if isinstance(value, list):
        return [_plant(v, node.get("items", {}), inside, canaries) for v in value]
    if inside and isinstance(value, str) and (_free_text(node) or not node):
        return _canary(value, canaries)
    return value


def _canary(original: str, canaries: list[str]) -> str:
    """The same text gets the same canary everywhere, so cross-file references still match
    (a client's classification level and the pre-sales method's list of levels)."""
    canary = f"CANARY{_SEEN.setdefault(original, len(_SEEN)):03d}X"
    if canary not in canaries:
        canaries.append(canary)
    return canary


_SEEN: dict[str, int] = {}


def _planted_workspace(root: Path) -> list[str]:
    canaries: list[str] = []
    for folder in ("rules", "clients", "deals"):
        for path in sorted((root / folder).glob("*.yaml")):
            rel = path.relative_to(root).as_posix()
            kind = schema_kind(rel)
            if not kind or not internal_paths(kind):
                continue
            doc, problems = read_yaml_bytes(path.read_bytes(), rel)
            assert doc is not None, problems
            data = _plant(doc.data, schema_document(kind), False, canaries)
            if kind == "deal" and "approver" not in data:
                data["approver"] = _canary(f"approver of {rel}", canaries)
            path.write_text(dump_yaml(data), encoding="utf-8")
    return canaries


def _everything_in(pdf: Path) -> str:
    """Page text, metadata, XMP, outline and every attachment (decompressed) of a PDF, as one text."""
    reader = PdfReader(str(pdf))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts.extend(f"{k}={v}" for k, v in (reader.metadata or {}).items())
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is not None:
        parts.append(metadata.get_object().get_data().decode("utf-8", "replace"))

    def outline(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                outline(item)
            else:
                parts.append(str(item.title))

    outline(reader.outline)
    for data in read_attachments(pdf).values():
        parts.append(data.decode("utf-8", "replace"))
    raw = pdf.read_bytes()
    parts.append(raw.decode("latin-1"))
    for chunk in raw.split(b"stream\n")[1:]:  # every compressed stream, decompressed
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(chunk.split(b"endstream")[0].strip()).decode("latin-1"))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory, pristine_workspace: Path) -> dict[str, Any]:
    import shutil

    root = tmp_path_factory.mktemp("canary") / "ws"
    shutil.copytree(pristine_workspace, root)
    canaries = _planted_workspace(root)
    ws = load_workspace(root)
    out = root / "out"
    client_facing = [render(ws, "intro", None, out / "intro.pdf")[0]]
    for deal in sorted(ws.deals):
        client_facing += render(ws, "quote", deal, out / f"quote-{deal}.pdf")
        client_facing += render(ws, "appendix", deal, out / f"appendix-{deal}.pdf")
    briefs = []
    for client in sorted(ws.clients):
        client_facing += render(ws, "handout", client, out / client / "handout.pdf")
        briefs += render(ws, "brief", client, out / client / "brief.pdf")
    return {"canaries": canaries, "client_facing": client_facing, "briefs": briefs}


def test_every_internal_field_was_planted(planted: dict[str, Any]) -> None:
    assert len(planted["canaries"]) >= 40  # profile, needs, notes, talking points, the whole pre-sales method …


def test_no_canary_in_any_client_facing_document(planted: dict[str, Any]) -> None:
    assert len(planted["client_facing"]) == 1 + 2 * 3 + 3
    for pdf in planted["client_facing"]:
        content = _everything_in(pdf)
        leaked = [c for c in planted["canaries"] if c in content]
        assert not leaked, f"{pdf.name} carries internal data: {leaked}"


def test_the_brief_keeps_the_internal_data(planted: dict[str, Any]) -> None:
    shown = "\n".join(page.extract_text() or "" for pdf in planted["briefs"] for page in PdfReader(str(pdf)).pages)
    found = [c for c in planted["canaries"] if c in shown]
    assert len(found) >= 30, found


def test_the_appendix_prints_the_hashes_of_what_the_client_receives(pristine_workspace: Path, tmp_path: Path) -> None:
    """The file table's hashes are those of the embedded client-facing parts: a hash of the raw
    terms.yaml would let anyone who knows its layout test guesses at the discount limit."""
    import hashlib

    ws = load_workspace(pristine_workspace)
    pdf = render(ws, "appendix", sorted(ws.deals)[0], tmp_path / "a.pdf")[0]
    text = "".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)
    attached = read_attachments(pdf)
    for name, data in attached.items():
        if name.startswith("rules__"):
            assert hashlib.sha256(data).hexdigest()[:12] in text, name
    raw_terms = (pristine_workspace / "rules" / "terms.yaml").read_bytes()
    assert hashlib.sha256(raw_terms).hexdigest()[:12] not in text
