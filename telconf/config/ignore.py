"""Ignore rules of an account: ``ignore: {sip_lines: ["2*"], voice_files: ["ivr-*.wav"], ...}``.

Items the patterns match are someone else's: telconf never creates, changes or deletes
them, and compares whole-set kinds without them. The config naming such an item is a
contradiction, reported at the item.
"""

from __future__ import annotations

from typing import Any

from telconf.config.context import Context
from telconf.config.source import Path
from telconf.core.model import NO_IGNORE, Ignore

_WILDCARDS = set("*?[")


def build_ignore(ctx: Context, path: Path, data: dict[str, Any], kinds: tuple[str, ...],
                 phone_kinds: tuple[str, ...] = ()) -> Ignore:
    """The ignore rules of the account (``kinds`` it may have); also kept on ``ctx`` for the checks.

    Patterns of ``phone_kinds`` match wire numbers: they are normalised as numbers are.
    """
    raw = data.get("ignore")
    if not isinstance(raw, dict):
        return NO_IGNORE
    rules: dict[str, tuple[str, ...]] = {}
    for kind in kinds:
        patterns = raw.get(kind)
        if isinstance(patterns, list):
            rules[kind] = tuple(_pattern(ctx, kind in phone_kinds, str(p)) for p in patterns
                                if isinstance(p, (str, int)))
    ignore = Ignore(rules)
    ctx.ignore = ignore
    return ignore


def _pattern(ctx: Context, phone: bool, text: str) -> str:
    """Patterns of numbers match wire numbers: ``+7 900 *`` is ``7900*``, a whole number normalised."""
    if not phone:
        return text
    if not _WILDCARDS & set(text):
        return ctx.normalise(text) or text
    return "".join(ch for ch in text if ch not in " ()-+")


def check_named(ctx: Context, kind: str, name: str, path: Path, *, key: bool = False, what: str = "") -> bool:
    """Report (and return True) when the config names ``name``, which an ignore rule of ``kind`` matches."""
    pattern = ctx.ignore.match(kind, name)
    if pattern is None:
        return False
    ctx.error(path, f"{what or repr(name)} is also matched by ignore.{kind} pattern {pattern!r}; an item is "
                    "either managed or ignored: remove one of them", key=key)
    return True
