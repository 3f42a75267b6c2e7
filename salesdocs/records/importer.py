"""Import after-sales records from the CSV a spreadsheet or helpdesk exports, or record one by hand.

* **Reading** (:mod:`~salesdocs.records.reading`): encodings (UTF-8 with or without BOM,
  GBK/GB18030, UTF-16), comma or tab, English or Chinese headers.
* **Validating** (:mod:`~salesdocs.records.validating`): every row against the workspace
  (known client, service, category that applies to the service, channel, tier, deal …) and,
  for project events, against the project's recorded history
  (:mod:`~salesdocs.records.project_checks`).  Any problem → :class:`ImportProblems` listing
  every one as ``FILE:ROW: column: problem`` (ROW is the spreadsheet row, the header being
  row 1) and **nothing** is imported.
* **Writing** (:mod:`~salesdocs.records.writing`): one transaction, or nothing; importing the
  same file twice adds nothing (rows already recorded are counted as skipped).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from salesdocs.errors import ImportProblems, RowProblem, UsageError
from salesdocs.model import Workspace
from salesdocs.records import store
from salesdocs.records.events import parse_datetime
from salesdocs.records.project_checks import check_histories
from salesdocs.records.reading import EVENT_FIELDS, KINDS, TICKET_FIELDS, decode, read_bytes, read_rows
from salesdocs.records.validating import Event, Lookup, Ticket, validate_event, validate_ticket
from salesdocs.records.writing import Batch, ImportSummary, dedupe, write

__all__ = [
    "EVENT_FIELDS",
    "TICKET_FIELDS",
    "ImportProblems",
    "ImportSummary",
    "RowProblem",
    "add_event",
    "add_ticket",
    "import_csv",
    "parse_datetime",
]


def import_csv(
    ws: Workspace,
    path: Path | str,
    kind: str,
    *,
    db: Path | str | None = None,
    where: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Validate every row of ``path`` and import them all in one transaction, or none.

    ``where`` is how the file is named in messages (default: the path as given).
    Raises :class:`ImportProblems` (nothing imported) or :class:`RecordsError`.
    """
    if kind not in KINDS:
        raise UsageError(f"未知的记录类型 {kind}；可选：tickets, events", f"unknown kind {kind}; choose one of: tickets, events")
    path = Path(path)
    where = where if where is not None else str(path)
    data = read_bytes(path, where)
    table = read_rows(decode(data, where), where, kind)
    lookup = Lookup(ws)
    problems: list[RowProblem] = []
    dbfile = store.db_path(ws.root, db)
    summary = ImportSummary(kind=kind, source=where, rows=len(table.rows), db=store.display(dbfile))
    tickets: list[Ticket] = []
    events: list[Event] = []
    broken: set[str] = set()  # projects with a row that failed validation: their history is not checked
    for order, (n, cells) in enumerate(table.rows):
        cell = table.getter(cells)
        if kind == "tickets":
            if (t := validate_ticket(cell, table.col, n, lookup, problems)) is not None:
                tickets.append(t)
        elif (e := validate_event(cell, table.col, n, ws, lookup, problems)) is not None:
            e.order = order
            events.append(e)
        else:
            broken.add(cell("project"))
    tickets, ticket_repeats = dedupe(tickets, problems, table.col("id"))
    events, event_repeats = dedupe(events, problems, table.col("id"))
    summary.skipped += ticket_repeats + event_repeats
    if progress:
        progress(f"validated {len(table.rows)} rows")
    if problems and isinstance(dbfile, Path) and not dbfile.is_file():
        if kind == "events":
            check_histories(ws, events, None, problems, broken)
        raise ImportProblems(where, problems)
    batch = Batch(kind, where, hashlib.sha256(data).hexdigest(), table.col, tickets, events, broken=frozenset(broken))
    conn = store.connect(dbfile)
    try:
        with store.reporting(conn):
            return write(ws, conn, batch, problems, summary)
    finally:
        conn.close()


def _add(ws: Workspace, kind: str, values: dict[str, str | None], db: Path | str | None) -> ImportSummary:
    fields = TICKET_FIELDS if kind == "tickets" else EVENT_FIELDS
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")

    def cell(name: str) -> str:
        return (values.get(name) or "").strip()

    def col(name: str) -> str:
        return "--" + name.replace("_", "-")

    problems: list[RowProblem] = []
    tickets: list[Ticket] = []
    events: list[Event] = []
    if kind == "tickets":
        if (t := validate_ticket(cell, col, None, Lookup(ws), problems)) is not None:
            tickets.append(t)
    elif (e := validate_event(cell, col, None, ws, Lookup(ws), problems)) is not None:
        events.append(e)
    dbfile = store.db_path(ws.root, db)
    summary = ImportSummary(kind=kind, source="records add", rows=1, db=store.display(dbfile))
    if problems and isinstance(dbfile, Path) and not dbfile.is_file():
        raise ImportProblems("", problems)
    sha = tickets[0].row_hash if tickets else events[0].row_hash if events else ""
    batch = Batch(kind, "", sha, col, tickets, events, source_kind="manual")
    conn = store.connect(dbfile)
    try:
        with store.reporting(conn):
            return write(ws, conn, batch, problems, summary)
    finally:
        conn.close()


def add_ticket(ws: Workspace, db: Path | str | None = None, **values: str | None) -> ImportSummary:
    """Record one ticket (fields as in :data:`TICKET_FIELDS`); a ticket already recorded is skipped."""
    return _add(ws, "tickets", values, db)


def add_event(ws: Workspace, db: Path | str | None = None, **values: str | None) -> ImportSummary:
    """Record one project event (fields as in :data:`EVENT_FIELDS`)."""
    return _add(ws, "events", values, db)
