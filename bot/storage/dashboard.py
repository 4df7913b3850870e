"""What the organizers' dashboard reads beyond the digest's week and the buddy repository: one
row per member for the members table, recently solved blockers, round notes and the buddy
intros as they were queued. Every query is scoped by tenant; read-only.

Reads the kernel (0001), check-ins (0002, 0009), buddies (0003, 0011, 0013) and outbox tables.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from bot.dashboard.views import RoundSummary
from bot.digest import Blocker
from bot.storage.buddies import paused_at
from bot.storage.checkins import MAX_DAY_MINUTES
from bot.storage.db import Database, from_db, to_db
from bot.storage.dialect import concat_all, zero_padded
from bot.storage.digests import EPOCH
from bot.storage.outbox import message_key
from bot.storage.students import STUDENT

INTRO = "buddy-intro"  # the outbox kind of a group's intro (cogs/buddies/rounds.py queues it)
# A check-in day as the members query writes it: YYYY-MM-DD and its minutes zero-padded (0:
# none given), a fixed width, so a member's days concatenate without separators.
_MINUTE_DIGITS = len(str(MAX_DAY_MINUTES))
_DAY = np.dtype([("day", "S10"), ("minutes", f"S{_MINUTE_DIGITS}")])


@dataclass(frozen=True, eq=False)  # by identity: members with the same values share one
class Enrolment:
    """The part of a member's `buddies` row the members table shows (`Buddy`'s fields)."""

    status: str  # active | paused | left
    paused_until: datetime | None
    missed_rounds: int

    def paused_at(self, now: datetime) -> bool:
        return paused_at(self.status, self.paused_until, now)


@dataclass(frozen=True, eq=False)
class MemberFacts:
    """The students still here, as the members table needs them: a column per fact, one member
    per index (in no set order). Columns rather than an object per member: building 10,000 of
    them was a fifth of the table's time."""

    member_ids: list[int]
    names: list[str]
    last_checkins: list[date | None]
    learning: list[tuple[str, ...]]  # skill ids, sorted
    # minutes logged each local day asked about, a row per member (0: none given; -1: no
    # check-in)
    weeks: np.ndarray
    buddies: list[Enrolment | None]  # None: never joined buddy rounds


@dataclass(frozen=True)
class SolvedBlocker:
    blocker: Blocker
    member: str  # their name
    solved_at: datetime


