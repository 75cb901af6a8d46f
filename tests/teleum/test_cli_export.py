"""End to end through the CLI, and export: an exported account plans clean and reproduces itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from telconf.cli import main
from telconf.config import load
from telconf.emulator import Emulators
from telconf.providers.teleum.model import Interval
from telconf.engine.conductor import Conductor

from .helpers import (
    EMAIL,
    ENV,
    N1,
    N2,
    N3,
    PASSWORD,
    SIP_PASSWORD,
    add_forwards,
    emulator_forwards,
    emulator_lines,
    fwd,
    quick_provider,
)

CONFIG = """\
version: 1
accounts:
  spb-office:
    provider: teleum
    url: {url}
    credentials:
      email: ${{TELEUM_EMAIL}}
      password: ${{TELEUM_PASSWORD}}
    sip_lines:
      "101":
        description: Reception
        email: reception@example.com
        caller_id: "+7 812 323-23-23"
        password: ${{SIP_PASSWORD}}
      "102":
        description: Office
        password: ${{SIP_PASSWORD}}
    numbers:
      "+7 (812) 323-23-23":
        forwards:
          - to: sip:101
            timeout: 25
            record: true
            schedule:
              - days: mon-fri
                from: "09:00"
                to: "18:00"
          - to: sip:102
            caller_id: "+7 812 323-23-24"
          - to: tel:+7 921 000-00-00
            caller_id: group
          - to: voicemail:office@example.com
"""


def write_config(tmp_path: Path, url: str, text: str = CONFIG) -> Path:
    path = tmp_path / "telconf.yaml"
    path.write_text(text.format(url=url))
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), env=ENV, catch_exceptions=False)


def test_plan_apply_plan_through_the_cli(emu: Emulators, tmp_path: Path) -> None:
    emu.teleum.add_sip(EMAIL, descr="old")
    add_forwards(emu, N1, [fwd("tel:79210000000"), fwd("fax:fax@example.com")])
    config = write_config(tmp_path, emu.teleum_url)

    first = run("plan", "-c", str(config), "--detailed-exitcode")
    assert first.exit_code == 2, first.output
    assert "sip:102" in first.output

    applied = run("apply", "-c", str(config), "--yes", "-v")
    assert applied.exit_code == 0, applied.output
    assert SIP_PASSWORD not in applied.output and PASSWORD not in applied.output and "token=" not in applied.output

    again = run("plan", "-c", str(config), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert emulator_lines(emu) == {"101": ("Reception", "reception@example.com", N1), "102": ("Office", "", None)}
    assert [f.target.value for f in emulator_forwards(emu, N1)] == ["101", "102", "79210000000", "office@example.com"]


def test_a_plan_error_is_a_message_and_exit_1(emu: Emulators, tmp_path: Path) -> None:
    emu.teleum.add_sip(EMAIL)
    emu.teleum.add_sip(EMAIL)  # the next line will be 103, the config wants 101 and 102 kept and no 103
    config = write_config(tmp_path, emu.teleum_url, CONFIG.replace('"102":', '"104":').replace("sip:102", "sip:104"))
    result = run("plan", "-c", str(config))
    assert result.exit_code == 1
    assert "SIP line 104 cannot be created" in result.output and "would assign 103" in result.output
    assert "Traceback" not in result.output


def exported(emu: Emulators, tmp_path: Path) -> Path:
    """Export the emulated account through the provider and write it as a config file."""
    config = load(write_config(tmp_path, emu.teleum_url, CONFIG.split("    sip_lines:")[0]), environ=ENV)
    with Conductor(config, environ=ENV, provider_factory=quick_provider) as conductor:
        provider = conductor.provider("spb-office")
        data = provider.export(provider.read(), tmp_path)
    account = {"provider": "teleum", "url": emu.teleum_url,
               "credentials": {"email": "${TELEUM_EMAIL}", "password": "${TELEUM_PASSWORD}"}, **data}
    path = tmp_path / "exported.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "accounts": {"spb-office": account}}, allow_unicode=True,
                                   sort_keys=False))
    return path


def test_export_plans_clean_and_reproduces_the_account(emu: Emulators, emulators: Emulators, tmp_path: Path) -> None:
    emu.teleum.add_sip(EMAIL, descr="Reception", sip_email="r@example.com")
    emu.teleum.add_sip(EMAIL, descr="Office")
    add_forwards(emu, N1, [fwd("sip:102", timeout=25, record=True, caller_id=N2,
                               schedule=(Interval(1, 5, 540, 1080), Interval(6, 6, 600, 720))),
                           fwd("tel:79210000000", caller_id="group"), fwd("fax:fax@example.com")])
    add_forwards(emu, N3, [fwd("sip:101", isolated=True, vpbx=True, music_on_hold=True)])
    path = exported(emu, tmp_path)
    data = yaml.safe_load(path.read_text())["accounts"]["spb-office"]
    assert data["sip_lines"]["101"] == {"description": "Reception", "email": "r@example.com",
                                        "password": "${SIP_101_PASSWORD}"}
    assert data["numbers"]["+7 812 323-23-23"]["forwards"][1] == {"to": "tel:+7 921 000-00-00",
                                                                   "caller_id": "group"}
    assert data["numbers"]["+7 812 323-23-24"] == {"forwards": []}
    before = {wire: emulator_forwards(emu, wire) for wire in (N1, N2, N3)}
    env = ENV | {"SIP_101_PASSWORD": "password-101", "SIP_102_PASSWORD": "password-102"}

    clean = CliRunner().invoke(main, ["plan", "-c", str(path), "--detailed-exitcode"], env=env)
    assert clean.exit_code == 0, clean.output

    emulators.reset()  # an empty account: applying the export reproduces it
    emulators.teleum.add_account(EMAIL, PASSWORD, [N1, N2, N3])
    applied = CliRunner().invoke(main, ["apply", "-c", str(path), "--yes"], env=env)
    assert applied.exit_code == 0, applied.output
    assert {wire: emulator_forwards(emulators, wire) for wire in (N1, N2, N3)} == before
    assert emulator_lines(emulators) == {"101": ("Reception", "r@example.com", None), "102": ("Office", "", None)}


def test_a_saved_plan_applies_and_goes_stale(emu: Emulators, tmp_path: Path) -> None:
    emu.teleum.add_sip(EMAIL, descr="old")
    add_forwards(emu, N1, [fwd("fax:fax@example.com")])
    config = write_config(tmp_path, emu.teleum_url)
    saved = tmp_path / "plan.json"
    assert run("plan", "-c", str(config), "--out", str(saved)).exit_code == 0
    assert SIP_PASSWORD not in saved.read_text() and PASSWORD not in saved.read_text()

    emu.teleum.add_forward(EMAIL, N2, rtype="Факс", rnum="fax@example.com")  # outside the config: still valid
    applied = run("apply", str(saved), "-c", str(config))
    assert applied.exit_code == 0, applied.output
    assert run("plan", "-c", str(config), "--detailed-exitcode").exit_code == 0

    emu.teleum.add_forward(EMAIL, N1, rtype="Факс", rnum="other@example.com")  # the plan will delete it
    assert run("plan", "-c", str(config), "--out", str(saved)).exit_code == 0
    emu.teleum.add_forward(EMAIL, N1, rtype="Факс", rnum="third@example.com")  # the number it touches changes
    stale = run("apply", str(saved), "-c", str(config))
    assert stale.exit_code == 1 and "stale" in stale.output.lower()
