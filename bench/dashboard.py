"""Dashboard benchmark: every page served over HTTP for a large community, first load first.

    python -m bench.dashboard                      # 10,000 members
    python -m bench.dashboard --members 2000 --runs 3 --rounds 1
    python -m bench.dashboard --history 52         # a year-old community

The community is bench.digest's (every member checks in on every day of the latest week, 60 %
of the days of the weeks before, one check-in in ten with a blocker, a buddy round of pairs
each week), with profiles (zones, study hours) from bench._gen and everyone in buddy matching:
5 % paused for a few weeks, 3 % paused by the bot. The clock stands on the last day of the
digest's week, so "this week so far" is a full week of check-ins.

Each page gets a dashboard server of its own (adapters.dashboard.runner.serve on 127.0.0.1,
so a fresh `Dashboard` with nothing read before), an organizer logs in as a browser does (the
login link's page, then its button), and the page is requested once, then `--runs` more
times; every page so, `--rounds` times over (interleaved, so that the machine's drift in speed
falls on every page alike). Printed per page: the server's time for the first request (the
median of the rounds, and their range) and the median of the repeats (from its access log:
arrival to response sent), the CPU time the process spent on the first request (server and
client: the client's share is small) and the first response's size. Target: every page's
first request under 300 ms. Times are wall-clock; the load average is printed because other
work on the machine inflates them. The process keeps to CPU 0 unless
`--cpu none`, as the dashboard does with STUDYBOT_CPU=0 (docs/operations.md, Capacity).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import statistics
import tempfile
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from adapters.dashboard.runner import serve
from adapters.dashboard.server import CSRF_FIELD, LOGIN_COOKIE
from bench._gen import community
from bench.checkins import NullMessenger, apply_cpu, cpu_option
from bench.digest import POST_DAY, seed
from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from bot.dashboard.access import login_link
from bot.heap import freeze_startup_objects
from bot.meeting_times import shared_windows
from bot.storage.db import from_db, to_db
from cogs import load_all

TARGET = 0.300
ORGANIZER = 1  # a member who studies and runs the community: still counted as a student
NOW = datetime.combine(POST_DAY - timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=21)


async def enrol(app: App, tenant: int, members: int, seed_value: int) -> None:
    """Profiles with zones and study hours, and everyone in buddy matching."""
    profiles = community(members, seed_value)
    joined = to_db(NOW - timedelta(days=60))
    until = to_db(NOW + timedelta(weeks=2))
    async with app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO organizers (tenant_id, member_id, last_seen_at) VALUES (?, ?, ?)",
            (tenant, ORGANIZER, to_db(NOW)),
        )
        await tx.executemany(
            "INSERT INTO profiles (member_id, tenant_id, timezone, goal, level, hours_start,"
            " hours_end, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.member_id,
                    tenant,
                    p.timezone,
                    p.goal,
                    p.level,
                    p.hours[0].isoformat() if p.hours else None,
                    p.hours[1].isoformat() if p.hours else None,
                    joined,
                )
                for p in profiles
            ],
        )
        await tx.executemany(
            "INSERT INTO buddies (member_id, tenant_id, status, paused_until, missed_rounds,"
            " joined_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.member_id,
                    tenant,
                    "paused" if p.member_id % 100 < 8 else "active",
                    until if p.member_id % 100 < 5 else None,
                    2 if 5 <= p.member_id % 100 < 8 else 0,
                    joined,
                    joined,
                )
                for p in profiles
            ],
        )
        # As each round stored it (cogs/buddies/rounds.py study_time): the dashboard works
        # out the shared hours of the groups that have some.
        by_id = {p.member_id: p for p in profiles}
        groups: dict[int, tuple[date, list[int]]] = {}
        for r in await tx.fetchall(
            "SELECT g.id, r.started_at, gm.member_id FROM groups g"
            " JOIN rounds r ON r.id = g.round_id JOIN group_members gm ON gm.group_id = g.id"
            " WHERE g.tenant_id = ?",
            (tenant,),
        ):
            groups.setdefault(r["id"], (from_db(r["started_at"]).date(), []))[1].append(
                r["member_id"]
            )
        studied = []
        for group_id, (day, ids) in groups.items():
            windows = shared_windows([by_id[m] for m in ids], day)
            studied.append(
                ("no_hours" if windows is None else "shared" if windows else "no_overlap", group_id)
            )
        await tx.executemany("UPDATE groups SET study_time = ? WHERE id = ?", studied)
        # A round closes when the next one starts: only the latest is open.
        await tx.execute(
            "UPDATE rounds SET status = 'closed', closed_at = started_at WHERE tenant_id = ?"
            " AND number < (SELECT MAX(number) FROM rounds WHERE tenant_id = ?)",
            (tenant, tenant),
        )


PAGES = (
    "/",
    "/members",
    "/members?sort=streak&desc=1",
    "/members?search=docker&status=paused&sort=last_checkin",
    "/members.csv",
    "/weeks.csv",
    "/rounds",
    "/blockers",
    "/settings",
)


class ServerTimes(logging.Handler):
    """The server's own time per request, as its access log reports it (PathOnlyAccessLogger:
    from the request's arrival to its response sent), so the client's parsing is not counted."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seconds: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        milliseconds = record.args[-1] if isinstance(record.args, tuple) else None
        assert isinstance(milliseconds, float), record.args
        self.seconds.append(milliseconds / 1000)


