"""Beeline's part of the demos: a call centre's account, and what ``telconf demo`` changes.

``telconf emulator`` serves :func:`accounts` when started without a state file;
``telconf demo`` adds :func:`drift` and plans ``demo.yaml`` (this package's accounts
of the demo config) against them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telconf.emulator.kit import DemoKit, DemoLogin
from telconf.core.wav import make_wav

if TYPE_CHECKING:
    from telconf.providers.beeline.emulator.app import BeelineEmulator

LOGIN = ("demo", "demo-password")
NUMBERS = ("74957654321", "74957654322", "74957654323")


def accounts(app: BeelineEmulator) -> None:
    """One client with 3 numbers and nothing else, as a fresh cloudcc client has."""
    app.add_account(*LOGIN, numbers=list(NUMBERS))


def drift(app: BeelineEmulator) -> None:
    """Live settings the demo config changes (and some it removes)."""
    login = LOGIN[0]
    first, other, unlisted = NUMBERS
    app.set_redirect(login, other, "79160000009")  # redirected elsewhere: updated
    app.set_redirect(login, unlisted, "79160000002")  # not listed: kept
    app.add_voice_file(login, "old-greeting.wav", make_wav(tone=7), comment="Last year's greeting")
    app.add_blacklist(login, 0, first, "79000000099")  # not in the list any more: removed
    app.set_active_list(login, 1)


def files() -> dict[str, bytes]:
    """The voice file ``demo.yaml`` uploads."""
    return {"media/greeting.wav": make_wav(seconds=0.5, tone=3)}


def environ(url: str) -> dict[str, str]:
    """The ``${DEMO_...}`` variables of ``demo.yaml`` for the emulator served at ``url``."""
    return {
        "TELCONF_VAR_DEMO_BEELINE_URL": url,
        "DEMO_BEELINE_LOGIN": LOGIN[0],
        "DEMO_BEELINE_PASSWORD": LOGIN[1],
    }


KIT = DemoKit(
    logins=(DemoLogin(*LOGIN, NUMBERS),),
    accounts=accounts,
    drift=drift,
    environ=environ,
    config="telconf.providers.beeline.emulator:demo.yaml",
    summary="a Beeline cloudcc call centre",
    files=files,
    example="curl -u demo:demo-password -F 'api_form={\"Command\":\"RLIST\"}' http://127.0.0.1:8702/api/request",
)
