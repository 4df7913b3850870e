"""Streaks by local date: current and longest run, automatic freezes, milestones, marks.

Pure functions over the set of local dates a member checked in on. A streak counts checked-in
days. A missed day is covered by a freeze when the day after it was checked in (or is today,
still open), the streak was running, and the missed day's ISO week still has a freeze left:
so a freeze covers exactly one missed day, and two missed days in a row always end the streak.
Today never breaks a streak: the member still has until local midnight.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

MILESTONES = (7, 30, 100)
DEFAULT_FREEZES = 1
MAX_FREEZES = 3
MARK_DONE = "✅"
MARK_FROZEN = "🧊"
MARK_MISSED = "▫"
MARK_OPEN = "⏳"  # today, not checked in yet
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Streak:
    current: int
    longest: int
    freezes_left: int  # in today's ISO week
    frozen: frozenset[date]  # missed days a freeze covered


def _week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def compute(dates: Iterable[date], today: date, freezes_per_week: int = DEFAULT_FREEZES) -> Streak:
    """The member's streaks as of their local `today`.

    Dates after `today` can exist when a member moved to a zone further west; they count.
    """
    done = set(dates)
    allowed = max(0, min(MAX_FREEZES, freezes_per_week))
    used: dict[tuple[int, int], int] = {}
    frozen: set[date] = set()
    run = longest = 0
    if done:
        day, end = min(done), max(max(done), today)
        while day <= end:
            if day in done:
                run += 1
                longest = max(longest, run)
            elif day != today:
                after = day + _DAY
                week = _week(day)
                if run and (after in done or after == today) and used.get(week, 0) < allowed:
                    used[week] = used.get(week, 0) + 1
                    frozen.add(day)
                else:
                    run = 0
            day += _DAY
    return Streak(
        current=run,
        longest=longest,
        freezes_left=allowed - used.get(_week(today), 0),
        frozen=frozenset(frozen),
    )


def milestone(before: Streak, after: Streak) -> int | None:
    """The milestone a check-in just reached, if any (an update of the same day reaches none)."""
    if after.current > before.current and after.current in MILESTONES:
        return after.current
    return None


def marks(dates: Iterable[date], streak: Streak, today: date, days: int = 14) -> str:
    """One mark per local day, oldest first, ending today."""
    done = set(dates)
    row = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        if day in done:
            row.append(MARK_DONE)
        elif day in streak.frozen:
            row.append(MARK_FROZEN)
        elif day == today:
            row.append(MARK_OPEN)
        else:
            row.append(MARK_MISSED)
    return "".join(row)


def pair_streak(a: Iterable[date], b: Iterable[date], today: date) -> int:
    """Consecutive local days on which both members checked in, ending today or yesterday.

    Each member's own local dates are used; no freezes apply to a pair.
    """
    both = set(a) & set(b)
    day = today if today in both else today - _DAY
    count = 0
    while day in both:
        count += 1
        day -= _DAY
    return count
