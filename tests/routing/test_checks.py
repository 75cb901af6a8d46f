"""Routing checks: each warning with its code and position, its silencing, and --strict."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.routing.conftest import run, teleum

GAP = teleum("""\
    "+7 812 323-23-23":
      forwards:
        - to: sip:101
          schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]
    """)
UNREACHABLE = teleum("""\
    "+7 812 323-23-23":
      forwards:
        - to: voicemail:office@example.com
          schedule: [{days: mon-sun, from: "08:00", to: "20:00"}]
        - to: sip:101
          schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]
        - to: sip:102
    """)
LOOP = teleum("""\
    "+7 812 323-23-23": {forwards: [{to: "tel:+7 812 323-23-24"}]}
    "+7 812 323-23-24": {forwards: [{to: "tel:+7 812 323-23-23"}]}
    """)


def validate(cli: CliRunner, tmp_path: Path, text: str, *args: str) -> tuple[int, str, Path]:
    path = tmp_path / "telconf.yaml"
    path.write_text(text)
    result = run(cli, "validate", "-c", str(path), *args)
    return result.exit_code, result.stderr, path


def test_routing_gap_names_the_windows_at_the_numbers_line(cli: CliRunner, tmp_path: Path) -> None:
    code, err, path = validate(cli, tmp_path, GAP)
    assert code == 0
    line = GAP.splitlines().index('      "+7 812 323-23-23":') + 1
    assert (f"{path}:{line}:7: warning: routing-gap: +7 812 323-23-23 is not routed mon-fri 00:00–08:59, "
            "mon-fri 18:01–23:59, sat-sun (no step is active then)") in err
    code, err, _ = validate(cli, tmp_path, GAP, "--strict")
    assert code == 1 and "1 warning (--strict)" in err


def test_gap_intended_on_the_number_silences_it(cli: CliRunner, tmp_path: Path) -> None:
    text = GAP.replace('        forwards:\n', '        gap_intended: true\n        forwards:\n', 1)
    assert text != GAP
    code, err, _ = validate(cli, tmp_path, text, "--strict")
    assert (code, err) == (0, "")


def test_gap_intended_in_a_template_silences_its_numbers_and_a_template_warns_once(cli: CliRunner,
                                                                                   tmp_path: Path) -> None:
    text = teleum("""\
        "+7 812 323-23-23": {use: office}
        "+7 812 323-23-24": {use: office}
        "+7 812 323-23-25": {use: office}
        """).replace("version: 1\n", """version: 1
templates:
  office:
    forwards: [{to: sip:101, schedule: [{days: sat-sun}]}]
""")
    code, err, _ = validate(cli, tmp_path, text)
    assert err.count("routing-gap") == 1
    assert "+7 812 323-23-23 (and 2 other numbers of template 'office') is not routed mon-fri" in err
    quiet = text.replace("    forwards: [{to: sip:101", "    gap_intended: true\n    forwards: [{to: sip:101")
    code, err, _ = validate(cli, tmp_path, quiet, "--strict")
    assert (code, err) == (0, "")


def test_no_forward_at_all_is_not_a_gap(cli: CliRunner, tmp_path: Path) -> None:
    code, err, _ = validate(cli, tmp_path, teleum('"+7 812 323-23-23": {forwards: []}\n'), "--strict")
    assert (code, err) == (0, "")


def test_unreachable_forward(cli: CliRunner, tmp_path: Path) -> None:
    code, err, _ = validate(cli, tmp_path, UNREACHABLE)
    assert ("unreachable-forward: step 2 of +7 812 323-23-23 (sip:101 (20 s)) never rings: an earlier "
            "voicemail or fax answers whenever it is active") in err
    assert "step 3" not in err  # sip:102 rings at night
    assert "routing-gap" not in err
    always = UNREACHABLE.replace('            schedule: [{days: mon-sun, from: "08:00", to: "20:00"}]\n', "", 1)
    assert always != UNREACHABLE
    code, err, _ = validate(cli, tmp_path, always)
    assert "step 2 of" in err and "step 3 of" in err  # an always-on voicemail hides everything after it


def test_codes_in_the_json_plan(cli: CliRunner, tmp_path: Path) -> None:
    snapshot = tmp_path / "backup.yaml"
    snapshot.write_text(teleum('"+7 812 323-23-23": {forwards: []}\n"+7 812 323-23-24": {forwards: []}\n'))
    config = tmp_path / "telconf.yaml"
    config.write_text(LOOP.replace('"+7 812 323-23-24": {forwards', '"+7 812 323-23-24": {forwards: [{to: sip:101, '
                                   'schedule: [{days: mon}]}, {to: "tel:+7 812 323-23-23"}]}\n  #', 1))
    result = run(cli, "plan", "-c", str(config), "--snapshot", str(snapshot), "--format", "json")
    assert result.exit_code == 0, result.output
    codes = sorted(w["code"] for w in json.loads(result.stdout)["warnings"])
    assert codes == ["forward-loop", "snapshot"]
    gap = tmp_path / "gap.yaml"
    gap.write_text(GAP)
    result = run(cli, "plan", "-c", str(gap), "--snapshot", str(snapshot), "--format", "json")
    warnings = json.loads(result.stdout)["warnings"]
    assert [w["code"] for w in warnings if w["code"] != "snapshot"] == ["routing-gap"]
    line = GAP.splitlines().index('      "+7 812 323-23-23":') + 1
    assert warnings[-1]["file"] == str(gap) and (warnings[-1]["line"], warnings[-1]["column"]) == (line, 7)
    strict = run(cli, "plan", "-c", str(gap), "--snapshot", str(snapshot), "--strict")
    assert strict.exit_code == 1 and "1 warning (--strict)" in strict.stderr and strict.stdout == ""


def test_numbers_of_a_template_with_their_own_targets_are_each_checked_alike(cli: CliRunner,
                                                                             tmp_path: Path) -> None:
    """The checks are computed once per shape (when each step is active, and whether it rings
    or answers), not once per target: numbers used ``with:`` their own lines and mailboxes
    get the same windows, each with its own target in the message."""
    text = teleum("""\
        "+7 812 323-23-23": {use: desk, with: {line: "101", mail: a@example.com}}
        "+7 812 323-23-24": {use: desk, with: {line: "102", mail: b@example.com}}
        "+7 812 323-23-25": {use: desk, with: {line: "101", mail: c@example.com}, gap_intended: true}
        """).replace("version: 1\n", """version: 1
templates:
  desk:
    forwards:
      - {to: "voicemail:{mail}", schedule: [{days: mon-fri, from: "08:00", to: "20:00"}]}
      - {to: "sip:{line}", schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]}
""")
    code, err, _ = validate(cli, tmp_path, text)
    assert code == 0
    for number, line in (("+7 812 323-23-23", "101"), ("+7 812 323-23-24", "102"), ("+7 812 323-23-25", "101")):
        assert f"unreachable-forward: step 2 of {number} (sip:{line} (20 s)) never rings" in err, err
    for number in ("+7 812 323-23-23", "+7 812 323-23-24"):
        assert f"routing-gap: {number} is not routed mon-fri 00:00–07:59, mon-fri 20:01–23:59, sat-sun" in err, err
    assert "routing-gap: +7 812 323-23-25" not in err  # intended, and the shape is shared with the others
