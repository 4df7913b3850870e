"""Outbox growth benchmark: how much the database grows per 10,000 reminders, and what is left
once the retention period has passed.

    python -m bench.outbox                 # 10,000 members, one reminder each, then a digest
    python -m bench.outbox --members 2000 --days 3

For `--days` days, every member gets the day's reminder (queued by the real reminder tick and
sent through the real sender to a messenger that accepts everything); then a digest with its
chart is posted. The database is measured (after a checkpoint, in bytes of pages in use) after
each stage, and again after pruning 14 days later. Targets: the outbox row of a sent reminder
costs well under 0.7 KB (the figure before the lifecycle work), nothing is stored twice, and
after pruning the outbox is empty of done messages.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from bench.checkins import DUE, TENANT, apply_cpu, cpu_option, open_app
from bot.app import PRUNE_JOB, Actor, App
from bot.clock import ManualClock
from bot.storage.sqlite import SqliteDatabase
from cogs.checkins.reminders import CLAIMS_PRUNE_JOB, REMINDER_JOB


async def used_bytes(app: App) -> int:
    """Pages in use (the file minus its free list), after the write-ahead log is folded in."""
    assert isinstance(app.db, SqliteDatabase)
    await app.db.checkpoint()
    row = await app.db.fetchone(
        "SELECT (SELECT page_count FROM pragma_page_count())"
        " - (SELECT freelist_count FROM pragma_freelist_count()) AS pages,"
        " (SELECT page_size FROM pragma_page_size()) AS size"
    )
    assert row is not None
    return int(row["pages"]) * int(row["size"])


async def outbox_rows(app: App) -> int:
    row = await app.db.fetchone("SELECT COUNT(*) AS n FROM outbox")
    assert row is not None
    return int(row["n"])


async def run(members: int, days: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        # no pacing: this measures storage, not the platform's rate limits
        app = await open_app(Path(folder), members, DUE - timedelta(minutes=5), send_rate=0)
        clock = app.clock
        assert isinstance(clock, ManualClock)
        try:
            tick = next(j for j in app.jobs if j.name == REMINDER_JOB).tick
            start = await used_bytes(app)
            print(f"members: {members:,} | database at start: {start / 1024:,.0f} KiB")
            before = start
            for day in range(days):
                clock.set(DUE + timedelta(days=day, minutes=1))
                queued = await tick(clock.now())
                assert isinstance(queued, int)
                queued_bytes = await used_bytes(app)
                sent = await app.sender.drain()
                sent_bytes = await used_bytes(app)
                per_queued = (queued_bytes - before) / max(queued, 1)
                per_sent = (sent_bytes - before) / max(sent, 1)
                print(
                    f"day {day + 1}: reminders queued {queued:,} (+{per_queued:,.0f} B each),"
                    f" sent {sent:,} (+{per_sent:,.0f} B each after sending)"
                    f" | growth per 10,000 reminders: {per_sent * 10_000 / 1024 / 1024:,.2f} MiB"
                )
                before = sent_bytes
            size_before_digest = before
            await app.handle_line(_admin(), "/admin digest channel:#study")
            await app.handle_line(_admin(), "/digest post")
            await app.sender.drain()
            digest_bytes = await used_bytes(app) - size_before_digest
            print(f"a digest with its chart: +{digest_bytes / 1024:,.0f} KiB (file stored once)")
            rows = await outbox_rows(app)
            clock.advance(timedelta(days=app.settings.studybot_outbox_retention_days + 1))
            for job in app.jobs:  # the outbox's prune and the reminder claims'
                if job.name in (PRUNE_JOB, CLAIMS_PRUNE_JOB):
                    await job.tick(clock.now())
            pruned = await used_bytes(app)
            print(
                f"after {app.settings.studybot_outbox_retention_days} days' retention: outbox rows"
                f" {rows:,} -> {await outbox_rows(app):,}, database {before / 1024:,.0f} KiB"
                f" -> {pruned / 1024:,.0f} KiB (free pages are reused by later writes)"
            )
        finally:
            await app.close()


def _admin() -> Actor:
    return Actor(tenant_id=TENANT, user_id="admin", display_name="Admin", is_admin=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=2)
    cpu_option(parser)
    args = parser.parse_args()
    apply_cpu(args.cpu)
    asyncio.run(run(args.members, args.days))


if __name__ == "__main__":
    main()
