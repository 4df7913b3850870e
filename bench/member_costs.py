"""What one member's command costs as the community grows: the same commands at 1,000, 10,000
and 20,000 members, in one run, so the figures are comparable.

    python -m bench.member_costs
    python -m bench.member_costs --sizes 1000,5000 --samples 300

Each size gets a fresh SQLite file seeded like a living community (profiles with skills,
reminders, two weeks of check-ins, everyone in buddy matching). Then `--samples` different
members each run every command once through `App.handle_line`; the median per command is
printed. Target: at the largest size, every command within 1.5x of its cost at the smallest.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time as perf
from datetime import timedelta
from pathlib import Path

from bench.checkins import DUE, TENANT, apply_cpu, cpu_option, open_app
from bot.app import Actor, App
from bot.storage.db import to_db

COMMANDS = (
    ("/profile set", "/profile set learning:docker,sql,git knows:python hours:18:00-21:00"),
    ("/profile show", "/profile show"),
    ("/buddy join", "/buddy join"),
    ("/checkin", '/checkin did:"chapter 4" skills:sql minutes:30'),
    ("/streak", "/streak"),
    ("/stats", "/stats"),
    ("/buddy status", "/buddy status"),
)
TARGET_RATIO = 1.5
SKILLS = ("python", "sql", "docker", "git", "kubernetes", "aws", "ml", "statistics")


async def seed(app: App, members: int) -> None:
    """What a community accumulates: skills, a fortnight of check-ins, buddy enrolment."""
    joined = to_db(DUE - timedelta(days=30))
    tenant = await app.tenants.find("bench", TENANT)
    assert tenant is not None
    async with app.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO member_skills (member_id, tenant_id, kind, skill) VALUES (?, ?, ?, ?)",
            [
                (m, tenant.id, kind, SKILLS[(m + k) % len(SKILLS)])
                for m in range(1, members + 1)
                for k, kind in enumerate(("learning", "learning", "knows"))
            ],
        )
        days = [(DUE - timedelta(days=d)).date().isoformat() for d in range(1, 15)]
        await tx.executemany(
            "INSERT INTO checkins (tenant_id, member_id, local_date, timezone, did, minutes,"
            " created_at, updated_at) VALUES (?, ?, ?, 'UTC', 'practice', 30, ?, ?)",
            [
                (tenant.id, m, day, joined, joined)
                for m in range(1, members + 1)
                for i, day in enumerate(days)
                if (m + i) % 3
            ],
        )
        await tx.executemany(
            "INSERT INTO buddies (member_id, tenant_id, joined_at, updated_at) VALUES (?, ?, ?, ?)",
            [(m, tenant.id, joined, joined) for m in range(1, members + 1)],
        )


async def costs(members: int, samples: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        app = await open_app(Path(folder), members, DUE, send_rate=0)
        try:
            await seed(app, members)
            timings: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
            step = max(1, members // samples)
            for n in range(1, members + 1, step)[:samples]:
                actor = Actor(tenant_id=TENANT, user_id=f"u{n}", display_name=f"Student {n}")
                for name, line in COMMANDS:
                    start = perf.perf_counter()
                    reply = await app.handle_line(actor, line)
                    timings[name].append(perf.perf_counter() - start)
                    assert not reply.error, (line, reply.text)
            return {name: statistics.median(values) for name, values in timings.items()}
        finally:
            await app.close()


async def run(sizes: list[int], samples: int) -> int:
    results = {size: await costs(size, samples) for size in sizes}
    header = " | ".join(f"{size:,} members" for size in sizes)
    print(f"| command | {header} | {sizes[-1]:,} / {sizes[0]:,} |")
    print("|---" * (len(sizes) + 2) + "|")
    worst = 0.0
    for name, _ in COMMANDS:
        cells = " | ".join(f"{results[size][name] * 1000:.2f} ms" for size in sizes)
        ratio = results[sizes[-1]][name] / results[sizes[0]][name]
        worst = max(worst, ratio)
        print(f"| {name} | {cells} | {ratio:.2f}x |")
    met = worst <= TARGET_RATIO
    print(f"{'ok  ' if met else 'MISS'} every command within {TARGET_RATIO}x (worst {worst:.2f}x)")
    return 0 if met else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,20000")
    parser.add_argument("--samples", type=int, default=200)
    cpu_option(parser)
    args = parser.parse_args()
    apply_cpu(args.cpu)
    raise SystemExit(asyncio.run(run([int(s) for s in args.sizes.split(",")], args.samples)))


if __name__ == "__main__":
    main()
