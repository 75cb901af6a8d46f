"""examples/callcenter through its dates: before New Year, New Year's Eve, a public holiday, a working day.

Both providers against their emulators (port 0): the Teleum queue's forwards and the Beeline
hotline's greeting follow the overrides of the example's templates, and each apply converges.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from telconf.cli import main
from telconf.emulator import Emulators
from telconf.core.wav import make_wav

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "callcenter" / "telconf.yaml"
TELEUM_NUMBERS = ["78123232301", "78123232302", "78123232303", "78123232304", "78123232309"]
BEELINE_NUMBERS = ["74950000001", "74950000002", "74950000003"]

MOMENTS = [  # (--at, the first forward's target of +7 812 323-23-01, the greeting of +7 495 000-00-01)
    ("2026-12-30T12:00", "101", "greeting.wav"),              # a working day
    ("2026-12-31T12:00", "holidays@example.com", "holidays.wav"),  # 31 Dec 2026: a day off in ru
    ("2026-12-31T20:00", "79210000001", "new-year.wav"),      # New Year's Eve
    ("2027-01-09T12:00", "79210000001", "greeting.wav"),      # Teleum's New Year lasts to the 11th; the
                                                              # hotline's ended on the 9th (a Saturday)
    ("2027-01-11T12:00", "101", "greeting.wav"),              # the first working day
    ("2027-02-23T12:00", "holidays@example.com", "holidays.wav"),  # a public holiday
]


@pytest.fixture
def env(emulators: Emulators) -> dict[str, str]:
    emulators.teleum.add_account("cc@example.com", "cc-Pa55word", numbers=TELEUM_NUMBERS)
    emulators.beeline.add_account("hotline", "hotline-Pa55word", numbers=BEELINE_NUMBERS)
    emulators.beeline.configure(pending_seconds=0)
    emulators.beeline.add_voice_file("hotline", "ivr-main.wav", make_wav(tone=4))
    return {"TELCONF_VAR_TELEUM_URL": emulators.teleum_url, "TELEUM_EMAIL": "cc@example.com", "TELEUM_PASSWORD": "cc-Pa55word",
            "TELCONF_VAR_BEELINE_URL": emulators.beeline_url, "BEELINE_LOGIN": "hotline", "BEELINE_PASSWORD": "hotline-Pa55word",
            **{f"SIP_{n}_PASSWORD": f"sip-{n}-Pa55word" for n in (101, 102, 103)}}


def test_the_call_centre_follows_its_dates_and_converges_at_each(emulators: Emulators, env: dict[str, str]) -> None:
    runner = CliRunner()
    for at, forward, greeting in MOMENTS:
        applied = runner.invoke(main, ["apply", "-c", str(EXAMPLE), "--yes", "--at", at], env=env)
        assert applied.exit_code == 0, (at, applied.output, applied.stderr)
        first = emulators.teleum.forwards("cc@example.com", "78123232301")[0]
        assert first["rnum"] == forward, (at, first)
        premedia = emulators.beeline.account_state("hotline")["premedia"]
        assert premedia["74950000001"]["FileA"] == greeting, (at, premedia)
        planned = runner.invoke(main, ["plan", "-c", str(EXAMPLE), "--at", at, "--detailed-exitcode"], env=env)
        assert planned.exit_code == 0 and "No changes." in planned.stdout, (at, planned.stdout)
