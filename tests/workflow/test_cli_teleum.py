"""The safety rule and a stale plan on a Teleum account, through the CLI over HTTP."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from telconf.cli import main
from telconf.emulator import Emulators

EMAIL, PASSWORD = "office@example.com", "office-Pa55word"
NUMBER = "78123232323"


def setup(emulators: Emulators, tmp_path: Path, lines: int, keep: int) -> tuple[Path, dict[str, str]]:
    emulators.teleum.add_account(EMAIL, PASSWORD, numbers=[NUMBER])
    for i in range(lines):
        emulators.teleum.add_sip(EMAIL, descr=f"Line {101 + i}")
    sip_lines = "".join(f'      "{101 + i}": {{description: Line {101 + i}}}\n' for i in range(keep))
    config = tmp_path / "telconf.yaml"
    config.write_text(
        "version: 1\naccounts:\n  office:\n    provider: teleum\n    url: ${TELCONF_VAR_URL}\n"
        '    credentials: {email: "${EMAIL}", password: "${PASSWORD}"}\n'
        f"    sip_lines:\n{sip_lines}"
    )
    return config, {"TELCONF_VAR_URL": emulators.teleum_url, "EMAIL": EMAIL, "PASSWORD": PASSWORD}


def writes(emulators: Emulators) -> list[str]:
    return [e["method"] for e in emulators.teleum.call_log if e["method"] in ("editSIP", "deleteSIP", "editForward")]


def test_deleting_4_of_12_sip_lines_is_refused_then_forced(emulators: Emulators, tmp_path: Path) -> None:
    config, env = setup(emulators, tmp_path, lines=12, keep=8)
    runner = CliRunner()
    result = runner.invoke(main, ["apply", "-c", str(config), "--yes"], env=env)
    assert result.exit_code == 1
    assert "account office: deletes 4 of 12 sip_line items (33%), more than the 25% allowed" in result.stderr
    assert writes(emulators) == [] and len(emulators.teleum.sips(EMAIL)) == 12

    result = runner.invoke(main, ["apply", "-c", str(config), "--yes", "--force"], env=env)
    assert result.exit_code == 0, result.output
    assert [s["num"] for s in emulators.teleum.sips(EMAIL)] == [str(101 + i) for i in range(8)]


def test_deleting_3_of_12_passes(emulators: Emulators, tmp_path: Path) -> None:
    config, env = setup(emulators, tmp_path, lines=12, keep=9)
    result = CliRunner().invoke(main, ["apply", "-c", str(config), "--yes"], env=env)
    assert result.exit_code == 0, result.output
    assert writes(emulators).count("deleteSIP") == 3


def test_a_line_added_by_hand_does_not_make_a_saved_plan_deleting_another_stale(emulators: Emulators,
                                                                                tmp_path: Path) -> None:
    """Drift in items the plan does not touch: it applies, and leaves the new line alone."""
    config, env = setup(emulators, tmp_path, lines=3, keep=2)
    planfile = tmp_path / "plan.json"
    runner = CliRunner()
    assert runner.invoke(main, ["plan", "-c", str(config), "--out", str(planfile)], env=env).exit_code == 0
    emulators.teleum.add_sip(EMAIL, descr="Added by hand")
    emulators.teleum.clear_log()
    result = runner.invoke(main, ["apply", "-c", str(config), str(planfile)], env=env)
    assert result.exit_code == 0, result.output
    assert writes(emulators) == ["deleteSIP"]
    assert [s["descr"] for s in emulators.teleum.sips(EMAIL)] == ["Line 101", "Line 102", "Added by hand"]


def test_a_line_edited_by_hand_makes_the_saved_plan_deleting_it_stale(emulators: Emulators, tmp_path: Path) -> None:
    config, env = setup(emulators, tmp_path, lines=3, keep=2)
    planfile = tmp_path / "plan.json"
    runner = CliRunner()
    assert runner.invoke(main, ["plan", "-c", str(config), "--out", str(planfile)], env=env).exit_code == 0
    emulators.teleum.restore(_with_description(emulators.teleum.snapshot(), "103", "Reception (new)"))
    emulators.teleum.clear_log()
    result = runner.invoke(main, ["apply", "-c", str(config), str(planfile)], env=env)
    assert result.exit_code == 1
    assert "is stale and nothing was applied: items it changes were changed since: office: SIP line 103." \
        in result.stderr
    assert writes(emulators) == [] and len(emulators.teleum.sips(EMAIL)) == 3


def _with_description(snapshot: dict, num: str, description: str) -> dict:
    for sip in snapshot["accounts"][0]["sips"]:
        if sip["num"] == num:
            sip["descr"] = description
    return snapshot
