"""What a call gets, as ordered steps: the routing model's vocabulary.

A route is a tuple of :class:`Step`. The core owns the kinds and their meaning; a
provider only says which steps its state makes (``telconf.routing.hook``). Steps are
plain frozen values so that two routes compare by meaning (a plan's routing impact is
"the route before != the route after").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BLOCK = "block"          # the caller is in the active black list
GREETING = "greeting"    # a voice file is played (``side``: caller or answering)
RING = "ring"            # a target rings (SIP line, phone) for ``seconds``
VOICEMAIL = "voicemail"  # a voice mailbox answers: nothing after it rings
FAX = "fax"              # a fax mailbox answers: nothing after it rings
REJECT = "reject"        # the provider rejects the call (no redirect)
NONE = "none"            # no forward active: the call is not forwarded
UNKNOWN = "unknown"      # not managed by the config and no live state given

KINDS = (BLOCK, GREETING, RING, VOICEMAIL, FAX, REJECT, NONE, UNKNOWN)
ANSWERS = frozenset({VOICEMAIL, FAX, REJECT, UNKNOWN})  # nothing after these is reached
ROUTING = frozenset({RING, VOICEMAIL, FAX, REJECT, NONE, UNKNOWN})  # where the call goes (not greetings)
SIDES = ("caller", "answering")


@dataclass(frozen=True)
class Step:
    """One step of a route.

    ``target`` is ``sip:101``, ``tel:79210000000`` (wire form), ``voicemail:a@b``, a voice
    file name for a greeting, or "" when the kind has none. ``caller_id`` (ring) is
    ``caller``, ``group`` or a wire number; ``callers`` (block) the black-listed callers.
    """

    kind: str
    target: str = ""
    seconds: int | None = None
    caller_id: str | None = None
    recorded: bool = False
    side: str | None = None
    callers: frozenset[str] = frozenset()
    note: str = ""

    def to_data(self) -> dict[str, Any]:
        """The JSON form (``schemas/routes.schema.json``): kind, target, seconds always; the rest when set."""
        data: dict[str, Any] = {"kind": self.kind, "target": self.target or None, "seconds": self.seconds}
        if self.caller_id is not None:
            data["caller_id"] = self.caller_id
        if self.kind == RING:
            data["recorded"] = self.recorded
        if self.side is not None:
            data["side"] = self.side
        if self.kind == BLOCK:
            data["callers"] = len(self.callers)
        if self.note:
            data["note"] = self.note
        return data


Route = tuple[Step, ...]

NOT_FORWARDED: Route = (Step(NONE),)
UNKNOWN_ROUTE: Route = (Step(UNKNOWN),)


def rung(route: Route) -> list[str]:
    """The targets rung, in order (route tests' ``rings``)."""
    return [step.target for step in route if step.kind == RING]
