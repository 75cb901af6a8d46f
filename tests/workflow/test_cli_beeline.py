"""plan/apply end to end over HTTP against the Beeline emulator, through the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from telconf.cli import main
from telconf.emulator import Emulators
from telconf.core.wav import make_wav

LOGIN, PASSWORD = "cc-login", "s3cret-Pa55word"
B1, B2, B3 = "74950000001", "74950000002", "74950000003"
SCHEMA = Path(__file__).parents[2] / "schemas" / "plan.schema.json"
READS = {"RLIST", "MLIST", "LBLIST", "LRECORD", "LVFILES", "ABLIST", "download"}

CONFIG = """\
version: 1
accounts:
  cc:
    provider: beeline
    url: ${TELCONF_VAR_BEELINE_URL}
    credentials:
      username: ${BEELINE_LOGIN}
      password: ${BEELINE_PASSWORD}
    voice_files:
      greeting.wav: {path: greeting.wav, comment: Hello}
      hold.wav: {path: hold.wav}
    numbers:
      "+7 495 000-00-01":
        redirect: {to: "+7 916 000-00-00"}
        premedia: {a: greeting.wav}
        record: true
      "+7 495 000-00-02":
        redirect: null
    blacklists:
      lists:
        0:
          - numbers: ["+7 495 000-00-01"]
            block: ["+7 900 000-00-00"]
