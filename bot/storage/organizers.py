"""Who the organizers are: members seen running an admin command (schema: `organizers`), and
whether each wants the weekly report (migration 0019)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage.db import Database, Tx, from_db, to_db

RECENT = timedelta(days=90)  # an organizer who ran an admin command this recently is told things

# Organizers seen since a given instant who are still members.
_RECENT = (
    "SELECT m.id, m.external_id FROM organizers o JOIN members m ON m.id = o.member_id"
    " WHERE o.tenant_id = ? AND o.last_seen_at >= ? AND m.left_at IS NULL"
)


@dataclass(frozen=True)
class Organizer:
    last_seen_at: datetime
    reports: bool  # gets the weekly report by DM (/admin reports off:yes turns it off)


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

    async def set_reports(self, tenant_id: int, member_id: int, on: bool, now: datetime) -> None:
        """Turn the organizer's weekly report on or off (an upsert: the row may be new)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO organizers (tenant_id, member_id, last_seen_at, reports)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, member_id)"
                " DO UPDATE SET reports = excluded.reports",
                (tenant_id, member_id, to_db(now), int(on)),
            )

    async def recent(self, tenant_id: int, since: datetime, limit: int) -> list[tuple[int, str]]:
        """(member id, platform id) of organizers seen since `since`, latest first, still in."""
        rows = await self._db.fetchall(
            _RECENT + " ORDER BY o.last_seen_at DESC LIMIT ?", (tenant_id, to_db(since), limit)
        )
        return [(int(r["id"]), str(r["external_id"])) for r in rows]

    async def wanting_reports(self, tenant_id: int, since: datetime) -> list[tuple[int, str]]:
        """(member id, platform id) of organizers seen since `since`, still in, reports on."""
        rows = await self._db.fetchall(
            _RECENT + " AND o.reports = 1 ORDER BY o.member_id", (tenant_id, to_db(since))
        )
        return [(int(r["id"]), str(r["external_id"])) for r in rows]

    async def get(self, tenant_id: int, member_id: int) -> Organizer | None:
        row = await self._db.fetchone(
            "SELECT last_seen_at, reports FROM organizers WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        return Organizer(from_db(row["last_seen_at"]), bool(row["reports"])) if row else None

    async def erase(self, tx: Tx, tenant_id: int, member_id: int) -> int:
        return await tx.execute(
            "DELETE FROM organizers WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
        )
