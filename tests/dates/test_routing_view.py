"""The routing view honours overrides (issue 24, deliverable 5): `telconf routes --at` with a date,
route tests with a dated `at`, and the routing impact of a plan made `--at` a moment.

A time of the week (`thu 20:00`) is the numbers' own weekly settings; a date (`2026-12-31T20:00`)
is the config as of that moment, the override active then on top.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner

from tests.routing.conftest import cli, run, teleum  # noqa: F401 (cli: the fixture)

ROOT = Path(__file__).parents[2]
ROUTES_SCHEMA = json.loads((ROOT / "schemas" / "routes.schema.json").read_text())
PLAN_SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
OWN = """\
    "+7 812 323-23-23":
      forwards:
        - to: sip:101
          timeout: 20
        - to: voicemail:office@example.com
"""
OVERRIDES = """\
      overrides:
        - name: new-year
          from: 2026-12-31T18:00
          until: "2027-01-11"
          forwards:
            - to: voicemail:new-year@example.com
"""
DATED = teleum(OWN + OVERRIDES)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def routes(cli: CliRunner, config: Path, *args: str) -> Any:
    result = run(cli, "routes", "-c", str(config), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, ROUTES_SCHEMA)
    return data


def targets(entry: dict[str, Any]) -> list[str]:
    return [s["target"] for s in entry["steps"]]


def test_routes_at_a_date_take_the_override_active_then_and_name_it(cli: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, "telconf.yaml", DATED)
    (entry,) = routes(cli, config, "--at", "2026-12-31T20:00")["numbers"]
    assert targets(entry) == ["voicemail:new-year@example.com"] and entry["override"] == "new-year"
    (entry,) = routes(cli, config, "--at", "2026-12-31T17:59")["numbers"]  # `from` not reached yet
    assert targets(entry) == ["sip:101", "voicemail:office@example.com"] and entry["override"] is None
    (entry,) = routes(cli, config, "--at", "2027-01-11T00:00")["numbers"]  # `until` is excluded
    assert entry["override"] is None
    (entry,) = routes(cli, config, "--at", "2026-12-31T17:30Z")["numbers"]  # 20:30 in Moscow
    assert entry["override"] == "new-year"


def test_routes_at_a_time_of_the_week_show_the_numbers_own_settings(cli: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, "telconf.yaml", DATED)
    (entry,) = routes(cli, config, "--at", "thu 20:00")["numbers"]
    assert targets(entry) == ["sip:101", "voicemail:office@example.com"] and "override" not in entry


def test_routes_text_and_markdown_say_which_override_gave_the_route(cli: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, "telconf.yaml", DATED)
    text = run(cli, "routes", "-c", str(config), "--at", "2026-12-31T20:00")
    assert text.exit_code == 0, text.output
    assert text.stdout == ("office  +7 812 323-23-23\n"
                           "  thu 20:00  voicemail:new-year@example.com  (override new-year)\n")
    own = run(cli, "routes", "-c", str(config), "--at", "2026-12-30T20:00")
    assert "override" not in own.stdout
    markdown = run(cli, "routes", "-c", str(config), "--at", "2026-12-31T20:00", "--format", "markdown")
    assert "| thu 20:00 | voicemail:new-year@\u2060example&#46;com  \\(override new-year\\) |" in markdown.stdout


def test_routes_with_a_bad_date_is_an_error_naming_the_option(cli: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, "telconf.yaml", DATED)
    result = run(cli, "routes", "-c", str(config), "--at", "2026-02-30T10:00")
    assert result.exit_code == 2
    assert "Invalid value for --at: '2026-02-30T10:00' is not a moment" in result.stderr


CASES = """\
version: 1
tests:
  - name: New Year's Eve goes to the New Year mailbox
    number: "+7 812 323-23-23"
    at: "2026-12-31T20:00"
    expect: {rings: [], voicemail: new-year@example.com}
  - name: the same minute of the week rings the desk
    number: "+7 812 323-23-23"
    at: "thu 20:00"
    expect: {first: "sip:101"}
  - name: the day before rings the desk
    number: "+7 812 323-23-23"
    at: "2026-12-30T20:00"
    expect: {first: "sip:101"}
"""


def test_route_tests_see_the_config_at_each_cases_own_moment(cli: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, "telconf.yaml", DATED)
    write(tmp_path, "telconf.tests.yaml", CASES)
    result = run(cli, "test", "-c", str(config))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("3 passed, 0 failed\n")


def test_a_dated_case_that_expects_the_own_settings_fails_with_the_override_route(cli: CliRunner,
                                                                                  tmp_path: Path) -> None:
    config = write(tmp_path, "telconf.yaml", DATED)
    cases = write(tmp_path, "cases.yaml", CASES.replace("expect: {rings: [], voicemail: new-year@example.com}",
                                                        'expect: {first: "sip:101"}'))
    result = run(cli, "test", "-c", str(config), str(cases))
    assert result.exit_code == 1
    assert (f"FAIL  New Year's Eve goes to the New Year mailbox  ({cases}:3:5)\n"
            "      call to +7 812 323-23-23 at 2026-12-31T20:00 (override new-year)\n"
            "      - expected first: sip:101\n"
            "      + actual   first: voicemail:new-year@example.com\n") in result.stdout
    assert result.stdout.endswith("2 passed, 1 failed\n")


def test_a_case_with_an_impossible_date_is_a_positioned_error(cli: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, "telconf.yaml", DATED)
    cases = write(tmp_path, "cases.yaml", CASES.replace('at: "2026-12-30T20:00"', 'at: "2026-02-30T20:00"'))
    result = run(cli, "test", "-c", str(config), str(cases))
    assert result.exit_code == 1
    assert f"{cases}:13:9: '2026-02-30T20:00' is not a moment" in result.stderr


def test_the_routing_impact_of_a_plan_follows_the_config_at_its_moment(cli: CliRunner, tmp_path: Path) -> None:
    write(tmp_path, "backup.yaml", teleum(OWN))  # the live state: the number's own forwards
    config = write(tmp_path, "telconf.yaml", DATED)

    def impact(at: str) -> list[dict[str, Any]]:
        result = run(cli, "plan", "-c", str(config), "--snapshot", str(tmp_path / "backup.yaml"), "--at", at,
                     "--format", "json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        jsonschema.validate(data, PLAN_SCHEMA)
        return [r for account in data["accounts"] for r in account["routing"]]

    assert impact("2026-12-30T12:00") == []  # no override yet: nothing to change
    (during,) = impact("2026-12-31T20:00")
    assert during["number"] == "78123232323"
    (change,) = during["changes"]
    assert (change["days"], change["from"], change["to"]) == (
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "00:00", "23:59")
    assert [s["target"] for s in change["before"]] == ["sip:101", "voicemail:office@example.com"]
    assert [s["target"] for s in change["after"]] == ["voicemail:new-year@example.com"]
