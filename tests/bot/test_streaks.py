"""Streaks by local date: runs, freezes, milestones, marks, pair streaks."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.streaks import Streak, compute, marks, milestone, pair_streak

MON = date(2026, 3, 2)  # ISO week 10 starts


def days(*offsets: int) -> list[date]:
    return [MON + timedelta(days=o) for o in offsets]


def test_consecutive_days_count() -> None:
    s = compute(days(0, 1, 2), MON + timedelta(days=2))
    assert (s.current, s.longest) == (3, 3)


def test_today_not_yet_checked_in_keeps_the_streak() -> None:
    s = compute(days(0, 1, 2), MON + timedelta(days=3))
    assert s.current == 3 and s.frozen == frozenset()


def test_a_freeze_covers_one_missed_day_and_does_not_count() -> None:
    s = compute(days(0, 1, 3, 4), MON + timedelta(days=4))
    assert (s.current, s.longest) == (4, 4)
    assert s.frozen == frozenset(days(2)) and s.freezes_left == 0


def test_two_missed_days_in_a_row_break_the_streak() -> None:
    s = compute(days(0, 1, 4, 5), MON + timedelta(days=5), freezes_per_week=3)
    assert (s.current, s.longest) == (2, 2) and s.frozen == frozenset()


def test_a_second_missed_day_in_the_same_week_breaks_the_streak() -> None:
    s = compute(days(0, 2, 4, 5), MON + timedelta(days=5))
    assert s.frozen == frozenset(days(1))
    assert (s.current, s.longest) == (2, 2)


def test_each_iso_week_has_its_own_freeze() -> None:
    # missed Wednesday of week 10 and Tuesday of week 11
    s = compute(days(0, 1, 3, 4, 5, 6, 7, 9, 10), MON + timedelta(days=10))
    assert s.frozen == frozenset(days(2, 8))
    assert s.current == 9


def test_missed_sunday_and_monday_are_two_days_in_a_row() -> None:
    s = compute(days(4, 5, 8, 9), MON + timedelta(days=9))
    assert s.current == 2


def test_the_community_can_allow_more_freezes() -> None:
    dates = days(0, 2, 4, 6)
    assert compute(dates, MON + timedelta(days=6), freezes_per_week=3).current == 4
    one = compute(dates, MON + timedelta(days=6), freezes_per_week=1)
    assert (one.current, one.longest) == (1, 2)


def test_zero_freezes_means_any_missed_day_breaks() -> None:
    s = compute(days(0, 1, 3), MON + timedelta(days=3), freezes_per_week=0)
    assert (s.current, s.longest, s.freezes_left) == (1, 2, 0)


def test_yesterday_missed_is_covered_while_today_is_open() -> None:
    s = compute(days(0, 1, 2), MON + timedelta(days=4))
    assert s.current == 3 and s.frozen == frozenset(days(3))


def test_missing_yesterday_and_the_day_before_ends_the_streak() -> None:
    s = compute(days(0, 1, 2), MON + timedelta(days=5))
    assert (s.current, s.longest) == (0, 3)


def test_longest_survives_a_break() -> None:
    s = compute(days(0, 1, 2, 3, 4, 8, 9), MON + timedelta(days=9))
    assert (s.current, s.longest) == (2, 5)


def test_a_date_after_today_from_moving_west_still_counts() -> None:
    s = compute(days(0, 1, 2), MON + timedelta(days=1))
    assert s.current == 3


def test_no_check_ins() -> None:
    assert compute([], MON) == Streak(0, 0, 1, frozenset())


def test_milestones_are_reached_once() -> None:
    six = compute(days(*range(6)), MON + timedelta(days=6))
    seven = compute(days(*range(7)), MON + timedelta(days=6))
    assert milestone(six, seven) == 7
    assert milestone(seven, seven) is None  # updating today's check-in
    eight = compute(days(*range(8)), MON + timedelta(days=7))
    assert milestone(seven, eight) is None


def test_thirty_and_a_hundred_are_milestones() -> None:
    for n in (30, 100):
        before = compute(days(*range(n - 1)), MON + timedelta(days=n - 1), freezes_per_week=0)
        after = compute(days(*range(n)), MON + timedelta(days=n - 1), freezes_per_week=0)
        assert milestone(before, after) == n


def test_marks_show_done_frozen_missed_and_open_today() -> None:
    dates = days(10, 11, 13)
    today = MON + timedelta(days=14)
    row = marks(dates, compute(dates, today), today, days=6)
    assert row == "▫✅✅🧊✅⏳"


def test_pair_streak_counts_days_both_checked_in() -> None:
    a = days(0, 1, 2, 3, 4)
    b = days(1, 2, 3, 4)
    assert pair_streak(a, b, MON + timedelta(days=4)) == 4
    assert pair_streak(a, b, MON + timedelta(days=5)) == 4  # today still open
    assert pair_streak(a, days(0, 1, 3, 4), MON + timedelta(days=4)) == 2
    assert pair_streak(a, b, MON + timedelta(days=7)) == 0


@given(st.sets(st.integers(0, 60)), st.integers(0, 70), st.integers(0, 3))
def test_invariants(offsets: set[int], today_offset: int, freezes: int) -> None:
    # at most one local date after today: moving west shifts the calendar by under 26 hours
    dates = days(*(o for o in offsets if o <= today_offset + 1))
    today = MON + timedelta(days=today_offset)
    s = compute(dates, today, freezes)
    assert 0 <= s.current <= s.longest <= len(dates)
    assert 0 <= s.freezes_left <= freezes
    assert not (s.frozen & set(dates))
    with_today = compute([*dates, today], today, freezes)
    assert with_today.current >= s.current
