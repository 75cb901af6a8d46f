"""A live Teleum account as config data (SPEC 1), for ``telconf export``.

Deterministic: SIP lines by line number, numbers sorted, phone numbers in the readable
``+7 812 323-23-23`` form, every setting at its default left out. Passwords cannot be
read, so each line gets a ``${SIP_<line>_PASSWORD}`` placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telconf.providers.teleum.model import ALWAYS, Forward
from telconf.core.phones import display
from telconf.providers.teleum.payloads import (
    LiveForward,
    LiveSipLine,
    caller_id_text,
    schedule_view,
    target_text,
)

def export_account(sip_lines: Mapping[str, LiveSipLine],
                   forwards: Mapping[str, tuple[LiveForward, ...]]) -> dict[str, Any]:
    """Config data of the account (without url/credentials): SIP lines and every number's forwards."""
    return {
        "sip_lines": {num: _line(sip_lines[num]) for num in sorted(sip_lines, key=int)},
        "numbers": {display(wire): {"forwards": [forward_data(f.forward) for f in forwards[wire]]}
                    for wire in sorted(forwards)},
    }


def password_placeholder(line_number: str) -> str:
    return "${SIP_" + line_number + "_PASSWORD}"


def _line(live: LiveSipLine) -> dict[str, Any]:
    line = live.line
    data: dict[str, Any] = {}
    if line.description:
        data["description"] = line.description
    if line.email:
        data["email"] = line.email
    if line.caller_id is not None:
        data["caller_id"] = display(line.caller_id)
    data["password"] = password_placeholder(line.number)
    return data


def forward_data(forward: Forward) -> dict[str, Any]:
    """One forward as YAML data, settings at their defaults omitted."""
    data: dict[str, Any] = {"to": target_text(forward.target)}
    if forward.timeout != 20:
        data["timeout"] = forward.timeout
    if forward.caller_id != "caller":
        data["caller_id"] = caller_id_text(forward.caller_id)
    for key in ("record", "music_on_hold", "vpbx", "isolated"):
        if getattr(forward, key):
            data[key] = True
    if forward.schedule != ALWAYS:
        data["schedule"] = schedule_view(forward.schedule)
    return data
