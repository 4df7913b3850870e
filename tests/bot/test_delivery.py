"""The outbox sender: pacing, retries, giving up, resuming; nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.delivery import OutboxSender
from bot.ports import (
    ChannelRef,
    Message,
    MessageRef,
    PermanentError,
    RateLimited,
    SendLimits,
    TransientError,
)
from bot.storage.models import Tenant
from bot.storage.outbox import LEASE, Target, cancel_pending, enqueue
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say


class FakeTime:
    """A monotonic clock that moves only when the sender sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def make_sender(
    app: App,
    messenger: RecordingMessenger,
    clock: ManualClock,
    *,
    rate: float = 0,
    attempts: int = 3,
    fake: FakeTime | None = None,
    in_flight: int = 1,
) -> OutboxSender:
    fake = fake or FakeTime()
    return OutboxSender(
        outbox=app.outbox,
        tenants=app.tenants,
        members=app.members,
        messenger=messenger,
        clock=clock,
        limits=SendLimits(per_second=rate, in_flight=in_flight),
        max_attempts=attempts,
        owner="test-sender",
        sleep=fake.sleep,
        monotonic=fake.monotonic,
    )


async def tenant_of(app: App, clock: ManualClock) -> Tenant:
    return await app.tenants.ensure("test", "T1", "", clock.now())


async def queue(app: App, clock: ManualClock, *keys: str, target: Target | None = None) -> None:
    tenant = await tenant_of(app, clock)
    async with app.db.transaction() as tx:
        for key in keys:
            await enqueue(
                tx, tenant.id, key, target or Target.channel("general"), Message(key), clock.now()
            )


async def test_a_key_queued_twice_is_sent_once(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "k1")
    await queue(app, clock, "k1")
    sender = make_sender(app, messenger, clock)
    assert await sender.drain() == 1
    assert await sender.drain() == 0
    assert messenger.texts() == ["k1"]


