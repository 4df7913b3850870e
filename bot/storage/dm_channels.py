"""Direct-message conversation ids the platform gave for each member (schema: `dm_channels`).

The messenger knows tenants and users by their platform ids, so the lookups take those; the
rows still belong to the tenant (deleted with it) and to the member (erased with their data).
"""

from __future__ import annotations

from bot.storage.db import Database, Tx

_TENANT = "SELECT id FROM tenants WHERE platform = ? AND external_id = ?"


class DmChannelRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, platform: str, tenant: str, user: str) -> str | None:
        row = await self._db.fetchone(
            f"SELECT channel_id FROM dm_channels WHERE tenant_id = ({_TENANT})"
            " AND user_external_id = ?",
            (platform, tenant, user),
        )
        return str(row["channel_id"]) if row is not None else None

    async def put(self, platform: str, tenant: str, user: str, channel_id: str) -> None:
        """Remember the id; nothing is stored for a tenant the database does not know yet."""
        await self._db.execute(
            "INSERT INTO dm_channels (tenant_id, user_external_id, channel_id)"
            f" SELECT ({_TENANT}), ?, ? WHERE ({_TENANT}) IS NOT NULL"
            " ON CONFLICT (tenant_id, user_external_id)"
            " DO UPDATE SET channel_id = excluded.channel_id",
            (platform, tenant, user, channel_id, platform, tenant),
        )

    async def of_member(self, tenant_id: int, user: str) -> str | None:
        row = await self._db.fetchone(
            "SELECT channel_id FROM dm_channels WHERE tenant_id = ? AND user_external_id = ?",
            (tenant_id, user),
        )
        return str(row["channel_id"]) if row is not None else None

    async def erase(self, tx: Tx, tenant_id: int, user: str) -> int:
        return await tx.execute(
            "DELETE FROM dm_channels WHERE tenant_id = ? AND user_external_id = ?",
            (tenant_id, user),
        )
