"""Emulator of the Teleum billing API v3 (docs/providers/teleum.md), for tests, trials and demos.

An independent implementation of the wire contract: it never imports the provider's
client, provider or payload modules (``tests/emulator/test_layout.py`` checks), so that
a misreading of the contract in one shows up as a failing test of the other. ``app``
is the WSGI app, ``calls`` its methods, ``demo`` its part of the demos; :data:`KIT`
is what the shared machinery (``telconf.emulator``) serves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telconf.emulator.kit import EmulatorKit, Knob
from telconf.providers.teleum.emulator import demo
from telconf.providers.teleum.emulator.app import TeleumAccount, TeleumEmulator

__all__ = ["KIT", "TeleumAccount", "TeleumEmulator"]


def snapshot_account(app: TeleumEmulator, account: Any, credentials: Mapping[str, str]) -> None:
    """An empty account with the numbers and SIP line numbers of ``account`` (a config account).

    Lines keep their numbers: the API numbers new lines in sequence, so a restore could
    not recreate 101 and 104 without 102 and 103. The restore sets the rest.
    """
    from telconf.core.model import is_managed

    login = credentials["email"]
    app.add_account(login, credentials["password"], numbers=list(account.numbers))
    for line in sorted(account.sip_lines if is_managed(account.sip_lines) else (), key=int):
        app.add_sip(login, num=line)


KIT = EmulatorKit(
    app=TeleumEmulator,
    path="/api/v3/",
    port=8701,
    knobs=(
        Knob("session_idle_timeout", float, "seconds a session token survives without calls.", default=900,
             minimum=0),
        Knob("numbers_as_int", bool, "numeric fields as JSON numbers."),
        Knob("sips_key", str, "the key of getSIPs' list (\"sips\" or \"spis\")."),
        Knob("direction_step", int, "gap between a new forward's direction and the last one."),
        Knob("tombstones", bool, "deleteForward keeps a deleted=1 entry."),
        Knob("login_fail_status", int, "HTTP status of a failed login (200 or 403)."),
        Knob("session_token", str, "the token every login hands out instead of a random one."),
    ),
    snapshot_account=snapshot_account,
    label="Teleum",
    api_label="Teleum API v3",
    login_key="email",
    demo=demo.KIT,
)
