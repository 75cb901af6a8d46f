"""Fixtures of the Beeline provider tests: an emulated account and a plan/apply helper."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from telconf.engine.conductor import Conductor
from telconf.emulator import Emulators
from telconf.core.model import Config, Secret
from telconf.providers.beeline.model import BeelineAccount, BeelineCredentials
from telconf.plan.data import AccountPlan
from telconf.providers.beeline.provider import BeelineProvider
from telconf.providers.http import RetryPolicy

LOGIN, PASSWORD = "callcenter", "cc-password-1"
NUMBERS = ["74950000001", "74950000002", "74950000003", "74950000004"]
ACCOUNT = "cc"


@dataclass
class BeelineBench:
    """An emulated Beeline account, and helpers to plan and apply desired states to it."""

    emulators: Emulators
    cache_dir: Path
    providers: list[BeelineProvider] = field(default_factory=list)

    @property
    def emu(self) -> Any:
        return self.emulators.beeline

    def account(self, **fields: Any) -> BeelineAccount:
        """A desired account on the emulator (fields as in ``BeelineAccount``)."""
        credentials = BeelineCredentials(Secret(LOGIN), Secret(PASSWORD))
        return BeelineAccount(name=ACCOUNT, url=self.emulators.beeline_url, credentials=credentials, **fields)

    def provider(self, account: BeelineAccount, attempts: int = 5) -> BeelineProvider:
        provider = BeelineProvider(account, environ={"TELCONF_CACHE_DIR": str(self.cache_dir)})
        provider.sleep = lambda seconds: time.sleep(min(seconds, 0.05))
        provider.retry = RetryPolicy(attempts=attempts, base_delay=0.01, max_delay=0.05, max_retry_after=0.05)
        self.providers.append(provider)
        return provider

    def conductor(self, account: BeelineAccount, attempts: int = 5) -> Conductor:
        """A conductor of a config holding only ``account``, its provider as :meth:`provider` makes it."""
        return Conductor(Config(Path("telconf.yaml"), {ACCOUNT: account}),
                         provider_factory=lambda acc, **_: self.provider(acc, attempts))

    def plan(self, account: BeelineAccount, attempts: int = 5) -> AccountPlan:
        with self.conductor(account, attempts) as conductor:
            return conductor.plan().accounts[0]

    def apply(self, account: BeelineAccount, attempts: int = 5) -> AccountPlan:
        """Plan and apply; return the plan that was applied (fails the test on an apply error)."""
        with self.conductor(account, attempts) as conductor:
            plan = conductor.plan()
            report = conductor.apply(plan)
        assert report.ok, list(report.lines())
        return plan.accounts[0]

    def converge(self, account: BeelineAccount, attempts: int = 5) -> AccountPlan:
        """Apply, then check that a second plan has no changes; return the first plan."""
        plan = self.apply(account, attempts)
        again = self.plan(account, attempts)
        assert again.changes == (), [c.to_data() for c in again.changes]
        assert again.calls == ()
        return plan

    def state(self) -> dict[str, Any]:
        return self.emu.account_state(LOGIN)

    def writes(self) -> list[dict[str, Any]]:
        reads = {"RLIST", "MLIST", "LRECORD", "LBLIST", "LVFILES", "download"}
        return [c for c in self.emu.call_log if c["method"] not in reads
                and not (c["method"] == "ABLIST" and "ConfData" not in c["params"])]


@pytest.fixture
def bench(emulators: Emulators, tmp_path: Path) -> Iterator[BeelineBench]:
    """An empty Beeline account ``callcenter`` with four numbers (NUMBERS) on the emulator."""
    emulators.beeline.add_account(LOGIN, PASSWORD, NUMBERS)
    emulators.beeline.pending_seconds = 0.05
    bench = BeelineBench(emulators, tmp_path / "cache")
    yield bench
    for provider in bench.providers:
        provider.close()
