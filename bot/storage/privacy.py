"""SQL for export and erasure of the foundation's personal data: the member row, the profile,
the member's own messages in the outbox, and the sweep of members who left long ago.

Each feature's own tables are exported and erased by that feature's storage module; the
privacy cog only walks the registry (bot/personal_data.py).
"""

from __future__ import annotations

import json
import re
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
            "SELECT external_id, display_name, joined_at, left_at, dm_closed FROM members"
            " WHERE tenant_id = ? AND id = ?",
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


async def scrub_messages(tx: Tx, tenant_id: int, member_id: int) -> int:
    """Blank the text and address of every message queued for the member (cancel them first)."""
    return await tx.execute(
        "UPDATE outbox SET payload = ?, target = 'erased' WHERE tenant_id = ? AND member_id = ?",
        (_SCRUBBED, tenant_id, member_id),
    )


async def scrub_mentions(tx: Tx, tenant_id: int, member: Member) -> int:
    """Blank the stored copy of delivered channel and room posts that name the member.

    What was posted stays on the platform; the bot's copy is only kept so that a message is
    never sent twice, which the row without its words still does. Posts still waiting to be
    sent (a digest due in a minute) go out as written.
    """
    # Payloads are JSON: a name is matched as JSON writes it, the platform id as a JSON string
    # (it appears in a room's member list). A false match only blanks a copy nobody reads.
    needles = [json.dumps(member.external_id)]
    if len(member.display_name) >= 3:  # shorter names would match inside most posts
        needles.append(json.dumps(member.display_name)[1:-1])
    changed = 0
    for needle in needles:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", needle) + "%"
        changed += await tx.execute(
            "UPDATE outbox SET payload = ? WHERE tenant_id = ? AND target_kind <> 'dm'"
            " AND status IN ('sent', 'failed', 'cancelled') AND payload <> ?"
            " AND payload LIKE ? ESCAPE '\\'",
            (_SCRUBBED, tenant_id, _SCRUBBED, pattern),
        )
    return changed


async def tombstone_member(tx: Tx, tenant_id: int, member_id: int, now: datetime) -> int:
    """Keep the row, drop the person: no platform id, no name, marked as left and erased.

    The platform id becomes 'erased:<id>', which no platform issues, so the same person using
    the bot again gets a fresh member row rather than this one back.
    """
    return await tx.execute(
        "UPDATE members SET external_id = 'erased:' || CAST(id AS TEXT), display_name = ?, dm_closed = 0,"
        " left_at = COALESCE(left_at, ?), erased_at = ?"
        " WHERE tenant_id = ? AND id = ? AND erased_at IS NULL",
        (FORMER_MEMBER, to_db(now), to_db(now), tenant_id, member_id),
    )
