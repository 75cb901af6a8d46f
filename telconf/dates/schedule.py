"""The coming changes of a config: when an override starts or ends on which number.

``telconf schedule`` prints them so that a scheduler (a CI pipeline schedule) can run
``telconf apply`` right after each; ``changes`` is the one computation, shared by the
text and JSON output. A moment at which one override ends and another starts on the
same number is one change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telconf.dates import moments, select
from telconf.dates.model import Override
from telconf.dates.resolve import instant
from telconf.core.model import Config

SCHEDULE_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Change:
    """At ``at``, number ``number`` of ``account`` goes from ``ending`` to ``starting`` (None: its own keys)."""

    at: datetime
    account: str
    zone: str
    number: str
    ending: Override | None
    starting: Override | None

    def describe(self) -> str:
        """``override 'new-year' starts``, ``override 'a' ends, 'b' starts``."""
        if self.ending and self.starting:
            return f"override {self.ending.name!r} ends, {self.starting.name!r} starts"
        if self.starting:
            return f"override {self.starting.name!r} starts"
        assert self.ending is not None
        return f"override {self.ending.name!r} ends: back to the number's own settings"


def changes(config: Config, after: datetime, until: datetime) -> Iterator[Change]:
    """Every change in (``after``, ``until``] of every account, in time order (then account, number)."""
    found: list[Change] = []
    for account in config.accounts.values():
        start, end = instant(after, account.timezone), instant(until, account.timezone)
        known: dict[tuple[Override, ...], list[select.Switch]] = {}
        for number, overrides in account.overrides.items():
            switches = known.get(overrides)
            if switches is None:
                switches = known[overrides] = list(select.switches(overrides, start, end, account.timezone,
                                                                   account.calendar))
            for switch in switches:
                # The switch of an equal list found on another number: this number's own overrides.
                ending = _same(overrides, switch.ending)
                starting = _same(overrides, switch.starting)
                found.append(Change(switch.at, account.name, account.timezone, number, ending, starting))
    yield from sorted(found, key=lambda c: (c.at, c.account, c.number))


def _same(overrides: tuple[Override, ...], override: Override | None) -> Override | None:
    return None if override is None else overrides[overrides.index(override)]


def window(at: datetime, days: float, since: timedelta) -> tuple[datetime, datetime]:
    """(after, until) of a schedule: from ``since`` before ``at`` to ``days`` after it."""
    return at - since, at + timedelta(days=days)


def to_data(found: list[Change], at: datetime, after: datetime, until: datetime) -> dict[str, Any]:
    """The schedule as JSON-able data (versioned): the window, and each change with whether it is due."""
    def both(moment: datetime, zone_name: str) -> dict[str, str]:
        return {"local": moments.local(moment, zone_name), "utc": moments.utc(moment)}

    def bound(moment: datetime) -> str:
        return moments.utc(moment) if moment.tzinfo else moment.isoformat(timespec="seconds")

    return {
        "format_version": SCHEDULE_FORMAT_VERSION,
        "at": bound(at),
        "from": bound(after),
        "until": bound(until),
        "due": sum(1 for c in found if c.at <= instant(at, c.zone)),
        "changes": [{
            "at": both(c.at, c.zone),
            "account": c.account,
            "number": c.number,
            "ending": None if c.ending is None else c.ending.name,
            "starting": None if c.starting is None else c.starting.name,
            "due": c.at <= instant(at, c.zone),
        } for c in found],
    }
