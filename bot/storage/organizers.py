"""Who the organizers are: members seen running an admin command (schema: `organizers`)."""

from __future__ import annotations

from datetime import datetime

from bot.storage.db import Database, Tx, from_db, to_db


class OrganizerRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def seen(self, tenant_id: int, member_id: int, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO organizers (tenant_id, member_id, last_seen_at) VALUES (?, ?, ?)"
                " ON CONFLICT (tenant_id, member_id) DO UPDATE SET last_seen_at = excluded.last_seen_at",
                (tenant_id, member_id, to_db(now)),
            )

    async def recent(self, tenant_id: int, since: datetime, limit: int) -> list[tuple[int, str]]:
        """(member id, platform id) of organizers seen since `since`, latest first, still in."""
        rows = await self._db.fetchall(
            "SELECT m.id, m.external_id FROM organizers o JOIN members m ON m.id = o.member_id"
            " WHERE o.tenant_id = ? AND o.last_seen_at >= ? AND m.left_at IS NULL"
            " ORDER BY o.last_seen_at DESC LIMIT ?",
            (tenant_id, to_db(since), limit),
        )
        return [(int(r["id"]), str(r["external_id"])) for r in rows]

    async def last_seen(self, tenant_id: int, member_id: int) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT last_seen_at FROM organizers WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        return from_db(row["last_seen_at"]) if row is not None else None

    async def erase(self, tx: Tx, tenant_id: int, member_id: int) -> int:
        return await tx.execute(
            "DELETE FROM organizers WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
        )
