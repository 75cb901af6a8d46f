"""Helpers of the Teleum provider tests: accounts, plans, and the emulator's state as model values.

The emulator's state is read through its Python control API and turned into model
values here, independently of the provider's own payload parsing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from telconf.engine.apply import ApplyReport
from telconf.engine.conductor import Conductor
from telconf.emulator import Emulators
from telconf.core.model import UNMANAGED, Config, Managed, Secret
from telconf.providers.teleum.model import (
    ALWAYS,
    Forward,
    Interval,
    SipLine,
    Target,
    TargetKind,
    TeleumAccount,
    TeleumCredentials,
    TeleumNumber,
)
from telconf.plan.data import Plan
from telconf.providers.base import PlanOptions, Provider
from telconf.providers.http import RetryPolicy, Transport
from telconf.providers.teleum.client import TeleumClient
from telconf.providers.teleum.provider import TeleumProvider

EMAIL, PASSWORD = "ops@example.com", "account-password"
SIP_PASSWORD = "sip-password-1"
N1, N2, N3 = "78123232323", "78123232324", "74950000001"
ENV = {"TELEUM_EMAIL": EMAIL, "TELEUM_PASSWORD": PASSWORD, "SIP_PASSWORD": SIP_PASSWORD}
KINDS = {"SIP": TargetKind.SIP, "Телефон": TargetKind.TEL, "Автоответчик": TargetKind.VOICEMAIL,
         "Факс": TargetKind.FAX}
TYPE_NAMES = {kind: name for name, kind in KINDS.items()}
WORKDAYS = (Interval(1, 5, 9 * 60, 18 * 60),)


def fwd(to: str, **settings: Any) -> Forward:
    """A forward from its YAML spelling: ``fwd("sip:101", timeout=30)``."""
    kind, _, value = to.partition(":")
    return Forward(Target(TargetKind(kind), value), **settings)


def line(number: str, description: str = "", email: str = "", caller_id: str | None = None,
         password: bool = True) -> SipLine:
    return SipLine(number, description, email, caller_id, Secret("${SIP_PASSWORD}") if password else None)


def make_account(url: str, numbers: Mapping[str, Managed[Iterable[Forward]]] | None = None,
                 sip_lines: Managed[Iterable[SipLine]] = UNMANAGED) -> TeleumAccount:
    """A desired Teleum account (as the config loader would build it)."""
    return TeleumAccount(
        name="spb",
        url=url,
        credentials=TeleumCredentials(Secret("${TELEUM_EMAIL}"), Secret("${TELEUM_PASSWORD}")),
        sip_lines=UNMANAGED if sip_lines is UNMANAGED else {s.number: s for s in sip_lines},  # type: ignore[union-attr]
        numbers={wire: TeleumNumber(wire, UNMANAGED if f is UNMANAGED else tuple(f))  # type: ignore[arg-type]
                 for wire, f in (numbers or {}).items()},
    )


QUICK_RETRY = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05)


def quick_provider(account: TeleumAccount, *, parallelism: int = 8, environ: Mapping[str, str] | None = None
                   ) -> Provider:
    """The Teleum provider with short retry delays, so fault tests stay fast."""
    client = TeleumClient(account.url, EMAIL, PASSWORD,
                          transport=Transport("teleum", parallelism=parallelism, retry=QUICK_RETRY))
    return TeleumProvider(account, parallelism=parallelism, environ=environ, client=client)


def conductor_of(account: TeleumAccount, *, parallelism: int = 8) -> Conductor:
    """The conductor of a config holding only ``account``, its provider with quick retries."""
    return Conductor(Config(Path("telconf.yaml"), {account.name: account}), environ=ENV,
                     provider_factory=quick_provider, parallelism=parallelism)


def plan_of(account: TeleumAccount, options: PlanOptions = PlanOptions()) -> Plan:
    """The plan of one account."""
    with conductor_of(account) as conductor:
        return conductor.plan(options)


def apply(account: TeleumAccount, options: PlanOptions = PlanOptions(), *,
          parallelism: int = 8) -> tuple[Plan, ApplyReport]:
    """Plan and apply one account through the conductor."""
    with conductor_of(account, parallelism=parallelism) as conductor:
        plan = conductor.plan(options)
        return plan, conductor.apply(plan)


def converge(emu: Emulators, account: TeleumAccount, options: PlanOptions = PlanOptions(), *,
             parallelism: int = 8) -> Plan:
    """Apply, then check the emulator holds the desired state and a second plan is empty."""
    plan, _ = apply(account, options, parallelism=parallelism)
    assert_state(emu, account)
    again = plan_of(account)
    assert not again.has_changes, [c.to_data() for c in again.accounts[0].changes]
    return plan


def assert_state(emu: Emulators, account: TeleumAccount) -> None:
    """The emulator's account equals the desired state (forwards and SIP lines)."""
    for wire, number in account.numbers.items():
        if number.forwards is not UNMANAGED:
            assert emulator_forwards(emu, wire) == [canonical(f) for f in number.forwards]  # type: ignore[union-attr]
    if account.sip_lines is not UNMANAGED:
        assert emulator_lines(emu) == {n: (s.description, s.email, s.caller_id)
                                       for n, s in account.sip_lines.items()}  # type: ignore[union-attr]


