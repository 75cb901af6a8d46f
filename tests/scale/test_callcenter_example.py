"""examples/callcenter (templates, includes, ignore rules): applied once, then a no-op that writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from telconf.cli import main
from telconf.emulator import Emulators
from telconf.core.wav import make_wav

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "callcenter" / "telconf.yaml"
TELEUM_NUMBERS = ["78123232301", "78123232302", "78123232303", "78123232304", "78123232309"]
BEELINE_NUMBERS = ["74950000001", "74950000002", "74950000003"]
TELEUM_WRITES = {"editSIP", "deleteSIP", "editForward", "deleteForward", "moveForward"}
BEELINE_READS = {"RLIST", "MLIST", "LBLIST", "LRECORD", "LVFILES", "ABLIST", "download"}  # ABLIST without a list reads


def test_the_call_centre_example_converges_then_plans_and_applies_without_writes(emulators: Emulators) -> None:
    emulators.teleum.add_account("cc@example.com", "cc-Pa55word", numbers=TELEUM_NUMBERS)
    for descr in ("Desk", "PBX team"):
        emulators.teleum.add_sip("cc@example.com", descr=descr)  # 101, then 102
    emulators.beeline.add_account("hotline", "hotline-Pa55word", numbers=BEELINE_NUMBERS)
    emulators.beeline.configure(pending_seconds=0)
    emulators.beeline.add_voice_file("hotline", "ivr-main.wav", make_wav(tone=4))  # ignored: stays
    env = {"TELCONF_VAR_TELEUM_URL": emulators.teleum_url, "TELEUM_EMAIL": "cc@example.com", "TELEUM_PASSWORD": "cc-Pa55word",
           "TELCONF_VAR_BEELINE_URL": emulators.beeline_url, "BEELINE_LOGIN": "hotline", "BEELINE_PASSWORD": "hotline-Pa55word",
           **{f"SIP_{n}_PASSWORD": f"sip-{n}-Pa55word" for n in (101, 102, 103)}}
    runner = CliRunner()
    text = runner.invoke(main, ["plan", "-c", str(EXAMPLE)], env=env)
    assert text.exit_code == 0, text.output
    assert "  +7 812 323-23-01 (template queue)\n" in text.stdout
    assert "  +7 495 000-00-03 (template hotline)\n" in text.stdout
    data = json.loads(runner.invoke(main, ["plan", "-c", str(EXAMPLE), "--format", "json"], env=env).stdout)
    templates = {c.get("number"): c.get("template") for a in data["accounts"] for c in a["changes"]}
    assert templates["78123232309"] == "night" and templates["74950000001"] == "hotline"
    first = runner.invoke(main, ["apply", "-c", str(EXAMPLE), "--yes"], env=env)
    assert first.exit_code == 0, first.output
    emulators.teleum.clear_log()
    emulators.beeline.clear_log()

    planned = runner.invoke(main, ["plan", "-c", str(EXAMPLE), "--detailed-exitcode"], env=env)
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.stdout
    applied = runner.invoke(main, ["apply", "-c", str(EXAMPLE), "--yes"], env=env)
    assert applied.exit_code == 0, applied.output
    teleum_calls = {e["method"] for e in emulators.teleum.call_log}
    beeline_calls = {e["method"] for e in emulators.beeline.call_log}
    assert teleum_calls and not teleum_calls & TELEUM_WRITES
    assert beeline_calls and beeline_calls <= BEELINE_READS, beeline_calls
    assert "ivr-main.wav" in emulators.beeline.account_state("hotline")["files"]
