"""Properties of the week: windows cover every minute exactly once, equal neighbours are
merged, and the week agrees with the route at any moment (``--at``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from telconf.routing.model import Leg, route, week
from telconf.routing.moment import minute_of_week
from telconf.routing.steps import BLOCK, FAX, RING, VOICEMAIL, Step
from telconf.routing.week import DAY, DAY_NAMES, WEEK, clock

span = st.tuples(st.integers(1, 7), st.integers(1, 7), st.integers(0, DAY - 1), st.integers(0, DAY - 1)).map(
    lambda s: (min(s[0], s[1]), max(s[0], s[1]), min(s[2], s[3]), max(s[2], s[3])))
step = st.one_of(
    st.builds(lambda n, t: Step(RING, f"sip:{n}", seconds=t, caller_id="caller"), st.integers(100, 103),
              st.integers(5, 30)),
    st.just(Step(VOICEMAIL, "voicemail:box@example.com")),
    st.just(Step(FAX, "fax:fax@example.com")),
    st.builds(lambda callers: Step(BLOCK, callers=frozenset(callers)),
              st.sets(st.sampled_from(["79000000001", "79000000002"]), min_size=1)),
)
leg = st.builds(Leg, step, st.lists(span, max_size=3).map(tuple))
legs = st.lists(leg, max_size=5).map(tuple)
callers = st.sampled_from([None, "79000000001", "79000000003"])


@settings(max_examples=150, deadline=None)
@given(legs, callers)
def test_windows_cover_every_minute_of_the_week_exactly_once(found: tuple[Leg, ...], caller: str | None) -> None:
    covered = [0] * WEEK
    windows = week(found, caller)
    for window in windows:
        assert 0 <= window.start <= window.end < DAY
        for day in window.days:
            for minute in range(day * DAY + window.start, day * DAY + window.end + 1):
                covered[minute] += 1
    assert covered == [1] * WEEK
    # Equal neighbours are merged: on one day, consecutive windows differ.
    for day in range(7):
        today = sorted((w.start, w.end, w.value) for w in windows if day in w.days)
        for (_, end, value), (start, _, following) in zip(today, today[1:]):
            assert start == end + 1 and value != following


@settings(max_examples=150, deadline=None)
@given(legs, callers, st.lists(st.integers(0, WEEK - 1), min_size=1, max_size=20))
def test_the_week_agrees_with_the_route_at_any_moment(found: tuple[Leg, ...], caller: str | None,
                                                       minutes: list[int]) -> None:
    windows = week(found, caller)
    for minute in minutes:
        day, time = divmod(minute, DAY)
        (holding,) = [w for w in windows if day in w.days and w.start <= time <= w.end]
        moment = minute_of_week(f"{DAY_NAMES[day]} {clock(time)}")
        assert moment == minute
        assert holding.value == route(found, moment, caller)
