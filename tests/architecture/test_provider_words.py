"""What the core prints about a provider's things comes in the provider's words (issue 27)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from telconf.engine.apply import ApplyReport, outage_names
from telconf.engine.apply_items import ItemResult, ItemStatus
from telconf.cli import main
from telconf.providers.base import OutageWords

FORWARDS = OutageWords(alarm="NO LIVE FORWARD", headline="NUMBERS LEFT WITH NO FORWARD",
                       detail="was read back with no forward")


def outage(account: str, label: str, words: OutageWords) -> ItemResult:
    return ItemResult(account, f"item:{label}", label, ItemStatus.CONFLICT, outage=True, words=words)


def test_an_outage_is_reported_in_its_providers_words_and_by_default_in_words_of_no_api() -> None:
    report = ApplyReport(items=[outage("spb", "forwards of +7 812 323-23-23", FORWARDS),
                                outage("menus", "menu main", OutageWords())])
    lines = list(report.lines())
    assert lines[0] == ("!!! NO LIVE FORWARD: spb: forwards of +7 812 323-23-23 was read back with no forward; "
                        "not restored. Check it and run `telconf apply` again now.")
    assert lines[1] == ("!!! OUT OF SERVICE: menus: menu main was read back out of service although the config "
                        "wants it in service; not restored. Check it and run `telconf apply` again now.")
    assert outage_names(report, "headline") == {"NUMBERS LEFT WITH NO FORWARD": "spb: forwards of +7 812 323-23-23",
                                                "ITEMS LEFT OUT OF SERVICE": "menus: menu main"}


def test_rotate_secrets_is_the_options_name_and_the_former_name_is_still_accepted(tmp_path: Path) -> None:
    runner = CliRunner()
    for command in ("plan", "apply"):
        shown = runner.invoke(main, [command, "--help"]).output
        assert "--rotate-secrets" in shown and "--rotate-sip-passwords" not in shown
    saved = tmp_path / "saved.plan.json"
    saved.write_text("{}")
    for option in ("--rotate-secrets", "--rotate-sip-passwords"):  # a saved plan takes its options from the file
        result = runner.invoke(main, ["apply", str(saved), option])
        assert result.exit_code == 1
        assert "the accounts and options come from the file: drop --account and --rotate-secrets" in result.output
