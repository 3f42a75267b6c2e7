"""One rule for a project's revisions: which events count, and what a project's history adds up to.

A project is a sequence of events in the order they happened (by time, then in the order they
were recorded).  Only a delivered revision (``revision-delivered``) counts against the
revisions a tier includes: a small-detail change (``minor-change``) is never counted, and a
directional overhaul (``overhaul-requested``) is declined by the policy, so it does not count
either.  The *stage* of a dissatisfaction or a writer change is the number of counted
revisions delivered before it.

Everything else a project's record shows (first draft, acceptance, the amount paid, refunds,
when it finished) follows from the same ordered events, in :class:`Tally`.  Pure Python: the
records store, the importer's history check and the project history all fold their events
through it; nothing here touches a database.  Amounts are integer fen, as the records keep
money (see :func:`salesdocs.engine.money.fen_to_yuan`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "COUNTED",
    "DECLINED",
    "EVENT_TYPES",
    "NOT_COUNTED",
    "STAGED",
    "ProjectEvent",
    "ProjectState",
    "Tally",
    "counts_as_revision",
    "derive",
]

#: Project event types, in the order a project usually goes through them.
EVENT_TYPES: tuple[str, ...] = (
    "started",
    "draft-delivered",
    "revision-requested",
    "revision-delivered",
    "minor-change",  # a small-detail change: not counted as a revision (revisions.not_counted)
    "overhaul-requested",  # a directional overhaul / rewrite: not accepted (revisions.not_accepted)
    "dissatisfied",
    "writer-changed",
    "accepted",
    "refund-paid",
)

#: The one event that counts as a revision.
COUNTED = "revision-delivered"
#: A small-detail change: recorded, never counted.
NOT_COUNTED = "minor-change"
#: A directional overhaul: declined by the policy, never counted.
DECLINED = "overhaul-requested"
#: Events that carry a stage (the counted revisions delivered before them).
STAGED: frozenset[str] = frozenset({"dissatisfied", "writer-changed"})


def counts_as_revision(event_type: str) -> bool:
    """True for the events that count against a tier's included revisions."""
    return event_type == COUNTED


@dataclass(frozen=True, slots=True)
class ProjectEvent:
    """One recorded event: its type, when (``YYYY-MM-DD HH:MM:SS``) and any amounts (fen)."""

    type: str
    at: str
    paid_fen: int | None = None
    refund_fen: int | None = None


@dataclass(frozen=True)
class ProjectState:
    """What a project's events add up to (the derived columns of the records' ``projects`` table)."""

    start: str | None = None  # the first 'started' event, else the first event
    first_draft_at: str | None = None
    revisions_used: int = 0  # counted revisions delivered
    minor_changes: int = 0
    overhauls_declined: int = 0
    writer_changes_used: int = 0
    accepted: bool | None = None  # True accepted, False refunded, None still running
    accepted_at: str | None = None
    dissatisfied_at: str | None = None  # the last dissatisfaction
    dissatisfied_stage: int | None = None  # counted revisions delivered before the last dissatisfaction
    paid_fen: int | None = None  # the latest amount paid recorded
    refund_fen: int | None = None  # refunds paid, total
    refund_at: str | None = None  # the last refund paid
    finished_at: str | None = None  # accepted_at, else refund_at


class Tally:
    """A project's state, event after event: :meth:`apply` each event in order.

    The importer checks each new event against the tally so far (:meth:`stage` gives the stage
    an event is recorded with) before applying it; :meth:`state` is the derived record.
    """

    def __init__(self) -> None:
        self.first_at: str | None = None
        self.started_at: str | None = None
        self.first_draft_at: str | None = None
        self.drafts_since_writer_change = 0
        self.revisions_used = 0
        self.minor_changes = 0
        self.overhauls_declined = 0
        self.writer_changes_used = 0
        self.accepted_at: str | None = None
        self.dissatisfied_at: str | None = None
        self.dissatisfied_stage: int | None = None
        self.paid_fen: int | None = None
        self.refund_fen: int | None = None
        self.refund_at: str | None = None

    def stage(self, event_type: str) -> int | None:
        """The stage an event of this type gets now (None for the types without one)."""
        return self.revisions_used if event_type in STAGED else None

    @property
    def closed(self) -> tuple[str, str] | None:
        """``("accepted", at)`` or ``("refund-paid", at)`` once the project has finished."""
        if self.accepted_at is not None:
            return ("accepted", self.accepted_at)
        if self.refund_at is not None:
            return ("refund-paid", self.refund_at)
        return None

    def apply(self, event: ProjectEvent) -> None:
        etype, at = event.type, event.at
        if self.first_at is None:
            self.first_at = at
        if event.paid_fen is not None:
            self.paid_fen = event.paid_fen
        if etype == "started":
            if self.started_at is None:
                self.started_at = at
        elif etype == "draft-delivered":
            if self.first_draft_at is None:
                self.first_draft_at = at
            self.drafts_since_writer_change += 1
        elif etype == COUNTED:
            self.revisions_used += 1
        elif etype == NOT_COUNTED:
            self.minor_changes += 1
        elif etype == DECLINED:
            self.overhauls_declined += 1
        elif etype == "writer-changed":
            self.writer_changes_used += 1
            self.drafts_since_writer_change = 0
        elif etype == "dissatisfied":
            self.dissatisfied_at = at
            self.dissatisfied_stage = self.revisions_used
        elif etype == "accepted":
            if self.accepted_at is None:
                self.accepted_at = at
        elif etype == "refund-paid":
            if event.refund_fen is not None:
                self.refund_fen = (self.refund_fen or 0) + event.refund_fen
            self.refund_at = at

    def state(self) -> ProjectState:
        accepted = True if self.accepted_at is not None else False if self.refund_at is not None else None
        return ProjectState(
            start=self.started_at if self.started_at is not None else self.first_at,
            first_draft_at=self.first_draft_at,
            revisions_used=self.revisions_used,
            minor_changes=self.minor_changes,
            overhauls_declined=self.overhauls_declined,
            writer_changes_used=self.writer_changes_used,
            accepted=accepted,
            accepted_at=self.accepted_at,
            dissatisfied_at=self.dissatisfied_at,
            dissatisfied_stage=self.dissatisfied_stage,
            paid_fen=self.paid_fen,
            refund_fen=self.refund_fen,
            refund_at=self.refund_at,
            finished_at=self.accepted_at if self.accepted_at is not None else self.refund_at,
        )


def derive(events: Iterable[ProjectEvent]) -> ProjectState:
    """The state a project's events (in the order they happened) add up to."""
    tally = Tally()
    for event in events:
        tally.apply(event)
    return tally.state()
