"""The one revision-counting rule (engine.revisions): which events count, and what a history adds up to."""

from __future__ import annotations

import pytest

from salesdocs.engine.revisions import (
    EVENT_TYPES,
    STAGED,
    ProjectEvent,
    ProjectState,
    Tally,
    counts_as_revision,
    derive,
)


def ev(etype: str, at: str, paid: int | None = None, refund: int | None = None) -> ProjectEvent:
    return ProjectEvent(etype, f"2026-10-{at}:00", paid, refund)


def test_only_a_delivered_revision_counts() -> None:
    assert [t for t in EVENT_TYPES if counts_as_revision(t)] == ["revision-delivered"]
    assert sorted(STAGED) == ["dissatisfied", "writer-changed"]


def test_no_events() -> None:
    assert derive([]) == ProjectState()
    assert derive([]).revisions_used == 0 and derive([]).accepted is None


def test_small_changes_and_declined_overhauls_are_not_counted() -> None:
    state = derive(
        [
            ev("started", "01 09:00", paid=300000),
            ev("draft-delivered", "02 17:00"),
            ev("revision-requested", "03 10:00"),
            ev("revision-delivered", "04 17:00"),
            ev("minor-change", "05 11:00"),
            ev("overhaul-requested", "05 15:00"),
            ev("minor-change", "06 11:00"),
            ev("revision-delivered", "07 17:00"),
            ev("dissatisfied", "08 10:00"),
        ]
    )
    assert (state.revisions_used, state.minor_changes, state.overhauls_declined) == (2, 2, 1)
    assert (state.dissatisfied_at, state.dissatisfied_stage) == ("2026-10-08 10:00:00", 2)
    assert (state.start, state.first_draft_at) == ("2026-10-01 09:00:00", "2026-10-02 17:00:00")
    assert (state.accepted, state.finished_at, state.paid_fen, state.refund_fen) == (None, None, 300000, None)


def test_the_stage_is_that_of_the_last_dissatisfaction() -> None:
    state = derive(
        [
            ev("draft-delivered", "02 17:00"),
            ev("dissatisfied", "03 10:00"),
            ev("writer-changed", "03 12:00"),
            ev("draft-delivered", "05 17:00"),
            ev("revision-delivered", "06 17:00"),
            ev("dissatisfied", "07 10:00"),
        ]
    )
    assert (state.dissatisfied_at, state.dissatisfied_stage, state.writer_changes_used) == ("2026-10-07 10:00:00", 1, 1)
    # no 'started' event: the project starts with its first event; the first draft is the first one
    assert (state.start, state.first_draft_at) == ("2026-10-02 17:00:00", "2026-10-02 17:00:00")


def test_refunds_add_up_and_finish_the_project() -> None:
    state = derive(
        [
            ev("started", "01 09:00", paid=100000),
            ev("draft-delivered", "02 17:00"),
            ev("dissatisfied", "03 10:00", paid=135050),  # the latest amount paid recorded counts
            ev("refund-paid", "04 10:00", refund=20000),
            ev("refund-paid", "05 10:00", refund=7010),
        ]
    )
    assert (state.paid_fen, state.refund_fen, state.refund_at) == (135050, 27010, "2026-10-05 10:00:00")
    assert (state.accepted, state.accepted_at, state.finished_at) == (False, None, "2026-10-05 10:00:00")


def test_acceptance_finishes_the_project() -> None:
    state = derive([ev("started", "01 09:00"), ev("draft-delivered", "02 17:00"), ev("accepted", "04 10:00")])
    assert (state.accepted, state.accepted_at, state.finished_at, state.dissatisfied_stage) == (
        True,
        "2026-10-04 10:00:00",
        "2026-10-04 10:00:00",
        None,
    )


def test_the_tally_event_by_event() -> None:
    tally = Tally()
    seen = []
    for e in [
        ev("started", "01 09:00"),
        ev("draft-delivered", "02 17:00"),
        ev("revision-delivered", "03 17:00"),
        ev("writer-changed", "04 10:00"),
        ev("draft-delivered", "05 17:00"),
        ev("dissatisfied", "06 10:00"),
    ]:
        seen.append((tally.stage(e.type), tally.drafts_since_writer_change))
        tally.apply(e)
    assert seen == [(None, 0), (None, 0), (None, 1), (1, 1), (None, 0), (1, 1)]
    assert tally.closed is None
    tally.apply(ev("accepted", "07 10:00"))
    assert tally.closed == ("accepted", "2026-10-07 10:00:00")
    assert tally.state().accepted is True and tally.state().finished_at == "2026-10-07 10:00:00"


@pytest.mark.parametrize("etype", EVENT_TYPES)
def test_every_event_type_is_understood(etype: str) -> None:
    state = derive([ev(etype, "01 09:00", paid=100, refund=50)])
    assert state.start == "2026-10-01 09:00:00" and state.paid_fen == 100
    assert state.revisions_used == (1 if etype == "revision-delivered" else 0)
    assert state.refund_fen == (50 if etype == "refund-paid" else None)