"""


@pytest.fixture
def cc(emulators: Emulators, tmp_path: Path) -> Any:
    """A Beeline account on the emulator and a config for it; ``cc.run(*args)`` runs telconf."""
    emulators.beeline.add_account(LOGIN, PASSWORD, numbers=[B1, B2, B3])
    emulators.beeline.configure(pending_seconds=0)
    (tmp_path / "greeting.wav").write_bytes(make_wav(tone=3))
    (tmp_path / "hold.wav").write_bytes(make_wav(tone=5))
    config = tmp_path / "telconf.yaml"
    config.write_text(CONFIG)
    env = {"TELCONF_VAR_BEELINE_URL": emulators.beeline_url, "BEELINE_LOGIN": LOGIN, "BEELINE_PASSWORD": PASSWORD}

    class Setup:
        path = config
        emu = emulators.beeline
        emu_url = emulators.beeline_url

        @staticmethod
        def run(*args: str, input: str | None = None) -> Result:
            result = CliRunner().invoke(main, [args[0], "-c", str(config), *args[1:]],
                                                        env=env, input=input)
            assert PASSWORD not in result.stdout + result.stderr
            return result

        @staticmethod
        def state() -> dict[str, Any]:
            return emulators.beeline.account_state(LOGIN)

        @staticmethod
        def writes() -> list[str]:
            return [e["method"] for e in emulators.beeline.call_log if e["method"] not in READS]

    return Setup


def test_plan_apply_converges_and_detailed_exitcode_gates_ci(cc: Any) -> None:
    result = cc.run("plan", "--detailed-exitcode")
    assert result.exit_code == 2, result.stderr
    assert "+ voice_file greeting.wav" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("Plan: ")
    assert cc.writes() == []  # planning never writes

    result = cc.run("apply", "--yes")
    assert result.exit_code == 0, result.stderr
    assert re.search(r"\] #\d+ cc: VFILE \(\+ voice_file greeting.wav\) \.\.\. ok", result.stdout)
    assert "Apply complete: " in result.stdout

    result = cc.run("plan", "--detailed-exitcode")
    assert (result.exit_code, result.stdout) == (0, "No changes.\n")


def test_json_plan_of_a_real_account_validates_and_holds_no_secret(cc: Any) -> None:
    result = cc.run("plan", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    methods = [c["method"] for c in data["accounts"][0]["calls"]]
    assert methods[0] == "VFILE" and "REDIRECT" in methods
    assert methods.index("VFILE") < methods.index("PREMEDIA")  # upload before use


def test_markdown_plan_is_one_section_per_account(cc: Any) -> None:
    result = cc.run("plan", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("## telconf plan\n")
    assert "<summary><b>cc</b> (beeline):" in result.stdout
    assert "| cc | beeline |" in result.stdout


def test_apply_without_a_terminal_or_yes_refuses_and_writes_nothing(cc: Any) -> None:
    before = cc.state()
    result = cc.run("apply")
    assert result.exit_code == 1
    assert "refusing to apply without confirmation: there is no terminal to ask on" in result.stderr
    assert "--yes" in result.stderr
    assert cc.writes() == [] and cc.state() == before


def test_apply_asks_and_a_no_changes_nothing(cc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("telconf.cli.apply.stdin_is_terminal", lambda: True)
    before = cc.state()
    for answer in ("n", "y", "YES please"):  # only the word yes approves (a lone y is too easy a slip)
        result = cc.run("apply", input=f"{answer}\n")
        assert result.exit_code == 1
        assert "Apply these changes to cc?\n  Only 'yes' will be accepted to approve." in result.stderr
        assert "apply cancelled (only 'yes' approves); nothing was changed" in result.stderr
        assert cc.writes() == [] and cc.state() == before
    result = cc.run("apply", input="yes\n")
    assert result.exit_code == 0, result.stderr
    assert cc.run("plan", "--detailed-exitcode").exit_code == 0


def test_stale_saved_plan_is_refused_with_zero_writes_and_a_plan_applies_once(cc: Any, tmp_path: Path) -> None:
    planfile = tmp_path / "plan.json"
    result = cc.run("plan", "--out", str(planfile))
    assert result.exit_code == 0 and "Saved the plan to" in result.stderr
    assert PASSWORD not in planfile.read_text()

    cc.emu.set_redirect(LOGIN, B1, "79160000005")  # someone changes an item the plan touches meanwhile
    before = cc.state()
    cc.emu.clear_log()
    result = cc.run("apply", str(planfile))
    assert result.exit_code == 1
    assert "is stale and nothing was applied: items it changes were changed since: " \
           "cc: redirect of +7 495 000-00-01." in result.stderr
    assert cc.writes() == [] and cc.state() == before

    result = cc.run("plan", "--out", str(planfile))
    result = cc.run("apply", str(planfile))
    assert result.exit_code == 0, result.stderr
    assert json.loads(planfile.read_text())["applied"] is True
    cc.emu.clear_log()
    result = cc.run("apply", str(planfile))
    assert result.exit_code == 1 and "was already applied" in result.stderr
    assert cc.writes() == []


def test_drift_in_an_item_the_saved_plan_does_not_touch_leaves_it_applicable(cc: Any, tmp_path: Path) -> None:
    planfile = tmp_path / "plan.json"
    cc.run("plan", "--out", str(planfile))
    cc.emu.set_redirect(LOGIN, B2, "79160000005")  # the config wants none: not in the saved plan
    result = cc.run("apply", str(planfile))
    assert result.exit_code == 0, result.stderr
    assert "note: 1 change found now in items the saved plan does not touch" in result.stderr
    assert cc.state()["redirects"][B2]["RNumber"] == "79160000005"  # not reviewed: left as it is
    plan = cc.run("plan")
    assert "redirect" in plan.stdout and "+7 495 000-00-02" in plan.stdout


def test_a_changed_config_makes_a_saved_plan_stale(cc: Any, tmp_path: Path) -> None:
    planfile = tmp_path / "plan.json"
    cc.run("plan", "--out", str(planfile))
    cc.path.write_text(CONFIG.replace("comment: Hello", "comment: Hi"))
    result = cc.run("apply", str(planfile))
    assert result.exit_code == 1 and "(or a file it names) changed" in result.stderr
    assert cc.writes() == []


def test_mass_delete_is_refused_with_zero_writes_then_forced(cc: Any) -> None:
    for i in range(12):
        cc.emu.add_blacklist(LOGIN, 0, B1, f"7900111{i:04d}")
    before = cc.state()
    result = cc.run("plan")
    assert result.exit_code == 0
    assert "warning: apply will refuse this plan without --force" in result.stderr
    result = cc.run("apply", "--yes")
    assert result.exit_code == 1
    assert "account cc: deletes 12 of 12 blacklist items (100%), more than the 25% allowed" in result.stderr
    assert cc.writes() == [] and cc.state() == before

    result = cc.run("apply", "--yes", "--force")
    assert result.exit_code == 0, result.stderr
    assert "warning: --force: applying although account cc: deletes 12 of 12" in result.stderr
    assert cc.run("plan", "--detailed-exitcode").exit_code == 0


def test_the_threshold_is_set_per_account_in_the_file(cc: Any) -> None:
    for i in range(12):
        cc.emu.add_blacklist(LOGIN, 0, B1, f"7900111{i:04d}")
    cc.path.write_text(CONFIG.replace("    voice_files:", "    safety: {max_delete_percent: 100}\n    voice_files:"))
    assert cc.run("apply", "--yes").exit_code == 0


def test_a_failure_mid_apply_reports_done_failed_and_not_attempted(cc: Any) -> None:
    cc.emu.configure(max_voice_files=1)  # one of the two uploads (run in parallel) is refused: 409.1
    result = cc.run("apply", "--yes")
    assert result.exit_code == 1
    assert result.stdout.count("cc: VFILE") == 2 and "... ok" in result.stdout and "... FAILED: " in result.stdout
    assert "Error: apply failed at call " in result.stderr and "[409.1]" in result.stderr
    assert "Done (1):\n  ✓ [" in result.stderr and "Failed (1):\n  ✗ [" in result.stderr
    not_attempted = result.stderr.split("Not attempted (")[1]
    assert "PREMEDIA" in not_attempted and "REDIRECT" in not_attempted
    assert "`telconf apply` again converges" in result.stderr
    assert len(cc.state()["files"]) == 1
    assert not any(m in cc.writes() for m in ("PREMEDIA", "REDIRECT", "SETBLIST"))

    cc.emu.configure(max_voice_files=50)
    assert cc.run("apply", "--yes").exit_code == 0  # running it again converges
    assert cc.run("plan", "--detailed-exitcode").exit_code == 0


def test_verbose_logs_every_request_without_secrets(cc: Any) -> None:
    result = cc.run("plan", "-v")
    assert result.exit_code == 0
    assert "beeline LVFILES POST" in result.stderr and "-> 200" in result.stderr
    assert LOGIN not in result.stderr  # Basic auth never logged


def test_unknown_account_is_a_clear_error(cc: Any) -> None:
    result = cc.run("plan", "--account", "nope")
    assert result.exit_code == 1
    assert "no account named 'nope'" in result.stderr or "nope" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, message", [
    (["plan", "--format", "yaml"], "Invalid value for '-f' / '--format'"),
    (["plan", "--bogus"], "No such option"),
    (["apply", "--parallelism", "0"], "Invalid value for '--parallelism'"),
])
def test_a_bad_option_exits_1_never_2_which_means_changes(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and message in result.stderr


def test_a_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plan", "-c", str(tmp_path / "none.yaml"), "--detailed-exitcode"])
    assert result.exit_code == 1 and "none.yaml" in result.stderr and "Traceback" not in result.stderr


def test_with_a_plan_file_accounts_come_from_the_file(tmp_path: Path) -> None:
    planfile = tmp_path / "p.json"
    planfile.write_text("{}")
    result = CliRunner().invoke(main, ["apply", str(planfile), "--account", "cc"])
    assert result.exit_code == 1 and "the accounts and options come from the file" in result.stderr
    result = CliRunner().invoke(main, ["apply", str(planfile)])
    assert result.exit_code == 1 and "is not a telconf plan file" in result.stderr


def test_a_saved_plan_remembers_its_config(cc: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planfile = tmp_path / "plan.json"
    assert cc.run("plan", "--out", str(planfile)).exit_code == 0
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # no telconf.yaml here
    env = {"TELCONF_VAR_BEELINE_URL": cc.emu_url, "BEELINE_LOGIN": LOGIN, "BEELINE_PASSWORD": PASSWORD}
    result = CliRunner().invoke(main, ["apply", "../plan.json"], env=env)  # no -c: the plan's own config
    assert result.exit_code == 0, result.output
