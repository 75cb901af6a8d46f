"""Overrides applied on time, against the Teleum emulator (port 0), through the CLI.

Applying at three moments (before, during, after a New Year override, with ``--at``)
converges each time, and the plan in between shows the change as due.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from telconf.cli import main
from telconf.emulator import Emulators

EMAIL, PASSWORD = "office@example.com", "office-Pa55word"
NUMBER = "78123232323"

CONFIG = """\
version: 1
accounts:
  office:
    provider: teleum
    url: ${TELCONF_VAR_URL}
    timezone: Europe/Moscow
    credentials: {email: "${EMAIL}", password: "${PASSWORD}"}
    sip_lines:
      "101": {description: Reception}
    numbers:
      "+7 812 323-23-23":
        forwards: [{to: "sip:101"}]
        overrides:
          - name: new-year
            from: 2026-12-31T18:00
            until: 2027-01-09
            forwards: [{to: "voicemail:office@example.com"}]
"""

BEFORE, DURING, AFTER = "2026-12-31T17:59", "2026-12-31T18:00", "2027-01-09T00:00"


@pytest.fixture
def office(emulators: Emulators, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    emulators.teleum.add_account(EMAIL, PASSWORD, numbers=[NUMBER])
    emulators.teleum.add_sip(EMAIL, descr="Reception")
    config = tmp_path / "telconf.yaml"
    config.write_text(CONFIG)
    return config, {"TELCONF_VAR_URL": emulators.teleum_url, "EMAIL": EMAIL, "PASSWORD": PASSWORD}


def targets(emulators: Emulators) -> list[str]:
    return [f"{f['rtype']}:{f['rnum']}" for f in emulators.teleum.forwards(EMAIL, NUMBER)]


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_apply_before_during_and_after_an_override_converges_each_time(
        emulators: Emulators, office: tuple[Path, dict[str, str]]) -> None:
    config, env = office
    c = str(config)
    for at, wanted in ((BEFORE, "101"), (DURING, "office@example.com"), (AFTER, "101")):
        code, out, err = run(env, "apply", "-c", c, "--yes", "--at", at)
        assert code == 0, (at, out, err)
        assert [t.partition(":")[2] for t in targets(emulators)] == [wanted], (at, targets(emulators))
        code, out, _ = run(env, "plan", "-c", c, "--at", at, "--detailed-exitcode")
        assert code == 0 and "No changes." in out, (at, out)


def test_the_plan_between_two_moments_shows_the_change_as_due(emulators: Emulators,
                                                             office: tuple[Path, dict[str, str]]) -> None:
    config, env = office
    c = str(config)
    assert run(env, "apply", "-c", c, "--yes", "--at", BEFORE)[0] == 0
    code, out, _ = run(env, "plan", "-c", c, "--at", DURING, "--detailed-exitcode")
    assert code == 2
    assert "As of 2026-12-31T18:00:00+03:00 (Europe/Moscow) (--at):" in out
    assert "office: +7 812 323-23-23: override 'new-year' until 2027-01-09T00:00:00+03:00" in out
    assert "voicemail:office@example.com" in out
    code, out, _ = run(env, "plan", "-c", c, "--at", DURING, "--format", "json")
    moment = json.loads(out)["moment"]
    assert moment["next_change_at"] == "2027-01-08T21:00:00Z"
    assert moment["accounts"][0]["active"] == [{
        "number": NUMBER, "override": "new-year", "kind": "range",
        "until": {"local": "2027-01-09T00:00:00+03:00", "utc": "2027-01-08T21:00:00Z"}}]
    assert moment["accounts"][0]["next_change_at"] == {"local": "2027-01-09T00:00:00+03:00",
                                                         "utc": "2027-01-08T21:00:00Z"}


def test_a_saved_plan_goes_stale_when_an_override_boundary_passes(emulators: Emulators, tmp_path: Path,
                                                                  office: tuple[Path, dict[str, str]]) -> None:
    config, env = office
    c, planfile = str(config), str(tmp_path / "plan.json")
    assert run(env, "plan", "-c", c, "--at", BEFORE, "--out", planfile)[0] == 0
    saved = json.loads(Path(planfile).read_text())
    assert saved["plan"]["moment"]["next_change_at"] == "2026-12-31T15:00:00Z"
    code, _, err = run(env, "apply", planfile, "-c", c, "--at", DURING)
    assert code == 1
    assert ("is stale and nothing was applied: the desired state of account office changed at "
            "2026-12-31T18:00:00+03:00 (an override started or ended), after the plan's moment "
            "2026-12-31T17:59:00+03:00") in err
    assert targets(emulators) == []
    code, out, err = run(env, "apply", planfile, "-c", c, "--at", "2026-12-31T17:59:59")
    assert code == 0, (out, err)
    assert targets(emulators) == ["SIP:101"]


def test_a_plan_made_for_a_later_moment_is_stale_before_it(emulators: Emulators, tmp_path: Path,
                                                           office: tuple[Path, dict[str, str]]) -> None:
    config, env = office
    c, planfile = str(config), str(tmp_path / "plan.json")
    assert run(env, "plan", "-c", c, "--at", DURING, "--out", planfile)[0] == 0
    code, _, err = run(env, "apply", planfile, "-c", c, "--at", BEFORE)
    assert code == 1
    assert "the overrides active now (none) are not those of the plan's moment (78123232323 'new-year')" in err
    assert targets(emulators) == []


@pytest.mark.parametrize("zone, written", [("Europe/Moscow", False), ("Asia/Yekaterinburg", True)])
def test_export_writes_the_live_state_and_leaves_overrides_to_the_config(
        emulators: Emulators, tmp_path: Path, office: tuple[Path, dict[str, str]], zone: str, written: bool) -> None:
    config, env = office
    config.write_text(config.read_text().replace("timezone: Europe/Moscow", f"timezone: {zone}\n    calendar: ru"))
    assert run(env, "apply", "-c", str(config), "--yes", "--at", DURING)[0] == 0
    out = tmp_path / "export" / "telconf.yaml"
    code, _, err = run(env, "export", "-c", str(config), "-o", str(out))
    assert code == 0, err
    text = out.read_text()
    assert "overrides" not in text and "voicemail:office@example.com" in text  # the live state, as it is
    assert ("timezone: Asia/Yekaterinburg" in text) is written and "timezone: Europe/Moscow" not in text
    assert "calendar: ru" in text


def test_markdown_and_json_plans_name_the_moment_and_json_follows_its_schema(
        emulators: Emulators, office: tuple[Path, dict[str, str]]) -> None:
    import jsonschema

    config, env = office
    code, out, _ = run(env, "plan", "-c", str(config), "--at", DURING, "--format", "markdown")
    assert code == 0
    assert "\nAs of 2026-12-31T18:00:00+03:00 \\(Europe/Moscow\\) \\(--at\\):\n" in out
    assert "\n- office: +7 812 323-23-23: override 'new-year' until 2027-01-09T00:00:00+03:00\n" in out
    assert "\n- next change: 2027-01-09T00:00:00+03:00 \\(office\\); \\`telconf schedule\\` lists" in out
    code, out, _ = run(env, "plan", "-c", str(config), "--at", DURING, "--format", "json")
    schema = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
    jsonschema.validate(json.loads(out), schema)
    # Now, with no --at, the moment is recorded too (the clock's), and not "given".
    code, out, _ = run(env, "plan", "-c", str(config), "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, schema)
    assert data["moment"]["given"] is False and data["moment"]["at"].endswith("Z")


def test_the_drift_check_shows_an_override_that_should_have_ended(emulators: Emulators,
                                                                  office: tuple[Path, dict[str, str]]) -> None:
    """The pipeline did not run at the end of the override: the nightly plan shows it as drift."""
    config, env = office
    assert run(env, "apply", "-c", str(config), "--yes", "--at", DURING)[0] == 0
    code, out, _ = run(env, "plan", "-c", str(config), "--at", "2027-01-12T03:17", "--detailed-exitcode")
    assert code == 2
    assert out.startswith("As of 2027-01-12T03:17:00+03:00 (Europe/Moscow) (--at):\n  no override is active\n"
                          "  no change ahead\n")
    assert "voicemail:office@example.com" in out and "sip:101" in out


def test_a_change_an_override_asks_for_points_at_the_override(emulators: Emulators,
                                                              office: tuple[Path, dict[str, str]]) -> None:
    config, env = office
    assert run(env, "apply", "-c", str(config), "--yes", "--at", BEFORE)[0] == 0
    code, out, _ = run(env, "plan", "-c", str(config), "--at", DURING, "--format", "json")
    changes = json.loads(out)["accounts"][0]["changes"]
    assert [c["source"] for c in changes] == [
        {"file": str(config), "line": 17, "column": 13, "override": "new-year"}]  # its `forwards:` key
    assert run(env, "apply", "-c", str(config), "--yes", "--at", DURING)[0] == 0
    code, out, _ = run(env, "plan", "-c", str(config), "--at", AFTER, "--format", "json")
    assert [c["source"] for c in json.loads(out)["accounts"][0]["changes"]] == [
        {"file": str(config), "line": 12, "column": 20}]  # the number's own first forward
