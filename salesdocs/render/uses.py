"""Which workspace files a document is made from, found even when some of them are broken.

:func:`files_used` answers for the rule in :func:`salesdocs.workspace.blocking_errors`: a document
is made when none of the files it uses has errors, whatever the state of the others.  A target
named by the user may be a file with errors (then not in the partial workspace): it is found on
disk, so its own problems are reported instead of "unknown deal".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from salesdocs.model import Workspace
from salesdocs.render.inputs import CONTRACT_FILE
from salesdocs.render.kinds import DocumentKind


def _file_of(ws: Workspace, folder: str, ref: str | None) -> str | None:
    """The rel path of the client or deal ``ref`` (an id or a file path), valid or not; None when there is no such file."""
    if not ref:
        return None
    loaded = ws.deals if folder == "deals" else ws.clients
    if Path(ref).suffix.lower() in (".yaml", ".yml") and Path(ref).suffix != ".yaml":  # a file that is not read: its own error
        other = f"{folder}/{Path(ref).name}"
        return other if (ws.root / other).is_file() else None
    stem = Path(ref).stem if ref.endswith(".yaml") else ref
    if stem in loaded:
        return loaded[stem].rel
    for suffix in (".yaml", ".yml"):
        if (ws.root / folder / f"{stem}{suffix}").is_file():
            return f"{folder}/{stem}{suffix}"
    return None


def _deals_of_client(ws: Workspace, client_id: str) -> list[str]:
    """Every deal file naming the client, those with errors too (read from their source text)."""
    files = {d.rel for d in ws.deals.values() if d.client == client_id}
    names_client = re.compile(rb"^client:\s*['\"]?" + re.escape(client_id.encode()) + rb"['\"]?\s*(?:#.*)?$", re.MULTILINE)
    files.update(rel for rel, raw in ws.sources.items() if rel.startswith("deals/") and names_client.search(raw))
    return sorted(files)


def files_used(ws: Workspace, kind: DocumentKind, target: str | None, **options: Any) -> list[str]:
    """The rules files, client and deal files a document of ``kind`` for ``target`` reads."""
    used = [f.rel for f in ws.policy.files if kind is DocumentKind.APPENDIX or f.rel != CONTRACT_FILE]
    if kind.needs_deal:
        deal_file = _file_of(ws, "deals", target)
        deal = ws.deals.get(Path(deal_file).stem) if deal_file else None
        used += [f for f in (deal_file, _file_of(ws, "clients", deal.client if deal else None)) if f]
    elif kind.needs_client:
        client_file = _file_of(ws, "clients", target)
        used += [client_file] if client_file else []
        deal_ref = options.get("deal")
        if deal_ref:
            used += [f for f in (_file_of(ws, "deals", deal_ref),) if f]
        elif client_file:  # the pack shows the client's latest deal: a broken one must not be skipped silently
            used += _deals_of_client(ws, Path(client_file).stem)
    elif kind is DocumentKind.AFTERSALES:  # the report names the clients of the tickets
        used += sorted(rel for rel in ws.sources if rel.startswith("clients/"))
    return used
