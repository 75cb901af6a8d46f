"""Printing a plan: what ``plan``, ``apply``, ``demo`` and ``show`` share.

Its own module, light on imports: ``telconf show`` prints a saved plan offline and
must not load the conductor, the providers or an HTTP client to do it.
"""

from __future__ import annotations

import io
from typing import Any

import click

from telconf.cli.terminal import use_colour
from telconf.plan.renderers import renderer


def show_plan(plan: Any, fmt: str = "text", full_plan: str | None = None) -> None:
    """Print the plan (a ``Plan``, or a saved plan's data) on stdout in ``fmt``."""
    out = io.StringIO()
    colour = use_colour()
    renderer(fmt, color=fmt == "text" and colour, full_plan=full_plan).run(plan, out)
    click.echo(out.getvalue(), nl=False, color=colour)
