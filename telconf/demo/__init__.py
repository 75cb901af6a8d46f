"""What ``telconf demo`` needs: the demo config, its voice file, and emulated accounts
whose live state differs from the config in every way a plan can show.

The config ships inside the package (``demo.yaml``, the same file as
``examples/demo.yaml``), so an installed wheel runs the demo with no checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from telconf.emulator import Emulators
from telconf.emulator.demo import BEELINE_LOGIN, BEELINE_NUMBERS, TELEUM_LOGIN, TELEUM_NUMBERS, demo_state

__all__ = ["CONFIG", "SIP_PASSWORD", "TELEUM_LOGIN", "BEELINE_LOGIN", "seed", "write_config", "environ"]
from telconf.wav import make_wav

CONFIG = Path(__file__).with_name("demo.yaml")
SIP_PASSWORD = "demo-sip-password"


def seed(emulators: Emulators) -> None:
    """The demo accounts, plus live settings the config changes (and some it removes)."""
    emulators.restore(demo_state())
    teleum, email = emulators.teleum, TELEUM_LOGIN[0]
    office = TELEUM_NUMBERS[0]  # the second number has no forwards yet: they are created
    teleum.add_forward(email, office, rtype="Телефон", rnum="79210000000", timeout=25)  # edited: 30 s
    teleum.add_forward(email, office, rtype="Факс", rnum="fax@example.com")  # deleted
    # the mobile was put before the reception: one move puts them back in order
    teleum.add_forward(email, TELEUM_NUMBERS[2], rtype="Телефон", rnum="79210000000", timeout=30)
    teleum.add_forward(email, TELEUM_NUMBERS[2], rtype="SIP", rnum="101")
    beeline, login = emulators.beeline, BEELINE_LOGIN[0]
    first, other, unlisted = BEELINE_NUMBERS
    beeline.set_redirect(login, other, "79160000009")  # redirected elsewhere: updated
    beeline.set_redirect(login, unlisted, "79160000002")  # not listed: kept
    beeline.add_voice_file(login, "old-greeting.wav", make_wav(tone=7), comment="Last year's greeting")
    beeline.add_blacklist(login, 0, first, "79000000099")  # not in the list any more: removed
    beeline.set_active_list(login, 1)


def write_config(directory: Path) -> Path:
    """Copy the demo config and its voice file into ``directory``; return the config path."""
    from telconf.modeline import write_modeline

    config = directory / "demo.yaml"
    shutil.copyfile(CONFIG, config)
    write_modeline(config)  # the packaged file's ../schemas link would not resolve in DIRECTORY
    (directory / "media").mkdir(exist_ok=True)
    (directory / "media" / "greeting.wav").write_bytes(make_wav(seconds=0.5, tone=3))
    return config


def environ(emulators: Emulators) -> dict[str, str]:
    """The ``${DEMO_...}`` variables of the demo config, for these emulators."""
    return {
        "DEMO_TELEUM_URL": emulators.teleum_url,
        "DEMO_TELEUM_EMAIL": TELEUM_LOGIN[0],
        "DEMO_TELEUM_PASSWORD": TELEUM_LOGIN[1],
        "DEMO_SIP_PASSWORD": SIP_PASSWORD,
        "DEMO_BEELINE_URL": emulators.beeline_url,
        "DEMO_BEELINE_LOGIN": BEELINE_LOGIN[0],
        "DEMO_BEELINE_PASSWORD": BEELINE_LOGIN[1],
    }
