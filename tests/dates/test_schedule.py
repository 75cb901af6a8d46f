"""``telconf schedule`` (text, JSON, due changes), ``render --at``, and the CI examples that run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from telconf.cli import main

CI = Path(__file__).parents[2] / "examples" / "ci"

CONFIG = """\
version: 1
templates:
  office:
    forwards: [{to: "sip:{line}"}]
    overrides:
      - name: new-year
        from: 2026-12-31T18:00
        until: 2027-01-09
        forwards: [{to: "voicemail:office@example.com"}]
      - name: holidays
        on: holidays
        forwards: [{to: "voicemail:holidays@example.com"}]
accounts:
  spb:
    provider: teleum
    url: ${TELCONF_VAR_TELEUM_URL}
    calendar: ru
    credentials: {email: "${E}", password: "${P}"}
    sip_lines:
      "101": {}
      "102": {}
    numbers:
      "+7 812 323-23-23": {use: office, with: {line: "101"}}
      "+7 812 323-23-24": {use: office, with: {line: "102"}}
  ekb:
    provider: teleum
    timezone: Asia/Yekaterinburg
    credentials: {email: "${E}", password: "${P}"}
    numbers:
      "+7 343 000-00-00":
        forwards: [{to: "tel:+7 921 000-00-00"}]
        overrides:
          - name: move
            from: 2027-01-20T09:00
            until: 2027-01-21
            forwards: [{to: "voicemail:move@example.com"}]
