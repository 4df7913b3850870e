"""The one sender that drains the outbox: paced at the platform's rate with several messages in
flight, retried with backoff, resumable after a crash."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.pacing import Monotonic, SendPacer, Sleep
from bot.ports import (
    ChannelKind,
    ChannelRef,
    DMsClosed,
    Forbidden,
    MessageRef,
    Messenger,
    MessengerError,
    PermanentError,
    RateLimited,
    SendLimits,
    UserRef,
)
from bot.shards import TenantShare
from bot.storage.members import MemberRepo
from bot.storage.outbox import LEASE, OutboxItem, OutboxRepo, backoff
from bot.storage.tenants import TenantRepo

log = logging.getLogger(__name__)

# Told when the platform refused a channel post for a missing permission (item, reason).
OnRefused = Callable[[OutboxItem, str], Awaitable[None]]
# A "retry after 0" would otherwise be retried in a tight loop.
MIN_PAUSE_SECONDS = 1.0


class OutboxSender:
    def __init__(
        self,
        *,
        outbox: OutboxRepo,
        tenants: TenantRepo,
        members: MemberRepo,
        messenger: Messenger,
        clock: Clock,
        limits: SendLimits,
        max_attempts: int,
        owner: str,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        batch: int = 100,
        on_refused: OnRefused | None = None,
    ) -> None:
        self._outbox = outbox
        self._tenants = tenants
        self._members = members
        self._messenger = messenger
        self._clock = clock
        self.owner = owner  # this process, as the outbox's claims name it
        # The communities whose messages this sender claims (None: every one); set by the
        # adapter of a process that runs some of a platform's shards (App.own_only).
        self.share: TenantShare | None = None
        self._pacer = SendPacer(limits, sleep=sleep, monotonic=monotonic)
        self._in_flight = max(1, limits.in_flight)
        self._max_attempts = max_attempts
        self._on_refused = on_refused
        self._paused_until: datetime | None = None  # after a 429, by the injected clock
        # Claim about a second of sends at a time: a claimed row is no longer cancellable.
        rate = int(limits.per_second)
        self._batch = max(self._in_flight, min(batch, rate)) if rate else batch
        self._wake = asyncio.Event()
        self._draining = asyncio.Lock()
        self._stopping = False

    def kick(self) -> None:
        """Something was queued: drain soon instead of at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the message in flight, then leave `run_forever` (a clean shutdown)."""
        self._stopping = True
        self._wake.set()

    async def drain(self) -> int:
        """Send everything due now; returns how many messages were delivered.

        A 429 pauses the whole sender until its Retry-After: it applies to what follows too
        (the messages already in flight still land).
        """
        sent = 0
        async with self._draining:  # two drains at once would only fight over pacing
            expired = await self._outbox.expire_due(self._clock.now())
            if expired:
                log.info("dropped %d queued message(s) that expired unsent", expired)
            while not self._halted():
                claimed_at = self._clock.now()
                items = await self._outbox.claim_due(
                    claimed_at, self._batch, self.owner, LEASE, self.share, self._messenger.platform
                )
                if not items:
                    break
                unsent = [item.id for item in items]
                try:
                    sent += await self._send_batch(items, unsent, claimed_at)
                finally:  # paused, cancelled or crashed mid-batch: unsent rows go back
                    await self._outbox.release(unsent)
        return sent

    async def _send_batch(self, items: list[OutboxItem], unsent: list[int], since: datetime) -> int:
        """Send a claimed batch with up to `in_flight` messages at once, in the batch's order.

        A batch holds at most one message per target (a row waits while an older one to its
        target is unsent), so sending its messages at once keeps every target's order.
        """
        waiting = iter(items)  # shared: each message is taken by one lane
        sent = 0
        claimed_at = since

        async def lane() -> None:
            nonlocal sent, claimed_at
            for item in waiting:
                if self._halted():
                    return
                claimed_at = await self._keep_lease(unsent, claimed_at)
                await self._pacer.turn(_target_key(item), dm=item.target.kind == "dm")
                if self._paused():  # a 429 came back while this one waited its turn
                    return
                unsent.remove(item.id)
                delivered = await self._deliver(item)  # not `sent += await`: lanes interleave
                sent += delivered

        # A TaskGroup: when one lane fails, the others stop before the batch is released.
        try:
            async with asyncio.TaskGroup() as lanes:
                for _ in range(min(self._in_flight, len(items))):
                    lanes.create_task(lane())
        except BaseExceptionGroup as failed:  # callers see the error itself, as with one lane
            raise failed.exceptions[0] from None
        return sent

    async def _keep_lease(self, item_ids: list[int], since: datetime) -> datetime:
        """Renew the claim on what is left of the batch once half its lease has passed."""
        now = self._clock.now()
        if now - since < LEASE / 2:
            return since
        await self._outbox.renew(item_ids, self.owner, now + LEASE)
        return now

    def _halted(self) -> bool:
        return self._paused() or self._stopping

    def _paused(self) -> bool:
        return self._paused_until is not None and self._clock.now() < self._paused_until

    async def run_forever(self, poll_seconds: float = 1.0) -> None:
        while not self._stopping:
            self._wake.clear()  # before draining, so a kick during the drain is not lost
            try:
                await self.drain()
            except Exception:  # the loop must outlive any one bad message
                log.exception("outbox drain failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), poll_seconds)

    async def _deliver(self, item: OutboxItem) -> int:
        """1 if the platform accepted the message, else 0 (retried later, or given up on)."""
        now = self._clock.now()
        if item.expires_at is not None and now >= item.expires_at:  # it aged while claimed
            await self._outbox.mark_expired(item.id, now)
            return 0
        try:
            ref = await self._send(item)
        except RateLimited as exc:
            # A 429 is the platform asking us to wait: the whole sender pauses, and the item
            # keeps its place in the queue without losing an attempt.
            log.warning("rate limited on outbox %s; retry in %.1fs", item.id, exc.retry_after)
            wait = max(MIN_PAUSE_SECONDS, exc.retry_after)
            self._paused_until = now + timedelta(seconds=wait)
            await self._outbox.retry_later(
                item.id, item.next_attempt_at, str(exc), count_attempt=False
            )
            return 0
        except DMsClosed as exc:
            await self._outbox.mark_failed(item.id, f"dm_closed: {exc}", now)
            member = await self._members.find(item.tenant_id, item.target.id)
            if member is not None:
                await self._members.set_dm_closed(member.id, True)
            return 0
        except Exception as exc:  # a port error, or an adapter bug: never strand the row
            if not isinstance(exc, MessengerError):
                log.exception("unexpected error sending outbox %s", item.id)
            retryable = exc.retryable if isinstance(exc, MessengerError) else True
            if retryable and item.attempts < self._max_attempts:
                await self._outbox.retry_later(item.id, now + backoff(item.attempts), str(exc))
            else:
                log.error("giving up on outbox %s after %d tries: %s", item.id, item.attempts, exc)
                await self._outbox.mark_failed(item.id, f"{type(exc).__name__}: {exc}", now)
                if (
                    isinstance(exc, Forbidden)
                    and item.target.kind == "channel"
                    and self._on_refused
                ):
                    await self._on_refused(item, str(exc))
            return 0
        await self._outbox.mark_sent(item.id, self._clock.now(), ref.id)
        return 1

    async def _send(self, item: OutboxItem) -> MessageRef:
        tenant = await self._tenants.get(item.tenant_id)
        if tenant is None:
            raise MessengerError(f"tenant {item.tenant_id} is gone")
        if not tenant.active:  # retrying against a removed install only earns 401s and 403s
            raise PermanentError("the bot was removed from this community")
        target = item.target
        if target.kind == "dm":
            return await self._messenger.send_dm(
                UserRef(tenant.external_id, target.id), item.message
            )
        if target.kind == "channel":
            channel = ChannelRef(tenant.external_id, target.id, ChannelKind.CHANNEL)
            return await self._messenger.send(channel, item.message)
        room_id = await self._outbox.room(item.tenant_id, target.id)
        if room_id is None:
            # The intent is recorded first: if this process dies after the platform opened the
            # room but before its id was saved, the next attempt finds that room again.
            retried = await self._outbox.begin_room(item.tenant_id, target.id, self._clock.now())
            members = [UserRef(tenant.external_id, m) for m in target.members]
            room = await self._messenger.open_room(
                tenant.external_id, members, target.title, reuse=retried
            )
            await self._outbox.save_room(item.tenant_id, target.id, room.id, room.kind)
            if room.fallback and self._on_refused:  # the members still get it, by DM
                await self._on_refused(item, room.fallback)
            room_id = room.id
        channel = ChannelRef(tenant.external_id, room_id, ChannelKind.ROOM, target.title)
        return await self._messenger.send(channel, item.message)


def _target_key(item: OutboxItem) -> Hashable:
    return (item.tenant_id, item.target.kind, item.target.id)
