"""The outbox's lifecycle: messages expire instead of arriving stale, a backlog drains newest and
most urgent first, done rows are pruned, files are stored once, claims carry a lease."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.ports import Attachment, Message
from bot.shards import TenantShare
from bot.storage.outbox import LEASE, URGENT, Target, enqueue
from cogs import load_all
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say


async def _tenant_id(app: App) -> int:
    return (await app.tenants.ensure("test", "T1", "", app.clock.now())).id


async def _queue(
    app: App,
    key: str,
    *,
    to: str | None = None,
    expires_at: datetime | None = None,
    files: tuple[Attachment, ...] = (),
) -> None:
    tenant = await _tenant_id(app)
    async with app.db.transaction() as tx:
        await enqueue(
            tx,
            tenant,
            key,
            Target.dm(to or key),
            Message(key, files=files),
            app.clock.now(),
            expires_at=expires_at,
        )


async def test_reminders_queued_during_an_outage_expire_and_only_todays_go_out(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    """Three days without sending (the platform answered 429 throughout): the members get one
    reminder, today's, not three; yesterday's are dropped and recorded as expired."""
    for user in ("alice", "bob"):
        await say(app, "/checkin remind 19:00", user=user)
    messenger.sent.clear()
    for _ in range(3):
        clock.advance(timedelta(days=1))
        clock.set(clock.now().replace(hour=19, minute=5))
        await app.scheduler.run_due()  # ticks queue reminders; the sender never gets through
    assert await app.sender.drain() == 2
    assert sorted(s.target for s in messenger.sent) == ["alice", "bob"]
    counts = await app.outbox.counts()
    assert counts.get("expired") == 4 and counts.get("sent") == 2


async def test_a_backlog_goes_newest_first_but_the_urgent_before_all(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await _queue(app, "urgent-old", expires_at=clock.now() + URGENT / 2)
    for key in ("older", "newer", "newest"):
        clock.advance(timedelta(minutes=1))
        await _queue(app, key)
    await app.sender.drain()
    assert messenger.texts() == ["urgent-old", "newest", "newer", "older"]


async def test_one_targets_messages_keep_their_order(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    """An intro before the room's first check-in line, whatever the backlog order."""
    for key in ("first", "second", "third"):
        clock.advance(timedelta(seconds=1))
        await _queue(app, key, to="bob")
    await app.sender.drain()
    assert messenger.texts() == ["first", "second", "third"]


async def test_a_message_that_expires_while_claimed_is_dropped_not_sent(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await _queue(app, "late", expires_at=clock.now() + timedelta(seconds=30))
    (item,) = await app.outbox.claim_due(clock.now(), 10, app.process_id)
    clock.advance(timedelta(minutes=1))
    await app.outbox.release([item.id])
    assert await app.sender.drain() == 0
    assert messenger.sent == [] and (await app.outbox.counts()) == {"expired": 1}


async def test_done_messages_are_pruned_after_the_retention_and_files_with_them(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    chart = Attachment("chart.png", b"\x89PNG same bytes", "chart")
    await _queue(app, "old", files=(chart,))
    await app.sender.drain()
    clock.advance(timedelta(days=10))
    await _queue(app, "recent", files=(chart,))
    await app.sender.drain()
    stored = await app.db.fetchone("SELECT COUNT(*) AS n FROM attachments")
    assert stored is not None and stored["n"] == 1  # the same file, stored once
    clock.advance(timedelta(days=5))  # "old" is 15 days done, "recent" 5
    await app.prune(clock.now())
    assert (await app.outbox.by_key("old")) is None
    recent = await app.outbox.by_key("recent")
    assert recent is not None and recent.message.files == (chart,)
    clock.advance(timedelta(days=10))
    await app.prune(clock.now())
    left = await app.db.fetchone("SELECT COUNT(*) AS n FROM attachments")
    assert left is not None and left["n"] == 0


async def test_a_claim_with_a_live_lease_is_left_to_its_owner(app: App, clock: ManualClock) -> None:
    """Without the single-instance guarantee (several processes), only dead leases return."""
    await _queue(app, "claimed")
    await app.outbox.claim_due(clock.now(), 10, "other-process")
    assert await app.outbox.resume_interrupted(clock.now(), app.process_id, sole_sender=False) == 0
    clock.advance(timedelta(minutes=2))  # the other process stopped renewing: it died
    assert await app.outbox.resume_interrupted(clock.now(), app.process_id, sole_sender=False) == 1


class Died(BaseException):
    """The process stops here, as a SIGKILL would stop it: nothing after runs."""


async def test_a_room_opened_before_a_crash_is_found_again_not_opened_twice(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    tenant = await _tenant_id(app)
    async with app.db.transaction() as tx:
        await enqueue(
            tx,
            tenant,
            "intro",
            Target.room("r1", ("a", "b"), "Buddies #1"),
            Message("Hi!"),
            clock.now(),
        )

    async def die_before_recording(*args: object, **kwargs: object) -> None:
        raise Died

    app.outbox.save_room = die_before_recording  # type: ignore[method-assign]
    with pytest.raises(Died):
        await app.sender.drain()  # the platform opened the room; its id was never saved
    app.abandon_instance_lock()
    clock.advance(LEASE * 2)  # on PostgreSQL, where processes share the outbox, a lease must end
    restarted = await App.create(app.settings, clock, messenger, load_all())
    try:
        await restarted.start(background=False)
    finally:
        await restarted.close()
    assert len(messenger.rooms) == 1
    assert [s.message.text for s in messenger.sent] == ["Hi!"]


async def test_a_sender_with_a_share_claims_only_the_messages_of_its_communities(
    app: App, clock: ManualClock
) -> None:
    """Shard 1 of 2 claims its server's message; shard 0's and another platform's (whose ids
    are not numbers) stay queued for their own processes."""
    shard_0, shard_1 = str(4 << 22), str(7 << 22)
    for platform, external_id in (("discord", shard_0), ("discord", shard_1), ("slack", "T9")):
        tenant = await app.tenants.ensure(platform, external_id, "", clock.now())
        async with app.db.transaction() as tx:
            key = f"{platform}-{external_id}"
            await enqueue(tx, tenant.id, key, Target.dm("u"), Message(key), clock.now())
    share = TenantShare("discord", 2, frozenset({1}), 22)
    claimed = await app.outbox.claim_due(clock.now(), 10, app.process_id, share=share)
    assert [item.idem_key for item in claimed] == [f"discord-{shard_1}"]
    assert (await app.outbox.counts()) == {"pending": 2, "sending": 1}


async def test_a_sender_claims_only_the_messages_of_its_platform(
    app: App, clock: ManualClock
) -> None:
    """A Slack process and a Discord process on one database each send their own."""
    for platform, external_id in (("discord", "123"), ("slack", "T9")):
        tenant = await app.tenants.ensure(platform, external_id, "", clock.now())
        async with app.db.transaction() as tx:
            await enqueue(tx, tenant.id, platform, Target.dm("u"), Message(platform), clock.now())
    claimed = await app.outbox.claim_due(clock.now(), 10, app.process_id, platform="slack")
    assert [item.idem_key for item in claimed] == ["slack"]
    assert (await app.outbox.counts()) == {"pending": 1, "sending": 1}
