"""``telconf routes``: each format, --at and --caller, --snapshot, bad input, and offline for real."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from tests.routing.conftest import beeline, run, teleum

ROOT = Path(__file__).parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "routes.schema.json").read_text())
CONFIG = teleum("""\
    "+7 812 323-23-23":
      forwards:
        - to: sip:101
          schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]
        - to: voicemail:office@example.com
    """, extra="timezone: Asia/Yekaterinburg\n")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "telconf.yaml"
    path.write_text(CONFIG)
    return path


def test_text_week(cli: CliRunner, config: Path) -> None:
    result = run(cli, "routes", "-c", str(config))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "office  +7 812 323-23-23\n"
        "  mon-fri 00:00–08:59  voicemail:office@example.com\n"
        "  mon-fri 09:00–18:00  sip:101 (20 s) → voicemail:office@example.com\n"
        "  mon-fri 18:01–23:59  voicemail:office@example.com\n"
        "  sat-sun              voicemail:office@example.com\n")


def test_json_week_and_moment_follow_the_schema(cli: CliRunner, config: Path) -> None:
    week = json.loads(run(cli, "routes", "-c", str(config), "--format", "json").stdout)
    jsonschema.validate(week, SCHEMA)
    assert week["format_version"] == 1 and week["source"] == "config"
    assert week["numbers"][0]["windows"][1] == {
        "days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "18:00",
        "steps": [{"kind": "ring", "target": "sip:101", "seconds": 20, "caller_id": "caller", "recorded": False},
                  {"kind": "voicemail", "target": "voicemail:office@example.com", "seconds": None}]}
    # 04:30 UTC is 09:30 in Yekaterinburg (the account's timezone), inside office hours.
    moment = json.loads(run(cli, "routes", "-c", str(config), "--format", "json", "--at",
                            "2026-12-07T04:30+00:00", "+7 812 323-23-23").stdout)
    jsonschema.validate(moment, SCHEMA)
    assert moment["numbers"][0]["at"] == {"day": "mon", "time": "09:30", "timezone": "Asia/Yekaterinburg"}
    assert [s["kind"] for s in moment["numbers"][0]["steps"]] == ["ring", "voicemail"]


def test_markdown(cli: CliRunner, config: Path) -> None:
    result = run(cli, "routes", "-c", str(config), "--format", "markdown", "--at", "sat 10:00")
    assert result.exit_code == 0
    assert "### +7 812 323-23-23 (office)" in result.stdout
    # Config values are inert outside code: no mention, no mailto autolink (rendered as written).
    assert "| sat 10:00 | voicemail:office@\u2060example&#46;com |" in result.stdout


def test_markdown_values_ping_nobody_and_link_nowhere(cli: CliRunner, tmp_path: Path) -> None:
    """A pull request's ``routes --format markdown`` comment printed targets as written outside
    code: ``voicemail:ops@evil.example`` became a mailto link, ``<`` raw HTML."""
    path = tmp_path / "telconf.yaml"
    path.write_text(CONFIG.replace("voicemail:office@example.com", "voicemail:ops@www.1evil.com"))
    result = run(cli, "routes", "-c", str(path), "--format", "markdown")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("| mon-fri 09:00")]
    assert rows == ["| mon-fri 09:00–18:00 | sip:101 \\(20 s\\) → voicemail:ops@\u2060www&#46;1evil&#46;com |"]
    assert not re.search(r"@\w|www\.|<", result.stdout)


def test_caller_in_the_black_list_is_blocked(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "telconf.yaml"
    path.write_text(beeline('"+7 495 000-00-01": {redirect: {to: "+7 916 000-00-01"}}\n', blacklists="""\
        active: 0
        lists:
          "0": [{numbers: all, block: ["+7 900 000-00-01"]}]
        """))
    blocked = run(cli, "routes", "-c", str(path), "--at", "mon 10:00", "--caller", "8 900 000-00-01")
    assert "blocked: tel:+7 900 000-00-01 is blocked (black list 0)" in blocked.stdout
    other = run(cli, "routes", "-c", str(path), "--at", "mon 10:00", "--caller", "+7 900 000-00-02")
    assert other.stdout.splitlines()[1].strip() == "mon 10:00  tel:+7 916 000-00-01"


def test_snapshot_state_with_the_config_on_top(cli: CliRunner, tmp_path: Path) -> None:
    live = tmp_path / "backup.yaml"
    live.write_text(teleum("""\
        "+7 812 323-23-23": {forwards: [{to: sip:102}]}
        "+7 812 323-23-24": {forwards: [{to: fax:fax@example.com}]}
        """))
    config = tmp_path / "telconf.yaml"
    config.write_text(teleum("""\
        "+7 812 323-23-23": {forwards: [{to: sip:101}]}
        "+7 812 323-23-24": {}
        """))
    offline = run(cli, "routes", "-c", str(config), "78123232324")
    assert "unknown (not managed)" in offline.stdout
    result = run(cli, "routes", "-c", str(config), "--snapshot", str(live), "--format", "json")
    data = json.loads(result.stdout)
    assert data["source"] == "snapshot"
    routes = {n["number"]: n["windows"][0]["steps"][0]["target"] for n in data["numbers"]}
    assert routes == {"78123232323": "sip:101", "78123232324": "fax:fax@example.com"}


def test_bad_moment_and_bad_number(cli: CliRunner, config: Path) -> None:
    result = run(cli, "routes", "-c", str(config), "--at", "someday 10:00")
    assert result.exit_code == 2
    assert "unknown day 'someday'" in result.stderr
    result = run(cli, "routes", "-c", str(config), "not-a-number")
    assert result.exit_code == 1
    assert "'not-a-number' is not a phone number" in result.stderr


def test_unknown_timezone_is_an_error_at_its_line(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "telconf.yaml"
    path.write_text(CONFIG.replace("Asia/Yekaterinburg", "Mars/Olympus"))
    result = run(cli, "validate", "-c", str(path))
    assert result.exit_code == 1
    line = CONFIG.splitlines().index("    timezone: Mars/Olympus".replace("Mars/Olympus", "Asia/Yekaterinburg")) + 1
    assert f"{path}:{line}:15: unknown time zone 'Mars/Olympus'" in result.stderr


def test_routes_and_test_open_no_socket_and_need_no_secret(cli: CliRunner, config: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    (config.parent / "telconf.tests.yaml").write_text(
        'tests:\n  - {name: hours, number: "+7 812 323-23-23", at: "mon 10:00", expect: {first: "sip:101"}}\n')
    for args in (["routes"], ["routes", "--format", "json", "--at", "sun 10:00"], ["test"]):
        result = run(cli, *args, "-c", str(config))
        assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.stdout


def test_routes_imports_no_provider_client(config: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from telconf.cli import main\n"
            f"try: main(['routes', '-c', {str(config)!r}])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m == 'telconf.providers.http' or m.startswith('telconf.') and m.endswith('.client')"
            " or m.startswith('telconf.engine.conductor')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"
