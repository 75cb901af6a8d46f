"""``telconf validate``: schema and semantic checks of config files, offline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from telconf.cli.annotations import VALIDATE_FORMATS, FileResult, as_json, github, gitlab, unique
from telconf.cli.common import EXIT_ERROR, config_option, format_option, handles_errors


def _deprecated_network_option(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value not in (None, ()):
        click.echo(f"warning: validate {param.opts[0]} is deprecated and does nothing: validate uses no network",
                   err=True)
    return value


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@config_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@format_option(VALIDATE_FORMATS,
               help="text for people; json for scripts; github: workflow commands (annotations on the line "
                    "of the pull request); gitlab: a code quality report (JSON), for artifacts:reports:codequality.")
@click.option("--hook", is_flag=True,
              help="FILES are what a pre-commit hook passes (any changed YAML): files that are not telconf's "
                   "are skipped, and an included file is checked through the configs that include it.")
@click.option("--modeline", is_flag=True,
              help="Also give each file the editor modeline (first line) and write the schema it points "
                   "at beside it (telconf.schema.json), so yaml-language-server finds it offline; invalid "
                   "files too, where an editor's help is most wanted.")
@click.option("--timeout", hidden=True, expose_value=False, callback=_deprecated_network_option)
@click.option("--allow-host", hidden=True, multiple=True, expose_value=False, callback=_deprecated_network_option)
@handles_errors
def validate(files: tuple[Path, ...], config_path: Path, strict: bool, fmt: str, hook: bool, modeline: bool) -> None:
    """Check config files offline: the JSON Schema, then the semantic checks.

    FILES are checked one after the other (as pre-commit passes them); without FILES,
    the file of -c (default ./telconf.yaml). A file that another config includes
    (accounts/*.yaml, templates.yaml) is checked through that config: its errors often
    show only there. Needs no network and no secrets (`${NAME}` variables may be
    unset). Every problem is printed on stderr as FILE:LINE:COL: message (or in the
    --format CI systems read); the exit code is 1 when any file has an error (or, with
    --strict, a warning).

    \b
    Examples:
        telconf validate -c examples/both.yaml
        telconf validate --strict          # ./telconf.yaml, warnings fail too
        telconf validate accounts/*.yaml   # several files (each through its config)
        telconf validate -f github         # GitHub annotations on the pull request's lines
        telconf validate -f gitlab > gl-code-quality-report.json
    """
    from telconf.config.includers import includers, is_root_config, is_telconf_file

    explicit = click.get_current_context().get_parameter_source("config_path") is not ParameterSource.DEFAULT
    given = list(dict.fromkeys([*files, *([config_path] if explicit or not files else [])]))
    targets: dict[Path, list[Path]] = {}
    known: dict[Path, set[Path]] = {}  # each config's files, read once for all the files given
    for path in given:
        exists = path.is_file()
        if hook and (not exists or not is_telconf_file(path)):
            continue  # a workflow, a compose file, a deleted file: not telconf's business
        if modeline and exists:
            _write_modeline(path)
        parts_of = includers(path, Path.cwd(), known) if exists and not is_root_config(path) else []
        for config in parts_of or [path]:
            targets.setdefault(config, [])
            if parts_of:
                targets[config].append(path)
    results = [_check_one(path, strict, parts) for path, parts in targets.items()]
    _report(results, fmt, strict)
    failed = sum(not r.valid for r in results)
    if failed:
        if len(results) > 1 and fmt == "text":
            click.echo(f"{failed} of {len(results)} files failed", err=True)
        sys.exit(EXIT_ERROR)


def _write_modeline(path: Path) -> None:
    from telconf.output.modeline import write_modeline

    try:
        changed = write_modeline(path)
    except (OSError, UnicodeDecodeError):  # the check says what is wrong with such a file
        return
    if changed:
        click.echo(f"{path}: modeline written", err=True)


def _check_one(path: Path, strict: bool, parts: list[Path]) -> FileResult:
    """Check one config file; valid when it has no error (and, with --strict, no warning)."""
    from telconf.config import errors_of, warnings_of
    from telconf.config.loader import check

    diagnostics, _, names = check(path)
    failing = errors_of(diagnostics) or (strict and warnings_of(diagnostics))
    return FileResult(str(path), not failing, names if not failing else (), diagnostics, [str(p) for p in parts])


def _report(results: list[FileResult], fmt: str, strict: bool) -> None:
    if fmt == "json":
        click.echo(as_json(results), nl=False)
        return
    if fmt in ("github", "gitlab"):
        diagnostics = unique(r.diagnostics for r in results)
        click.echo((github if fmt == "github" else gitlab)(diagnostics), nl=False)
        for result in results:  # a short human line each in the log, on stderr
            click.echo(f"{result.file}: {'valid' if result.valid else 'failed'}", err=True)
        return
    for result in results:
        for part in result.checked_through:
            click.echo(f"{part}: included by {result.file}: checked as part of it", err=True)
        for diagnostic in result.diagnostics:
            click.echo(str(diagnostic), err=True)
        errors = [d for d in result.diagnostics if d.severity == "error"]
        warnings = [d for d in result.diagnostics if d.severity == "warning"]
        if errors:
            click.echo(f"{len(errors)} error{'s' if len(errors) != 1 else ''}", err=True)
        elif strict and warnings:
            click.echo(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} (--strict)", err=True)
        else:
            count = len(result.accounts)
            click.echo(f"{result.file}: valid ({count} account{'s' if count != 1 else ''})")
