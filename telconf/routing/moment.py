"""``--at WHEN``: a minute of the week in the account's local time.

``mon 10:00`` is already local; an ISO date-time with an offset (``2026-12-07T10:00+03:00``,
``...Z``) is converted to the account's ``timezone:``; one without an offset is local.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telconf.routing.week import DAY, DAY_NAMES

_WEEKDAY = re.compile(r"\s*([a-z]+)\s+([01]?[0-9]|2[0-3]):([0-5][0-9])\s*\Z", re.IGNORECASE)
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_TIMEZONE = "Europe/Moscow"


YEARS = (1900, 9000)  # the dated moments telconf works with (``--at``, a route test's ``at``)


class BadMoment(ValueError):
    """``--at`` text that is neither ``mon 10:00`` nor an ISO date-time."""


def minute_of_week(when: str, timezone: str = DEFAULT_TIMEZONE) -> int:
    """The minute of the week (0 = Monday 00:00) ``when`` falls on, in ``timezone``."""
    match = _WEEKDAY.match(when)
    if match:
        word = match.group(1).lower()
        day = word[:3]
        if day not in DAY_NAMES or not _FULL_NAMES[DAY_NAMES.index(day)].startswith(word):
            raise BadMoment(f"{when!r}: unknown day {match.group(1)!r}; expected one of {', '.join(DAY_NAMES)}")
        return DAY_NAMES.index(day) * DAY + int(match.group(2)) * 60 + int(match.group(3))
    try:
        moment = datetime.fromisoformat(when.strip())
    except ValueError:
        raise BadMoment(f"{when!r} is not a moment; expected e.g. 'mon 10:00' or '2026-12-07T10:00+03:00'") from None
    # Time zones and holidays step days from it: near year 1 or 9999 that overflows.
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise BadMoment(f"{when!r} is outside the years {YEARS[0]}-{YEARS[1]}")
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone(timezone))
    return local_minute(moment)


def local_minute(moment: datetime) -> int:
    """The minute of the week of a local (wall-clock) date-time."""
    return moment.weekday() * DAY + moment.hour * 60 + moment.minute


def zone(name: str) -> ZoneInfo:
    """The time zone ``name`` (IANA); an unknown one is ``BadMoment``."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadMoment(f"unknown time zone {name!r}") from exc
