"""Seeded rich scenarios for both providers: a live account, a desired config, and checks.

Each scenario sets up an emulated account (plus a neighbour account and numbers the
config does not list), writes a config file that changes a lot of it, and checks the
emulator's state afterwards through its control API -- independently of the
providers' own payload parsing.
"""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from telconf.config import load
from telconf.emulator import Emulators
from telconf.core.errors import ApplyError, ProviderError
from telconf.core.model import Account
from telconf.plan.data import Plan
from telconf.engine.conductor import Conductor
from telconf.providers.base import Provider
from telconf.providers.beeline.provider import BeelineProvider
from telconf.providers.http import RetryPolicy, Transport
from telconf.providers.teleum.client import TeleumClient
from telconf.providers.teleum.provider import TeleumProvider
from telconf.core.wav import make_wav

#: Short client timeout and no waiting between tries: the fault suite must be fast.
CLIENT_TIMEOUT = 0.25
SLOW_SECONDS = 0.5
NO_WAIT = RetryPolicy(attempts=5, base_delay=0.0, max_delay=0.0, max_retry_after=0.0)

TELEUM_EMAIL, TELEUM_PASSWORD = "office@example.com", "teleum-account-pw"
NEIGHBOUR_EMAIL = "neighbour@example.com"
T_NUMBERS = [f"7812300000{i}" for i in range(1, 6)]  # 1..4 managed, 5 listed nowhere
BEELINE_LOGIN, BEELINE_PASSWORD = "callcenter", "beeline-account-pw"
NEIGHBOUR_LOGIN = "neighbour"
B_NUMBERS = [f"7495000000{i}" for i in range(1, 7)]  # 1..4 managed, 5 and 6 listed nowhere
SPAM = [f"7900000000{i}" for i in range(10)]
ENV = {"TELEUM_EMAIL": TELEUM_EMAIL, "TELEUM_PASSWORD": TELEUM_PASSWORD, "SIP_PASSWORD": "sip-line-pw-104",
       "BEELINE_LOGIN": BEELINE_LOGIN, "BEELINE_PASSWORD": BEELINE_PASSWORD}


def fast_provider(account: Account, *, parallelism: int = 8, environ: Mapping[str, str] | None = None) -> Provider:
    """A provider as the conductor makes it, with a short timeout and no backoff waits."""
    if account.provider == "teleum":
        transport = Transport("teleum", parallelism=parallelism, timeout=CLIENT_TIMEOUT, retry=NO_WAIT,
                              sleep=lambda _: None)
        client = TeleumClient(account.url, account.credentials.email.reveal(environ),
                              account.credentials.password.reveal(environ), transport=transport)
        return TeleumProvider(account, parallelism=parallelism, environ=environ, client=client)
    provider = BeelineProvider(account, parallelism=parallelism, environ=environ)
    provider.retry = NO_WAIT
    provider.sleep = lambda seconds: time.sleep(min(seconds, 0.02))
    provider.client.transport.timeout = CLIENT_TIMEOUT
    provider.client.transport.sleep = lambda _: None
    return provider


@dataclass
class Outcome:
    """How a scenario went: applies run until a plan showed no changes, and failures seen."""

    applies: int = 0
    converged: bool = False
    failures: list[str] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)


def converge(config_path: Path, environ: Mapping[str, str], max_applies: int = 3) -> Outcome:
    """Plan and apply until a plan has no changes, at most ``max_applies`` applies."""
    outcome = Outcome()
    for _ in range(max_applies + 1):
        config = load(config_path, environ=environ)
        with Conductor(config, environ=environ, provider_factory=fast_provider) as conductor:
            try:
                plan = conductor.plan()
            except ProviderError as exc:  # a read that failed every try: plan again, as a user would
                outcome.failures.append(f"plan: {exc}")
                continue
            outcome.plans.append(plan)
            if not plan.has_changes:
                outcome.converged = True
                return outcome
            if outcome.applies == max_applies:
                return outcome
            outcome.applies += 1
            try:
                conductor.apply(plan)
            except ApplyError as exc:
                outcome.failures.append(f"apply: {exc}")
    return outcome


