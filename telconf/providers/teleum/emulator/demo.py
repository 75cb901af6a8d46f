"""Teleum's part of the demos: a small office's account, and what ``telconf demo`` changes.

``telconf emulator`` serves :func:`accounts` when started without a state file;
``telconf demo`` adds :func:`drift` and plans ``demo.yaml`` (this package's accounts
of the demo config) against them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telconf.emulator.kit import DemoKit, DemoLogin

if TYPE_CHECKING:
    from telconf.providers.teleum.emulator.app import TeleumEmulator

LOGIN = ("demo@example.com", "demo-password")
NUMBERS = ("78123232323", "78123232324", "78123232325")
SIP_PASSWORD = "demo-sip-password"


def accounts(app: TeleumEmulator) -> None:
    """One account with 3 numbers and one SIP line (101, Reception) forwarded to from the first number."""
    app.add_account(*LOGIN, numbers=list(NUMBERS))
    app.add_sip(LOGIN[0], descr="Reception", sip_email="reception@example.com")
    app.add_forward(LOGIN[0], NUMBERS[0], rtype="SIP", rnum="101")


def drift(app: TeleumEmulator) -> None:
    """Live forwards the demo config changes (and one it removes)."""
    email, office = LOGIN[0], NUMBERS[0]  # the second number has no forwards yet: they are created
    app.add_forward(email, office, rtype="Телефон", rnum="79210000000", timeout=25)  # edited: 30 s
    app.add_forward(email, office, rtype="Факс", rnum="fax@example.com")  # deleted
    # the mobile was put before the reception: one move puts them back in order
    app.add_forward(email, NUMBERS[2], rtype="Телефон", rnum="79210000000", timeout=30)
    app.add_forward(email, NUMBERS[2], rtype="SIP", rnum="101")


def environ(url: str) -> dict[str, str]:
    """The ``${DEMO_...}`` variables of ``demo.yaml`` for the emulator served at ``url``."""
    return {
        "TELCONF_VAR_DEMO_TELEUM_URL": url,
        "DEMO_TELEUM_EMAIL": LOGIN[0],
        "DEMO_TELEUM_PASSWORD": LOGIN[1],
        "DEMO_SIP_PASSWORD": SIP_PASSWORD,
    }


KIT = DemoKit(
    logins=(DemoLogin(*LOGIN, NUMBERS),),
    accounts=accounts,
    drift=drift,
    environ=environ,
    config="telconf.providers.teleum.emulator:demo.yaml",
    summary="a Teleum office",
    example="curl -d cmd=login -d email=demo@example.com -d paswd=demo-password http://127.0.0.1:8701/api/v3/",
)
