"""The stage of each Beeline cloudcc change (``telconf.plan.order`` sorts calls by it).

- a voice file is uploaded (and ready) before PREMEDIA uses it, and deleted only
  after PREMEDIA stopped using it (409.1 otherwise);
- recording for all (``"*"``) is turned off before per-number settings, which are
  ignored while it is on, and turned on last;
- black-list entries are removed before others are added, so a list near the
  server's limit (413.2) has room; the active list is switched once it is filled.
"""

from __future__ import annotations

from telconf.plan.data import Action

C, U, D = Action.CREATE, Action.UPDATE, Action.DELETE

STAGES = {
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
