"""Load benchmark: mixed invocations from many communities through the whole core on SQLite.

    python -m bench.load                               # 5,000 invocations, 100 tenants, 200 at a time
    python -m bench.load --invocations 20000 --concurrency 500

A fresh SQLite file with every cog loaded. First (not timed) every member of every tenant joins
buddy matching through the core. Then the timed part: `--invocations` commands, drawn with a
fixed seed from this mix, each as a random member of a random tenant, at most `--concurrency`
in flight at any moment:
    35 %  /checkin did:... skills:... minutes:...
    20 %  /profile set timezone:... learning:... hours:...
    25 %  /streak
    20 %  /buddy status
"200 at a time" is waves: `--concurrency` invocations arrive together, the next wave when the
last of them is answered. Every invocation goes through `App.handle_line`: parse, validate,
wait for one of the app's `STUDYBOT_MAX_CONCURRENT_COMMANDS` slots, tenant and member lookup,
the handler, its transaction. Two latencies are printed: in the core (from the invocation's own
start in `handle_line` to its reply, waiting for a slot and for the database included) and from
arrival (from the wave's start: also the time the other invocations of the wave spent being
parsed before this one started, what a user in a burst would see). Throughput is invocations / wall time; any error
reply counts as an error. Targets: zero errors, >= 1,000 invocations/s, p99 <= 100 ms. Times are
wall-clock and depend on the machine and its load (printed first), and on `--cpu` (default: one
CPU, like the bot's STUDYBOT_CPU; docs/operations.md, Capacity).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time as perf
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.checkins import NullMessenger, apply_cpu, cpu_option, percentile
from bot.app import Actor, App
from bot.clock import ManualClock
from bot.config import Settings
from cogs import load_all

NOW = datetime(2026, 6, 16, 15, 0, tzinfo=UTC)
THROUGHPUT_TARGET = 1000.0
P99_TARGET = 0.100
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney")
SKILLS = ("sql", "docker", "git", "python", "linux", "ci-cd")
MIX = (("checkin", 35), ("profile", 20), ("streak", 25), ("buddy status", 20))


def command_line(kind: str, rng: random.Random) -> str:
    if kind == "checkin":
        skills = ",".join(rng.sample(SKILLS, 2))
        return f'/checkin did:"worked on chapter {rng.randint(1, 12)}" skills:{skills} minutes:{rng.randint(10, 120)}'
    if kind == "profile":
        start = rng.randint(6, 20)
        return (
            f"/profile set timezone:{rng.choice(ZONES)} learning:{','.join(rng.sample(SKILLS, 2))}"
            f" hours:{start:02d}:00-{start + 3:02d}:00"
        )
    if kind == "streak":
        return "/streak"
    return "/buddy status"


def _spread(values: list[float]) -> str:
    p50, p99 = percentile(values, 0.50), percentile(values, 0.99)
    return f"p50 {p50 * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  max {max(values) * 1000:6.1f} ms"


def actor(tenant: int, member: int) -> Actor:
    return Actor(
        tenant_id=f"guild-{tenant}",
        user_id=f"u{tenant}-{member}",
        display_name=f"Student {tenant}-{member}",
        tenant_name=f"Community {tenant}",
    )


@dataclass
class Timings:
    core: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    arrival: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def run_all(app: App, work: list[tuple[Actor, str, str]], concurrency: int) -> Timings:
    """Waves of `concurrency` invocations that arrive together; the next wave arrives when the
    last one is answered. Each invocation's time in the core (from its own start in
    `handle_line` to the reply) and from its arrival (the wave's start: queueing included)."""
    timings = Timings()

    async def one(who: Actor, kind: str, line: str, arrived: float) -> None:
        start = perf.perf_counter()
        reply = await app.handle_line(who, line)
        end = perf.perf_counter()
        timings.core[kind].append(end - start)
        timings.arrival.append(end - arrived)
        if reply.error:
            timings.errors.append(f"{line} -> {reply.text.splitlines()[0]}")

    for first in range(0, len(work), concurrency):
        arrived = perf.perf_counter()
        await asyncio.gather(*(one(*w, arrived) for w in work[first : first + concurrency]))
    return timings


async def main(invocations: int, tenants: int, members: int, concurrency: int, seed: int) -> int:
    print(
        f"load benchmark: {invocations:,} invocations, {tenants} tenants x {members} members, "
        f"{concurrency} at a time"
    )
    rng = random.Random(seed)
    kinds = [k for k, weight in MIX for _ in range(weight)]
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, studybot_db=str(Path(folder) / "load.sqlite3"))  # type: ignore[call-arg]
        app = await App.create(settings, ManualClock(NOW), NullMessenger(), load_all())
        try:
            joins = [
                (actor(t, m), "join", "/buddy join") for t in range(tenants) for m in range(members)
            ]
            assert not (await run_all(app, joins, concurrency)).errors
            work = []
            for _ in range(invocations):
                kind = rng.choice(kinds)
                who = actor(rng.randrange(tenants), rng.randrange(members))
                work.append((who, kind, command_line(kind, rng)))
            start = perf.perf_counter()
            timings = await run_all(app, work, concurrency)
            wall = perf.perf_counter() - start
        finally:
            await app.close()
    core = [x for values in timings.core.values() for x in values]
    rate = invocations / wall
    print(f"errors: {len(timings.errors)}")
    for error in timings.errors[:5]:
        print(f"  {error}")
    print(f"throughput: {rate:,.0f} invocations/s (wall {wall:.2f} s)")
    print(f"in the core:  {_spread(core)}")
    for kind, values in sorted(timings.core.items()):
        print(f"  {kind:<13} {len(values):>5}  {_spread(values)}")
    print(f"from arrival: {_spread(timings.arrival)} (queued behind the rest of its wave)")
    checks = [
        ("zero errors", not timings.errors),
        (f"throughput >= {THROUGHPUT_TARGET:,.0f}/s", rate >= THROUGHPUT_TARGET),
        (f"p99 in the core <= {P99_TARGET * 1000:.0f} ms", percentile(core, 0.99) <= P99_TARGET),
        (
            f"p99 from arrival <= {P99_TARGET * 1000:.0f} ms",
            percentile(timings.arrival, 0.99) <= P99_TARGET,
        ),
    ]
    for label, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--invocations", type=int, default=5000)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--members", type=int, default=20, help="members per tenant")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    cpu_option(parser)
    args = parser.parse_args()
    apply_cpu(args.cpu)
    raise SystemExit(
        asyncio.run(main(args.invocations, args.tenants, args.members, args.concurrency, args.seed))
    )
