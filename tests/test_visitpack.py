"""Visit pack with after-sales records: the brief shows the client's recent history."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from salesdocs.records.history import client_history
from salesdocs.records.importer import import_csv
from salesdocs.render.documents import prepare, render_prepared
from salesdocs.render.pdf import read_inputs_hash
from salesdocs.workspace import load_workspace

REPO = Path(__file__).resolve().parent.parent


def test_brief_lists_recorded_projects_and_tickets(tmp_path: Path) -> None:
    for folder in ("rules", "clients", "deals", "records"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.sqlite*"))
    ws = load_workspace(tmp_path)
    before = prepare(ws, "brief", "yunfan-tech")
    assert client_history(ws, "yunfan-tech") == (None, b"")
    import_csv(ws, tmp_path / "records/sample-tickets.csv", "tickets")
    import_csv(ws, tmp_path / "records/sample-events.csv", "events")
    pack_date = ws.deals["2026-001-yunfan-launch"].date  # the client's latest deal dates the pack
    history, digest = client_history(ws, "yunfan-tech", until=pack_date)
    assert history is not None and history["projects"] and history["tickets"] and digest
    everything, _ = client_history(ws, "yunfan-tech")
    later = [p["id"] for p in everything["projects"] if p["start"] > pack_date.isoformat()]
    assert later, "the sample records should hold projects after the pack date"
    prepared = prepare(ws, "brief", "yunfan-tech")
    assert prepared.inputs_hash != before.inputs_hash  # records are part of the brief's inputs
    out = render_prepared(ws, prepared, tmp_path / "out/brief.pdf")
    assert read_inputs_hash(out) == prepared.inputs_hash
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout)
    assert "最近的问题登记" in text
    for project in history["projects"]:
        assert project["id"] in text
    for project_id in later:  # recorded after the pack's date: not history yet
        assert project_id not in text
    for ticket in history["tickets"][:3]:
        assert ticket["received"].replace(" ", "") in text
        assert ticket["category"].replace(" ", "") in text
