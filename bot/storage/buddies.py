"""Study buddies: enrolment, blocks, rounds and their groups (schema: migrations/0003_buddies.sql).

Reads for commands use the connection directly; a round is built inside one transaction, so
the methods that take a `Tx` are the ones the round and its bookkeeping run in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.shards import TenantShare
from bot.storage.db import Database, Reader, Tx, from_db, to_db
from bot.storage.privacy import FORMER_MEMBER
from bot.storage.tenants import owned_by


def blocked_either_way(a: str, b: str) -> str:
    """An SQL condition: `a` blocked `b` or `b` blocked `a` (column names or `?`: with `?`,
    its value comes twice, in the order written). By the blocks key (blocker, blocked), which
    holds only one community's members."""
    return (
        f"EXISTS (SELECT 1 FROM blocks bl WHERE (bl.blocker_id = {a} AND bl.blocked_id = {b})"
        f" OR (bl.blocker_id = {b} AND bl.blocked_id = {a}))"
    )


def paused_at(status: str, paused_until: datetime | None, now: datetime) -> bool:
    """Paused at `now`: until /buddy resume (no end) or a pause still running."""
    return status == "paused" and (paused_until is None or paused_until > now)


@dataclass(frozen=True)
class Buddy:
    """A member's enrolment in buddy matching."""

    member_id: int
    tenant_id: int
    status: str  # active | paused | left
    paused_until: datetime | None  # None while paused: until /buddy resume
    share_checkins: bool
    last_nudge_on: date | None
    missed_rounds: int
    joined_at: datetime

    def paused_at(self, now: datetime) -> bool:
        return paused_at(self.status, self.paused_until, now)

    def taking_part(self, now: datetime) -> bool:
        """In the next round: enrolled, and not paused (a timed pause that ran out counts)."""
        return self.status == "active" or (self.status == "paused" and not self.paused_at(now))


@dataclass(frozen=True)
class Round:
    id: int
    tenant_id: int
    number: int
    period: str
    started_at: datetime
    followup_at: datetime
    status: str  # open | closed
    closed_at: datetime | None
    extra: bool = False  # /admin match now extra:yes: outside the one round per period

    @property
    def ends_at(self) -> datetime:
        """When the next round is due: the follow-up is asked halfway."""
        return self.started_at + 2 * (self.followup_at - self.started_at)


@dataclass(frozen=True)
class GroupMember:
    member_id: int | None  # None once the member's data was erased
    display_name: str
    external_id: str | None
    met: bool | None
    left_at: datetime | None
    platform_timezone: str | None = None  # for their study hours (bot.localtime.member_zone)


@dataclass(frozen=True)
class Group:
    id: int
    tenant_id: int
    round: Round
    room_key: str
    members: tuple[GroupMember, ...]

    def others(self, member_id: int) -> tuple[GroupMember, ...]:
        return tuple(m for m in self.members if m.member_id != member_id)

    def member(self, member_id: int) -> GroupMember | None:
        return next((m for m in self.members if m.member_id == member_id), None)


@dataclass(frozen=True)
class RoundFacts:
    """What the organizer's round report says, as stored when the round started."""

    round: Round
    groups: list[tuple[tuple[str, ...], str | None]]  # names, study time (see add_group)
    waiting: list[str]  # in the round, but no group for them
    paused: list[str]  # paused for inactivity as the round started
    silent: list[str]  # asked "Still in?", did not answer, so sat the round out
    previous: tuple[int, int, int] | None  # round before: number, groups, groups that met
    # Everyone the report names (groups and notes): a queued copy is blanked on their erasure.
    named: tuple[int, ...]


@dataclass(frozen=True)
class Enrolled:
    """A member taking part in a round, as the round needs them."""

    member_id: int
    external_id: str
    display_name: str
    joined_at: datetime
    platform_timezone: str | None = None  # for their study hours (bot.localtime.member_zone)

    @property
    def label(self) -> str:
        return self.display_name or self.external_id


def _enrolled(r: Any) -> Enrolled:
    return Enrolled(
        r["member_id"],
        r["external_id"],
        r["display_name"],
        from_db(r["joined_at"]),
        r["platform_timezone"] or None,
    )


