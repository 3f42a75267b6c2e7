"""Visit pack with after-sales records: the brief shows the client's recent history."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from salesdocs.records.history import client_history
from salesdocs.records.importer import import_csv
from salesdocs.records.sample import write_sample
from salesdocs.render.documents import prepare, render_prepared
from salesdocs.render.pdf import read_inputs_hash
from salesdocs.workspace import load_workspace


def test_brief_lists_recorded_projects_and_tickets(workspace: Path, tmp_path: Path) -> None:
    """The fixture agency with the records the sample generator makes for it (as ``make demo`` does for the sample)."""
    ws = load_workspace(workspace)
    before = prepare(ws, "brief", "yunfan-tech")
    assert client_history(ws, "yunfan-tech") == (None, b"")
    tickets, events = write_sample(ws, out=tmp_path / "csv")
    import_csv(ws, tickets, "tickets")
    import_csv(ws, events, "events")
    pack_date = ws.deals["2026-001-yunfan-launch"].date  # the client's latest deal dates the pack
    history, digest = client_history(ws, "yunfan-tech", until=pack_date)
    assert history is not None and history["projects"] and history["tickets"] and digest
    everything, _ = client_history(ws, "yunfan-tech")
    assert everything is not None
    later = [p["id"] for p in everything["projects"] if p["start"] > pack_date.isoformat()]
    assert later, "the generated records should hold projects after the pack date"
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