"""


def config(tmp_path: Path) -> Path:
    path = tmp_path / "telconf.yaml"
    path.write_text(CONFIG)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"TELCONF_VAR_TELEUM_URL": None, "E": None, "P": None})
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_schedule_lists_the_coming_changes_in_time_order(tmp_path: Path) -> None:
    code, out, err = run("schedule", "-c", str(config(tmp_path)), "--at", "2026-12-20T00:00Z", "--days", "40")
    assert code == 0, err
    assert out.splitlines() == [
        "Changes from 2026-12-20T00:00:00Z to 2027-01-29T00:00:00Z:",
        "     2026-12-31T00:00:00+03:00  spb  +7 812 323-23-23, +7 812 323-23-24: override 'holidays' starts",
        "     2026-12-31T18:00:00+03:00  spb  +7 812 323-23-23, +7 812 323-23-24: override 'holidays' ends, "
        "'new-year' starts",
        "     2027-01-09T00:00:00+03:00  spb  +7 812 323-23-23, +7 812 323-23-24: override 'new-year' ends",
        "     2027-01-20T09:00:00+05:00  ekb  +7 343 000-00-00: override 'move' starts",
        "     2027-01-21T00:00:00+05:00  ekb  +7 343 000-00-00: override 'move' ends",
    ]


def test_schedule_json_says_which_changes_are_due(tmp_path: Path) -> None:
    code, out, _ = run("schedule", "-c", str(config(tmp_path)), "--at", "2027-01-20T05:00Z", "--since", "2h",
                       "--days", "1", "--format", "json", "--detailed-exitcode")
    assert code == 2
    data = json.loads(out)
    assert data["format_version"] == 1 and data["due"] == 1
    assert data["from"] == "2027-01-20T03:00:00Z" and data["until"] == "2027-01-21T05:00:00Z"
    assert data["changes"] == [
        {"at": {"local": "2027-01-20T09:00:00+05:00", "utc": "2027-01-20T04:00:00Z"}, "account": "ekb",
         "number": "73430000000", "ending": None, "starting": "move", "due": True},
        {"at": {"local": "2027-01-21T00:00:00+05:00", "utc": "2027-01-20T19:00:00Z"}, "account": "ekb",
         "number": "73430000000", "ending": "move", "starting": None, "due": False},
    ]
    # At 06:30Z the look-back starts at 04:30Z: the start at 04:00Z is no longer due.
    assert run("schedule", "-c", str(config(tmp_path)), "--at", "2027-01-20T06:30Z", "--since", "2h",
               "--days", "0", "--detailed-exitcode")[0] == 0


def test_schedule_needs_no_secret_and_an_empty_window_says_so(tmp_path: Path) -> None:
    code, out, _ = run("schedule", "-c", str(config(tmp_path)), "--account", "ekb", "--at", "2027-02-01", "--days",
                       "3")
    assert code == 0
    assert out == "No change from 2027-02-01T00:00:00 to 2027-02-04T00:00:00.\n"


def test_schedule_refuses_a_bad_moment_or_duration(tmp_path: Path) -> None:
    code, _, err = run("schedule", "-c", str(config(tmp_path)), "--at", "31.12.2026")
    assert code == 2 and "Invalid value for '--at': '31.12.2026' is not an ISO date" in err
    code, _, err = run("schedule", "-c", str(config(tmp_path)), "--since", "an hour")
    assert code == 2 and "'an hour' is not a duration; expected e.g. 65m, 2h, 1d" in err


@pytest.mark.parametrize("args, message", [
    (("--days", "nan"), "Invalid value for '--days': nan is not a number of days"),
    (("--since", "999999999d"), "Invalid value for '--since': '999999999d' is more than 3660 days"),
    (("--since", "3661d"), "Invalid value for '--since': '3661d' is more than 3660 days"),
    (("--at", "9999-12-31T23:59"), "Invalid value for '--at': '9999-12-31T23:59' is outside the years 1900-9000"),
    (("--at", "0001-01-01"), "Invalid value for '--at': '0001-01-01' is outside the years 1900-9000"),
])
def test_schedule_refuses_an_out_of_range_window(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    """Each of these ended in ``Internal error: ValueError`` or ``OverflowError``."""
    code, out, err = run("schedule", "-c", str(config(tmp_path)), *args)
    assert code == 2 and message in err, err
    assert out == "" and "Internal error" not in err


@pytest.mark.parametrize("command, exit_code", [("render", 2), ("plan", 1)])  # plan: 2 means drift, usage is 1
def test_at_in_year_one_is_a_usage_error(tmp_path: Path, command: str, exit_code: int) -> None:
    """``plan --at 0001-01-01`` ended in ``Internal error: OverflowError``."""
    code, out, err = run(command, "-c", str(config(tmp_path)), "--at", "0001-01-01")
    assert code == exit_code and "Invalid value for '--at': '0001-01-01' is outside the years 1900-9000" in err, err
    assert out == ""


def test_render_at_folds_the_active_override_in(tmp_path: Path) -> None:
    path = config(tmp_path)
    code, out, _ = run("render", "-c", str(path), "--at", "2027-01-05T12:00")
    assert code == 0
    numbers = yaml.safe_load(out)["accounts"]["spb"]["numbers"]
    assert numbers["+7 812 323-23-23"] == {"forwards": [{"to": "voicemail:office@example.com"}]}
    code, out, _ = run("render", "-c", str(path), "--at", "2027-02-23T12:00")
    assert yaml.safe_load(out)["accounts"]["spb"]["numbers"]["+7 812 323-23-24"] == {
        "forwards": [{"to": "voicemail:holidays@example.com"}]}
    code, out, _ = run("render", "-c", str(path), "--at", "2027-02-24T12:00")
    assert yaml.safe_load(out)["accounts"]["spb"]["numbers"]["+7 812 323-23-24"] == {"forwards": [{"to": "sip:102"}]}
    assert "overrides" in run("render", "-c", str(path))[1]  # without --at: the config as written


def test_the_ci_examples_apply_when_a_change_is_due_one_apply_at_a_time() -> None:
    github = yaml.safe_load((CI / "github-actions.yml").read_text())
    on = github.get("on", github.get(True))
    assert {"cron": "5 * * * *"} in on["schedule"]
    due = github["jobs"]["apply-due"]
    assert due["concurrency"] == github["jobs"]["apply"]["concurrency"]
    steps = json.dumps(due["steps"])
    assert "telconf schedule --since 2h --days 0 --detailed-exitcode" in steps
    assert "telconf apply --yes --report report.json" in steps
    assert "5 * * * *" in due["if"] and "17 3 * * *" in github["jobs"]["drift"]["if"]
    gitlab = yaml.safe_load((CI / "gitlab-ci.yml").read_text())
    job = gitlab["apply-due"]
    assert job["resource_group"] == gitlab["apply"]["resource_group"]
    assert "telconf schedule --since 2h --days 0 --detailed-exitcode" in job["script"][0]
    assert "telconf apply --yes --report report.json" in job["script"][0]
    assert 'TELCONF_SCHEDULE == "hourly"' in job["rules"][0]["if"]
    assert 'TELCONF_SCHEDULE != "hourly"' in gitlab["drift"]["rules"][0]["if"]


def _imports_after(config: Path, *args: str) -> set[str]:
    import subprocess
    import sys

    script = ("import sys\nfrom telconf.cli import main\n"
              "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
              "print('MODULES', *sorted(m for m in sys.modules if m == 'holidays'))")
    out = subprocess.run([sys.executable, "-c", script, *args, "-c", str(config)], capture_output=True, text=True,
                         timeout=120)
    line = out.stdout.splitlines()[-1]
    assert line.startswith("MODULES"), out.stdout + out.stderr
    return set(line.split()[1:])


def test_the_holidays_package_is_imported_only_for_a_calendar(tmp_path: Path) -> None:
    path = config(tmp_path)
    assert _imports_after(path, "schedule", "--at", "2027-01-01") == {"holidays"}
    plain = tmp_path / "plain.yaml"
    plain.write_text(CONFIG.replace("    calendar: ru\n", "").replace("      - name: holidays\n        on: holidays\n"
                                                                        "        forwards: [{to: \"voicemail:holidays@"
                                                                        "example.com\"}]\n", ""))
    assert _imports_after(plain, "validate") == set()
    assert _imports_after(plain, "schedule") == set()
