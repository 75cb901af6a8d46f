"""Teleum payloads <-> model: read list answers tolerantly, build write parameters.

Reading follows the *tolerate* rules of CONTRACT 1: numbers as strings or ints, lists
in any order, ``direction`` with gaps, ``deleted`` tombstones, forward types and
caller-id kinds resolved by name. Anything that does not have the documented shape is
a ``BadResponse`` naming the call. Parameter builders resolve names back to this
account's ids; a name the account does not know is a ``PlanError``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from telconf.core import phones
from telconf.core.errors import BadResponse, PlanError
from telconf.providers.teleum.model import (
    ALWAYS,
    DAY_NAMES,
    Forward,
    Interval,
    SipLine,
    Target,
    TargetKind,
    canonical_schedule,
)

PROVIDER = "teleum"
TYPE_NAMES: dict[TargetKind, str] = {
    TargetKind.SIP: "SIP",
    TargetKind.TEL: "Телефон",
    TargetKind.VOICEMAIL: "Автоответчик",
    TargetKind.FAX: "Факс",
}
CALLER_KINDS = {"caller": "вызывающего", "group": "групповой"}
OWN_NUMBER = "свой"  # caller-id kind presenting one of the account's numbers (rcnid)


@dataclass(frozen=True)
class Catalog:
    """The account's ids, resolved by name: numbers, forward types, caller-id kinds, rcids."""

    numbers: Mapping[str, str]  # wire number -> number id (numberid / nid)
    types: Mapping[str, str]  # type name -> rtype id
    caller_kinds: Mapping[str, str]  # caller-id kind name -> rcid id
    rcids: Mapping[str, str]  # rcid id -> wire number it presents

    def type_id(self, kind: TargetKind) -> str:
        return self._need(self.types, TYPE_NAMES[kind], "forward type")

    def caller_kind_id(self, name: str) -> str:
        return self._need(self.caller_kinds, name, "caller-id kind")

    def rcid_of(self, wire: str) -> str:
        """The rcid id presenting ``wire``; a number the account cannot present is a PlanError."""
        for rcid, number in sorted(self.rcids.items()):
            if number == wire:
                return rcid
        raise PlanError(f"{phones.display(wire)} cannot be presented as caller id: it is not among the "
                        f"account's numbers (getRCIDs)")

    @staticmethod
    def _need(ids: Mapping[str, str], name: str, what: str) -> str:
        if name not in ids:
            raise PlanError(f"the account has no {what} named {name!r} (it has: {', '.join(ids) or 'none'})")
        return ids[name]


@dataclass(frozen=True)
class LiveForward:
    """A live forward: its id, its place (``direction``) and its settings."""

    id: str
    direction: int
    forward: Forward


@dataclass(frozen=True)
class LiveSipLine:
    """A live SIP line and its id (the password is never readable)."""

    id: str
    line: SipLine


@dataclass(frozen=True)
class TeleumLive:
    """What ``read`` found: ids, SIP lines, the next line number, managed numbers' forwards."""

    catalog: Catalog
    sip_lines: Mapping[str, LiveSipLine]  # line number -> line
    next_sip: int
    forwards: Mapping[str, tuple[LiveForward, ...]]  # wire number -> live forwards, in order
    # Forwards of numbers the config does not manage, read only when SIP lines are deleted.
    other_forwards: Mapping[str, tuple[LiveForward, ...]] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        """Normalised JSON-able form, for the fingerprint (wire values: it is hashed, not shown)."""
        catalog = self.catalog
        return {
            "catalog": {"numbers": dict(sorted(catalog.numbers.items())), "types": dict(sorted(catalog.types.items())),
                        "caller_kinds": dict(sorted(catalog.caller_kinds.items())),
                        "rcids": dict(sorted(catalog.rcids.items()))},
            "next_sip": self.next_sip,
            "sip_lines": {n: [s.id, s.line.description, s.line.email, s.line.caller_id]
                          for n, s in sorted(self.sip_lines.items())},
            "forwards": {w: [_forward_data(f) for f in fs]
                         for w, fs in sorted({**self.other_forwards, **self.forwards}.items())},
        }


def _forward_data(live: LiveForward) -> list[Any]:
    forward = live.forward
    return [live.id, str(forward.target), forward.timeout, forward.caller_id, forward.record,
            forward.music_on_hold, forward.vpbx, forward.isolated,
            [[i.first_day, i.last_day, i.start, i.end] for i in forward.schedule]]


