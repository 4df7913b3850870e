"""Digest storage: one week of a community gathered with a few set-based queries, the digest
records, the schedule's arming instant and members' helper opt-outs.

Reads the check-ins (0002), blockers (0009), buddies (0003) and kernel (0001) tables; writes
only its own (0004). Members who left (or were erased, which also sets left_at) are left out of everything.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from itertools import groupby

import numpy as np

from bot.blockers import BLOCKER_DAYS
from bot.digest import HISTORY_DAYS, Blocker, BuddyWeek, History, SkillStat, WeekData
from bot.digest.week import Week
from bot.storage.db import Database, Tx, from_db, to_db
from bot.storage.dialect import concat_all, ids_in_json
from bot.storage.students import STUDENT

SHOUTOUTS = 3
EPOCH = date(1970, 1, 1).toordinal()  # numpy's datetime64[D] counts days from here


@dataclass(frozen=True)
class DigestSchedule:
    tenant_id: int
    armed_at: datetime | None  # when the digest schedule was last changed; None: never set
    created_at: datetime  # the community's: its default schedule holds since then


@dataclass(frozen=True)
class WeekCounts:
    """The digest's numbers of one week as of its posting day `today`: what `DigestRepo.week`
    reports and the dashboard's overview shows, for one week or many."""

    week: Week
    today: date
    active_members: int  # students who joined before the week ended
    checkins: int  # every check-in of the week, of members here or not
    minutes: int
    per_day: tuple[int, ...]  # check-ins on each day of the week
    open_blockers: int  # still open when the week ended (`DigestRepo._blockers`)
    # The check-ins of the members here, from HISTORY_DAYS before the earliest posting day
    # asked about to the latest: one history every week asked about together shares.
    whole: History

    @cached_property
    def history(self) -> History:
        """The whole history cut to the members who checked in from the week's first day to
        `today`, and to the HISTORY_DAYS up to it."""
        return self.whole.cut(self.week.first, self.today)

    @property
    def checked_in_members(self) -> np.ndarray:
        """Members here with a check-in in the week (by `today`), sorted."""
        return self.whole.members_between(self.week.first, min(self.week.last, self.today))

    @property
    def checked_in(self) -> int:
        """How many members here checked in in the week."""
        return int(self.checked_in_members.size)


@dataclass(frozen=True)
class Asking:
    """A week's open blockers and whom the digest may ask about them (`content.routed_blockers`)."""

    blockers: tuple[Blocker, ...]
    knows: dict[str, tuple[int, ...]]
    blocks: frozenset[tuple[int, int]]
    checked_in: np.ndarray  # members here who checked in in the week, sorted
    names: dict[int, str]  # of the members here


def _open_at_end(week: Week, key: str) -> tuple[str, dict[str, str]]:
    """The SQL condition on a `blockers` row `b` open at the end of `week`: reported in the
    BLOCKER_DAYS up to its last day, and not marked solved before it ended (solving one later,
    while a past week's digest is built, does not rewrite that week); with its parameters,
    named after `key`. A later check-in does not close one."""
    since = week.last - timedelta(days=BLOCKER_DAYS - 1)
    condition = (
        f"(b.local_date BETWEEN :since{key} AND :last{key}"
        f" AND (b.solved_at IS NULL OR b.solved_at >= :ended{key}))"
    )
    return condition, {
        f"since{key}": since.isoformat(),
        f"last{key}": week.last.isoformat(),
        f"ended{key}": to_db(week.ends_at),
    }


class DigestRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- schedule ---------------------------------------------------------------------------

    async def scheduled(self, channel_key: str, organizers_since: datetime) -> list[DigestSchedule]:
        """Communities the bot is in that have a digest channel set, or an organizer seen since
        `organizers_since` who wants the weekly report (it goes without a channel too)."""
        rows = await self._db.fetchall(
            "SELECT t.id, t.created_at, d.armed_at FROM tenants t"
            " LEFT JOIN digest_schedules d ON d.tenant_id = t.id"
            " WHERE t.removed_at IS NULL AND (EXISTS (SELECT 1 FROM tenant_settings s"
            "  WHERE s.tenant_id = t.id AND s.key = ? AND s.value <> '')"
            " OR EXISTS (SELECT 1 FROM organizers o WHERE o.tenant_id = t.id"
            "  AND o.last_seen_at >= ? AND o.reports = 1))"
            " ORDER BY t.id",
            (channel_key, to_db(organizers_since)),
        )
        return [
            DigestSchedule(
                r["id"],
                from_db(r["armed_at"]) if r["armed_at"] else None,
                from_db(r["created_at"]),
            )
            for r in rows
        ]

    async def arm(self, tenant_id: int, now: datetime) -> None:
        """The schedule changed: slots before `now` are no longer due."""
        await self._db.execute(
            "INSERT INTO digest_schedules (tenant_id, armed_at) VALUES (?, ?)"
            " ON CONFLICT (tenant_id) DO UPDATE SET armed_at = excluded.armed_at",
            (tenant_id, to_db(now)),
        )

    # --- records ----------------------------------------------------------------------------

    async def record(
        self,
        tx: Tx,
        tenant_id: int,
        data: WeekData,
        channel_id: str,
        trigger: str,
        idem_key: str,
        now: datetime,
        requested_by: int | None = None,
    ) -> int:
        """Write the digest row inside the caller's claim + outbox transaction."""
        return await tx.insert(
            "INSERT INTO digests (tenant_id, week_key, first_day, last_day, channel_id, trigger,"
            " requested_by, idem_key, checked_in, active_members, minutes, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                tenant_id,
                data.week.key,
                data.week.first.isoformat(),
                data.week.last.isoformat(),
                channel_id,
                trigger,
                requested_by,
                idem_key,
                data.checked_in,
                data.active_members,
                data.minutes,
                to_db(now),
            ),
        )

    async def count_for_week(self, tx: Tx, tenant_id: int, week_key: str) -> int:
        row = await tx.fetchone(
            "SELECT COUNT(*) AS n FROM digests WHERE tenant_id = ? AND week_key = ?",
            (tenant_id, week_key),
        )
        return int(row["n"]) if row is not None else 0

    async def requested_by(self, tenant_id: int, member_id: int) -> list[str]:
        """Weeks whose digest this member posted with /digest post (personal-data export)."""
        rows = await self._db.fetchall(
            "SELECT week_key FROM digests WHERE tenant_id = ? AND requested_by = ? ORDER BY id",
            (tenant_id, member_id),
        )
        return [r["week_key"] for r in rows]

    # --- helper opt-outs (personal data) ----------------------------------------------------

    async def set_helper(
        self, tenant_id: int, member_id: int, willing: bool, now: datetime
    ) -> None:
        if willing:
            await self._db.execute(
                "DELETE FROM digest_helper_optouts WHERE tenant_id = ? AND member_id = ?",
                (tenant_id, member_id),
            )
        else:
            await self._db.execute(
                "INSERT INTO digest_helper_optouts (member_id, tenant_id, created_at)"
                " VALUES (?, ?, ?) ON CONFLICT (member_id) DO NOTHING",
                (member_id, tenant_id, to_db(now)),
            )

    async def is_helper(self, tenant_id: int, member_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM digest_helper_optouts WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        return row is None

    async def erase(self, tx: Tx, tenant_id: int, member_id: int) -> int:
        changed = await tx.execute(
            "DELETE FROM digest_helper_optouts WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        changed += await tx.execute(
            "UPDATE digests SET requested_by = NULL WHERE tenant_id = ? AND requested_by = ?",
            (tenant_id, member_id),
        )
        return changed

    # --- the week's data --------------------------------------------------------------------

    async def week(
        self,
        tenant_id: int,
        week: Week,
        today: date,
        *,
        freezes_per_week: int,
        member_rows: int,
    ) -> WeekData:
        """Everything the digest says about `week`, as of the posting day `today`.

        Totals (check-ins, minutes, skills; the week before's too) count every check-in of the
        week; anything about people (who checked in, streaks, blockers, helpers, names) only
        members still here. The figures are `counts`', as the dashboard shows them.
        Active and new members are students (`bot.storage.students`): an organizer who never
        studied is neither counted in "N of M" nor welcomed.
        `member_rows`: per-member daily minutes are fetched only when at most this many members
        checked in (the chart draws one row each); larger weeks are charted by skill.
        """
        first, last = week.first.isoformat(), week.last.isoformat()
        days = {d.isoformat(): i for i, d in enumerate(week.days)}
        previous, counts = await self.counts(
            tenant_id, [(week.previous(), week.previous().last), (week, today)]
        )
        checked_in = counts.checked_in
        skills, skill_days = await self._skills(tenant_id, first, last, days)
        return WeekData(
            week=week,
            today=today,
            active_members=counts.active_members,
            checked_in=checked_in,
            checkins=counts.checkins,
            minutes=counts.minutes,
            previous_checked_in=previous.checked_in,
            previous_minutes=previous.minutes,
            per_day=counts.per_day,
            history=counts.history,
            skills=skills,
            skill_days=skill_days,
            member_days=(
                await self._member_days(tenant_id, first, last, days)
                if 0 < checked_in <= member_rows
                else {}
            ),
            freezes_per_week=freezes_per_week,
            blockers=await self._blockers(tenant_id, week),
            knows=await self._knows(tenant_id),
            blocks=await self._blocks(tenant_id),
            buddies=await self._buddies(tenant_id, week),
            new_members=await self._new_members(tenant_id, week),
            names=await self._names(tenant_id),
        )

    async def asking(self, tenant_id: int, week: Week) -> Asking:
        """What the digest routes `week`'s blockers with, without the rest of the week's data
        (the dashboard's blockers page): the same queries `week` makes for them."""
        # A probe of the (tenant, member, day) key per member here: walking the week's
        # check-ins instead let the planner read every check-in of the community in member
        # order (0.15 s at a year of 10,000 members').
        checked_in = await self._db.fetchall(
            "SELECT m.id AS member_id FROM members m WHERE m.tenant_id = ? AND m.left_at IS NULL"
            " AND EXISTS (SELECT 1 FROM checkins c WHERE c.tenant_id = m.tenant_id"
            "  AND c.member_id = m.id AND c.local_date BETWEEN ? AND ?) ORDER BY m.id",
            (tenant_id, week.first.isoformat(), week.last.isoformat()),
        )
        return Asking(
            blockers=await self._blockers(tenant_id, week),
            knows=await self._knows(tenant_id),
            blocks=await self._blocks(tenant_id),
            checked_in=np.fromiter((r["member_id"] for r in checked_in), np.int64, len(checked_in)),
            names=await self._names(tenant_id),
        )

    async def counts(
        self, tenant_id: int, weeks: Sequence[tuple[Week, date]], since: date | None = None
    ) -> list[WeekCounts]:
        """The digest's numbers of each (week, posting day), in that order, with one query per
        kind of number for all the weeks: the dashboard's ten weeks cost about what one does.
        Their history starts HISTORY_DAYS before the earliest posting day, or at `since`.
        """
        first = min(w.first for w, _ in weeks)
        last = max(w.last for w, _ in weeks)
        per_day = {
            date.fromisoformat(r["local_date"]): (int(r["n"]), int(r["minutes"]))
            for r in await self._db.fetchall(
                "SELECT local_date, COUNT(*) AS n, COALESCE(SUM(minutes), 0) AS minutes"
                " FROM checkins WHERE tenant_id = ? AND local_date BETWEEN ? AND ?"
                " GROUP BY local_date",
                (tenant_id, first.isoformat(), last.isoformat()),
            )
        }
        ends = {f"ends{i}": to_db(w.ends_at) for i, (w, _) in enumerate(weeks)}
        active = await self._db.fetchone(
            "SELECT "
            + ", ".join(f"COUNT(*) FILTER (WHERE m.joined_at < :{k}) AS {k}" for k in ends)
            + f" FROM members m WHERE m.tenant_id = :t AND m.left_at IS NULL AND {STUDENT}",
            {"t": tenant_id, **ends},
        )
        # A count per week, each found through `blockers_week` (its BLOCKER_DAYS of rows):
        # a third of the time of testing every week's condition on every row of the weeks.
        open_at_end = [_open_at_end(w, str(i)) for i, (w, _) in enumerate(weeks)]
        blockers = {
            r["week"]: int(r["n"])
            for r in await self._db.fetchall(
                " UNION ALL ".join(
                    f"SELECT {i} AS week, COUNT(*) AS n FROM blockers b"
                    " JOIN members m ON m.id = b.member_id AND m.left_at IS NULL"
                    f" WHERE b.tenant_id = :t AND {condition}"
                    for i, (condition, _) in enumerate(open_at_end)
                ),
                {"t": tenant_id} | {k: v for _, p in open_at_end for k, v in p.items()},
            )
        }
        today = max(t for _, t in weeks)
        if since is None:
            since = min(t for _, t in weeks) - timedelta(days=HISTORY_DAYS)
        history = await self._history(tenant_id, since, today)
        counted = []
        for i, (week, posted) in enumerate(weeks):
            days = tuple(per_day.get(d, (0, 0)) for d in week.days)
            counted.append(
                WeekCounts(
                    week=week,
                    today=posted,
                    active_members=int(active[f"ends{i}"]) if active else 0,
                    checkins=sum(n for n, _ in days),
                    minutes=sum(m for _, m in days),
                    per_day=tuple(n for n, _ in days),
                    open_blockers=blockers[i],
                    whole=history,
                )
            )
        return counted

    async def history(
        self,
        tenant_id: int,
        first: date,
        today: date,
        since: date | None = None,
        members: Sequence[int] | None = None,
    ) -> History:
        """The check-ins from `since` (HISTORY_DAYS before `today` unless given) to `today` of
        the members here who checked in from `first` to `today` (the dashboard's streaks: the
        days a streak may still be alive), or of those of `members` who did."""
        since = today - timedelta(days=HISTORY_DAYS) if since is None else since
        return (await self._history(tenant_id, since, today, members)).cut(first, today, since)

    async def _history(
        self, tenant_id: int, since: date, today: date, only: Sequence[int] | None = None
    ) -> History:
        """Check-ins from `since` to `today` of the members here (or of those of `only`):
        one row per member with their dates concatenated (each exactly 10 characters,
        YYYY-MM-DD), read from the (tenant, member, day) key alone and decoded by numpy in one
        go. Far cheaper than a row per day; who checked in when is picked out of it in numpy
        (`History.cut`), cheaper than in SQL. A probe of the key per member here (found in
        `members_left`, in id order) rather than a join per check-in: a third less time at
        10,000 members.
        """
        dialect = self._db.dialect
        found = await self._db.fetchall(
            f"SELECT m.id AS member_id, (SELECT {concat_all(dialect, 'c.local_date', '')}"
            " FROM checkins c"
            "  WHERE c.tenant_id = :t AND c.member_id = m.id"
            "  AND c.local_date BETWEEN :since AND :today) AS days"
            " FROM members m WHERE m.tenant_id = :t AND m.left_at IS NULL"
            + ("" if only is None else f" AND m.id IN ({ids_in_json(dialect, ':ids')})")
            + " ORDER BY m.id",
            {
                "t": tenant_id,
                "since": since.isoformat(),
                "today": today.isoformat(),
                "ids": json.dumps(list(only or ())),
            },
        )
        rows = [r for r in found if r["days"] is not None]
        if not rows:
            return History.empty(since)
        counts = np.fromiter((len(r["days"]) // 10 for r in rows), np.int64, len(rows))
        members = np.repeat(
            np.fromiter((r["member_id"] for r in rows), np.int64, len(rows)), counts
        )
        text = "".join(r["days"] for r in rows).encode("ascii")
        days = np.frombuffer(text, dtype="S10").astype("datetime64[D]").astype(np.int64) + EPOCH
        step_m, step_d = np.diff(members), np.diff(days)
        if np.all((step_m > 0) | ((step_m == 0) & (step_d > 0))):  # the key's order, as read
            return History(members, days, since)
        order = np.lexsort((days, members))  # GROUP_CONCAT's order is not guaranteed
        return History(members[order], days[order], since)

    async def _skills(
        self, tenant_id: int, first: str, last: str, days: dict[str, int]
    ) -> tuple[tuple[SkillStat, ...], dict[str, tuple[int, ...]]]:
        """Check-ins per skill and day. One row per day with the day's skills concatenated:
        grouping by day follows the date index, where grouping by skill would sort every row."""
        per_day: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
        for r in await self._db.fetchall(
            f"SELECT c.local_date, {concat_all(self._db.dialect, 'cs.skill')} AS skills"
            " FROM checkins c"
            " JOIN checkin_skills cs ON cs.checkin_id = c.id"
            " WHERE c.tenant_id = ? AND c.local_date BETWEEN ? AND ? GROUP BY c.local_date",
            (tenant_id, first, last),
        ):
            for skill, n in Counter(r["skills"].split(",")).items():
                per_day[skill][days[r["local_date"]]] = n
        learners = {
            r["skill"]: int(r["n"])
            for r in await self._db.fetchall(
                "SELECT ms.skill, COUNT(*) AS n FROM member_skills ms"
                " JOIN members m ON m.id = ms.member_id AND m.left_at IS NULL"
                " WHERE ms.tenant_id = ? AND ms.kind = 'learning' GROUP BY ms.skill",
                (tenant_id,),
            )
        }
        stats = tuple(
            SkillStat(
                skill=s,
                checkins=sum(per_day[s]) if s in per_day else 0,
                learners=learners.get(s, 0),
            )
            for s in sorted(set(per_day) | set(learners))
        )
        return stats, {s: tuple(v) for s, v in per_day.items()}

    async def _member_days(
        self, tenant_id: int, first: str, last: str, days: dict[str, int]
    ) -> dict[int, tuple[int | None, ...]]:
        grid: dict[int, list[int | None]] = defaultdict(lambda: [None] * len(days))
        for r in await self._db.fetchall(
            "SELECT c.member_id, c.local_date, COALESCE(c.minutes, 0) AS minutes FROM checkins c"
            " JOIN members m ON m.id = c.member_id AND m.left_at IS NULL"
            " WHERE c.tenant_id = ? AND c.local_date BETWEEN ? AND ?",
            (tenant_id, first, last),
        ):
            grid[r["member_id"]][days[r["local_date"]]] = r["minutes"]
        return {m: tuple(v) for m, v in grid.items()}

    async def _blockers(self, tenant_id: int, week: Week) -> tuple[Blocker, ...]:
        """Blockers still open at the end of the week (`_open_at_end`), of members here.
        Found through `blockers_week` (tenant, local_date): the window is a week of rows.
        """
        open_at_end, params = _open_at_end(week, "")
        rows = await self._db.fetchall(
            "SELECT b.id, b.member_id, b.local_date, b.text, cs.skill FROM blockers b"
            " JOIN members m ON m.id = b.member_id AND m.left_at IS NULL"
            " LEFT JOIN checkin_skills cs ON cs.checkin_id = b.checkin_id"
            f" WHERE b.tenant_id = :t AND {open_at_end}"
            " ORDER BY b.id, cs.skill",
            {"t": tenant_id, **params},
        )
        return tuple(
            Blocker(
                head["id"],
                head["member_id"],
                date.fromisoformat(head["local_date"]),
                head["text"],
                tuple(r["skill"] for r in (head, *rest) if r["skill"] is not None),
            )
            for _, (head, *rest) in groupby(rows, key=lambda r: r["id"])
        )

    async def _knows(self, tenant_id: int) -> dict[str, tuple[int, ...]]:
        """Who may be suggested for each skill: active members who know it and did not opt out."""
        knows: dict[str, list[int]] = defaultdict(list)
        for r in await self._db.fetchall(
            "SELECT ms.skill, ms.member_id FROM member_skills ms"
            " JOIN members m ON m.id = ms.member_id AND m.left_at IS NULL"
            " WHERE ms.tenant_id = ? AND ms.kind = 'knows'"
            " AND NOT EXISTS (SELECT 1 FROM digest_helper_optouts o"
            "  WHERE o.tenant_id = ms.tenant_id AND o.member_id = ms.member_id)"
            " ORDER BY ms.skill, ms.member_id",
            (tenant_id,),
        ):
            knows[r["skill"]].append(r["member_id"])
        return {s: tuple(ids) for s, ids in knows.items()}

    async def _blocks(self, tenant_id: int) -> frozenset[tuple[int, int]]:
        rows = await self._db.fetchall(
            "SELECT blocker_id, blocked_id FROM blocks WHERE tenant_id = ?", (tenant_id,)
        )
        return frozenset((r["blocker_id"], r["blocked_id"]) for r in rows)

    async def _buddies(self, tenant_id: int, week: Week) -> BuddyWeek:
        start, end = to_db(week.starts_at), to_db(week.ends_at)
        rounds = await self._db.fetchall(
            "SELECT r.number, COUNT(DISTINCT g.id) AS groups,"
            " COUNT(DISTINCT CASE WHEN gm.met = 1 THEN g.id END) AS met"
            " FROM rounds r JOIN groups g ON g.round_id = r.id"
            " JOIN group_members gm ON gm.group_id = g.id"
            " WHERE r.tenant_id = ? AND r.started_at >= ? AND r.started_at < ?"
            " GROUP BY r.id, r.number ORDER BY r.number",
            (tenant_id, start, end),
        )
        if not rounds:
            return BuddyWeek()
        # Shout-outs only for groups where every member said they met and is still here.
        named = await self._db.fetchall(
            "SELECT gm.group_id, COALESCE(NULLIF(m.display_name, ''), m.external_id) AS name"
            " FROM group_members gm JOIN members m ON m.id = gm.member_id"
            " WHERE gm.group_id IN ("
            "  SELECT g.id FROM groups g JOIN rounds r ON r.id = g.round_id"
            "  WHERE r.tenant_id = ? AND r.started_at >= ? AND r.started_at < ?"
            "  AND NOT EXISTS (SELECT 1 FROM group_members x LEFT JOIN members xm"
            "   ON xm.id = x.member_id WHERE x.group_id = g.id AND (x.met IS NULL OR x.met <> 1"
            "   OR x.member_id IS NULL OR x.left_at IS NOT NULL OR xm.left_at IS NOT NULL))"
            "  ORDER BY g.id LIMIT ?)"
            " ORDER BY gm.group_id, name",
            (tenant_id, start, end, SHOUTOUTS),
        )
        groups: dict[int, list[str]] = defaultdict(list)
        for r in named:
            groups[r["group_id"]].append(r["name"])
        return BuddyWeek(
            rounds=tuple(r["number"] for r in rounds),
            groups=sum(r["groups"] for r in rounds),
            met=sum(r["met"] for r in rounds),
            shoutouts=tuple(tuple(names) for names in groups.values()),
        )

    async def _new_members(self, tenant_id: int, week: Week) -> tuple[int, ...]:
        rows = await self._db.fetchall(
            "SELECT m.id FROM members m WHERE m.tenant_id = ? AND m.left_at IS NULL"
            f" AND m.joined_at >= ? AND m.joined_at < ? AND {STUDENT}"
            " ORDER BY m.joined_at, m.id",
            (tenant_id, to_db(week.starts_at), to_db(week.ends_at)),
        )
        return tuple(r["id"] for r in rows)

    async def _names(self, tenant_id: int) -> dict[int, str]:
        rows = await self._db.fetchall(
            "SELECT id, COALESCE(NULLIF(display_name, ''), external_id) AS name FROM members"
            " WHERE tenant_id = ? AND left_at IS NULL",
            (tenant_id,),
        )
        return {r["id"]: r["name"] for r in rows}
