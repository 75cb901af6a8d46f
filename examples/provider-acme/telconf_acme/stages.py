"""The stage of each Acme change (``telconf.plan.order`` sorts calls by it).

Acme has one kind of item, a number's list of forwards, set whole by one call, so every
change shares one stage. What orders them is data of the changes: a number forwarding
to another number of the account needs that one's list first (``Change.needs``, set by
``AcmeProvider._with_needs``); the others run in parallel, one lane per number.
"""

from __future__ import annotations

from telconf.plan.data import Action

FORWARDS = "forwards"  # the kind of every Acme change: one number's whole list

STAGES = {
    (FORWARDS, Action.CREATE): 10,
    (FORWARDS, Action.UPDATE): 10,
    (FORWARDS, Action.DELETE): 10,
}
