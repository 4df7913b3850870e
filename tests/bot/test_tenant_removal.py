"""A community the bot was removed from: its scheduled jobs stop, nothing queued is sent, and
adding the bot back (or a command from there) resumes everything with the data intact."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.ports import ChannelRef, Message
from bot.storage.outbox import Target, enqueue
from cogs.checkins.reminders import REMINDER_JOB
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say


async def a_day_of_reminders(app: App, clock: ManualClock, messenger: RecordingMessenger) -> int:
    job = next(j for j in app.jobs if j.name == REMINDER_JOB)
    seen = len(messenger.sent)
    for _ in range(24):
        clock.advance(timedelta(hours=1))
        await app.scheduler.run_job(job)
        await app.scheduler.run_job(job)  # a tick that runs twice
        await app.sender.drain()
    return len([s for s in messenger.sent[seen:] if s.kind == "dm"])


async def test_a_removed_community_gets_no_reminders_and_a_rejoin_resumes_them(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin remind 19:00")
    await app.tenant_removed("T1")
    assert await a_day_of_reminders(app, clock, messenger) == 0
    await app.tenant_added("T1", "Study Hall")
    assert await a_day_of_reminders(app, clock, messenger) == 1


async def test_a_removed_community_gets_no_digest(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/admin digest channel:#study day:monday time:09:00", admin=True)
    await app.tenant_removed("T1")
    clock.advance(timedelta(days=7))
    await app.scheduler.run_due()
    await app.sender.drain()
    assert [s for s in messenger.sent if s.kind == "channel"] == []


async def test_a_message_queued_before_the_removal_is_never_sent(
    app: App, messenger: RecordingMessenger
) -> None:
    await say(app, "/profile show")  # the community exists
    tenant = await app.tenants.find(app.platform, "T1")
    assert tenant is not None
    await app.tenant_removed("T1")
    async with app.db.transaction() as tx:
        await enqueue(tx, tenant.id, "k", Target.dm("alice"), Message("hi"), app.clock.now())
    await app.sender.drain()
    assert messenger.to("dm", "alice") == []


async def test_a_command_from_a_removed_community_brings_it_back(app: App) -> None:
    await say(app, "/profile show")
    await app.tenant_removed("T1")
    await say(app, "/profile show")
    tenant = await app.tenants.find(app.platform, "T1")
    assert tenant is not None and tenant.active


async def test_the_setup_message_goes_once_a_day_where_the_adapter_says(
    app: App, messenger: RecordingMessenger
) -> None:
    await app.tenant_added("T1", "Study Hall", ChannelRef("T1", "general"))
    await app.tenant_added("T1", "Study Hall", ChannelRef("T1", "general"))  # a replayed event
    await app.sender.drain()
    [welcome] = messenger.to("channel", "general")
    assert welcome.text.startswith("Thanks for adding studybot!")
    assert "/admin digest channel:#study" in welcome.text and "/help" in welcome.text
