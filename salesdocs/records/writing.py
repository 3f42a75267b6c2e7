"""Writing validated records: skip what is already recorded, then all rows in one transaction, or none.

* **One transaction** (:func:`salesdocs.records.store.write_transaction`: writers take turns, on
  SQLite and on PostgreSQL): a crash or a kill leaves the database as it was.
* **Idempotent**: rows carry an external id (the ``id`` column, or a stable hash of their
  content), ``UNIQUE`` in the table, so importing the same file twice adds nothing: the rows
  already recorded are counted as skipped (and reported as conflicts when their content
  differs).
* Rows whose id was erased on a person's request (table ``erased``, filled by the deletion
  procedure of docs/deployment.md) are skipped and counted: a later import of an old export does
  not bring them back.
* Events are checked against the recorded history inside the transaction, so two imports
  cannot interleave; the projects they touch are then refreshed from their events
  (:func:`salesdocs.records.store.refresh_projects`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from salesdocs.engine.response import ResponseRule, response_rule
from salesdocs.errors import ImportProblems, RecordsError, RowProblem
from salesdocs.model import Workspace
from salesdocs.records import store
from salesdocs.records.events import short
from salesdocs.records.project_checks import check_histories
from salesdocs.records.validating import TICKET_COLUMNS, Event, Ticket

__all__ = ["Batch", "ImportSummary", "dedupe", "write"]


@dataclass
class ImportSummary:
    kind: str
    source: str
    rows: int = 0  # data rows read (blank rows not counted)
    added: int = 0
    skipped: int = 0  # already recorded, or repeated in the same file
    erased: int = 0  # ids erased on request (table erased): not imported again
    conflicts: list[tuple[int | None, str]] = field(default_factory=list)  # (row, id): recorded with other content
    first: str | None = None
    last: str | None = None
    by_service: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    projects_new: int = 0
    projects_updated: int = 0
    import_id: int | None = None
    db: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "database": self.db,
            "rows": self.rows,
            "added": self.added,
            "skipped": self.skipped,
            "erased": self.erased,
            "conflicts": [{"row": r, "id": i} for r, i in self.conflicts],
            "first": self.first,
            "last": self.last,
            "by_service": self.by_service,
            "by_type": self.by_type,
            "projects_new": self.projects_new,
            "projects_updated": self.projects_updated,
            "import_id": self.import_id,
        }


_Item = TypeVar("_Item", Ticket, Event)
_FIRST = TICKET_COLUMNS.index("first_response_at")


def _existing(conn: store.Database, table: str, ids: Sequence[str]) -> dict[str, str]:
    """external id → row hash for the ids already recorded."""
    return dict(conn.select_in(f"SELECT external_id, row_hash FROM {table} WHERE external_id IN ({{ids}})", list(ids)))


def dedupe(items: list[_Item], problems: list[RowProblem], id_column: str) -> tuple[list[_Item], int]:
    """Drop rows repeated in the file (same id and content); a repeated id with other content is a problem."""
    seen: dict[str, _Item] = {}
    kept = []
    repeats = 0
    for item in items:
        other = seen.get(item.external_id)
        if other is None:
            seen[item.external_id] = item
            kept.append(item)
        elif other.row_hash == item.row_hash:
            repeats += 1
        else:
            problems.append(
                RowProblem(
                    item.row,
                    id_column,
                    f"编号 {item.external_id} 与第 {other.row} 行重复，但内容不同",
                    f"id {item.external_id} repeats row {other.row} with different content",
                )
            )
    return kept, repeats


def _unrecorded(conn: store.Database, table: str, items: list[_Item], summary: ImportSummary) -> list[_Item]:
    """The items not recorded yet and not erased on request; the others are skipped (conflicts when their
    content changed)."""
    kind = "tickets" if table == "tickets" else "events"
    erased = {
        row[0]
        for row in conn.select_in(
            f"SELECT external_id FROM erased WHERE kind = '{kind}' AND external_id IN ({{ids}})", [i.external_id for i in items]
        )
    }
    if erased:
        summary.erased = sum(1 for i in items if i.external_id in erased)
        items = [i for i in items if i.external_id not in erased]
    recorded = _existing(conn, table, [i.external_id for i in items])
    new = []
    for item in items:
        h = recorded.get(item.external_id)
        if h is None:
            new.append(item)
        else:
            summary.skipped += 1
            if h != item.row_hash:
                summary.conflicts.append((item.row, item.external_id))
    return new


@dataclass(frozen=True)
class Batch:
    """What one import writes: the validated tickets or events, and how their source is named and hashed."""

    kind: str  # tickets | events
    where: str  # the file as named in messages; "" for one entry on the command line
    sha: str
    col: Callable[[str], str]
    tickets: list[Ticket] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    source_kind: str | None = None  # as logged in imports (default: kind)
    broken: frozenset[str] = frozenset()  # projects with a row that failed validation


def write(ws: Workspace, conn: store.Database, batch: Batch, problems: list[RowProblem], summary: ImportSummary) -> ImportSummary:
    """Write the batch's new rows in one transaction; :class:`ImportProblems` (nothing written) on any problem."""
    with store.write_transaction(conn):
        if batch.kind == "tickets":
            rule = response_rule(ws.policy)
            store.ensure_derived(conn, rule, in_transaction=True)
            _write_tickets(conn, batch, rule, problems, summary)
        else:
            _write_events(ws, conn, batch, problems, summary)
    return summary


