"""The one place that decides in which order changes run.

Each (kind, action) has a stage; the planner sorts calls by stage (stably, so a
provider's own order within a stage is kept) and runs stage after stage.
The reasons for the order are the constraints of the providers:

- a SIP line exists before a forward targets it, and is deleted only after no live
  forward targets it (CONTRACT 1.5: deleteSIP of a targeted line fails);
- within a number, edits -> creates -> deletes -> moves: creates before deletes keep
  the number from ever having zero live forwards; deletes before moves spend no swap
  on a forward that is going away (notes/ordered-forwards.md);
- a voice file is uploaded (and ready) before PREMEDIA uses it, and deleted only
  after PREMEDIA stopped using it (409.1 otherwise);
- recording for all (``"*"``) is turned off before per-number settings, which are
  ignored while it is on, and turned on last;
- black-list entries are removed before others are added, so a list near the
  server's limit (413.2) has room; the active list is switched once it is filled.
"""

from __future__ import annotations

from telconf.plan.data import Action

C, U, D, M = Action.CREATE, Action.UPDATE, Action.DELETE, Action.MOVE

STAGES: dict[tuple[str, Action], int] = {
    # Teleum
    ("sip_line", C): 10,
    ("sip_line", U): 15,
    ("forward", U): 20,
    ("forward", C): 30,
    ("forward", D): 40,
    ("forward", M): 50,
    ("sip_line", D): 60,
    # Beeline
    ("voice_file", C): 10,
    ("voice_file", U): 10,
    ("record_all", D): 20,
    ("redirect", C): 30,
    ("redirect", U): 30,
    ("redirect", D): 30,
    ("premedia", C): 30,
    ("premedia", U): 30,
    ("premedia", D): 30,
    ("record", C): 30,
    ("record", U): 30,
    ("record", D): 30,
    ("blacklist", D): 32,
    ("blacklist", C): 34,
    ("blacklist_active", U): 36,
    ("record_all", C): 40,
    ("record_all", U): 40,
    ("voice_file", D): 50,
}


def stage_of(kind: str, action: Action) -> int:
    """The stage of a change; unknown pairs are a programming error."""
    try:
        return STAGES[(kind, action)]
    except KeyError:
        raise KeyError(f"no stage for {kind}/{action.value}: add it to telconf.plan.order.STAGES") from None
