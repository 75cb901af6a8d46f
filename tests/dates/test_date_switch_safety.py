"""The mass-delete rule and date switches: the deletes a switch carries out are not counted, others are."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from telconf.config import load
from telconf.dates.resolve import switched_numbers

CONFIG = """\
version: 1
accounts:
  spb:
    provider: teleum
    credentials: {email: "x@example.com", password: "x-password"}
    sip_lines: {"101": {}}
    numbers:
      "+7 812 323-23-23":
        forwards: [{to: "sip:101"}, {to: "voicemail:office@example.com"}]
        overrides:
          - name: new-year
            from: 2026-12-31
            until: 2027-01-09
            forwards: [{to: "voicemail:office@example.com"}]
          - name: same
            from: 2027-02-01
            until: 2027-02-02
            forwards: [{to: "sip:101"}, {to: "voicemail:office@example.com"}]
      "+7 812 323-23-24":
        forwards: [{to: "sip:101"}]
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_a_number_is_switched_for_a_week_after_a_switch_that_changed_it(tmp_path: Path) -> None:
    path = tmp_path / "telconf.yaml"
    path.write_text(CONFIG)
    config = load(path)
    assert switched_numbers(config, at("2026-12-30T12:00")) == {}
    assert switched_numbers(config, at("2026-12-31T12:00")) == {"spb": {"78123232323"}}  # entering
    assert switched_numbers(config, at("2027-01-09T12:00")) == {"spb": {"78123232323"}}  # leaving
    assert switched_numbers(config, at("2027-01-16T12:00")) == {}  # a week later: counted again
    assert switched_numbers(config, at("2027-02-01T12:00")) == {}  # a switch that changes nothing
