"""Which override is active at a moment: the edges, time zones (with and without DST), holidays, order."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from telconf.dates import calendars, moments
from telconf.dates.model import Override
from telconf.dates.select import active, next_change, switches

MSK, BERLIN = "Europe/Moscow", "Europe/Berlin"  # UTC+3 all year; CET/CEST


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def span(name: str, start: str, end: str, zone_name: str = MSK) -> Override:
    return Override(name, start=moments.parse(start, zone_name), end=moments.parse(end, zone_name))


NEW_YEAR = span("new-year", "2026-12-31", "2027-01-09")


def test_from_is_included_and_until_excluded() -> None:
    start, end = NEW_YEAR.start, NEW_YEAR.end
    assert start is not None and end is not None
    assert active([NEW_YEAR], start - timedelta(seconds=1), MSK, "") is None
    assert active([NEW_YEAR], start, MSK, "") == 0
    assert active([NEW_YEAR], end - timedelta(seconds=1), MSK, "") == 0
    assert active([NEW_YEAR], end, MSK, "") is None


def test_a_date_is_midnight_in_the_accounts_time_zone_not_utc() -> None:
    # 2026-12-31 00:00 in Moscow is 2026-12-30 21:00 UTC.
    assert active([NEW_YEAR], utc("2026-12-30T20:59:59"), MSK, "") is None
    assert active([NEW_YEAR], utc("2026-12-30T21:00:00"), MSK, "") == 0
    assert active([NEW_YEAR], utc("2027-01-08T20:59:59"), MSK, "") == 0
    assert active([NEW_YEAR], utc("2027-01-08T21:00:00"), MSK, "") is None


def test_a_zone_with_dst_takes_each_days_own_offset() -> None:
    # Berlin leaves winter time on 2027-03-28 (02:00 -> 03:00): that day has 23 hours.
    day = span("dst-day", "2027-03-28", "2027-03-29", BERLIN)
    assert day.start == datetime(2027, 3, 27, 23, 0, tzinfo=timezone.utc)  # midnight at +01:00
    assert day.end == datetime(2027, 3, 28, 22, 0, tzinfo=timezone.utc)  # midnight at +02:00
    assert day.end - day.start == timedelta(hours=23)
    assert active([day], utc("2027-03-27T22:59:59"), BERLIN, "") is None
    assert active([day], utc("2027-03-28T21:59:59"), BERLIN, "") == 0
    assert active([day], utc("2027-03-28T22:00:00"), BERLIN, "") is None
    # A local time written without an offset is read with the offset of its own date.
    assert moments.parse("2027-07-01T09:00", BERLIN) == datetime(2027, 7, 1, 7, 0, tzinfo=timezone.utc)
    assert moments.parse("2027-01-01T09:00", BERLIN) == datetime(2027, 1, 1, 8, 0, tzinfo=timezone.utc)


def test_an_offset_names_an_instant_whatever_the_zone() -> None:
    assert moments.parse("2026-12-31T20:00+00:00", MSK) == datetime(2026, 12, 31, 20, 0, tzinfo=timezone.utc)
    assert moments.parse("2026-12-31T20:00Z", MSK) == datetime(2026, 12, 31, 20, 0, tzinfo=timezone.utc)


def test_a_holiday_is_the_whole_local_day() -> None:
    holidays = Override("holidays", holidays=True)
    # 2027-06-12 (Russia Day; the 11th and 13th are working days) is 2027-06-11T21:00Z .. 2027-06-12T21:00Z.
    assert active([holidays], utc("2027-06-11T20:59:59"), MSK, "ru") is None
    assert active([holidays], utc("2027-06-11T21:00:00"), MSK, "ru") == 0
    assert active([holidays], utc("2027-06-12T20:59:59"), MSK, "ru") == 0
    assert active([holidays], utc("2027-06-12T21:00:00"), MSK, "ru") is None
    # The same instant is another local day in another zone (Vladivostok is UTC+10).
    assert active([holidays], utc("2027-06-12T15:00:00"), "Asia/Vladivostok", "ru") is None
    assert active([holidays], utc("2027-06-11T15:00:00"), "Asia/Vladivostok", "ru") == 0


def test_extra_dates_join_the_calendar_and_work_without_one() -> None:
    office = Override("closed", holidays=True, dates=(date(2027, 4, 15),))
    assert active([office], moments.parse("2027-04-15T12:00", MSK), MSK, "") == 0
    assert active([office], moments.parse("2027-04-16T12:00", MSK), MSK, "") is None
    assert active([office], moments.parse("2027-01-02T12:00", MSK), MSK, "") is None  # no calendar


def test_the_ru_calendar_of_a_year() -> None:
    days = calendars.days("ru", 2027)
    statutory = {date(2027, 1, d) for d in range(1, 9)} | {
        date(2027, 2, 23), date(2027, 3, 8), date(2027, 5, 1), date(2027, 5, 9), date(2027, 6, 12),
        date(2027, 11, 4)}
    assert statutory <= days
    assert date(2027, 1, 11) not in days and date(2027, 9, 1) not in days
    assert all(d.year == 2027 for d in days)
    assert calendars.is_known("ru") and calendars.is_known("RU") and not calendars.is_known("xx")


def test_the_first_active_override_in_list_order_wins() -> None:
    holidays = Override("holidays", holidays=True)
    moment = moments.parse("2027-01-05T10:00", MSK)  # both a holiday and inside the New Year range
    assert active([NEW_YEAR, holidays], moment, MSK, "ru") == 0
    assert active([holidays, NEW_YEAR], moment, MSK, "ru") == 0
    assert [NEW_YEAR, holidays][active([holidays, NEW_YEAR][::-1], moment, MSK, "ru") or 0].name == "new-year"
    assert active([holidays, NEW_YEAR], moments.parse("2026-12-31T10:00", MSK), MSK, "ru") == 0  # 31 Dec 2026: a day off
    assert active([span("later", "2027-01-05", "2027-01-06"), NEW_YEAR], moment, MSK, "") == 0


def test_next_change_skips_boundaries_that_change_nothing() -> None:
    holidays = Override("holidays", holidays=True)
    # Inside the New Year range, the holidays' midnights change nothing: the range ends first.
    assert next_change([NEW_YEAR, holidays], moments.parse("2027-01-02T10:00", MSK), MSK, "ru") == \
        moments.parse("2027-01-09", MSK)
    # 1-8 January are consecutive holidays: one change at their end.
    assert next_change([holidays], moments.parse("2027-01-02T10:00", MSK), MSK, "ru") == \
        moments.parse("2027-01-09", MSK)
    assert next_change([], moments.now(), MSK, "ru") is None
    assert next_change([span("past", "2020-01-01", "2020-01-02")], moments.now(), MSK, "") is None


def test_switches_list_starts_and_ends_in_order() -> None:
    found = list(switches([NEW_YEAR], moments.parse("2026-12-01", MSK), moments.parse("2027-02-01", MSK), MSK, ""))
    assert [(s.at, s.ending and s.ending.name, s.starting and s.starting.name) for s in found] == [
        (moments.parse("2026-12-31", MSK), None, "new-year"),
        (moments.parse("2027-01-09", MSK), "new-year", None),
    ]


@pytest.mark.parametrize("text", ["2026-02-30", "31.12.2026", "2026-12-31T25:00", "soon"])
def test_a_bad_moment_says_what_was_expected(text: str) -> None:
    with pytest.raises(moments.BadMoment, match="is not"):
        moments.parse(text, MSK)


def test_a_moment_with_a_date_is_dated_a_time_of_the_week_is_not() -> None:
    from telconf.dates.resolve import dated

    assert dated("2026-12-31T20:00") == datetime(2026, 12, 31, 20, 0)  # naive: each account's clock
    assert dated("2026-12-31T17:00Z") == datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc)
    assert dated("2027-01-01") == datetime(2027, 1, 1)
    assert dated("sat 12:00") is None and dated("mon 09:00") is None
