"""``telconf validate``: schema and semantic checks of config files, offline."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.core import ParameterSource

from telconf.cli.common import EXIT_ERROR, config_option, handles_errors, network_options
from telconf.config import errors_of, warnings_of
from telconf.config.loader import check


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@config_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--modeline", is_flag=True,
              help="Also give each file the editor modeline (first line) and write the schema it points "
                   "at beside it (telconf.schema.json), so yaml-language-server finds it offline.")
@network_options
@handles_errors
def validate(files: tuple[Path, ...], config_path: Path, strict: bool, modeline: bool) -> None:
    """Check config files offline: the JSON Schema, then the semantic checks.

    FILES are checked one after the other (as pre-commit passes them); without FILES,
    the file of -c (default ./telconf.yaml). Needs no network and no secrets
    (`${NAME}` variables may be unset). Every problem is printed on stderr as
    FILE:LINE:COL: message; the exit code is 1 when any file has an error (or, with
    --strict, a warning).

    \b
    Example:
        telconf validate -c examples/both.yaml
        telconf validate --strict          # ./telconf.yaml, warnings fail too
        telconf validate accounts/*.yaml   # several files
    """
    explicit = click.get_current_context().get_parameter_source("config_path") is not ParameterSource.DEFAULT
    paths = list(dict.fromkeys([*files, *([config_path] if explicit or not files else [])]))
    failed = sum(not _validate_one(path, strict, modeline) for path in paths)
    if failed:
        if len(paths) > 1:
            click.echo(f"{failed} of {len(paths)} files failed", err=True)
        sys.exit(EXIT_ERROR)


def _validate_one(path: Path, strict: bool, modeline: bool) -> bool:
    """Check one file and print its diagnostics; True when it passes."""
    diagnostics, _, names = check(path)
    errors, warnings = errors_of(diagnostics), warnings_of(diagnostics)
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)
    if errors:
        click.echo(f"{len(errors)} error{'s' if len(errors) != 1 else ''}", err=True)
        return False
    if strict and warnings:
        count = len(warnings)
        click.echo(f"{count} warning{'s' if count != 1 else ''} (--strict)", err=True)
        return False
    if modeline:
        from telconf.modeline import write_modeline

        if write_modeline(path):
            click.echo(f"{path}: modeline written", err=True)
    count = len(names)
    click.echo(f"{path}: valid ({count} account{'s' if count != 1 else ''})")
    return True
