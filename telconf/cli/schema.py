"""``telconf schema``: print a JSON Schema of telconf, for editors and validators."""

from __future__ import annotations

from pathlib import Path

import click

from telconf.cli.common import handles_errors


@click.command("schema")
@click.option("--plan", "which", flag_value="plan", help="The schema of `telconf plan --format json` (and `telconf show FILE --format json`).")
@click.option("--report", "which", flag_value="report", help="The schema of `telconf apply --report`.")
@click.option("--routes", "which", flag_value="routes", help="The schema of `telconf routes --format json`.")
@click.option("--tests", "which", flag_value="tests", help="The schema of a route test file (telconf.tests.yaml).")
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write it to FILE instead of stdout.")
@handles_errors
def schema(which: str | None, out: Path | None) -> None:
    """Print the JSON Schema of the config file (default), of the JSON plan (--plan), of
    the apply report (--report), of the JSON routes (--routes) or of a route test file
    (--tests): the same files as in the repository's schemas/.

    Their `$id`s (https://telconf.invalid/schemas/NAME.schema.json) are identifiers,
    not addresses: point an editor at a copy (`telconf validate --modeline` writes one
    beside the config) or at this command's output.

    \b
    Examples:
        telconf schema > telconf.schema.json
        telconf schema --plan -o plan.schema.json
        telconf plan --format json > plan.json     # or: telconf show saved.json -f json
        check-jsonschema --schemafile plan.schema.json plan.json
    """
    from telconf.output.modeline import schema_text

    text = schema_text(which or "telconf")
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}", err=True)
