"""Emulators of both provider APIs, for tests, the README's first command and trials.

They follow ``CONTRACT.md`` exactly, so any client (not only telconf's) can be pointed
at them to learn how the APIs behave. ``Emulators.start()`` serves both in threads;
``TeleumEmulator``/``BeelineEmulator`` are plain WSGI apps with a control API.
"""

from __future__ import annotations

from telconf.emulator.beeline import BeelineAccount, BeelineEmulator
from telconf.emulator.faults import KINDS as FAULT_KINDS
from telconf.emulator.faults import FaultConfig
from telconf.emulator.server import Emulators
from telconf.emulator.teleum import TeleumAccount, TeleumEmulator

__all__ = ["Emulators", "TeleumEmulator", "BeelineEmulator", "TeleumAccount", "BeelineAccount",
           "FaultConfig", "FAULT_KINDS"]
