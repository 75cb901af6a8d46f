"""Fixtures of the emulator tests: an account on each emulator and a raw client for it."""

from __future__ import annotations

import pytest
from emulator_wire import B_LOGIN, B_NUMBERS, B_PASSWORD, FOREIGN, T_EMAIL, T_NUMBERS, T_PASSWORD, BeelineWire, TeleumWire

from telconf.emulator import Emulators


@pytest.fixture
def teleum(emulators: Emulators) -> TeleumWire:
    """A Teleum account with 3 numbers and a logged-in raw client for it."""
    emulators.teleum.add_account(T_EMAIL, T_PASSWORD, T_NUMBERS)
    return TeleumWire(emulators.teleum_url)


@pytest.fixture
def beeline(emulators: Emulators) -> BeelineWire:
    """A Beeline client with 3 numbers (and another client owning FOREIGN)."""
    emulators.beeline.add_account(B_LOGIN, B_PASSWORD, B_NUMBERS)
    emulators.beeline.add_account("other", "other-password", [FOREIGN])
    return BeelineWire(emulators.beeline_url)
