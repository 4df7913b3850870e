from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.digest.week import (
    due_week,
    last_full_week,
    latest_slot,
    next_slot,
    week_at,
    week_before,
    week_so_far,
)

BERLIN = ZoneInfo("Europe/Berlin")  # clocks go forward on Sunday 2026-03-29, back on 2026-10-25
NEW_YORK = ZoneInfo("America/New_York")  # forward on Sunday 2026-03-08
MONDAY = 0


def test_a_week_is_the_seven_local_days_before_the_posting_day() -> None:
    week = week_before(date(2026, 3, 9), BERLIN)
    assert (week.first, week.last) == (date(2026, 3, 2), date(2026, 3, 8))
    assert week.days[0] == date(2026, 3, 2) and len(week.days) == 7
    assert week.key == "2026-W11"


def test_week_spanning_spring_forward_is_167_hours_of_local_days() -> None:
    week = week_before(date(2026, 3, 30), BERLIN)
    assert week.starts_at.astimezone(UTC) == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)  # CET
    assert week.ends_at.astimezone(UTC) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # CEST
    assert week.ends_at - week.starts_at == timedelta(hours=167)


def test_week_spanning_fall_back_is_169_hours() -> None:
    week = week_before(date(2026, 10, 26), BERLIN)
    assert week.starts_at.astimezone(UTC) == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)  # CEST
    assert week.ends_at.astimezone(UTC) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # CET
    assert week.ends_at - week.starts_at == timedelta(hours=169)


def test_posting_instant_decides_the_week_by_the_community_date() -> None:
    # 03:30 UTC on Monday 9 March is still Sunday 8 March evening in New York.
    week = week_at(datetime(2026, 3, 9, 3, 30, tzinfo=UTC), NEW_YORK)
    assert (week.first, week.last) == (date(2026, 3, 1), date(2026, 3, 7))


def test_the_monday_slot_moves_in_utc_across_dst_but_stays_at_local_nine() -> None:
    before = latest_slot(datetime(2026, 3, 3, tzinfo=UTC), MONDAY, time(9), NEW_YORK)
    after = latest_slot(datetime(2026, 3, 10, tzinfo=UTC), MONDAY, time(9), NEW_YORK)
    assert before == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # EST
    assert after == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # EDT
    assert after.astimezone(NEW_YORK).hour == 9


def test_a_slot_in_the_skipped_hour_still_happens_that_day() -> None:
    sunday = 6
    slot = latest_slot(datetime(2026, 3, 29, 12, tzinfo=UTC), sunday, time(2, 30), BERLIN)
    assert slot.astimezone(BERLIN).date() == date(2026, 3, 29)


def test_latest_slot_is_at_or_before_now() -> None:
    slot_time = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert latest_slot(slot_time, MONDAY, time(9), ZoneInfo("UTC")) == slot_time
    earlier = latest_slot(slot_time - timedelta(minutes=1), MONDAY, time(9), ZoneInfo("UTC"))
    assert earlier == slot_time - timedelta(days=7)


def test_next_slot_is_the_first_at_or_after_now() -> None:
    now = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # Monday after 09:00
    assert next_slot(now, MONDAY, time(9), ZoneInfo("UTC")) == datetime(2026, 3, 9, 9, tzinfo=UTC)
    assert next_slot(now, MONDAY, time(13), ZoneInfo("UTC")) == now


def test_nothing_is_due_before_the_schedule_was_armed() -> None:
    armed = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
    now = armed + timedelta(hours=1)
    assert due_week(now, MONDAY, time(9), ZoneInfo("UTC"), armed) is None
    assert due_week(now, MONDAY, time(9), ZoneInfo("UTC"), None) is None


def test_a_missed_slot_stays_due_until_the_next_one() -> None:
    armed = datetime(2026, 3, 1, tzinfo=UTC)
    utc = ZoneInfo("UTC")
    late = due_week(datetime(2026, 3, 15, 8, 59, tzinfo=UTC), MONDAY, time(9), utc, armed)
    assert late is not None and late.key == "2026-W11"
    nxt = due_week(datetime(2026, 3, 16, 9, 0, tzinfo=UTC), MONDAY, time(9), utc, armed)
    assert nxt is not None and nxt.key == "2026-W12"


def test_the_week_so_far_runs_from_the_latest_posting_day_to_today() -> None:
    week = week_so_far(date(2026, 12, 2), MONDAY, BERLIN)  # a Wednesday
    assert week.days == (date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2))
    assert not week.complete
    assert week.key == "2026-W50"  # the digest that will report on it


def test_on_the_posting_day_the_week_so_far_is_that_day() -> None:
    week = week_so_far(date(2026, 11, 30), MONDAY, BERLIN)
    assert week.days == (date(2026, 11, 30),)


def test_a_week_so_far_is_compared_with_as_many_days_a_week_earlier() -> None:
    before = week_so_far(date(2026, 12, 2), MONDAY, BERLIN).previous()
    assert (before.first, before.last) == (date(2026, 11, 23), date(2026, 11, 25))


def test_the_last_full_week_is_the_latest_posting_days_seven() -> None:
    week = last_full_week(date(2026, 12, 2), MONDAY, BERLIN)
    assert (week.first, week.last) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week.complete and week == week_before(date(2026, 11, 30), BERLIN)
