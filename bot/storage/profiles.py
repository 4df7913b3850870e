"""Study profiles and the skills a member is learning or knows."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from bot.storage.db import Database, Many, Row, Step, to_db
from bot.storage.members import MemberRepo
from bot.storage.models import Profile

PROFILE_FIELDS = ("timezone", "goal", "level", "about")
SKILL_KINDS = ("learning", "knows")


def _hours(row: Any) -> tuple[time, time] | None:
    if row["hours_start"] is None or row["hours_end"] is None:
        return None
    return time.fromisoformat(row["hours_start"]), time.fromisoformat(row["hours_end"])


def _profile(member_id: int, row: Any, skills: dict[str, tuple[str, ...]]) -> Profile:
    learning, knows = skills["learning"], skills["knows"]
    if row is None:
        return Profile(member_id=member_id, learning=learning, knows=knows)
    return Profile(
        member_id=member_id,
        timezone=row["timezone"],
        goal=row["goal"],
        level=row["level"],
        hours=_hours(row),
        about=row["about"],
        learning=learning,
        knows=knows,
    )


_SKILLS = (
    "SELECT kind, skill FROM member_skills WHERE tenant_id = ? AND member_id = ? ORDER BY skill"
)


def _by_kind(rows: Sequence[Row]) -> dict[str, tuple[str, ...]]:
    return {k: tuple(r["skill"] for r in rows if r["kind"] == k) for k in SKILL_KINDS}


def _profiles(rows: Sequence[Row], skills: Sequence[Row]) -> dict[int, Profile]:
    """Profiles by member id from `profiles` rows and (member_id, kind, skill) rows."""
    learning: dict[int, list[str]] = {}
    knows: dict[int, list[str]] = {}
    for s in skills:
        target = learning if s["kind"] == "learning" else knows
        target.setdefault(s["member_id"], []).append(s["skill"])
    ids = {r["member_id"] for r in rows} | set(learning) | set(knows)
    by_id = {r["member_id"]: r for r in rows}
    by_kind = {"learning": learning, "knows": knows}
    return {
        mid: _profile(mid, by_id.get(mid), {k: tuple(v.get(mid, ())) for k, v in by_kind.items()})
        for mid in ids
    }


class ProfileRepo:
    def __init__(self, db: Database, members: MemberRepo) -> None:
        self._db = db
        self._members = members  # caches each member with their profile time zone

    async def get(self, tenant_id: int, member_id: int) -> Profile:
        """The member's profile; an empty one if they never set anything."""
        row, skills = await asyncio.gather(  # both queued at once: one wake-up of the reader
            self._db.fetchone(
                "SELECT * FROM profiles WHERE tenant_id = ? AND member_id = ?",
                (tenant_id, member_id),
            ),
            self._skills(tenant_id, member_id),
        )
        return _profile(member_id, row, skills)

    async def _skills(self, tenant_id: int, member_id: int) -> dict[str, tuple[str, ...]]:
        return _by_kind(await self._db.fetchall(_SKILLS, (tenant_id, member_id)))

    async def all(self, tenant_id: int) -> dict[int, Profile]:
        """Every profile in the tenant by member id (matching, digests)."""
        rows = await self._db.fetchall("SELECT * FROM profiles WHERE tenant_id = ?", (tenant_id,))
        skills = await self._db.fetchall(
            "SELECT member_id, kind, skill FROM member_skills WHERE tenant_id = ? ORDER BY skill",
            (tenant_id,),
        )
        return _profiles(rows, skills)

    async def of(self, tenant_id: int, member_ids: Sequence[int]) -> dict[int, Profile]:
        """The profiles of these members of the tenant, by member id (set or not)."""
        if not member_ids:
            return {}
        marks = ", ".join("?" for _ in member_ids)
        rows = await self._db.fetchall(
            f"SELECT * FROM profiles WHERE tenant_id = ? AND member_id IN ({marks})",
            (tenant_id, *member_ids),
        )
        skills = await self._db.fetchall(
            "SELECT member_id, kind, skill FROM member_skills"
            f" WHERE tenant_id = ? AND member_id IN ({marks}) ORDER BY skill",
            (tenant_id, *member_ids),
        )
        found = _profiles(rows, skills)
        return {m: found.get(m) or Profile(member_id=m) for m in member_ids}

    async def update(
        self,
        tenant_id: int,
        member_id: int,
        now: datetime,
        fields: dict[str, str | None],
        hours: tuple[time, time] | None = None,
        learning: tuple[str, ...] | None = None,
        knows: tuple[str, ...] | None = None,
    ) -> Profile:
        """Change only what is given; skill lists replace the previous list of that kind.

        Returns the saved profile, read back in the same round trip as the writes.
        """
        unknown = set(fields) - set(PROFILE_FIELDS)
        if unknown:
            raise ValueError(f"unknown profile fields {sorted(unknown)}")
        try:
            async with self._db.transaction() as tx:
                columns = list(fields)  # names checked against PROFILE_FIELDS
                values: list[Any] = list(fields.values())
                if hours is not None:
                    columns += ["hours_start", "hours_end"]
                    values += [hours[0].strftime("%H:%M"), hours[1].strftime("%H:%M")]
                columns.append("updated_at")
                values.append(to_db(now))
                steps: list[Step] = [
                    (
                        f"INSERT INTO profiles (member_id, tenant_id, {', '.join(columns)})"
                        f" VALUES (?, ?{', ?' * len(columns)}) ON CONFLICT (member_id) DO UPDATE"
                        f" SET {', '.join(f'{c} = excluded.{c}' for c in columns)}"
                        " WHERE profiles.tenant_id = excluded.tenant_id RETURNING *",
                        (member_id, tenant_id, *values),
                    )
                ]
                given = {"learning": learning, "knows": knows}
                for kind, skills in given.items():
                    if skills is not None:
                        steps.append(
                            (
                                "DELETE FROM member_skills"
                                " WHERE tenant_id = ? AND member_id = ? AND kind = ?",
                                (tenant_id, member_id, kind),
                            )
                        )
                        steps.append(
                            Many(
                                "INSERT INTO member_skills (member_id, tenant_id, kind, skill)"
                                " VALUES (?, ?, ?, ?)",
                                [(member_id, tenant_id, kind, s) for s in skills],
                            )
                        )
                steps.append((_SKILLS, (tenant_id, member_id)))  # the lists as saved
                saved, *_, stored = await tx.pipeline(*steps)  # one round trip
                if "timezone" in fields:  # the one profile column cached with the member
                    tx.publish("member", member_id)
                row = saved[0] if saved else None
        finally:  # the time zone may have changed, even if cancelled after the commit
            self._members.forget(member_id)
        return _profile(member_id, row, _by_kind(stored))
