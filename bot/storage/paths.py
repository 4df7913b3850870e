"""Learning paths: the paths members picked, the milestones they reached, and the paths a
community's organizers added (schema: migrations/0022_paths.sql)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.storage.buddies import blocked_either_way
from bot.storage.db import Database, Tx, from_db, to_db
from bot.storage.dialect import concat_all

SkillMinutes = dict[frozenset[str], int]  # a day's skills -> minutes of the days tagged so


@dataclass(frozen=True)
class MemberPath:
    member_id: int
    path_id: str
    picked_at: datetime  # the first time they picked it; picking it again keeps this
    picked_on: date  # their local day then: check-in minutes count from this day on


@dataclass(frozen=True)
class ReachedMilestone:
    milestone_id: str
    at: datetime
    link: str | None


@dataclass(frozen=True)
class Helper:
    """A member on a path who reached one of its milestones, someone to ask about it."""

    member_id: int
    external_id: str
    display_name: str
    knows: bool  # their profile lists one of the milestone's skills under knows

    @property
    def label(self) -> str:
        return self.display_name or self.external_id


def _member_path(r: Any) -> MemberPath:
    return MemberPath(
        int(r["member_id"]),
        str(r["path_id"]),
        from_db(r["picked_at"]),
        date.fromisoformat(r["picked_on"]),
    )


def _reached(r: Any) -> ReachedMilestone:
    return ReachedMilestone(str(r["milestone_id"]), from_db(r["reached_at"]), r["link"])


_ACTIVE = (
    "SELECT member_id, path_id, picked_at, picked_on FROM member_paths"
    " WHERE tenant_id = ? AND active = 1"
)
# Each check-in's minutes with its skills (one group_concat per check-in), on days since the
# member picked their active path, summed per member and set of skills: a few rows per member.
_SKILL_MINUTES = (
    "SELECT member_id, skills, SUM(minutes) AS minutes FROM ("
    " SELECT c.member_id, c.minutes, {concat_skills} AS skills"
    " FROM member_paths mp"
    " JOIN checkins c ON c.tenant_id = mp.tenant_id AND c.member_id = mp.member_id"
    "  AND c.local_date >= mp.picked_on"
    " JOIN checkin_skills cs ON cs.checkin_id = c.id"
    " WHERE mp.tenant_id = ? AND mp.active = 1 AND c.minutes IS NOT NULL{member}"
    " GROUP BY c.id"
    ") AS per_checkin GROUP BY member_id, skills"
)


class PathRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- the paths members are on -------------------------------------------------------------

    async def active(self, tenant_id: int, member_id: int) -> MemberPath | None:
        row = await self._db.fetchone(_ACTIVE + " AND member_id = ?", (tenant_id, member_id))
        return _member_path(row) if row else None

    async def active_all(self, tenant_id: int) -> dict[int, MemberPath]:
        """member id -> the path they are on, for everyone on one."""
        rows = await self._db.fetchall(_ACTIVE, (tenant_id,))
        return {int(r["member_id"]): _member_path(r) for r in rows}

    async def picked(self, tenant_id: int, member_id: int) -> list[MemberPath]:
        """Every path the member ever picked, the first picked first."""
        rows = await self._db.fetchall(
            "SELECT member_id, path_id, picked_at, picked_on FROM member_paths"
            " WHERE tenant_id = ? AND member_id = ? ORDER BY picked_at",
            (tenant_id, member_id),
        )
        return [_member_path(r) for r in rows]

    async def pick(
        self, tenant_id: int, member_id: int, path_id: str, now: datetime, on: date
    ) -> MemberPath:
        """Make `path_id` the member's one active path; a path picked before keeps its first
        pick (and so the minutes and milestones counted since)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE member_paths SET active = 0"
                " WHERE tenant_id = ? AND member_id = ? AND active = 1 AND path_id <> ?",
                (tenant_id, member_id, path_id),
            )
            row = await tx.fetchone(
                "INSERT INTO member_paths (tenant_id, member_id, path_id, picked_at, picked_on)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, member_id, path_id)"
                " DO UPDATE SET active = 1"
                " RETURNING member_id, path_id, picked_at, picked_on",
                (tenant_id, member_id, path_id, to_db(now), on.isoformat()),
            )
        assert row is not None
        return _member_path(row)

    async def leave(self, tenant_id: int, member_id: int) -> MemberPath | None:
        """End the member's active path (its progress stays); the path they were on."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE member_paths SET active = 0"
                " WHERE tenant_id = ? AND member_id = ? AND active = 1"
                " RETURNING member_id, path_id, picked_at, picked_on",
                (tenant_id, member_id),
            )
        return _member_path(row) if row else None

    async def members_on(self, tenant_id: int, path_id: str) -> int:
        """How many members have `path_id` as their active path."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM member_paths"
            " WHERE tenant_id = ? AND active = 1 AND path_id = ?",
            (tenant_id, path_id),
        )
        return int(row["n"]) if row else 0

    # --- milestones reached -------------------------------------------------------------------

    async def reached(
        self, tenant_id: int, member_id: int, path_id: str
    ) -> dict[str, ReachedMilestone]:
        rows = await self._db.fetchall(
            "SELECT milestone_id, reached_at, link FROM path_milestones"
            " WHERE tenant_id = ? AND member_id = ? AND path_id = ?",
            (tenant_id, member_id, path_id),
        )
        return {str(r["milestone_id"]): _reached(r) for r in rows}

    async def reached_on_active(self, tenant_id: int) -> dict[int, dict[str, ReachedMilestone]]:
        """member id -> milestone id -> reached, on each member's active path (one query)."""
        rows = await self._db.fetchall(
            "SELECT pm.member_id, pm.milestone_id, pm.reached_at, pm.link"
            " FROM member_paths mp JOIN path_milestones pm ON pm.tenant_id = mp.tenant_id"
            "  AND pm.member_id = mp.member_id AND pm.path_id = mp.path_id"
            " WHERE mp.tenant_id = ? AND mp.active = 1",
            (tenant_id,),
        )
        out: dict[int, dict[str, ReachedMilestone]] = defaultdict(dict)
        for r in rows:
            out[int(r["member_id"])][str(r["milestone_id"])] = _reached(r)
        return dict(out)

    async def reached_between(
        self, tenant_id: int, start: datetime, end: datetime
    ) -> list[tuple[int, str, ReachedMilestone]]:
        """(member id, path id, reached) for milestones reached in [start, end), in order."""
        rows = await self._db.fetchall(
            "SELECT member_id, path_id, milestone_id, reached_at, link FROM path_milestones"
            " WHERE tenant_id = ? AND reached_at >= ? AND reached_at < ?"
            " ORDER BY reached_at, member_id",
            (tenant_id, to_db(start), to_db(end)),
        )
        return [(int(r["member_id"]), str(r["path_id"]), _reached(r)) for r in rows]

    async def reach(
        self,
        tenant_id: int,
        member_id: int,
        path_id: str,
        milestone_ids: Sequence[str],
        now: datetime,
        link: str | None = None,
    ) -> list[str]:
        """Record milestones as reached now; one reached before keeps its instant, and gets
        `link` when one is given (a member adding the link to their work later). Returns the
        ids reached only now: of two check-ins at once, one announces a milestone."""
        async with self._db.transaction() as tx:
            marks = ", ".join("?" for _ in milestone_ids)
            before = {
                r["milestone_id"]
                for r in await tx.fetchall(
                    "SELECT milestone_id FROM path_milestones WHERE tenant_id = ?"
                    f" AND member_id = ? AND path_id = ? AND milestone_id IN ({marks})",
                    (tenant_id, member_id, path_id, *milestone_ids),
                )
            }
            await tx.executemany(
                "INSERT INTO path_milestones"
                " (tenant_id, member_id, path_id, milestone_id, reached_at, link)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, member_id, path_id, milestone_id)"
                " DO UPDATE SET link = COALESCE(excluded.link, path_milestones.link)",
                [(tenant_id, member_id, path_id, m, to_db(now), link) for m in milestone_ids],
            )
        return [m for m in milestone_ids if m not in before]

    async def skill_minutes(
        self, tenant_id: int, member_id: int | None = None
    ) -> dict[int, SkillMinutes]:
        """member id -> the minutes of their check-ins since they picked their active path,
        by the check-in's set of skills; one member's, or everyone's on a path (one query)."""
        if member_id is None:
            rows = await self._db.fetchall(
                _SKILL_MINUTES.format(
                    member="", concat_skills=concat_all(self._db.dialect, "cs.skill")
                ),
                (tenant_id,),
            )
        else:
            rows = await self._db.fetchall(
                _SKILL_MINUTES.format(
                    member=" AND mp.member_id = ?",
                    concat_skills=concat_all(self._db.dialect, "cs.skill"),
                ),
                (tenant_id, member_id),
            )
        out: dict[int, SkillMinutes] = defaultdict(lambda: defaultdict(int))
        for r in rows:
            skills = frozenset(str(r["skills"]).split(","))
            out[int(r["member_id"])][skills] += int(r["minutes"])
        return {m: dict(by_skills) for m, by_skills in out.items()}

    async def helpers(
        self,
        tenant_id: int,
        path_id: str,
        milestone_id: str,
        skills: Sequence[str],
        asker_id: int,
        now: datetime,
        limit: int = 3,
    ) -> list[Helper]:
        """Members on `path_id` who reached `milestone_id` and are willing to be asked: still
        members, not paused or left from buddy matching, not keeping their check-ins to
        themselves (/buddy share checkins:no), no block between them and the asker either way. Those whose profile knows one of `skills` first, then the earliest."""
        marks = ", ".join("?" for _ in skills) or "NULL"
        rows = await self._db.fetchall(
            "SELECT m.id, m.external_id, m.display_name, EXISTS ("
            "  SELECT 1 FROM member_skills ms WHERE ms.member_id = m.id AND ms.kind = 'knows'"
            f"  AND ms.skill IN ({marks})) AS knows"
            " FROM path_milestones pm"
            " JOIN member_paths mp ON mp.tenant_id = pm.tenant_id AND mp.member_id = pm.member_id"
            "  AND mp.path_id = pm.path_id AND mp.active = 1"
            " JOIN members m ON m.id = pm.member_id AND m.left_at IS NULL"
            " LEFT JOIN buddies b ON b.member_id = pm.member_id"
            " WHERE pm.tenant_id = ? AND pm.path_id = ? AND pm.milestone_id = ?"
            "  AND pm.member_id <> ?"
            "  AND (b.member_id IS NULL OR (b.share_checkins = 1 AND (b.status = 'active'"
            "   OR (b.status = 'paused' AND b.paused_until IS NOT NULL AND b.paused_until <= ?))))"
            f"  AND NOT {blocked_either_way('pm.member_id', '?')}"
            " ORDER BY knows DESC, pm.reached_at, m.id LIMIT ?",
            (
                *skills,
                tenant_id,
                path_id,
                milestone_id,
                asker_id,
                to_db(now),
                asker_id,
                asker_id,
                limit,
            ),
        )
        return [
            Helper(int(r["id"]), str(r["external_id"]), str(r["display_name"]), bool(r["knows"]))
            for r in rows
        ]

    # --- paths organizers added ---------------------------------------------------------------

    async def tenant_paths(self, tenant_id: int) -> list[tuple[str, str]]:
        """(path id, definition: the path file's text) of the community's own paths."""
        rows = await self._db.fetchall(
            "SELECT path_id, definition FROM tenant_paths WHERE tenant_id = ? ORDER BY added_at",
            (tenant_id,),
        )
        return [(str(r["path_id"]), str(r["definition"])) for r in rows]

    async def add_path(self, tenant_id: int, path_id: str, definition: str, now: datetime) -> bool:
        """Store the community's path; True when it replaced one with the same id."""
        async with self._db.transaction() as tx:
            before = await tx.fetchone(
                "SELECT 1 FROM tenant_paths WHERE tenant_id = ? AND path_id = ?",
                (tenant_id, path_id),
            )
            await tx.execute(
                "INSERT INTO tenant_paths (tenant_id, path_id, definition, added_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, path_id)"
                " DO UPDATE SET definition = excluded.definition",
                (tenant_id, path_id, definition, to_db(now)),
            )
        return before is not None

    async def remove_path(self, tenant_id: int, path_id: str) -> int:
        """Remove the community's path; members on it are taken off it (their milestones stay,
        and come back if the path is added again). How many members were on it; -1 when there
        was no such path."""
        async with self._db.transaction() as tx:
            removed = await tx.execute(
                "DELETE FROM tenant_paths WHERE tenant_id = ? AND path_id = ?",
                (tenant_id, path_id),
            )
            if not removed:
                return -1
            return await tx.execute(
                "UPDATE member_paths SET active = 0"
                " WHERE tenant_id = ? AND path_id = ? AND active = 1",
                (tenant_id, path_id),
            )

    # --- personal data ------------------------------------------------------------------------

    async def export(self, tenant_id: int, member_id: int) -> dict[str, Any]:
        picked = await self.picked(tenant_id, member_id)
        active = await self.active(tenant_id, member_id)
        rows = await self._db.fetchall(
            "SELECT path_id, milestone_id, reached_at, link FROM path_milestones"
            " WHERE tenant_id = ? AND member_id = ? ORDER BY reached_at",
            (tenant_id, member_id),
        )
        return {
            "active": active.path_id if active else None,
            "picked": [
                {"path": p.path_id, "picked_at": to_db(p.picked_at), "picked_on": str(p.picked_on)}
                for p in picked
            ],
            "milestones_reached": [
                {
                    "path": r["path_id"],
                    "milestone": r["milestone_id"],
                    "reached_at": r["reached_at"],
                    "link": r["link"],
                }
                for r in rows
            ],
        }


async def erase(tx: Tx, tenant_id: int, member_id: int) -> int:
    """Delete the member's paths and milestones (inside /privacy delete's transaction)."""
    reached = await tx.execute(
        "DELETE FROM path_milestones WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
    )
    picked = await tx.execute(
        "DELETE FROM member_paths WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
    )
    return reached + picked
