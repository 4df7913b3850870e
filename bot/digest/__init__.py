"""The weekly digest, as pure values: what one community did in one week.

`bot/storage/digests.py` gathers a `WeekData` with a few set-based queries; `content.py` turns
it into the headline and the thread text, `chart.py` into a PNG. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.digest.week import Week


@dataclass(frozen=True)
class SkillStat:
    skill: str  # catalogue id
    checkins: int  # check-ins of the week that practised it
    members: int  # distinct members who practised it
    learners: int  # active members with it under "learning"


@dataclass(frozen=True)
class Run:
    """Consecutive local days a member checked in on (a streak may bridge runs with freezes)."""

    member_id: int
    first: date
    last: date


@dataclass(frozen=True)
class Blocker:
    """The blockers text of a member's latest check-in of the week (an open blocker)."""

    member_id: int
    local_date: date
    text: str
    checkin_skills: tuple[str, ...]


@dataclass(frozen=True)
class BuddyWeek:
    rounds: tuple[int, ...] = ()  # numbers of the rounds started in the week
    groups: int = 0
    met: int = 0  # groups where at least one member answered "we met"
    shoutouts: tuple[tuple[str, ...], ...] = ()  # groups where everyone said so: their names


@dataclass(frozen=True)
class WeekData:
    week: Week
    today: date  # the posting day: streaks are "current" as of it
    active_members: int
    checked_in: int
    checkins: int
    minutes: int
    previous_checked_in: int
    previous_minutes: int
    per_day: tuple[int, ...]  # check-ins on each day of the week
    skills: tuple[SkillStat, ...] = ()
    skill_days: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # per-day check-ins
    # minutes per day for each member who checked in (None: no check-in, 0: no minutes given);
    # only filled for communities small enough to chart one row per member.
    member_days: Mapping[int, tuple[int | None, ...]] = field(default_factory=dict)
    runs: tuple[Run, ...] = ()  # recent check-in runs of members who checked in this week
    freezes_per_week: int = 1
    comebacks: tuple[int, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    knows: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # willing helpers
    blocks: frozenset[tuple[int, int]] = frozenset()  # (blocker, blocked)
    buddies: BuddyWeek = BuddyWeek()
    new_members: tuple[int, ...] = ()
    names: Mapping[int, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.checkins == 0
