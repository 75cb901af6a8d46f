"""The machinery that serves the providers' emulators, for tests, the README's first command and trials.

Each provider package has its emulator (``telconf/providers/<name>/emulator``: a plain
WSGI app with a control API, following the wire contract (``docs/emulator.md`` and the
provider pages under ``docs/providers/``) exactly, so that any client, not
only telconf's, can be pointed at it) and describes it with an
:class:`~telconf.emulator.kit.EmulatorKit`. This package holds what they share
(``base``, ``faults``) and serves them: ``Emulators.start()`` serves every registered
provider's emulator in threads.
"""

from __future__ import annotations

from telconf.emulator.faults import KINDS as FAULT_KINDS
from telconf.emulator.faults import FaultConfig
from telconf.emulator.server import Emulators

__all__ = ["Emulators", "FaultConfig", "FAULT_KINDS"]
