"""A small cache of recent reads, by the caller's clock (no wall-clock reads in domain code)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """Values kept for `ttl` after they were read, at most `size` of them.

    A value is fresh from the instant it was stored until `ttl` later; a clock that went back
    makes it stale too. When full, the stale go first, then the oldest.
    """

    def __init__(self, ttl: timedelta, size: int) -> None:
        self._ttl = ttl
        self._size = size
        self._kept: dict[K, tuple[datetime, V]] = {}

    def get(self, key: K, now: datetime) -> V | None:
        kept = self._kept.get(key)
        if kept is None or not kept[0] <= now < kept[0] + self._ttl:
            return None
        return kept[1]

    def put(self, key: K, value: V, now: datetime) -> V:
        if key not in self._kept and len(self._kept) >= self._size:
            fresh = {k: v for k, v in self._kept.items() if v[0] <= now < v[0] + self._ttl}
            self._kept = fresh if len(fresh) < self._size else dict(list(fresh.items())[1:])
        self._kept[key] = (now, value)
        return value

    def drop(self, key: K) -> None:
        self._kept.pop(key, None)

    def clear(self) -> None:
        self._kept.clear()
