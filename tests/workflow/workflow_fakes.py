"""Helpers of the plan/apply workflow tests: a fake provider and a rich hand-built plan.

Plans are data, so the planner, apply, renderers, safety and saved plans are tested
here against a small in-test Provider subclass; the end-to-end tests use the
emulators over HTTP.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telconf.engine.conductor import Conductor
from telconf.core.errors import ApiError
from telconf.core.model import Config, Safety
from telconf.plan.data import AccountPlan, Action, Call, Change, Plan, fingerprint, ref, secret
from telconf.plan.order import order_calls
from telconf.providers.base import CallWithChanges, LiveState, PlanOptions, Provider
from telconf.providers.beeline.stages import STAGES as BEELINE_STAGES
from telconf.providers.teleum.stages import STAGES as TELEUM_STAGES
from telconf.core.registry import Lazy, ProviderDescriptor

C, U, D, M = Action.CREATE, Action.UPDATE, Action.DELETE, Action.MOVE
SPB = "78123232323"
MSK1, MSK2 = "74950000001", "74950000002"


@dataclass(frozen=True)
class FakeAccount:
    """Just what the planner needs of an account."""

    name: str
    provider: str = "fake"
    safety: Safety = Safety()
    numbers: dict[str, Any] = field(default_factory=dict)

    def input_files(self) -> list[tuple[str, Path]]:
        return []


@dataclass
class FakeWorld:
    """The 'live' side shared by fake providers: state per account and a call log."""

    state: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, list[Change]] = field(default_factory=dict)
    existing: dict[str, dict[str, int]] = field(default_factory=dict)
    executed: list[tuple[str, Call]] = field(default_factory=list)  # calls as sent: placeholders resolved
    fail_on: dict[tuple[str, str], ApiError] = field(default_factory=dict)  # (account, method)
    on_execute: Callable[[str, Call], None] | None = None
    batch_methods: frozenset[str] = frozenset()
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeProvider(Provider[FakeAccount]):
    """A provider whose live state and diff come from a FakeWorld."""

    name = "fake"

    def __init__(self, account: FakeAccount, world: FakeWorld, **kw: Any):
        super().__init__(account, **kw)
        self.world = world
        self.closed = False
        self._ids = 0

    def read(self) -> LiveState:
        data = self.world.state.get(self.account.name, {})
        return LiveState(data, fingerprint(data), self.world.existing.get(self.account.name, {}), reads=3)

    def diff(self, live: LiveState, options: PlanOptions) -> list[Change]:
        return list(self.world.changes.get(self.account.name, []))

    def batch(self, calls: list[CallWithChanges]) -> list[CallWithChanges]:
        merged: list[CallWithChanges] = []
        for call, served in calls:
            if merged and call.method in self.world.batch_methods and merged[-1][0].method == call.method \
                    and merged[-1][0].stage == call.stage:
                last, last_served = merged[-1]
                params = list(last.params) + list(call.params)
                merged[-1] = (Call(call.method, params, lane=last.lane, stage=last.stage), last_served + served)
            else:
                merged.append((call, served))
        return merged

    def execute(self, call: Call) -> str | None:
        if self.world.on_execute:
            self.world.on_execute(self.account.name, call)
        with self.world.lock:
            self.world.executed.append((self.account.name, call))
        error = self.world.fail_on.get((self.account.name, call.method))
        if error:
            raise error
        self._ids += 1
        return f"id{self._ids}" if call.binds else None

    def export(self, live: LiveState, out_dir: Path) -> dict[str, Any]:
        return {}

    def secret(self, name: str) -> str:
        return f"secret-of-{name}"

    def file(self, name: str) -> bytes:
        return f"content-of-{name}".encode()

    def close(self) -> None:
        self.closed = True


STAGES = {**TELEUM_STAGES, **BEELINE_STAGES}  # the fakes plan changes of both kinds
FAKE = ProviderDescriptor(
    name="fake", title="Fake", summary="in-test", default_url="http://127.0.0.1:9/",
    account_type=Lazy("workflow_fakes:FakeAccount"), build=Lazy("workflow_fakes:fake_config"),
    schema="workflow_fakes:none.json", stages=STAGES, provider=Lazy("workflow_fakes:FakeProvider"),
)


def conductor(config: Config, factory: Any, accounts: list[str] | None = None) -> Conductor:
    """The conductor of ``config``'s fake accounts, providers made by ``factory``."""
    return Conductor(config, accounts=accounts, descriptors={"fake": FAKE}, provider_factory=factory)


def fake_plan(config: Config, factory: Any, accounts: list[str] | None = None) -> Plan:
    with conductor(config, factory, accounts) as run:
        return run.plan()


def fake_config(*names: str, safety: Safety = Safety(), path: Path = Path("telconf.yaml")) -> Config:
    return Config(path=path, accounts={n: FakeAccount(n, safety=safety) for n in names})  # type: ignore[misc]