def canonical(forward: Forward) -> Forward:
    """One spelling per behaviour: ``isolated`` only for SIP, schedule sorted and deduplicated.

    A forward already in that spelling (every one the config builds) is returned as it is:
    ``dataclasses.replace`` costs more than the rest of a no-op plan's diff of the forward.
    """
    isolated = forward.isolated and forward.target.kind is TargetKind.SIP
    schedule = canonical_schedule(forward.schedule)
    if isolated == forward.isolated and schedule == forward.schedule:
        return forward
    return replace(forward, isolated=isolated, schedule=schedule)


# --- reading ---------------------------------------------------------------------------


def items(payload: Any, key: str, call: str, *alternatives: str) -> list[dict[str, Any]]:
    """The list under ``key`` (or an alternative spelling); each entry must be an object."""
    if not isinstance(payload, dict):
        raise _bad(call, "the answer is not a JSON object")
    for name in (key, *alternatives):
        if name in payload:
            value = payload[name]
            break
    else:
        raise _bad(call, f"the answer has no {key!r} list")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _bad(call, f"{key!r} is not a list of objects")
    return value


def scalar(obj: Mapping[str, Any], key: str, call: str) -> str:
    """A required scalar field as text (numbers may come as JSON numbers or strings)."""
    value = obj.get(key)
    if value is None or isinstance(value, (dict, list, bool)):
        raise _bad(call, f"an entry has no usable {key!r}")
    return str(value).strip()


def number(obj: Mapping[str, Any], key: str, call: str, default: int | None = None) -> int:
    """A required (or defaulted) integer field."""
    if default is not None and obj.get(key) in (None, ""):
        return default
    text = scalar(obj, key, call)
    try:
        return int(text)
    except ValueError:
        raise _bad(call, f"{key!r} is not a number: {text[:20]!r}") from None


def flag(obj: Mapping[str, Any], key: str, call: str) -> bool:
    """A 0/1 flag as number or string; absent means 0."""
    return number(obj, key, call, default=0) == 1


def parse_numbers(payload: Any) -> dict[str, str]:
    """getConnectedNumbers: {wire number: number id}."""
    return {_wire(scalar(entry, "number", "getConnectedNumbers"), "getConnectedNumbers"):
            scalar(entry, "id", "getConnectedNumbers")
            for entry in items(payload, "numbers", "getConnectedNumbers")}


def parse_catalog(answers: Mapping[str, Any], numbers: Mapping[str, str] | None = None) -> Catalog:
    """The ids of the account from the answers of its four catalog calls.

    ``numbers`` is ``parse_numbers`` of the getConnectedNumbers answer, when already parsed.
    """
    numbers = dict(parse_numbers(answers["getConnectedNumbers"]) if numbers is None else numbers)
    rcids = {}
    for entry in items(answers["getRCIDs"], "rcids", "getRCIDs"):
        text = entry.get("number") or entry.get("numberform")
        rcids[scalar(entry, "id", "getRCIDs")] = _wire(str(text or ""), "getRCIDs")
    # An empty list where the account clearly has data is a broken answer, not an empty
    # account: planning from it would delete or refuse everything.
    if not numbers and rcids:
        raise _bad("getConnectedNumbers", "no connected number, yet getRCIDs lists the account's numbers")
    types = _names(answers["getForwardsTypes"], "forwardTypes", "getForwardsTypes")
    caller_kinds = _names(answers["getForwardsRCIDs"], "forwardRCIDs", "getForwardsRCIDs")
    if not types:
        raise _bad("getForwardsTypes", "the list of forward types is empty")
    if not caller_kinds:
        raise _bad("getForwardsRCIDs", "the list of caller-id kinds is empty")
    return Catalog(numbers=numbers, types=types, caller_kinds=caller_kinds, rcids=rcids)


def parse_next_sip(payload: Any) -> int:
    if not isinstance(payload, dict):
        raise _bad("getNextSIP", "the answer is not a JSON object")
    return number(payload, "num", "getNextSIP")


