"""Pieces of an account both providers have: the URL, numbers as keys, safety."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from telconf.config.context import Context
from telconf.config.source import Path
from telconf.model import Safety

DEFAULT_URLS = {
    "teleum": "https://bill.tech.teleum.com/api/v3/",
    "beeline": "https://cloudcc.beeline.ru/api",
}


def account_url(ctx: Context, path: Path, account: dict[str, Any], provider: str) -> str:
    """The account's endpoint: ``url`` (``${NAME}`` substituted when building) or the provider's."""
    if "url" not in account:
        return DEFAULT_URLS[provider]
    return ctx.text(path + ("url",), account["url"])


def safety(ctx: Context, account: dict[str, Any]) -> Safety:
    """The mass-delete rule of the account (default 25%)."""
    settings = account.get("safety")
    percent = ctx.integer(settings.get("max_delete_percent")) if isinstance(settings, dict) else None
    return Safety() if percent is None else Safety(max_delete_percent=percent)


def numbers(ctx: Context, path: Path, mapping: Any) -> Iterator[tuple[str, Path, Any]]:
    """(wire number, path, settings) for each key of ``numbers``; bad or repeated numbers are errors.

    Two spellings of one number are caught here, after normalising, because YAML sees
    them as different keys.
    """
    if not isinstance(mapping, dict):
        return
    seen: dict[str, str] = {}
    for key, settings in mapping.items():
        item = path + (key,)
        wire = ctx.phone(item, key, key=True)
        if wire is None:
            continue
        if wire in seen:
            line = ctx.mark(path + (seen[wire],), key=True)[0]
            ctx.error(item, f"{key!r} is the same number as {seen[wire]!r} (line {line}); list each number once",
                      key=True)
            continue
        seen[wire] = key
        yield wire, item, settings if isinstance(settings, dict) else {}
