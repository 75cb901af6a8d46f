"""A config as of a moment, and what a plan says about that moment.

``config_at`` gives every number its desired state at the moment: its base keys with
the first active override's keys on top. It runs before the conductor, so the planner,
the routing model and the saved-plan checks see one desired state and know nothing of
dates. ``moment_data`` is what a plan records: the moment, the overrides active (with
when each stops being the one) and ``next_change_at``, per account and overall.

A moment given without an offset (``--at 2026-12-31T20:00``) is each account's local
time; one with an offset, or the default (now), is one instant for all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from telconf.dates import moments, select
from telconf.dates.build import number_fields
from telconf.dates.model import Override
from telconf.core.errors import TelconfError
from telconf.core.model import Account, Config, is_managed


class BadAt(TelconfError):
    """``--at`` is not a moment."""


def parse_at(text: str | None) -> datetime:
    """``--at``: an ISO date or date-time (without an offset: each account's local time), or now when None."""
    if text is None:
        return moments.now()
    stripped = text.strip()
    try:
        if len(stripped) == 10:
            return datetime.combine(date.fromisoformat(stripped), time(0, 0))
        return datetime.fromisoformat(stripped[:-1] + "+00:00" if stripped.endswith("Z") else stripped)
    except ValueError:
        raise BadAt(f"--at: {text!r} is not an ISO date (2026-12-31) or date-time (2026-12-31T20:00, "
                    "2026-12-31T17:00Z)") from None


def dated(when: str) -> datetime | None:
    """``when`` as a moment when it names a date (``2026-12-31T20:00``), None for a time of the week
    (``sat 12:00``: the number's own weekly settings, no override) or text that is no moment."""
    try:
        return parse_at(when)
    except BadAt:
        return None


def overrides_at(account: Account, at: datetime) -> dict[str, str]:
    """The name of the override that gives each number its state at ``at`` (numbers without one left out)."""
    return {item.number: item.override.name for item in account_moment(account, at).active}


def instant(at: datetime, zone_name: str) -> datetime:
    """``at`` as an instant (UTC) for an account of ``zone_name`` (a naive one is that zone's clock)."""
    return moments.parse(at, zone_name)


def number_at(base: Any, override: Override | None) -> Any:
    """The number with the override's keys on top (the keys it names replace the number's)."""
    if override is None or override.body is None:
        return base
    body = override.body
    keys = {name: getattr(body, name) for name in number_fields(body) if is_managed(getattr(body, name))}
    return replace(base, **keys) if keys else base


@dataclass(frozen=True)
class Active:
    """Override ``override`` gives number ``number`` its state until ``until`` (None: no end in sight)."""

    number: str
    override: Override
    until: datetime | None


@dataclass(frozen=True)
class AccountMoment:
    """An account as of a moment: the instant, the overrides active, the next change."""

    account: str
    zone: str
    at: datetime
    active: tuple[Active, ...]
    next_change: datetime | None


class _Choices:
    """Which override is active, and the next change, per distinct override list (a template's
    list repeats on every number that uses it: it is worked out once)."""

    def __init__(self, at: datetime, zone_name: str, calendar: str):
        self.at, self.zone, self.calendar = at, zone_name, calendar
        self._seen: dict[tuple[Override, ...], tuple[int | None, datetime | None]] = {}

    def __call__(self, overrides: tuple[Override, ...]) -> tuple[int | None, datetime | None]:
        found = self._seen.get(overrides)
        if found is None:
            found = (select.active(overrides, self.at, self.zone, self.calendar),
                     select.next_change(overrides, self.at, self.zone, self.calendar))
            self._seen[overrides] = found
        return found


def account_moment(account: Account, at: datetime) -> AccountMoment:
    """Which overrides of ``account`` are active at ``at``, and when the next one starts or ends."""
    when = instant(at, account.timezone)
    choose = _Choices(when, account.timezone, account.calendar)
    active, changes = [], []
    for number, overrides in account.overrides.items():
        index, change = choose(overrides)
        if change is not None:
            changes.append(change)
        if index is not None:
            active.append(Active(number, overrides[index], change))
    return AccountMoment(account.name, account.timezone, when, tuple(active), min(changes, default=None))


def account_at(account: Account, at: datetime) -> Account:
    """The account with each number's desired state at ``at``."""
    if not account.overrides:
        return account
    state = account_moment(account, at)
    numbers = dict(account.numbers)
    for item in state.active:
        if item.number in numbers:
            numbers[item.number] = number_at(numbers[item.number], item.override)
    return replace(account, numbers=numbers)


def config_at(config: Config, at: datetime) -> Config:
    """The config with every number's desired state at ``at`` (see the module docstring)."""
    return replace(config, accounts={name: account_at(a, at) for name, a in config.accounts.items()})


SWITCH_LOOKBACK = timedelta(days=7)


def switched_numbers(config: Config, at: datetime, lookback: timedelta = SWITCH_LOOKBACK) -> dict[str, set[str]]:
    """Per account, the numbers whose last date switch in the ``lookback`` before ``at`` changed their settings.

    What a plan does on them is (also) that switch, reviewed when the override was merged:
    the mass-delete rule does not count their deletes (entering a holiday override that
    keeps one forward of three deletes two on every number). ``config`` is the config as
    written (not resolved). A week back covers a pipeline that missed some runs; after a
    longer outage the rule counts them again, and a person looks (``--force``).
    """
    found: dict[str, set[str]] = {}
    for account in config.accounts.values():
        when = instant(at, account.timezone)
        last: dict[tuple[Override, ...], select.Switch | None] = {}
        for number, overrides in account.overrides.items():
            if overrides not in last:
                switches = list(select.switches(overrides, when - lookback, when, account.timezone, account.calendar))
                last[overrides] = switches[-1] if switches else None
            switch = last[overrides]
            base = account.numbers.get(number)
            if switch is None or base is None:
                continue
            if number_at(base, _own(overrides, switch.ending)) != number_at(base, _own(overrides, switch.starting)):
                found.setdefault(account.name, set()).add(number)
    return found


def _own(overrides: tuple[Override, ...], override: Override | None) -> Override | None:
    """The number's own override equal to ``override`` (an equal list of another number found it)."""
    return None if override is None else overrides[overrides.index(override)]


def has_overrides(config: Config) -> bool:
    """Whether any account of ``config`` has an override (plans then show their moment)."""
    return any(a.overrides for a in config.accounts.values())


def _both(moment: datetime, zone_name: str) -> dict[str, str]:
    return {"local": moments.local(moment, zone_name), "utc": moments.utc(moment)}


def moment_data(config: Config, at: datetime, *, given: bool) -> dict[str, Any]:
    """What a plan records of its moment (``plan.schema.json``: ``moment``).

    ``given``: the moment came from ``--at`` (not the clock).
    """
    accounts = [account_moment(a, at) for a in config.accounts.values()]
    changes = [a.next_change for a in accounts if a.next_change is not None]
    first = min(changes, default=None)
    return {
        "at": at.isoformat(timespec="seconds") if at.tzinfo is None else moments.utc(at),
        "given": given,
        "next_change_at": None if first is None else moments.utc(first),
        "accounts": [{
            "account": a.account,
            "timezone": a.zone,
            "at": _both(a.at, a.zone),
            "active": [{"number": x.number, "override": x.override.name, "kind": x.override.kind,
                        "until": None if x.until is None else _both(x.until, a.zone)} for x in a.active],
            "next_change_at": None if a.next_change is None else _both(a.next_change, a.zone),
        } for a in accounts],
    }
