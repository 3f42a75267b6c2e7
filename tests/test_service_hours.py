"""Service hours as policy data: ``aftersales.response`` (days, from, to; reply_by outside hours).

``check`` locates every slip (schema: the ``HH:MM`` pattern, the ``days`` choice, the old prose
form; meaning: opening before closing, the reply-by time within the hours), the words every
document prints come from one function (``model.response_zh``), and the contract's placeholders
``{aftersales.response.service_hours}`` / ``{aftersales.response.outside_hours}`` print them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from salesdocs.model import ServiceHours, clock_zh, correction_zh, onsite_zh, response_zh
from salesdocs.policy.contract import policy_value
from salesdocs.workspace import load_workspace

AFTERSALES = "rules/aftersales.yaml"
HOURS = '  service_hours: {days: working-days, from: "09:00", to: "18:00"}\n'
REPLY = '  outside_hours: {reply_by: "10:00"}\n'
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def problems(run_cli: Callable[..., Any], root: Path) -> list[dict[str, Any]]:
    result = run_cli("check", "--workspace", root, "--format", "json")
    found: list[dict[str, Any]] = json.loads(result.out)
    return found


def where(found: list[dict[str, Any]]) -> list[tuple[int, int, str, str]]:
    return [(p["line"], p["column"], p["code"], p["severity"]) for p in found]


# ------------------------------------------------------------------------------ check


def test_closing_before_opening_is_an_error_at_to(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    root = make_workspace("minimal", (AFTERSALES, HOURS, HOURS.replace('to: "18:00"', 'to: "08:30"')))
    found = problems(run_cli, root)
    assert where(found) == [(6, 58, "service-hours-range", "error")]
    assert found[0]["file"] == AFTERSALES
    assert found[0]["message_zh"] == "服务时间：结束时刻 08:30 不晚于开始时刻 09:00"
    assert found[0]["message_en"] == "service hours: the closing time 08:30 is not after the opening time 09:00"
    assert found[0]["hint_en"].startswith("service hours cannot run past midnight")
    assert run_cli("check", "--workspace", root).exit_code == 1


def test_equal_times_are_no_service_hours(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    root = make_workspace("minimal", (AFTERSALES, HOURS, HOURS.replace('to: "18:00"', 'to: "09:00"')))
    assert where(problems(run_cli, root)) == [(6, 58, "service-hours-range", "error")]


@pytest.mark.parametrize(
    ("reply_by", "ok"),
    [("09:00", True), ("18:00", True), ("12:15", True), ("08:59", False), ("18:01", False)],
)
def test_reply_by_outside_the_service_hours_is_a_warning(
    make_workspace: Callable[..., Path], run_cli: Callable[..., Any], reply_by: str, ok: bool
) -> None:
    root = make_workspace("minimal", (AFTERSALES, REPLY, REPLY.replace("10:00", reply_by)))
    found = problems(run_cli, root)
    if ok:
        assert found == []
        return
    assert where(found) == [(7, 29, "reply-outside-hours", "warning")]
    assert found[0]["message_zh"] == f"服务时间外的首次回复期限 {reply_by} 不在服务时间 09:00—18:00 内，那时没有人值班回复"
    assert found[0]["message_en"] == (
        f"the outside-hours reply deadline {reply_by} is not within the service hours 09:00–18:00, when no one is on duty"
    )
    assert run_cli("check", "--workspace", root).exit_code == 0
    assert run_cli("check", "--workspace", root, "--strict").exit_code == 1


@pytest.mark.parametrize("written", ["9:00", "10", "10:5", "24:00", "10:60", "10点"])
def test_reply_by_must_be_hh_mm(make_workspace: Callable[..., Path], run_cli: Callable[..., Any], written: str) -> None:
    root = make_workspace("minimal", (AFTERSALES, REPLY, REPLY.replace('"10:00"', f'"{written}"')))
    found = problems(run_cli, root)
    assert where(found) == [(7, 29, "bad-format", "error")]
    assert found[0]["message_zh"] == f"reply_by: “{written}”格式不正确，应为首次回复期限（24 小时制 HH:MM）"
    assert found[0]["message_en"] == f"reply_by: '{written}' has the wrong format; expected First reply by (24-hour HH:MM)"


def test_unquoted_times_are_text_and_checked(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    """YAML 1.2 reads ``from: 9:00`` as text (not 540 minutes): the pattern catches the missing zero."""
    root = make_workspace("minimal", (AFTERSALES, HOURS, "  service_hours: {days: working-days, from: 9:00, to: 18:00}\n"))
    found = problems(run_cli, root)
    assert where(found) == [(6, 45, "bad-format", "error")]  # to: 18:00 unquoted is fine
    assert found[0]["message_en"] == "from: '9:00' has the wrong format; expected Opening time (24-hour HH:MM)"
    assert found[0]["hint_zh"] == "例如 09:00"


def test_days_is_a_choice(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    root = make_workspace("minimal", (AFTERSALES, HOURS, HOURS.replace("working-days", "workdays")))
    found = problems(run_cli, root)
    assert where(found) == [(6, 25, "not-allowed", "error")]
    assert found[0]["message_zh"] == "days: “workdays”不是允许的值，可选：working-days、every-day"
    assert found[0]["hint_en"] == "did you mean `working-days`?"


def test_the_old_prose_form_is_refused(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    root = make_workspace(
        "minimal",
        (AFTERSALES, HOURS + REPLY, '  service_hours: "9:00-18:00"\n  outside_hours: 下一个工作日 10:00 前首次回复\n'),
    )
    found = problems(run_cli, root)
    assert where(found) == [(6, 18, "wrong-type", "error"), (7, 18, "wrong-type", "error")]
    assert found[0]["message_en"] == "service_hours: expected a mapping (key: value), got the text '9:00-18:00'"


def test_outside_hours_is_required(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    """Without the outside-hours rule the report could not split the tickets: the file is incomplete."""
    root = make_workspace("minimal", (AFTERSALES, REPLY, ""))
    found = problems(run_cli, root)
    assert [(p["code"], p["message_en"]) for p in found] == [
        ("missing-field", "response is missing the required field outside_hours (Outside service hours)")
    ]


def test_the_new_after_sales_values_are_checked(make_workspace: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    root = make_workspace(
        "minimal",
        (AFTERSALES, "within_working_days: 2}", "within_working_days: 2, local_area: 杭州市}\ncorrection_days: 0"),
    )
    found = problems(run_cli, root)
    assert [(p["line"], p["code"], p["message_en"]) for p in found] == [(11, "out-of-range", "correction_days: 0 is below the minimum 1")]


# ------------------------------------------------------------------------------ words


def test_the_words_documents_print() -> None:
    hours = ServiceHours("working-days", time(9, 0), time(18, 30), time(10, 0))
    words = response_zh(30, hours)
    assert words.service_hours == "工作日 9:00—18:30"
    assert words.in_hours == "服务时间内 30 分钟内首次回复"
    assert words.reply_deadline == "下一个工作日 10:00 前"
    assert words.outside_hours == "下一个工作日 10:00 前首次回复"
    assert words.rule == "服务时间内 30 分钟内首次回复；服务时间外下一个工作日 10:00 前首次回复"
    every = response_zh(15, ServiceHours("every-day", time(8, 5), time(22, 0), time(9, 30)))
    assert (every.service_hours, every.outside_hours) == ("每天 8:05—22:00", "次日 9:30 前首次回复")
    assert clock_zh(time(0, 0)) == "0:00"
    assert (
        onsite_zh("远程无法解决的问题，上门解决", 2, "杭州市") == "远程无法解决的问题，上门解决（2 个工作日内）；杭州市内上门不收取差旅费"
    )
    assert onsite_zh("上门解决", None, "") == "上门解决"
    assert correction_zh(90) == "验收后 90 日内，因我方原因造成的错误免费更正"
    assert correction_zh(None) == ""


def test_the_agency_policy_as_read() -> None:
    a = load_workspace(FIXTURES / "agency").policy.aftersales
    assert a.service_hours == ServiceHours("working-days", time(9, 0), time(18, 30), time(10, 0))
    assert (a.onsite_local_area, a.correction_days) == ("杭州市", 90)
    assert len(a.duties) == 7
    minimal = load_workspace(FIXTURES / "minimal").policy.aftersales
    assert (minimal.onsite_local_area, minimal.correction_days, minimal.correction_zh) == ("", None, "")


# --------------------------------------------------------------------------- contract


def test_contract_placeholders_print_the_hours_in_words() -> None:
    data = {"aftersales": yaml.safe_load((FIXTURES / "agency" / AFTERSALES).read_text(encoding="utf-8"))}
    assert policy_value(data, "aftersales.response.service_hours") == ("工作日 9:00—18:30", None)
    assert policy_value(data, "aftersales.response.outside_hours") == ("下一个工作日 10:00 前首次回复", None)
    assert policy_value(data, "aftersales.onsite.local_area") == ("杭州市", None)
    assert policy_value(data, "aftersales.correction_days") == ("90", Decimal(90))
    data["aftersales"]["response"]["service_hours"]["days"] = "every-day"
    assert policy_value(data, "aftersales.response.service_hours") == ("每天 9:00—18:30", None)
    # a malformed file (check reports it) never crashes: no words, or the text as written
    data["aftersales"]["response"]["service_hours"]["days"] = "workdays"
    assert policy_value(data, "aftersales.response.service_hours") is None
    data["aftersales"]["response"]["outside_hours"] = "下一个工作日 10:00 前"
    assert policy_value(data, "aftersales.response.outside_hours") == ("下一个工作日 10:00 前", None)
