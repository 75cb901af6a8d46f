"""Fixtures of the Teleum provider tests: a fresh emulated account with three numbers."""

from __future__ import annotations

import pytest

from telconf.emulator import Emulators

from .helpers import EMAIL, N1, N2, N3, PASSWORD


@pytest.fixture
def emu(emulators: Emulators) -> Emulators:
    """The emulators, with the test account (numbers N1, N2, N3) on Teleum."""
    emulators.teleum.add_account(EMAIL, PASSWORD, [N1, N2, N3])
    return emulators
