"""What a document is made from: its exact inputs, their hash, and the prepared document.

A :class:`Prepared` document holds everything needed to write one PDF, computed without
WeasyPrint: template name, context (or a function that builds it), metadata and the
exact inputs with their hash.  The batch build compares ``inputs_hash`` with the hash
stored in an existing PDF before it builds any context.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any

from salesdocs.errors import RenderError
from salesdocs.model import Deal, Workspace
from salesdocs.version import __version__

PACKAGED_TEMPLATES = Path(__file__).resolve().parent.parent / "defaults" / "templates"
STYLESHEET = "base.css"
TEMPLATE_SUFFIXES = (".html", ".css", ".svg", ".png", ".jpg", ".ttf", ".otf", ".woff", ".woff2")


def template_dirs(ws_root: Path) -> list[Path]:
    """Workspace ``templates/`` first (overrides), packaged defaults second."""
    dirs = []
    local = ws_root / "templates"
    if local.is_dir():
        dirs.append(local)
    if PACKAGED_TEMPLATES.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(PACKAGED_TEMPLATES)
    return dirs


def template_files(ws_root: Path) -> dict[str, bytes]:
    """Every template file that can take part in a render, as the loader would pick it."""
    chosen: dict[str, bytes] = {}
    for folder in template_dirs(ws_root):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in TEMPLATE_SUFFIXES:
                name = path.relative_to(folder).as_posix()
                chosen.setdefault(name, path.read_bytes())
    return chosen


def find_stylesheet(ws_root: Path, name: str = STYLESHEET) -> Path:
    for folder in template_dirs(ws_root):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise RenderError(f"找不到样式表 {name}", f"stylesheet {name} not found")


CONTRACT_FILE = "rules/contract.yaml"


def inputs_of(
    ws: Workspace,
    deal: Deal | None = None,
    client_id: str | None = None,
    extra: Sequence[tuple[str, bytes]] = (),
    *,
    contract: bool = False,
) -> list[tuple[str, bytes]]:
    """The exact inputs of a document, as (name, bytes) in a stable order.

    ``rules/contract.yaml`` is an input of the appendix only (``contract=True``): rewording a
    clause changes the appendix and nothing else.
    """
    items: list[tuple[str, bytes]] = [(f.rel, ws.sources[f.rel]) for f in ws.policy.files if contract or f.rel != CONTRACT_FILE]
    client_id = client_id or (deal.client if deal else None)
    if client_id and (client := ws.client(client_id)) is not None:
        items.append((client.rel, ws.sources[client.rel]))
    if deal is not None:
        items.append((deal.rel, ws.sources[deal.rel]))
    items.extend((f"templates/{name}", data) for name, data in sorted(template_files(ws.root).items()))
    items.append(("salesdocs-version", __version__.encode()))
    if ws.policy.release is not None or ws.policy.draft:  # the working copy as it is adds nothing, as before releases
        items.append(("policy", f"release {ws.policy.release}".encode() if ws.policy.release else b"rules (draft)"))
    items.extend(extra)
    return items


def appendix_inputs(ws: Workspace, deal: Deal, lang: str) -> list[tuple[str, bytes]]:
    """What a deal's appendix in ``lang`` is made from (its PDF, its DOCX, and the redline's version check)."""
    return inputs_of(ws, deal, extra=[("doc-lang", lang.encode())], contract=True)


def hash_inputs(items: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in items:
        digest.update(name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def midnight(day: date) -> datetime:
    """A document's creation time: its own date at 00:00 UTC (reproducible, never the clock)."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class Prepared:
    """Everything needed to write one PDF, computed without WeasyPrint.

    ``build_context`` is the template context, or a function that builds it on first use
    of :attr:`context`: an incremental build compares ``inputs_hash`` first and never
    computes the context of a document that has not changed.
    """

    template: str
    build_context: Callable[[], dict[str, Any]] | dict[str, Any]
    title: str
    subject: str
    keywords: list[str]
    created: datetime
    inputs: list[tuple[str, bytes]]
    inputs_hash: str
    pdf_a: bool
    #: the workspace under the policy the document uses (a release, or the working copy marked 草稿);
    #: None: the workspace it was prepared from
    workspace: Workspace | None = None

    @cached_property
    def context(self) -> dict[str, Any]:
        return self.build_context() if callable(self.build_context) else self.build_context
