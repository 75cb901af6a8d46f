"""The stage of each Teleum change (``telconf.plan.order`` sorts calls by it).

- a SIP line exists before a forward targets it, and is deleted only after no live
  forward targets it (CONTRACT 1.5: deleteSIP of a targeted line fails);
- within a number, edits -> creates -> deletes -> moves: creates before deletes keep
  the number from ever having zero live forwards; deletes before moves spend no swap
  on a forward that is going away (notes/ordered-forwards.md).
"""

from __future__ import annotations

from telconf.plan.data import Action

C, U, D, M = Action.CREATE, Action.UPDATE, Action.DELETE, Action.MOVE

STAGES = {
    ("sip_line", C): 10,
    ("sip_line", U): 15,
    ("forward", U): 20,
    ("forward", C): 30,
    ("forward", D): 40,
    ("forward", M): 50,
    ("sip_line", D): 60,
}
