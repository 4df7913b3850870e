"""Members of a tenant, keyed by (tenant, platform user id)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.storage.db import Database, from_db, to_db
from bot.storage.invalidation import Expiring, Topic
from bot.storage.models import Member

# The member's profile time zone comes with every member read: each command needs the local day.
MEMBER_SELECT = "SELECT m.*, p.timezone FROM members m LEFT JOIN profiles p ON p.member_id = m.id"


def member_from_row(r: Any) -> Member:
    """A row of MEMBER_SELECT."""
    return Member(
        id=r["id"],
        tenant_id=r["tenant_id"],
        external_id=r["external_id"],
        display_name=r["display_name"],
        joined_at=from_db(r["joined_at"]),
        left_at=from_db(r["left_at"]) if r["left_at"] else None,
        dm_closed=bool(r["dm_closed"]),
        timezone=r["timezone"] or None,
        platform_timezone=r["platform_timezone"] or None,
    )


class MemberRepo:
    """Members, with the lookup every command makes (tenant + platform user id) cached.

    Every write to a member, or to the profile time zone that comes with it, calls `forget`
    once it is done (profiles and erasure included) and publishes the member's id in its
    transaction for the other processes sharing the database (bot/storage/invalidation.py);
    a cached member is re-read after a short expiry in case an invalidation was missed. A
    lookup already under way when a member is forgotten does not store its possibly older row.
    """

    def __init__(self, db: Database, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._cached: Expiring[tuple[int, str], Member] = Expiring(monotonic)
        self._key_of: dict[int, tuple[int, str]] = {}  # member id -> cache key
        self._generation = 0
        db.on_invalidation(self)

    def forget(self, member_id: int) -> None:
        """Drop the cached member: call after (or whatever happens to) a write that changes it."""
        self._forget(self._key_of.get(member_id))

    def invalidate(self, topic: Topic, key: int) -> None:
        if topic == "member":
            self.forget(key)

    def invalidate_all(self) -> None:
        self._generation += 1
        self._cached.clear()
        self._key_of.clear()

    def _forget(self, key: tuple[int, str] | None) -> None:
        self._generation += 1
        old = self._cached.pop(key) if key is not None else None
        if old is not None:
            self._key_of.pop(old.id, None)

    def _remember(self, generation: int, member: Member) -> Member:
        if generation == self._generation:
            self._cached.put((member.tenant_id, member.external_id), member)
            self._key_of[member.id] = (member.tenant_id, member.external_id)
        return member

    async def get(self, tenant_id: int, member_id: int) -> Member | None:
        row = await self._db.fetchone(
            f"{MEMBER_SELECT} WHERE m.tenant_id = ? AND m.id = ?", (tenant_id, member_id)
        )
        return member_from_row(row) if row is not None else None

    async def find(self, tenant_id: int, external_id: str) -> Member | None:
        cached = self._cached.get((tenant_id, external_id))
        if cached is not None:
            return cached
        generation = self._generation
        row = await self._db.fetchone(
            f"{MEMBER_SELECT} WHERE m.tenant_id = ? AND m.external_id = ?",
            (tenant_id, external_id),
        )
        return self._remember(generation, member_from_row(row)) if row is not None else None

    async def find_by_name(self, tenant_id: int, name: str) -> list[Member]:
        rows = await self._db.fetchall(
            f"{MEMBER_SELECT} WHERE m.tenant_id = ? AND lower(m.display_name) = lower(?)"
            " ORDER BY m.id",
            (tenant_id, name),
        )
        return [member_from_row(r) for r in rows]

    async def ensure(
        self,
        tenant_id: int,
        external_id: str,
        display_name: str,
        now: datetime,
        platform_timezone: str | None = None,
    ) -> Member:
        """The member, created on first use; a returning member who had left is active again.

        A non-empty name and a platform time zone replace the stored ones (a validated IANA
        name: the caller checks it); empty or None keeps what is stored, so a platform that
        could not be asked this time never clears what it said before.
        """
        try:
            row = await self._upsert(tenant_id, external_id, display_name, now, platform_timezone)
        finally:  # also when cancelled: the write may have committed
            self._forget((tenant_id, external_id))
        return self._remember(self._generation, member_from_row(row))

    async def _upsert(
        self,
        tenant_id: int,
        external_id: str,
        display_name: str,
        now: datetime,
        platform_timezone: str | None,
    ) -> Any:
        zone = platform_timezone or ""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO members"
                " (tenant_id, external_id, display_name, joined_at, platform_timezone)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, external_id) DO NOTHING",
                (tenant_id, external_id, display_name, to_db(now), platform_timezone),
            )
            # Only a row that changes is written: most commands re-send the same name and zone.
            changed = await tx.execute(
                "UPDATE members SET left_at = NULL,"
                " display_name = CASE WHEN ? <> '' THEN ? ELSE display_name END,"
                " platform_timezone = CASE WHEN ? <> '' THEN ? ELSE platform_timezone END"
                " WHERE tenant_id = ? AND external_id = ?"
                " AND (left_at IS NOT NULL OR (? <> '' AND display_name <> ?)"
                " OR (? <> '' AND COALESCE(platform_timezone, '') <> ?))",
                (
                    display_name,
                    display_name,
                    zone,
                    zone,
                    tenant_id,
                    external_id,
                    display_name,
                    display_name,
                    zone,
                    zone,
                ),
            )
            row = await tx.fetchone(
                f"{MEMBER_SELECT} WHERE m.tenant_id = ? AND m.external_id = ?",
                (tenant_id, external_id),
            )
            assert row is not None
            if changed:
                tx.publish("member", row["id"])
        return row

    async def active(self, tenant_id: int) -> list[Member]:
        rows = await self._db.fetchall(
            f"{MEMBER_SELECT} WHERE m.tenant_id = ? AND m.left_at IS NULL ORDER BY m.id",
            (tenant_id,),
        )
        return [member_from_row(r) for r in rows]

    async def mark_left(self, tenant_id: int, external_id: str, now: datetime) -> Member | None:
        try:
            async with self._db.transaction() as tx:
                left = await tx.execute(
                    "UPDATE members SET left_at = ? WHERE tenant_id = ? AND external_id = ?"
                    " AND left_at IS NULL",
                    (to_db(now), tenant_id, external_id),
                )
                row = await tx.fetchone(
                    f"{MEMBER_SELECT} WHERE m.tenant_id = ? AND m.external_id = ?",
                    (tenant_id, external_id),
                )
                if left and row is not None:
                    tx.publish("member", row["id"])
        finally:
            self._forget((tenant_id, external_id))
        return member_from_row(row) if row is not None else None

    async def set_dm_closed(self, member_id: int, closed: bool) -> None:
        try:
            async with self._db.transaction() as tx:
                await tx.execute(
                    "UPDATE members SET dm_closed = ? WHERE id = ?", (int(closed), member_id)
                )
                tx.publish("member", member_id)
        finally:
            self.forget(member_id)
