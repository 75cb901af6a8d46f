"""Bad input and failed reads: a message naming the problem, exit 1, and nothing half written."""

from __future__ import annotations

import re

from pathlib import Path
from typing import Any

import pytest

from telconf.config import load
from telconf.core.errors import TransientError
from telconf.engine.conductor import Conductor
from telconf.core.wav import make_wav

from .helpers import LOGIN, Site


def test_unknown_account(site: Site, tmp_path: Path) -> None:
    result = site.cli("export", "-c", str(site.source), "--account", "nope", "-o", str(tmp_path / "x.yaml"))
    assert result.exit_code == 1
    assert "no account 'nope' in this file (accounts: spb-office, msk-callcenter)" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_missing_config_file(site: Site, tmp_path: Path) -> None:
    result = site.cli("export", "-c", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1
    assert "missing.yaml:1:1: config file not found" in result.stderr


def test_unset_credentials_variable(site: Site) -> None:
    site.env["BEELINE_PASSWORD"] = None  # type: ignore[assignment]  # CliRunner: unset it
    result = site.cli("export", "-c", str(site.source), "--account", "msk-callcenter")
    assert result.exit_code == 1
    assert "environment variable BEELINE_PASSWORD is not set" in result.stderr


def test_unreachable_server(site: Site, tmp_path: Path) -> None:
    site.env["TELCONF_VAR_BEELINE_URL"] = "http://127.0.0.1:9/api"  # the discard port: nothing listens there
    result = site.cli("export", "-c", str(site.source), "--account", "msk-callcenter", "-o", str(tmp_path / "x.yaml"))
    assert result.exit_code == 1
    assert "account msk-callcenter" in result.stderr and "ConnectionError" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_refused_credentials(site: Site) -> None:
    site.env["TELEUM_PASSWORD"] = "wrong-password"
    result = site.cli("export", "-c", str(site.source), "--account", "spb-office")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: teleum login: ")
    assert re.search(r"\(account spb-office, server 127\.0\.0\.1:\d+\)$", result.stderr.strip())
    assert "wrong-password" not in result.output


def test_one_failed_account_writes_nothing(site: Site, tmp_path: Path) -> None:
    """The Beeline account is read and its files staged; Teleum fails: no YAML, no files."""
    site.beeline.add_voice_file(LOGIN, "greeting.wav", make_wav())

    def factory(account: Any, **kwargs: Any) -> Any:
        provider = Conductor(config, **kwargs).make_provider(account)
        if account.provider == "teleum":
            def read() -> Any:
                raise TransientError("HTTP 503 after 5 attempts", provider="teleum", call="getSIPs")

            provider.read = read  # type: ignore[method-assign]
        return provider

    config = load(site.source, environ=site.env)
    out = tmp_path / "backup" / "telconf.yaml"
    with pytest.raises(TransientError, match=r"teleum getSIPs: HTTP 503 .*\(account spb-office, server 127\.0\.0\.1:\d+\)"):
        with Conductor(config, environ=site.env, provider_factory=factory) as conductor:
            conductor.export(out=out)
    assert not (tmp_path / "backup").exists()


def test_a_voice_file_name_with_a_path_is_refused(site: Site, tmp_path: Path) -> None:
    site.beeline.add_voice_file(LOGIN, "../escape.wav", make_wav())
    work = tmp_path / "work"
    work.mkdir()
    result = site.cli("export", "-c", str(site.source), "--account", "msk-callcenter", "-o", "out/telconf.yaml",
                      cwd=work)
    assert result.exit_code == 1
    assert "voice file name '../escape.wav' is not a plain file name" in result.stderr
    assert list(tmp_path.rglob("escape.wav")) == [] and not (work / "out").exists()
