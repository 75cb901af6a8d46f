"""Bounds on every answer: a whole-request deadline and a body size cap.

``--timeout`` (``TELCONF_TIMEOUT``, default 30 s) bounds a request from its first byte
sent to the last byte of the answer read, however slowly the bytes arrive. Answers are
capped at ``MAX_BODY_BYTES``: far above any legitimate answer (the largest black list,
LBLIST, of 300,000 A-numbers is about 6 MB; a voice file is at most
10 MB), far below what could exhaust the machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

ENV_TIMEOUT = "TELCONF_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_JSON_DEPTH = 64  # the contract's deepest answer nests 4 levels
_timeout: float | None = None


class BodyTooLarge(Exception):
    """The answer passed ``MAX_BODY_BYTES``."""


def set_timeout(seconds: float | None) -> None:
    """The whole-request timeout for this run (None: from the environment, else the default)."""
    global _timeout
    _timeout = seconds


def request_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds a whole request may take: ``--timeout``, else ``TELCONF_TIMEOUT``, else 30."""
    if _timeout is not None:
        return _timeout
    text = (os.environ if environ is None else environ).get(ENV_TIMEOUT, "").strip()
    try:
        value = float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if 0 < value < 86400 else DEFAULT_TIMEOUT


def read_body(response: requests.Response, deadline: float, limit: int = MAX_BODY_BYTES) -> None:
    """Read a streamed answer into ``response.content`` before ``deadline`` (monotonic), at most ``limit`` bytes.

    The reading lives in ``telconf.guard.bodies``, imported on the first answer: the
    offline commands import this module (for ``--timeout``) and never the HTTP stack.
    """
    from telconf.guard.bodies import read_body as read

    read(response, deadline, limit)


def loads(text: str | bytes) -> Any:
    """``json.loads`` that refuses duplicate keys and deep nesting with ``ValueError``."""
    value = json.loads(text, object_pairs_hook=_unique_keys)
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise ValueError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)  # in C; a key given twice shows as a shorter dict
    if len(result) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"duplicate key {key[:40]!r} in the JSON answer")
    return result


def _deeper_than(value: Any, limit: int) -> bool:
    """True when containers nest more than ``limit`` deep (only containers are visited)."""
    level = [value] if isinstance(value, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        nested = []
        for item in level:
            for child in (item.values() if isinstance(item, dict) else item):
                if type(child) is dict or type(child) is list:
                    nested.append(child)
        level = nested
    return False


def json_of(response: requests.Response) -> Any:
    """The answer's JSON; ``ValueError`` for anything unreadable (deep, duplicate keys, not JSON)."""
    try:
        return loads(response.content)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None