def buddy_from_row(r: Any) -> Buddy:
    """A `buddies` row (or a query's row with its columns) as a `Buddy`."""
    return Buddy(
        member_id=r["member_id"],
        tenant_id=r["tenant_id"],
        status=r["status"],
        paused_until=from_db(r["paused_until"]) if r["paused_until"] else None,
        share_checkins=bool(r["share_checkins"]),
        last_nudge_on=date.fromisoformat(r["last_nudge_on"]) if r["last_nudge_on"] else None,
        missed_rounds=r["missed_rounds"],
        joined_at=from_db(r["joined_at"]),
    )


def _round(r: Any, id_column: str = "id") -> Round:
    """A round row; joined queries name its id `round_id` beside the group's own `id`."""
    return Round(
        id=r[id_column],
        tenant_id=r["tenant_id"],
        number=r["number"],
        period=r["period"],
        started_at=from_db(r["started_at"]),
        followup_at=from_db(r["followup_at"]),
        status=r["status"],
        closed_at=from_db(r["closed_at"]) if r["closed_at"] else None,
        extra=bool(r["extra"]),
    )


# The tenant test is kept out of the index choice (unary +): by (tenant, member) the planner
# read every group_members row of the community to find a round's 5,000 groups (8x slower).
_GROUP_MEMBERS = (
    "SELECT gm.group_id, gm.member_id, gm.display_name, gm.met, gm.left_at, m.external_id,"
    " m.display_name AS current_name, m.platform_timezone"
    " FROM group_members gm LEFT JOIN members m ON m.id = gm.member_id"
    " WHERE +gm.tenant_id = ? AND gm.group_id IN ({ids}) ORDER BY gm.group_id, gm.display_name"
)
_GROUPS = (
    "SELECT g.id, g.tenant_id, g.room_key, r.id AS round_id, r.number, r.period, r.started_at,"
    " r.followup_at, r.status, r.closed_at, r.extra"
    " FROM groups g JOIN rounds r ON r.id = g.round_id WHERE g.tenant_id = ?"
)


def _assemble(group_rows: list[Any], member_rows: list[Any]) -> list[Group]:
    members: dict[int, list[GroupMember]] = {}
    for m in member_rows:
        members.setdefault(m["group_id"], []).append(
            GroupMember(
                member_id=m["member_id"],
                display_name=m["current_name"] or m["display_name"],
                external_id=m["external_id"],
                met=None if m["met"] is None else bool(m["met"]),
                left_at=from_db(m["left_at"]) if m["left_at"] else None,
                platform_timezone=m["platform_timezone"] or None,
            )
        )
    rounds: dict[int, Round] = {}  # a round's thousands of groups share one Round
    return [
        Group(
            g["id"],
            g["tenant_id"],
            rounds.get(g["round_id"]) or rounds.setdefault(g["round_id"], _round(g, "round_id")),
            g["room_key"],
            tuple(members.get(g["id"], ())),
        )
        for g in group_rows
    ]


@dataclass(frozen=True)
class FinishedRoom:
    """An opened room of a group whose round has closed, not closed itself yet."""

    tenant_id: int
    tenant: str  # the platform's id of the community
    room_key: str
    channel_id: str


class BuddyRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- rooms of finished rounds -------------------------------------------------------------

    async def finished_rooms(
        self, limit: int, platform: str, share: TenantShare | None = None
    ) -> list[FinishedRoom]:
        """Rooms to close: their round closed (the next one started), the community is in, on
        `platform` (and, with a `share`, one of its communities: another process closes the
        rest)."""
        owned, owned_params = owned_by(platform, share, "r.tenant_id")
        rows = await self._db.fetchall(
            "SELECT r.tenant_id, t.external_id, r.room_key, r.channel_id FROM rooms r"
            " JOIN groups g ON g.tenant_id = r.tenant_id AND g.room_key = r.room_key"
            " JOIN rounds rd ON rd.id = g.round_id"
            " JOIN tenants t ON t.id = r.tenant_id"
            " WHERE r.closed_at IS NULL AND r.channel_id <> '' AND rd.status = 'closed'"
            f" AND t.removed_at IS NULL{owned} ORDER BY rd.closed_at LIMIT ?",
            (*owned_params, limit),
        )
        return [FinishedRoom(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]

    async def room_closed(self, tenant_id: int, room_key: str, now: datetime) -> None:
        await self._db.execute(
            "UPDATE rooms SET closed_at = ? WHERE tenant_id = ? AND room_key = ?",
            (to_db(now), tenant_id, room_key),
        )

    # --- enrolment ----------------------------------------------------------------------------

    async def get(self, tenant_id: int, member_id: int) -> Buddy | None:
        row = await self._db.fetchone(
            "SELECT * FROM buddies WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
        )
        return buddy_from_row(row) if row is not None else None

    async def join(self, tenant_id: int, member_id: int, now: datetime) -> Buddy:
        """Enrol, or come back: active again, unpaused, with a clean inactivity count."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO buddies (member_id, tenant_id, joined_at, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET status = 'active',"
                " paused_until = NULL, missed_rounds = 0, updated_at = excluded.updated_at,"
                " joined_at = CASE WHEN buddies.status = 'left' THEN excluded.joined_at"
                " ELSE buddies.joined_at END RETURNING *",
                (member_id, tenant_id, to_db(now), to_db(now)),
            )
        assert row is not None
        return buddy_from_row(row)

    async def set_status(
        self,
        tenant_id: int,
        member_id: int,
        status: str,
        now: datetime,
        paused_until: datetime | None = None,
    ) -> None:
        await self._db.execute(
            "UPDATE buddies SET status = ?, paused_until = ?, missed_rounds = 0, updated_at = ?"
            " WHERE tenant_id = ? AND member_id = ?",
            (
                status,
                to_db(paused_until) if paused_until else None,
                to_db(now),
                tenant_id,
                member_id,
            ),
        )

    async def set_share(self, tenant_id: int, member_id: int, share: bool, now: datetime) -> None:
        await self._db.execute(
            "UPDATE buddies SET share_checkins = ?, updated_at = ?"
            " WHERE tenant_id = ? AND member_id = ?",
            (int(share), to_db(now), tenant_id, member_id),
        )

    async def mark_nudged(self, tenant_id: int, member_id: int, on: date) -> bool:
        """Record a nudge on the member's local date; False if they already nudged that day."""
        return (
            await self._db.execute(
                "UPDATE buddies SET last_nudge_on = ? WHERE tenant_id = ? AND member_id = ?"
                " AND (last_nudge_on IS NULL OR last_nudge_on <> ?)",
                (on.isoformat(), tenant_id, member_id, on.isoformat()),
            )
            == 1
        )

    async def enrolled_tenants(self) -> list[tuple[int, datetime]]:
        """Tenants with members in matching, and when the earliest of them joined."""
        rows = await self._db.fetchall(
            "SELECT tenant_id, MIN(joined_at) AS first FROM buddies WHERE status <> 'left'"
            " GROUP BY tenant_id ORDER BY tenant_id"
        )
        return [(r["tenant_id"], from_db(r["first"])) for r in rows]

    # --- blocks -------------------------------------------------------------------------------

    async def block(self, tenant_id: int, blocker_id: int, blocked_id: int, now: datetime) -> bool:
        return (
            await self._db.execute(
                "INSERT INTO blocks (tenant_id, blocker_id, blocked_id, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (blocker_id, blocked_id) DO NOTHING",
                (tenant_id, blocker_id, blocked_id, to_db(now)),
            )
            == 1
        )

    async def unblock(self, tenant_id: int, blocker_id: int, blocked_id: int) -> bool:
        return (
            await self._db.execute(
                "DELETE FROM blocks WHERE tenant_id = ? AND blocker_id = ? AND blocked_id = ?",
                (tenant_id, blocker_id, blocked_id),
            )
            == 1
        )

    async def blocked_by(self, tenant_id: int, blocker_id: int) -> list[str]:
        """Display names of the members this member blocked (theirs to see, nobody else's)."""
        rows = await self._db.fetchall(
            "SELECT m.display_name, m.external_id FROM blocks b JOIN members m ON m.id = b.blocked_id"
            " WHERE b.tenant_id = ? AND b.blocker_id = ? ORDER BY m.display_name",
            (tenant_id, blocker_id),
        )
        return [r["display_name"] or r["external_id"] for r in rows]

    # --- groups and rounds --------------------------------------------------------------------

    async def _groups(
        self, where: str, params: tuple[Any, ...], *, by_member: bool = False
    ) -> list[Group]:
        """Groups (with their round and members) of the tenant matching `where`.

        `by_member`: `where` picks the groups by a member's group_members rows; the tenant
        test is then kept out of the index choice (unary +), so the lookup starts from that
        member's rows, not from every group of the community.
        """
        select = (
            _GROUPS.replace("WHERE g.tenant_id", "WHERE +g.tenant_id") if by_member else _GROUPS
        )
        rows = await self._db.fetchall(select + where, params)
        if not rows:
            return []
        ids = ",".join(str(int(r["id"])) for r in rows)
        members = await self._db.fetchall(_GROUP_MEMBERS.format(ids=ids), (rows[0]["tenant_id"],))
        return _assemble(rows, members)

    async def groups_of(self, tenant_id: int, member_id: int, limit: int = 20) -> list[Group]:
        """The member's groups, newest round first."""
        return await self._groups(
            " AND g.id IN (SELECT group_id FROM group_members WHERE tenant_id = ? AND member_id = ?)"
            " ORDER BY r.number DESC LIMIT ?",
            (tenant_id, tenant_id, member_id, limit),
            by_member=True,
        )

    async def current_group(
        self, tenant_id: int, member_id: int, *, sharing_checkins: bool = False
    ) -> Group | None:
        """The member's group in the tenant's open round, unless they left it (or their buddy
        moved on because they went quiet: /buddy rematch).

        With `sharing_checkins`, only if they are still in matching and share their check-ins
        with their group (asked on every check-in, so in the same query).
        """
        sharing = (
            " AND EXISTS (SELECT 1 FROM buddies b WHERE b.member_id = group_members.member_id"
            " AND b.tenant_id = ? AND b.status <> 'left' AND b.share_checkins = 1)"
        )
        groups = await self._groups(
            " AND r.status = 'open' AND g.id IN (SELECT group_id FROM group_members"
            f" WHERE tenant_id = ? AND member_id = ? AND left_at IS NULL AND quiet_at IS NULL"
            f"{sharing if sharing_checkins else ''}) ORDER BY r.number DESC LIMIT 1",
            (tenant_id, tenant_id, member_id, *([tenant_id] if sharing_checkins else [])),
            by_member=True,
        )
        return groups[0] if groups else None

    async def set_met(
        self, tenant_id: int, group_id: int, member_id: int, met: bool, now: datetime
    ) -> None:
        await self._db.execute(
            "UPDATE group_members SET met = ?, answered_at = ?"
            " WHERE tenant_id = ? AND group_id = ? AND member_id = ?",
            (int(met), to_db(now), tenant_id, group_id, member_id),
        )

    async def last_round(self, tenant_id: int) -> Round | None:
        return await self.round_numbered(self._db, tenant_id)

    async def due_followups(self, now: datetime) -> list[Round]:
        """Open rounds whose "Did you meet?" time has come (every tenant: the scheduler's view)."""
        rows = await self._db.fetchall(
            "SELECT * FROM rounds WHERE status = 'open' AND followup_at <= ? ORDER BY id",
            (to_db(now),),
        )
        return [_round(r) for r in rows]

    async def due_late_followups(self, now: datetime) -> list[Group]:
        """Groups of open rounds, formed after their round's question, whose own "Did you
        meet?" time has come (every tenant)."""
        rows = await self._db.fetchall(
            "SELECT g.tenant_id, g.id FROM groups g JOIN rounds r ON r.id = g.round_id"
            " WHERE g.followup_at IS NOT NULL AND g.followup_at <= ? AND r.status = 'open'"
            " ORDER BY g.id",
            (to_db(now),),
        )
        return [
            group
            for r in rows
            for group in await self._groups(" AND g.id = ?", (r["tenant_id"], r["id"]))
        ]

    async def round_groups(
        self, tenant_id: int, round_id: int, *, limit: int | None = None, offset: int = 0
    ) -> list[Group]:
        """The round's groups in the order they were made; `limit` of them (None: all) from
        `offset` on (the dashboard shows a page of a 5,000-group round)."""
        if limit is None:
            return await self._groups(" AND g.round_id = ? ORDER BY g.id", (tenant_id, round_id))
        return await self._groups(
            " AND g.round_id = ? ORDER BY g.id LIMIT ? OFFSET ?",
            (tenant_id, round_id, limit, offset),
        )

    # --- a round: read and planned outside a transaction, written inside one ----------------

    async def participants(self, tx: Tx, tenant_id: int, now: datetime) -> list[Enrolled]:
        """Members taking part in a round starting `now`; timed pauses that ran out end here."""
        await tx.execute(
            "UPDATE buddies SET status = 'active', paused_until = NULL, updated_at = ?"
            " WHERE tenant_id = ? AND status = 'paused' AND paused_until IS NOT NULL"
            " AND paused_until <= ?",
            (to_db(now), tenant_id, to_db(now)),
        )
        rows = await tx.fetchall(
            "SELECT b.member_id, b.joined_at, m.external_id, m.display_name, m.platform_timezone"
            " FROM buddies b"
            " JOIN members m ON m.id = b.member_id"
            " WHERE b.tenant_id = ? AND b.status = 'active' AND m.left_at IS NULL"
            " ORDER BY b.member_id",
            (tenant_id,),
        )
        return [_enrolled(r) for r in rows]

    async def blocked_between(self, reader: Reader, a: int, b: int) -> bool:
        """Whether either of the two blocked the other."""
        row = await reader.fetchone(
            f"SELECT {blocked_either_way('?', '?')}" + " AS blocked",
            (a, b, b, a),
        )
        return row is not None and bool(row["blocked"])

    async def blocks(self, reader: Reader, tenant_id: int) -> list[tuple[int, int]]:
        """Every (blocker, blocked) pair of the tenant."""
        rows = await reader.fetchall(
            "SELECT blocker_id, blocked_id FROM blocks WHERE tenant_id = ?", (tenant_id,)
        )
        return [(r["blocker_id"], r["blocked_id"]) for r in rows]

    async def past_groups(
        self, reader: Reader, tenant_id: int, rounds: int
    ) -> list[list[list[int]]]:
        """Member ids of each group of the last `rounds` rounds, newest round first."""
        newest = await self.next_round_number(reader, tenant_id) - 1
        rows = await reader.fetchall(
            "SELECT r.number, gm.group_id, gm.member_id FROM rounds r"
            " JOIN groups g ON g.round_id = r.id JOIN group_members gm ON gm.group_id = g.id"
            " WHERE r.tenant_id = ? AND r.number > ? AND gm.member_id IS NOT NULL"
            " ORDER BY r.number DESC, gm.group_id, gm.member_id",
            (tenant_id, newest - rounds),
        )
        by_round: list[dict[int, list[int]]] = [{} for _ in range(min(rounds, newest))]
        for r in rows:
            by_round[newest - r["number"]].setdefault(r["group_id"], []).append(r["member_id"])
        return [list(groups.values()) for groups in by_round]

    async def _missed_after_close(
        self, reader: Reader, tenant_id: int, now: datetime
    ) -> tuple[list[int], dict[int, int]]:
        """The tenant's open rounds, and every member's count of rounds missed in a row once
        those rounds close (reads only: the round's plan and its commit share this rule).

        Only a round that reached its follow-up counts as missed: a round closed before anyone
        was asked "Did you meet?" (two quick manual rounds) changes nobody's count.
        """
        open_ids = [
            r["id"]
            for r in await reader.fetchall(
                "SELECT id FROM rounds WHERE tenant_id = ? AND status = 'open' ORDER BY id",
                (tenant_id,),
            )
        ]
        if not open_ids:
            return [], {}
        counts = {
            r["member_id"]: int(r["missed_rounds"])
            for r in await reader.fetchall(
                "SELECT member_id, missed_rounds FROM buddies WHERE tenant_id = ?", (tenant_id,)
            )
        }
        for round_id in open_ids:
            rows = await reader.fetchall(
                "SELECT gm.member_id, (gm.met IS NOT NULL OR EXISTS (SELECT 1 FROM checkins c"
                " WHERE c.tenant_id = gm.tenant_id AND c.member_id = gm.member_id"
                " AND c.updated_at >= r.started_at)) AS showed_up, r.followup_at <= ? AS asked"
                " FROM group_members gm JOIN groups g ON g.id = gm.group_id"
                " JOIN rounds r ON r.id = g.round_id"
                " WHERE r.id = ? AND gm.member_id IS NOT NULL AND gm.left_at IS NULL",
                (to_db(now), round_id),
            )
            for r in rows:
                if r["member_id"] not in counts:
                    continue  # left matching since
                if r["showed_up"]:
                    counts[r["member_id"]] = 0
                elif r["asked"]:
                    counts[r["member_id"]] += 1
        return open_ids, counts

    async def planned_participants(
        self, tenant_id: int, now: datetime, pause_after: int
    ) -> list[Enrolled]:
        """Who `participants` will return once `close_open_rounds` has run at `now`, read
        without writing, so a round can be solved outside any transaction."""
        _, counts = await self._missed_after_close(self._db, tenant_id, now)
        rows = await self._db.fetchall(
            "SELECT b.member_id, b.joined_at, b.status, m.external_id, m.display_name,"
            " m.platform_timezone FROM buddies b JOIN members m ON m.id = b.member_id"
            " WHERE b.tenant_id = ? AND m.left_at IS NULL AND (b.status = 'active'"
            " OR (b.status = 'paused' AND b.paused_until IS NOT NULL AND b.paused_until <= ?))"
            " ORDER BY b.member_id",
            (tenant_id, to_db(now)),
        )
        return [
            _enrolled(r)
            for r in rows
            if not (r["status"] == "active" and counts.get(r["member_id"], 0) >= pause_after)
        ]

    async def close_open_rounds(
        self, tx: Tx, tenant_id: int, now: datetime, pause_after: int
    ) -> list[tuple[int, str]]:
        """Close the tenant's open rounds and count who neither answered nor checked in.

        Returns (member id, platform id) of those who reached `pause_after` missed rounds in a
        row and are now paused until they resume.
        """
        open_ids, counts = await self._missed_after_close(tx, tenant_id, now)
        if not open_ids:
            return []
        await tx.executemany(
            "UPDATE buddies SET missed_rounds = ? WHERE tenant_id = ? AND member_id = ?",
            [(missed, tenant_id, member_id) for member_id, missed in counts.items()],
        )
        marks = ", ".join("?" for _ in open_ids)
        await tx.execute(
            f"UPDATE rounds SET status = 'closed', closed_at = ? WHERE id IN ({marks})",
            (to_db(now), *open_ids),
        )
        rows = await tx.fetchall(
            "UPDATE buddies SET status = 'paused', paused_until = NULL, updated_at = ?"
            " WHERE tenant_id = ? AND status = 'active' AND missed_rounds >= ?"
            " RETURNING member_id",
            (to_db(now), tenant_id, pause_after),
        )
        return await self._platform_ids(tx, tenant_id, [r["member_id"] for r in rows])

    async def pause_silent(
        self, tx: Tx, tenant_id: int, member_ids: Sequence[int], rounds: int, now: datetime
    ) -> list[tuple[int, str]]:
        """Pause those of `member_ids` (sitting the coming round out for not answering "Still
        in?") who also sat out the `rounds` scheduled rounds before it that way, so a member
        who never answers is not asked every round forever. Returns (member id, platform id)."""
        if not member_ids:
            return []
        marks = ", ".join("?" for _ in member_ids)
        rows = await tx.fetchall(
            "WITH recent AS (SELECT id FROM rounds WHERE tenant_id = ? AND extra = 0"
            " ORDER BY number DESC LIMIT ?)"
            " UPDATE buddies SET status = 'paused', paused_until = NULL, updated_at = ?"
            f" WHERE tenant_id = ? AND status = 'active' AND member_id IN ({marks})"
            " AND (SELECT COUNT(*) FROM recent) = ? AND (SELECT COUNT(*) FROM round_notes n"
            " WHERE n.tenant_id = buddies.tenant_id AND n.member_id = buddies.member_id"
            " AND n.kind = 'silent' AND n.round_id IN (SELECT id FROM recent)) = ?"
            " RETURNING member_id",
            (tenant_id, rounds, to_db(now), tenant_id, *member_ids, rounds, rounds),
        )
        return await self._platform_ids(tx, tenant_id, [r["member_id"] for r in rows])

    async def _platform_ids(
        self, reader: Reader, tenant_id: int, member_ids: Sequence[int]
    ) -> list[tuple[int, str]]:
        """(member id, platform id) of `member_ids`, by member id."""
        if not member_ids:
            return []
        marks = ", ".join("?" for _ in member_ids)
        found = await reader.fetchall(
            f"SELECT id, external_id FROM members WHERE tenant_id = ? AND id IN ({marks})"
            " ORDER BY id",
            (tenant_id, *member_ids),
        )
        return [(r["id"], r["external_id"]) for r in found]

    async def create_round(
        self,
        tx: Tx,
        tenant_id: int,
        period: str,
        now: datetime,
        followup_at: datetime,
        *,
        extra: bool = False,
    ) -> Round:
        row = await tx.fetchone(
            "INSERT INTO rounds (tenant_id, number, period, started_at, followup_at, extra)"
            " VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM rounds WHERE tenant_id = ?),"
            " ?, ?, ?, ?) RETURNING *",
            (tenant_id, tenant_id, period, to_db(now), to_db(followup_at), int(extra)),
        )
        assert row is not None
        return _round(row)

    async def next_round_number(self, reader: Reader, tenant_id: int) -> int:
        row = await reader.fetchone(
            "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM rounds WHERE tenant_id = ?",
            (tenant_id,),
        )
        assert row is not None
        return int(row["n"])

    async def add_group(
        self,
        tx: Tx,
        tenant_id: int,
        round_id: int,
        room_key: str,
        members: Sequence[tuple[int, str]],
        study_time: str | None = None,
        followup_at: datetime | None = None,
    ) -> int:
        """A group and its members, given as (member id, display name); `study_time` is
        'shared', 'no_hours' or 'no_overlap' (their study hours on the round's date);
        `followup_at` its own "Did you meet?" time when the round's has passed."""
        group_id = await tx.insert(
            "INSERT INTO groups (tenant_id, round_id, room_key, study_time, followup_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            (
                tenant_id,
                round_id,
                room_key,
                study_time,
                to_db(followup_at) if followup_at else None,
            ),
        )
        await tx.executemany(
            "INSERT INTO group_members (group_id, tenant_id, member_id, display_name)"
            " VALUES (?, ?, ?, ?)",
            [(group_id, tenant_id, member_id, name) for member_id, name in members],
        )
        return group_id

    async def add_round_notes(
        self, tx: Tx, tenant_id: int, round_id: int, kind: str, member_ids: Sequence[int]
    ) -> None:
        """Members the round did not group: 'waiting' (no group for them), 'paused' (for
        inactivity) or 'silent' (no answer to "Still in?")."""
        await tx.executemany(
            "INSERT INTO round_notes (tenant_id, round_id, member_id, kind) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(tenant_id, round_id, member_id, kind) for member_id in member_ids],
        )

    async def recent_rounds(self, tenant_id: int, limit: int) -> list[Round]:
        """The tenant's latest `limit` rounds, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM rounds WHERE tenant_id = ? ORDER BY number DESC LIMIT ?",
            (tenant_id, limit),
        )
        return [_round(r) for r in rows]

    async def round_numbered(
        self, reader: Reader, tenant_id: int, number: int | None = None
    ) -> Round | None:
        """Round `number` of the tenant, or the latest one when None."""
        if number is None:
            row = await reader.fetchone(
                "SELECT * FROM rounds WHERE tenant_id = ? ORDER BY number DESC LIMIT 1",
                (tenant_id,),
            )
        else:
            row = await reader.fetchone(
                "SELECT * FROM rounds WHERE tenant_id = ? AND number = ?", (tenant_id, number)
            )
        return _round(row) if row is not None else None

    async def period_round(self, reader: Reader, tenant_id: int, period: str) -> Round | None:
        row = await reader.fetchone(
            "SELECT * FROM rounds WHERE tenant_id = ? AND period = ?", (tenant_id, period)
        )
        return _round(row) if row is not None else None

    async def round_facts(self, reader: Reader, rnd: Round) -> RoundFacts:
        """What the round report says about `rnd` (names as they are now)."""
        groups: dict[int, tuple[list[str], str | None]] = {}
        named: list[int] = []
        for r in await reader.fetchall(
            "SELECT g.id, g.study_time, gm.member_id,"
            " COALESCE(m.display_name, gm.display_name) AS name"
            " FROM groups g JOIN group_members gm ON gm.group_id = g.id"
            " LEFT JOIN members m ON m.id = gm.member_id"
            " WHERE g.tenant_id = ? AND g.round_id = ? ORDER BY g.id, name",
            (rnd.tenant_id, rnd.id),
        ):
            groups.setdefault(r["id"], ([], r["study_time"]))[0].append(r["name"])
            if r["member_id"] is not None:  # None: a former member, erased already
                named.append(int(r["member_id"]))
        notes: dict[str, list[str]] = {"waiting": [], "paused": [], "silent": []}
        for r in await reader.fetchall(
            "SELECT n.kind, n.member_id, m.display_name FROM round_notes n"
            " JOIN members m ON m.id = n.member_id"
            " WHERE n.tenant_id = ? AND n.round_id = ? ORDER BY m.display_name",
            (rnd.tenant_id, rnd.id),
        ):
            notes[r["kind"]].append(r["display_name"])
            named.append(int(r["member_id"]))
        before = await reader.fetchone(
            "SELECT r.number, COUNT(DISTINCT g.id) AS groups, COUNT(DISTINCT CASE WHEN"
            " gm.met = 1 THEN g.id END) AS met FROM rounds r"
            " JOIN groups g ON g.round_id = r.id JOIN group_members gm ON gm.group_id = g.id"
            " WHERE r.tenant_id = ? AND r.number = ? GROUP BY r.number",
            (rnd.tenant_id, rnd.number - 1),
        )
        return RoundFacts(
            rnd,
            [(tuple(names), study) for names, study in groups.values()],
            notes["waiting"],
            notes["paused"],
            notes["silent"],
            None if before is None else (before["number"], before["groups"], before["met"]),
            tuple(dict.fromkeys(named)),
        )

    # --- who hears about rounds ---------------------------------------------------------------

    async def record_organizer(self, tenant_id: int, member_id: int, now: datetime) -> None:
        """The member who last ran a buddy admin command receives the round reports."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO buddy_organizers (tenant_id, member_id, recorded_at) VALUES (?, ?, ?)"
                " ON CONFLICT (tenant_id) DO UPDATE SET member_id = excluded.member_id,"
                " recorded_at = excluded.recorded_at",
                (tenant_id, member_id, to_db(now)),
            )

    async def organizer(self, reader: Reader, tenant_id: int) -> tuple[int, str] | None:
        """(member id, platform id) of the organizer who receives reports, if any is in."""
        row = await reader.fetchone(
            "SELECT m.id, m.external_id FROM buddy_organizers o JOIN members m"
            " ON m.id = o.member_id WHERE o.tenant_id = ? AND m.left_at IS NULL",
            (tenant_id,),
        )
        return (row["id"], row["external_id"]) if row is not None else None

    async def leave(self, tx: Tx, tenant_id: int, member_id: int, now: datetime) -> list[int]:
        """The member left the community: out of matching, out of their open groups.

        Returns the ids of the open groups they were in, whose other members should be told.
        """
        await tx.execute(
            "UPDATE buddies SET status = 'left', paused_until = NULL, updated_at = ?"
            " WHERE tenant_id = ? AND member_id = ?",
            (to_db(now), tenant_id, member_id),
        )
        rows = await tx.fetchall(
            "UPDATE group_members SET left_at = ? WHERE tenant_id = ? AND member_id = ?"
            " AND left_at IS NULL AND group_id IN (SELECT g.id FROM groups g"
            " JOIN rounds r ON r.id = g.round_id WHERE r.tenant_id = ? AND r.status = 'open')"
            " RETURNING group_id",
            (to_db(now), tenant_id, member_id, tenant_id),
        )
        return sorted(r["group_id"] for r in rows)

    async def notes_of(self, tenant_id: int, member_id: int) -> list[tuple[int, str]]:
        """(round number, kind) of every round that did not group the member, oldest first."""
        rows = await self._db.fetchall(
            "SELECT r.number, n.kind FROM round_notes n JOIN rounds r ON r.id = n.round_id"
            " WHERE n.tenant_id = ? AND n.member_id = ? ORDER BY r.number",
            (tenant_id, member_id),
        )
        return [(r["number"], r["kind"]) for r in rows]

    async def organizer_since(self, tenant_id: int, member_id: int) -> str | None:
        """When the member became the community's report recipient, if they are."""
        row = await self._db.fetchone(
            "SELECT recorded_at FROM buddy_organizers WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        return None if row is None else str(row["recorded_at"])

    async def erase(self, tx: Tx, tenant_id: int, member_id: int) -> int:
        """Remove the member's enrolment and every block by or of them; keep their groups as
        "a former member" so partners' history stays whole. Returns the rows touched."""
        touched = await tx.execute(
            "DELETE FROM buddies WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
        )
        touched += await tx.execute(
            "DELETE FROM blocks WHERE tenant_id = ? AND (blocker_id = ? OR blocked_id = ?)",
            (tenant_id, member_id, member_id),
        )
        for table in ("round_notes", "buddy_organizers"):
            touched += await tx.execute(
                f"DELETE FROM {table} WHERE tenant_id = ? AND member_id = ?",
                (tenant_id, member_id),
            )
        touched += await tx.execute(
            "UPDATE group_members SET member_id = NULL, display_name = ?, met = NULL,"
            " answered_at = NULL, quiet_at = NULL WHERE tenant_id = ? AND member_id = ?",
            (FORMER_MEMBER, tenant_id, member_id),
        )
        return touched
