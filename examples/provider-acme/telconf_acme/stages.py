"""The stage of each Acme change (``telconf.plan.order`` sorts calls by it).

Acme has one kind of item, a number's list of forwards, set whole by one call; the
numbers do not depend on each other, so every change shares one stage (their lanes,
one per number, may then run in parallel).
"""

from __future__ import annotations

from telconf.plan.data import Action

FORWARDS = "forwards"  # the kind of every Acme change: one number's whole list

STAGES = {
    (FORWARDS, Action.CREATE): 10,
    (FORWARDS, Action.UPDATE): 10,
    (FORWARDS, Action.DELETE): 10,
}
