"""Which override of a number is active at a moment, when that next changes, and what changes in a window.

The active override is the first of the list (list order decides) whose range holds the
moment (``from`` included, ``until`` excluded) or, for ``on: holidays``, whose days hold
the moment's local day. Between two boundaries (an override's start or end, a holiday's
first or last minute) the choice is constant, so the next change is the first boundary
after which another override (or none) is chosen.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from telconf.dates import calendars
from telconf.dates.model import Override
from telconf.dates.moments import day_span, local_day

HORIZON = timedelta(days=800)  # how far ahead the next change is looked for (two New Years and more)


def covers(override: Override, moment: datetime, zone_name: str, calendar: str) -> bool:
    """Whether ``override`` is active at ``moment`` (in an account of ``zone_name`` and ``calendar``)."""
    if override.holidays:
        day = local_day(moment, zone_name)
        return day in override.dates or bool(calendar) and day in calendars.days(calendar, day.year)
    if override.start is None or override.end is None:
        return False
    return override.start <= moment < override.end


def active(overrides: Sequence[Override], moment: datetime, zone_name: str, calendar: str) -> int | None:
    """The index of the first active override at ``moment``, or None (the base keys apply)."""
    for index, override in enumerate(overrides):
        if covers(override, moment, zone_name, calendar):
            return index
    return None


def holiday_days(override: Override, first: date, last: date, calendar: str) -> list[date]:
    """The days of an ``on: holidays`` override between ``first`` and ``last`` (both included)."""
    found = {d for d in override.dates if first <= d <= last}
    if calendar:
        for year in range(first.year, last.year + 1):
            found.update(d for d in calendars.days(calendar, year) if first <= d <= last)
    return sorted(found)


def boundaries(override: Override, after: datetime, until: datetime, zone_name: str, calendar: str) -> set[datetime]:
    """The moments in (``after``, ``until``] at which ``override`` may start or stop being active."""
    if override.holidays:
        first, last = local_day(after, zone_name) - timedelta(days=1), local_day(until, zone_name)
        moments = {edge for day in holiday_days(override, first, last, calendar) for edge in day_span(day, zone_name)}
    else:
        moments = {m for m in (override.start, override.end) if m is not None}
    return {m for m in moments if after < m <= until}


def _candidates(overrides: Sequence[Override], after: datetime, until: datetime, zone_name: str,
                calendar: str) -> list[datetime]:
    found: set[datetime] = set()
    for override in overrides:
        found |= boundaries(override, after, until, zone_name, calendar)
    return sorted(found)


def next_change(overrides: Sequence[Override], moment: datetime, zone_name: str, calendar: str,
                horizon: timedelta = HORIZON) -> datetime | None:
    """The first moment after ``moment`` at which another override (or none) is active; None within ``horizon``."""
    if not overrides:
        return None
    now = active(overrides, moment, zone_name, calendar)
    for candidate in _candidates(overrides, moment, moment + horizon, zone_name, calendar):
        if active(overrides, candidate, zone_name, calendar) != now:
            return candidate
    return None


@dataclass(frozen=True)
class Switch:
    """At ``at``, a number goes from override ``ending`` to ``starting`` (None: its base keys)."""

    at: datetime
    ending: Override | None
    starting: Override | None


def switches(overrides: Sequence[Override], after: datetime, until: datetime, zone_name: str,
             calendar: str) -> Iterator[Switch]:
    """Every change of the active override in (``after``, ``until``], in time order."""
    if not overrides:
        return
    before = active(overrides, after, zone_name, calendar)
    for candidate in _candidates(overrides, after, until, zone_name, calendar):
        now = active(overrides, candidate, zone_name, calendar)
        if now != before:
            yield Switch(candidate, None if before is None else overrides[before],
                         None if now is None else overrides[now])
            before = now
