"""The config side of dates: an account's ``calendar:`` and each number's ``overrides:``.

A provider's builder calls :func:`overrides` for each number with a function that builds
a number value from a mapping, the one it uses for the number itself: an override's body
is then checked exactly like a number (same errors, at the same kind of place), and the
date layer never knows what a provider's keys mean. It compares bodies field by field
(the fields a number value compares on, but its ``number``), which is all merging needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from telconf.config.context import Context
from telconf.config.source import Path
from telconf.dates import calendars, moments
from telconf.dates.model import Override
from telconf.core.model import UNMANAGED, is_managed

OVERRIDE_KEYS = frozenset({"name", "from", "until", "on", "dates"})
"""The keys of an override that say when it applies; every other key is a number's key."""

BodyBuilder = Callable[[Path, dict[str, Any]], Any]
"""``body(path, mapping)``: the provider's number value of the mapping at ``path`` (problems to the context)."""


def calendar(ctx: Context, path: Path, data: dict[str, Any]) -> str:
    """The account's holiday calendar (``ru``), "" without one; an unknown one is an error at its line."""
    value = data.get("calendar")
    if not isinstance(value, str) or not value.strip():
        return ""  # absent, or the schema reported it
    if not calendars.is_known(value):
        ctx.error(path + ("calendar",), f"unknown holiday calendar {value!r}; expected the country code of one "
                                        "the holidays package knows, e.g. ru", code="unknown-calendar")
        return ""
    return value.strip().lower()


def overrides(ctx: Context, path: Path, settings: dict[str, Any], base: Any, body: BodyBuilder, *,
              zone_name: str, calendar_name: str, now: datetime | None = None) -> tuple[Override, ...]:
    """The overrides of the number at ``path`` (``base`` is the number built from ``settings``).

    Problems go to ``ctx``: dates that are not dates, ``until`` not after ``from``, an override
    that ended (warning), two that overlap (warning), one that changes nothing (warning).
    """
    raw = settings.get("overrides")
    if not isinstance(raw, list):
        return ()
    # A template's list many numbers share, over the same base settings: built and checked
    # once (when it had no problem). Its bodies then carry the first such number's ``number``,
    # which merging never reads.
    key = ("overrides", id(raw), zone_name, calendar_name, _settings_of(base))
    known: tuple[Override, ...] | None = ctx.built.get(key) if raw else None
    if known is not None:
        return known
    problems = len(ctx.diagnostics)
    result = _overrides(ctx, path, raw, base, body, zone_name, calendar_name, now or moments.now())
    if len(ctx.diagnostics) == problems:
        ctx.built[key] = result
    return result


def _settings_of(base: Any) -> tuple[Any, ...]:
    return tuple(getattr(base, name) for name in number_fields(base)) if base is not None else ()


def _overrides(ctx: Context, path: Path, raw: list[Any], base: Any, body: BodyBuilder, zone_name: str,
               calendar_name: str, now: datetime) -> tuple[Override, ...]:
    zone_ok = moments.known_zone(zone_name)
    found: list[tuple[Override, Path]] = []
    names: dict[str, Path] = {}
    for index, item in enumerate(raw):
        where = path + ("overrides", index)
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue  # the schema reported it
        if item["name"] in names:
            line = ctx.mark(names[item["name"]])[0]
            ctx.error(where + ("name",), f"override {item['name']!r} is named twice for this number (also line "
                                         f"{line}); give each its own name", code="override-name")
        names[item["name"]] = where + ("name",)
        override = _override(ctx, where, item, body, zone_name if zone_ok else moments.DEFAULT_TIMEZONE,
                             calendar_name)
        if override is not None:
            found.append((override, where))
            _check_body(ctx, where, override, base)
            _check_expired(ctx, where, override, now, zone_name if zone_ok else moments.DEFAULT_TIMEZONE)
    _check_overlaps(ctx, found, zone_name if zone_ok else moments.DEFAULT_TIMEZONE)
    return tuple(override for override, _ in found)


