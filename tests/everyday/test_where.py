"""Errors that say where: the account, the provider, the call and the server's host:port, for every
failing account at once (accounts are read in parallel; each one's error is kept)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from click.testing import CliRunner

from telconf.cli import main
from telconf.emulator import Emulators

from .conftest import EMAIL, PASSWORD, office_config


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()
    return port


def _beeline(name: str) -> str:
    return (f"  {name}:\n    provider: beeline\n    url: ${{TELCONF_VAR_BEELINE_URL}}\n"
            "    credentials: {username: cc-login, password: \"${BEELINE_PASSWORD}\"}\n")


def test_a_wrong_url_names_account_provider_call_and_host_port(tmp_path: Path) -> None:
    port = _closed_port()
    config = tmp_path / "telconf.yaml"
    config.write_text("version: 1\naccounts:\n" + office_config(tmp_path))
    env = {"TELCONF_VAR_URL": f"http://127.0.0.1:{port}/api/v3/", "EMAIL": EMAIL, "PASSWORD": PASSWORD}
    result = CliRunner().invoke(main, ["plan", "-c", str(config)], env=env)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: teleum login: ConnectionError talking to the server "
                             f"(account office, server 127.0.0.1:{port})\n")


def test_tls_to_a_plain_http_server_says_where(emulators: Emulators, tmp_path: Path) -> None:
    emulators.teleum.add_account(EMAIL, PASSWORD)
    port = int(emulators.teleum_url.split(":")[2].split("/")[0])
    config = tmp_path / "telconf.yaml"
    config.write_text("version: 1\naccounts:\n" + office_config(tmp_path))
    env = {"TELCONF_VAR_URL": f"https://127.0.0.1:{port}/api/v3/", "EMAIL": EMAIL, "PASSWORD": PASSWORD}
    result = CliRunner().invoke(main, ["plan", "-c", str(config)], env=env)
    assert result.exit_code == 1
    assert re.fullmatch(rf"Error: teleum login: TLS: .* \(account office, server 127\.0\.0\.1:{port}\)\n",
                        result.stderr), result.stderr


def test_every_failing_account_is_reported_not_only_the_first(emulators: Emulators, tmp_path: Path) -> None:
    emulators.teleum.add_account(EMAIL, PASSWORD)
    emulators.beeline.add_account("cc-login", "right-password")
    config = tmp_path / "telconf.yaml"
    config.write_text("version: 1\naccounts:\n" + office_config(tmp_path) + _beeline("callcenter")
                      + office_config(tmp_path, name="fine"))
    teleum = emulators.teleum_url.split("/")[2]
    beeline = emulators.beeline_url.split("/")[2]
    env = {"TELCONF_VAR_URL": emulators.teleum_url, "EMAIL": EMAIL, "PASSWORD": "wrong", "TELCONF_VAR_BEELINE_URL": emulators.beeline_url,
           "BEELINE_PASSWORD": "wrong-too"}
    for command in (["plan"], ["export"], ["apply", "--yes"]):
        result = CliRunner().invoke(main, [*command, "-c", str(config), "--account", "office",
                                           "--account", "callcenter"], env=env)
        assert result.exit_code == 1, command
        lines = result.stderr.splitlines()
        assert lines[0] == "Error: 2 accounts failed:", result.stderr
        assert re.fullmatch(rf"  teleum login: .* \(account office, server {re.escape(teleum)}\)", lines[1]), lines
        assert re.fullmatch(rf"  beeline \w+: .*\[401\.1\] \(account callcenter, server {re.escape(beeline)}\)",
                            lines[2]), lines
        assert len(lines) == 3


def test_one_failing_account_of_several_is_named(emulators: Emulators, tmp_path: Path) -> None:
    emulators.teleum.add_account(EMAIL, PASSWORD)
    emulators.beeline.add_account("cc-login", "right-password")
    config = tmp_path / "telconf.yaml"
    config.write_text("version: 1\naccounts:\n" + office_config(tmp_path) + _beeline("callcenter"))
    env = {"TELCONF_VAR_URL": emulators.teleum_url, "EMAIL": EMAIL, "PASSWORD": PASSWORD, "TELCONF_VAR_BEELINE_URL": emulators.beeline_url,
           "BEELINE_PASSWORD": "wrong"}
    result = CliRunner().invoke(main, ["plan", "-c", str(config)], env=env)
    assert result.exit_code == 1
    assert re.fullmatch(r"Error: beeline \w+: .*\[401\.1\] \(account callcenter, server 127\.0\.0\.1:\d+\)\n",
                        result.stderr), result.stderr
