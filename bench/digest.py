"""Digest benchmark: gather + text, and the chart, for a large community's week.

    python -m bench.digest                         # 10,000 members, targets checked
    python -m bench.digest --members 2000 --runs 5

The community comes from bench._gen (zones, skills to learn and to teach, blocks). Every member
checks in on every day of the digest's week (10,000 members: 70,000 check-ins, 1-3 skills each,
one in ten with a blocker); the `--history` weeks before it have a check-in on 60 % of the days,
so streaks, freezes and comebacks have real gaps to work through; each of those weeks also had a
buddy round of pairs, about half of which met. Timed, as the weekly tick does it:
  * text: the SQL that gathers the week (`DigestRepo.week`) + `content.build`;
  * chart: `chart.render` (the first render in a process also loads fonts: reported apart).
Targets: text <= 1 s, text + chart <= 3 s. Times are wall-clock; the machine's load average is
printed because other work on the machine inflates them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time as clock
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from bench._gen import blocks, community
from bot.clock import SystemClock
from bot.digest import chart, content
from bot.digest.week import week_before
from bot.skills import SkillCatalogue
from bot.storage.db import Database, to_db
from bot.storage.digests import DigestRepo
from bot.storage.migrations import migrate
from bot.storage.sqlite import SqliteDatabase

POST_DAY = date(2026, 6, 15)  # a Monday
TEXT_TARGET = 1.0
TOTAL_TARGET = 3.0
BLOCKERS = (
    "docker compose networking between two containers",
    "my SQL window function returns duplicates",
    "git rebase left me with conflicts everywhere",
    "not sure how to structure the project",
    "kubernetes pod keeps restarting",
    "pytest fixtures confuse me",
)


async def seed(db: Database, members: int, history_weeks: int, seed: int) -> int:
    """Bulk-load one community. Fixture loading only: the repositories write a row per call,
    far too slow for half a million rows, so the benchmark inserts directly."""
    rng = np.random.default_rng(seed)
    profiles = community(members, seed)
    joined = to_db(datetime.combine(POST_DAY, datetime.min.time(), UTC) - timedelta(days=400))
    week = week_before(POST_DAY, ZoneInfo("UTC"))
    first_day = week.first - timedelta(weeks=history_weeks)
    days = [first_day + timedelta(days=i) for i in range((POST_DAY - first_day).days)]
    async with db.transaction() as tx:
        tenant = await tx.insert(
            "INSERT INTO tenants (platform, external_id, name, created_at) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            ("bench", "bench", "Bench community", joined),
        )
        await tx.executemany(
            "INSERT INTO members (id, tenant_id, external_id, display_name, joined_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (p.member_id, tenant, f"u{p.member_id}", f"Student {p.member_id}", joined)
                for p in profiles
            ],
        )
        await tx.executemany(
            "INSERT INTO member_skills (member_id, tenant_id, kind, skill) VALUES (?, ?, ?, ?)",
            [
                (p.member_id, tenant, kind, s)
                for p in profiles
                for kind, skills in (("learning", p.learning), ("knows", p.knows))
                for s in skills
            ],
        )
        await tx.executemany(
            "INSERT INTO blocks (tenant_id, blocker_id, blocked_id, created_at)"
            " VALUES (?, ?, ?, ?)",
            [(tenant, a, b, joined) for a, b in blocks(profiles, seed=seed)],
        )
        checkins, checkin_skills, blockers = [], [], []
        checkin_id = 0
        for day in days:
            in_week = day >= week.first
            showed = np.ones(members, bool) if in_week else rng.random(members) < 0.6
            stamp = to_db(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=20))
            minutes = rng.integers(10, 121, members)
            blocked = rng.random(members) < 0.1
            for i in np.flatnonzero(showed).tolist():
                p = profiles[i]
                checkin_id += 1
                blocker = BLOCKERS[checkin_id % len(BLOCKERS)] if blocked[i] else ""
                checkins.append(
                    (
                        checkin_id,
                        tenant,
                        p.member_id,
                        day.isoformat(),
                        "UTC",
                        "studied",
                        blocker,
                        int(minutes[i]),
                        stamp,
                        stamp,
                    )
                )
                if blocker:  # as CheckinRepo.save records it: an open blocker row
                    blockers.append(
                        (tenant, p.member_id, checkin_id, day.isoformat(), blocker, stamp)
                    )
                pool = sorted(p.learning | p.knows)
                for s in pool[: 1 + checkin_id % 3]:
                    checkin_skills.append((checkin_id, tenant, s))
        await tx.executemany(
            "INSERT INTO checkins (id, tenant_id, member_id, local_date, timezone, did, blockers,"
            " minutes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            checkins,
        )
        await tx.executemany(
            "INSERT INTO checkin_skills (checkin_id, tenant_id, skill) VALUES (?, ?, ?)",
            checkin_skills,
        )
        await tx.executemany(
            "INSERT INTO blockers (tenant_id, member_id, checkin_id, local_date, text, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            blockers,
        )
        for number in range(1, history_weeks + 2):
            started = datetime.combine(first_day, datetime.min.time(), UTC) + timedelta(
                weeks=number - 1, hours=10
            )
            round_id = await tx.insert(
                "INSERT INTO rounds (tenant_id, number, period, started_at, followup_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (
                    tenant,
                    number,
                    f"bench-{number}",
                    to_db(started),
                    to_db(started + timedelta(days=3)),
                ),
            )
            order = rng.permutation(members)
            for g in range(members // 2):
                a, b = (profiles[int(order[2 * g + k])] for k in (0, 1))
                group_id = await tx.insert(
                    "INSERT INTO groups (tenant_id, round_id, room_key) VALUES (?, ?, ?) RETURNING id",
                    (tenant, round_id, f"bench-{number}-{g}"),
                )
                met = 1 if rng.random() < 0.5 else None
                await tx.executemany(
                    "INSERT INTO group_members (group_id, tenant_id, member_id, display_name, met)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [
                        (group_id, tenant, m.member_id, f"Student {m.member_id}", met)
                        for m in (a, b)
                    ],
                )
    return tenant


async def run(members: int, history_weeks: int, runs: int, seed_value: int) -> int:
    catalogue = SkillCatalogue.load()
    week = week_before(POST_DAY, ZoneInfo("UTC"))
    with tempfile.TemporaryDirectory() as folder:
        db = await SqliteDatabase.open(Path(folder) / "bench.sqlite3")
        try:
            await migrate(db, SystemClock().now())
            started = clock.perf_counter()
            tenant = await seed(db, members, history_weeks, seed_value)
            rows = await db.fetchone("SELECT COUNT(*) AS n FROM checkins")
            assert rows is not None
            print(
                f"seeded {members:,} members, {rows['n']:,} check-ins "
                f"({history_weeks} weeks of history) in {clock.perf_counter() - started:.1f} s"
            )
            repo = DigestRepo(db)
            gather_t, build_t, chart_t = [], [], []
            cold = 0.0
            for i in range(runs + 1):
                t0 = clock.perf_counter()
                data = await repo.week(tenant, week, POST_DAY, freezes_per_week=1, member_rows=0)
                t1 = clock.perf_counter()
                digest = content.build(data, catalogue)
                t2 = clock.perf_counter()
                png = chart.render(data, catalogue.name)
                t3 = clock.perf_counter()
                if i == 0:  # warm-up: font loading, SQLite page cache
                    cold = t3 - t0
                    continue
                gather_t.append(t1 - t0)
                build_t.append(t2 - t1)
                chart_t.append(t3 - t2)
        finally:
            await db.close()
    text = [g + b for g, b in zip(gather_t, build_t, strict=True)]
    total = [t + c for t, c in zip(text, chart_t, strict=True)]
    med = statistics.median
    print(
        f"week: {data.checkins:,} check-ins by {data.checked_in:,} of {data.active_members:,} "
        f"members; {data.history.days.size:,} check-in days of history; {len(data.blockers):,} open blockers; "
        f"{data.buddies.groups:,} buddy groups"
    )
    print(
        f"headline {len(digest.headline):,} chars, thread {len(digest.details or ''):,} chars, "
        f"chart {len(png) / 1024:.0f} KiB"
    )
    print(
        f"load average (1 min): {os.getloadavg()[0]:.2f}; median of {runs} runs after a "
        f"warm-up run of {cold:.2f} s:"
    )
    print(f"  gather (SQL)   {med(gather_t):.3f} s")
    print(f"  build text     {med(build_t):.3f} s")
    print(
        f"  text total     {med(text):.3f} s   target <= {TEXT_TARGET:.0f} s "
        f"{'ok' if med(text) <= TEXT_TARGET else 'MISSED'}"
    )
    print(f"  chart          {med(chart_t):.3f} s")
    print(
        f"  text + chart   {med(total):.3f} s   target <= {TOTAL_TARGET:.0f} s "
        f"{'ok' if med(total) <= TOTAL_TARGET else 'MISSED'}"
    )
    return 0 if med(text) <= TEXT_TARGET and med(total) <= TOTAL_TARGET else 1


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=4, help="weeks of check-ins before")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    return asyncio.run(run(args.members, args.history, args.runs, args.seed))


if __name__ == "__main__":
    raise SystemExit(main())
