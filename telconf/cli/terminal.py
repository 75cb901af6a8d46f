"""Terminal manners: when to colour, how to ask, and progress that only a person sees.

Colour is decided once, here, for every command (clig.dev and the conventions of
NO_COLOR, FORCE_COLOR and CLICOLOR_FORCE):

1. ``--color always|never`` (the operator's word for this run) wins;
2. else ``NO_COLOR`` (any non-empty value) turns it off;
3. else ``FORCE_COLOR`` or ``CLICOLOR_FORCE`` (non-empty, not ``0``) turn it on, for CI
   logs that render ANSI colour without being a terminal;
4. else colour only when stdout is a terminal.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

COLOR_CHOICES = ("auto", "always", "never")
_choice: dict[str, str] = {"color": "auto"}


def set_color(choice: str | None) -> None:
    """Record ``--color`` for this run (``None``: keep what the group option said)."""
    if choice is not None:
        _choice["color"] = choice


def reset() -> None:
    """Forget ``--color`` (a run in the same process, as tests make, starts afresh)."""
    _choice["color"] = "auto"


def _truthy(name: str) -> bool:
    value = os.environ.get(name, "")
    return value not in ("", "0")


def use_colour(stream: Any = None) -> bool:
    """Whether to colour what goes to ``stream`` (default stdout): see the module's rules."""
    choice = _choice["color"]
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if _truthy("FORCE_COLOR") or _truthy("CLICOLOR_FORCE"):
        return True
    return is_terminal(stream if stream is not None else sys.stdout)


def is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (OSError, ValueError):  # a closed or odd stream is no terminal
        return False


def stderr_is_terminal() -> bool:
    """Whether a person watches stderr (a seam for tests)."""
    return is_terminal(sys.stderr)


def _color_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    set_color(value)
    return value


def color_option(*, default: str | None = None) -> Callable[[F], F]:
    """``--color auto|always|never``: on the group (``default="auto"``) and on each command that colours."""
    def decorate(func: F) -> F:
        return click.option(
            "--color", "--colour", type=click.Choice(COLOR_CHOICES), default=default, expose_value=False,
            callback=_color_callback, is_eager=True,
            help="Colour the output: auto (a terminal, unless NO_COLOR; FORCE_COLOR or CLICOLOR_FORCE "
                 "force it), always or never.",
        )(func)
    return decorate


def confirm_by_typing_yes(question: str) -> bool:
    """Ask on stderr; only the word ``yes`` confirms (as Terraform asks: ``y`` is too easy a slip)."""
    click.echo(f"{question}\n  Only 'yes' will be accepted to approve.", err=True)
    try:
        answer = click.prompt("  Enter a value", default="", show_default=False, err=True)
    except click.Abort as exc:  # end of input or Ctrl-D: no answer is no
        click.echo(err=True)
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise exc.__context__ from None  # Ctrl-C (or SIGTERM) at the prompt: interrupted, 130 (143)
        return False
    return str(answer).strip() == "yes"


class ReadProgress:
    """``Reading 2/3 accounts, 1,204 numbers...`` on one stderr line, on a terminal only.

    Reads run in parallel threads: ``account_done`` may be called from any of them.
    Off a terminal (CI logs, pipes) it prints nothing, so logs keep only what matters.
    """

    def __init__(self, total: int, *, enabled: bool | None = None):
        self.total = total
        self.enabled = stderr_is_terminal() if enabled is None else enabled
        self.accounts = 0
        self.numbers = 0
        self._lock = threading.Lock()
        self._shown = False

    def account_done(self, name: str, numbers: int) -> None:
        with self._lock:
            self.accounts += 1
            self.numbers += numbers
            if self.enabled:
                self._shown = True
                click.echo(f"\rReading accounts: {self.accounts}/{self.total} read ({name}), "
                           f"{self.numbers:,} numbers\x1b[K", nl=False, err=True, color=True)

    def finish(self) -> None:
        """End the progress line, so what follows starts on a clean line."""
        with self._lock:
            if self._shown:
                click.echo("\r\x1b[K", nl=False, err=True, color=True)
                self._shown = False
