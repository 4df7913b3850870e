"""Daily check-ins, the skills practised in them, and members' reminder settings.

Other cogs read check-ins through this repository (`dates`, `dates_for`, `between`); the
schema is documented in docs/checkins.md for cogs that write their own queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from bot.ports import Message
from bot.storage import claims, outbox
from bot.storage.db import Database, Many, Statement, Tx, from_db, to_db
from bot.storage.outbox import Target

REMINDER_JOB = "reminder"


@dataclass(frozen=True)
class Checkin:
    id: int
    tenant_id: int
    member_id: int
    local_date: date
    timezone: str  # the zone local_date was computed in
    did: str
    next: str  # '' when not given
    blockers: str  # '' when not given
    minutes: int | None
    skills: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SavedCheckin:
    id: int
    updated: bool  # the member had already checked in that local day
    dates: tuple[date, ...]  # every local date the member checked in on, sorted, this one included


@dataclass(frozen=True)
class Reminder:
    remind_at: time  # local wall-clock time
    enabled: bool
    updated_at: datetime


@dataclass(frozen=True)
class ReminderCandidate:
    """An active member with a reminder on, and what the tick needs to decide if it is due."""

    member_id: int
    external_id: str
    display_name: str
    remind_at: time
    since: datetime  # reminders due before this instant are not sent
    timezone: str | None  # the member's profile zone
    last_checkin: date | None
    last_reminded: date | None


@dataclass(frozen=True)
class DueReminder:
    member_id: int
    external_id: str
    local_date: date
    expires_at: datetime  # the end of that local day: a reminder is worthless after it


def reminder_key(tenant_id: int, member_id: int, day: date) -> str:
    """The outbox idempotency key of a member's reminder for one local date."""
    return outbox.message_key(REMINDER_JOB, tenant_id, member_id, day)


def _job(member_id: int) -> str:
    return f"{REMINDER_JOB}:{member_id}"


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _checkin(r: Any, skills: tuple[str, ...]) -> Checkin:
    return Checkin(
        id=r["id"],
        tenant_id=r["tenant_id"],
        member_id=r["member_id"],
        local_date=date.fromisoformat(r["local_date"]),
        timezone=r["timezone"],
        did=r["did"],
        next=r["next"],
        blockers=r["blockers"],
        minutes=r["minutes"],
        skills=skills,
        created_at=from_db(r["created_at"]),
        updated_at=from_db(r["updated_at"]),
    )


def _dates_step(tenant_id: int, member_ids: Sequence[int]) -> Statement:
    """The members' checked-in local dates, by member and oldest first."""
    marks = ", ".join("?" for _ in member_ids)
    return (
        "SELECT member_id, local_date FROM checkins WHERE tenant_id = ?"
        f" AND member_id IN ({marks}) ORDER BY member_id, local_date",
        (tenant_id, *member_ids),
    )


class CheckinRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def prune_reminder_claims(self, before: date) -> int:
        """Forget reminder claims for local days before `before`: only today's and later ones
        stop a second reminder (and the latest one says when a member was last reminded)."""
        return await self._db.execute(
            "DELETE FROM job_runs WHERE job LIKE ? AND period < ?",
            (f"{REMINDER_JOB}:%", before.isoformat()),
        )

    # --- check-ins ---------------------------------------------------------------------------

    async def save(
        self,
        tenant_id: int,
        member_id: int,
        local_date: date,
        timezone: str,
        now: datetime,
        *,
        did: str,
        next: str = "",
        blockers: str = "",
        minutes: int | None = None,
        skills: Sequence[str] = (),
    ) -> SavedCheckin:
        """Record the member's check-in for `local_date`; a second one that day replaces it.

        In the same transaction a reminder for that day still waiting in the outbox is
        cancelled: the member has checked in.
        """
        stamp = to_db(now)
        this = (tenant_id, member_id, local_date.isoformat())
        where = "tenant_id = ? AND member_id = ? AND local_date = ?"
        async with self._db.transaction() as tx:
            # One round trip: the skills find the check-in's id in SQL, an edit's old skills go
            # first (for a new check-in the DELETE finds nothing), and the member's dates for
            # the streak are read back with this one among them.
            [row], *_, dates = await tx.pipeline(
                (
                    "INSERT INTO checkins (tenant_id, member_id, local_date, timezone, did,"
                    " next, blockers, minutes, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (tenant_id, member_id, local_date) DO UPDATE SET"
                    " did = excluded.did, next = excluded.next, blockers = excluded.blockers,"
                    " minutes = excluded.minutes, updated_at = excluded.updated_at,"
                    " edits = checkins.edits + 1 RETURNING id, edits",
                    (*this, timezone, did, next, blockers, minutes, stamp, stamp),
                ),
                (
                    f"DELETE FROM checkin_skills WHERE checkin_id ="
                    f" (SELECT id FROM checkins WHERE {where})",
                    this,
                ),
                Many(
                    "INSERT INTO checkin_skills (checkin_id, tenant_id, skill)"
                    f" SELECT id, tenant_id, ? FROM checkins WHERE {where}",
                    [(s, *this) for s in dict.fromkeys(skills)],
                ),
                outbox.cancel_pending(reminder_key(tenant_id, member_id, local_date), now),
                _dates_step(tenant_id, [member_id]),
            )
        return SavedCheckin(
            int(row["id"]),
            row["edits"] > 0,
            tuple(date.fromisoformat(r["local_date"]) for r in dates),
        )

    async def between(
        self, tenant_id: int, member_id: int, first: date, last: date
    ) -> list[Checkin]:
        """The member's check-ins with local dates in [first, last], oldest first."""
        params = (tenant_id, member_id, first.isoformat(), last.isoformat())
        rows = await self._db.fetchall(
            "SELECT * FROM checkins WHERE tenant_id = ? AND member_id = ?"
            " AND local_date BETWEEN ? AND ? ORDER BY local_date",
            params,
        )
        skill_rows = await self._db.fetchall(
            # Driven by the member's check-ins (their unique index), not the community's skills.
            "SELECT checkin_id, skill FROM checkin_skills WHERE checkin_id IN"
            " (SELECT id FROM checkins WHERE tenant_id = ? AND member_id = ?"
            " AND local_date BETWEEN ? AND ?) ORDER BY skill",
            params,
        )
        skills: dict[int, list[str]] = {}
        for s in skill_rows:
            skills.setdefault(s["checkin_id"], []).append(s["skill"])
        return [_checkin(r, tuple(skills.get(r["id"], ()))) for r in rows]

    async def latest(self, tenant_id: int, member_id: int) -> Checkin | None:
        row = await self._db.fetchone(
            "SELECT local_date FROM checkins WHERE tenant_id = ? AND member_id = ?"
            " ORDER BY local_date DESC LIMIT 1",
            (tenant_id, member_id),
        )
        if row is None:
            return None
        day = date.fromisoformat(row["local_date"])
        return (await self.between(tenant_id, member_id, day, day))[0]

    async def dates(self, tenant_id: int, member_id: int) -> list[date]:
        """Every local date the member checked in on, oldest first (for streaks)."""
        return (await self.dates_for(tenant_id, [member_id])).get(member_id, [])

    async def dates_for(self, tenant_id: int, member_ids: Sequence[int]) -> dict[int, list[date]]:
        """Checked-in local dates of several members (pair streaks, digests); absent if none."""
        if not member_ids:
            return {}
        rows = await self._db.fetchall(*_dates_step(tenant_id, member_ids))
        out: dict[int, list[date]] = {}
        for r in rows:
            out.setdefault(r["member_id"], []).append(date.fromisoformat(r["local_date"]))
        return out

    # --- reminders ---------------------------------------------------------------------------

    async def reminder(self, tenant_id: int, member_id: int) -> Reminder | None:
        row = await self._db.fetchone(
            "SELECT remind_at, enabled, updated_at FROM reminders"
            " WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        if row is None:
            return None
        return Reminder(
            time.fromisoformat(row["remind_at"]), bool(row["enabled"]), from_db(row["updated_at"])
        )

    async def set_reminder(
        self, tenant_id: int, member_id: int, remind_at: time | None, now: datetime
    ) -> None:
        """Turn the daily reminder on at `remind_at`, or off (None) keeping the last time."""
        if remind_at is None:
            await self._db.execute(
                "UPDATE reminders SET enabled = 0, updated_at = ?"
                " WHERE tenant_id = ? AND member_id = ?",
                (to_db(now), tenant_id, member_id),
            )
            return
        await self._db.execute(
            "INSERT INTO reminders (member_id, tenant_id, remind_at, enabled, updated_at)"
            " VALUES (?, ?, ?, 1, ?) ON CONFLICT (member_id) DO UPDATE SET"
            " remind_at = excluded.remind_at, enabled = 1, updated_at = excluded.updated_at",
            (member_id, tenant_id, remind_at.strftime("%H:%M"), to_db(now)),
        )

    async def tenants_with_reminders(self) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT DISTINCT tenant_id FROM reminders WHERE enabled = 1 ORDER BY tenant_id"
        )
        return [int(r["tenant_id"]) for r in rows]

    # --- personal data -----------------------------------------------------------------------

    async def export(self, tenant_id: int, member_id: int) -> dict[str, Any]:
        checkins = await self.between(tenant_id, member_id, date.min, date.max)
        reminder = await self.reminder(tenant_id, member_id)
        return {
            "checkins": [
                {
                    "local_date": c.local_date.isoformat(),
                    "timezone": c.timezone,
                    "did": c.did,
                    "next": c.next,
                    "blockers": c.blockers,
                    "minutes": c.minutes,
                    "skills": list(c.skills),
                    "created_at": to_db(c.created_at),
                    "updated_at": to_db(c.updated_at),
                }
                for c in checkins
            ],
            "reminder": None
            if reminder is None
            else {
                "time": reminder.remind_at.strftime("%H:%M"),
                "enabled": reminder.enabled,
                "updated_at": to_db(reminder.updated_at),
            },
        }


