"""Fixtures of the export tests (helpers in ``helpers``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from telconf.emulator import Emulators

from .helpers import Site


@pytest.fixture
def site(emulators: Emulators, tmp_path: Path) -> Iterator[Site]:
    """Empty Teleum and Beeline accounts on the emulators and a source config for both."""
    made = Site(emulators, tmp_path)
    made.empty_accounts()
    yield made
