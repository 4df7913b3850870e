"""Incoming events already handled, by platform id (SQL for `seen_events`)."""

from __future__ import annotations

from datetime import datetime

from bot.storage.db import Database, to_db


class SeenEventRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def first_sight(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record the event; False when it was recorded before, by this or any other process.

        One statement: the primary key decides between processes that see the event at once.
        """
        changed = await self._db.execute(
            "INSERT INTO seen_events (platform, event_id, seen_at) VALUES (?, ?, ?)"
            " ON CONFLICT (platform, event_id) DO NOTHING",
            (platform, event_id, to_db(now)),
        )
        return changed == 1

    async def prune(self, before: datetime) -> int:
        """Forget events seen before `before`: no platform redelivers one that old."""
        return await self._db.execute("DELETE FROM seen_events WHERE seen_at < ?", (to_db(before),))