def parse_sip_lines(payload: Any, catalog: Catalog) -> dict[str, LiveSipLine]:
    """Live SIP lines by line number (``sips``, or ``spis`` as the documents also spell it)."""
    lines = {}
    for entry in items(payload, "sips", "getSIPs", "spis"):
        num = str(number(entry, "num", "getSIPs"))
        rcid = scalar(entry, "rcid", "getSIPs") if entry.get("rcid") not in (None, "") else "0"
        if rcid != "0" and rcid not in catalog.rcids:
            raise _bad("getSIPs", f"SIP line {num} presents rcid {rcid}, which getRCIDs does not list")
        lines[num] = LiveSipLine(
            id=scalar(entry, "id", "getSIPs"),
            line=SipLine(
                number=num,
                description=str(entry.get("descr") or ""),
                email=str(entry.get("email") or ""),
                caller_id=None if rcid == "0" else catalog.rcids[rcid],
            ),
        )
    return lines


def parse_forwards(payload: Any, catalog: Catalog) -> tuple[LiveForward, ...]:
    """The live forwards of one number in the order they are tried (tombstones dropped)."""
    kinds = {type_id: kind for kind, name in TYPE_NAMES.items()
             if (type_id := catalog.types.get(name)) is not None}
    callers = {catalog.caller_kinds.get(name): alias for alias, name in CALLER_KINDS.items()}
    live = []
    for entry in items(payload, "forwards", "getForwards"):
        if flag(entry, "deleted", "getForwards"):
            continue
        forward_id = scalar(entry, "id", "getForwards")
        rtype = scalar(entry, "rtype", "getForwards")
        if rtype not in kinds:
            raise _bad("getForwards", f"forward {forward_id} has type {rtype}, not one telconf manages")
        kind = kinds[rtype]
        live.append(LiveForward(
            id=forward_id,
            direction=number(entry, "direction", "getForwards"),
            forward=Forward(  # canonical as built: see canonical()
                target=Target(kind, _target_value(kind, scalar(entry, "rnum", "getForwards"))),
                timeout=number(entry, "rtime" if "rtime" in entry else "timeout", "getForwards"),
                caller_id=_caller_id(entry, catalog, callers, forward_id),
                record=flag(entry, "rec", "getForwards"),
                music_on_hold=flag(entry, "moh", "getForwards"),
                vpbx=flag(entry, "vpbx", "getForwards"),
                isolated=flag(entry, "isolated", "getForwards") and kind is TargetKind.SIP,
                schedule=parse_schedule(entry.get("dowjs2")),  # canonical_schedule'd
            ),
        ))
    directions = [f.direction for f in live]
    if len(set(directions)) != len(directions):
        raise _bad("getForwards", "two live forwards share one direction, so their order is unknown")
    return tuple(sorted(live, key=lambda f: f.direction))


