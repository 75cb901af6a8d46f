"""Shared fixtures of the whole suite.

Emulators
    ``emulator_servers`` (session scope) starts both provider emulators once, on free
    ports, in background threads. ``emulators`` (function scope) resets them to empty
    (no accounts, empty call log, every knob at its default) and yields the same
    :class:`telconf.emulator.Emulators` handle, so every test starts clean cheaply::

        def test_login(emulators):
            emulators.teleum.add_account("a@example.com", "password1", ["78123232323"])
            requests.post(emulators.teleum_url, data={"cmd": "login", ...})

    ``emulators.teleum_url`` / ``emulators.beeline_url`` are the base URLs;
    ``emulators.teleum`` / ``emulators.beeline`` the control API (accounts, knobs,
    ``faults``, ``call_log``, ``snapshot()``). Knobs set in a test last until the next
    test's reset.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# The suite tests the built-in providers: another provider installed in the same environment
# (an operator's, the example's) is not loaded, in this process nor in the CLI subprocesses
# the tests start. Tests of third providers say so (they set or drop TELCONF_PROVIDERS);
# TELCONF_TEST_PROVIDERS runs the suite's provider checks on others too
# (tests/architecture/test_throwaway_provider.py).
BUILT_IN = "beeline,teleum"
os.environ["TELCONF_PROVIDERS"] = os.environ.get("TELCONF_TEST_PROVIDERS", BUILT_IN)

from telconf.emulator import Emulators


@pytest.fixture(scope="session")
def emulator_servers() -> Iterator[Emulators]:
    """Both emulators served once for the whole session (prefer ``emulators``)."""
    with Emulators.start(host="127.0.0.1", teleum_port=0, beeline_port=0) as servers:
        yield servers


@pytest.fixture
def emulators(emulator_servers: Emulators) -> Iterator[Emulators]:
    """Both emulators, reset to empty state and default knobs for this test."""
    emulator_servers.reset()
    yield emulator_servers


@pytest.fixture(autouse=True)
def forget_secrets() -> Iterator[None]:
    """Each test starts with no secret registered for redaction (the registry is per process)."""
    from telconf.guard import redact

    redact.forget_all()
    yield
    redact.forget_all()
