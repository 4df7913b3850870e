"""Dashboard logins and sessions (SQL for `dashboard_logins` and `dashboard_sessions`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.db import Database, Tx, from_db, to_db


@dataclass(frozen=True)
class StoredSession:
    tenant_id: int
    member_id: int
    csrf_token: str
    expires_at: datetime


class DashboardSessionRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_session(
        self,
        *,
        nonce: str,
        link_expires_at: datetime,
        tenant_id: int,
        member_id: int,
        token_hash: str,
        csrf_token: str,
        now: datetime,
        expires_at: datetime,
    ) -> bool:
        """Use the link's nonce and open the session in one transaction; False when the nonce
        was used before (by this or any other dashboard process)."""
        async with self._db.transaction() as tx:
            fresh = await tx.fetchone(
                "INSERT INTO dashboard_logins (nonce, tenant_id, member_id, used_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING RETURNING nonce",
                (nonce, tenant_id, member_id, to_db(now), to_db(link_expires_at)),
            )
            if fresh is None:
                return False
            await tx.execute(
                "INSERT INTO dashboard_sessions (token_hash, tenant_id, member_id, csrf_token,"
                " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (token_hash, tenant_id, member_id, csrf_token, to_db(now), to_db(expires_at)),
            )
        return True

    async def nonce_used(self, nonce: str) -> bool:
        row = await self._db.fetchone("SELECT 1 FROM dashboard_logins WHERE nonce = ?", (nonce,))
        return row is not None

    async def session(self, token_hash: str, now: datetime) -> StoredSession | None:
        """The live session with this token: not ended, not expired, its member still in."""
        row = await self._db.fetchone(
            "SELECT s.tenant_id, s.member_id, s.csrf_token, s.expires_at"
            " FROM dashboard_sessions s"
            " JOIN members m ON m.id = s.member_id AND m.tenant_id = s.tenant_id"
            " JOIN tenants t ON t.id = s.tenant_id"
            " WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.expires_at > ?"
            " AND m.left_at IS NULL AND t.removed_at IS NULL",
            (token_hash, to_db(now)),
        )
        if row is None:
            return None
        return StoredSession(
            tenant_id=int(row["tenant_id"]),
            member_id=int(row["member_id"]),
            csrf_token=str(row["csrf_token"]),
            expires_at=from_db(row["expires_at"]),
        )

    async def end(self, token_hash: str, now: datetime) -> None:
        await self._db.execute(
            "UPDATE dashboard_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
            (to_db(now), token_hash),
        )

    async def end_all(self, tenant_id: int, now: datetime, member_id: int | None = None) -> None:
        """End the community's sessions (only this member's, when given): a session must not
        come back to life when its organizer rejoins, or the bot is added back."""
        one = member_id is not None
        await self._db.execute(
            "UPDATE dashboard_sessions SET ended_at = ? WHERE tenant_id = ? AND ended_at IS NULL"
            + (" AND member_id = ?" if one else ""),
            (to_db(now), tenant_id, *((member_id,) if one else ())),
        )

    async def prune(self, before: datetime) -> int:
        """Forget sessions and used links that expired before `before`."""
        async with self._db.transaction() as tx:
            sessions = await tx.execute(
                "DELETE FROM dashboard_sessions WHERE expires_at < ?", (to_db(before),)
            )
            logins = await tx.execute(
                "DELETE FROM dashboard_logins WHERE expires_at < ?", (to_db(before),)
            )
        return sessions + logins

    async def logins_of(self, tenant_id: int, member_id: int) -> list[str]:
        """When this member opened the dashboard (their export)."""
        rows = await self._db.fetchall(
            "SELECT created_at FROM dashboard_sessions WHERE tenant_id = ? AND member_id = ?"
            " ORDER BY created_at",
            (tenant_id, member_id),
        )
        return [from_db(r["created_at"]).isoformat() for r in rows]

    async def erase(self, tx: Tx, tenant_id: int, member_id: int) -> int:
        sessions = await tx.execute(
            "DELETE FROM dashboard_sessions WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        logins = await tx.execute(
            "DELETE FROM dashboard_logins WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        return sessions + logins
