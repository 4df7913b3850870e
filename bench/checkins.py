"""Check-in benchmark: a burst of /checkin through the whole core, and the reminder tick.

    python -m bench.checkins                          # 10,000 members, targets checked
    python -m bench.checkins --members 2000 --burst 500 --runs 5

Each run uses a fresh SQLite file with every cog loaded (so CheckinRecorded subscribers run
too) and a community from bench._gen (27 time zones).
  (a) `--burst` members each send `/checkin did:... skills:... minutes:...` through
      `App.handle_line` (parse, validate, tenant and member lookup, local day, upsert, skills,
      streak, event), twice, with different members:
      * all at the same instant: throughput = burst / wall time to the last reply. Latency from
        that instant to each reply is mostly queueing (the k-th waits for k-1 others), so its
        p99 is about the wall time: reported, but it cannot be the latency target;
      * arriving evenly over one second (burst / s, open loop): latency from each arrival to
        its reply, waiting for other check-ins included. This is the p50/p99 checked.
  (b) reminder tick: every member has a reminder due in the same minute (each at the local
      wall-clock time of that instant in their own zone); timed is one tick: read candidates,
      decide who is due, claim and enqueue all of them. The second tick (all claimed) too.
Targets: >= 1,000 check-ins/s, p99 <= 50 ms, reminder tick <= 1 s. Times are wall-clock; the
machine's load average is printed because other work on the machine inflates them. The process
is kept on one CPU (`--cpu`, like the bot's STUDYBOT_CPU; docs/operations.md, Capacity).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time as perf
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench._gen import community
from bot.app import Actor, App
from bot.clock import ManualClock
from bot.config import Settings
from bot.cpu import pin_to_cpu
from bot.ports import (
    Capabilities,
    ChannelCheck,
    ChannelKind,
    ChannelRef,
    ChannelUse,
    Message,
    MessageRef,
    Messenger,
    UserRef,
)
from bot.storage.db import to_db
from cogs import load_all
from cogs.checkins.reminders import REMINDER_JOB

TENANT = "bench"
DUE = datetime(2026, 6, 15, 18, 0, tzinfo=UTC)  # every reminder falls due at this instant
THROUGHPUT_TARGET = 1000.0
P99_TARGET = 0.050
TICK_TARGET = 1.0


class NullMessenger:
    """Accepts everything instantly: the benchmark measures the core, not a platform."""

    platform = "bench"
    capabilities = Capabilities()

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        return MessageRef(channel, "1")

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        return MessageRef(ChannelRef(user.tenant, user.id, ChannelKind.DM), "1")

    async def open_room(
        self, tenant: str, members: list[UserRef], title: str, *, reuse: bool = False
    ) -> ChannelRef:
        return ChannelRef(tenant, "room", ChannelKind.ROOM, title)

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None:
        return UserRef(tenant, user_id)

    async def forget_user(self, tenant: str, user_id: str) -> None:
        """Keeps nothing."""

    async def close_room(self, room: ChannelRef) -> None:
        """Keeps nothing."""

    async def check_channel(self, channel: ChannelRef, use: ChannelUse) -> ChannelCheck:
        return ChannelCheck()


async def open_app(
    folder: Path,
    members: int,
    now: datetime,
    *,
    send_rate: float | None = 5.0,
    messenger: Messenger | None = None,
) -> App:
    """A fresh app on its own SQLite file, with `members` members, profiles and reminders.

    Fixture loading only: through the repositories this would be 30,000 transactions, so the
    rows are inserted directly.
    """
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, studybot_db=str(folder / "bench.sqlite3"), studybot_send_rate=send_rate
    )
    app = await App.create(settings, ManualClock(now), messenger or NullMessenger(), load_all())
    profiles = community(members, seed=1)
    joined = to_db(now - timedelta(days=30))
    async with app.db.transaction() as tx:
        tenant = await tx.insert(
            "INSERT INTO tenants (platform, external_id, name, created_at) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            ("bench", TENANT, "Bench community", joined),
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
            "INSERT INTO profiles (member_id, tenant_id, timezone, updated_at) VALUES (?, ?, ?, ?)",
            [(p.member_id, tenant, p.timezone, joined) for p in profiles],
        )
        await tx.executemany(
            "INSERT INTO reminders (member_id, tenant_id, remind_at, enabled, updated_at)"
            " VALUES (?, ?, ?, 1, ?)",
            [
                (p.member_id, tenant, f"{DUE.astimezone(ZoneInfo(p.timezone)):%H:%M}", joined)
                for p in profiles
            ],
        )
    return app


def cpu_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cpu",
        type=lambda text: None if text == "none" else int(text),
        default=0,
        help="keep the process on this CPU, as STUDYBOT_CPU does for the bot (default 0);"
        " 'none' lets the OS place its threads",
    )


def apply_cpu(cpu: int | None) -> None:
    """Pin (before any database thread starts) and say so: the figures depend on it."""
    pinned = cpu is not None and pin_to_cpu(cpu)
    where = f"pinned to CPU {cpu} (STUDYBOT_CPU)" if pinned else "threads placed by the OS"
    print(f"{where}; load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def burst(app: App, members: range, spread: float) -> tuple[float, list[float]]:
    """Each member checks in, arriving evenly over `spread` seconds (0: all at once).

    Returns the wall time to the last reply and each check-in's arrival-to-reply latency.
    """
    latencies: list[float] = []
    start = perf.perf_counter()
    step = spread / len(members)

    async def one(i: int, n: int) -> None:
        arrival = start + i * step
        await asyncio.sleep(max(0.0, arrival - perf.perf_counter()))
        actor = Actor(tenant_id=TENANT, user_id=f"u{n}", display_name=f"Student {n}")
        line = f'/checkin did:"worked through chapter {n % 12}" skills:docker,sql minutes:45'
        reply = await app.handle_line(actor, line)
        latencies.append(perf.perf_counter() - arrival)
        assert "Checked in" in reply.text, reply.text

    await asyncio.gather(*(one(i, n) for i, n in enumerate(members)))
    return perf.perf_counter() - start, latencies


async def reminder_tick(app: App) -> tuple[float, float, int]:
    """Seconds for the tick that queues every reminder, for the next (no-op) one, and the count."""
    job = next(j for j in app.jobs if j.name == REMINDER_JOB)
    start = perf.perf_counter()
    await job.tick(DUE)
    first = perf.perf_counter() - start
    start = perf.perf_counter()
    await job.tick(DUE + timedelta(minutes=1))
    second = perf.perf_counter() - start
    queued = (await app.outbox.counts()).get("pending", 0)
    return first, second, queued


async def main(members: int, size: int, runs: int) -> int:
    print(f"check-in benchmark: {members:,} members, burst of {size:,}, {runs} run(s)")
    walls: list[float] = []
    queued_latencies: list[float] = []
    latencies: list[float] = []
    ticks: list[tuple[float, float, int]] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            app = await open_app(Path(folder), members, DUE - timedelta(hours=3))
            try:
                wall, lat = await burst(app, range(1, size + 1), 0.0)
                walls.append(wall)
                queued_latencies += lat
                latencies += (await burst(app, range(size + 1, 2 * size + 1), 1.0))[1]
            finally:
                await app.close()
        with tempfile.TemporaryDirectory() as folder:
            app = await open_app(Path(folder), members, DUE)
            try:
                ticks.append(await reminder_tick(app))
            finally:
                await app.close()
    wall = statistics.median(walls)
    rate = size / wall
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    q50, q99 = percentile(queued_latencies, 0.50), percentile(queued_latencies, 0.99)
    tick = statistics.median(t[0] for t in ticks)
    again = statistics.median(t[1] for t in ticks)
    queued = ticks[-1][2]
    print(f"(a) {size:,} at once: {rate:,.0f} check-ins/s (median wall {wall * 1000:.0f} ms);")
    print(f"    latency from the common start: p50 {q50 * 1000:.0f} ms, p99 {q99 * 1000:.0f} ms")
    print(
        f"    {size:,} arriving over 1 s: latency p50 {p50 * 1000:.1f} ms,"
        f" p99 {p99 * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    print(f"(b) reminder tick: {tick * 1000:.0f} ms to claim and enqueue {queued:,} reminders;")
    print(f"    the next tick (all claimed): {again * 1000:.0f} ms")
    checks = [
        (f"throughput >= {THROUGHPUT_TARGET:,.0f}/s", rate >= THROUGHPUT_TARGET),
        (f"p99 <= {P99_TARGET * 1000:.0f} ms at {size:,}/s", p99 <= P99_TARGET),
        (f"reminder tick <= {TICK_TARGET:.0f} s", tick <= TICK_TARGET),
        (f"all {members:,} reminders queued", queued == members),
    ]
    for label, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    cpu_option(parser)
    args = parser.parse_args()
    apply_cpu(args.cpu)
    raise SystemExit(asyncio.run(main(args.members, args.burst, args.runs)))
