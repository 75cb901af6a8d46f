"""What the commands share: common options, logging set-up, errors -> exit codes."""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from telconf.core import registry
from telconf.cli import terminal
from telconf.core.errors import ConfigError, TelconfError, Terminated
from telconf.guard import hosts, limits
from telconf.guard.redact import MaskingStream, escape

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143: the shell's code for a process ended by SIGTERM


def exit_code_of(signum: int | None) -> int:
    """130 after Ctrl-C (SIGINT), 143 after SIGTERM: what a shell reports for each."""
    return EXIT_TERMINATED if signum == signal.SIGTERM else EXIT_INTERRUPTED


def config_option(func: F) -> F:
    return click.option(
        "-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
        default="telconf.yaml", show_default=True, envvar="TELCONF_CONFIG",
        help="Config file (also TELCONF_CONFIG).",
    )(func)


def complete_accounts(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """The config's account names starting with ``incomplete``, for shell completion (never an error)."""
    path = ctx.params.get("config_path") or os.environ.get("TELCONF_CONFIG") or "telconf.yaml"
    try:
        from telconf.config.loader import read

        accounts = read(Path(path)).data.get("accounts")
        return [str(name) for name in accounts if str(name).startswith(incomplete)]
    except Exception:  # noqa: BLE001 - completion must never break the shell: no config, no names
        return []


def account_option(func: F) -> F:
    return click.option(
        "--account", "accounts", multiple=True, metavar="NAME", shell_complete=complete_accounts,
        help="Only this account (repeatable; default: all).",
    )(func)


def _parse_at(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from telconf.dates.resolve import BadAt, parse_at

    try:
        moment = parse_at(value)
    except BadAt as exc:
        raise click.BadParameter(str(exc).removeprefix("--at: ")) from None
    # Time zones, holidays and a schedule's window step days from the moment: near year 1 or
    # 9999 that overflows (an Internal error). No plan is made for such a year anyway.
    if not AT_YEARS[0] <= moment.year <= AT_YEARS[1]:
        raise click.BadParameter(f"{value!r} is outside the years {AT_YEARS[0]}-{AT_YEARS[1]}")
    return moment


AT_YEARS = (1900, 9000)


def at_option(func: F) -> F:
    """``--at WHEN``: the moment the desired state is taken at (overrides active then); default now."""
    return click.option(
        "--at", "at", metavar="WHEN", callback=_parse_at,
        help="As of this moment: an ISO date or date-time (2026-12-31T20:00, in each account's timezone; "
             "with an offset or Z, that instant). The overrides active then apply. Default: now.",
    )(func)


def format_option(choices: list[str], *, default: str = "text",
                  help: str = "text for terminals, markdown for pull requests, json for tools.") -> Callable[[F], F]:
    """``-f``/``--format``: the same short flag on every command that has formats."""
    def decorate(func: F) -> F:
        return click.option("-f", "--format", "fmt", type=click.Choice(choices), default=default,
                            show_default=True, help=help)(func)
    return decorate


def verbose_option(func: F) -> F:
    return click.option("-v", "--verbose", is_flag=True, help="Log every API call (secrets redacted).")(func)


def parallelism_option(func: F) -> F:
    return click.option(
        "--parallelism", type=click.IntRange(1, 64), default=8, show_default=True,
        help="Requests in flight at once per account.",
    )(func)


def _allow_hosts(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    hosts.allow_from_cli(value)
    return value


def _set_timeout(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    limits.set_timeout(value)
    return value


def network_options(func: F) -> F:
    """``--allow-host`` and ``--timeout``: the operator's word on where and how long to talk."""
    func = click.option(
        "--allow-host", "allow_hosts", multiple=True, metavar="HOST[:PORT]", expose_value=False,
        callback=_allow_hosts,
        help="Also trust this host with credentials (repeatable; also TELCONF_ALLOWED_HOSTS, comma-separated). "
             "The provider's own host and loopback are always trusted; the config file cannot add any.",
    )(func)
    return click.option(
        "--timeout", type=click.FloatRange(0.1, 86400), envvar=limits.ENV_TIMEOUT, metavar="SECONDS",
        expose_value=False, callback=_set_timeout,
        help=f"Bound on one whole request, answer included (also {limits.ENV_TIMEOUT}; default 30).",
    )(func)


def setup_logging(verbose: bool) -> None:
    """Send telconf's logs to stderr: every HTTP call with -v, warnings otherwise.

    ``logging`` is imported here: the commands that log (the ones that talk HTTP) call
    this; ``validate`` and ``--help`` do not pay for it.
    """
    import logging

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
        # Every secret telconf knows is masked in all it prints, logs included (one place).
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = MaskingStream(sys.stdout), MaskingStream(sys.stderr)
        try:
            with _sigterm_stops():
                return _report_errors(func, args, kwargs)
        finally:
            sys.stdout, sys.stderr = saved
            hosts.allow_from_cli(())
            limits.set_timeout(None)
            terminal.reset()

    return wrapper  # type: ignore[return-value]


@contextmanager
def _sigterm_stops() -> Iterator[None]:
    """SIGTERM (CI cancelling a job) raises ``Terminated``, a KeyboardInterrupt: every phase
    (reading, planning, applying) then ends as after Ctrl-C, report included, exit 143."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: Any) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _provider_problems_reported() -> Iterator[None]:
    """A broken provider package is left out, loudly: why, before the command's output, and
    after it what was found while it ran (a schema or emulator kit that failed in use)."""
    told = registry.problems()
    for problem in told:
        click.echo(f"warning: {escape(problem)}", err=True)
    try:
        yield
    finally:
        for problem in registry.problems()[len(told):]:
            click.echo(f"warning: {escape(problem)}", err=True)


def _report_errors(func: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    """Run the command; telconf's exceptions become a message on stderr (escaped) and an exit code."""
    try:
        with _provider_problems_reported():
            return func(*args, **kwargs)
    except ConfigError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(escape(str(diagnostic)), err=True)
        count = sum(1 for d in exc.diagnostics if d.severity == "error")
        click.echo(f"{count} error{'s' if count != 1 else ''}", err=True)
        sys.exit(EXIT_ERROR)
    except TelconfError as exc:  # ApplyError included: the same message and exit code
        click.echo(f"Error: {escape(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        click.echo(f"Interrupted{' (SIGTERM)' if terminated else ''}.", err=True)
        sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # a bug: say so plainly, still without a traceback
        if os.environ.get("TELCONF_DEBUG"):
            raise
        click.echo(f"Internal error: {type(exc).__name__}. Please report it with the command "
                   "you ran (TELCONF_DEBUG=1 shows the traceback).", err=True)
        sys.exit(EXIT_ERROR)
