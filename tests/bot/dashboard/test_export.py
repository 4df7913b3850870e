"""CSV exports: a header, one row per week or member, text a spreadsheet never runs."""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np

from bot.dashboard import Overview, WeekFigures, members_csv, weekly_csv
from bot.dashboard.export import WEEK_COLUMNS
from bot.dashboard.table import BuddyStatus, MemberTable


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


PAUSED = BuddyStatus("paused until 12 Dec", paused=True, auto_paused=False, in_rounds=False)


def members(*names: str, last_checkin: date | None = date(2026, 3, 4)) -> MemberTable:
    """A table of these members, each with the same figures: 3 days' streak, 90 minutes."""
    return MemberTable.by_name(
        days=(date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)),
        member_ids=list(range(1, len(names) + 1)),
        names=names,
        last_checkins=[last_checkin] * len(names),
        streaks=[3] * len(names),
        weeks=np.array([[30, -1, 60]] * len(names)),
        statuses=[PAUSED] * len(names),
        skills=[("Docker", "SQL")] * len(names),
    )


def test_weekly_csv_has_one_row_per_week_oldest_first() -> None:
    weeks = tuple(
        WeekFigures(date(2026, 3, d), date(2026, 3, d + 6), 40, 12, 50, 600, 2.5, 1) for d in (2, 9)
    )
    overview = Overview("Study group", weeks[-1], weeks[0], weeks, lambda _: "<svg/>")
    header, *rows = table(weekly_csv(overview))
    assert header == list(WEEK_COLUMNS)
    assert header[0] == "first_day" and header[-1] == "open_blockers"
    assert rows == [
        ["2026-03-02", "2026-03-08", "40", "12", "50", "600", "2.5", "1"],
        ["2026-03-09", "2026-03-15", "40", "12", "50", "600", "2.5", "1"],
    ]


def test_members_csv_writes_what_the_table_shows() -> None:
    rows = table(members_csv(members("Ben", 'Ana "the, great"')))
    assert rows[0][:3] == ["name", "last_checkin", "streak"]
    assert rows[1] == [
        'Ana "the, great"',
        "2026-03-04",
        "3",
        "90",
        "paused until 12 Dec",
        "yes",
        "no",
        "no",
        "Docker; SQL",
    ]
    assert rows[2][0] == "Ben"


def test_members_csv_leaves_a_member_who_never_checked_in_blank() -> None:
    rows = table(members_csv(members("Ben", last_checkin=None)))
    assert rows[1][:4] == ["Ben", "", "3", "90"]


def test_a_name_that_looks_like_a_formula_stays_text() -> None:
    rows = table(members_csv(members('=HYPERLINK("http://evil")', "-1+2")))
    assert rows[1][0] == "'-1+2"
    assert rows[2][0] == '\'=HYPERLINK("http://evil")'
