"""``telconf show PLANFILE``: render a saved plan, offline.

A CI job plans once (``plan --out plan.json``: one read of the live accounts) and shows
that same plan as Markdown for the review and as JSON for the policy gate. Rendering
reads only the file: no config, no credentials, no network.
"""

from __future__ import annotations

from pathlib import Path

import click

from telconf.cli.common import format_option, handles_errors
from telconf.cli.terminal import color_option


@click.command("show")
@click.argument("planfile", type=click.Path(dir_okay=False, path_type=Path))
@format_option(["text", "json", "markdown"])
@click.option("--full-plan-link", "full_plan", metavar="URL",
              help="Markdown: where the whole plan is (e.g. the CI artifact), named when the plan is shortened.")
@color_option()
@handles_errors
def show(planfile: Path, fmt: str, full_plan: str | None) -> None:
    """Show a plan saved by `telconf plan --out FILE`, in any format, without reading
    the accounts again.

    The file is telconf's saved-plan format (the plan plus what `apply FILE` checks:
    fingerprints of the live state, a hash of the config); `--format json` prints its
    plan as `telconf plan --format json` would have (valid against `telconf schema
    --plan`). Needs no config, credentials or network.

    \b
    Examples:
        telconf plan --out plan.json --format markdown > plan.md
        telconf show plan.json --format json > plan-for-policy.json
        telconf show plan.json -f markdown --full-plan-link "$RUN_URL"
    """
    from telconf.cli.output import show_plan
    from telconf.plan import saved as saved_plans

    saved = saved_plans.read(planfile)
    if saved.applied and fmt == "text":
        click.echo(f"note: {planfile} was applied at {saved.applied_at}", err=True)
    show_plan(saved.plan, fmt, full_plan)
