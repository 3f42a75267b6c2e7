"""After-sales duties, channels, service hours and the response rule in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Literal


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    services: tuple[str, ...]
    solution: str  # "" when the policy gives none
    name_en: str = ""


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    staffed: bool
    name_en: str = ""


ServiceDays = Literal["working-days", "every-day"]
#: how documents name the service days, and the next one
SERVICE_DAYS_ZH: dict[str, tuple[str, str]] = {"working-days": ("工作日", "下一个工作日"), "every-day": ("每天", "次日")}


@dataclass(frozen=True)
class ServiceHours:
    """When the agency answers within the response time (``aftersales.response``), and the rule outside.

    A message is *in hours* when it arrives on a service day at or after ``start`` and before
    ``end``.  Any other message is answered by ``reply_by`` on the next service day — or, when
    it arrives on a service day before ``start``, by ``reply_by`` that same day.  The rule is
    applied in one place: :meth:`salesdocs.engine.response.ResponseRule.deadline`.
    """

    days: ServiceDays
    start: time  # ``from``
    end: time  # ``to``, after ``start``
    reply_by: time  # ``outside_hours.reply_by``


@dataclass(frozen=True)
class ResponseZh:
    """The response rule in the words documents print (see :func:`response_zh`)."""

    service_hours: str  # 工作日 9:00—18:30
    in_hours: str  # 服务时间内 30 分钟内首次回复
    reply_deadline: str  # 下一个工作日 10:00 前
    outside_hours: str  # 下一个工作日 10:00 前首次回复
    rule: str  # 服务时间内 30 分钟内首次回复；服务时间外下一个工作日 10:00 前首次回复


def clock_zh(t: time) -> str:
    """``09:00`` → ``9:00`` (the hour without a leading zero, as Chinese documents write it)."""
    return f"{t.hour}:{t.minute:02d}"


def response_zh(minutes: int, hours: ServiceHours) -> ResponseZh:
    """The one place the service hours and the response rule become words."""
    days, next_day = SERVICE_DAYS_ZH[hours.days]
    deadline = f"{next_day} {clock_zh(hours.reply_by)} 前"
    in_hours = f"服务时间内 {minutes} 分钟内首次回复"
    outside = f"{deadline}首次回复"
    return ResponseZh(
        service_hours=f"{days} {clock_zh(hours.start)}—{clock_zh(hours.end)}",
        in_hours=in_hours,
        reply_deadline=deadline,
        outside_hours=outside,
        rule=f"{in_hours}；服务时间外{outside}",
    )


SERVICE_DAYS_EN: dict[str, tuple[str, str]] = {
    "working-days": ("on working days", "the next working day"),
    "every-day": ("every day", "the next day"),
}


def response_en(minutes: int, hours: ServiceHours) -> ResponseZh:
    """The response rule in English, the same fields as :func:`response_zh` (times as 9:00, 18:30)."""
    days, next_day = SERVICE_DAYS_EN[hours.days]
    deadline = f"by {clock_zh(hours.reply_by)} on {next_day}"
    in_hours = f"a first reply within {minutes} minutes during service hours"
    outside = f"the first reply is given {deadline}"
    return ResponseZh(
        service_hours=f"{clock_zh(hours.start)}–{clock_zh(hours.end)} {days}",
        in_hours=in_hours,
        reply_deadline=deadline,
        outside_hours=outside,
        rule=f"{in_hours}; outside service hours, a first reply {deadline}",
    )


def onsite_zh(rule: str, days: int | None, local_area: str) -> str:
    """``远程无法解决的问题，及时外出上门解决（2 个工作日内）；杭州市内上门不收取差旅费``"""
    text = rule + (f"（{days} 个工作日内）" if days else "")
    return text + (f"；{local_area}内上门不收取差旅费" if local_area else "")


def correction_zh(days: int | None) -> str:
    """``验收后 90 日内，因我方原因造成的错误免费更正`` ("" when the policy sets no period)."""
    return f"验收后 {days} 日内，因我方原因造成的错误免费更正" if days else ""


@dataclass(frozen=True)
class AfterSales:
    response_minutes: int
    service_hours: ServiceHours
    channels: tuple[Channel, ...]
    onsite_rule: str
    onsite_days: int | None
    onsite_local_area: str  # "" when the policy names no area without travel costs
    correction_days: int | None  # calendar days after acceptance; None when the policy sets none
    duties: tuple[tuple[str, str], ...]
    records_projects: str
    records_complaints: str
    categories: tuple[Category, ...]
    duties_en: tuple[str, ...] = ()  # the duties' text_en, in the same order ("" where missing)
    onsite_local_area_en: str = ""
    onsite_rule_en: str = ""

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def response_zh(self) -> ResponseZh:
        return response_zh(self.response_minutes, self.service_hours)

    @property
    def onsite_zh(self) -> str:
        return onsite_zh(self.onsite_rule, self.onsite_days, self.onsite_local_area)

    @property
    def correction_zh(self) -> str:
        return correction_zh(self.correction_days)
