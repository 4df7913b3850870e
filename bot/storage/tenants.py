"""Tenants and their settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.shards import TenantShare
from bot.storage.db import Database, from_db, to_db
from bot.storage.invalidation import Expiring, Topic
from bot.storage.models import Tenant


def _tenant(r: Any) -> Tenant:
    removed = r["removed_at"]
    return Tenant(
        r["id"], r["platform"], r["external_id"], r["name"], from_db(removed) if removed else None
    )


class TenantRepo:
    """Tenants and their settings, cached in memory.

    Every command reads its tenant and settings, so reads are served from memory. A write
    drops what it changed once it has committed and publishes it for the other processes
    sharing the database, which drop it too (bot/storage/invalidation.py); whatever is cached
    is re-read after a short expiry in case an invalidation was missed. A read that was
    already under way when something was dropped does not store its (possibly older) result.
    """

    def __init__(self, db: Database, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        # by (platform, id) and by row id
        self._tenants: Expiring[tuple[str, str] | int, Tenant] = Expiring(monotonic)
        self._settings: Expiring[int, dict[str, str]] = Expiring(monotonic)
        self._generation = 0  # bumped on every drop
        db.on_invalidation(self)

    def _remember(self, generation: int, tenant: Tenant) -> Tenant:
        if generation == self._generation:
            self._tenants.put((tenant.platform, tenant.external_id), tenant)
            self._tenants.put(tenant.id, tenant)
        return tenant

    def _forget(
        self, key: tuple[str, str] | int | None = None, *, settings_of: int | None = None
    ) -> None:
        self._generation += 1
        if key is not None:
            old = self._tenants.pop(key)
            if old is not None:
                self._tenants.pop(old.id)
                self._tenants.pop((old.platform, old.external_id))
        if settings_of is not None:
            self._settings.pop(settings_of)

    def invalidate(self, topic: Topic, key: int) -> None:
        if topic == "tenant":
            self._forget(key)
        elif topic == "settings":
            self._forget(settings_of=key)

    def invalidate_all(self) -> None:
        self._generation += 1
        self._tenants.clear()
        self._settings.clear()

    async def find(self, platform: str, external_id: str) -> Tenant | None:
        cached = self._tenants.get((platform, external_id))
        if cached is not None:
            return cached
        generation = self._generation
        row = await self._db.fetchone(
            "SELECT * FROM tenants WHERE platform = ? AND external_id = ?", (platform, external_id)
        )
        return self._remember(generation, _tenant(row)) if row is not None else None

    async def get(self, tenant_id: int) -> Tenant | None:
        cached = self._tenants.get(tenant_id)
        if cached is not None:
            return cached
        generation = self._generation
        row = await self._db.fetchone("SELECT * FROM tenants WHERE id = ?", (tenant_id,))
        return self._remember(generation, _tenant(row)) if row is not None else None

    async def ensure(self, platform: str, external_id: str, name: str, now: datetime) -> Tenant:
        try:
            row = await self._ensure(platform, external_id, name, now)
        finally:  # also when cancelled: the write may have committed
            self._forget((platform, external_id))
        return self._remember(self._generation, _tenant(row))

    async def _ensure(self, platform: str, external_id: str, name: str, now: datetime) -> Any:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO tenants (platform, external_id, name, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (platform, external_id) DO NOTHING",
                (platform, external_id, name, to_db(now)),
            )
            renamed = 0
            if name:
                renamed = await tx.execute(
                    "UPDATE tenants SET name = ? WHERE platform = ? AND external_id = ?"
                    " AND name <> ?",
                    (name, platform, external_id, name),
                )
            row = await tx.fetchone(
                "SELECT * FROM tenants WHERE platform = ? AND external_id = ?",
                (platform, external_id),
            )
            assert row is not None
            if renamed:
                tx.publish("tenant", row["id"])
        return row

    async def set_removed(self, tenant: Tenant, at: datetime | None) -> Tenant:
        """Mark the bot removed from this community at `at`, or back in (None)."""
        try:
            async with self._db.transaction() as tx:
                await tx.execute(
                    "UPDATE tenants SET removed_at = ? WHERE id = ?",
                    (to_db(at) if at is not None else None, tenant.id),
                )
                tx.publish("tenant", tenant.id)
        finally:  # also when cancelled: the write may have committed
            self._forget((tenant.platform, tenant.external_id))
        found = await self.get(tenant.id)
        assert found is not None
        return found

    async def all(self) -> list[Tenant]:
        return [_tenant(r) for r in await self._db.fetchall("SELECT * FROM tenants ORDER BY id")]

    async def settings(self, tenant_id: int) -> dict[str, str]:
        cached = self._settings.get(tenant_id)
        if cached is None:
            generation = self._generation
            rows = await self._db.fetchall(
                "SELECT key, value FROM tenant_settings WHERE tenant_id = ?", (tenant_id,)
            )
            cached = {r["key"]: r["value"] for r in rows}
            if generation == self._generation:
                self._settings.put(tenant_id, cached)
        return dict(cached)  # the caller's copy

    async def set_settings(self, tenant_id: int, values: dict[str, str | None]) -> None:
        """Set several settings at once; None removes a setting (back to its default)."""
        try:
            await self._store_settings(tenant_id, values)
        finally:  # also when cancelled: the write may have committed
            self._forget(settings_of=tenant_id)

    async def _store_settings(self, tenant_id: int, values: dict[str, str | None]) -> None:
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
            tx.publish("settings", tenant_id)


def owned_by(
    platform: str | None, share: TenantShare | None, tenant_column: str
) -> tuple[str, tuple[object, ...]]:
    """The condition (and its parameters) that keeps a query to the communities of `platform`
    (several platforms' processes may share one database), and of those to the share's
    (`tenant_column` names the tenant id it tests); nothing when both are None.

    Only the platform's own rows are cast: another platform's ids need not be numbers (Slack's
    are not), and CASE is evaluated in order on both backends.
    """
    if share is not None:
        marks = ", ".join("?" for _ in share.shards)
        return (
            f" AND {tenant_column} IN (SELECT t.id FROM tenants t WHERE CASE WHEN t.platform = ?"
            f" THEN (CAST(t.external_id AS BIGINT) >> ?) % ? END IN ({marks}))",
            (share.platform, share.id_shift, share.count, *sorted(share.shards)),
        )
    if platform is not None:
        return f" AND {tenant_column} IN (SELECT t.id FROM tenants t WHERE t.platform = ?)", (
            platform,
        )
    return "", ()
