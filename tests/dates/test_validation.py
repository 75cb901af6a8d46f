"""Overrides in the config: each problem at its line and column, with its message, code and exit code.

An override's body is checked by the provider's own number builder: the same error a
number's key gets, at the override's line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from telconf.cli import main
from telconf.config import validate

TELEUM = """\
version: 1
accounts:
  spb:
    provider: teleum
    timezone: {zone}
    calendar: {calendar}
    credentials: {{email: "${{E}}", password: "${{P}}"}}
    sip_lines:
      "101": {{}}
    numbers:
      "+7 812 323-23-23":
        forwards: [{{to: "sip:101"}}]
        overrides:
{overrides}"""


def write(tmp_path: Path, overrides: str, *, zone: str = "Europe/Moscow", calendar: str = "ru") -> Path:
    path = tmp_path / "telconf.yaml"
    path.write_text(TELEUM.format(zone=zone, calendar=calendar, overrides=overrides))
    return path


def run(path: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", "-c", str(path), *args])
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stderr.splitlines()


def has(lines: list[str], where: str, message: str) -> bool:
    return any(line.startswith(where + ": ") and message in line for line in lines)


def test_until_not_after_from_is_an_error_at_until(tmp_path: Path) -> None:
    path = write(tmp_path, """\
          - name: move
            from: 2027-03-01T18:00
            until: 2027-03-01T09:00
            forwards: [{to: "voicemail:office@example.com"}]
""")
    code, lines = run(path)
    assert code == 1
    assert has(lines, f"{path}:16:20", "until 2027-03-01T09:00 is not after from 2027-03-01T18:00: the override "
                                        "would never apply (until is excluded)")
    assert lines[-1] == "1 error"
    assert [d.code for d in validate(path)] == ["override-range"]


def test_a_body_is_checked_like_the_number_same_message_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, """\
          - name: move
            from: 2030-03-01
            until: 2030-03-02
            forwards: [{to: "sip:999"}, {to: "tel:12"}]
""")
    code, lines = run(path)
    assert code == 1
    assert has(lines, f"{path}:17:29", "sip:999 is not a line under sip_lines of this account (lines: 101)")
    assert has(lines, f"{path}:17:46", "not a valid phone number")
    # The same mistake on the number itself reads the same.
    number = tmp_path / "number.yaml"
    number.write_text(path.read_text().replace('forwards: [{to: "sip:101"}]', 'forwards: [{to: "sip:999"}]'))
    assert has(run(number)[1], f"{number}:12:25", "sip:999 is not a line under sip_lines of this account (lines: 101)")


def test_the_schema_checks_a_bodys_keys(tmp_path: Path) -> None:
    path = write(tmp_path, """\
          - name: move
            from: 2030-03-01
            until: 2030-03-02
            forward: []
""")
    code, lines = run(path)
    assert code == 1
    assert has(lines, f"{path}:17:13", "unknown key 'forward'")


def test_expired_override_is_a_warning_saying_remove_it(tmp_path: Path) -> None:
    path = write(tmp_path, """\
          - name: old-move
            from: 2020-03-01
            until: 2020-03-02
            forwards: [{to: "voicemail:office@example.com"}]
""")
    code, lines = run(path)
    assert code == 0
    assert has(lines, f"{path}:16:20", "warning: override 'old-move' ended at 2020-03-02 00:00 Europe/Moscow; "
                                        "remove it")
    assert run(path, "--strict")[0] == 1
    assert [d.code for d in validate(path)] == ["override-expired"]


def test_overlapping_overrides_are_a_warning_naming_both(tmp_path: Path) -> None:
    path = write(tmp_path, """\
          - name: new-year
            from: 2030-12-31
            until: 2031-01-09
            forwards: [{to: "voicemail:office@example.com"}]
          - name: inventory
            from: 2031-01-08
            until: 2031-01-10
            forwards: [{to: "tel:+7 921 000-00-00"}]