def _log_import(conn: store.Database, batch: Batch) -> int:
    row = conn.execute(
        "INSERT INTO imports (kind, source, sha256, imported_at, added, skipped) VALUES (?, ?, ?, ?, 0, 0) RETURNING id",
        (batch.source_kind or batch.kind, batch.where or "records add", batch.sha, datetime.now().isoformat(timespec="seconds")),
    ).fetchone()
    return int(row[0])


def _logged(conn: store.Database, summary: ImportSummary, import_id: int, added: int, times: list[str]) -> None:
    summary.added = added
    summary.import_id = import_id
    summary.first, summary.last = short(min(times)), short(max(times))
    conn.execute("UPDATE imports SET added = ?, skipped = ? WHERE id = ?", (summary.added, summary.skipped, import_id))


def _write_tickets(conn: store.Database, batch: Batch, rule: ResponseRule, problems: list[RowProblem], summary: ImportSummary) -> None:
    new = _unrecorded(conn, "tickets", batch.tickets, summary)
    _check_ticket_projects(conn, new, problems, batch.col)
    if problems:
        raise ImportProblems(batch.where, problems)
    if not new:
        return
    import_id = _log_import(conn, batch)
    derived = store.ticket_deriver(rule)
    conn.insert_rows(  # the write lock is held and these ids were not recorded: no conflict
        "tickets",
        ("external_id", "row_hash", *TICKET_COLUMNS, "import_id", "response_s", "response_due", "in_hours"),
        ((t.external_id, t.row_hash, *t.values, import_id, *derived(t.received_at, t.values[_FIRST])) for t in new),
    )
    inserted = conn.execute("SELECT COUNT(*) FROM tickets WHERE import_id = ?", (import_id,)).fetchone()[0]
    if inserted != len(new):  # cannot happen while we hold the write lock
        raise RecordsError(
            f"导入时数据库被并发修改（{inserted} ≠ {len(new)}）", f"the database changed during the import ({inserted} ≠ {len(new)})"
        )
    summary.by_service = dict(Counter(t.service for t in new).most_common())
    _logged(conn, summary, import_id, len(new), [t.received_at for t in new])


def _write_events(ws: Workspace, conn: store.Database, batch: Batch, problems: list[RowProblem], summary: ImportSummary) -> None:
    new = _unrecorded(conn, "project_events", batch.events, summary)
    projects, existing = check_histories(ws, new, conn, problems, set(batch.broken))
    if problems:
        raise ImportProblems(batch.where, problems)
    if not new:
        return
    import_id = _log_import(conn, batch)
    fresh = [p for pid, p in projects.items() if pid not in existing]
    conn.executemany(
        "INSERT INTO projects (id, deal, client, service, tier) VALUES (?, ?, ?, ?, ?)",
        ((p.id, p.deal, p.client, p.service, p.tier) for p in fresh),
    )
    new.sort(key=lambda e: (e.project, e.at, e.order))
    conn.executemany(
        "INSERT INTO project_events "
        "(external_id, row_hash, project_id, type, at, stage, paid_fen, refund_fen, note, import_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        ((e.external_id, e.row_hash, e.project, e.type, e.at, e.computed_stage, e.paid_fen, e.refund_fen, e.note, import_id) for e in new),
    )
    touched = sorted({e.project for e in new})
    store.refresh_projects(conn, touched)
    summary.projects_new = len(fresh)
    summary.projects_updated = len(touched) - len(fresh)
    summary.by_type = dict(Counter(e.type for e in new).most_common())
    _logged(conn, summary, import_id, len(new), [e.at for e in new])


def _check_ticket_projects(conn: store.Database, tickets: list[Ticket], problems: list[RowProblem], col: Callable[[str], str]) -> None:
    """A ticket naming a recorded project must agree with it on client and service."""
    ids = sorted({t.project for t in tickets if t.project})
    if not ids:
        return
    known: dict[str, tuple[str, str]] = {}
    for chunk in store.chunks(ids, 900):
        marks = ",".join("?" * len(chunk))
        for pid, client, service in conn.execute(f"SELECT id, client, service FROM projects WHERE id IN ({marks})", chunk):
            known[pid] = (client, service)
    for t in tickets:
        if t.project in known:
            client, service = known[t.project]
            if client != t.client:
                problems.append(
                    RowProblem(
                        t.row,
                        col("client"),
                        f"项目 {t.project} 的客户是 {client}，这里是 {t.client}",
                        f"project {t.project} is for client {client}, here {t.client}",
                    )
                )
            if service != t.service:
                problems.append(
                    RowProblem(
                        t.row,
                        col("service"),
                        f"项目 {t.project} 的服务是 {service}，这里是 {t.service}",
                        f"project {t.project} is for service {service}, here {t.service}",
                    )
                )
