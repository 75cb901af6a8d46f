"""Build a ``TeleumAccount`` from checked YAML: SIP lines, numbers and their forwards."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from telconf.config import common
from telconf.providers.teleum import DEFAULT_URL
from telconf.config.context import Context
from telconf.config.ignore import build_ignore, check_named
from telconf.config.source import Path
from telconf.dates import build as dates
from telconf.dates.model import Override
from telconf.core.model import UNMANAGED, Managed
from telconf.providers.teleum.model import (
    DAY_NAMES,
    Forward,
    Interval,
    SipLine,
    Target,
    TargetKind,
    TeleumAccount,
    TeleumCredentials,
    TeleumNumber,
    canonical_schedule,
)

_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])\Z")
_LINE = re.compile(r"[0-9]+\Z")


def build_teleum(ctx: Context, name: str, path: Path, data: dict[str, Any]) -> TeleumAccount:
    """The desired state of one Teleum account; problems go to ``ctx.diagnostics``."""
    ignore = build_ignore(ctx, path, data, ("sip_lines",))
    sip_lines = _sip_lines(ctx, path + ("sip_lines",), data["sip_lines"]) if "sip_lines" in data else UNMANAGED
    header = common.header(ctx, name, path, data, DEFAULT_URL)
    calendar = dates.calendar(ctx, path, data)
    numbers: dict[str, TeleumNumber] = {}
    overrides: dict[str, tuple[Override, ...]] = {}
    paths: dict[str, Path] = {}
    for wire, item, settings in common.numbers(ctx, path + ("numbers",), data.get("numbers")):
        numbers[wire] = TeleumNumber(wire, _forwards(ctx, item, settings, sip_lines),
                                     gap_intended=settings.get("gap_intended") is True,
                                     template=ctx.template_of(item), where=ctx.doc.key_place(data["numbers"], str(item[-1])))
        paths[wire] = item

        def body(where: Path, keys: dict[str, Any], wire: str = wire) -> TeleumNumber:
            return TeleumNumber(wire, _forwards(ctx, where, keys, sip_lines))

        found = dates.overrides(ctx, item, settings, numbers[wire], body, zone_name=header["timezone"],
                                calendar_name=calendar)
        if found:
            overrides[wire] = found
    _warn_loops(ctx, numbers, paths)
    return TeleumAccount(
        **header,
        credentials=TeleumCredentials(**common.credentials(ctx, path, data, TeleumCredentials)),
        sip_lines=sip_lines,
        numbers=numbers,
        ignore=ignore,
        calendar=calendar,
        overrides=overrides,
    )


def _sip_lines(ctx: Context, path: Path, lines: Any) -> dict[str, SipLine]:
    result: dict[str, SipLine] = {}
    for number, settings in (lines or {}).items():
        item = path + (number,)
        check_named(ctx, "sip_lines", str(number), item, key=True, what=f"line {number}")
        settings = settings or {}
        caller_id = settings.get("caller_id")
        password = settings.get("password")
        if isinstance(password, str) and not ctx.has_variable(password):
            if len(password) < 8:
                ctx.error(item + ("password",), "a SIP password needs at least 8 characters")
        result[str(number)] = SipLine(
            number=str(number),
            description=ctx.text(item + ("description",), settings.get("description")),
            email=ctx.email(item + ("email",), settings.get("email")),
            caller_id=ctx.phone(item + ("caller_id",), caller_id) if caller_id is not None else None,
            password=ctx.secret(item + ("password",), password, password=True) if password is not None else None,
        )
    return result


def _forwards(ctx: Context, path: Path, settings: dict[str, Any],
              sip_lines: Managed[Mapping[str, SipLine]]) -> Managed[tuple[Forward, ...]]:
    if "forwards" not in settings:
        return UNMANAGED
    raw = settings["forwards"]
    known: tuple[Forward, ...] | None = ctx.built.get(id(raw)) if raw else None
    if known is not None:
        return known  # a template's list many numbers share: built once (it had no problem)
    path = path + ("forwards",)
    problems = len(ctx.diagnostics)
    forwards = tuple(
        # A template's forward no parameter changes is one object in every number: built once.
        ctx.shared(forward, partial(_forward, ctx, path + (index,), forward, sip_lines))
        for index, forward in enumerate(raw or ())
        if isinstance(forward, dict)
    )
    if raw and len(ctx.diagnostics) == problems:
        ctx.built[id(raw)] = forwards
    return forwards


def _forward(ctx: Context, path: Path, data: dict[str, Any], sip_lines: Managed[Mapping[str, SipLine]]) -> Forward:
    target = _target(ctx, path + ("to",), data.get("to", ""), sip_lines)
    isolated = data.get("isolated", False) is True
    if isolated and target.kind is not TargetKind.SIP:
        ctx.error(path + ("isolated",), f"isolated: true applies to sip: targets only, not to {target.kind.value}:")
    return Forward(
        target=target,
        timeout=ctx.integer(data.get("timeout"), 20) or 20,
        caller_id=_caller_id(ctx, path + ("caller_id",), data.get("caller_id", "caller")),
        record=data.get("record", False) is True,
        music_on_hold=data.get("music_on_hold", False) is True,
        vpbx=data.get("vpbx", False) is True,
        isolated=isolated,
        schedule=ctx.shared(data.get("schedule"),
                            partial(_schedule, ctx, path + ("schedule",), data.get("schedule") or ())),
    )


def _target(ctx: Context, path: Path, text: Any, sip_lines: Managed[Mapping[str, SipLine]]) -> Target:
    """A forward target; its kind is written literally, its value is substituted once and then checked."""
    kind_text, _, written = str(text).partition(":")
    try:
        kind = TargetKind(kind_text)
    except ValueError:
        ctx.error(path, f"{text!r} is not a forward target; expected sip:<line>, tel:<phone>, "
                        "voicemail:<email> or fax:<email>")
        return Target(TargetKind.TEL, written)
    written = written.strip()
    if kind is TargetKind.TEL:
        return Target(kind, ctx.phone(path, written, what="phone number after tel:") or written)
    if kind in (TargetKind.VOICEMAIL, TargetKind.FAX):
        return Target(kind, ctx.email(path, written))
    value, known = ctx.substitute(path, written)
    if not _LINE.match(value):
        if known:
            ctx.error(path, f"{text!r}: expected a SIP line number after sip:, e.g. sip:101")
    elif isinstance(sip_lines, Mapping) and value not in sip_lines and not ctx.ignore.match("sip_lines", value):
        known_lines = ", ".join(sorted(sip_lines, key=lambda n: (len(n), n))) or "none"
        ctx.error(path, f"sip:{value} is not a line under sip_lines of this account (lines: {known_lines})")
    return Target(kind, value)


def _caller_id(ctx: Context, path: Path, value: Any) -> str:
    if value in ("caller", "group"):
        return str(value)
    return ctx.phone(path, value, what="caller_id (caller, group or a phone number)") or "caller"


def _schedule(ctx: Context, path: Path, items: Any) -> tuple[Interval, ...]:
    intervals = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        where = path + (index,)
        days = str(item.get("days", "mon-sun")).split("-")
        if not all(day in DAY_NAMES for day in days) or len(days) > 2:
            continue  # the schema reported it
        first, last = DAY_NAMES.index(days[0]) + 1, DAY_NAMES.index(days[-1]) + 1
        if first > last:
            ctx.error(where + ("days",), f"days {item['days']!r} run backwards; expected e.g. mon-fri "
                                         "(split a range over Sunday in two)")
        start = _minutes(item.get("from", "00:00"))
        end = _minutes(item.get("to", "23:59"))
        if start is None or end is None:
            continue
        if start > end:
            ctx.error(where + ("to",), f"to {item['to']!r} is before from {item.get('from', '00:00')!r}; "
                                       "split an overnight period in two")
        intervals.append(Interval(first, last, start, end))
    return canonical_schedule(intervals)


def _minutes(text: Any) -> int | None:
    match = _TIME.match(str(text))
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def _warn_loops(ctx: Context, numbers: Mapping[str, TeleumNumber], paths: Mapping[str, Path]) -> None:
    """Warn about numbers forwarding to each other in a circle (A -> tel:B, B -> tel:A)."""
    edges: dict[str, list[str]] = {}
    for number in numbers.values():
        if isinstance(number.forwards, tuple):
            edges[number.number] = [f.target.value for f in number.forwards
                                    if f.target.kind is TargetKind.TEL and f.target.value in numbers]
    reported: set[frozenset[str]] = set()
    for start in edges:
        for cycle in _cycles_from(start, edges):
            if frozenset(cycle) in reported:
                continue
            reported.add(frozenset(cycle))
            shown = " -> ".join(f"tel:{n}" for n in cycle + [cycle[0]])
            ctx.warning(paths[start],
                        f"forward loop between managed numbers: {shown}; calls may ring in circles", key=True,
                        code="forward-loop")


def _cycles_from(start: str, edges: Mapping[str, list[str]]) -> list[list[str]]:
    """Simple cycles through ``start`` (lists are short: a plain depth-first search)."""
    found: list[list[str]] = []
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        node, trail = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == start:
                found.append(trail)
            elif nxt not in trail and len(trail) < 16:
                stack.append((nxt, trail + [nxt]))
    return found
