"""Terminal and CI manners: colour rules, typed confirmation, read progress, apply progress order, -f."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from telconf.engine.apply import CallEvent, CallResult
from telconf.cli import apply as cli_apply
from telconf.cli import main
from telconf.plan.data import Call

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def planfile(office: tuple[Path, dict[str, str]], tmp_path: Path) -> Path:
    config, env = office
    out = tmp_path / "plan.json"
    assert CliRunner().invoke(main, ["plan", "-c", str(config), "--out", str(out)], env=env).exit_code == 0
    return out


@pytest.mark.parametrize(("args", "env", "coloured"), [
    ([], {}, False),                                           # not a terminal
    ([], {"FORCE_COLOR": "1"}, True),
    ([], {"CLICOLOR_FORCE": "1"}, True),
    ([], {"FORCE_COLOR": "0"}, False),                         # 0 forces nothing
    ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),        # NO_COLOR is the reader's opt-out
    (["--color", "always"], {"NO_COLOR": "1"}, True),          # the flag is this run's word
    (["--color", "never"], {"FORCE_COLOR": "1"}, False),
    (["--color=always"], {}, True),
], ids=lambda v: repr(v))
def test_colour_follows_the_flag_then_no_color_then_force_color(planfile: Path, args: list[str],
                                                               env: dict[str, str], coloured: bool) -> None:
    base = {"NO_COLOR": "", "FORCE_COLOR": "", "CLICOLOR_FORCE": ""}
    result = CliRunner().invoke(main, ["show", str(planfile), *args], env={**base, **env})
    assert result.exit_code == 0, result.output
    assert bool(ANSI.search(result.stdout)) is coloured
    assert "Plan: 0 to add, 2 to change" in ANSI.sub("", result.stdout)


def test_the_group_option_colours_every_command(planfile: Path) -> None:
    result = CliRunner().invoke(main, ["--color", "always", "show", str(planfile)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0 and ANSI.search(result.stdout)
    again = CliRunner().invoke(main, ["show", str(planfile)], env={"NO_COLOR": "", "FORCE_COLOR": ""})
    assert not ANSI.search(again.stdout)  # the flag of one run does not stick to the next


def test_a_bad_color_value_is_a_usage_error(planfile: Path) -> None:
    result = CliRunner().invoke(main, ["show", str(planfile), "--color", "sometimes"])
    assert result.exit_code == 2
    assert "Invalid value for '--color'" in result.stderr


def test_apply_asks_for_the_word_yes(office: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch,
                                     emulators: Any) -> None:
    config, env = office
    monkeypatch.setattr("telconf.cli.apply.stdin_is_terminal", lambda: True)
    runner = CliRunner()
    refused = runner.invoke(main, ["apply", "-c", str(config)], env=env, input="y\n")
    assert refused.exit_code == 1
    assert "Only 'yes' will be accepted to approve." in refused.stderr
    assert "apply cancelled (only 'yes' approves); nothing was changed" in refused.stderr
    assert [s["descr"] for s in emulators.teleum.sips(env["EMAIL"])] == ["Old name", "Old name"]
    done = runner.invoke(main, ["apply", "-c", str(config)], env=env, input="yes\n")
    assert done.exit_code == 0, done.output
    assert sorted(s["descr"] for s in emulators.teleum.sips(env["EMAIL"])) == ["Hall", "Reception"]


def test_reads_show_progress_on_a_terminal_only(office: tuple[Path, dict[str, str]],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    config, env = office
    quiet = CliRunner().invoke(main, ["plan", "-c", str(config)], env=env)
    assert quiet.exit_code == 0 and "Reading" not in quiet.stderr
    monkeypatch.setattr("telconf.cli.terminal.stderr_is_terminal", lambda: True)
    shown = CliRunner().invoke(main, ["plan", "-c", str(config)], env=env)
    assert shown.exit_code == 0, shown.output
    assert "\rReading accounts: 1/1 read (office), 1 numbers" in shown.stderr
    assert "Reading" not in shown.stdout  # stdout stays the plan alone


def _event(position: int, status: str, total: int = 3) -> CallEvent:
    result = CallResult(account="office", position=position, call=Call(method="editSIP", params={}),
                        label=f"editSIP {100 + position}")
    return CallEvent(result, total, status)


def test_apply_lines_count_in_completion_order_and_keep_the_plan_position(monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_apply, "stdout_is_terminal", lambda: False)
    with cli_apply.progress_display(3) as progress:
        for position in (1, 3, 2):  # parallel lanes finish out of plan order
            progress(_event(position, "start"))
        for position in (3, 1, 2):
            progress(_event(position, "done"))
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["[1/3] #3 office: editSIP 103 ... ok", "[2/3] #1 office: editSIP 101 ... ok",
                     "[3/3] #2 office: editSIP 102 ... ok"]


@pytest.mark.parametrize("command", ["plan", "show", "validate"])
def test_every_format_option_has_the_short_f(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert re.search(r"-f, --format \[", result.stdout), result.stdout


def test_completion_offers_the_config_s_account_names(tmp_path: Path) -> None:
    config = tmp_path / "telconf.yaml"
    config.write_text("version: 1\naccounts:\n  spb-office: {provider: teleum}\n  spb-store: {provider: teleum}\n"
                      "  msk: {provider: beeline}\n")
    env = {"_TELCONF_COMPLETE": "bash_complete", "COMP_WORDS": f"telconf plan -c {config} --account spb",
           "COMP_CWORD": "5"}
    result = CliRunner().invoke(main, [], prog_name="telconf", env=env)
    assert result.exit_code == 0
    assert result.stdout.split() == ["plain,spb-office", "plain,spb-store"]
    env["COMP_WORDS"] = "telconf plan -c /nonexistent.yaml --account "
    env["COMP_CWORD"] = "5"
    assert CliRunner().invoke(main, [], prog_name="telconf", env=env).stdout.strip() == ""


def test_terminal_detection_of_odd_streams() -> None:
    from telconf.cli.terminal import is_terminal

    closed = io.StringIO()
    closed.close()
    assert not is_terminal(closed) and not is_terminal(object()) and not is_terminal(io.StringIO())


@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete -o nosort -F _telconf_completion telconf"),
                                               ("zsh", "#compdef telconf"), ("fish", "complete --no-files --command telconf")])
def test_the_documented_completion_scripts_are_produced(shell: str, marker: str) -> None:
    result = CliRunner().invoke(main, [], prog_name="telconf", env={"_TELCONF_COMPLETE": f"{shell}_source"})
    assert result.exit_code == 0 and marker in result.stdout
    docs = (Path(__file__).parents[2] / "docs" / "commands.md").read_text()
    assert f"_TELCONF_COMPLETE={shell}_source telconf" in docs


def test_no_page_tells_to_pip_install_a_telconf_from_the_package_index() -> None:
    """telconf is not on PyPI: `pip install telconf` would install someone else's package."""
    root = Path(__file__).parents[2]
    pages = [root / "README.md", *sorted((root / "docs").rglob("*.md")), *sorted((root / "examples").rglob("*.yml"))]
    for page in pages:
        assert not re.search(r"pip install (-\S+ )*['\"]?telconf\b(?! @)", page.read_text()), page


def test_export_shows_read_progress_on_a_terminal(office: tuple[Path, dict[str, str]], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    config, env = office
    monkeypatch.setattr("telconf.cli.terminal.stderr_is_terminal", lambda: True)
    result = CliRunner().invoke(main, ["export", "-c", str(config), "-o", str(tmp_path / "backup" / "telconf.yaml")],
                                env=env)
    assert result.exit_code == 0, result.output
    assert "\rReading accounts: 1/1 read (office), 1 numbers\x1b[K\r\x1b[K" in result.stderr


def test_no_answer_at_all_is_no(office: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch,
                                emulators: Any) -> None:
    config, env = office
    monkeypatch.setattr("telconf.cli.apply.stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(main, ["apply", "-c", str(config)], env=env, input="")  # end of input
    assert result.exit_code == 1
    assert "apply cancelled (only 'yes' approves); nothing was changed" in result.stderr
    assert "Internal error" not in result.stderr
    assert [s["descr"] for s in emulators.teleum.sips(env["EMAIL"])] == ["Old name", "Old name"]