async def test_429_waits_out_retry_after_without_costing_an_attempt(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a")
    messenger.failures = [RateLimited(30), RateLimited(30), RateLimited(30)]
    sender = make_sender(app, messenger, clock, attempts=2)
    for _ in range(3):
        assert await sender.drain() == 0
        clock.advance(timedelta(seconds=29))
        assert await sender.drain() == 0 and messenger.texts() == []
        clock.advance(timedelta(seconds=1))
    assert await sender.drain() == 1
    item = await app.outbox.by_key("a")
    assert item is not None and item.status == "sent" and item.attempts == 1


async def test_429_pauses_the_messages_behind_it_too(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "first", "second", "third")
    messenger.failures = [RateLimited(10)]
    sender = make_sender(app, messenger, clock)
    assert await sender.drain() == 0
    assert messenger.texts() == []
    counts = await app.outbox.counts()
    assert counts == {"pending": 3}
    clock.advance(timedelta(seconds=10))
    assert await sender.drain() == 3
    assert messenger.texts() == ["first", "second", "third"]


async def test_429_with_zero_retry_after_does_not_spin(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a")
    messenger.failures = [RateLimited(0)]
    sender = make_sender(app, messenger, clock)
    assert await sender.drain() == 0
    clock.advance(timedelta(seconds=1))
    assert await sender.drain() == 1


async def test_500_then_success_is_retried_after_backoff(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a")
    messenger.failures = [TransientError("503 Service Unavailable")]
    sender = make_sender(app, messenger, clock)
    assert await sender.drain() == 0
    item = await app.outbox.by_key("a")
    assert item is not None and item.status == "pending" and "503" in (item.last_error or "")
    assert item.next_attempt_at == clock.now() + timedelta(seconds=2)
    clock.advance(timedelta(seconds=2))
    assert await sender.drain() == 1
    item = await app.outbox.by_key("a")
    assert item is not None and item.status == "sent" and item.attempts == 2
    assert messenger.texts() == ["a"]


async def test_permanent_failure_is_recorded_and_not_retried(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a")
    messenger.failures = [PermanentError("400 invalid form body")]
    sender = make_sender(app, messenger, clock)
    assert await sender.drain() == 0
    clock.advance(timedelta(hours=1))
    assert await sender.drain() == 0
    item = await app.outbox.by_key("a")
    assert item is not None and item.status == "failed"
    assert item.last_error == "PermanentError: 400 invalid form body"
    assert messenger.texts() == []


async def test_gives_up_after_max_attempts_with_the_error(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a")
    messenger.failures = [TransientError(f"502 try {n}") for n in range(1, 4)]
    sender = make_sender(app, messenger, clock, attempts=3)
    for _ in range(3):
        await sender.drain()
        clock.advance(timedelta(minutes=10))
    assert await sender.drain() == 0
    item = await app.outbox.by_key("a")
    assert item is not None and item.status == "failed" and item.attempts == 3
    assert item.last_error == "TransientError: 502 try 3"


async def test_an_unexpected_error_is_retried_not_stranded(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a")
    messenger.failures = [KeyError("adapter bug")]  # type: ignore[list-item]
    sender = make_sender(app, messenger, clock)
    assert await sender.drain() == 0
    item = await app.outbox.by_key("a")
    assert item is not None and item.status == "pending"
    clock.advance(timedelta(seconds=2))
    assert await sender.drain() == 1


async def test_restart_sends_interrupted_and_unsent_messages_once(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "caught-mid-send", "never-tried")
    # The first process claimed a row, then died before sending or marking it.
    claimed = await app.outbox.claim_due(clock.now(), 1, app.process_id)
    assert [i.idem_key for i in claimed] == ["caught-mid-send"]
    assert await app.outbox.counts() == {"pending": 1, "sending": 1}
    app.abandon_instance_lock()  # the first process died: the kernel dropped its lock
    # On PostgreSQL, whose processes share the outbox, a dead owner is one whose lease ended.
    clock.advance(LEASE * 2)
    restarted = await App.create(app.settings, clock, messenger, [])
    try:
        await restarted.start(background=False)
        assert sorted(messenger.texts()) == ["caught-mid-send", "never-tried"]
        assert await restarted.sender.drain() == 0
        assert await restarted.outbox.counts() == {"sent": 2}
    finally:
        await restarted.close()


class GatedSleep:
    """Pacing that blocks until the test opens the gate, and says when it is waiting."""

    def __init__(self) -> None:
        self.waiting = asyncio.Event()
        self.gate = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waiting.set()
        await self.gate.wait()


def gated_sender(
    app: App, messenger: RecordingMessenger, clock: ManualClock, gated: GatedSleep
) -> OutboxSender:
    return OutboxSender(
        outbox=app.outbox,
        tenants=app.tenants,
        members=app.members,
        messenger=messenger,
        clock=clock,
        limits=SendLimits(per_second=1),
        max_attempts=3,
        owner="test-sender",
        sleep=gated.sleep,
        monotonic=lambda: 0.0,
    )


async def test_a_cancelled_drain_puts_unsent_rows_back(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a", "b", "c")
    gated = GatedSleep()
    task = asyncio.create_task(gated_sender(app, messenger, clock, gated).drain())
    await asyncio.wait_for(gated.waiting.wait(), 5)  # "a" sent, "b" waits for its slot
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert messenger.texts() == ["a"]
    assert await app.outbox.counts() == {"sent": 1, "pending": 2}
    item = await app.outbox.by_key("b")
    assert item is not None and item.attempts == 0


async def test_stop_finishes_the_send_in_flight_then_ends_run_forever(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a", "b", "c")
    gated = GatedSleep()
    sender = gated_sender(app, messenger, clock, gated)
    task = asyncio.create_task(sender.run_forever(poll_seconds=60))
    await asyncio.wait_for(gated.waiting.wait(), 5)  # "a" sent, "b" in flight
    sender.stop()
    gated.gate.set()
    await asyncio.wait_for(task, 5)
    assert messenger.texts() == ["a", "b"]
    assert await app.outbox.counts() == {"sent": 2, "pending": 1}


async def test_pacing_holds_across_back_to_back_drains(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    fake = FakeTime()
    sender = make_sender(app, messenger, clock, rate=5, fake=fake)
    for key in ("a", "b", "c", "d"):
        await queue(app, clock, key)
        assert await sender.drain() == 1
    assert fake.slept == pytest.approx([0.2, 0.2, 0.2])
    assert fake.now == pytest.approx(1000.6)


async def test_pacing_within_one_drain(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    fake = FakeTime()
    await queue(app, clock, *[f"m{n}" for n in range(11)])
    sender = make_sender(app, messenger, clock, rate=5, fake=fake)
    assert await sender.drain() == 11
    assert fake.now - 1000.0 == pytest.approx(2.0)  # 11 sends at 5/s span 2 seconds


async def test_a_cancelled_message_is_not_sent(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a", "b")
    async with app.db.transaction() as tx:
        await tx.pipeline(cancel_pending("a", clock.now()))
    assert await make_sender(app, messenger, clock).drain() == 1
    assert messenger.texts() == ["b"]


async def test_closed_dms_mark_the_member_and_the_next_reply_says_so(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await say(app, "/profile show", user="bob")
    messenger.closed_dms.add("bob")
    await queue(app, clock, "dm", target=Target.dm("bob"))
    await app.sender.drain()
    item = await app.outbox.by_key("dm")
    assert item is not None and item.status == "failed"
    assert (item.last_error or "").startswith("dm_closed")
    tenant = await tenant_of(app, clock)
    bob = await app.members.find(tenant.id, "bob")
    assert bob is not None and bob.dm_closed
    reply = await say(app, "/profile show", user="bob")
    assert "your direct messages are closed" in reply.text
    again = await say(app, "/profile show", user="bob")
    assert "messages are closed" not in again.text


class CrowdedMessenger(RecordingMessenger):
    """Channel posts that land only once `crowd` of them are in flight together."""

    def __init__(self, crowd: int) -> None:
        super().__init__()
        self.crowd = crowd
        self.in_flight = 0
        self.most_in_flight = 0
        self.land = asyncio.Event()

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        if self.in_flight >= self.crowd:
            self.land.set()
        await self.land.wait()
        self.in_flight -= 1
        return await super().send(channel, message)


async def test_several_messages_are_in_flight_at_once(app: App, clock: ManualClock) -> None:
    messenger = CrowdedMessenger(crowd=3)  # one message at a time would never land
    for n in range(5):
        await queue(app, clock, f"m{n}", target=Target.channel(f"c{n}"))
    sender = make_sender(app, messenger, clock, in_flight=3)
    assert await asyncio.wait_for(sender.drain(), 5) == 5
    assert messenger.most_in_flight == 3


async def test_in_flight_sending_keeps_each_targets_order(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await queue(app, clock, "a1", "a2", "a3", target=Target.channel("a"))
    await queue(app, clock, "b1", "b2", target=Target.channel("b"))
    assert await make_sender(app, messenger, clock, in_flight=4).drain() == 5
    by_target = {t: [s.message.text for s in messenger.sent if s.target == t] for t in "ab"}
    assert by_target == {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"]}


async def test_a_429_stops_the_other_lanes_before_their_next_send(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    for n in range(6):
        await queue(app, clock, f"m{n}", target=Target.channel(f"c{n}"))
    messenger.failures = [RateLimited(10)]
    sender = make_sender(app, messenger, clock, rate=10, in_flight=2)
    sent = await sender.drain()
    assert sent <= 1  # at most the other lane's message, if it was already in flight
    assert (await app.outbox.counts())["pending"] == 6 - sent
