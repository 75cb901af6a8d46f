"""Acme's part of the demos: ``telconf emulator`` serves :func:`accounts` when started
without a state file; ``telconf demo`` adds :func:`drift` and plans ``demo.yaml`` (this
package's accounts of the demo config) against them, beside the built-in providers'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telconf.emulator.kit import DemoKit, DemoLogin

if TYPE_CHECKING:
    from telconf_acme.emulator import AcmeEmulator

LOGIN = ("demo", "demo-password")
NUMBERS = ("78005550101", "78005550102")


def accounts(app: AcmeEmulator) -> None:
    """One account with two numbers, none forwarded."""
    app.add_account(*LOGIN, NUMBERS)


def drift(app: AcmeEmulator) -> None:
    """A list someone set by hand, which the demo config replaces."""
    app.set_forwards(LOGIN[0], NUMBERS[1], ["79990000000"])


def environ(url: str) -> dict[str, str]:
    """The ``${DEMO_ACME_...}`` variables of ``demo.yaml`` for the emulator served at ``url``."""
    return {"TELCONF_VAR_DEMO_ACME_URL": url, "DEMO_ACME_LOGIN": LOGIN[0], "DEMO_ACME_PASSWORD": LOGIN[1]}


KIT = DemoKit(
    logins=(DemoLogin(*LOGIN, NUMBERS),),
    accounts=accounts,
    drift=drift,
    environ=environ,
    config="telconf_acme:demo.yaml",
    summary="an Acme Voice line",
    example="curl -u demo:demo-password http://127.0.0.1:8093/v1/numbers",
)
