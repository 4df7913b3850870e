"""Tenants and their settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.storage.db import Database, to_db
from bot.storage.models import Tenant


def _tenant(r: Any) -> Tenant:
    return Tenant(r["id"], r["platform"], r["external_id"], r["name"])


class TenantRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def find(self, platform: str, external_id: str) -> Tenant | None:
        row = await self._db.fetchone(
            "SELECT * FROM tenants WHERE platform = ? AND external_id = ?", (platform, external_id)
        )
        return _tenant(row) if row is not None else None

    async def get(self, tenant_id: int) -> Tenant | None:
        row = await self._db.fetchone("SELECT * FROM tenants WHERE id = ?", (tenant_id,))
        return _tenant(row) if row is not None else None

    async def ensure(self, platform: str, external_id: str, name: str, now: datetime) -> Tenant:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO tenants (platform, external_id, name, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (platform, external_id) DO NOTHING",
                (platform, external_id, name, to_db(now)),
            )
            if name:
                await tx.execute(
                    "UPDATE tenants SET name = ? WHERE platform = ? AND external_id = ?"
                    " AND name <> ?",
                    (name, platform, external_id, name),
                )
            row = await tx.fetchone(
                "SELECT * FROM tenants WHERE platform = ? AND external_id = ?",
                (platform, external_id),
            )
        assert row is not None
        return _tenant(row)

    async def all(self) -> list[Tenant]:
        return [_tenant(r) for r in await self._db.fetchall("SELECT * FROM tenants ORDER BY id")]

    async def settings(self, tenant_id: int) -> dict[str, str]:
        rows = await self._db.fetchall(
            "SELECT key, value FROM tenant_settings WHERE tenant_id = ?", (tenant_id,)
        )
        return {r["key"]: r["value"] for r in rows}

    async def set_settings(self, tenant_id: int, values: dict[str, str | None]) -> None:
        """Set several settings at once; None removes a setting (back to its default)."""
        async with self._db.transaction() as tx:
            for key, value in values.items():
                if value is None:
                    await tx.execute(
                        "DELETE FROM tenant_settings WHERE tenant_id = ? AND key = ?",
                        (tenant_id, key),
                    )
                else:
                    await tx.execute(
                        "INSERT INTO tenant_settings (tenant_id, key, value) VALUES (?, ?, ?)"
                        " ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value",
                        (tenant_id, key, value),
                    )
