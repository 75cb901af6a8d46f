"""``telconf routes``: what a call to each number gets, over the week or at a moment.

Offline from the config by default: no credentials, no network, no HTTP client
imported. ``--live`` reads the accounts and ``--snapshot`` an export file, with the
config applied on top (the state after an apply).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from telconf.cli.common import EXIT_ERROR, account_option, config_option, handles_errors, network_options
from telconf.core.model import Account, Config


@click.command("routes")
@click.argument("numbers", nargs=-1)
@config_option
@account_option
@click.option("--at", "at", metavar="WHEN",
              help="One moment: 'mon 10:00' (the account's local time) or an ISO date-time "
                   "('2026-12-07T10:00+03:00', converted to the account's timezone).")
@click.option("--caller", metavar="NUMBER", help="The calling number (for blocked callers): with or without --at.")
@click.option("--live", is_flag=True, help="Start from the live accounts (needs credentials), the config on top.")
@click.option("--snapshot", "snapshot", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              metavar="EXPORT", help="Start from the state in this `telconf export` file, the config on top.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text for terminals, markdown for pull requests, json for tools.")
@network_options
@handles_errors
def routes(numbers: tuple[str, ...], config_path: Path, accounts: tuple[str, ...], at: str | None,
           caller: str | None, live: bool, snapshot: Path | None, fmt: str) -> None:
    """Show what a call to each NUMBER (default: every number of the config) gets: each
    window of the week with its route (what is played, who rings and for how long,
    mailboxes, blocked callers, rejection), or with --at the one route at that moment.
    A dated --at (2026-12-31T20:00) takes the overrides active then, and names the one
    that gave each number its route; a time of the week (sat 12:00) the numbers' own settings.

    Offline by default: the config alone, no credentials and no network. Numbers the
    config does not manage are "unknown" unless --live or --snapshot gives their state.

    \b
    Examples:
        telconf routes
        telconf routes "+7 812 323-23-23" --at "sat 12:00"
        telconf routes --at 2026-12-31T23:30+03:00 --caller "+7 900 000-00-00"
        telconf routes --snapshot backup/telconf.yaml --format markdown
    """
    from telconf.config.environ import AnyVariable
    from telconf.routing.moment import BadMoment, minute_of_week
    from telconf.routing.views import routes_data, routes_json, routes_markdown, routes_text

    if live and snapshot is not None:
        raise click.UsageError("--live and --snapshot are two starting states: give one")
    wires = [_wire(n) for n in numbers]
    who = _wire(caller) if caller else None
    if at is not None:
        try:
            minute_of_week(at)
        except BadMoment as exc:
            raise click.BadParameter(str(exc), param_hint="--at") from None
    if live:
        from telconf.cli.plan import load_config

        config, overrides = dated_config(load_config(config_path, accounts), at)
        states, source = _live_states(config, accounts), "live"
    else:
        from telconf.config import load

        config = load(config_path, accounts or None, AnyVariable(), connecting=False)  # no secret is read
        for warning in config.warnings:
            click.echo(str(warning), err=True)
        config, overrides = dated_config(config, at)
        states = list(config.accounts.values()) if snapshot is None else snapshot_states(config, snapshot)
        source = "config" if snapshot is None else "snapshot"
    import gc

    # The config's objects live until the command ends: later collections need not walk them
    # again (with 20,000 numbers, collections over the whole config cost more than the routing).
    gc.freeze()
    data = routes_data(states, wires, at=at, caller=who, source=source, overrides=overrides)
    if fmt == "json":
        click.echo(routes_json(data), nl=False)
    elif fmt == "markdown":
        from telconf.plan.render_markdown import escape

        click.echo(routes_markdown(data, escape))
    else:
        click.echo(routes_text(data), nl=False)


def dated_config(config: Config, at: str | None) -> tuple[Config, dict[str, dict[str, str]] | None]:
    """The config as of ``at`` when it names a date (each number with its active override on top),
    and per account the override that gives each number its state then; ``at`` naming a time of
    the week (``sat 12:00``) or none: the numbers' own settings, and no overrides (None)."""
    if at is None:
        return config, None
    from telconf.dates.resolve import config_at, dated, overrides_at

    moment = dated(at)
    if moment is None:
        return config, None
    found = {name: overrides_at(account, moment) for name, account in config.accounts.items()}
    return config_at(config, moment), found


def _wire(text: str) -> str:
    """The wire form of a number given on the command line; not a number: exit 1, saying so."""
    from telconf.core.phones import normalise

    try:
        return normalise(text)
    except ValueError:
        click.echo(f"error: {text!r} is not a phone number; expected e.g. \"+7 812 323-23-23\"", err=True)
        sys.exit(EXIT_ERROR)


def snapshot_states(config: Config, snapshot: Path) -> list[Account]:
    """Each account of ``config`` applied on top of its state in the export file ``snapshot``."""
    from telconf.config import load
    from telconf.config.environ import AnyVariable
    from telconf.core.errors import ConfigError, PlanError
    from telconf.routing.hook import router_of

    try:
        recorded = load(snapshot, environ=AnyVariable(), connecting=False)
    except ConfigError as exc:
        raise PlanError(f"{snapshot} is not a usable snapshot (a `telconf export` file): "
                        + "; ".join(str(d) for d in exc.diagnostics[:3])) from None
    states: list[Account] = []
    for account in config.accounts.values():
        found = recorded.accounts.get(account.name)
        router = router_of(account)
        if found is None or router is None or found.provider != account.provider:
            if found is None:
                click.echo(f"warning: the snapshot {snapshot} has no account {account.name!r}: "
                           "the config alone is shown", err=True)
            states.append(account)
            continue
        states.append(router.applied(found, account))
    return states


def _live_states(config: Config, accounts: Sequence[str]) -> list[Account]:
    """Each account of ``config`` applied on top of its live state (read through its provider)."""
    from telconf.engine.conductor import Conductor
    from telconf.providers.base import parallel_map
    from telconf.routing.hook import router_of

    with Conductor(config, accounts=accounts) as conductor:
        providers = conductor.providers
        lives = parallel_map(lambda p: p.read(), list(providers.values()), len(providers) or 1)
    states: list[Account] = []
    for provider, live in zip(providers.values(), lives):
        account = provider.account
        router = router_of(account)
        states.append(account if router is None else router.applied(router.live_account(live.data, account), account))
    return states