def teleum_changes() -> list[Change]:
    """A Teleum-like account: SIP lines and the ordered forwards of one number."""
    fwd = {"to": "sip:101", "timeout": 20, "caller_id": "caller", "record": False, "schedule": "always"}
    return [
        Change("forward", f"{SPB}#1", U, before=fwd, after={**fwd, "timeout": 30, "record": True}, number=SPB,
               calls=(Call("editForward", {"id": "301", "nid": "15", "rtime": 30, "rec": 1}, lane=SPB),)),
        Change("sip_line", "103", C, after={"description": "Sales", "email": "sales@example.com",
                                            "caller_id": None, "password": "(sensitive)"},
               calls=(Call("editSIP", {"id": 0, "descr": "Sales", "email": "sales@example.com", "rcid": 0,
                                       "paswd": secret("sip_line.103.password")}, binds="sip:103"),)),
        Change("forward", f"{SPB}#3", C, after={"to": "tel:+7 921 000-00-00", "timeout": 30}, number=SPB,
               calls=(Call("editForward", {"id": 0, "nid": "15", "rtype": 2, "rnum": "79210000000"},
                           binds="fwd:new1", lane=SPB),)),
        Change("forward", f"{SPB}#old", D, before={"to": "fax:fax@example.com", "timeout": 20}, number=SPB,
               calls=(Call("deleteForward", {"id": "302"}, lane=SPB),)),
        Change("forward", f"{SPB}#3", M, before={"position": 3}, after={"position": 1}, number=SPB,
               calls=(Call("moveForward", {"id": ref("fwd:new1"), "dir": "up"}, lane=SPB),
                      Call("moveForward", {"id": ref("fwd:new1"), "dir": "up"}, lane=SPB))),
        Change("sip_line", "102", U, before={"description": "Old", "email": "a@example.com"},
               after={"description": "Support", "email": "a@example.com"},
               calls=(Call("editSIP", {"id": "8", "descr": "Support", "email": "a@example.com", "rcid": 0}),)),
        Change("sip_line", "104", D, before={"description": "Temp", "email": "", "caller_id": None},
               calls=(Call("deleteSIP", {"id": "9"}),)),
    ]


def beeline_changes() -> list[Change]:
    """A Beeline-like account: redirects, greetings, recording, a long black list."""
    old_block = [f"7900{i:07d}" for i in range(240)]
    new_block = old_block[10:] + [f"7911{i:07d}" for i in range(20)]
    return [
        Change("voice_file", "greeting.wav", C, after={"comment": "Main greeting", "sha256": "ab12…"},
               calls=(Call("VFILE", {"Comment": "Main greeting", "file": {"$file": "greeting.wav"}}),)),
        Change("redirect", MSK1, U, before={"to": "79160000000", "caller_id": None},
               after={"to": "79160000009", "caller_id": MSK1}, number=MSK1,
               calls=(Call("REDIRECT", [{"BNumber": MSK1, "RNumber": "79160000009", "ANumber": MSK1}]),)),
        Change("redirect", MSK2, D, before={"to": "79160000001"}, after=None, number=MSK2,
               warning="RCANCEL: incoming calls to this number will be rejected",
               calls=(Call("RCANCEL", [MSK2]),)),
        Change("premedia", MSK1, C, before=None, after={"a": "greeting.wav", "b": None}, number=MSK1,
               calls=(Call("PREMEDIA", [{"BNumber": MSK1, "FileA": "greeting.wav", "FileB": ""}]),)),
        Change("record", MSK1, U, before=False, after=True, number=MSK1,
               calls=(Call("ARECORD", [MSK1]),)),
        Change("blacklist", f"0:{MSK1}", U, before={"block": old_block}, after={"block": new_block},
               address_item=f"0/+{MSK1}",
               number=MSK1, size=30,
               calls=(Call("DELBLIST", [{"BNumber": [MSK1], "ANumber": old_block[:10], "ListID": 0}], stage=32),
                      Call("SETBLIST", [{"BNumber": [MSK1], "ANumber": new_block[-20:], "ListID": 0}],
                           stage=34))),
        Change("blacklist_active", "active", U, before=1, after=0, calls=(Call("ABLIST", 0),), address_item=""),
    ]


def rich_plan() -> Plan:
    """A hand-built plan over two accounts with every kind of change."""
    accounts = []
    for name, provider, changes, existing in (
        ("spb-office", "teleum", teleum_changes(), {"sip_line": 3, "forward": 2}),
        ("msk-callcenter", "beeline", beeline_changes(), {"blacklist": 240, "voice_file": 0, "redirect": 2}),
        ("quiet", "teleum", [], {"sip_line": 1}),
    ):
        ordered = order_calls(changes, STAGES)
        accounts.append(AccountPlan(
            account=name, provider=provider, changes=tuple(changes),
            calls=tuple(c for c, _ in ordered), call_changes=tuple(s for _, s in ordered),
            fingerprint=fingerprint({"account": name}), existing=existing, reads=4,
        ))
    return Plan(tuple(accounts))
