"""The weekly digest, as pure values: what one community did in one week.

`bot/storage/digests.py` gathers a `WeekData` with a few set-based queries; `content.py` turns
it into the headline and the thread text, `chart.py` into a PNG. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from bot.digest.week import Week

HISTORY_DAYS = 400  # streaks are counted this far back; a longer one shows as "400+ days"


@dataclass(frozen=True)
class SkillStat:
    skill: str  # catalogue id
    checkins: int  # check-ins of the week that practised it
    learners: int  # active members with it under "learning"


@dataclass(frozen=True, eq=False)
class History:
    """Recent check-in days of the members who checked in between the week's first day and the
    posting day: two parallel integer arrays sorted by (member, day), days as date ordinals.

    Arrays rather than objects because a large community has hundreds of thousands of them;
    `since` is the first day looked at, so streaks reaching back to it may be longer.
    """

    members: np.ndarray
    days: np.ndarray
    since: date

    @classmethod
    def empty(cls, since: date) -> History:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), since)

    def members_between(self, first: date, last: date) -> np.ndarray:
        """Distinct members with a check-in from `first` to `last` (inclusive), sorted: the
        members are in order already, so each one's first entry is kept (np.unique would
        sort 400,000 of them again)."""
        inside = self.members[(self.days >= first.toordinal()) & (self.days <= last.toordinal())]
        return inside[np.r_[True, inside[1:] != inside[:-1]]] if inside.size else inside

    def cut(self, first: date, today: date, since: date | None = None) -> History:
        """What a history read for (`first`, `today`) holds, cut out of this longer one: the
        members with a check-in from `first` to `today`, their days from `since` (the
        HISTORY_DAYS before `today` unless given) up to it."""
        since = today - timedelta(days=HISTORY_DAYS) if since is None else since
        assert self.since <= since, "the days asked for are not all in this history"
        up_to_today = self.days <= today.toordinal()
        checked_in = np.zeros(int(self.members.max(initial=0)) + 1, bool)  # a lookup: no sort
        checked_in[self.members[(self.days >= first.toordinal()) & up_to_today]] = True
        keep = (self.days >= since.toordinal()) & up_to_today & checked_in[self.members]
        return History(self.members[keep], self.days[keep], since)


@dataclass(frozen=True)
class Blocker:
    """An open blocker: reported in the BLOCKER_DAYS up to the week's last day and not marked
    solved by then (`blockers` rows, migration 0009)."""

    id: int  # what `/checkin solved blocker:ID` takes
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
class PathCount:
    """How many members are on one learning path, and at which milestone (counts only: the
    digest never says who is behind)."""

    path: str  # the path's name
    members: int
    at: tuple[tuple[str, int], ...]  # (milestone title, members working on it), path order
    finished: int = 0  # members who reached every milestone


@dataclass(frozen=True)
class PathWeek:
    """Learning paths in the week: where members are, what they reached, their projects."""

    on_paths: tuple[PathCount, ...] = ()
    reached: tuple[tuple[int, str], ...] = ()  # (member, milestone title) reached in the week
    submitted: tuple[int, ...] = ()  # members who submitted a project for review in the week
    reviewed: int = 0  # projects that got a review in the week
    reviewers: tuple[int, ...] = ()  # members who wrote one


@dataclass(frozen=True)
class WeekData:
    week: Week
    today: date  # the posting day: streaks are "current" as of it
    active_members: int
    checked_in: int  # active members with a check-in in the week
    checkins: int
    minutes: int
    previous_checked_in: int
    previous_minutes: int
    per_day: tuple[int, ...]  # check-ins on each day of the week
    history: History
    skills: tuple[SkillStat, ...] = ()
    skill_days: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # per-day check-ins
    # minutes per day for each member who checked in (None: no check-in, 0: no minutes given);
    # only filled when asked for (`DigestRepo.week(member_rows=...)`): the organizer's dashboard
    # shows it; public posts never do, since it says who missed which day.
    member_days: Mapping[int, tuple[int | None, ...]] = field(default_factory=dict)
    freezes_per_week: int = 1
    blockers: tuple[Blocker, ...] = ()
    knows: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # willing helpers
    blocks: frozenset[tuple[int, int]] = frozenset()  # (blocker, blocked)
    buddies: BuddyWeek = BuddyWeek()
    new_members: tuple[int, ...] = ()
    names: Mapping[int, str] = field(default_factory=dict)
    paths: PathWeek = PathWeek()

    @property
    def empty(self) -> bool:
        return self.checkins == 0
