"""``telconf export --templates``: settings several numbers share, written once as templates.

Identical Teleum forward lists, and identical Beeline number settings, shared by two or
more numbers of an account become a template without parameters; each such number says
``use: NAME``. Applying the result means exactly what the flat export means.
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
    teleum = account.get("provider") == "teleum"
    shared = _shared(numbers, teleum)
    if not shared:
        return dict(account)
    names: dict[str, str] = {}
    kind = "forwards" if teleum else "settings"
    for key in shared:
        names[key] = f"{prefix}-{kind}-{len(names) + 1}" if prefix else f"{kind}-{len(names) + 1}"
        templates[names[key]] = _escaped(json.loads(key))
    result = dict(account)
    result["numbers"] = {number: _use_or_own(settings, names, teleum) for number, settings in numbers.items()}
    return result


def _use_or_own(settings: Any, names: Mapping[str, str], teleum: bool) -> Any:
    """A number's settings as ``use:`` of its shared template, or as they are."""
    key = _key(settings, teleum)
    return {"use": names[key]} if key is not None and key in names else settings


def _key(settings: Any, teleum: bool) -> str | None:
    """What numbers must have in common to share a template (None: nothing worth sharing)."""
    if not isinstance(settings, Mapping) or not settings:
        return None
    if teleum:
        if set(settings) != {"forwards"} or not settings["forwards"]:
            return None
        return json.dumps({"forwards": settings["forwards"]}, sort_keys=True, ensure_ascii=False)
    return json.dumps(settings, sort_keys=True, ensure_ascii=False)


def _shared(numbers: Mapping[str, Any], teleum: bool) -> list[str]:
    """Keys of the settings at least ``MIN_SHARED`` numbers have, in order of first appearance."""
    counts: dict[str, int] = {}
    for settings in numbers.values():
        key = _key(settings, teleum)
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
