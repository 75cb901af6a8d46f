"""Editors and tools: `telconf schema`, one `$id` scheme, modelines that resolve, `accounts --json`, validate FILE..."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from telconf.cli import main
from telconf.output.modeline import with_modeline

ROOT = Path(__file__).parents[2]
SCHEMAS = {name: json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())
           for name in ("telconf", "plan", "report")}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schemas_are_valid_and_share_one_id_scheme(name: str) -> None:
    schema = SCHEMAS[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"https://telconf.invalid/schemas/{name}.schema.json"


@pytest.mark.parametrize("args, name", [((), "telconf"), (("--plan",), "plan"), (("--report",), "report")])
def test_schema_command_prints_the_schema(args: tuple[str, ...], name: str) -> None:
    code, out, _ = run("schema", *args)
    assert code == 0
    assert json.loads(out) == SCHEMAS[name]


def modeline_target(path: Path) -> Path:
    first = path.read_text().splitlines()[0]
    found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert found, first
    return (path.parent / found.group(1)).resolve()


def test_validate_modeline_points_at_a_schema_that_resolves(tmp_path: Path) -> None:
    config = tmp_path / "telconf.yaml"
    config.write_text((ROOT / "examples" / "teleum-office.yaml").read_text().split("\n", 1)[1])
    code, out, err = run("validate", "--modeline", str(config))
    assert code == 0, err
    target = modeline_target(config)
    assert json.loads(target.read_text()) == SCHEMAS["telconf"]
    before = config.read_text()
    code, _, err = run("validate", "--modeline", str(config))  # idempotent
    assert code == 0 and config.read_text() == before and "modeline written" not in err


def test_with_modeline_replaces_an_old_one_and_keeps_the_rest() -> None:
    text = "# yaml-language-server: $schema=https://old.example/s.json\nversion: 1\n"
    assert with_modeline(text) == "# yaml-language-server: $schema=./telconf.schema.json\nversion: 1\n"
    assert with_modeline("version: 1\n").endswith("\nversion: 1\n")


def test_demo_keep_writes_a_modeline_that_resolves(tmp_path: Path) -> None:
    from telconf.demo import write_config

    config = write_config(tmp_path)
    assert json.loads(modeline_target(config).read_text()) == SCHEMAS["telconf"]


def test_validate_takes_several_files_and_c(tmp_path: Path) -> None:
    good = ROOT / "examples" / "teleum-office.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\naccounts:\n  x:\n    provider: nope\n")
    code, out, err = run("validate", str(good), "-c", str(ROOT / "examples" / "both.yaml"))
    assert code == 0, err
    assert f"{good}: valid" in out and "both.yaml: valid" in out
    code, out, err = run("validate", str(good), str(bad))
    assert code == 1
    assert f"{good}: valid" in out
    assert re.search(rf"^{re.escape(str(bad))}:4:\d+: ", err, re.M), err
    assert "1 of 2 files failed" in err


def test_accounts_json_feeds_a_ci_matrix() -> None:
    code, out, err = run("accounts", "-c", str(ROOT / "examples" / "demo.yaml"), "--json")
    assert code == 0, err
    assert json.loads(out) == [{"name": "msk-callcenter", "provider": "beeline"},
                               {"name": "spb-office", "provider": "teleum"}]
    code, out, _ = run("accounts", "-c", str(ROOT / "examples" / "demo.yaml"))
    assert out == "msk-callcenter\tbeeline\nspb-office\tteleum\n"


def test_accounts_of_an_invalid_file_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\naccounts: 3\n")
    code, _, err = run("accounts", "-c", str(bad), "--json")
    assert code == 1
    assert err.startswith(f"{bad}:2:")