def canonical(forward: Forward) -> Forward:
    """How the emulator will hold a forward: isolated only for SIP, intervals in order."""
    schedule = tuple(sorted(forward.schedule, key=lambda i: (i.first_day, i.start, i.last_day, i.end)))
    return Forward(forward.target, forward.timeout, forward.caller_id, forward.record, forward.music_on_hold,
                   forward.vpbx, forward.isolated and forward.target.kind is TargetKind.SIP, schedule)


def emulator_forwards(emu: Emulators, wire: str) -> list[Forward]:
    """The live forwards of a number, in order, from the control API."""
    return [canonical(_forward(emu, raw)) for raw in emu.teleum.forwards(EMAIL, wire)]


def emulator_lines(emu: Emulators) -> dict[str, tuple[str, str, str | None]]:
    """SIP lines by number: (description, email, caller id number or None)."""
    return {s["num"]: (s["descr"], s["email"], None if s["rcid"] == "0" else _number_of(emu, s["rcid"]))
            for s in emu.teleum.sips(EMAIL)}


def number_id(emu: Emulators, wire: str) -> str:
    """The id of a connected number of the test account."""
    for number in emu.teleum.snapshot()["accounts"][0]["numbers"]:
        if number["number"] == wire:
            return str(number["id"])
    raise AssertionError(f"{wire} is not connected")


def _number_of(emu: Emulators, number_id: str) -> str:
    for number in emu.teleum.snapshot()["accounts"][0]["numbers"]:
        if number["id"] == str(number_id):
            return str(number["number"])
    raise AssertionError(f"no number with id {number_id}")


def _forward(emu: Emulators, raw: dict[str, Any]) -> Forward:
    caller = {"вызывающего": "caller", "групповой": "group"}.get(raw["rcid"])
    intervals = tuple(Interval(int(i["dts"]), int(i["dtf"]), int(i["ttsh"]) * 60 + int(i["ttsm"]),
                               int(i["ttfh"]) * 60 + int(i["ttfm"])) for i in json.loads(raw["dowjs2"] or "[]"))
    return Forward(
        target=Target(KINDS[raw["rtype"]], raw["rnum"]),
        timeout=int(raw["timeout"]),
        caller_id=caller or _number_of(emu, raw["rcnid"]),
        record=bool(int(raw["rec"])),
        music_on_hold=bool(int(raw["moh"])),
        vpbx=bool(int(raw["vpbx"])),
        isolated=bool(int(raw["isolated"])),
        schedule=ALWAYS if intervals == (Interval(1, 7, 0, 1439),) else intervals,
    )


def add_forwards(emu: Emulators, wire: str, forwards: Iterable[Forward]) -> list[str]:
    """Put forwards on a number through the control API; returns their ids."""
    ids = []
    for f in forwards:
        own = f.caller_id not in ("caller", "group")
        created = emu.teleum.add_forward(
            EMAIL, wire, rtype=TYPE_NAMES[f.target.kind], rnum=f.target.value, timeout=f.timeout,
            rcid="свой" if own else {"caller": "вызывающего", "group": "групповой"}[f.caller_id],
            rcnid=number_id(emu, f.caller_id) if own else "0",
            rec=int(f.record), vpbx=int(f.vpbx), moh=int(f.music_on_hold), isolated=int(f.isolated),
            dowjs2=json.dumps([{"ttsh": str(i.start // 60), "ttsm": str(i.start % 60), "ttfh": str(i.end // 60),
                                "ttfm": str(i.end % 60), "dts": str(i.first_day), "dtf": str(i.last_day)}
                               for i in f.schedule]))
        ids.append(created["id"])
    return ids


def writes(emu: Emulators) -> list[dict[str, Any]]:
    """Successful write calls from the emulator's log, in order."""
    return [e for e in emu.teleum.call_log
            if e["method"] in {"editForward", "deleteForward", "moveForward", "editSIP", "deleteSIP"}
            and e["status"] == 200 and not e["err"]]


def live_counts(emu: Emulators, wire: str, before: int, ids: set[str] | None = None) -> list[int]:
    """How many live forwards the number had after each successful write (from the log).

    ``ids``: every forward id the number had (default: those the emulator still lists).
    """
    nid = number_id(emu, wire)
    ids = ids or {f["id"] for f in emu.teleum.all_forwards(EMAIL, wire)}
    counts, count = [], before
    for entry in writes(emu):
        params = entry["params"]
        if entry["method"] == "editForward" and str(params.get("id")) == "0" and params.get("nid") == nid:
            count += 1
        elif entry["method"] == "deleteForward" and params.get("id") in ids:
            count -= 1
        counts.append(count)
    return counts
