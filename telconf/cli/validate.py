"""``telconf validate``: schema and semantic checks of a config file, offline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from telconf.cli.common import EXIT_ERROR, config_option, handles_errors, network_options
from telconf.config import errors_of, warnings_of
from telconf.config.loader import check
from telconf.errors import ConfigError


@click.command("validate")
@config_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@network_options
@handles_errors
def validate(config_path: Path, strict: bool) -> None:
    """Check a config file offline: the JSON Schema, then the semantic checks.

    Needs no network and no secrets (`${NAME}` variables may be unset). Every problem
    of the file is printed on stderr as FILE:LINE:COL: message; the exit code is 1
    when there is an error (or, with --strict, a warning).

    \b
    Example:
        telconf validate -c examples/teleum-office.yaml
        telconf validate --strict          # ./telconf.yaml, warnings fail too
    """
    diagnostics, _, names = check(config_path)
    errors, warnings = errors_of(diagnostics), warnings_of(diagnostics)
    if errors:
        raise ConfigError(diagnostics)  # printed with the error count by handles_errors
    for warning in warnings:
        click.echo(str(warning), err=True)
    if strict and warnings:
        count = len(warnings)
        click.echo(f"{count} warning{'s' if count != 1 else ''} (--strict)", err=True)
        sys.exit(EXIT_ERROR)
    count = len(names)
    click.echo(f"{config_path}: valid ({count} account{'s' if count != 1 else ''})")

