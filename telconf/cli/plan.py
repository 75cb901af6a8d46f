"""``telconf plan``: read the live accounts and show what would change.

Also home of what ``apply`` and ``demo`` share with it: loading the config, making
the plan, showing it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import click

from telconf.cli.common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    F,
    account_option,
    at_option,
    config_option,
    format_option,
    handles_errors,
    network_options,
    parallelism_option,
    setup_logging,
    verbose_option,
)
from telconf.cli.output import show_plan
from telconf.cli.terminal import ReadProgress, color_option, is_terminal
from telconf.engine.conductor import Conductor
from telconf.core.model import Config, Safety
from telconf.plan import safety
from telconf.plan import saved as saved_plans
from telconf.plan.data import Plan
from telconf.plan.data import PlanOptions


class ExitOneOnUsageError(click.Command):
    """A bad option exits 1, not click's 2: for `plan --detailed-exitcode`, 2 means changes."""

    def make_context(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            exc.exit_code = 1  # type: ignore[misc]  # click types it a class variable; this error's own code
            raise


def rotate_option(func: F) -> F:
    """``--rotate-secrets``, and its former name ``--rotate-sip-passwords`` (hidden, still accepted)."""
    def alias(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        ctx.meta["telconf.rotate"] = ctx.meta.get("telconf.rotate", False) or value

    def either(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
        # Parameters given on the command line are processed first, in their order: the alias,
        # when given, has been seen before this one is read (given or not).
        return value or bool(ctx.meta.get("telconf.rotate", False))

    func = click.option("--rotate-secrets", "rotate", is_flag=True, callback=either,
                        help="Also set every write-only secret the config gives, which an API cannot read back "
                             "to compare (each provider says which: a line's password, say).")(func)
    return click.option("--rotate-sip-passwords", "rotate_alias", is_flag=True, hidden=True, expose_value=False,
                        callback=alias, help="The former name of --rotate-secrets.")(func)


def load_config(path: Path, accounts: Sequence[str], environ: Mapping[str, str] | None = None, *,
                connecting: bool = True) -> Config:
    """The config of the selected accounts; its warnings go to stderr.

    ``connecting``: the command will send credentials (every host must be trusted); a
    snapshot plan sends nothing.
    """
    from telconf.config import load

    config = load(path, accounts or None, environ, connecting=connecting)
    for warning in config.warnings:
        click.echo(str(warning), err=True)
    return config


def fail_on_warnings(config: Config, strict: bool) -> None:
    """``--strict``: a config with warnings (already printed) stops the command with exit 1."""
    if strict and config.warnings:
        count = len(config.warnings)
        click.echo(f"{count} warning{'s' if count != 1 else ''} (--strict)", err=True)
        sys.exit(EXIT_ERROR)


def safety_settings(config: Config) -> dict[str, Safety]:
    return {name: account.safety for name, account in config.accounts.items()}


def with_context(plan: Plan, config: Config, violations: Sequence[safety.Violation],
                 snapshot: Mapping[str, object] | None = None, moment: Mapping[str, Any] | None = None) -> Plan:
    """The plan knowing its config, warnings, snapshot and moment (shown by every format)."""
    from dataclasses import replace

    from telconf.config.loader import read
    from telconf.plan.context import PlanContext

    return replace(plan, context=PlanContext(config=str(config.path), diagnostics=config.warnings,
                                             violations=list(violations), snapshot=snapshot, moment=moment,
                                             read=lambda file: read(Path(file))))


class AsOf(NamedTuple):
    """The config as of a moment, what a plan records of that moment, and the numbers a date
    switch changes (their deletes are not counted by the mass-delete rule)."""

    config: Config
    moment: dict[str, Any]
    scheduled: dict[str, set[str]]


def as_of(config: Config, at: datetime | None) -> AsOf:
    """The config as of ``at`` (``--at``; None: now); see ``AsOf``."""
    from telconf.dates import resolve

    moment = resolve.parse_at(None) if at is None else at
    return AsOf(resolve.config_at(config, moment), resolve.moment_data(config, moment, given=at is not None),
                resolve.switched_numbers(config, moment))


def read_and_plan(conductor: Conductor, options: PlanOptions) -> Plan:
    """The conductor's plan, with read progress on a terminal (stderr)."""
    progress = ReadProgress(len(conductor.selected))
    try:
        return conductor.plan(options, on_read=progress.account_done)
    finally:
        progress.finish()


def show(plan: Plan | dict[str, Any], fmt: str = "text", full_plan: str | None = None) -> None:
    """Print the plan (or a saved plan's data) on stdout in ``fmt``."""
    show_plan(plan, fmt, full_plan)


@click.command("plan", cls=ExitOneOnUsageError)
@config_option
@account_option
@format_option(["text", "json", "markdown"])
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also save the plan (telconf's saved-plan file: the plan, the live state's fingerprints "
                   "and the config's hash), for `telconf apply FILE` and `telconf show FILE`.")
@click.option("--snapshot", "snapshot", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              metavar="EXPORT",
              help="Plan against the live state recorded in this `telconf export` file: no credentials, "
                   "no connection. Such a plan cannot be applied.")
@click.option("--full-plan-link", "full_plan", metavar="URL",
              help="Markdown: where the whole plan is (e.g. the CI artifact), named when the plan is shortened.")
@click.option("--strict", is_flag=True,
              help="Fail (exit 1) before reading any account when the config has warnings (routing checks "
                   "included), as `validate --strict` does.")
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 2 when there are changes, 0 when none (1 is always an error).")
@rotate_option
@at_option
@parallelism_option
@verbose_option
@color_option()
@network_options
@handles_errors
def plan(config_path: Path, accounts: tuple[str, ...], fmt: str, out: Path | None, snapshot: Path | None,
         full_plan: str | None, strict: bool, detailed_exitcode: bool, rotate: bool, at: datetime | None,
         parallelism: int, verbose: bool) -> None:
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
        telconf plan --snapshot backup/telconf.yaml --format markdown   # fork PRs: offline
        telconf plan --at 2026-12-31T20:00  # as of a moment: the overrides active then
    """
    setup_logging(verbose)
    options = PlanOptions(rotate_secrets=rotate)
    recorded: dict[str, object] | None = None
    conductor = None
    if snapshot is not None:
        from telconf.plan.context import describe_snapshot as describe
        from telconf.config.environ import loading_environ
        from telconf.engine.snapshot import plan_against_snapshot

        config, moment, scheduled = as_of(load_config(config_path, accounts, loading_environ(), connecting=False),
                                          at)
        fail_on_warnings(config, strict)
        the_plan, info = plan_against_snapshot(config, snapshot, accounts=accounts or None, options=options,
                                               parallelism=parallelism)
        recorded = info.to_data()
        if not (fmt in ("text", "markdown") and is_terminal(sys.stdout)):  # else the plan itself says it
            click.echo(f"note: {describe(recorded)}", err=True)
    else:
        config, moment, scheduled = as_of(load_config(config_path, accounts), at)
        fail_on_warnings(config, strict)
        with Conductor(config, accounts=accounts, parallelism=parallelism) as conductor:
            the_plan = read_and_plan(conductor, options)
    found = safety.violations(the_plan, safety_settings(config), scheduled)
    the_plan = with_context(the_plan, config, found, recorded, moment)
    show(the_plan, fmt, full_plan)
    if found:
        click.echo("warning: apply will refuse this plan without --force (mass-delete safety rule):", err=True)
        for violation in found:
            click.echo(f"  {violation}", err=True)
    if out is not None:
        saved = conductor.save(the_plan, accounts=list(accounts), options=options) if conductor is not None \
            else saved_plans.make_saved(the_plan, config, accounts=list(accounts), options=options, snapshot=recorded)
        saved_plans.write(out, saved)
        if recorded is not None:
            click.echo(f"Saved the plan to {out} (for review only: a snapshot plan cannot be applied).", err=True)
        else:
            click.echo(f"Saved the plan to {out}; apply it with: telconf apply {out}"
                       + (f" -c {config_path}" if str(config_path) != "telconf.yaml" else ""), err=True)
    sys.exit(EXIT_CHANGES if detailed_exitcode and the_plan.has_changes else EXIT_OK)
