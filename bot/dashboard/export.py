"""CSV exports of the dashboard's tables (the csv module quotes every field that needs it)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from bot.dashboard.table import MemberTable
from bot.dashboard.views import Overview

WEEK_COLUMNS = (
    "first_day",
    "last_day",
    "active_members",
    "checked_in",
    "checkins",
    "minutes",
    "median_streak",
    "open_blockers",
)
MEMBER_COLUMNS = (
    "name",
    "last_checkin",
    "streak",
    "minutes_this_week",
    "buddy_status",
    "paused",
    "auto_paused",
    "in_rounds",
    "skills",
)
# A cell starting with one of these is a formula in a spreadsheet: a member named
# "=HYPERLINK(...)" must stay text when an organizer opens the file.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_YES_NO = {True: "yes", False: "no"}


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def weekly_csv(overview: Overview) -> str:
    """The overview's weeks, oldest first: one row each."""
    return _table(
        WEEK_COLUMNS,
        (
            (
                w.first.isoformat(),
                w.last.isoformat(),
                w.active_members,
                w.checked_in,
                w.checkins,
                w.minutes,
                w.median_streak,
                w.open_blockers,
            )
            for w in overview.weeks
        ),
    )


def members_csv(table: MemberTable) -> str:
    """The members table, by name; skills joined with '; '. Written from its columns, with no
    row object per member. Only the text members type (names, skills) can hold a formula; the
    rest is numbers, dates and words written here, left as they are (90,000 cells at 10,000
    members)."""
    statuses = {
        s: (s.text, _YES_NO[s.paused], _YES_NO[s.auto_paused], _YES_NO[s.in_rounds])
        for s in set(table.statuses)
    }
    skills = {s: _cell("; ".join(s)) for s in set(table.skills)}
    return _table(
        MEMBER_COLUMNS,
        (
            (_cell(name), day.isoformat() if day else "", streak, minutes, *statuses[s], skills[k])
            for name, day, streak, minutes, s, k in zip(
                table.names,
                table.last_checkins,
                table.streaks,
                table.minutes,
                table.statuses,
                table.skills,
                strict=True,
            )
        ),
    )
