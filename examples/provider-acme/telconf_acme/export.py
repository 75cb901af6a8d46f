"""A live Acme account as config data, for ``telconf export``.

Deterministic, so that an export can be committed and diffed: numbers sorted, phone
numbers in their readable ``+7 812 323-23-23`` form. The account header (provider,
url, credentials as ``${NAME}`` placeholders) is telconf's job, not the provider's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telconf.core.phones import display


def export_account(forwards: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """The ``numbers`` of the account, each with its whole list of forwards."""
    return {"numbers": {display(wire): {"forward_to": [display(target) for target in forwards[wire]]}
                        for wire in sorted(forwards)}}
