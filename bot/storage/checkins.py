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
MAX_DAY_MINUTES = 720  # what one day records at most, however many sessions
_SEPARATOR = "\n"  # between the texts of a day's sessions


def _appended(column: str) -> str:
    """The day's text for `column` with the new session's after it (skipping empty ones)."""
    return (
        f"CASE WHEN excluded.{column} = '' THEN checkins.{column}"
        f" WHEN checkins.{column} = '' THEN excluded.{column}"
        f" ELSE checkins.{column} || ? || excluded.{column} END"
    )


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
    sessions: int  # this day's sessions so far, this one included
    minutes: int | None  # the day's total
    dates: tuple[date, ...]  # every local date the member checked in on, sorted, this one included

    @property
    def updated(self) -> bool:
        """The member had already checked in that local day."""
        return self.sessions > 1


@dataclass(frozen=True)
class OpenBlocker:
    id: int
    local_date: date
    text: str
    created_at: datetime


@dataclass(frozen=True)
class ReportedBlocker:
    """A blocker of the community, whoever reported it: who may mark it solved, and whether
    it already is."""

    blocker: OpenBlocker
    member_id: int
    author: str  # display name
    solved: bool


@dataclass(frozen=True)
class Reminder:
    remind_at: time  # local wall-clock time
    enabled: bool
    updated_at: datetime
    weekly_from: date | None = None  # backed off to weekly on this date (bot.reminders)
    last_checkin: date | None = None  # a check-in on or after weekly_from restores daily


@dataclass(frozen=True)
class ReminderCandidate:
    """An active member with a reminder on, and what the tick needs to decide if it is due."""

    member_id: int
    external_id: str
    display_name: str
    remind_at: time
    since: datetime  # reminders due before this instant are not sent
    timezone: str | None  # the member's profile zone
    platform_timezone: str | None  # the zone their platform reports (bot.localtime.member_zone)
    last_checkin: date | None
    last_reminded: date | None
    ignored: int = 0  # days reminded since the last check-in and since the time was set
    weekly_from: date | None = None  # reminders turned weekly on this date (back-off)