async def erase(tx: Tx, tenant_id: int, member_id: int) -> int:
    """Delete the member's check-ins, their skills, reminder setting and reminder claims."""
    removed = await tx.execute(
        "DELETE FROM checkin_skills WHERE tenant_id = ? AND checkin_id IN"
        " (SELECT id FROM checkins WHERE tenant_id = ? AND member_id = ?)",
        (tenant_id, tenant_id, member_id),
    )
    removed += await tx.execute(
        "DELETE FROM checkins WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
    )
    removed += await tx.execute(
        "DELETE FROM reminders WHERE tenant_id = ? AND member_id = ?", (tenant_id, member_id)
    )
    # Member ids can be reused by SQLite once deleted; stale claims would silence a newcomer.
    removed += await tx.execute(
        "DELETE FROM job_runs WHERE tenant_id = ? AND job = ?", (tenant_id, _job(member_id))
    )
    return removed


async def reminder_candidates(tx: Tx, tenant_id: int) -> list[ReminderCandidate]:
    """Active members of the tenant with a reminder on, with their last check-in and reminder.

    Read inside the tick's transaction so a check-in cannot slip in between reading and claiming.
    """
    rows = await tx.fetchall(
        "SELECT r.member_id, m.external_id, m.display_name, r.remind_at, r.updated_at,"
        " p.timezone,"
        " (SELECT MAX(c.local_date) FROM checkins c"
        "   WHERE c.tenant_id = r.tenant_id AND c.member_id = r.member_id) AS last_checkin,"
        " (SELECT MAX(j.period) FROM job_runs j"
        "   WHERE j.tenant_id = r.tenant_id AND j.job = ? || ':' || r.member_id) AS last_reminded"
        " FROM reminders r"
        " JOIN members m ON m.id = r.member_id AND m.tenant_id = r.tenant_id"
        " LEFT JOIN profiles p ON p.member_id = r.member_id AND p.tenant_id = r.tenant_id"
        " WHERE r.tenant_id = ? AND r.enabled = 1 AND m.left_at IS NULL",
        (REMINDER_JOB, tenant_id),
    )
    return [
        ReminderCandidate(
            member_id=r["member_id"],
            external_id=r["external_id"],
            display_name=r["display_name"],
            remind_at=time.fromisoformat(r["remind_at"]),
            since=from_db(r["updated_at"]),
            timezone=r["timezone"] or None,
            last_checkin=_day(r["last_checkin"]),
            last_reminded=_day(r["last_reminded"]),
        )
        for r in rows
    ]


async def queue_reminders(
    tx: Tx, tenant_id: int, due: Sequence[DueReminder], message: Message, now: datetime
) -> int:
    """Claim each due reminder and queue its DM, inside the tick's transaction.

    Claims that already exist (an earlier or concurrent tick) queue nothing; returns how many
    reminders were queued.
    """
    won = await claims.claim_many(
        tx, tenant_id, [(_job(d.member_id), d.local_date.isoformat()) for d in due], now
    )
    queued = [d for d in due if (_job(d.member_id), d.local_date.isoformat()) in won]
    await outbox.enqueue_many(
        tx,
        tenant_id,
        [
            outbox.Addressed(
                reminder_key(tenant_id, d.member_id, d.local_date),
                Target.dm(d.external_id),
                d.member_id,
                d.expires_at,
            )
            for d in queued
        ],
        message,
        now,
    )
    return len(queued)
