"""Build an ``AcmeAccount`` from the config's YAML (after the schema check).

The builder runs on data the schema has already checked, but it must not trust it:
an account the schema found broken is still built (to report every problem at once),
so a value may have the wrong type. Problems go to ``ctx`` (with their FILE:LINE:COL),
never raised. The account header (url, TLS files, numbers as keys, safety) is built
with ``telconf.config.common``, like every provider's.
"""

from __future__ import annotations

from typing import Any

from telconf.config import common
from telconf.config.context import Context
from telconf.config.source import Path
from telconf.core.model import UNMANAGED, Managed
from telconf_acme import DEFAULT_URL
from telconf_acme.model import AcmeAccount, AcmeCredentials, AcmeNumber


def build_acme(ctx: Context, name: str, path: Path, data: dict[str, Any]) -> AcmeAccount:
    """The desired state of one Acme account; problems go to ``ctx.diagnostics``."""
    numbers: dict[str, AcmeNumber] = {}
    for wire, item, settings in common.numbers(ctx, path + ("numbers",), data.get("numbers")):
        numbers[wire] = AcmeNumber(wire, _forward_to(ctx, item, wire, settings),
                                   template=ctx.template_of(item), where=ctx.where(item, key=True))
    return AcmeAccount(
        **common.header(ctx, name, path, data, DEFAULT_URL),  # name, url, safety, where
        credentials=AcmeCredentials(**common.credentials(ctx, path, data, AcmeCredentials)),
        numbers=numbers,
    )


def _forward_to(ctx: Context, path: Path, wire: str, settings: dict[str, Any]) -> Managed[tuple[str, ...]]:
    """The number's list of forwards in wire form; absent: the number's list is left alone.

    The API refuses a list naming its own number or one number twice; saying so here,
    at the line, beats an error halfway through an apply.
    """
    if "forward_to" not in settings:
        return UNMANAGED
    raw = settings["forward_to"]
    path = path + ("forward_to",)
    targets: list[str] = []
    for index, value in enumerate(raw if isinstance(raw, list) else ()):
        target = ctx.phone(path + (index,), value, what="phone number to forward to")
        if target is None:
            continue  # not a phone number: reported
        if target == wire:
            ctx.error(path + (index,), f"{value!r} is the number itself; a number cannot forward to itself")
        elif target in targets:
            ctx.error(path + (index,), f"{value!r} is already in the list (item {targets.index(target) + 1}); "
                                       "list each number once")
        targets.append(target)
    return tuple(targets)
