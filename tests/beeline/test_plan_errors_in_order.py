"""Accounts are diffed in their reading threads; the errors a plan raises stay the ones of diffing after every read.

A read failure wins over any diff failure (nothing is planned from a partial view), and
of several diff failures the first account's (in config order) is raised.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from telconf.engine.conductor import Conductor
from telconf.core.errors import PlanError, ProviderError
from telconf.core.model import Config
from telconf.providers.beeline.model import BeelineNumber

from .conftest import BeelineBench


def unknown(number: str) -> dict[str, BeelineNumber]:
    """A managed number the emulated client does not have: its diff raises PlanError."""
    return {number: BeelineNumber(number, redirect=None)}


def closed_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api"


def conductor_of(bench: BeelineBench, **accounts: object) -> Conductor:
    return Conductor(Config(Path("telconf.yaml"), dict(accounts)),  # type: ignore[arg-type]
                     provider_factory=lambda account, **_: bench.provider(account, attempts=1))


def test_a_failed_read_is_raised_not_another_account_s_diff_error(bench: BeelineBench) -> None:
    diff_fails = replace(bench.account(numbers=unknown("74959999999")), name="a-diff")
    read_fails = replace(bench.account(), name="b-read", url=closed_url())
    with conductor_of(bench, **{"a-diff": diff_fails, "b-read": read_fails}) as conductor:
        with pytest.raises(ProviderError) as raised:
            conductor.plan()
    assert not isinstance(raised.value, PlanError)
    assert "b-read" in str(raised.value)


def test_of_two_failed_diffs_the_first_account_s_is_raised(bench: BeelineBench) -> None:
    first = replace(bench.account(numbers=unknown("74959999998")), name="a-first")
    second = replace(bench.account(numbers=unknown("74959999999")), name="b-second")
    for _ in range(5):  # whichever thread finishes first
        with conductor_of(bench, **{"a-first": first, "b-second": second}) as conductor:
            with pytest.raises(PlanError, match=r"a-first: number \+7 495 999-99-98 is not a number"):
                conductor.plan()
