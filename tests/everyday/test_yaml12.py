"""What telconf writes and ships reads the same in YAML 1.2 (editors) as in telconf, and passes the schema.

yaml-language-server reads YAML 1.2: a bare ``0:`` is the number 0 there, the text "0"
for telconf. ruamel.yaml is a YAML 1.2 reader; each file is read with it and checked
against ``schemas/telconf.schema.json`` as an editor would.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from ruamel.yaml import YAML

from telconf.cli import main
from telconf.emulator import Emulators

ROOT = Path(__file__).parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "telconf.schema.json").read_text())
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*.yaml")  # route tests have their own schema
                  if "provider-acme" not in p.parts and "policy" not in p.parts and not p.name.endswith(".tests.yaml"))


def yaml12(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(io.StringIO(text))


def schema_errors(data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_passes_the_schema_as_an_editor_reads_it(path: Path) -> None:
    assert schema_errors(yaml12(path.read_text())) == []


def test_a_bare_list_key_is_accepted_as_editors_read_it() -> None:
    """Hand-written `0:` (a number in YAML 1.2) passes in the editor as it passes in telconf."""
    text = (ROOT / "examples" / "beeline-callcenter.yaml").read_text().replace('        "0":', "        0:")
    data = yaml12(text)
    assert 0 in data["accounts"]["msk-callcenter"]["blacklists"]["lists"]
    assert schema_errors(data) == []
    bad = yaml12(text.replace("        0:", "        3:"))
    assert any("blacklists/lists" in e for e in schema_errors(bad))


def _same_in_both(text: str) -> Any:
    """The data of ``text``, which YAML 1.1 (telconf, PyYAML) and YAML 1.2 (editors) read alike."""
    one_one, one_two = yaml.safe_load(text), yaml12(text)
    assert json.dumps(one_one, sort_keys=True) == json.dumps(one_two, sort_keys=True)
    assert schema_errors(one_two) == []
    return one_two


def test_an_export_with_black_lists_reads_alike_and_passes(emulators: Emulators, tmp_path: Path) -> None:
    login, number = "cc-login", "74950000001"
    emulators.beeline.add_account(login, "cc-Pa55word", numbers=[number])
    emulators.beeline.add_blacklist(login, 0, number, "79000000000")
    emulators.beeline.add_blacklist(login, 2, number, "79000000001")
    config = tmp_path / "telconf.yaml"
    config.write_text("version: 1\naccounts:\n  cc:\n    provider: beeline\n    url: ${TELCONF_VAR_URL}\n"
                      '    credentials: {username: cc-login, password: "${PASSWORD}"}\n')
    out = tmp_path / "backup" / "telconf.yaml"
    result = CliRunner().invoke(main, ["export", "-c", str(config), "-o", str(out)],
                                env={"TELCONF_VAR_URL": emulators.beeline_url, "PASSWORD": "cc-Pa55word"})
    assert result.exit_code == 0, result.output
    data = _same_in_both(out.read_text())
    assert set(data["accounts"]["cc"]["blacklists"]["lists"]) >= {"0", "2"}


def test_render_writes_like_export_and_reads_alike(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render", "-c", str(ROOT / "examples" / "both.yaml")])
    assert result.exit_code == 0, result.output
    data = _same_in_both(result.stdout)
    assert '"2":' in result.stdout and "'" not in result.stdout.split("\n", 1)[1]  # one quoting style
    assert "2" in data["accounts"]["msk-callcenter"]["blacklists"]["lists"]


def test_demo_keep_writes_a_config_that_reads_alike(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--keep", str(tmp_path / "kept")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "kept" / "demo.yaml").read_text()
    data = _same_in_both(text)
    assert text.startswith("# yaml-language-server: $schema=./telconf.schema.json\n")
    assert '        "0":\n' in text and "'" not in text  # the writer's quoting: the same as export's
    assert "0" in data["accounts"]["msk-callcenter"]["blacklists"]["lists"]
    validated = CliRunner().invoke(main, ["validate", "-c", str(tmp_path / "kept" / "demo.yaml")])
    assert validated.exit_code == 0, validated.output
