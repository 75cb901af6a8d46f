"""``telconf render``: the config after includes and templates, as one YAML file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from telconf.cli.common import at_option, config_option, handles_errors
from telconf.config.flatten import render as render_config


@click.command("render")
@config_option
@at_option
@handles_errors
def render(config_path: Path, at: datetime | None) -> None:
    """Print the config as telconf understands it: includes merged, templates expanded.

    The output is a config file of its own (one file, no templates) that plans exactly
    like the original; `${NAME}` values stay as written, so no secret is read or shown.
    Review what a template change does to every number by diffing two renders.
    With --at, each number's overrides are folded in as of that moment: the file is
    what telconf would apply then (diff two moments to see what a date changes).

    \b
    Example:
        telconf render -c telconf.yaml > flat.yaml
        telconf render -c examples/callcenter/telconf.yaml | less
        telconf render --at 2026-12-31T20:00 > new-year-eve.yaml
    """
    if at is None:
        click.echo(render_config(config_path), nl=False)
        return
    from functools import partial

    from telconf.dates.flat import fold

    note = f", overrides folded in as of {at.isoformat(timespec='minutes')}"
    click.echo(render_config(config_path, partial(fold, at=at), note), nl=False)
