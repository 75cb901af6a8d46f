"""``telconf schedule``: the coming changes of the config's overrides, for people and schedulers.

Offline: reads the config only (``${NAME}`` values are never read), no network.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path

import click

from telconf.cli.common import (
    EXIT_CHANGES,
    EXIT_OK,
    account_option,
    at_option,
    config_option,
    format_option,
    handles_errors,
)

_DURATION = re.compile(r"(\d+)\s*([smhd])\Z")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
MAX_SPAN = timedelta(days=3660)
OFFLINE_VALUE = "http://127.0.0.1:9/offline"  # stands for every ${NAME}: passes for a URL and a login


class _Offline(Mapping[str, str]):
    """An environment where every variable is set to a placeholder: no real value is read."""

    def __contains__(self, name: object) -> bool:
        return True

    def __getitem__(self, name: str) -> str:
        return OFFLINE_VALUE

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def is_placeholder(self, name: str) -> bool:
        """Every value is a placeholder: nothing to mask (the redaction layer asks)."""
        return True


def _duration(ctx: click.Context, param: click.Parameter, value: str) -> timedelta:
    match = _DURATION.match(value.strip())
    if not match:
        raise click.BadParameter(f"{value!r} is not a duration; expected e.g. 65m, 2h, 1d")
    # As far back as --days looks ahead at most: a larger one is a typo, and past ~2.7 million
    # years timedelta overflows.
    if len(match.group(1)) > 9 or timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}) > MAX_SPAN:
        raise click.BadParameter(f"{value!r} is more than {MAX_SPAN.days} days")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _days(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if math.isnan(value):  # FloatRange lets nan through: every comparison with it is false
        raise click.BadParameter("nan is not a number of days")
    return value


@click.command("schedule")
@config_option
@account_option
@click.option("--days", type=click.FloatRange(0, MAX_SPAN.days), default=30, show_default=True, callback=_days,
              help="How far ahead to look.")
@click.option("--since", "since", default="0m", show_default=True, metavar="DURATION", callback=_duration,
              help="Also list the changes this long before the moment (65m, 2h, 1d): they are due.")
@format_option(["text", "json"], help="text for people, json for tools and schedulers.")
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 2 when a change is due (within --since before the moment), 0 when none (1: error).")
@at_option
@handles_errors
def schedule(config_path: Path, accounts: tuple[str, ...], days: float, since: timedelta, fmt: str,
             detailed_exitcode: bool, at: datetime | None) -> None:
    """List the coming changes of the config's overrides: the moment, the account, the
    number, and which override starts or ends. Offline: no credentials, no network.

    Nothing changes by itself at those moments: run `telconf apply` right after each
    (a CI pipeline schedule does it: `--since` the last run and `--detailed-exitcode`
    say whether one is due).

    \b
    Examples:
        telconf schedule                    # the next 30 days
        telconf schedule --days 400 --format json
        telconf schedule --since 2h --days 0 --detailed-exitcode   # hourly job: 2 = apply now
    """
    from telconf.config import load
    from telconf.dates import resolve
    from telconf.dates.schedule import changes, to_data, window

    config = load(config_path, accounts or None, _Offline(), connecting=False)
    for warning in config.warnings:
        click.echo(str(warning), err=True)
    moment = resolve.parse_at(None) if at is None else at
    try:
        after, until = window(moment, days, since)
        _headroom = (after - MAX_SPAN, until + MAX_SPAN)  # room for every zone's offset and a recurrence's step
    except OverflowError:
        raise click.BadParameter(f"{moment.date()} with --days {days:g} and --since {since.days} days reaches "
                                 "past the years a date can have", param_hint="'--at'") from None
    found = list(changes(config, after, until))
    data = to_data(found, moment, after, until)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in text_lines(data):
            click.echo(line)
    sys.exit(EXIT_CHANGES if detailed_exitcode and data["due"] else EXIT_OK)


def text_lines(data: dict[str, object]) -> list[str]:
    """One line per moment, account and change; numbers that change alike together."""
    from telconf.core.phones import display

    changes = data["changes"]
    assert isinstance(changes, list)
    lines = [f"Changes from {data['from']} to {data['until']}:" if changes
             else f"No change from {data['from']} to {data['until']}."]
    key = (lambda c: (c["at"]["local"], c["account"], c["ending"], c["starting"], c["due"]))
    for (local, account, ending, starting, due), group in groupby(changes, key=key):
        numbers = [display(c["number"]) for c in group]
        shown = ", ".join(numbers[:3]) + (f" and {len(numbers) - 3} more" if len(numbers) > 3 else "")
        if ending and starting:
            what = f"override {ending!r} ends, {starting!r} starts"
        elif starting:
            what = f"override {starting!r} starts"
        else:
            what = f"override {ending!r} ends"
        lines.append(f"{'due  ' if due else '     '}{local}  {account}  {shown}: {what}")
    if data["due"]:
        lines.append(f"{data['due']} change(s) due: run `telconf apply` to carry them out.")
    return lines
