"""``telconf validate`` on the examples and on files with warnings."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from telconf.cli import main
from telconf.config import load, validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.yaml"))
MINE = ["teleum-office.yaml", "beeline-callcenter.yaml", "both.yaml"]


def test_my_examples_exist() -> None:
    assert set(MINE) <= set(EXAMPLES)


@pytest.mark.parametrize("name", MINE)
def test_example_validates(name: str) -> None:
    path = ROOT / "examples" / name
    assert path.read_text().startswith("# yaml-language-server: $schema=../schemas/telconf.schema.json\n")
    result = CliRunner().invoke(main, ["validate", "-c", str(path)], env={"TELCONF_VAR_BEELINE_URL": None})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    count = len(load(path, environ={"TELCONF_VAR_BEELINE_URL": "https://cloudcc.beeline.ru/api"}).accounts)
    assert result.stdout == f"{path}: valid ({count} account{'s' if count != 1 else ''})\n"


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_in_the_folder_validates(name: str) -> None:
    diagnostics = validate(ROOT / "examples" / name)
    assert not [d for d in diagnostics if d.severity == "error"], diagnostics


def test_example_models() -> None:
    env = {"TELCONF_VAR_BEELINE_URL": "https://cloudcc.beeline.ru/api"}
    office = load(ROOT / "examples" / "teleum-office.yaml", environ=env).accounts["spb-office"]
    assert list(office.sip_lines) == ["101", "102"]
    assert len(office.numbers["78123232323"].forwards) == 4
    centre = load(ROOT / "examples" / "beeline-callcenter.yaml", environ=env).accounts["msk-callcenter"]
    assert set(centre.voice_files) == {"greeting.wav", "queue.wav"}
    assert len(centre.blacklists.lists[0]) == 2 + 3 * 4  # two inline + spam.txt for all three numbers


def test_config_from_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "examples" / "both.yaml"
    result = CliRunner().invoke(main, ["validate"], env={"TELCONF_CONFIG": str(path)})
    assert result.exit_code == 0 and "valid (2 accounts)" in result.stdout


LOOP = """\
    version: 1
    accounts:
      office:
        provider: teleum
        credentials: {email: a@example.com, password: "${P}"}
        numbers:
          "+7 812 323-23-23": {forwards: [{to: tel:+7 812 323-23-24}]}
          "+7 812 323-23-24": {forwards: [{to: tel:+7 812 323-23-23}]}
"""


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(textwrap.dedent(LOOP))
    relaxed = CliRunner().invoke(main, ["validate", "-c", str(path)])
    assert relaxed.exit_code == 0
    assert relaxed.stderr.startswith(f"{path}:7:7: warning: forward loop between managed numbers")
    assert relaxed.stdout == f"{path}: valid (1 account)\n"
    strict = CliRunner().invoke(main, ["validate", "-c", str(path), "--strict"])
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1] == "1 warning (--strict)"
    assert strict.stdout == ""


def test_validate_needs_no_secret_and_prints_none(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(textwrap.dedent("""\
        version: 1
        accounts:
          cc:
            provider: beeline
            url: ${TELCONF_VAR_NOT_SET_ANYWHERE}
            credentials: {username: "${U}", password: "${PASSWORD_VALUE}"}
            numbers: {"+7 495 000-00-01": {redirect: {to: "+7 916"}}}
        """))
    env = {"PASSWORD_VALUE": "s3cr3t-value", "U": "user-name"}
    result = CliRunner().invoke(main, ["validate", "-c", str(path)], env=env)
    assert result.exit_code == 1
    assert "is not a valid phone number" in result.stderr
    assert "s3cr3t-value" not in result.output + result.stderr
    assert validate(path)[0].line == 7


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    assert re.search(r"Examples?:", result.output) and "telconf validate -c" in result.output


def test_subprocess_exit_code_and_no_traceback() -> None:
    bad = ROOT / "tests" / "config" / "bad" / "many-errors.yaml"
    done = subprocess.run([sys.executable, "-m", "telconf", "validate", "-c", str(bad)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == "4 errors"