@dataclass(frozen=True)
class DueReminder:
    member_id: int
    external_id: str
    local_date: date
    expires_at: datetime  # the end of that local day: a reminder is worthless after it
    turns_weekly: bool = False  # this reminder is the one that says they turn weekly


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
        """Add a session to the member's check-in for `local_date` (the first one creates it).

        A second session that day keeps the first: texts follow in order, minutes add up (to
        at most MAX_DAY_MINUTES), skills merge. A blocker becomes an open blocker. In the same
        transaction a reminder for that day still waiting in the outbox is cancelled: the
        member has checked in.
        """
        stamp = to_db(now)
        this = (tenant_id, member_id, local_date.isoformat())
        where = "tenant_id = ? AND member_id = ? AND local_date = ?"
        async with self._db.transaction() as tx:
            # One round trip: the skills and the blocker find the check-in's id in SQL, and the
            # member's dates for the streak are read back with this one among them.
            [row], *_, dates = await tx.pipeline(
                (
                    "INSERT INTO checkins (tenant_id, member_id, local_date, timezone, did,"
                    " next, blockers, minutes, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (tenant_id, member_id, local_date) DO UPDATE SET"
                    f" did = {_appended('did')}, next = {_appended('next')},"
                    f" blockers = {_appended('blockers')},"
                    " minutes = CASE WHEN excluded.minutes IS NULL THEN checkins.minutes"
                    " WHEN checkins.minutes IS NULL THEN excluded.minutes"
                    " WHEN checkins.minutes + excluded.minutes > ? THEN ?"
                    " ELSE checkins.minutes + excluded.minutes END,"
                    " sessions = checkins.sessions + 1, updated_at = excluded.updated_at"
                    " RETURNING id, sessions, minutes",
                    (
                        *this,
                        timezone,
                        did,
                        next,
                        blockers,
                        minutes,
                        stamp,
                        stamp,
                        *(_SEPARATOR,) * 3,
                        MAX_DAY_MINUTES,
                        MAX_DAY_MINUTES,
                    ),
                ),
                Many(
                    "INSERT INTO checkin_skills (checkin_id, tenant_id, skill)"
                    f" SELECT id, tenant_id, ? FROM checkins WHERE {where}"
                    " ON CONFLICT DO NOTHING",
                    [(s, *this) for s in dict.fromkeys(skills)],
                ),
                Many(
                    "INSERT INTO blockers (tenant_id, member_id, checkin_id, local_date, text,"
                    f" created_at) SELECT tenant_id, member_id, id, local_date, ?, ? FROM checkins"
                    f" WHERE {where}",
                    [(blockers, stamp, *this)] if blockers else [],
                ),
                outbox.cancel_pending(reminder_key(tenant_id, member_id, local_date), now),
                _dates_step(tenant_id, [member_id]),
            )
        return SavedCheckin(
            int(row["id"]),
            int(row["sessions"]),
            row["minutes"],
            tuple(date.fromisoformat(r["local_date"]) for r in dates),
        )

    async def replace(
        self,
        tenant_id: int,
        member_id: int,
        local_date: date,
        now: datetime,
        *,
        did: str,
        next: str,
        blockers: str,
        minutes: int | None,
        skills: Sequence[str],
    ) -> bool:
        """An edited day: its texts, minutes and skills as given (its open blocker with them).
        False when the member has no check-in that day."""
        stamp = to_db(now)
        this = (tenant_id, member_id, local_date.isoformat())
        where = "tenant_id = ? AND member_id = ? AND local_date = ?"
        async with self._db.transaction() as tx:
            updated, *_ = await tx.pipeline(
                (
                    "UPDATE checkins SET did = ?, next = ?, blockers = ?, minutes = ?,"
                    f" edits = edits + 1, updated_at = ? WHERE {where} RETURNING id",
                    (did, next, blockers, minutes, stamp, *this),
                ),
                (
                    f"DELETE FROM checkin_skills WHERE checkin_id = (SELECT id FROM checkins WHERE {where})",
                    this,
                ),
                Many(
                    "INSERT INTO checkin_skills (checkin_id, tenant_id, skill)"
                    f" SELECT id, tenant_id, ? FROM checkins WHERE {where}",
                    [(s, *this) for s in dict.fromkeys(skills)],
                ),
                (
                    "DELETE FROM blockers WHERE solved_at IS NULL AND checkin_id ="
                    f" (SELECT id FROM checkins WHERE {where})",
                    this,
                ),
                Many(
                    "INSERT INTO blockers (tenant_id, member_id, checkin_id, local_date, text,"
                    f" created_at) SELECT tenant_id, member_id, id, local_date, ?, ? FROM checkins"
                    f" WHERE {where}",
                    [(blockers, stamp, *this)] if blockers else [],
                ),
            )
        return bool(updated)

    async def delete(self, tenant_id: int, member_id: int, local_date: date) -> bool:
        """Remove the member's check-in of that day (its skills and blockers with it)."""
        removed = await self._db.execute(
            "DELETE FROM checkins WHERE tenant_id = ? AND member_id = ? AND local_date = ?",
            (tenant_id, member_id, local_date.isoformat()),
        )
        return removed > 0

    async def day(self, tenant_id: int, member_id: int, local_date: date) -> Checkin | None:
        found = await self.between(tenant_id, member_id, local_date, local_date)
        return found[0] if found else None

    async def move(self, tenant_id: int, member_id: int, moves: Sequence[tuple[date, date]]) -> int:
        """Re-date check-ins (the member set their time zone: today's session belongs to
        another local day there); a move onto a day already checked in is left alone, so one
        session never becomes two days. Returns how many moved."""
        moved = 0
        async with self._db.transaction() as tx:
            for old, new in moves:
                moved += await tx.execute(
                    "UPDATE checkins SET local_date = ? WHERE tenant_id = ? AND member_id = ?"
                    " AND local_date = ? AND NOT EXISTS (SELECT 1 FROM checkins c"
                    " WHERE c.tenant_id = ? AND c.member_id = ? AND c.local_date = ?)",
                    (
                        new.isoformat(),
                        tenant_id,
                        member_id,
                        old.isoformat(),
                        tenant_id,
                        member_id,
                        new.isoformat(),
                    ),
                )
                await tx.execute(
                    "UPDATE blockers SET local_date = ? WHERE tenant_id = ? AND member_id = ?"
                    " AND local_date = ?",
                    (new.isoformat(), tenant_id, member_id, old.isoformat()),
                )
        return moved

    async def since(self, tenant_id: int, member_id: int, after: datetime) -> list[Checkin]:
        """Check-ins first made after `after` (for re-dating after a time zone change)."""
        rows = await self._db.fetchall(
            "SELECT local_date FROM checkins WHERE tenant_id = ? AND member_id = ?"
            " AND created_at > ? ORDER BY local_date",
            (tenant_id, member_id, to_db(after)),
        )
        days = [date.fromisoformat(r["local_date"]) for r in rows]
        if not days:
            return []
        return await self.between(tenant_id, member_id, days[0], days[-1])

    # --- blockers ----------------------------------------------------------------------------

    async def open_blockers(
        self, tenant_id: int, member_id: int, since: datetime
    ) -> list[OpenBlocker]:
        """The member's blockers reported after `since` and not marked solved, newest first."""
        rows = await self._db.fetchall(
            "SELECT id, local_date, text, created_at FROM blockers WHERE tenant_id = ?"
            " AND member_id = ? AND solved_at IS NULL AND created_at > ?"
            " ORDER BY created_at DESC, id DESC",
            (tenant_id, member_id, to_db(since)),
        )
        return [
            OpenBlocker(
                r["id"], date.fromisoformat(r["local_date"]), r["text"], from_db(r["created_at"])
            )
            for r in rows
        ]

    async def blocker(self, tenant_id: int, blocker_id: int) -> ReportedBlocker | None:
        """Blocker `blocker_id` of this community (never another's), open or not."""
        r = await self._db.fetchone(
            "SELECT b.id, b.member_id, b.local_date, b.text, b.created_at, b.solved_at,"
            " COALESCE(NULLIF(m.display_name, ''), m.external_id) AS author FROM blockers b"
            " JOIN members m ON m.id = b.member_id WHERE b.tenant_id = ? AND b.id = ?",
            (tenant_id, blocker_id),
        )
        if r is None:
            return None
        found = OpenBlocker(
            r["id"], date.fromisoformat(r["local_date"]), r["text"], from_db(r["created_at"])
        )
        return ReportedBlocker(found, r["member_id"], r["author"], r["solved_at"] is not None)

    async def solve(self, tenant_id: int, member_id: int, blocker_id: int, now: datetime) -> bool:
        """Mark one of the member's own blockers solved; False if it is not theirs or open."""
        changed = await self._db.execute(
            "UPDATE blockers SET solved_at = ? WHERE tenant_id = ? AND member_id = ? AND id = ?"
            " AND solved_at IS NULL",
            (to_db(now), tenant_id, member_id, blocker_id),
        )
        return changed > 0

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
            "SELECT remind_at, enabled, updated_at, weekly_from,"
            " (SELECT MAX(c.local_date) FROM checkins c WHERE c.tenant_id = reminders.tenant_id"
            "  AND c.member_id = reminders.member_id) AS last_checkin FROM reminders"
            " WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        if row is None:
            return None
        return Reminder(
            time.fromisoformat(row["remind_at"]),
            bool(row["enabled"]),
            from_db(row["updated_at"]),
            _day(row["weekly_from"]),
            _day(row["last_checkin"]),
        )

    async def set_reminder(
        self, tenant_id: int, member_id: int, remind_at: time | None, now: datetime
    ) -> None:
        """Turn the daily reminder on at `remind_at`, or off (None) keeping the last time.

        Choosing a time is asking for reminders again, so a weekly back-off ends with it."""
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
            " remind_at = excluded.remind_at, enabled = 1, updated_at = excluded.updated_at,"
            " weekly_from = NULL",
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
            "blockers": [
                {"local_date": r["local_date"], "text": r["text"], "solved_at": r["solved_at"]}
                for r in await self._db.fetchall(
                    "SELECT local_date, text, solved_at FROM blockers WHERE tenant_id = ?"
                    " AND member_id = ? ORDER BY id",
                    (tenant_id, member_id),
                )
            ],
            "reminder": None
            if reminder is None
            else {
                "time": reminder.remind_at.strftime("%H:%M"),
                "enabled": reminder.enabled,
                "updated_at": to_db(reminder.updated_at),
                "weekly_from": reminder.weekly_from.isoformat() if reminder.weekly_from else None,
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
        " p.timezone, m.platform_timezone,"
        " (SELECT MAX(c.local_date) FROM checkins c"
        "   WHERE c.tenant_id = r.tenant_id AND c.member_id = r.member_id) AS last_checkin,"
        " (SELECT MAX(j.period) FROM job_runs j"
        "   WHERE j.tenant_id = r.tenant_id AND j.job = ? || ':' || r.member_id) AS last_reminded,"
        " (SELECT COUNT(*) FROM job_runs j"
        "   WHERE j.tenant_id = r.tenant_id AND j.job = ? || ':' || r.member_id"
        "   AND j.claimed_at >= r.updated_at AND j.period > COALESCE((SELECT MAX(c.local_date) FROM checkins c"
        "     WHERE c.tenant_id = r.tenant_id AND c.member_id = r.member_id), '')) AS ignored,"
        " r.weekly_from"
        " FROM reminders r"
        " JOIN members m ON m.id = r.member_id AND m.tenant_id = r.tenant_id"
        " LEFT JOIN profiles p ON p.member_id = r.member_id AND p.tenant_id = r.tenant_id"
        " WHERE r.tenant_id = ? AND r.enabled = 1 AND m.left_at IS NULL",
        (REMINDER_JOB, REMINDER_JOB, tenant_id),
    )
    return [
        ReminderCandidate(
            member_id=r["member_id"],
            external_id=r["external_id"],
            display_name=r["display_name"],
            remind_at=time.fromisoformat(r["remind_at"]),
            since=from_db(r["updated_at"]),
            timezone=r["timezone"] or None,
            platform_timezone=r["platform_timezone"] or None,
            last_checkin=_day(r["last_checkin"]),
            last_reminded=_day(r["last_reminded"]),
            ignored=int(r["ignored"]),
            weekly_from=_day(r["weekly_from"]),
        )
        for r in rows
    ]


