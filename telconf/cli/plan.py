"""``telconf plan``: read the live accounts and show what would change.

Also home of what ``apply`` and ``demo`` share with it: loading the config, making
the plan, showing it.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from telconf.cli.common import (
    EXIT_CHANGES,
    EXIT_OK,
    account_option,
    config_option,
    handles_errors,
    network_options,
    parallelism_option,
    setup_logging,
    verbose_option,
)
from telconf.model import Config
from telconf.plan import safety
from telconf.plan import saved as saved_plans
from telconf.plan.data import Plan
from telconf.plan.planner import close_all, make_plan
from telconf.plan.render import renderer
from telconf.providers.base import PlanOptions, Provider


class ExitOneOnUsageError(click.Command):
    """A bad option exits 1, not click's 2: for `plan --detailed-exitcode`, 2 means changes."""

    def make_context(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            exc.exit_code = 1
            raise


def rotate_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--rotate-sip-passwords", "rotate", is_flag=True,
        help="Also set the password of every managed SIP line (from the config's secrets).",
    )(func)


def load_config(path: Path, accounts: Sequence[str]) -> Config:
    """The config of the selected accounts; its warnings go to stderr."""
    from telconf.config import load

    config = load(path, accounts or None)
    for warning in config.warnings:
        click.echo(str(warning), err=True)
    return config


def compute(config: Config, accounts: Sequence[str], options: PlanOptions,
            parallelism: int) -> tuple[Plan, dict[str, Provider]]:
    """Read the live accounts and plan; the caller closes the providers."""
    return make_plan(config, accounts=list(accounts) or None, options=options, parallelism=parallelism)


def safety_settings(config: Config) -> dict[str, safety.Safety]:
    return {name: account.safety for name, account in config.accounts.items()}


def use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def show(plan: Plan, fmt: str = "text") -> None:
    """Print the plan on stdout in ``fmt``."""
    out = io.StringIO()
    renderer(fmt, color=fmt == "text" and use_colour()).run(plan, out)
    click.echo(out.getvalue(), nl=False, color=use_colour())


@click.command("plan", cls=ExitOneOnUsageError)
@config_option
@account_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text for terminals, markdown for pull requests, json for tools.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also save the plan, for `telconf apply FILE`.")
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 2 when there are changes, 0 when none (1 is always an error).")
@rotate_option
@parallelism_option
@verbose_option
@network_options
@handles_errors
def plan(config_path: Path, accounts: tuple[str, ...], fmt: str, out: Path | None,
         detailed_exitcode: bool, rotate: bool, parallelism: int, verbose: bool) -> None:
    """Read the live state of the accounts and show the changes and API calls that
    would make them match the config file. Changes nothing.

    The plan goes to stdout; warnings and notes to stderr. With --out the plan is
    also saved, with a fingerprint of the live state it was made from: `telconf
    apply FILE` applies exactly that plan, or nothing if anything changed since.

    \b
    Examples:
        telconf plan
        telconf plan -c telconf.yaml --account spb-office --format markdown > plan.md
        telconf plan --out plan.json && telconf apply plan.json
        telconf plan --detailed-exitcode    # CI drift check: 0 in sync, 2 drift, 1 error
    """
    setup_logging(verbose)
    options = PlanOptions(rotate_sip_passwords=rotate)
    config = load_config(config_path, accounts)
    the_plan, providers = compute(config, accounts, options, parallelism)
    close_all(providers)
    show(the_plan, fmt)
    found = safety.violations(the_plan, safety_settings(config))
    if found:
        click.echo("warning: apply will refuse this plan without --force (mass-delete safety rule):", err=True)
        for violation in found:
            click.echo(f"  {violation}", err=True)
    if out is not None:
        saved_plans.write(out, saved_plans.make_saved(the_plan, config, accounts=list(accounts), options=options))
        click.echo(f"Saved the plan to {out}; apply it with: telconf apply {out}"
                   + (f" -c {config_path}" if str(config_path) != "telconf.yaml" else ""), err=True)
    sys.exit(EXIT_CHANGES if detailed_exitcode and the_plan.has_changes else EXIT_OK)