def parse_schedule(text: Any) -> tuple[Interval, ...]:
    """A ``dowjs2`` string: ``"[]"``, ``""``, absent or 00:00-23:59 every day mean always."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return ALWAYS
    try:
        intervals = json.loads(text) if isinstance(text, str) else text
        parsed = tuple(
            Interval(int(i["dts"]), int(i["dtf"]), int(i["ttsh"]) * 60 + int(i["ttsm"]),
                     int(i["ttfh"]) * 60 + int(i["ttfm"]))
            for i in intervals
        )
    except (TypeError, ValueError, KeyError):
        raise _bad("getForwards", "dowjs2 is not a list of schedule intervals") from None
    return canonical_schedule(parsed)


def _names(payload: Any, key: str, call: str) -> dict[str, str]:
    return {scalar(e, "name", call): scalar(e, "id", call) for e in items(payload, key, call)}


def _wire(text: str, call: str) -> str:
    try:
        return phones.normalise(text)
    except phones.InvalidPhone:
        raise _bad(call, f"{text[:30]!r} is not a phone number") from None


def _target_value(kind: TargetKind, rnum: str) -> str:
    if kind is TargetKind.TEL:
        try:
            return phones.normalise(rnum)
        except phones.InvalidPhone:
            pass
    return rnum  # an odd value stays as it is: it differs from the desired one and gets edited


def _caller_id(entry: Mapping[str, Any], catalog: Catalog, callers: Mapping[str | None, str], fid: str) -> str:
    rcid = scalar(entry, "rcid", "getForwards")
    if rcid in callers:
        return callers[rcid]
    if rcid != catalog.caller_kinds.get(OWN_NUMBER):
        raise _bad("getForwards", f"forward {fid} has caller-id kind {rcid}, which getForwardsRCIDs does not list")
    rcnid = scalar(entry, "rcnid", "getForwards")
    if rcnid not in catalog.rcids:
        raise _bad("getForwards", f"forward {fid} presents rcnid {rcnid}, which getRCIDs does not list")
    return catalog.rcids[rcnid]


def _bad(call: str, message: str) -> BadResponse:
    return BadResponse(message, provider=PROVIDER, call=call)


# --- writing -----------------------------------------------------------------------------


def forward_params(forward: Forward, catalog: Catalog, *, forward_id: str | int, number_id: str) -> dict[str, Any]:
    """Every ``editForward`` parameter (an edit keeps what is not sent, so send it all)."""
    if forward.caller_id in CALLER_KINDS:
        rcid, rcnid = catalog.caller_kind_id(CALLER_KINDS[forward.caller_id]), "0"
    else:
        rcid, rcnid = catalog.caller_kind_id(OWN_NUMBER), catalog.rcid_of(forward.caller_id)
    return {
        "id": forward_id,
        "nid": number_id,
        "rtype": catalog.type_id(forward.target.kind),
        "rnum": forward.target.value,
        "timeout": forward.timeout,
        "rcid": rcid,
        "rcnid": rcnid,
        "rec": int(forward.record),
        "vpbx": int(forward.vpbx),
        "moh": int(forward.music_on_hold),
        "isolated": int(forward.isolated and forward.target.kind is TargetKind.SIP),
        "dowjs2": schedule_text(forward.schedule),
    }


def schedule_text(schedule: tuple[Interval, ...]) -> str:
    """The ``dowjs2`` string of a schedule (``"[]"`` for always)."""
    return json.dumps([
        {"ttsh": str(i.start // 60), "ttsm": str(i.start % 60), "ttfh": str(i.end // 60),
         "ttfm": str(i.end % 60), "dts": str(i.first_day), "dtf": str(i.last_day)}
        for i in schedule
    ], separators=(",", ":"))


def sip_params(line: SipLine, catalog: Catalog, *, sip_id: str | int) -> dict[str, Any]:
    """``editSIP`` parameters but the password (added by the caller when it is set)."""
    rcid = "0" if line.caller_id is None else catalog.rcid_of(line.caller_id)
    return {"id": sip_id, "email": line.email, "descr": line.description, "rcid": rcid}


# --- user-facing views (plan before/after, fingerprint, export) --------------------------

def target_text(target: Target) -> str:
    """``sip:101``, ``tel:+7 921 000-00-00``, ``voicemail:a@b.c``: the YAML spelling."""
    if target.kind is TargetKind.TEL and phones.is_valid(target.value):
        return f"tel:{phones.display(target.value)}"
    return str(target)


def caller_id_text(caller_id: str) -> str:
    return caller_id if caller_id in CALLER_KINDS else phones.display(caller_id)


def schedule_view(schedule: tuple[Interval, ...]) -> list[dict[str, str]]:
    """A schedule in YAML form: ``[{"days": "mon-fri", "from": "09:00", "to": "18:00"}]``."""
    view = []
    for i in schedule:
        days = DAY_NAMES[i.first_day - 1]
        if i.last_day != i.first_day:
            days += "-" + DAY_NAMES[i.last_day - 1]
        view.append({"days": days, "from": f"{i.start // 60:02d}:{i.start % 60:02d}",
                     "to": f"{i.end // 60:02d}:{i.end % 60:02d}"})
    return view


def forward_view(forward: Forward) -> dict[str, Any]:
    """Every user-facing field of a forward (``schedule`` [] = always)."""
    return {
        "to": target_text(forward.target),
        "timeout": forward.timeout,
        "caller_id": caller_id_text(forward.caller_id),
        "record": forward.record,
        "music_on_hold": forward.music_on_hold,
        "vpbx": forward.vpbx,
        "isolated": forward.isolated,
        "schedule": schedule_view(forward.schedule),
    }


def sip_view(line: SipLine) -> dict[str, Any]:
    """The readable fields of a SIP line (never the password)."""
    return {
        "description": line.description,
        "email": line.email,
        "caller_id": None if line.caller_id is None else phones.display(line.caller_id),
    }
