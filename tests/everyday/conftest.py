"""Fixtures of issue 26's everyday-use tests: a small Teleum account on the emulator and its config."""

from __future__ import annotations

from pathlib import Path

import pytest

from telconf.emulator import Emulators

EMAIL, PASSWORD = "office@example.com", "office-Pa55word"
NUMBER = "78123232323"


def office_config(tmp_path: Path, name: str = "office", url: str = "${TELCONF_VAR_URL}") -> str:
    return (f"  {name}:\n    provider: teleum\n    url: {url}\n"
            '    credentials: {email: "${EMAIL}", password: "${PASSWORD}"}\n'
            '    sip_lines:\n      "101": {description: Reception}\n      "102": {description: Hall}\n')


@pytest.fixture
def office(emulators: Emulators, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A config renaming the two SIP lines of one Teleum account (a plan of 2 updates), and its environment."""
    emulators.teleum.add_account(EMAIL, PASSWORD, numbers=[NUMBER])
    for _ in range(2):
        emulators.teleum.add_sip(EMAIL, descr="Old name")
    config = tmp_path / "telconf.yaml"
    config.write_text("version: 1\naccounts:\n" + office_config(tmp_path))
    return config, {"TELCONF_VAR_URL": emulators.teleum_url, "EMAIL": EMAIL, "PASSWORD": PASSWORD}
