"""The week as minutes, and windows: the same time ranges on one or more days.

Minute 0 is Monday 00:00, minute 10079 Sunday 23:59, in the account's local time. A
schedule span is ``(first_day, last_day, start, end)``: days 1 = Monday .. 7 = Sunday,
``start``..``end`` minutes after midnight, **both ends included** (the providers' and
the config's convention). Windows are computed at the points where anything may change
and nowhere else, so a week costs a handful of evaluations however long it is.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

DAY = 24 * 60
WEEK = 7 * DAY
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Span = tuple[int, int, int, int]
"""``(first_day, last_day, start, end)``: days 1..7, minutes 0..1439, both ends included."""

V = TypeVar("V", bound=Hashable)


@dataclass(frozen=True)
class Window(Generic[V]):
    """``value`` holds on each of ``days`` (0 = Monday) from ``start`` to ``end`` (minutes, end included)."""

    days: tuple[int, ...]
    start: int
    end: int
    value: V

    @property
    def whole_day(self) -> bool:
        return self.start == 0 and self.end == DAY - 1


def active(schedule: Sequence[Span], minute: int) -> bool:
    """Whether ``minute`` of the week is inside ``schedule`` (an empty schedule is always active)."""
    if not schedule:
        return True
    day, time = divmod(minute, DAY)
    day += 1
    return any(first <= day <= last and start <= time <= end for first, last, start, end in schedule)


def edges(schedules: Iterable[Sequence[Span]]) -> set[int]:
    """The minutes where any of ``schedules`` starts or stops being active (midnights included)."""
    points = {day * DAY for day in range(7)}
    for schedule in schedules:
        for first, last, start, end in schedule:
            for day in range(first - 1, last):
                points.add(day * DAY + start)
                if end + 1 < DAY:
                    points.add(day * DAY + end + 1)
    return points


def windows(points: Iterable[int], value_at: Callable[[int], V]) -> list[Window[V]]:
    """The week as windows: ``value_at`` evaluated once per piece between ``points``.

    Equal neighbours within a day merge; equal (start, end, value) on several days make one
    window. The result covers every minute of the week exactly once, ordered by first day and start.
    """
    cuts = sorted({p for p in points if 0 <= p < WEEK} | {day * DAY for day in range(7)}) + [WEEK]
    pieces: list[list[tuple[int, int, V]]] = [[] for _ in range(7)]
    for begin, stop in zip(cuts, cuts[1:]):
        day, start = divmod(begin, DAY)
        value = value_at(begin)
        today = pieces[day]
        if today and today[-1][2] == value:
            today[-1] = (today[-1][0], stop - day * DAY - 1, value)
        else:
            today.append((start, stop - day * DAY - 1, value))
    grouped: dict[tuple[int, int, V], list[int]] = {}
    for day, today in enumerate(pieces):
        for start, end, value in today:
            grouped.setdefault((start, end, value), []).append(day)
    found = [Window(tuple(days), start, end, value) for (start, end, value), days in grouped.items()]
    return sorted(found, key=lambda w: (w.days[0], w.start))


def clock(minutes: int) -> str:
    """``09:05`` for 545."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_list(days: Sequence[int]) -> str:
    """``mon-fri``, ``mon,wed``, ``mon-wed,sat``: runs of consecutive days as ranges."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(DAY_NAMES[r[0]] if len(r) == 1 else f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}" for r in runs)


def when(window: Window[V]) -> str:
    """``mon-fri 09:00–18:00``, or ``sat-sun`` for whole days."""
    days = day_list(window.days)
    return days if window.whole_day else f"{days} {clock(window.start)}–{clock(window.end)}"
