"""``telconf test``: passing and failing cases, bad files with positions, JUnit XML, the example."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from tests.routing.conftest import beeline, run, teleum

ROOT = Path(__file__).parents[2]
CONFIG = teleum("""\
    "+7 812 323-23-23":
      forwards:
        - to: sip:101
          schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]
        - to: "tel:+7 921 000-00-00"
        - to: voicemail:office@example.com
    """)
PASSING = """\
    tests:
      - name: office hours
        number: "+7 812 323-23-23"
        at: "mon 09:00"
        expect: {rings: ["sip:101", "tel:+7 921 000-00-00"], first: "sip:101", voicemail: office@example.com}
      - name: weekend
        number: "8 812 323-23-23"
        at: "2026-12-12T12:00+03:00"
        expect: {first: "tel:+7 921 000-00-00", voicemail: true, blocked: false, rejected: false, greeting: false}
    """


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "telconf.yaml"
    path.write_text(CONFIG)
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text))
    return path


def test_all_pass_with_the_default_file_beside_the_config(cli: CliRunner, config: Path) -> None:
    write(config.parent / "telconf.tests.yaml", PASSING)
    result = run(cli, "test", "-c", str(config))
    assert result.exit_code == 0, result.output
    assert result.stdout == "PASS  office hours\nPASS  weekend\n2 passed, 0 failed\n"


def test_a_failure_shows_expected_and_actual_and_exits_1(cli: CliRunner, config: Path, tmp_path: Path) -> None:
    cases = write(tmp_path / "cases.yaml", PASSING.replace('first: "sip:101"', 'first: "sip:102"'))
    result = run(cli, "test", "-c", str(config), str(cases))
    assert result.exit_code == 1
    assert result.stdout == (
        f"FAIL  office hours  ({cases}:2:5)\n"
        "      call to +7 812 323-23-23 at mon 09:00\n"
        "      - expected first: sip:102\n"
        "      + actual   first: sip:101\n"
        "        route: sip:101 (20 s) → tel:+7 921 000-00-00 (20 s) → voicemail:office@example.com\n"
        "PASS  weekend\n"
        "1 passed, 1 failed\n")


def test_junit_report(cli: CliRunner, config: Path, tmp_path: Path) -> None:
    cases = write(tmp_path / "cases.yaml", PASSING.replace("voicemail: true", "voicemail: false"))
    report = tmp_path / "junit.xml"
    result = run(cli, "test", "-c", str(config), str(cases), "--junit", str(report))
    assert result.exit_code == 1
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("2", "1")
    passed, failed = suite.findall("testcase")
    assert passed.get("name") == "office hours" and passed.find("failure") is None
    failure = failed.find("failure")
    assert failure is not None
    assert failure.get("message") == "voicemail: expected false, got office@example.com"
    assert "route: tel:+7 921 000-00-00 (20 s) → voicemail:office@example.com" in (failure.text or "")


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    ("tests: {}\n", 1, 1, "expected a mapping with `tests:`"),
    ("tests:\n  - name: a\n    number: x\n    at: mon 10:00\n    expect: {first: none}\n", 3, 13,
     "'x' is not a phone number"),
    ("tests:\n  - name: a\n    number: '+7 812 323-23-23'\n    at: noon\n    expect: {first: none}\n", 4, 9,
     "'noon' is not a moment"),
    ("tests:\n  - name: a\n    number: '+7 812 323-23-23'\n    at: mon 10:00\n    expect: {ring: []}\n", 5, 14,
     "unknown expectation 'ring'"),
    ("tests:\n  - name: a\n    number: '+7 812 323-23-23'\n    at: mon 10:00\n    expect: {blocked: maybe}\n", 5,
     23, "blocked is true or false"),
    ("tests:\n  - name: a\n    number: '+7 812 323-23-23'\n    at: mon 10:00\n", 2, 5, "the case has no 'expect'"),
    ("tests: [\n", 2, 1, "YAML syntax"),
    # was Internal error: OverflowError (a pull request's test file)
    ("tests:\n  - name: a\n    number: '+7 812 323-23-23'\n    at: '0001-01-01T00:00'\n    expect: {first: none}\n",
     4, 9, "'0001-01-01T00:00' is outside the years 1900-9000"),
])
def test_bad_test_file_is_a_positioned_error(cli: CliRunner, config: Path, tmp_path: Path, text: str, line: int,
                                             column: int, message: str) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(text)
    result = run(cli, "test", "-c", str(config), str(cases))
    assert result.exit_code == 1
    assert any(out.startswith(f"{cases}:{line}:{column}: ") and message in out for out in result.stderr.splitlines()), \
        result.stderr
    assert result.stdout.endswith("0 passed, 0 failed, 1 test file with errors\n")


def test_a_named_file_that_is_missing_fails_and_no_default_file_is_a_note(cli: CliRunner, config: Path) -> None:
    missing = run(cli, "test", "-c", str(config), str(config.parent / "nope.yaml"))
    assert missing.exit_code == 1 and "route test file not found" in missing.stderr
    default = run(cli, "test", "-c", str(config))
    assert default.exit_code == 0 and "note: no route tests" in default.stderr


def test_a_number_in_no_account_fails_the_case(cli: CliRunner, config: Path, tmp_path: Path) -> None:
    cases = write(tmp_path / "cases.yaml", PASSING.replace("8 812 323-23-23", "8 812 323-23-99"))
    result = run(cli, "test", "-c", str(config), str(cases))
    assert result.exit_code == 1
    assert "      78123232399 is not a number of any account of the config\n" in result.stdout


def test_blocked_and_rejected(cli: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "telconf.yaml"
    config.write_text(beeline("""\
        "+7 495 000-00-01": {redirect: {to: "+7 916 000-00-01"}, premedia: {a: hi.wav}}
        "+7 495 000-00-02": {redirect: null}
        """, blacklists='active: 2\nlists:\n  "2": [{numbers: all, block: ["+7 900 000-00-01"]}]\n',
        extra="voice_files: {hi.wav: {path: hi.wav}}\n"))
    (tmp_path / "hi.wav").write_bytes((ROOT / "examples" / "media" / "greeting.wav").read_bytes())
    cases = write(tmp_path / "telconf.tests.yaml", """\
        tests:
          - {name: blocked, number: "+7 495 000-00-01", at: "mon 10:00", caller: "+7 900 000-00-01",
             expect: {blocked: true, first: blocked, rings: []}}
          - {name: greeted, number: "+7 495 000-00-01", at: "mon 10:00", caller: "+7 900 000-00-02",
             expect: {blocked: false, greeting: hi.wav, rings: ["tel:+7 916 000-00-01"]}}
          - {name: rejected, number: "+7 495 000-00-02", at: "mon 10:00", expect: {rejected: true, first: reject}}
        """)
    result = run(cli, "test", "-c", str(config), str(cases))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("3 passed, 0 failed\n")


def test_the_call_centre_example_passes_and_follows_the_schema(cli: CliRunner) -> None:
    example = ROOT / "examples" / "callcenter"
    schema = json.loads((ROOT / "schemas" / "tests.schema.json").read_text())
    jsonschema.validate(yaml.safe_load((example / "telconf.tests.yaml").read_text()), schema)
    result = run(cli, "test", "-c", str(example / "telconf.yaml"))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("13 passed, 0 failed\n")
    # issue 24: a public holiday, the day after, and 20:00 on 31 December, each at its own moment
    for name in ("on a public holiday (Unity Day) the queue goes straight to the holiday mailbox",
                 "the day after the holiday the queue rings the desk again",
                 "at 20:00 on 31 December the hotline plays the New Year greeting"):
        assert f"PASS  {name}\n" in result.stdout


def test_schema_command_prints_the_checked_in_schemas(cli: CliRunner) -> None:
    for flag, name in (("--tests", "tests"), ("--routes", "routes")):
        result = run(cli, "schema", flag)
        assert result.stdout == (ROOT / "schemas" / f"{name}.schema.json").read_text()


@pytest.mark.parametrize("command", ["test", "routes"])
def test_a_bad_config_is_a_positioned_error_even_without_test_files(cli: CliRunner, tmp_path: Path,
                                                                   command: str) -> None:
    config = tmp_path / "telconf.yaml"
    config.write_text("version: 1\naccounts:\n  a: {provider: teleum}\n")
    result = run(cli, command, "-c", str(config))
    assert result.exit_code == 1
    assert f"{config}:3:6: a: missing required key 'credentials'" in result.stderr
    assert "Traceback" not in result.output
