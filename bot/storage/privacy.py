"""SQL for export and erasure of the foundation's personal data: the member row, the profile,
the member's own messages in the outbox, and the sweep of members who left long ago.

Each feature's own tables are exported and erased by that feature's storage module; the
privacy cog only walks the registry (bot/personal_data.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.ports import Message
from bot.storage.db import Database, Tx, to_db
from bot.storage.members import MEMBER_SELECT, member_from_row
from bot.storage.models import Member
from bot.storage.outbox import Target, encode

FORMER_MEMBER = "a former member"
# What an erased member's messages keep: the row (its idempotency key still stops a resend),
# none of the words.
_SCRUBBED = encode(Target.dm("erased"), Message(text=""))


class PrivacyRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def member_record(self, tenant_id: int, member_id: int) -> dict[str, Any]:
        row = await self._db.fetchone(
            "SELECT external_id, display_name, joined_at, left_at, dm_closed, platform_timezone"
            " FROM members WHERE tenant_id = ? AND id = ?",
            (tenant_id, member_id),
        )
        if row is None:
            return {}
        return {
            "platform_user_id": row["external_id"],
            "display_name": row["display_name"],
            "first_seen_at": row["joined_at"],
            "left_at": row["left_at"],
            "direct_messages_closed": bool(row["dm_closed"]),
            "platform_time_zone": row["platform_timezone"],  # e.g. from the Slack profile
        }

    async def messages(self, tenant_id: int, member_id: int) -> list[dict[str, Any]]:
        """The messages the bot queued for this member (reminders, intros, notices)."""
        rows = await self._db.fetchall(
            "SELECT created_at, sent_at, status, target_kind, payload FROM outbox"
            " WHERE tenant_id = ? AND member_id = ? ORDER BY id",
            (tenant_id, member_id),
        )
        return [
            {
                "queued_at": r["created_at"],
                "sent_at": r["sent_at"],
                "status": r["status"],
                "to": r["target_kind"],
                "text": json.loads(r["payload"])["text"],
            }
            for r in rows
        ]

    async def left_before(self, tenant_id: int, cutoff: datetime) -> list[Member]:
        """Members who left at or before `cutoff` and are not erased yet."""
        rows = await self._db.fetchall(
            f"{MEMBER_SELECT} WHERE m.tenant_id = ? AND m.erased_at IS NULL"
            " AND m.left_at IS NOT NULL AND m.left_at <= ? ORDER BY m.id",
            (tenant_id, to_db(cutoff)),
        )
        return [member_from_row(r) for r in rows]


async def erase_profile(tx: Tx, tenant_id: int, member_id: int) -> int:
    removed = await tx.execute(
        "DELETE FROM member_skills WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
    )
    return removed + await tx.execute(
        "DELETE FROM profiles WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
    )


async def scrub_messages(tx: Tx, tenant_id: int, member_id: int, now: datetime) -> int:
    """Blank the words, address and files of every message for the member or naming them.

    Messages *for* the member (their reminders, DMs) were cancelled first. Messages to others
    that name them (a digest, a buddy room's posts, a nudge they sent) keep their rows, so the
    idempotency key still stops a resend, but lose their text: what was posted stays on the
    platform, and the bot's copy (which exports of others would show) says nothing any more.
    Rows are found by the member ids they were queued with, never by matching names.
    """
    named = (
        "(member_id = ? OR id IN (SELECT outbox_id FROM outbox_mentions"
        " WHERE tenant_id = ? AND member_id = ?))"
    )
    params = (tenant_id, member_id, tenant_id, member_id)
    # Not sent yet: not sent at all (a blank message must not go out in its place).
    await tx.execute(
        f"UPDATE outbox SET status = 'cancelled', done_at = ? WHERE tenant_id = ? AND {named}"
        " AND status = 'pending'",
        (to_db(now), *params),
    )
    await tx.execute(
        "DELETE FROM outbox_attachments WHERE outbox_id IN"
        f" (SELECT id FROM outbox WHERE tenant_id = ? AND {named})",
        params,
    )
    changed = await tx.execute(
        f"UPDATE outbox SET payload = ?, target = 'erased', last_error = NULL"
        f" WHERE tenant_id = ? AND {named}",
        (_SCRUBBED, *params),
    )
    await tx.execute(
        "DELETE FROM attachments WHERE tenant_id = ? AND NOT EXISTS (SELECT 1"
        " FROM outbox_attachments oa WHERE oa.tenant_id = attachments.tenant_id"
        " AND oa.sha256 = attachments.sha256)",
        (tenant_id,),
    )
    return changed


async def tombstone_member(tx: Tx, tenant_id: int, member_id: int, now: datetime) -> int:
    """Keep the row, drop the person: no platform id, no name, marked as left and erased.

    The platform id becomes 'erased:<id>', which no platform issues, so the same person using
    the bot again gets a fresh member row rather than this one back.
    """
    return await tx.execute(
        "UPDATE members SET external_id = 'erased:' || CAST(id AS TEXT), display_name = ?, dm_closed = 0,"
        " platform_timezone = NULL, left_at = COALESCE(left_at, ?), erased_at = ?"
        " WHERE tenant_id = ? AND id = ? AND erased_at IS NULL",
        (FORMER_MEMBER, to_db(now), to_db(now), tenant_id, member_id),
    )
