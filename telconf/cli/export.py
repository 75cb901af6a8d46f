"""``telconf export``: write the live state of the accounts as a config file."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from telconf.output.export import ExportResult

from telconf.cli.common import (
    account_option,
    config_option,
    handles_errors,
    network_options,
    parallelism_option,
    setup_logging,
    verbose_option,
)


@click.command("export")
@config_option
@account_option
@click.option("-o", "--out", "out", type=click.Path(), metavar="OUT",
              help="Write the YAML to this file (a directory: OUT/telconf.yaml); default stdout.")
@click.option("--templates", is_flag=True,
              help="Write number settings shared by 2+ numbers (a whole list of settings, say) once, as templates.")
@parallelism_option
@verbose_option
@network_options
@handles_errors
def export(config_path: Path, accounts: tuple[str, ...], out: str | None, templates: bool, parallelism: int,
           verbose: bool) -> None:
    """Read the live accounts and write them as a telconf config file: a backup that
    `telconf apply` can restore to the same or a fresh account.

    Only the connection details (provider, url, credentials) of the accounts are
    taken from the config. Files the accounts refer to (recordings, long lists) go
    beside the output file (beside the current directory when writing to stdout); with
    several accounts, under one directory per account. Credentials keep the config's
    ${...} placeholders, and secrets an API cannot read back (its provider names them
    in the file's header) become ${...} placeholders too: the variables to set before
    applying are listed on stderr. The output is deterministic: exporting an
    unchanged account again gives byte-identical files.

    \b
    Examples:
        telconf export -c telconf.yaml -o backup/telconf.yaml
        telconf export --account spb-office > spb-office.yaml
        telconf export --templates -o backup/   # shared settings written once
        # restore (the numbers must be connected to the account first):
        telconf plan -c backup/telconf.yaml && telconf apply -c backup/telconf.yaml
    """
    from telconf.cli.plan import load_config
    from telconf.engine.conductor import Conductor
    from telconf.output.export import output_path

    setup_logging(verbose)
    config = load_config(config_path, accounts)
    target = output_path(out) if out is not None else None
    from telconf.cli.terminal import ReadProgress

    with Conductor(config, accounts=accounts, parallelism=parallelism) as conductor:
        progress = ReadProgress(len(conductor.selected))
        try:
            result = conductor.export(out=target, templates=templates, on_read=progress.account_done)
        finally:
            progress.finish()
    if target is None:
        click.echo(result.text, nl=False)
    click.echo(written_summary(result, target), err=True)
    if result.variables:
        click.echo("Set these before applying: " + ", ".join(result.variables), err=True)


def written_summary(result: ExportResult, target: Path | None) -> str:
    """``Exported 1 account to backup/telconf.yaml; wrote 3 files under backup: telconf.yaml, ...``.

    Every file the export wrote is counted: the YAML, the schema copy its modeline points
    at, the voice files and block files (a count that leaves some out misleads a backup).
    """
    from telconf.output.modeline import SCHEMA_COPY

    names = ([target.name] if target is not None else []) + [SCHEMA_COPY, *result.files]
    noun = "account" if len(result.accounts) == 1 else "accounts"
    where = f"to {target}" if target is not None else "to stdout"
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return (f"Exported {len(result.accounts)} {noun} {where}; wrote {len(names)} file{'s' if len(names) != 1 else ''} "
            f"under {result.base_dir}: {shown}.")