async def queue_reminders(
    tx: Tx,
    tenant_id: int,
    due: Sequence[DueReminder],
    message: Message,
    now: datetime,
    *,
    turning_weekly: Message | None = None,
) -> int:
    """Claim each due reminder and queue its DM, inside the tick's transaction.

    Claims that already exist (an earlier or concurrent tick) queue nothing; returns how many
    reminders were queued. A reminder that `turns_weekly` gets `turning_weekly` (the message
    that says so) and records the switch in the same transaction, so it is said exactly once.
    """
    won = await claims.claim_many(
        tx, tenant_id, [(_job(d.member_id), d.local_date.isoformat()) for d in due], now
    )
    queued = [d for d in due if (_job(d.member_id), d.local_date.isoformat()) in won]
    switching = [d for d in queued if d.turns_weekly] if turning_weekly else []
    for batch, text in (
        ([d for d in queued if d not in switching], message),
        (switching, turning_weekly or message),
    ):
        if not batch:
            continue
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
                for d in batch
            ],
            text,
            now,
        )
    if switching:
        await tx.executemany(
            "UPDATE reminders SET weekly_from = ? WHERE tenant_id = ? AND member_id = ?",
            [(d.local_date.isoformat(), tenant_id, d.member_id) for d in switching],
        )
    return len(queued)
