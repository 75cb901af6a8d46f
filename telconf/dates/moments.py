"""Moments: ``--at`` and ``from``/``until`` as aware datetimes in an account's time zone.

A date alone is the local midnight that starts it; a date-time without an offset is
local time in the account's zone; one with an offset (``Z``, ``+03:00``) is that instant.
Midnight is taken in the account's zone, never in UTC, so that ``from: 2026-12-31``
begins the day the callers of that account live.

Every moment is kept in UTC: Python compares and subtracts two datetimes of the same zone
by their wall clocks (a DST day would last 24 hours), never two in UTC.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/Moscow"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class BadMoment(ValueError):
    """A text that is neither an ISO date nor an ISO date-time (the message says what was expected)."""


@functools.lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; an unknown one is ``ZoneInfoNotFoundError`` (or ``ValueError``)."""
    return ZoneInfo(name)


def known_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this system knows."""
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse(value: object, zone_name: str) -> datetime:
    """``value`` (a date, a datetime, or their ISO text; local to ``zone_name`` without an offset), in UTC."""
    return _parse(value, zone_name).astimezone(timezone.utc)


def _parse(value: object, zone_name: str) -> datetime:
    tz = zone(zone_name)
    if isinstance(value, datetime):
        return value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return midnight(value, zone_name)
    text = str(value).strip()
    if _DATE.match(text):
        try:
            return midnight(date.fromisoformat(text), zone_name)
        except ValueError:
            raise BadMoment(f"{text!r} is not a date (no such day)") from None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise BadMoment(f"{text!r} is not an ISO date (2026-12-31) or date-time (2026-12-31T20:00)") from None
    return moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)


def midnight(day: date, zone_name: str) -> datetime:
    """The moment local day ``day`` begins in ``zone_name`` (00:00, or the first minute a DST jump leaves), in UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=zone(zone_name)).astimezone(timezone.utc)


def local_day(moment: datetime, zone_name: str) -> date:
    """The day ``moment`` falls on in ``zone_name``."""
    return moment.astimezone(zone(zone_name)).date()


def day_span(day: date, zone_name: str) -> tuple[datetime, datetime]:
    """[start, end) of local day ``day``: 23 or 25 hours on a DST change."""
    return midnight(day, zone_name), midnight(day + timedelta(days=1), zone_name)


def now() -> datetime:
    """The current moment (UTC): the default of ``--at``."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def utc(moment: datetime) -> str:
    """``2026-12-31T17:00:00Z``."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def local(moment: datetime, zone_name: str) -> str:
    """``2026-12-31T20:00:00+03:00``: the moment as the account's clock shows it."""
    return moment.astimezone(zone(zone_name)).isoformat(timespec="seconds")


def shown(moment: datetime, zone_name: str) -> str:
    """``2026-12-31 20:00 Europe/Moscow``: for people."""
    return moment.astimezone(zone(zone_name)).strftime("%Y-%m-%d %H:%M") + f" {zone_name}"
