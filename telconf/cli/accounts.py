"""``telconf accounts``: list the config's accounts, e.g. to fan CI out one job per account."""

from __future__ import annotations

import json
from pathlib import Path

import click

from telconf.cli.common import config_option, handles_errors
from telconf.core.errors import ConfigError


@click.command("accounts")
@config_option
@click.option("--json", "as_json", is_flag=True, help="A JSON list of {name, provider}, for a CI matrix.")
@handles_errors
def accounts(config_path: Path, as_json: bool) -> None:
    """List the accounts of the config file, one per line (or as JSON).

    Reads no environment variable and no network: the file is checked like
    `telconf validate` first, and an invalid file is an error.

    \b
    Examples:
        telconf accounts
        telconf accounts --json    # [{"name": "spb-office", "provider": "NAME"}, ...]
    """
    from telconf.config import errors_of
    from telconf.config.loader import check

    diagnostics, _, names = check(config_path)
    if errors_of(diagnostics):
        raise ConfigError(diagnostics)
    providers = _providers(config_path)
    listed = [{"name": name, "provider": providers.get(name, "")} for name in names]
    if as_json:
        click.echo(json.dumps(listed, separators=(",", ":")))
        return
    for entry in listed:
        click.echo(f"{entry['name']}\t{entry['provider']}")


def _providers(path: Path) -> dict[str, str]:
    from telconf.config.loader import read

    data = read(path).data
    accounts = data.get("accounts") if isinstance(data, dict) else None
    return {str(name): str(account.get("provider", "")) for name, account in (accounts or {}).items()
            if isinstance(account, dict)}
