"""The demo accounts ``telconf emulator`` serves when started without a state file."""

from __future__ import annotations

from typing import Any

from telconf.emulator.beeline import BeelineEmulator
from telconf.emulator.teleum import TeleumEmulator

TELEUM_LOGIN = ("demo@example.com", "demo-password")
TELEUM_NUMBERS = ("78123232323", "78123232324", "78123232325")
BEELINE_LOGIN = ("demo", "demo-password")
BEELINE_NUMBERS = ("74957654321", "74957654322", "74957654323")


def demo_state() -> dict[str, Any]:
    """A state file's content: one Teleum and one Beeline demo account with 3 numbers each.

    Teleum has one SIP line (101, Reception) forwarded to from the first number;
    Beeline starts empty but for its numbers, as a fresh cloudcc client does.
    """
    teleum = TeleumEmulator()
    teleum.add_account(*TELEUM_LOGIN, numbers=list(TELEUM_NUMBERS))
    teleum.add_sip(TELEUM_LOGIN[0], descr="Reception", sip_email="reception@example.com")
    teleum.add_forward(TELEUM_LOGIN[0], TELEUM_NUMBERS[0], rtype="SIP", rnum="101")
    beeline = BeelineEmulator()
    beeline.add_account(*BEELINE_LOGIN, numbers=list(BEELINE_NUMBERS))
    return {"teleum": teleum.snapshot(), "beeline": beeline.snapshot()}
