"""What a provider gives the emulator machinery: its app, where it is served, its knobs.

Each provider package has an emulator of its API (``telconf/providers/<name>/emulator``)
and exposes an :class:`EmulatorKit` as its descriptor's ``emulator``. ``Emulators``
(several served at once), ``telconf emulator``, ``telconf demo`` and the offline
snapshot plan only go through kits, so they name no provider.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from telconf.emulator.base import EmulatorBase


@dataclass(frozen=True)
class Knob:
    """A realism knob of one emulator: a keyword of its app and an option of ``telconf emulator``."""

    name: str
    type: type
    help: str


@dataclass(frozen=True)
class EmulatorKit:
    """One provider's emulator.

    ``app(**knobs)`` makes the WSGI app (an ``EmulatorBase``); it is served under
    ``path`` (``/api/v3/``), on ``port`` by default in ``telconf emulator``. ``knobs`` are
    its own knobs besides the shared ones (latency, faults, shuffle).

    ``snapshot_account(app, account, login, password)`` creates, for the offline snapshot
    plan, an empty emulator account with the config account's numbers and whatever the
    API cannot restore (Teleum's SIP line numbers); the snapshot is then applied to it.
    ``snapshot_knobs`` are knobs for that in-process emulator (no waiting, no limits).
    """

    app: Callable[..., EmulatorBase]
    path: str
    port: int
    knobs: tuple[Knob, ...] = ()
    snapshot_account: Callable[[Any, Any, str, str], None] | None = None
    snapshot_knobs: Mapping[str, Any] = field(default_factory=dict)
