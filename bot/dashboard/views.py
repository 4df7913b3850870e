"""What each dashboard page shows, as plain frozen values (the web layer escapes all text)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

STATUSES = ("all", "active", "paused", "auto-paused", "not-in-rounds", "quiet")
SORTS = ("name", "last_checkin", "streak", "minutes", "status")


@dataclass(frozen=True)
class WeekFigures:
    """One digest week (or the week so far), with the digest's numbers for it."""

    first: date
    last: date
    active_members: int
    checked_in: int
    checkins: int
    minutes: int
    median_streak: float  # of the members who checked in in the week, as of its posting day
    open_blockers: int


@dataclass(frozen=True)
class Overview:
    community: str
    this_week: WeekFigures  # the digest's week so far, up to today
    last_week: WeekFigures  # the same days one week earlier, as the digest compares
    weeks: tuple[WeekFigures, ...]  # the last 8 complete digest weeks, oldest first
    draw: Callable[[Sequence[WeekFigures]], str]  # the chart of `weeks` (bot.dashboard.chart)

    @cached_property
    def chart_svg(self) -> str:
        """Those weeks' active members and minutes, an <svg> element: drawn when first asked
        for, so the weeks' CSV, which has no chart, does not wait a tenth of a second for it."""
        return self.draw(self.weeks)


@dataclass(frozen=True)
class MemberQuery:
    search: str = ""  # part of a name or a skill, any case
    status: str = "all"  # one of STATUSES; quiet: no check-in this week
    sort: str = "name"  # one of SORTS
    descending: bool = False
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class MemberRow:
    member_id: int
    name: str
    last_checkin: date | None
    streak: int
    minutes_week: int
    # what a person reads: "in rounds", "paused until 12 Dec", "auto-paused (missed 2
    # rounds)", "not in rounds", "left rounds"
    buddy_status: str
    paused: bool
    auto_paused: bool
    in_rounds: bool
    skills: tuple[str, ...]  # display names of the skills they are learning
    week: tuple[int | None, ...]  # minutes per local day of this week; None: no check-in


@dataclass(frozen=True)
class MembersPage:
    rows: tuple[MemberRow, ...]
    total: int  # rows matching the query, on every page
    page: int
    pages: int
    query: MemberQuery  # as applied: an unknown status or sort reads as the default
    days: tuple[date, ...] = ()  # the local days `MemberRow.week` covers


@dataclass(frozen=True)
class GroupView:
    names: tuple[str, ...]
    met: tuple[str, ...]  # answered "we met"
    not_met: tuple[str, ...]  # answered "we did not meet"
    no_answer: tuple[str, ...]
    shared_time: str | None  # "Tue 18:00-20:00 UTC"; None: no shared study time (or unknown)
    why: str  # "Why you were matched" from the group's intro, as sent ("" once pruned)


@dataclass(frozen=True)
class RoundSummary:
    number: int
    started: datetime
    groups: int
    met: int  # groups where someone answered "we met"
    without_shared_time: int  # groups the round found no study time in common for


@dataclass(frozen=True)
class RoundView:
    summary: RoundSummary
    groups: tuple[GroupView, ...]  # one page of them, in the order the round made them
    page: int
    pages: int


@dataclass(frozen=True)
class RoundsView:
    rounds: tuple[RoundSummary, ...]  # the recent ones, newest first
    shown: RoundView | None  # the round asked for (the latest by default); None: no such round
    waiting: tuple[str, ...]  # enrolled but not grouped by the latest round
    auto_paused: tuple[str, ...]  # paused by the bot until they resume


@dataclass(frozen=True)
class BlockerView:
    id: int
    member: str
    reported: date
    text: str
    skills: tuple[str, ...]  # display names of the skills it is tagged with
    routed_to: tuple[str, ...]  # peers the digest suggests, as it routes them
    solved: date | None


@dataclass(frozen=True)
class BlockerList:
    """One page of a list of blockers, newest first."""

    name: str  # "open", "routed" or "solved": what `?list=` pages
    items: tuple[BlockerView, ...]
    total: int
    page: int
    pages: int
    more: int  # after this page


@dataclass(frozen=True)
class BlockersView:
    open: BlockerList  # open, nobody to route to
    routed: BlockerList  # open, with peers who can help
    solved: BlockerList  # solved in the last BLOCKER_DAYS days


@dataclass(frozen=True)
class SettingRow:
    key: str
    value: str
    description: str
    command: str  # e.g. "/admin digest day:monday"
