"""Who is still there: "Still in?" asks and answers, quiet buddies, the rematch waiting list.

Schema: the `no_ghosts` migration (columns on buddies and group_members); the rules that
use these reads are in cogs/buddies/presence.py and cogs/buddies/rematch.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage.buddies import Enrolled, _enrolled
from bot.storage.db import Database, Reader, Tx, from_db, to_db


def _shown_up(since: str) -> str:
    """SQL: the member of buddies row `b` did something since `since` (an SQL expression): a
    check-in (or its update), a "Did you meet?" answer, a "Still in?" Yes, or (re)joining
    after it (joining at the instant a round started is being in that round). Never NULL, so
    NOT of it is as safe as it."""
    return (
        "(EXISTS (SELECT 1 FROM checkins c WHERE c.tenant_id = b.tenant_id"
        f"  AND c.member_id = b.member_id AND c.updated_at >= {since})"
        " OR EXISTS (SELECT 1 FROM group_members a WHERE a.tenant_id = b.tenant_id"
        f"  AND a.member_id = b.member_id AND a.answered_at >= {since})"
        f" OR COALESCE(b.stillin_yes_at >= {since}, FALSE) OR b.joined_at > {since})"
    )


# Taking part in a round starting at the parameter: active, or a timed pause that ran out by then.
_TAKING_PART = (
    " b.status <> 'left' AND m.left_at IS NULL AND (b.status = 'active'"
    " OR (b.status = 'paused' AND b.paused_until IS NOT NULL AND b.paused_until <= ?))"
)
_ENROLLED = (
    "SELECT b.member_id, b.joined_at, m.external_id, m.display_name, m.platform_timezone"
    " FROM buddies b JOIN members m ON m.id = b.member_id"
)


@dataclass(frozen=True)
class Activity:
    """The latest thing a member did since some instant, for "Ana checked in yesterday"."""

    kind: str  # checkin | answer | stillin | joined
    at: datetime


class PresenceRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- "Still in for next round?" -----------------------------------------------------------

    async def silent(
        self, reader: Reader, tenant_id: int, since: datetime, round_at: datetime
    ) -> list[Enrolled]:
        """Members taking part in the round at `round_at` who did nothing since `since`."""
        rows = await reader.fetchall(
            f"{_ENROLLED} WHERE b.tenant_id = ? AND{_TAKING_PART} AND NOT {_shown_up('?')}"
            " ORDER BY b.member_id",
            (tenant_id, to_db(round_at), *[to_db(since)] * 4),
        )
        return [_enrolled(r) for r in rows]

    async def mark_asked(
        self, tx: Tx, tenant_id: int, member_ids: Sequence[int], period: str
    ) -> set[int]:
        """Claim the "Still in?" ask about round `period`: returns the members not asked before."""
        if not member_ids:
            return set()
        marks = ", ".join("?" for _ in member_ids)
        rows = await tx.fetchall(
            "UPDATE buddies SET stillin_asked = ? WHERE tenant_id = ?"
            f" AND member_id IN ({marks}) AND (stillin_asked IS NULL OR stillin_asked <> ?)"
            " RETURNING member_id",
            (period, tenant_id, *member_ids, period),
        )
        return {int(r["member_id"]) for r in rows}

    async def unanswered(
        self, reader: Reader, tenant_id: int, period: str, since: datetime
    ) -> set[int]:
        """Members asked "Still in?" about round `period` who did nothing since `since`."""
        rows = await reader.fetchall(
            "SELECT b.member_id FROM buddies b WHERE b.tenant_id = ? AND b.stillin_asked = ?"
            f" AND NOT {_shown_up('?')}",
            (tenant_id, period, *[to_db(since)] * 4),
        )
        return {int(r["member_id"]) for r in rows}

    async def say_still_in(self, tenant_id: int, member_id: int, now: datetime) -> None:
        """Yes: in for the next round (and back from a pause, which Yes also means)."""
        await self._db.execute(
            "UPDATE buddies SET stillin_yes_at = ?, status = 'active', paused_until = NULL,"
            " updated_at = ? WHERE tenant_id = ? AND member_id = ?",
            (to_db(now), to_db(now), tenant_id, member_id),
        )

    # --- quiet buddies and rematches ----------------------------------------------------------

    async def last_activity(
        self, tenant_id: int, member_ids: Sequence[int], since: datetime
    ) -> dict[int, Activity]:
        """Each member's latest check-in, answer, Yes or join at or after `since` (absent: none)."""
        if not member_ids:
            return {}
        marks = ", ".join("?" for _ in member_ids)
        rows = await self._db.fetchall(
            "SELECT b.member_id, b.stillin_yes_at, b.joined_at,"
            " (SELECT MAX(c.updated_at) FROM checkins c WHERE c.tenant_id = b.tenant_id"
            "  AND c.member_id = b.member_id) AS checkin,"
            " (SELECT MAX(a.answered_at) FROM group_members a WHERE a.tenant_id = b.tenant_id"
            "  AND a.member_id = b.member_id) AS answer"
            f" FROM buddies b WHERE b.tenant_id = ? AND b.member_id IN ({marks})",
            (tenant_id, *member_ids),
        )
        out: dict[int, Activity] = {}
        for r in rows:
            seen = [
                Activity(kind, from_db(r[column]))
                for kind, column in (
                    ("checkin", "checkin"),
                    ("answer", "answer"),
                    ("stillin", "stillin_yes_at"),
                    ("joined", "joined_at"),
                )
                if r[column]
            ]
            recent = [a for a in seen if a.at > since or (a.at == since and a.kind != "joined")]
            if recent:
                out[int(r["member_id"])] = max(recent, key=lambda a: a.at)
        return out

    async def waiting(
        self, tx: Tx, tenant_id: int, round_id: int, now: datetime, exclude: Sequence[int]
    ) -> list[Enrolled]:
        """Members taking part who have no group in round `round_id`: joined since it started,
        left out of it, or on the waiting list after a rematch. A member whose buddy moved on
        because they went quiet waits only once they did something again."""
        marks = ", ".join("?" for _ in exclude) or "NULL"
        rows = await tx.fetchall(
            f"{_ENROLLED} WHERE b.tenant_id = ? AND{_TAKING_PART}"
            f" AND b.member_id NOT IN ({marks})"
            " AND NOT EXISTS (SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id"
            "  WHERE g.round_id = ? AND gm.member_id = b.member_id AND gm.left_at IS NULL"
            f"  AND (gm.quiet_at IS NULL OR NOT {_shown_up('gm.quiet_at')}))"
            " ORDER BY b.member_id",
            (tenant_id, to_db(now), *exclude, round_id),
        )
        return [_enrolled(r) for r in rows]

    async def move_on(
        self, tx: Tx, tenant_id: int, group_id: int, member_id: int, now: datetime
    ) -> list[int]:
        """`member_id` leaves group `group_id`, whose other members went quiet; returns them.

        Their rows are marked quiet (not a current group any more, never counted as met)."""
        await tx.execute(
            "UPDATE group_members SET left_at = ? WHERE tenant_id = ? AND group_id = ?"
            " AND member_id = ?",
            (to_db(now), tenant_id, group_id, member_id),
        )
        rows = await tx.fetchall(
            "UPDATE group_members SET quiet_at = ? WHERE tenant_id = ? AND group_id = ?"
            " AND member_id IS NOT NULL AND left_at IS NULL AND quiet_at IS NULL"
            " RETURNING member_id",
            (to_db(now), tenant_id, group_id),
        )
        return sorted(int(r["member_id"]) for r in rows)

    # --- personal data ------------------------------------------------------------------------

    async def export(self, tenant_id: int, member_id: int) -> dict[str, object] | None:
        """The member's "Still in?" answers and the rounds their buddy moved on; None if none."""
        row = await self._db.fetchone(
            "SELECT stillin_asked, stillin_yes_at FROM buddies WHERE tenant_id = ?"
            " AND member_id = ?",
            (tenant_id, member_id),
        )
        quiet = await self._db.fetchall(
            "SELECT g.round_id, gm.quiet_at FROM group_members gm JOIN groups g"
            " ON g.id = gm.group_id WHERE gm.tenant_id = ? AND gm.member_id = ?"
            " AND gm.quiet_at IS NOT NULL ORDER BY gm.quiet_at",
            (tenant_id, member_id),
        )
        if row is None and not quiet:
            return None
        return {
            "still_in_asked_about_round": row["stillin_asked"] if row else None,
            "still_in_yes_at": row["stillin_yes_at"] if row else None,
            "buddy_moved_on_at": [r["quiet_at"] for r in quiet],
        }
