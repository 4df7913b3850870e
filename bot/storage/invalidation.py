"""Caches that stay correct when several processes share one database.

A write that changes a cached row publishes an invalidation in its transaction
(`Tx.publish(topic, key)`); every process applies the invalidations it receives to its
repositories (`Database.on_invalidation`). On PostgreSQL an invalidation is a `NOTIFY` on
`CHANNEL`, which PostgreSQL delivers only once the transaction commits; each process LISTENs
on one connection of its own (`Listener`). SQLite has one process, so nothing is published.

Invalidations can be missed (the listening connection dropped, a notification arrived after a
read that was already under way stored its row): a dropped listener drops every cache, and
every cached entry expires after `EXPIRY_SECONDS` as a safety net.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, Literal, Protocol, TypeVar

import asyncpg

log = logging.getLogger(__name__)

CHANNEL = "studybot_cache"
LISTENER_NAME = "studybot cache listener"
"""The listening connection's application_name (pg_stat_activity shows it)."""
EXPIRY_SECONDS = 30.0
RECONNECT_FIRST_DELAY = 0.1
RECONNECT_MAX_DELAY = 5.0

Topic = Literal["tenant", "settings", "member"]
"""What an invalidation names: a tenant row, a tenant's settings, a member row (by row id)."""
TOPICS: tuple[Topic, ...] = ("tenant", "settings", "member")


def encode(topic: Topic, key: int) -> str:
    return f"{topic}:{key}"


def decode(payload: str) -> tuple[Topic, int] | None:
    """The topic and key of a notification; None for one this version does not know."""
    topic, _, key = payload.partition(":")
    for known in TOPICS:
        if topic == known and key.isdecimal():
            return known, int(key)
    return None


class Subscriber(Protocol):
    """A cache that applies invalidations (a repository)."""

    def invalidate(self, topic: Topic, key: int) -> None:
        """Forget what `topic` names by `key`, if cached."""

    def invalidate_all(self) -> None:
        """Forget everything: invalidations may have been missed."""


class Subscribers:
    """The caches of one process, in the order they subscribed."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def add(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def deliver(self, payload: str) -> None:
        decoded = decode(payload)
        if decoded is None:
            log.warning("ignored a cache invalidation this version does not know: %r", payload)
            return
        for subscriber in self._subscribers:
            subscriber.invalidate(*decoded)

    def reset(self) -> None:
        for subscriber in self._subscribers:
            subscriber.invalidate_all()


K = TypeVar("K")
V = TypeVar("V")


class Expiring(Generic[K, V]):
    """A dict whose entries are stale `EXPIRY_SECONDS` after they were stored.

    Durations come from a monotonic clock (a wall clock may jump); tests pass their own.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._kept: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        kept = self._kept.get(key)
        if kept is None or self._monotonic() - kept[0] >= EXPIRY_SECONDS:
            return None
        return kept[1]

    def put(self, key: K, value: V) -> None:
        self._kept[key] = (self._monotonic(), value)

    def pop(self, key: K) -> V | None:
        kept = self._kept.pop(key, None)
        return kept[1] if kept is not None else None

    def clear(self) -> None:
        self._kept.clear()


class Listener:
    """One connection that LISTENs on `CHANNEL` and hands each notification to `subscribers`.

    When the connection drops it reconnects (with growing delays) and drops every cache, both
    when it notices the drop and once it listens again: notifications sent meanwhile are lost.
    """

    def __init__(
        self, connect: Callable[[], Awaitable[asyncpg.Connection]], subscribers: Subscribers
    ) -> None:
        self._connect = connect
        self._subscribers = subscribers
        self._conn: asyncpg.Connection | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        conn = await self._connect()
        try:
            await conn.add_listener(CHANNEL, self._notified)
        except BaseException:
            await conn.close()
            raise
        conn.add_termination_listener(self._lost)
        self._conn = conn

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        self._subscribers.deliver(payload)

    def _lost(self, _conn: object) -> None:
        self._conn = None
        if self._closed:
            return
        log.warning("the cache listener's connection dropped: dropping caches, reconnecting")
        self._subscribers.reset()
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = RECONNECT_FIRST_DELAY
        while not self._closed:
            try:
                await self.start()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("cache listener: cannot reconnect yet (%s)", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_DELAY)
                continue
            self._subscribers.reset()  # what changed while nobody listened
            log.info("the cache listener listens again")
            return

    async def close(self) -> None:
        self._closed = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        if self._conn is not None:
            await self._conn.close()
