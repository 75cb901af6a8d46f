"""The one place that decides in which order changes run.

Each provider gives a stage table, ``(kind, action) -> stage`` (its ``stages.py``, where
the reasons of its order are written down); this module applies them: every call of a
change gets the stage of its (kind, action), and calls are sorted by stage, *stably*,
so a provider's own order within a stage is kept. ``apply`` runs stage after stage.
A provider that already set a call's stage (non-zero) keeps it.

The rules every table follows: a stage is a positive integer, smaller runs first;
what another change needs is created in an earlier stage and deleted in a later one;
changes that are independent share a stage (their lanes then run in parallel).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from telconf.plan.data import Action, Call, CallWithChanges, Change, StageTable

def stage_of(stages: StageTable, kind: str, action: Action) -> int:
    """The stage of a change; a pair the table lacks is a programming error of its provider."""
    try:
        return stages[(kind, action)]
    except KeyError:
        raise KeyError(f"no stage for {kind}/{action.value}: add it to the provider's stage table") from None


def order_calls(changes: Sequence[Change], stages: StageTable) -> list[CallWithChanges]:
    """Every change's calls, each with its stage set, stably sorted by stage."""
    staged: list[CallWithChanges] = []
    for index, change in enumerate(changes):
        for call in change.calls:
            stage = call.stage or stage_of(stages, change.kind, change.action)
            staged.append((_with_stage(call, stage), (index,)))
    staged.sort(key=lambda item: item[0].stage)
    return staged


def _with_stage(call: Call, stage: int) -> Call:
    return call if call.stage == stage else replace(call, stage=stage)
