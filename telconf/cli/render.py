"""``telconf render``: the config after includes and templates, as one YAML file."""

from __future__ import annotations

from pathlib import Path

import click

from telconf.cli.common import config_option, handles_errors
from telconf.config.flatten import render as render_config


@click.command("render")
@config_option
@handles_errors
def render(config_path: Path) -> None:
    """Print the config as telconf understands it: includes merged, templates expanded.

    The output is a config file of its own (one file, no templates) that plans exactly
    like the original; `${NAME}` values stay as written, so no secret is read or shown.
    Review what a template change does to every number by diffing two renders.

    \b
    Example:
        telconf render -c telconf.yaml > flat.yaml
        telconf render -c examples/callcenter/telconf.yaml | less
    """
    click.echo(render_config(config_path), nl=False)
