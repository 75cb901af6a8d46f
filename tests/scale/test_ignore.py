"""Ignore rules: matching live items are never created, changed or deleted; plans count them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from telconf.cli import main
from telconf.emulator import Emulators
from telconf.core.wav import make_wav
from tests.scale.helpers import write

EMAIL, PASSWORD = "office@example.com", "office-Pa55word"
LOGIN = "cc-login"
B1 = "74950000001"


def teleum(tmp_path: Path, emulators: Emulators, body: str) -> tuple[Path, dict[str, str]]:
    path = write(tmp_path / "telconf.yaml", "version: 1\naccounts:\n  office:\n    provider: teleum\n"
                                            "    url: ${TELCONF_VAR_URL}\n"
                                            '    credentials: {email: "${EMAIL}", password: "${PASSWORD}"}\n' + body)
    return path, {"TELCONF_VAR_URL": emulators.teleum_url, "EMAIL": EMAIL, "PASSWORD": PASSWORD}


def test_ignored_sip_lines_are_not_deleted_and_are_counted(emulators: Emulators, tmp_path: Path) -> None:
    emulators.teleum.add_account(EMAIL, PASSWORD, numbers=["78123232323"])
    for descr in ("Reception", "Other team 1", "Other team 2", "Stale"):
        emulators.teleum.add_sip(EMAIL, descr=descr)  # lines 101..104
    path, env = teleum(tmp_path, emulators, '    ignore: {sip_lines: ["10[23]"]}\n'
                                            '    sip_lines: {"101": {description: Reception}}\n'
                                            '    numbers: {"+7 812 323-23-23": {forwards: [{to: "sip:102"}]}}\n')
    runner = CliRunner()
    result = runner.invoke(main, ["plan", "-c", str(path), "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    account = json.loads(result.stdout)["accounts"][0]
    assert account["ignored"] == {"sip_line": 2}
    assert account["existing"]["sip_line"] == 2  # the safety rule counts what may be deleted
    assert [(c["kind"], c["key"], c["action"]) for c in account["changes"]] == [
        ("sip_line", "104", "delete"), ("forward", "78123232323#1", "create")]
    text = runner.invoke(main, ["plan", "-c", str(path)], env=env)
    assert "ignored (ignore rules): 2 sip_line" in text.stdout
    assert runner.invoke(main, ["apply", "-c", str(path), "--yes"], env=env).exit_code == 0
    assert [s["num"] for s in emulators.teleum.sips(EMAIL)] == ["101", "102", "103"]


def test_naming_an_ignored_sip_line_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "telconf.yaml", """\
        version: 1
        accounts:
          office:
            provider: teleum
            credentials: {email: a@example.com, password: "${P}"}
            ignore: {sip_lines: ["2*"]}
            sip_lines: {"101": {}, "201": {}}
        """)
    result = CliRunner().invoke(main, ["validate", "-c", str(path)])
    assert result.exit_code == 1
    assert (f"{path}:7:28: line 201 is also matched by ignore.sip_lines pattern '2*'; an item is either "
            "managed or ignored: remove one of them") in result.stderr


def beeline(tmp_path: Path, emulators: Emulators, body: str) -> tuple[Path, dict[str, str]]:
    emulators.beeline.add_account(LOGIN, PASSWORD, numbers=[B1])
    emulators.beeline.configure(pending_seconds=0)
    (tmp_path / "greeting.wav").write_bytes(make_wav(tone=3))
    path = write(tmp_path / "telconf.yaml", "version: 1\naccounts:\n  cc:\n    provider: beeline\n    url: ${TELCONF_VAR_URL}\n"
                                            '    credentials: {username: "${LOGIN}", password: "${PASSWORD}"}\n'
                                            + body)
    return path, {"TELCONF_VAR_URL": emulators.beeline_url, "LOGIN": LOGIN, "PASSWORD": PASSWORD}


def test_ignored_voice_files_and_blacklist_numbers_stay(emulators: Emulators, tmp_path: Path) -> None:
    path, env = beeline(tmp_path, emulators, """\
    ignore: {voice_files: ["ivr-*.wav"], blacklist_numbers: ["+7 900 *"]}
    voice_files: {greeting.wav: {path: greeting.wav}}
    numbers: {"+7 495 000-00-01": {premedia: {a: ivr-main.wav}}}
    blacklists:
      lists:
        "0": []
        "1": [{numbers: all, block: ["+7 911 000-00-01"]}]
""")
    emulators.beeline.add_voice_file(LOGIN, "ivr-main.wav", make_wav(tone=4))
    emulators.beeline.add_voice_file(LOGIN, "old.wav", make_wav(tone=5))
    emulators.beeline.add_blacklist(LOGIN, 0, B1, "79000000001")  # ignored: list 0 keeps it
    emulators.beeline.add_blacklist(LOGIN, 1, B1, "79000000002")  # ignored
    emulators.beeline.add_blacklist(LOGIN, 1, B1, "79120000000")  # not ignored: removed
    runner = CliRunner()
    result = runner.invoke(main, ["plan", "-c", str(path), "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    account = json.loads(result.stdout)["accounts"][0]
    assert account["ignored"] == {"blacklist": 2, "voice_file": 1}
    assert sorted((c["kind"], c["key"], c["action"]) for c in account["changes"]) == [
        ("blacklist", f"1:{B1}", "create"), ("blacklist", f"1:{B1}", "delete"),
        ("premedia", B1, "create"), ("voice_file", "greeting.wav", "create"), ("voice_file", "old.wav", "delete")]
    assert runner.invoke(main, ["apply", "-c", str(path), "--yes"], env=env).exit_code == 0
    state = emulators.beeline.account_state(LOGIN)
    assert sorted(state["files"]) == ["greeting.wav", "ivr-main.wav"]
    assert {k: v for k, v in state["blacklists"].items() if v} == {
        "0": {B1: ["79000000001"]}, "1": {B1: ["79000000002", "79110000001"]}}
    again = runner.invoke(main, ["plan", "-c", str(path), "--detailed-exitcode"], env=env)
    assert again.exit_code == 0, again.output


def test_naming_an_ignored_voice_file_or_a_number_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "ivr-main.wav").write_bytes(make_wav(tone=3))
    write(tmp_path / "spam.txt", "+7 911 000-00-01\n+7 900 000-00-05\n")
    path = write(tmp_path / "telconf.yaml", """\
        version: 1
        accounts:
          cc:
            provider: beeline
            credentials: {username: u, password: "${P}"}
            ignore: {voice_files: ["ivr-*.wav"], blacklist_numbers: ["7900*"]}
            voice_files: {ivr-main.wav: {path: ivr-main.wav}}
            numbers: {"+7 495 000-00-01": {}}
            blacklists:
              lists:
                "0": [{numbers: all, block: ["+7 900 000-00-01"], block_file: spam.txt}]
        """)
    result = CliRunner().invoke(main, ["validate", "-c", str(path)])
    assert result.exit_code == 1
    assert (f"{path}:7:19: 'ivr-main.wav' is also matched by ignore.voice_files pattern 'ivr-*.wav'"
            in result.stderr)
    assert f"{path}:11:38: '79000000001' is also matched by ignore.blacklist_numbers pattern '7900*'" in result.stderr
    assert f"{path}:11:71: '79000000005' (in {tmp_path / 'spam.txt'}) is also matched" in result.stderr
