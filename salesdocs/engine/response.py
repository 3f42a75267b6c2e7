"""The first-response deadline of an after-sales message: the one place the policy's rule is applied.

``aftersales.response`` (see :class:`salesdocs.model.ServiceHours`): a message received *in
service hours* — on a service day (a working day, or any day for ``every-day``) at or after
``from`` and before ``to`` — is due within ``first_response_minutes``.  Any other message is
due at ``outside_hours.reply_by`` of the next service day, or of the same day when it came in
on a service day before ``from``.

The records store (``records/store.py``, one deadline per ticket, stored) and any document that states a
deadline call :meth:`ResponseRule.deadline`; nothing else restates the rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import metadata

from salesdocs.engine.calendar import WorkCalendar, calendar_for
from salesdocs.model import Policy, ServiceHours

__all__ = ["ResponseRule", "response_rule"]


@dataclass(frozen=True)
class ResponseRule:
    """The policy's response rule with the calendar that says which days are service days."""

    minutes: int
    hours: ServiceHours
    calendar: WorkCalendar

    def is_service_day(self, d: date) -> bool:
        return self.hours.days == "every-day" or self.calendar.is_working_day(d)

    def in_hours(self, received: datetime) -> bool:
        """Whether ``received`` falls in the service hours (the response minutes apply)."""
        return self.is_service_day(received.date()) and self.hours.start <= received.time() < self.hours.end

    def deadline(self, received: datetime) -> datetime:
        """When the first response to a message received at ``received`` is due."""
        if self.in_hours(received):
            return received + timedelta(minutes=self.minutes)
        day = received.date()
        if not (self.is_service_day(day) and received.time() < self.hours.start):
            day += timedelta(days=1)
            while not self.is_service_day(day):
                day += timedelta(days=1)
        return datetime.combine(day, self.hours.reply_by)

    def fingerprint(self) -> str:
        """Changes whenever a deadline may change: the minutes, the hours, the calendar's overrides
        and the official calendar data (stored records keep it next to the deadlines they hold)."""
        o = self.calendar.overrides
        parts = [
            str(self.minutes),
            self.hours.days,
            *(f"{t:%H:%M:%S}" for t in (self.hours.start, self.hours.end, self.hours.reply_by)),
            ",".join(sorted(d.isoformat() for d in o.holidays)),
            ",".join(sorted(d.isoformat() for d in o.workdays)),
            ",".join(str(y) for y in sorted(o.covered_years)),
            ",".join(str(y) for y in self.calendar.covered_years()),
            _official_version(),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _official_version() -> str:
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return "?"


def response_rule(policy: Policy) -> ResponseRule:
    """The policy's response rule on the policy's calendar (``rules/calendar.yaml`` included)."""
    a = policy.aftersales
    return ResponseRule(a.response_minutes, a.service_hours, calendar_for(policy))
