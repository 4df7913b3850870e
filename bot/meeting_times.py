"""When a buddy group can meet: the study hours they share, concrete sessions in the coming
week, and how each member reads them in their own time (weekday included, because shared
hours often fall on different local days: Tokyo's Tuesday noon is Los Angeles' Monday evening).

Pure: profiles and instants in, windows and sentences out. Daily windows come from
`bot.matching.score.overlap_windows`, which applies each zone's daylight-saving rules for the
date at hand, so a week that crosses a clock change gets the right instants on each side.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from typing import NamedTuple

from bot.localtime import zone
from bot.matching.score import MatchProfile, overlap_windows
from bot.text import duration, join

Window = tuple[datetime, datetime]

SESSION = timedelta(hours=1)  # what a suggestion proposes: long enough to work through a task
MIN_SESSION = timedelta(minutes=30)  # shorter shared time is not worth proposing as a session
MAX_SESSIONS = 3
WEEK = timedelta(days=7)
_STEP = timedelta(minutes=30)  # suggestions start on the half hour

SET_HOURS = "/profile set hours:7pm-9pm"
NO_SHARED_HOURS_HELP = (
    "check in asynchronously (/buddy share checkins:yes puts each check-in in your room), "
    f"set your hours with {SET_HOURS}, or ask for another buddy with /buddy rematch"
)


class Person(NamedTuple):
    """A group member as the times are written for them."""

    name: str
    profile: MatchProfile


def intersect(xs: Sequence[Window], ys: Sequence[Window]) -> list[Window]:
    out = []
    for xs_, xe in xs:
        for ys_, ye in ys:
            lo, hi = max(xs_, ys_), min(xe, ye)
            if hi > lo:
                out.append((lo, hi))
    return sorted(out)


def shared_windows(members: Sequence[MatchProfile], on: date) -> list[Window] | None:
    """When the whole group studies at once on `on` (UTC); None if someone has no hours."""
    if any(m.hours is None for m in members):
        return None
    windows: list[Window] | None = None
    for a, b in combinations(members, 2):
        pair = overlap_windows(a, b, on)
        windows = pair if windows is None else intersect(windows, pair)
    return windows or []


def hours_of(windows: Sequence[Window]) -> float:
    return sum((e - s).total_seconds() for s, e in windows) / 3600


def local_windows(windows: Sequence[Window], zone_name: str, *, weekday: bool = False) -> str:
    """The windows as one member's wall-clock times ('Mon 19:00-21:00' with `weekday`)."""
    tz = zone(zone_name)
    day = "%a " if weekday else ""
    return ", ".join(f"{s.astimezone(tz):{day}%H:%M}-{e.astimezone(tz):%H:%M}" for s, e in windows)


def days_differ(instant: datetime, zones: Sequence[str]) -> bool:
    """Whether an instant falls on different local dates for these zones."""
    return len({instant.astimezone(zone(z)).date() for z in zones}) > 1


def _ceil(instant: datetime) -> datetime:
    """Up to the next half hour (a suggestion at 19:00 or 19:30, never 19:17)."""
    base = instant.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while base < instant:
        base += _STEP
    return base


def sessions(
    members: Sequence[MatchProfile],
    after: datetime,
    *,
    until: datetime | None = None,
    count: int = MAX_SESSIONS,
) -> list[Window] | None:
    """Up to `count` sessions the whole group can hold between `after` and `until` (a week
    by default), on different days spread over the span; None if someone has no hours.

    Each session starts when the shared window opens (or at the next half hour, if it is
    already open) and lasts `SESSION`, or the rest of the window if that is shorter.
    """
    if any(m.hours is None for m in members):
        return None
    end = until if until is not None else after + WEEK
    first = after.astimezone(UTC).date() - timedelta(days=1)  # a window may start the day before
    found: list[Window] = []
    day = first
    while datetime.combine(day, time(), tzinfo=UTC) < end:
        for s, e in shared_windows(members, day) or []:
            start = max(_ceil(s), _ceil(after))
            if start < end and e - start >= MIN_SESSION:
                found.append((start, min(e, start + SESSION)))
        day += timedelta(days=1)
    # One per local day of the first member, so "Tue, Thu, Sat" rather than three on Tuesday.
    here = zone(members[0].timezone)
    per_day: dict[date, Window] = {}
    for window in sorted(set(found)):
        per_day.setdefault(window[0].astimezone(here).date(), window)
    days = list(per_day.values())
    if len(days) <= count:
        return days
    # Spread over the span: the first, the last and evenly between.
    picks = sorted({round(i * (len(days) - 1) / (count - 1)) for i in range(count)})
    return [days[i] for i in picks]


