"""What the commands share: common options, logging set-up, errors -> exit codes."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from telconf.errors import ApplyError, ConfigError, TelconfError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_INTERRUPTED = 0, 1, 2, 130


def config_option(func: F) -> F:
    return click.option(
        "-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
        default="telconf.yaml", show_default=True, envvar="TELCONF_CONFIG",
        help="Config file (also TELCONF_CONFIG).",
    )(func)


def account_option(func: F) -> F:
    return click.option(
        "--account", "accounts", multiple=True, metavar="NAME",
        help="Only this account (repeatable; default: all).",
    )(func)


def verbose_option(func: F) -> F:
    return click.option("-v", "--verbose", is_flag=True, help="Log every API call (secrets redacted).")(func)


def parallelism_option(func: F) -> F:
    return click.option(
        "--parallelism", type=click.IntRange(1, 64), default=8, show_default=True,
        help="Requests in flight at once per account.",
    )(func)


def setup_logging(verbose: bool) -> None:
    """Send telconf's logs to stderr: every HTTP call with -v, warnings otherwise."""
    logger = logging.getLogger("telconf")
    logger.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.propagate = False


def handles_errors(func: F) -> F:
    """Turn telconf's exceptions into a message on stderr and an exit code; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            for diagnostic in exc.diagnostics:
                click.echo(str(diagnostic), err=True)
            count = sum(1 for d in exc.diagnostics if d.severity == "error")
            click.echo(f"{count} error{'s' if count != 1 else ''}", err=True)
            sys.exit(EXIT_ERROR)
        except ApplyError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except TelconfError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a bug: say so plainly, still without a traceback
            if os.environ.get("TELCONF_DEBUG"):
                raise
            click.echo(f"Internal error: {type(exc).__name__}. Please report it with the command "
                       "you ran (TELCONF_DEBUG=1 shows the traceback).", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]
