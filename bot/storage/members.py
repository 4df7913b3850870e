"""Members of a tenant, keyed by (tenant, platform user id)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.storage.db import Database, from_db, to_db
from bot.storage.models import Member


def member_from_row(r: Any) -> Member:
    return Member(
        id=r["id"],
        tenant_id=r["tenant_id"],
        external_id=r["external_id"],
        display_name=r["display_name"],
        joined_at=from_db(r["joined_at"]),
        left_at=from_db(r["left_at"]) if r["left_at"] else None,
        dm_closed=bool(r["dm_closed"]),
    )


class MemberRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, tenant_id: int, member_id: int) -> Member | None:
        row = await self._db.fetchone(
            "SELECT * FROM members WHERE tenant_id = ? AND id = ?", (tenant_id, member_id)
        )
        return member_from_row(row) if row is not None else None

    async def find(self, tenant_id: int, external_id: str) -> Member | None:
        row = await self._db.fetchone(
            "SELECT * FROM members WHERE tenant_id = ? AND external_id = ?",
            (tenant_id, external_id),
        )
        return member_from_row(row) if row is not None else None

    async def find_by_name(self, tenant_id: int, name: str) -> list[Member]:
        rows = await self._db.fetchall(
            "SELECT * FROM members WHERE tenant_id = ? AND lower(display_name) = lower(?)"
            " ORDER BY id",
            (tenant_id, name),
        )
        return [member_from_row(r) for r in rows]

    async def ensure(
        self, tenant_id: int, external_id: str, display_name: str, now: datetime
    ) -> Member:
        """The member, created on first use; a returning member who had left is active again."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO members (tenant_id, external_id, display_name, joined_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, external_id) DO NOTHING",
                (tenant_id, external_id, display_name, to_db(now)),
            )
            await tx.execute(
                "UPDATE members SET left_at = NULL,"
                " display_name = CASE WHEN ? <> '' THEN ? ELSE display_name END"
                " WHERE tenant_id = ? AND external_id = ?"
                " AND (left_at IS NOT NULL OR (? <> '' AND display_name <> ?))",
                (display_name, display_name, tenant_id, external_id, display_name, display_name),
            )
            row = await tx.fetchone(
                "SELECT * FROM members WHERE tenant_id = ? AND external_id = ?",
                (tenant_id, external_id),
            )
        assert row is not None
        return member_from_row(row)

    async def active(self, tenant_id: int) -> list[Member]:
        rows = await self._db.fetchall(
            "SELECT * FROM members WHERE tenant_id = ? AND left_at IS NULL ORDER BY id",
            (tenant_id,),
        )
        return [member_from_row(r) for r in rows]

    async def mark_left(self, tenant_id: int, external_id: str, now: datetime) -> Member | None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE members SET left_at = ? WHERE tenant_id = ? AND external_id = ?"
                " AND left_at IS NULL",
                (to_db(now), tenant_id, external_id),
            )
            row = await tx.fetchone(
                "SELECT * FROM members WHERE tenant_id = ? AND external_id = ?",
                (tenant_id, external_id),
            )
        return member_from_row(row) if row is not None else None

    async def set_dm_closed(self, member_id: int, closed: bool) -> None:
        await self._db.execute(
            "UPDATE members SET dm_closed = ? WHERE id = ?", (int(closed), member_id)
        )
