"""The members table as columns: name order, filters and sorts over the columns, a row made for
a position when asked."""

from __future__ import annotations

from datetime import date

import numpy as np

from bot.dashboard.table import BuddyStatus, MemberTable

IN_ROUNDS = BuddyStatus("in rounds", paused=False, auto_paused=False, in_rounds=True)
PAUSED = BuddyStatus("paused until 12 Dec", paused=True, auto_paused=False, in_rounds=False)
DAYS = (date(2026, 3, 2), date(2026, 3, 3))


def table() -> MemberTable:
    """Given in id order: cara (id 1), Ana (2), bob (3), ana (4)."""
    return MemberTable.by_name(
        days=DAYS,
        member_ids=[1, 2, 3, 4],
        names=["cara", "Ana", "bob", "ana"],
        last_checkins=[date(2026, 3, 3), None, date(2026, 3, 2), date(2026, 3, 3)],
        streaks=[2, 0, 5, 2],
        weeks=np.array([[10, 20], [-1, -1], [0, -1], [-1, 45]]),
        statuses=[IN_ROUNDS, IN_ROUNDS, PAUSED, IN_ROUNDS],
        skills=[("SQL",), (), ("Docker", "SQL"), ("Git",)],
    )


def test_members_are_in_name_order_in_any_case_then_by_id() -> None:
    assert table().names == ["Ana", "ana", "bob", "cara"]
    assert table().member_ids == [2, 4, 3, 1]


def test_a_row_shows_the_members_figures_and_none_for_a_day_without_a_checkin() -> None:
    cara = table()[3]
    assert (cara.name, cara.streak, cara.minutes_week, cara.week) == ("cara", 2, 30, (10, 20))
    bob = table()[2]
    assert (bob.buddy_status, bob.paused, bob.skills, bob.week) == (
        "paused until 12 Dec",
        True,
        ("Docker", "SQL"),
        (0, None),
    )


def test_members_alike_by_the_sort_stay_in_name_order_either_way() -> None:
    members = table()
    by_streak = members.sorted_by(list(range(len(members))), "streak", descending=True)
    assert [members.names[i] for i in by_streak] == ["bob", "ana", "cara", "Ana"]
    by_day = members.sorted_by(list(range(len(members))), "last_checkin", descending=False)
    assert [members.names[i] for i in by_day] == ["Ana", "bob", "ana", "cara"]


def test_filters_and_search_keep_name_order() -> None:
    members = table()
    assert [members.names[i] for i in members.matching("active", "")] == ["Ana", "ana", "cara"]
    assert [members.names[i] for i in members.matching("all", "sql")] == ["bob", "cara"]
    assert [members.names[i] for i in members.matching("quiet", "")] == ["Ana"]
    assert members.matching("paused", "ANA") == []