@dataclass(frozen=True)
class Timed:
    path: str
    first: float
    repeats: list[float]
    size: int  # bytes of the first response's body
    cpu: float  # the process's CPU seconds over the first request: less swayed by other load


async def page(app: App, tenant: int, organizer: int, path: str, runs: int) -> Timed:
    """`path` on a dashboard server of its own (a fresh `Dashboard`: nothing kept from other
    pages), reached as a browser does: the login link's page, its button, then the page."""
    access = logging.getLogger("aiohttp.access")
    times = ServerTimes()
    access.addHandler(times)
    runner, port = await serve(app, app.settings.dashboard_url(), "127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            link = login_link(app.signer, "", tenant, organizer, NOW)
            token = parse_qs(urlsplit(link).query)["token"][0]
            await client.get("/login", params={"token": token})
            # The button posts the page's own login cookie back, as the form does.
            csrf = client.cookies[LOGIN_COOKIE]
            logged_in = await client.post("/login", data={"token": token, CSRF_FIELD: csrf})
            assert logged_in.status_code == 303, logged_in.text
            before = len(times.seconds)
            cpu = clock.process_time()
            responses = [await client.get(path)]
            cpu = clock.process_time() - cpu
            responses += [await client.get(path) for _ in range(runs)]
    finally:
        await runner.cleanup()
        access.removeHandler(times)
    assert all(r.status_code == 200 for r in responses), (path, responses[0].text[:500])
    served = times.seconds[before:]
    return Timed(path, served[0], served[1:], len(responses[0].content), cpu)


async def run(members: int, history_weeks: int, runs: int, rounds: int, seed_value: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, studybot_db=str(Path(folder) / "dashboard.sqlite3"))  # type: ignore[call-arg]
        app = await App.create(settings, ManualClock(NOW), NullMessenger(), load_all())
        try:
            started = clock.perf_counter()
            tenant = await seed(app.db, members, history_weeks, seed_value)
            await enrol(app, tenant, members, seed_value)
            print(
                f"seeded {members:,} members ({history_weeks} weeks of history) "
                f"in {clock.perf_counter() - started:.1f} s"
            )
            logging.getLogger("aiohttp.access").setLevel(logging.INFO)
            logging.getLogger("aiohttp.access").propagate = False
            freeze_startup_objects()  # as `python -m bot dashboard` does once it serves
            timed: dict[str, list[Timed]] = {path: [] for path in PAGES}
            for _ in range(rounds):
                for path in PAGES:
                    # The servers before left their reads behind: freed now, not in the
                    # collections this page's first request would set off.
                    gc.collect()
                    timed[path].append(await page(app, tenant, ORGANIZER, path, runs))
        finally:
            await app.close()
    med = statistics.median
    print(
        f"load average (1 min): {os.getloadavg()[0]:.2f}; server time of the first request on a"
        f" fresh server (median of {rounds}, range), then the median of {runs} more:"
    )
    firsts = {}
    for path, each in timed.items():
        first = firsts[path] = med(t.first for t in each)
        low, high = min(t.first for t in each), max(t.first for t in each)
        verdict = "ok" if first <= TARGET else "MISSED"
        print(
            f"  {path:58} first {first:.3f} s ({low:.3f}-{high:.3f}; CPU"
            f" {med(t.cpu for t in each):.3f} s), then"
            f" {med(r for t in each for r in t.repeats):.3f} s,"
            f" {each[0].size / 1024:5.0f} KiB  {verdict}"
        )
    return 0 if all(first <= TARGET for first in firsts.values()) else 1


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=8, help="weeks of check-ins before")
    parser.add_argument("--runs", type=int, default=5, help="requests after the first")
    parser.add_argument("--rounds", type=int, default=3, help="fresh servers per page")
    parser.add_argument("--seed", type=int, default=0)
    cpu_option(parser)
    args = parser.parse_args()
    apply_cpu(args.cpu)
    return asyncio.run(run(args.members, args.history, args.runs, args.rounds, args.seed))


if __name__ == "__main__":
    raise SystemExit(main())
