"""One fixture file per bad input: `telconf validate` names the file, line and column,
says what was expected, exits 1 and never prints a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from telconf.cli import main

BAD = Path(__file__).parent / "bad"

# file -> [(FILE or None for the fixture itself, line, column, part of the message)]
EXPECTED: dict[str, list[tuple[str | None, int, int, str]]] = {
    # what follows "YAML syntax:" is the YAML library's own words, not telconf's promise
    "yaml-syntax.yaml": [(None, 10, 1, "YAML syntax: ")],
    "unquoted-variable-in-flow.yaml": [(None, 6, 57, 'inside {...} or [...] quote a variable: "${PW}", not ${PW}')],
    "octal-number.yaml": [(None, 10, 15, 'reads `0123456701` as an octal integer, not as written; quote it: "0123456701"')],
    "sexagesimal-time.yaml": [(None, 14, 21, 'reads `18:00` as a sexagesimal (base 60) integer, not as written; quote it')],
    "yes-no-as-string.yaml": [(None, 9, 22, 'description: YAML 1.1 reads `no` as a boolean; quote it: "no"')],
    "duplicate-key.yaml": [(None, 10, 7, "duplicate key '+7 812 323-23-23' (first at line 8)")],
    "two-spellings.yaml": [(None, 10, 7, "'84950000001' is the same number as '+7 (495) 000-00-01' (line 8)")],
    "invalid-phone.yaml": [
        (None, 10, 15, "'+7 916 000' is not a valid phone number; expected e.g."),
        (None, 11, 7, "'reception' is not a valid phone number"),
    ],
    "sip-target-unknown.yaml": [(None, 13, 17, "sip:102 is not a line under sip_lines of this account (lines: 101)")],
    "caller-id-invalid.yaml": [
        (None, 9, 20, "'reception' is not a valid phone number"),
        (None, 14, 24, "'everyone' is not a valid caller_id (caller, group or a phone number)"),
    ],
    "record-all-conflict.yaml": [(None, 12, 17, "record: false contradicts record_all: true")],
    "list-id-out-of-range.yaml": [
        (None, 8, 15, "active: 3 is out of range; expected 0..2"),
        (None, 11, 9, "lists: got '3'; expected '0' or '1' or '2'"),
    ],
    "block-file-missing.yaml": [(None, 13, 25, "block file ")],
    "block-file-invalid.yaml": [
        ("files/spam-with-errors.txt", 3, 1, "'call' is not a valid phone number"),
        ("files/spam-with-errors.txt", 6, 1, "'12345' is not a valid phone number"),
    ],
    "voice-file-missing.yaml": [(None, 9, 15, "no-such-greeting.wav not found")],
    "voice-file-wrong-format.yaml": [
        (None, 9, 15, "44100 Hz instead of 8000 Hz, 2 channels instead of mono; expected WAV PCM 8 kHz mono 16-bit"),
        (None, 11, 15, "not a PCM WAV file"),
    ],
    "premedia-not-in-voice-files.yaml": [(None, 13, 14, "'hold-music.wav' is not under voice_files of this account")],
    "isolated-non-sip.yaml": [(None, 11, 23, "isolated: true applies to sip: targets only, not to tel:")],
    "unknown-key.yaml": [
        (None, 7, 5, "unknown key 'sip_line' in spb-office; expected one of: calendar, credentials, ignore, numbers, "
                     "provider, safety, sip_lines, timezone, url"),
        (None, 10, 9, "unknown key 'forward' in +7 812 323-23-23; expected one of: forwards, gap_intended, overrides, "
                      "use, with"),
    ],
    "missing-required.yaml": [
        (None, 2, 1, "missing required key 'version'"),
        (None, 4, 5, "spb-office: missing required key 'credentials'"),
    ],
    "timeout-out-of-range.yaml": [(None, 11, 22, "timeout: 45 is out of range; expected 5..30")],
    "bad-account-name.yaml": [(None, 4, 3, "'SPB Office' is not valid; expected an account name: starts with a lower-case letter or digit, then lower-case letters, digits")],
    "unknown-provider.yaml": [(None, 5, 15, "provider: got 'megafon'; expected 'beeline' or 'teleum'")],
    "empty-file.yaml": [(None, 1, 1, "the file is empty; expected a mapping with `version: 1` and `accounts`")],
    "not-a-mapping.yaml": [(None, 2, 1, "expected a mapping, got a list")],
    "schedule-backwards.yaml": [
        (None, 12, 23, "days 'fri-mon' run backwards"),
        (None, 15, 21, "to '09:00' is before from '18:00'"),
    ],
    "bad-target.yaml": [
        (None, 10, 17, "'mobile:+7 921 000-00-00' is not valid; expected target: `sip:<line>`"),
        (None, 11, 17, "'office' is not an e-mail address"),
        (None, 12, 17, "'12' is not a valid phone number after tel:"),
    ],
    "short-sip-password.yaml": [(None, 8, 25, "a SIP password needs at least 8 characters")],
    "client-key-without-cert.yaml": [(None, 6, 50, "client_key needs client_cert")],
    "wrong-types.yaml": [
        (None, 2, 10, "version: got '1'; expected 1"),
        (None, 7, 17, "record_all: expected true or false, got 'yes'"),
        (None, 10, 17, "record: expected true or false, got 1"),
        (None, 11, 19, "redirect: expected a mapping or null"),
    ],
    "many-errors.yaml": [
        (None, 11, 22, "timeout: 3 is out of range"),
        (None, 12, 17, "'nobody' is not a valid phone number after tel:"),
        (None, 13, 7, "'not a number' is not a valid phone number"),
        (None, 19, 24, "'+7 916' is not a valid phone number"),
    ],
    "recursive-alias.yaml": [(None, 3, 11, "a YAML alias refers to itself")],
}


def test_every_fixture_has_expectations() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)  # diagnostics name files as the user gave them
    result = CliRunner().invoke(main, ["validate", "-c", name])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    for file, line, column, message in EXPECTED[name]:
        prefix = f"{file or name}:{line}:{column}: "
        assert any(out.startswith(prefix) and message in out for out in lines), (prefix + message, lines)
    errors = sum(1 for out in lines if ": warning: " not in out and out[:1] not in ("", " ") and ":" in out)
    assert lines[-1] == f"{errors} error{'s' if errors != 1 else ''}"
    assert errors == len(EXPECTED[name])  # every error expected, none extra
