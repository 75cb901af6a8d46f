"""telconf demo, and the demo config planned through the CLI against the emulators."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from telconf import demo
from telconf.cli import main
from telconf.emulator import Emulators
from telconf.providers.teleum.emulator import demo as teleum_demo

ROOT = Path(__file__).parents[2]


def test_the_packaged_demo_config_is_the_example() -> None:
    assert demo.config_text() == (ROOT / "examples" / "demo.yaml").read_text()
    result = CliRunner().invoke(main, ["validate", "-c", str(ROOT / "examples" / "demo.yaml")])
    assert result.exit_code == 0, result.output


def test_demo_plans_applies_and_converges(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--keep", str(tmp_path / "kept")])
    assert result.exit_code == 0, result.output
    out = result.stdout
    first, applied, second = out.split("\n$ telconf ")[1:]
    assert "+ sip_line 102" in first and "↕ forward 78123232325" in first and "password: (sensitive)" in first
    assert "Plan: 7 to add, 6 to change, 2 to delete, 1 move; 15 API calls" in first
    assert "[15/15]" in applied and "Apply complete: 7 added, 6 changed, 2 deleted, 1 moved; 15 API calls" in applied
    assert second.splitlines()[1] == "No changes."
    assert teleum_demo.SIP_PASSWORD not in out and "demo-password" not in out
    assert (tmp_path / "kept" / "demo.yaml").exists() and (tmp_path / "kept" / "media" / "greeting.wav").exists()


def test_a_saved_plan_with_a_sip_password_holds_only_a_placeholder(emulators: Emulators, tmp_path: Path) -> None:
    demo.seed(emulators)
    config = demo.write_config(tmp_path)
    runner, env = CliRunner(), demo.environ(emulators)
    planfile = tmp_path / "plan.json"
    result = runner.invoke(main, ["plan", "-c", str(config), "--out", str(planfile)], env=env)
    assert result.exit_code == 0, result.output
    text = planfile.read_text()
    assert teleum_demo.SIP_PASSWORD not in text and env["DEMO_TELEUM_PASSWORD"] not in text
    calls = [c for a in json.loads(text)["plan"]["accounts"] for c in a["calls"]]
    assert any("$secret" in json.dumps(c["params"]) for c in calls if c["method"] == "editSIP")

    result = runner.invoke(main, ["apply", "-c", str(config), str(planfile)], env=env)
    assert result.exit_code == 0, result.output
    assert [s["num"] for s in emulators.teleum.sips(teleum_demo.LOGIN[0])] == ["101", "102"]
    assert emulators.teleum.sips(teleum_demo.LOGIN[0])[1]["password"] == teleum_demo.SIP_PASSWORD
    result = runner.invoke(main, ["plan", "-c", str(config), "--detailed-exitcode"], env=env)
    assert (result.exit_code, result.stdout) == (0, "No changes.\n")


def test_json_plan_of_both_providers_validates_against_the_schema(emulators: Emulators, tmp_path: Path) -> None:
    demo.seed(emulators)
    config = demo.write_config(tmp_path)
    result = CliRunner().invoke(main, ["plan", "-c", str(config), "--format", "json"], env=demo.environ(emulators))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, json.loads((ROOT / "schemas" / "plan.schema.json").read_text()))
    assert [a["provider"] for a in data["accounts"]] == ["beeline", "teleum"]
    assert data["summary"] == {"create": 7, "update": 6, "delete": 2, "move": 1, "calls": 15}
