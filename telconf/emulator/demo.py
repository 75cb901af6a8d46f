"""The demo accounts ``telconf emulator`` serves when started without a state file.

Each provider's kit brings its own (``DemoKit.accounts``); a provider without a demo
starts empty.
"""

from __future__ import annotations

from typing import Any

from telconf.emulator.kit import EmulatorKit
from telconf.emulator.server import kits


def demo_state(found: dict[str, EmulatorKit] | None = None) -> dict[str, Any]:
    """A state file's content: every provider's demo accounts, in a section per provider."""
    state: dict[str, Any] = {}
    for name, kit in (kits() if found is None else found).items():
        if kit.demo is not None:
            app = kit.app()
            kit.demo.accounts(app)
            state[name] = app.snapshot()
    return state
