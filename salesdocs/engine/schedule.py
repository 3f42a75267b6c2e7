"""Binding delivery dates, piece by piece.

The binding date of a line's first piece is the last day of its delivery window (its
``delivery_max``-th working day after the start); each further piece of the same line is due
``next_piece`` working days after the piece before it (a tier with ``next_piece: 0`` delivers
every piece on the same day).
"""

from __future__ import annotations

from datetime import date

from salesdocs.engine.calendar import DueDate, WorkCalendar

__all__ = ["piece_deadlines"]


def piece_deadlines(calendar: WorkCalendar, start: date, delivery_max: int, next_piece: int, quantity: int) -> list[DueDate]:
    """The latest delivery date of each of ``quantity`` pieces counted from ``start``."""
    first = calendar.add_working_days(start, delivery_max)
    dates = [first]
    for _ in range(1, max(quantity, 1)):
        previous = dates[-1]
        if next_piece <= 0:
            dates.append(previous)
            continue
        step = calendar.add_working_days(previous.date, next_piece)
        dates.append(DueDate(step.date, previous.estimated or step.estimated))
    return dates
