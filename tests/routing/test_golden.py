"""Golden routes: each step kind of each provider, and the edges of a schedule."""

from __future__ import annotations

from pathlib import Path

import pytest

from telconf.core.model import UNMANAGED
from telconf.routing import route_at, week_of
from telconf.routing import text
from telconf.routing.moment import minute_of_week
from telconf.routing.week import when
from tests.routing.conftest import account, beeline, teleum

OFFICE = teleum("""\
    "+7 812 323-23-23":
      forwards:
        - to: sip:101
          timeout: 20
          record: true
          schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]
        - to: tel:+7 921 000-00-00
          timeout: 25
          caller_id: group
        - to: voicemail:office@example.com
        - to: sip:102
    "+7 812 323-23-24":
      forwards: [{to: fax:fax@example.com}]
    "+7 812 323-23-25":
      forwards:
        - to: sip:102
          schedule: [{days: sat-sun}]
    "+7 812 323-23-26": {}
    """)


def week_text(acc: object, number: str, caller: str | None = None) -> list[str]:
    return [f"{when(w)}  {text.route(w.value)}" for w in week_of(acc, number, caller)]  # type: ignore[arg-type]


def at(acc: object, number: str, moment: str, caller: str | None = None) -> str:
    return text.route(route_at(acc, number, minute_of_week(moment), caller))  # type: ignore[arg-type]


def test_teleum_week_rings_in_order_and_voicemail_answers(tmp_path: Path) -> None:
    office = account(tmp_path, OFFICE)
    assert week_text(office, "78123232323") == [
        "mon-fri 00:00–08:59  tel:+7 921 000-00-00 (25 s, caller id group) → voicemail:office@example.com",
        "mon-fri 09:00–18:00  sip:101 (20 s, recorded) → tel:+7 921 000-00-00 (25 s, caller id group)"
        " → voicemail:office@example.com",
        "mon-fri 18:01–23:59  tel:+7 921 000-00-00 (25 s, caller id group) → voicemail:office@example.com",
        "sat-sun  tel:+7 921 000-00-00 (25 s, caller id group) → voicemail:office@example.com",
    ]


def test_teleum_fax_none_and_unknown(tmp_path: Path) -> None:
    office = account(tmp_path, OFFICE)
    assert week_text(office, "78123232324") == ["mon-sun  fax:fax@example.com"]
    assert week_text(office, "78123232325") == ["mon-fri  none (not routed)", "sat-sun  sip:102 (20 s)"]
    assert office.numbers["78123232326"].forwards is UNMANAGED
    assert week_text(office, "78123232326") == ["mon-sun  unknown (not managed)"]
    assert week_text(office, "78123230000") == ["mon-sun  unknown (not managed)"]  # in no account


def test_teleum_steps_as_json(tmp_path: Path) -> None:
    office = account(tmp_path, OFFICE)
    steps = [s.to_data() for s in route_at(office, "78123232323", minute_of_week("mon 09:00"))]
    assert steps == [
        {"kind": "ring", "target": "sip:101", "seconds": 20, "caller_id": "caller", "recorded": True},
        {"kind": "ring", "target": "tel:79210000000", "seconds": 25, "caller_id": "group", "recorded": False},
        {"kind": "voicemail", "target": "voicemail:office@example.com", "seconds": None},
    ]


@pytest.mark.parametrize(("moment", "first"), [
    ("mon 08:59", "tel:"), ("mon 09:00", "sip:101"),  # the start is included
    ("fri 18:00", "sip:101"), ("fri 18:01", "tel:"),  # so is the end
    ("fri 17:59", "sip:101"), ("sat 09:00", "tel:"),  # a day range: mon-fri only
    ("sun 23:59", "tel:"), ("mon 00:00", "tel:"),
])
def test_schedule_edges(tmp_path: Path, moment: str, first: str) -> None:
    assert at(account(tmp_path, OFFICE), "78123232323", moment).startswith(first)


def test_midnight_edges(tmp_path: Path) -> None:
    night = account(tmp_path, teleum("""\
        "+7 812 323-23-23":
          forwards:
            - to: sip:101
              schedule: [{days: sun, from: "23:59", to: "23:59"}, {days: mon, from: "00:00", to: "00:00"}]
        """))
    assert at(night, "78123232323", "sun 23:58") == "none (not routed)"
    assert at(night, "78123232323", "sun 23:59") == "sip:101 (20 s)"
    assert at(night, "78123232323", "mon 00:00") == "sip:101 (20 s)"
    assert at(night, "78123232323", "mon 00:01") == "none (not routed)"
    assert week_text(night, "78123232323") == [
        "mon 00:00–00:00  sip:101 (20 s)", "mon 00:01–23:59  none (not routed)",
        "tue-sat  none (not routed)", "sun 00:00–23:58  none (not routed)", "sun 23:59–23:59  sip:101 (20 s)"]


HOTLINE = beeline("""\
    "+7 495 000-00-01":
      redirect: {to: "+7 916 000-00-01", caller_id: "+7 495 000-00-01"}
      premedia: {a: hello.wav, b: whisper.wav}
      record: true
    "+7 495 000-00-02":
      redirect: null
    "+7 495 000-00-03":
      record: true
    """, blacklists="""\
    active: 1
    lists:
      "1": [{numbers: ["+7 495 000-00-01"], block: ["+7 900 000-00-01", "+7 900 000-00-02"]}]
    """)


def test_beeline_block_greetings_redirect_recording(tmp_path: Path) -> None:
    hotline = account(tmp_path, HOTLINE)
    assert week_text(hotline, "74950000001") == [
        "mon-sun  blocks 2 callers (black list 1) → plays hello.wav to caller → tel:+7 916 000-00-01 "
        "(recorded, caller id +7 495 000-00-01) → plays whisper.wav to answering"]
    assert at(hotline, "74950000001", "tue 12:00", "79000000001") == \
        "blocked: tel:+7 900 000-00-01 is blocked (black list 1)"
    assert at(hotline, "74950000001", "tue 12:00", "79000000003").startswith("plays hello.wav to caller → tel:")


def test_beeline_reject_and_unknown(tmp_path: Path) -> None:
    hotline = account(tmp_path, HOTLINE)
    assert week_text(hotline, "74950000002") == ["mon-sun  reject"]
    assert week_text(hotline, "74950000003") == ["mon-sun  unknown (not managed)"]  # its redirect is not managed


def test_a_provider_without_a_router_is_routing_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from telconf.routing import hook

    monkeypatch.setattr(hook, "router_of", lambda account: None)
    office = account(tmp_path, OFFICE)  # loaded (and checked) without a router
    assert week_text(office, "78123232323") == ["mon-sun  unknown (not managed)"]


def test_a_full_date_time_is_converted_to_the_accounts_timezone(tmp_path: Path) -> None:
    assert minute_of_week("2026-12-07T06:30Z") == minute_of_week("mon 09:30")  # Moscow is UTC+3
    assert minute_of_week("2026-12-07T06:30Z", "Asia/Yekaterinburg") == minute_of_week("mon 11:30")
    assert minute_of_week("2026-12-07T09:30") == minute_of_week("mon 09:30")  # no offset: already local
    assert minute_of_week("2026-12-06T23:30-01:00", "Europe/Moscow") == minute_of_week("mon 03:30")
