"""Fixtures of the plan/apply workflow tests (helpers in ``workflow_fakes``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from workflow_fakes import FakeAccount, FakeProvider, FakeWorld, rich_plan

from telconf.plan.data import Plan


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


@pytest.fixture
def factory(world: FakeWorld) -> Callable[..., FakeProvider]:
    made: list[FakeProvider] = []

    def make(account: FakeAccount, **kw: Any) -> FakeProvider:
        provider = FakeProvider(account, world, **kw)
        made.append(provider)
        return provider

    make.made = made  # type: ignore[attr-defined]
    return make


@pytest.fixture(name="rich_plan")
def rich_plan_fixture() -> Plan:
    return rich_plan()
