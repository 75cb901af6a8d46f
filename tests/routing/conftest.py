"""Helpers of the routing tests: configs written from short YAML, the CLI run in-process."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from telconf.cli import main
from telconf.config import load
from telconf.config.environ import AnyVariable
from telconf.core.model import Account

SECRETS = ("TELEUM_EMAIL", "TELEUM_PASSWORD", "BEELINE_LOGIN", "BEELINE_PASSWORD", "SIP_101_PASSWORD",
           "SIP_102_PASSWORD", "TELEUM_URL", "BEELINE_URL")


def teleum(numbers: str, *, extra: str = "") -> str:
    """A Teleum account ``office`` with lines 101 and 102 and the ``numbers:`` block given."""
    return textwrap.dedent("""\
        version: 1
        accounts:
          office:
            provider: teleum
            credentials: {email: "${TELEUM_EMAIL}", password: "${TELEUM_PASSWORD}"}
            sip_lines:
              "101": {password: "${SIP_101_PASSWORD}"}
              "102": {password: "${SIP_102_PASSWORD}"}
        """) + textwrap.indent(textwrap.dedent(extra), "    ") + "    numbers:\n" \
        + textwrap.indent(textwrap.dedent(numbers), "      ")


def beeline(numbers: str, *, blacklists: str = "", extra: str = "") -> str:
    """A Beeline account ``hotline`` with the ``numbers:`` (and ``blacklists:``) blocks given."""
    text = textwrap.dedent("""\
        version: 1
        accounts:
          hotline:
            provider: beeline
            credentials: {username: "${BEELINE_LOGIN}", password: "${BEELINE_PASSWORD}"}
        """) + textwrap.indent(textwrap.dedent(extra), "    ") + "    numbers:\n" \
        + textwrap.indent(textwrap.dedent(numbers), "      ")
    if blacklists:
        text += "    blacklists:\n" + textwrap.indent(textwrap.dedent(blacklists), "      ")
    return text


def account(tmp_path: Path, text: str, name: str = "telconf.yaml") -> Account:
    """The only account of the config ``text`` (written to ``tmp_path/name``), loaded without secrets."""
    path = tmp_path / name
    path.write_text(text)
    config = load(path, environ=AnyVariable())
    (only,) = config.accounts.values()
    return only


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI in-process with no secret in the environment."""
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)
