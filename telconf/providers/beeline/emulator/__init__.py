"""Emulator of the Beeline cloudcc configuration API (docs/providers/beeline.md), for tests, trials and demos.

An independent implementation of the wire contract: it never imports the provider's
client, provider or payload modules (``tests/emulator/test_layout.py`` checks), so that
a misreading of the contract in one shows up as a failing test of the other. ``app``
is the WSGI app, ``calls`` its commands, ``demo`` its part of the demos; :data:`KIT`
is what the shared machinery (``telconf.emulator``) serves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telconf.emulator.kit import EmulatorKit, Knob
from telconf.providers.beeline.emulator import demo
from telconf.providers.beeline.emulator.app import BeelineAccount, BeelineEmulator

__all__ = ["KIT", "BeelineAccount", "BeelineEmulator"]

#: The offline snapshot plan's emulator: files are ready at once, no limit is reached.
SNAPSHOT_KNOBS = {"pending_seconds": 0, "blacklist_limit": 10**9, "max_body_bytes": 10**12,
                  "max_voice_files": 10**6}


def snapshot_account(app: BeelineEmulator, account: Any, credentials: Mapping[str, str]) -> None:
    """An empty client with the numbers of ``account`` (a config account)."""
    app.add_account(credentials["username"], credentials["password"], numbers=list(account.numbers))


KIT = EmulatorKit(
    app=BeelineEmulator,
    path="/api",
    port=8702,
    knobs=(
        Knob("pending_seconds", float, "seconds an uploaded voice file stays PENDING.", default=5, minimum=0),
        Knob("blacklist_limit", int, "A-numbers per (ListID, B) before 413.2.", default=100, minimum=1),
        Knob("max_body_bytes", int, "request body size before 413.1.", default=10 * 1024 * 1024, minimum=1),
        Knob("max_voice_files", int, "stored voice files before 409.1 on upload.", default=50, minimum=1),
        Knob("pending_key", str, "the key LVFILES names the pending flag with (\"PENDNIG\")."),
        Knob("lblist_grouping", str, "how LBLIST groups entries: per_b, per_a or triples."),
    ),
    snapshot_account=snapshot_account,
    snapshot_knobs=SNAPSHOT_KNOBS,
    label="Beeline",
    api_label="Beeline cloudcc",
    demo=demo.KIT,
)