""")
    code, lines = run(path)
    assert code == 0
    assert has(lines, f"{path}:18:19", "warning: overrides 'new-year' (line 14) and 'inventory' overlap from "
                                        "2031-01-08 00:00 Europe/Moscow to 2031-01-09 00:00 Europe/Moscow; "
                                        "there 'new-year' applies (the first in the list)")
    assert [d.code for d in validate(path)] == ["override-overlap"]


def test_an_override_that_changes_nothing_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, """\
          - name: same
            from: 2030-03-01
            until: 2030-03-02
            forwards: [{to: "sip:101"}]
          - name: empty
            "on": holidays
""")
    code, lines = run(path)
    assert code == 0
    assert has(lines, f"{path}:14:19", "warning: override 'same' changes nothing")
    assert has(lines, f"{path}:18:19", "warning: override 'empty' changes nothing")
    assert [d.code for d in validate(path)] == ["override-no-change", "override-no-change"]


def test_an_unknown_calendar_or_time_zone_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, """\
          - name: holidays
            on: holidays
            forwards: [{to: "voicemail:office@example.com"}]
""", zone="Europe/Atlantis", calendar="xx")
    code, lines = run(path)
    assert code == 1
    assert has(lines, f"{path}:5:15", "unknown time zone 'Europe/Atlantis'; expected an IANA name")
    assert has(lines, f"{path}:6:15", "unknown holiday calendar 'xx'")
    assert {d.code for d in validate(path)} >= {"unknown-timezone", "unknown-calendar"}


def test_holidays_need_a_calendar_or_dates(tmp_path: Path) -> None:
    path = tmp_path / "telconf.yaml"
    path.write_text(TELEUM.format(zone="Europe/Moscow", calendar="ru", overrides="""\
          - name: holidays
            on: holidays
            forwards: [{to: "voicemail:office@example.com"}]
""").replace("    calendar: ru\n", ""))
    code, lines = run(path)
    assert code == 1
    assert has(lines, f"{path}:14:17", "on: holidays needs the account's calendar: (e.g. calendar: ru) or a list "
                                        "of dates:")


@pytest.mark.parametrize("when, where, message", [
    ("from: 2030-02-30\n            until: 2030-03-02", "15:19", "'2030-02-30' is not a date (no such day)"),
    ("from: 1 March\n            until: 2030-03-02", "15:19", "'1 March' is not an ISO date"),
    ("from: 2030-03-01", "14:19", "override 'x' needs until: (a date range, until excluded), or on: holidays"),
])
def test_bad_dates_are_errors_at_their_value(tmp_path: Path, when: str, where: str, message: str) -> None:
    path = write(tmp_path, f"""\
          - name: x
            {when}
            forwards: [{{to: "voicemail:office@example.com"}}]
""")
    code, lines = run(path)
    assert code == 1
    assert has(lines, f"{path}:{where}", message), lines


def test_an_override_in_a_template_names_the_template_and_the_number(tmp_path: Path) -> None:
    path = tmp_path / "telconf.yaml"
    path.write_text("""\
version: 1
templates:
  office:
    forwards: [{to: "sip:{line}"}]
    overrides:
      - name: holidays
        on: holidays
        forwards: [{to: "sip:102"}]
accounts:
  spb:
    provider: teleum
    calendar: ru
    credentials: {email: "${E}", password: "${P}"}
    sip_lines:
      "101": {}
    numbers:
      "+7 812 323-23-23": {use: office, with: {line: "101"}}
""")
    code, lines = run(path)
    assert code == 1
    assert has(lines, f"{path}:8:25", "sip:102 is not a line under sip_lines of this account (lines: 101) "
                                       "(in template 'office', used by '+7 812 323-23-23' at line 17)")


def test_beeline_bodies_get_beelines_checks(tmp_path: Path) -> None:
    path = tmp_path / "telconf.yaml"
    path.write_text("""\
version: 1
accounts:
  msk:
    provider: beeline
    calendar: ru
    record_all: true
    credentials: {username: "${U}", password: "${P}"}
    numbers:
      "+7 495 000-00-00":
        redirect: {to: "+7 916 000-00-00"}
        record: true
        overrides:
          - name: holidays
            on: holidays
            redirect: {to: "+7 916 000-00-01"}
            record: false
""")
    code, lines = run(path)
    assert code == 1
    assert has(lines, f"{path}:16:21", "record: false contradicts record_all: true")
