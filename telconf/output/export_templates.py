"""``telconf export --templates``: settings several numbers share, written once as templates.

Identical number settings (the keys a template may hold for the account's provider, such
as a whole forward list) shared by two or more numbers of an account become a template
without parameters; each such number says ``use: NAME``. Applying the result means
exactly what the flat export means.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MIN_SHARED = 2


def factor_templates(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` (an exported config) with shared number settings moved into ``templates``."""
    accounts = document.get("accounts") or {}
    prefixed = len(accounts) > 1
    templates: dict[str, Any] = {}
    new_accounts = {}
    for name, account in accounts.items():
        new_accounts[name] = _account(name if prefixed else "", account, templates)
    result = {key: value for key, value in document.items() if key != "accounts"}
    if templates:
        result["templates"] = templates
    result["accounts"] = new_accounts
    return result


def _account(prefix: str, account: Mapping[str, Any], templates: dict[str, Any]) -> dict[str, Any]:
    numbers = account.get("numbers")
    if not isinstance(numbers, Mapping):
        return dict(account)
    keys = _template_keys(account.get("provider"))
    shared = _shared(numbers, keys)
    if not shared:
        return dict(account)
    names: dict[str, str] = {}
    kind = next(iter(keys)) if len(keys) == 1 else "settings"
    for key in shared:
        names[key] = f"{prefix}-{kind}-{len(names) + 1}" if prefix else f"{kind}-{len(names) + 1}"
        templates[names[key]] = _escaped(json.loads(key))
    result = dict(account)
    result["numbers"] = {number: _use_or_own(settings, names, keys) for number, settings in numbers.items()}
    return result


def _template_keys(provider: Any) -> frozenset[str]:
    from telconf.core import registry

    return registry.get(provider).template_keys if provider in registry.names() else frozenset()


def _use_or_own(settings: Any, names: Mapping[str, str], keys: frozenset[str]) -> Any:
    """A number's settings as ``use:`` of its shared template, or as they are."""
    key = _key(settings, keys)
    return {"use": names[key]} if key is not None and key in names else settings


def _key(settings: Any, keys: frozenset[str]) -> str | None:
    """What numbers must have in common to share a template (None: nothing worth sharing).

    Only settings a template may hold, and never an empty list (nothing to share).
    """
    if not isinstance(settings, Mapping) or not settings or not set(settings) <= keys:
        return None
    if any(value == [] for value in settings.values()):
        return None
    return json.dumps(dict(settings), sort_keys=True, ensure_ascii=False)


def _shared(numbers: Mapping[str, Any], keys: frozenset[str]) -> list[str]:
    """Keys of the settings at least ``MIN_SHARED`` numbers have, in order of first appearance."""
    counts: dict[str, int] = {}
    for settings in numbers.values():
        key = _key(settings, keys)
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    return [key for key, count in counts.items() if count >= MIN_SHARED]


def _escaped(value: Any) -> Any:
    """Template text with literal braces doubled (``{`` would start a parameter)."""
    if isinstance(value, str):
        return value.replace("{", "{{").replace("}", "}}")
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value