def _at(window: Window, zone_name: str, *, weekday: bool = True) -> str:
    tz = zone(zone_name)
    s, e = window[0].astimezone(tz), window[1].astimezone(tz)
    return f"{s:%a %H:%M}-{e:%H:%M}" if weekday else f"{s:%H:%M}-{e:%H:%M}"


def session_for_room(window: Window, people: Sequence[Person]) -> str:
    """One session as a room reads it: each member's own weekday and time, members whose
    clocks agree named together ('Tue 19:00-20:00 for Ana and Ben; Wed 02:00-03:00 for Chen')."""
    by_text: dict[str, list[str]] = {}
    for p in people:
        by_text.setdefault(_at(window, p.profile.timezone), []).append(p.name)
    return "; ".join(f"{text} for {join(names)}" for text, names in by_text.items())


def session_for(window: Window, me: MatchProfile, others: Sequence[Person]) -> str:
    """One session as one member reads it: 'Tue 19:00-20:00 for you (Ana: Wed 02:00)', the
    other's weekday only when it is not the member's."""
    mine = window[0].astimezone(zone(me.timezone))
    theirs = []
    for p in others:
        local = window[0].astimezone(zone(p.profile.timezone))
        theirs.append(
            f"{p.name}: {local:%a %H:%M}"
            if local.date() != mine.date()
            else f"{p.name}: {local:%H:%M}"
        )
    suffix = f" ({', '.join(theirs)})" if theirs else ""
    return f"{_at(window, me.timezone)} for you{suffix}"


def pair_overlaps(people: Sequence[Person], on: date) -> list[tuple[Person, Person, float]]:
    """Hours each pair of the group shares on `on` (0 when either has no hours)."""
    return [
        (a, b, hours_of(overlap_windows(a.profile, b.profile, on)))
        for a, b in combinations(people, 2)
    ]


def pairwise_hours(people: Sequence[Person], on: date) -> str:
    """For a group of three without time all three share: who shares what, per pair
    ('Ana and Ben share 2 h; Cleo shares no hours with them')."""
    pairs = pair_overlaps(people, on)
    parts = [f"{a.name} and {b.name} share {duration(h * 60)}" for a, b, h in pairs if h > 0]
    apart = [(a, b) for a, b, h in pairs if h <= 0]
    alone = [
        p for p in people if sum(p in (a, b) for a, b in apart) == len(people) - 1
    ]  # shares nothing with anyone in the group
    for p in alone:
        parts.append(f"{p.name} shares no hours with {'them' if len(people) > 2 else 'you'}")
    for a, b in apart:
        if a not in alone and b not in alone:
            parts.append(f"{a.name} and {b.name} share no hours")
    return "; ".join(parts)


def hours_summary(people: Sequence[Person], on: date) -> str:
    """The group's daily shared study hours on `on`, in each member's own time, with the
    weekday when the shared time falls on different local days for them."""
    profiles = [p.profile for p in people]
    windows = shared_windows(profiles, on)
    if windows is None:
        return f"study hours: not everyone has set theirs ({SET_HOURS}), so agree on a time here"
    if not windows:
        if len(people) > 2:
            pairs = pairwise_hours(people, on)
            if any(h > 0 for _, _, h in pair_overlaps(people, on)):
                return f"no study hours all of you share ({pairs}): {NO_SHARED_HOURS_HELP}"
        own = "; ".join(f"{p.name} {_own_hours(p.profile)}" for p in people)
        return f"your study hours do not overlap ({own}): {NO_SHARED_HOURS_HELP}"
    weekday = days_differ(windows[0][0], [p.timezone for p in profiles])
    each = "; ".join(
        f"{p.name} {local_windows(windows, p.profile.timezone, weekday=weekday)}"
        f" ({p.profile.timezone})"
        for p in people
    )
    return f"{duration(hours_of(windows) * 60)} of study hours in common a day: {each}"


def _own_hours(profile: MatchProfile) -> str:
    assert profile.hours is not None
    return f"{profile.hours[0]:%H:%M}-{profile.hours[1]:%H:%M} ({profile.timezone})"
