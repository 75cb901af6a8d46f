"""The package installs a working ``telconf`` command."""

from __future__ import annotations

from click.testing import CliRunner

from telconf import __version__
from telconf.cli import main


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "plan", "apply", "export", "emulator", "demo"):
        assert command in result.output
