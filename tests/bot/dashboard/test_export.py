"""CSV exports: a header, one row per week or member, text a spreadsheet never runs."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.dashboard import MemberRow, Overview, WeekFigures, members_csv, weekly_csv
from bot.dashboard.export import WEEK_COLUMNS


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def member(name: str, **changes: object) -> MemberRow:
    values: dict[str, object] = {
        "member_id": 1,
        "name": name,
        "last_checkin": date(2026, 3, 4),
        "streak": 3,
        "minutes_week": 90,
        "buddy_status": "paused until 12 Dec",
        "paused": True,
        "auto_paused": False,
        "in_rounds": False,
        "skills": ("Docker", "SQL"),
        "week": (30, None, 60),
    }
    values.update(changes)
    return MemberRow(**values)  # type: ignore[arg-type]


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
    rows = table(members_csv([member('Ana "the, great"'), member("Ben", last_checkin=None)]))
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
    assert rows[2][1] == ""


def test_a_name_that_looks_like_a_formula_stays_text() -> None:
    rows = table(members_csv([member('=HYPERLINK("http://evil")'), member("-1+2")]))
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[2][0] == "'-1+2"
