"""``telconf show PLANFILE``: a saved plan rendered in every format, offline, as `plan` renders it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from telconf.cli import main
from telconf.emulator import Emulators

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())


def test_show_renders_the_saved_plan_like_plan_did_without_reading_the_accounts(
        emulators: Emulators, office: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    config, env = office
    planfile = tmp_path / "plan.json"
    runner = CliRunner()
    planned = runner.invoke(main, ["plan", "-c", str(config), "-f", "markdown", "--out", str(planfile)], env=env)
    assert planned.exit_code == 0, planned.output
    as_json = runner.invoke(main, ["plan", "-c", str(config), "--format", "json"], env=env).stdout
    reads = len(emulators.teleum.call_log)

    # No environment, no config at hand, no network: only the file.
    for fmt, planned_text in (("markdown", planned.stdout), ("json", as_json)):
        shown = runner.invoke(main, ["show", str(planfile), "-f", fmt], env={"TELCONF_VAR_URL": "", "EMAIL": "", "PASSWORD": ""})
        assert shown.exit_code == 0, shown.output
        if fmt == "json":
            data = json.loads(shown.stdout)
            jsonschema.validate(data, SCHEMA)
            fresh = json.loads(planned_text)
            assert data["summary"] == fresh["summary"] == {"create": 0, "update": 2, "delete": 0, "move": 0,
                                                           "calls": 2}
            assert data["accounts"][0]["changes"] == fresh["accounts"][0]["changes"]
        else:
            assert shown.stdout == planned_text
    text = runner.invoke(main, ["show", str(planfile)])
    assert text.exit_code == 0 and "Plan: 0 to add, 2 to change, 0 to delete" in text.stdout
    assert len(emulators.teleum.call_log) == reads  # show sent nothing


def test_the_saved_file_is_not_the_json_plan_but_show_prints_one(office: tuple[Path, dict[str, str]],
                                                                 tmp_path: Path) -> None:
    """What --out writes (the docs say so): a saved-plan file, which the plan schema does not describe."""
    config, env = office
    planfile = tmp_path / "plan.json"
    assert CliRunner().invoke(main, ["plan", "-c", str(config), "--out", str(planfile)], env=env).exit_code == 0
    saved = json.loads(planfile.read_text())
    assert saved["format"] == "telconf-saved-plan"
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(saved)
    jsonschema.validate(saved["plan"], SCHEMA)


def test_show_of_a_file_that_is_not_a_plan_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"accounts": []}')
    result = CliRunner().invoke(main, ["show", str(bad)])
    assert result.exit_code == 1
    assert f"Error: {bad} is not a telconf plan file (write one with `telconf plan --out {bad}`)" in result.stderr
    missing = CliRunner().invoke(main, ["show", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_the_schema_help_example_works_as_written(office: tuple[Path, dict[str, str]], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`telconf schema --help`'s check-jsonschema example: no /dev/stdin (read twice, it crashed);
    the files it names are made by the commands before it and the plan passes the schema."""
    config, env = office
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    help_text = runner.invoke(main, ["schema", "--help"]).stdout
    assert "/dev/stdin" not in help_text
    assert "telconf schema --plan -o plan.schema.json" in help_text
    assert "check-jsonschema --schemafile plan.schema.json plan.json" in help_text
    assert runner.invoke(main, ["schema", "--plan", "-o", "plan.schema.json"]).exit_code == 0
    plan = runner.invoke(main, ["plan", "-c", str(config), "--format", "json"], env=env)
    Path("plan.json").write_text(plan.stdout)
    jsonschema.validate(json.loads(Path("plan.json").read_text()), json.loads(Path("plan.schema.json").read_text()))
