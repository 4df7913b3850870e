"""Caches that stay correct when several processes share one database.

A write that changes a cached row publishes an invalidation in its transaction
(`Tx.publish(topic, key)`); every process applies the invalidations it receives to its
repositories (`Database.on_invalidation`). On PostgreSQL an invalidation is a `NOTIFY` on
`CHANNEL`, which PostgreSQL delivers only once the transaction commits; each process LISTENs
on one connection of its own (`bot.storage.postgres.Listener`). SQLite has one process, so nothing is published.

Invalidations can be missed (the listening connection dropped, a notification arrived after a
read that was already under way stored its row): a dropped listener drops every cache, and
every cached entry expires after `EXPIRY_SECONDS` as a safety net.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Generic, Literal, Protocol, TypeVar

log = logging.getLogger(__name__)

CHANNEL = "studybot_cache"
EXPIRY_SECONDS = 30.0

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
