"""The reminder rules: daily until ignored a week, then weekly until the next check-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.reminders import BACK_OFF_AFTER, due
from bot.storage.checkins import ReminderCandidate

TODAY = date(2026, 3, 16)
NOW = datetime(2026, 3, 16, 20, 0, tzinfo=UTC)  # after the 19:00 reminder, UTC


def candidate(
    *,
    ignored: int = 0,
    last_reminded: date | None = None,
    last_checkin: date | None = None,
    weekly_from: date | None = None,
) -> ReminderCandidate:
    return ReminderCandidate(
        member_id=1,
        external_id="alice",
        display_name="Alice",
        remind_at=time(19),
        since=datetime(2026, 3, 1, tzinfo=UTC),
        timezone="UTC",
        platform_timezone=None,
        last_checkin=last_checkin,
        last_reminded=last_reminded,
        ignored=ignored,
        weekly_from=weekly_from,
    )


def test_the_seventh_ignored_reminder_is_the_one_that_turns_weekly() -> None:
    yesterday = TODAY - timedelta(days=1)
    [sixth] = due([candidate(ignored=BACK_OFF_AFTER - 2, last_reminded=yesterday)], NOW, None)
    [seventh] = due([candidate(ignored=BACK_OFF_AFTER - 1, last_reminded=yesterday)], NOW, None)
    assert not sixth.turns_weekly and seventh.turns_weekly


def test_weekly_reminders_wait_a_week_after_the_last_one() -> None:
    switched = TODAY - timedelta(days=6)
    waiting = candidate(ignored=7, last_reminded=switched, weekly_from=switched)
    assert due([waiting], NOW, None) == []
    week = TODAY - timedelta(days=7)
    [again] = due([candidate(ignored=7, last_reminded=week, weekly_from=week)], NOW, None)
    assert not again.turns_weekly  # said once, when it switched


def test_a_check_in_since_the_switch_brings_daily_reminders_back() -> None:
    switched = TODAY - timedelta(days=5)
    back = candidate(
        last_reminded=TODAY - timedelta(days=1),
        last_checkin=switched + timedelta(days=1),
        weekly_from=switched,
    )
    assert [d.member_id for d in due([back], NOW, None)] == [1]