def write_config(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- Teleum --------------------------------------------------------------------------------

TELEUM_TARGETS = ["sip:101", "sip:103", "sip:104", "tel:79210000001", "tel:79210000002",
                  "voicemail:vm@example.com", "fax:fax@example.com"]
LIVE_TARGETS = ["sip:101", "sip:102", "sip:103", "tel:79210000001", "tel:79210000003",
                "voicemail:vm@example.com", "fax:fax@example.com"]
TYPE_NAMES = {"sip": "SIP", "tel": "Телефон", "voicemail": "Автоответчик", "fax": "Факс"}
WORKDAYS = '[{"ttsh":"9","ttsm":"0","ttfh":"18","ttfm":"0","dts":"1","dtf":"5"}]'


@dataclass
class TeleumScenario:
    """A Teleum account with SIP lines 101-103, forwards everywhere, and a desired config."""

    emulators: Emulators
    config_path: Path
    desired_forwards: dict[str, list[tuple[Any, ...]]]
    before: dict[str, Any]

    @classmethod
    def build(cls, emulators: Emulators, tmp: Path, seed: int) -> TeleumScenario:
        rng = random.Random(seed)
        emu = emulators.teleum
        # Tolerate rules vary with the seed: list order, numbers as ints, gaps in direction, "spis".
        emu.configure(shuffle=True, shuffle_seed=seed, numbers_as_int=seed % 2 == 1, direction_step=1 + seed % 3,
                      sips_key="spis" if seed % 4 == 3 else "sips", err_zero=seed % 3 == 0)
        emu.add_account(TELEUM_EMAIL, TELEUM_PASSWORD, T_NUMBERS)
        emu.add_account(NEIGHBOUR_EMAIL, "neighbour-pw", ["78123232399"])
        for num in ("101", "102", "103"):
            emu.add_sip(TELEUM_EMAIL, descr=f"line {num}")
        emu.add_sip(NEIGHBOUR_EMAIL, descr="theirs")
        emu.add_forward(NEIGHBOUR_EMAIL, "78123232399", rtype="SIP", rnum="101")
        for wire in T_NUMBERS:
            targets = LIVE_TARGETS if wire != T_NUMBERS[-1] else ["sip:101", "tel:79210000009"]
            for target in rng.sample(targets, rng.randint(1 if wire == T_NUMBERS[-1] else 0, min(4, len(targets)))):
                kind, _, value = target.partition(":")
                emu.add_forward(TELEUM_EMAIL, wire, rtype=TYPE_NAMES[kind], rnum=value,
                                timeout=rng.choice([10, 20, 30]), rec=rng.randint(0, 1),
                                dowjs2=WORKDAYS if rng.random() < 0.2 else "[]")
        numbers: dict[str, Any] = {}
        desired: dict[str, list[tuple[Any, ...]]] = {}
        for wire in T_NUMBERS[:4]:
            forwards, rows = [], []
            for target in rng.sample(TELEUM_TARGETS, rng.randint(0, 5)):
                timeout, record, schedule = rng.choice([10, 20, 30]), rng.random() < 0.5, rng.random() < 0.2
                item: dict[str, Any] = {"to": target, "timeout": timeout, "record": record}
                if schedule:
                    item["schedule"] = [{"days": "mon-fri", "from": "09:00", "to": "18:00"}]
                forwards.append(item)
                kind, _, value = target.partition(":")
                rows.append((TYPE_NAMES[kind], value, timeout, int(record), schedule))
            numbers[f"+{wire}"] = {"forwards": forwards}
            desired[wire] = rows
        account = {
            "provider": "teleum", "url": emulators.teleum_url,
            "credentials": {"email": "${TELEUM_EMAIL}", "password": "${TELEUM_PASSWORD}"},
            "sip_lines": {"101": {"description": "Reception (renamed)"},
                          "103": {"description": "line 103"},
                          "104": {"description": "New line", "password": "${SIP_PASSWORD}"}},
            "numbers": numbers,
        }
        path = write_config(tmp / "teleum.yaml", {"version": 1, "accounts": {"office": account}})
        return cls(emulators, path, desired, emulators.snapshot())

    def account_state(self, email: str = TELEUM_EMAIL) -> dict[str, Any]:
        return next(a for a in self.emulators.teleum.snapshot()["accounts"] if a["email"] == email)

    def check(self) -> None:
        """Final state = desired; no duplicates; nothing outside the scope changed."""
        emu = self.emulators.teleum
        sips = {line["num"]: line["descr"] for line in emu.sips(TELEUM_EMAIL)}
        assert sips == {"101": "Reception (renamed)", "103": "line 103", "104": "New line"}
        assert len(emu.sips(TELEUM_EMAIL)) == 3, "a SIP line was created twice"
        for wire, rows in self.desired_forwards.items():
            live = [(f["rtype"], f["rnum"], int(f["timeout"]), int(f["rec"]), f["dowjs2"] not in ("[]", ""))
                    for f in emu.forwards(TELEUM_EMAIL, wire)]
            assert live == rows, f"forwards of {wire}"
        before = next(a for a in self.before["teleum"]["accounts"] if a["email"] == TELEUM_EMAIL)
        unlisted = T_NUMBERS[-1]
        assert _live(self.account_state(), unlisted) == _live(before, unlisted), "an unlisted number changed"
        neighbour_before = next(a for a in self.before["teleum"]["accounts"] if a["email"] == NEIGHBOUR_EMAIL)
        assert self.account_state(NEIGHBOUR_EMAIL) == neighbour_before, "another account changed"


def _live(account: dict[str, Any], wire: str) -> list[dict[str, Any]]:
    return sorted((f for f in account["forwards"] if f["number"] == wire and not int(f["deleted"])),
                  key=lambda f: f["direction"])


# --- Beeline -------------------------------------------------------------------------------

@dataclass
class BeelineScenario:
    """A Beeline client with redirects, greetings, recording, three black lists and files."""

    emulators: Emulators
    config_path: Path
    expected: dict[str, Any]
    before: dict[str, Any]
    new_content: bytes

    @classmethod
    def build(cls, emulators: Emulators, tmp: Path, seed: int) -> BeelineScenario:
        rng = random.Random(seed)
        emu = emulators.beeline
        emu.configure(pending_seconds=0.05, shuffle=True, shuffle_seed=seed,
                      lblist_grouping=("per_b", "per_a", "triples")[seed % 3],
                      pending_key="PENDNIG" if seed % 2 else "PENDING")
        emu.add_account(BEELINE_LOGIN, BEELINE_PASSWORD, B_NUMBERS)
        emu.add_account(NEIGHBOUR_LOGIN, "neighbour-pw", ["74951110000"])
        emu.set_redirect(NEIGHBOUR_LOGIN, "74951110000", "79160000099")
        emu.add_blacklist(NEIGHBOUR_LOGIN, 0, "74951110000", SPAM[0])
        for name in ("old.wav", "keep.wav"):
            emu.add_voice_file(BEELINE_LOGIN, name, make_wav(tone=len(name)), comment=name)
        emu.set_record(BEELINE_LOGIN, [b for b in B_NUMBERS if rng.random() < 0.5])
        for b in B_NUMBERS:
            if rng.random() < 0.7:
                emu.set_redirect(BEELINE_LOGIN, b, f"7916000{rng.randint(1000, 9999)}")
            for list_id in (0, 1, 2):
                for a in rng.sample(SPAM, rng.randint(0, 3)):
                    emu.add_blacklist(BEELINE_LOGIN, list_id, b, a)
        emu.set_premedia(BEELINE_LOGIN, B_NUMBERS[0], "old.wav", "")
        emu.set_premedia(BEELINE_LOGIN, B_NUMBERS[4], "keep.wav", "")
        new_content = make_wav(0.1, tone=seed % 200 + 7)
        (tmp / "new.wav").write_bytes(new_content)
        (tmp / "keep.wav").write_bytes(make_wav(tone=len("keep.wav")))

        numbers: dict[str, Any] = {}
        expected: dict[str, Any] = {"redirects": {}, "premedia": {}, "record": {}, "lists": {}}
        for b in B_NUMBERS[:4]:
            settings: dict[str, Any] = {}
            if rng.random() < 0.8:
                to = f"7916{rng.randint(1000000, 9999999)}" if rng.random() < 0.7 else None
                settings["redirect"] = {"to": f"+{to}"} if to else None
                expected["redirects"][b] = to
            if rng.random() < 0.8 or b == B_NUMBERS[0]:  # the first stops using old.wav
                a_file = rng.choice(["new.wav", "keep.wav", None])
                settings["premedia"] = {"a": a_file, "b": rng.choice(["new.wav", None])} if a_file else None
                expected["premedia"][b] = settings["premedia"]
            if rng.random() < 0.8:
                settings["record"] = rng.random() < 0.5
                expected["record"][b] = settings["record"]
            numbers[f"+{b}"] = settings
        lists: dict[int, list[Any]] = {}
        for list_id in (0, 1):
            entries = []
            for b in rng.sample(B_NUMBERS[:4], rng.randint(0, 3)):
                entries.append({"numbers": [f"+{b}"], "block": [f"+{a}" for a in rng.sample(SPAM, rng.randint(1, 4))]})
            lists[list_id] = entries
            expected["lists"][str(list_id)] = {
                b: sorted({a for e in entries if e["numbers"] == [f"+{b}"] for a in (x[1:] for x in e["block"])})
                for b in B_NUMBERS[:4]}
        account = {
            "provider": "beeline", "url": emulators.beeline_url,
            "credentials": {"username": "${BEELINE_LOGIN}", "password": "${BEELINE_PASSWORD}"},
            "voice_files": {"keep.wav": {"path": "keep.wav", "comment": "keep.wav"},
                            "new.wav": {"path": "new.wav", "comment": "New greeting"}},
            "numbers": numbers,
            "blacklists": {"active": 1, "lists": lists},
        }
        path = write_config(tmp / "beeline.yaml", {"version": 1, "accounts": {"callcenter": account}})
        return cls(emulators, path, expected, emulators.snapshot(), new_content)

    def check(self) -> None:
        """Final state = desired; no duplicates; nothing outside the scope changed."""
        emu = self.emulators.beeline
        state = emu.account_state(BEELINE_LOGIN)
        before = next(a for a in self.before["beeline"]["accounts"] if a["login"] == BEELINE_LOGIN)
        for b, to in self.expected["redirects"].items():
            assert state["redirects"].get(b, {}).get("RNumber") == to or (to is None and b not in state["redirects"])
        for b, premedia in self.expected["premedia"].items():
            got = state["premedia"].get(b)
            want = None if premedia is None else {"FileA": premedia["a"] or "", "FileB": premedia["b"] or ""}
            assert got == want, f"premedia of {b}"
        for b, on in self.expected["record"].items():
            assert (b in state["record"] or state["record_all"]) == on, f"recording of {b}"
        for list_id, by_b in self.expected["lists"].items():
            got = {b: sorted(al) for b, al in state["blacklists"][list_id].items() if al}
            assert got == {b: al for b, al in by_b.items() if al}, f"black list {list_id}"
            assert all(len(al) == len(set(al)) for al in state["blacklists"][list_id].values())
        assert state["active_list"] == 1
        assert sorted(state["files"]) == ["keep.wav", "new.wav"]
        assert base64.b64decode(state["files"]["new.wav"]["content_b64"]) == self.new_content
        assert state["blacklists"]["2"] == before["blacklists"]["2"], "an unnamed black list changed"
        for b in B_NUMBERS[4:]:
            for key in ("redirects", "premedia"):
                assert state[key].get(b) == before[key].get(b), f"{key} of unlisted {b} changed"
            assert (b in state["record"]) == (b in before["record"])
        neighbour_before = next(a for a in self.before["beeline"]["accounts"] if a["login"] == NEIGHBOUR_LOGIN)
        assert emu.account_state(NEIGHBOUR_LOGIN) == neighbour_before, "another account changed"

