"""Reminder back-off: a member who ignores a week of reminders is reminded weekly, once told."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.reminders import BACK_OFF_AFTER
from cogs.checkins.reminders import REMINDER_JOB
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say

WEEKLY_NOTE = "I'll remind you weekly from now on"


async def reminders_over(
    app: App, clock: ManualClock, messenger: RecordingMessenger, days: int, *, ticks: int = 1
) -> list[str]:
    """Tick the reminder job `ticks` times each hour for `days` days; the reminder DMs sent."""
    job = next(j for j in app.jobs if j.name == REMINDER_JOB)
    seen = len(messenger.sent)
    for _ in range(days * 24):
        clock.advance(timedelta(hours=1))
        for _ in range(ticks):
            await app.scheduler.run_job(job)
        await app.sender.drain()
    return [s.message.text for s in messenger.sent[seen:] if s.kind == "dm"]


async def test_28_silent_days_bring_7_daily_reminders_then_weekly_ones(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin remind 19:00")
    sent = await reminders_over(app, clock, messenger, 28, ticks=2)  # each tick twice
    # days 1-7 daily, then one a week after the seventh: days 14, 21 and 28
    assert len(sent) == BACK_OFF_AFTER + 3
    assert [WEEKLY_NOTE in text for text in sent] == [False] * 6 + [True] + [False] * 3
    assert "/checkin remind off" in sent[6]


async def test_a_check_in_brings_daily_reminders_back(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin remind 19:00")
    await reminders_over(app, clock, messenger, 9)
    status = await say(app, "/checkin remind")
    assert "once a week for now" in status.text
    await say(app, "/checkin did:back at it")
    assert "Your daily reminder is at 19:00" in (await say(app, "/checkin remind")).text
    # checked in today, so the next three days bring the next two days' reminders, daily
    assert len(await reminders_over(app, clock, messenger, 3)) == 2


async def test_choosing_a_time_again_ends_the_back_off(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin remind 19:00")
    await reminders_over(app, clock, messenger, 8)
    clock.set(clock.now().replace(hour=12))
    await say(app, "/checkin remind 20:00")
    sent = await reminders_over(app, clock, messenger, 2)
    assert len(sent) == 2 and not any(WEEKLY_NOTE in text for text in sent)