def _weeks(days: Sequence[str | None], first: date, length: int) -> np.ndarray:
    """Each member's minutes on the `length` days from `first` (-1: no check-in), from their
    `_DAY` records concatenated, all members' decoded by numpy at once: parsing 10,000
    members' 70,000 (day, minutes) pairs one by one took a tenth of a second."""
    text = "".join(d or "" for d in days).encode("ascii")
    records = np.frombuffer(text, _DAY)
    counts = np.fromiter((len(d or "") // _DAY.itemsize for d in days), np.int64, len(days))
    column = records["day"].astype("datetime64[D]").astype(np.int64) + EPOCH - first.toordinal()
    grid = np.full((len(days), length), -1, np.int64)
    grid[np.repeat(np.arange(len(days)), counts), column] = records["minutes"].astype(np.int64)
    return grid


class DashboardRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def members(self, tenant_id: int, first: date, last: date) -> MemberFacts:
        """Every student still here (bot.storage.students: not an organizer who never studied,
        as the digest counts them): latest check-in day, skills being learned, minutes logged
        each day from `first` to `last`, buddy enrolment. One row per member; the per-member
        parts are probes of (tenant, member) keys, so the cost follows the community's size
        and not its history."""
        dialect = self._db.dialect
        day_minutes = zero_padded(dialect, "COALESCE(c.minutes, 0)", _MINUTE_DIGITS)
        rows = await self._db.fetchall(
            "SELECT m.id, COALESCE(NULLIF(m.display_name, ''), m.external_id) AS name,"
            " (SELECT MAX(c.local_date) FROM checkins c"
            "  WHERE c.tenant_id = m.tenant_id AND c.member_id = m.id) AS last_checkin,"
            " (SELECT "
            + concat_all(dialect, "c.local_date || " + day_minutes, "")
            + " FROM checkins c"
            "  WHERE c.tenant_id = m.tenant_id AND c.member_id = m.id"
            "  AND c.local_date BETWEEN :first AND :last) AS days,"
            # By the primary key (member, kind, skill) alone, with no tenant test: the member
            # is this tenant's (m), and the key covers the lookup (a fifth of the query's time).
            f" (SELECT {concat_all(dialect, 's.skill')} FROM member_skills s"
            "  WHERE s.member_id = m.id AND s.kind = 'learning') AS learning,"
            " b.status, b.paused_until, b.missed_rounds"
            " FROM members m LEFT JOIN buddies b ON b.member_id = m.id AND b.tenant_id = m.tenant_id"
            f" WHERE m.tenant_id = :t AND m.left_at IS NULL AND {STUDENT}",
            {"t": tenant_id, "first": first.isoformat(), "last": last.isoformat()},
        )
        length = (last - first).days + 1
        if not rows:
            return MemberFacts([], [], [], [], _weeks([], first, length), [])
        ids, names, last_days, days, learning, statuses, until, missed = zip(*rows, strict=True)
        # Few distinct values (days, skill sets, enrolments): each is parsed once.
        parsed_days = {d: date.fromisoformat(d) for d in set(last_days) if d}
        skill_sets = {s: tuple(sorted(s.split(","))) for s in set(learning) if s}
        enrolments = {
            (s, u, m): Enrolment(s, from_db(u) if u else None, m)
            for s, u, m in set(zip(statuses, until, missed, strict=True))
            if s is not None
        }
        return MemberFacts(
            member_ids=list(ids),
            names=list(names),
            last_checkins=[parsed_days.get(d) for d in last_days],
            learning=[skill_sets.get(s, ()) for s in learning],
            weeks=_weeks(days, first, length),
            buddies=[enrolments.get(b) for b in zip(statuses, until, missed, strict=True)],
        )

    async def is_member(self, tenant_id: int, member_id: int) -> bool:
        """Whether `member_id` is a member of this tenant who has not left."""
        row = await self._db.fetchone(
            "SELECT 1 FROM members WHERE id = ? AND tenant_id = ? AND left_at IS NULL",
            (member_id, tenant_id),
        )
        return row is not None

    async def solved_blockers(self, tenant_id: int, since: datetime) -> list[SolvedBlocker]:
        """Blockers of members here marked solved at or after `since`, newest solved first."""
        rows = await self._db.fetchall(
            "SELECT b.id, b.member_id, b.local_date, b.text, b.solved_at,"
            " COALESCE(NULLIF(m.display_name, ''), m.external_id) AS name,"
            f" {concat_all(self._db.dialect, 'cs.skill')} AS skills FROM blockers b"
            " JOIN members m ON m.id = b.member_id AND m.left_at IS NULL"
            " LEFT JOIN checkin_skills cs ON cs.checkin_id = b.checkin_id"
            " WHERE b.tenant_id = ? AND b.solved_at >= ?"
            " GROUP BY b.id, m.id ORDER BY b.solved_at DESC, b.id DESC",
            (tenant_id, to_db(since)),
        )
        return [
            SolvedBlocker(
                Blocker(
                    r["id"],
                    r["member_id"],
                    date.fromisoformat(r["local_date"]),
                    r["text"],
                    tuple(sorted(r["skills"].split(","))) if r["skills"] else (),
                ),
                r["name"],
                from_db(r["solved_at"]),
            )
            for r in rows
        ]

    async def round_counts(
        self, tenant_id: int, limit: int, up_to: int | None = None
    ) -> list[tuple[int, RoundSummary]]:
        """The latest `limit` rounds (numbered `up_to` at most, when given), newest first,
        counted in SQL: a round of 10,000 members
        has 5,000 groups, read only a page at a time. Shared study time as the round stored
        it (cogs/buddies/rounds.py); a round from before it was stored counts none without.
        Each with its round id."""
        rows = await self._db.fetchall(
            "SELECT r.id, r.number, r.started_at, COUNT(g.id) AS groups,"
            " COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM group_members gm"
            "  WHERE gm.group_id = g.id AND gm.met = 1)) AS met,"
            " COUNT(*) FILTER (WHERE g.study_time IN ('no_hours', 'no_overlap')) AS no_shared_time"
            " FROM (SELECT * FROM rounds WHERE tenant_id = ? AND number <= COALESCE(?, number)"
            "  ORDER BY number DESC LIMIT ?) r"
            " LEFT JOIN groups g ON g.round_id = r.id"
            " GROUP BY r.id, r.number, r.started_at ORDER BY r.number DESC",
            (tenant_id, up_to, limit),
        )
        return [
            (
                r["id"],
                RoundSummary(
                    number=r["number"],
                    started=from_db(r["started_at"]),
                    groups=r["groups"],
                    met=r["met"],
                    without_shared_time=r["no_shared_time"],
                ),
            )
            for r in rows
        ]

    async def round_notes(self, tenant_id: int, round_id: int, kind: str) -> list[str]:
        """Names of the members a round noted as `kind` ('waiting', 'paused', 'silent')."""
        rows = await self._db.fetchall(
            "SELECT COALESCE(NULLIF(m.display_name, ''), m.external_id) AS name"
            # The tenant test kept out of the index choice (unary +): by the round's key, not
            # by walking the community's notes of every round.
            " FROM round_notes n JOIN members m ON m.id = n.member_id"
            " WHERE +n.tenant_id = ? AND n.round_id = ? AND n.kind = ? AND m.left_at IS NULL"
            " ORDER BY name",
            (tenant_id, round_id, kind),
        )
        return [r["name"] for r in rows]

    async def auto_paused(self, tenant_id: int) -> list[str]:
        """Names of members paused by the bot (no end date: until they resume)."""
        rows = await self._db.fetchall(
            "SELECT COALESCE(NULLIF(m.display_name, ''), m.external_id) AS name"
            " FROM buddies b JOIN members m ON m.id = b.member_id AND m.left_at IS NULL"
            " WHERE b.tenant_id = ? AND b.status = 'paused' AND b.paused_until IS NULL"
            " ORDER BY name",
            (tenant_id,),
        )
        return [r["name"] for r in rows]

    async def group_notes(
        self, tenant_id: int, group_ids: Sequence[int]
    ) -> dict[int, tuple[str | None, str | None]]:
        """Per group: its study time as the round stored it ('shared', 'no_hours',
        'no_overlap'; None for old rounds) and its intro's text as queued (None once the
        outbox pruned it)."""
        if not group_ids:
            return {}
        marks = ", ".join("?" for _ in group_ids)
        study = {
            r["id"]: r["study_time"]
            for r in await self._db.fetchall(
                # By the groups' ids, the tenant tested on each (unary +): not a walk of the
                # community's groups of every round (260,000 in a year at 10,000 members).
                f"SELECT id, study_time FROM groups WHERE +tenant_id = ? AND id IN ({marks})",
                (tenant_id, *group_ids),
            )
        }
        keys = {message_key(INTRO, tenant_id, g): g for g in study}
        intros = {
            keys[r["idem_key"]]: str(json.loads(r["payload"])["text"])
            for r in await self._db.fetchall(
                f"SELECT idem_key, payload FROM outbox WHERE +tenant_id = ?"
                f" AND idem_key IN ({', '.join('?' for _ in keys)})",
                (tenant_id, *keys),
            )
        }
        return {g: (time, intros.get(g)) for g, time in study.items()}
