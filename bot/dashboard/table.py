"""The members table as columns: every member's figures in name order, filtered and sorted by
the columns, each member made a `MemberRow` only when a page shows them.

At 10,000 members, building every row (and every row's week) for a page of 50 took a third of
the members page's time, and the CSV needs no row object at all (bot.dashboard.export).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, overload

import numpy as np

from bot.dashboard.views import MemberRow


@dataclass(frozen=True, eq=False)  # by identity: members share a few of these (bot.dashboard.read)
class BuddyStatus:
    """A member's buddy status as the table shows, filters and sorts it."""

    text: str  # what a person reads: "in rounds", "paused until 12 Dec", ...
    paused: bool
    auto_paused: bool
    in_rounds: bool

    @property
    def rank(self) -> int:
        """Its place when sorting by status: in rounds, paused, auto-paused, not, left."""
        if self.in_rounds:
            return 0
        if self.auto_paused:
            return 2
        if self.paused:
            return 1
        return 4 if self.text == "left rounds" else 3


_HAS_STATUS: dict[str, Callable[[BuddyStatus], bool]] = {
    "all": lambda s: True,
    "active": lambda s: s.in_rounds,
    "paused": lambda s: s.paused and not s.auto_paused,
    "auto-paused": lambda s: s.auto_paused,
    "not-in-rounds": lambda s: not s.in_rounds and not s.paused,
}


@dataclass(frozen=True, eq=False)
class MemberTable(Sequence[MemberRow]):
    """Every member's row, a column per field, one member per position, in name order (any
    case, then id). `table[i]` is the row at position i."""

    days: tuple[date, ...]  # the local days `weeks` covers
    member_ids: list[int]
    names: list[str]
    last_checkins: list[date | None]
    streaks: list[int]
    weeks: np.ndarray  # members x days: minutes logged (0: none given; -1: no check-in)
    statuses: list[BuddyStatus]
    skills: list[tuple[str, ...]]  # display names of the skills they are learning

    @classmethod
    def by_name(
        cls,
        days: tuple[date, ...],
        member_ids: Sequence[int],
        names: Sequence[str],
        last_checkins: Sequence[date | None],
        streaks: Sequence[int],
        weeks: np.ndarray,
        statuses: Sequence[BuddyStatus],
        skills: Sequence[tuple[str, ...]],
    ) -> MemberTable:
        """The table of these columns (one member per index, in any order), in name order."""
        order = [
            i
            for _, _, i in sorted(
                zip([n.casefold() for n in names], member_ids, range(len(names)), strict=True)
            )
        ]
        return cls(
            days=days,
            member_ids=[member_ids[i] for i in order],
            names=[names[i] for i in order],
            last_checkins=[last_checkins[i] for i in order],
            streaks=[streaks[i] for i in order],
            weeks=weeks[order],
            statuses=[statuses[i] for i in order],
            skills=[skills[i] for i in order],
        )

    @cached_property
    def minutes(self) -> list[int]:
        """Minutes logged this week, per member."""
        minutes: list[int] = np.maximum(self.weeks, 0).sum(axis=1).tolist()
        return minutes

    def __len__(self) -> int:
        return len(self.member_ids)

    @overload
    def __getitem__(self, index: int) -> MemberRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[MemberRow]: ...

    def __getitem__(self, index: int | slice) -> MemberRow | list[MemberRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        status = self.statuses[index]
        return MemberRow(
            member_id=self.member_ids[index],
            name=self.names[index],
            last_checkin=self.last_checkins[index],
            streak=self.streaks[index],
            minutes_week=self.minutes[index],
            buddy_status=status.text,
            paused=status.paused,
            auto_paused=status.auto_paused,
            in_rounds=status.in_rounds,
            skills=self.skills[index],
            week=tuple(None if m < 0 else m for m in self.weeks[index].tolist()),
        )

    def matching(self, status: str, search: str) -> list[int]:
        """Positions of the members with `status` (one of views.STATUSES; quiet: no check-in
        this week) whose name or a skill holds `search` in any case, in name order."""
        if status == "quiet":
            shown = np.flatnonzero((self.weeks < 0).all(axis=1)).tolist()
        else:
            test = _HAS_STATUS[status]
            passes = {s: test(s) for s in set(self.statuses)}
            shown = [i for i, s in enumerate(self.statuses) if passes[s]]
        needle = search.strip().casefold()
        if not needle:
            return shown
        names = self._folded_names
        in_skills = {s: any(needle in k.casefold() for k in s) for s in set(self.skills)}
        return [i for i in shown if needle in names[i] or in_skills[self.skills[i]]]

    def sorted_by(self, shown: list[int], sort: str, descending: bool) -> list[int]:
        """`shown` (positions in name order) sorted by `sort` (one of views.SORTS); members
        alike by it stay in name order."""
        if sort == "name":
            return sorted(shown, reverse=descending)
        return sorted(shown, key=self._sort_key(sort).__getitem__, reverse=descending)

    @cached_property
    def _folded_names(self) -> list[str]:
        return [n.casefold() for n in self.names]

    def _sort_key(self, sort: str) -> Sequence[Any]:
        """Each member's value to sort by `sort`, by position."""
        if sort == "last_checkin":
            return [d or date.min for d in self.last_checkins]
        if sort == "streak":
            return self.streaks
        if sort == "minutes":
            return self.minutes
        return [s.rank for s in self.statuses]
