"""Property: random live/desired forwards on a tolerant-rule server converge in one apply.

Each example builds a live state on the emulator (with random wire quirks: numbers as
ints, ``spis``, shuffled lists, direction gaps, tombstones, other type ids), plans and
applies the desired state, then checks: the emulator equals the desired state, a
second plan is empty, the writes made are exactly the optimal count (brute force),
moves equal the inversions of the chosen assignment, and no number was left empty.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telconf.emulator import Emulators
from telconf.providers.teleum.model import ALWAYS, FULL_WEEK, Forward, Interval, TargetKind
from telconf.providers.teleum.forwards import inversions_of, reconcile
from telconf.providers.teleum.payloads import canonical

from .helpers import (
    EMAIL,
    N1,
    N2,
    N3,
    PASSWORD,
    WORKDAYS,
    add_forwards,
    converge,
    fwd,
    live_counts,
    make_account,
    number_id,
    writes,
)
from .test_forwards import brute_force_total

TARGETS = ["sip:101", "sip:102", "tel:79210000000", "tel:79210000001", "voicemail:vm@example.com",
           "fax:fax@example.com"]
forwards = st.builds(
    fwd,
    st.sampled_from(TARGETS),
    timeout=st.sampled_from([20, 30]),
    caller_id=st.sampled_from(["caller", "group", N2]),
    record=st.booleans(),
    schedule=st.sampled_from([ALWAYS, WORKDAYS]),
)
forward_lists = st.lists(forwards, max_size=5)
quirks = st.fixed_dictionaries({
    "numbers_as_int": st.booleans(),
    "sips_key": st.sampled_from(["sips", "spis"]),
    "shuffle": st.booleans(),
    "direction_step": st.sampled_from([1, 10]),
    "tombstones": st.booleans(),
})
type_ids = st.sampled_from([None, {"SIP": "7", "Телефон": "3", "Автоответчик": "12", "Факс": "1"}])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(live=forward_lists, desired=forward_lists, other=forward_lists, knobs=quirks, types=type_ids)
def test_random_forwards_converge_with_the_fewest_calls(
    emulator_servers: Emulators, live: list[Forward], desired: list[Forward], other: list[Forward],
    knobs: dict[str, object], types: dict[str, str] | None,
) -> None:
    emu = emulator_servers
    emu.reset()
    emu.teleum.configure(**knobs)
    emu.teleum.add_account(EMAIL, PASSWORD, [N1, N2, N3], type_ids=types)
    emu.teleum.add_sip(EMAIL)
    emu.teleum.add_sip(EMAIL)
    before = set(add_forwards(emu, N1, live))
    add_forwards(emu, N3, other)

    converge(emu, make_account(emu.teleum_url, {N1: desired, N3: live}))

    ids = before | {f["id"] for f in emu.teleum.all_forwards(EMAIL, N1)}
    nid = number_id(emu, N1)
    made = [e for e in writes(emu) if e["params"].get("nid") == nid or
            (e["method"] in ("deleteForward", "moveForward") and e["params"].get("id") in ids)]
    wanted_live, wanted = [canonical(f) for f in live], [canonical(f) for f in desired]
    assert len(made) == brute_force_total(wanted_live, wanted)
    chosen = reconcile(wanted_live, wanted)
    order = [dict(chosen.kept)[i.index] if i.source == "live" else i.index for i in chosen.order_before_moves]
    assert sum(1 for e in made if e["method"] == "moveForward") == len(chosen.moves) == inversions_of(order)
    if desired:
        assert min(live_counts(emu, N1, before=len(live), ids=ids), default=1) >= 1


intervals = st.builds(Interval, st.integers(1, 7), st.integers(1, 7), st.integers(0, 1439), st.integers(0, 1439))


@given(forward=forwards, schedule=st.one_of(st.lists(intervals, max_size=3).map(tuple), st.just((FULL_WEEK,))),
       isolated=st.booleans())
def test_canonical_keeps_a_canonical_forward_and_spells_others_as_before(
        forward: Forward, schedule: tuple[Interval, ...], isolated: bool) -> None:
    """canonical's shortcuts (a forward already canonical, a schedule of at most one interval) give what the
    general spelling gives: isolated only for SIP, the schedule sorted, deduplicated, the whole week ALWAYS."""
    forward = replace(forward, schedule=schedule, isolated=isolated)
    spelled = sorted(set(schedule), key=lambda i: (i.first_day, i.last_day, i.start, i.end))
    expected = replace(forward, isolated=isolated and forward.target.kind is TargetKind.SIP,
                       schedule=ALWAYS if spelled == [FULL_WEEK] else tuple(spelled))
    assert canonical(forward) == expected
    assert canonical(expected) is expected