def _override(ctx: Context, where: Path, item: dict[str, Any], body: BodyBuilder, zone_name: str,
              calendar_name: str) -> Override | None:
    keys = tuple(k for k in item if k not in OVERRIDE_KEYS)
    built = body(where, item)
    common = dict(name=item["name"], body=built, keys=keys, where=ctx.where(where))
    if item.get("on") == "holidays":
        for key in ("from", "until"):
            if key in item:
                ctx.error(where + (key,), f"{key}: does not go with on: holidays (whole holiday days); make a "
                                          "separate override for a date range", code="override-when")
        extra = _dates(ctx, where + ("dates",), item.get("dates"))
        if not calendar_name and not extra and not _has_problem_at(ctx, where):
            ctx.error(where + ("on",), "on: holidays needs the account's calendar: (e.g. calendar: ru) or a list "
                                       "of dates:", code="override-no-calendar")
        return Override(holidays=True, dates=extra, **common)
    if "on" in item:
        return None  # not `holidays`: the schema reported it
    missing = [key for key in ("from", "until") if key not in item]
    if missing:
        ctx.error(where + ("name",), f"override {item['name']!r} needs {' and '.join(missing)}: (a date range, "
                                     "until excluded), or on: holidays", code="override-when")
        return None
    start = _moment(ctx, where + ("from",), item["from"], zone_name)
    end = _moment(ctx, where + ("until",), item["until"], zone_name)
    if start is None or end is None:
        return None
    if end <= start:
        ctx.error(where + ("until",), f"until {_text(item['until'])} is not after from {_text(item['from'])}: the "
                                      "override would never apply (until is excluded)", code="override-range")
        return None
    return Override(start=start, end=end, **common)


def _has_problem_at(ctx: Context, where: Path) -> bool:
    mark = ctx.mark(where)
    return any((d.line, d.column) == mark for d in ctx.diagnostics)


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def _moment(ctx: Context, where: Path, value: Any, zone_name: str) -> datetime | None:
    try:
        return moments.parse(value, zone_name)
    except moments.BadMoment as exc:
        ctx.error(where, str(exc), code="override-date")
        return None


def _dates(ctx: Context, where: Path, value: Any) -> tuple[date, ...]:
    if not isinstance(value, list):
        return ()
    days = []
    for index, item in enumerate(value):
        text = _text(item)
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            ctx.error(where + (index,), f"{text!r} is not a date (2027-01-09)", code="override-date")
    return tuple(sorted(set(days)))


def number_fields(value: Any) -> tuple[str, ...]:
    """The fields of a provider's number value that hold its settings (compared ones, but ``number``)."""
    kind = type(value)
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = tuple(f.name for f in fields(value) if f.compare and f.name not in ("number", "overrides"))
    return found


_FIELDS: dict[type, tuple[str, ...]] = {}


def _check_body(ctx: Context, where: Path, override: Override, base: Any) -> None:
    """An override that changes nothing, or sets a key the number leaves alone (it would never be put back)."""
    body = override.body
    if body is None or base is None:
        return
    changed = [name for name in number_fields(body) if is_managed(getattr(body, name))
               and getattr(body, name) != getattr(base, name, UNMANAGED)]
    if not changed:
        ctx.warning(where + ("name",), f"override {override.name!r} changes nothing: the number already has these "
                                       "settings; remove it or give it the keys it should change",
                    code="override-no-change")
    loose = [name for name in changed if not is_managed(getattr(base, name, UNMANAGED))]
    for name in loose:
        ctx.warning(where + ("name",), f"override {override.name!r} sets {name}, which the number itself leaves "
                                       f"alone: when it ends, telconf does not put {name} back; give the number "
                                       f"its own {name}", code="override-unmanaged-key")


def _check_expired(ctx: Context, where: Path, override: Override, now: datetime, zone_name: str) -> None:
    if override.end is not None and override.end <= now:
        ctx.warning(where + ("until",), f"override {override.name!r} ended at {moments.shown(override.end, zone_name)}; "
                                        "remove it", code="override-expired")


def _check_overlaps(ctx: Context, found: Sequence[tuple[Override, Path]], zone_name: str) -> None:
    """Two date ranges of one number that share a moment: the first in the list wins there."""
    ranges = [(o, w) for o, w in found if o.start is not None and o.end is not None]
    for later_index, (later, where) in enumerate(ranges):
        for earlier, earlier_where in ranges[:later_index]:
            assert later.start and later.end and earlier.start and earlier.end
            start, end = max(later.start, earlier.start), min(later.end, earlier.end)
            if start < end:
                line = ctx.mark(earlier_where)[0]
                ctx.warning(where + ("name",), f"overrides {earlier.name!r} (line {line}) and {later.name!r} overlap "
                                               f"from {moments.shown(start, zone_name)} to "
                                               f"{moments.shown(end, zone_name)}; there {earlier.name!r} applies "
                                               "(the first in the list)", code="override-overlap")


def timezone_of(data: dict[str, Any]) -> str:
    """The account's ``timezone:`` as written (default Europe/Moscow); checked by the account header."""
    value = data.get("timezone")
    return value if isinstance(value, str) and value else moments.DEFAULT_TIMEZONE
