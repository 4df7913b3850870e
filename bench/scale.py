"""Scale benchmark: several bot processes on one PostgreSQL database, against one on SQLite.

    python -m bench.scale                          # about two minutes on 2 shared cores
    python -m bench.scale --commands 4000 --messages 10000

Commands: a community of `--tenants` x `--members` members joins buddy matching (not timed);
then `--commands` commands from bench.load's mix (check-ins, profile changes, /streak, /buddy
status) are split between 1, 2 and 4 bot processes on PostgreSQL and 1 on SQLite, each process a
real `App` (every cog) in its own subprocess with a messenger that accepts everything, sending
`--concurrency` commands at a time. Each setup gets a fresh database; the processes start
together and the wall time runs from their common start to the last one's last reply.
Outbox: `--messages` messages to as many members are queued on PostgreSQL, then 4 processes
drain them at once through the real sender; every delivery is recorded, so a message sent twice
(duplicate) or never (loss) is counted; both must be 0.
CPU per command is the worker processes' own user + system time (resource.getrusage) over the
timed part, divided by the commands they handled: the PostgreSQL server's CPU comes on top. On
a 2-core machine more processes are not faster; CPU per command is what predicts a bigger one.
The PostgreSQL server is started and removed the way the tests do it (tests/postgres.py).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import resource
import tempfile
import time as perf
from collections import Counter
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from bench.checkins import NullMessenger, percentile
from bench.load import MIX, NOW, actor, command_line, run_all
from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from bot.ports import ChannelRef, Message, MessageRef, UserRef
from bot.storage.connect import open_database
from bot.storage.outbox import Target, enqueue
from cogs import load_all
from tests.postgres import PostgresServer

SENDERS = 4
Work = list[tuple[Any, str, str]]


@dataclass(frozen=True)
class Measured:
    """One worker process's figures."""

    latencies: list[float]
    errors: int
    cpu: float
    end: float
    delivered: list[str]


class RecordingSender(NullMessenger):
    """Accepts everything, remembering each message text it was given."""

    def __init__(self) -> None:
        self.delivered: list[str] = []

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        self.delivered.append(message.text)
        return await super().send_dm(user, message)

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        self.delivered.append(message.text)
        return await super().send(channel, message)


async def _open(url: str, messenger: NullMessenger) -> App:
    settings = Settings(_env_file=None, studybot_db=url, studybot_send_rate=0)  # type: ignore[call-arg]
    return await App.create(settings, ManualClock(NOW), messenger, load_all(), database=url)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _commands(url: str, work: Work, concurrency: int, start: Barrier) -> Measured:
    app = await _open(url, NullMessenger())
    try:
        start.wait()
        cpu = _cpu()
        timings = await run_all(app, work, concurrency)
        end, used = perf.monotonic(), _cpu() - cpu
    finally:
        await app.close()
    latencies = [x for values in timings.core.values() for x in values]
    return Measured(latencies, len(timings.errors), used, end, [])


async def _send(url: str, start: Barrier) -> Measured:
    messenger = RecordingSender()
    app = await _open(url, messenger)
    try:
        start.wait()
        cpu = _cpu()
        await app.sender.drain()
        end, used = perf.monotonic(), _cpu() - cpu
    finally:
        await app.close()
    return Measured([], 0, used, end, messenger.delivered)


def _worker(job: str, url: str, work: Work, concurrency: int, start: Barrier, out: Any) -> None:
    if job == "commands":
        out.put(asyncio.run(_commands(url, work, concurrency, start)))
    else:
        out.put(asyncio.run(_send(url, start)))


def _in_processes(
    job: str, url: str, shares: list[Work], concurrency: int
) -> tuple[float, list[Measured]]:
    """Run `job` in one subprocess per share, started together; the wall time and figures."""
    context = multiprocessing.get_context("spawn")
    start, out = context.Barrier(len(shares) + 1), context.Queue()
    processes = [
        context.Process(target=_worker, args=(job, url, share, concurrency, start, out))
        for share in shares
    ]
    for process in processes:
        process.start()
    start.wait()
    began = perf.monotonic()  # CLOCK_MONOTONIC: one clock for every process on Linux
    results = [out.get() for _ in processes]
    for process in processes:
        process.join()
    return max(r.end for r in results) - began, results


async def _seed_members(url: str, tenants: int, members: int, concurrency: int) -> None:
    app = await _open(url, NullMessenger())
    try:
        joins = [
            (actor(t, m), "join", "/buddy join") for t in range(tenants) for m in range(members)
        ]
        timings = await run_all(app, joins, concurrency)
        assert not timings.errors, timings.errors[:3]
    finally:
        await app.close()


async def _queue_messages(url: str, count: int) -> None:
    db = await open_database(url)
    try:
        async with db.transaction() as tx:
            tenant = await tx.insert(
                "INSERT INTO tenants (platform, external_id, name, created_at)"
                " VALUES ('bench', 'outbox', 'Outbox bench', ?) RETURNING id",
                (NOW.isoformat(),),
            )
            for i in range(count):
                target = Target.dm(f"member-{i}")
                await enqueue(tx, tenant, f"bench:{i}", target, Message(f"message {i}"), NOW)
    finally:
        await db.close()


@dataclass(frozen=True)
class Row:
    setup: str
    processes: int
    commands: int
    wall: float
    latencies: list[float]
    errors: int
    cpu: float


def _work(commands: int, tenants: int, members: int, seed: int) -> Work:
    rng = random.Random(seed)
    kinds = [k for k, weight in MIX for _ in range(weight)]
    work: Work = []
    for _ in range(commands):
        kind = rng.choice(kinds)
        work.append(
            (actor(rng.randrange(tenants), rng.randrange(members)), kind, command_line(kind, rng))
        )
    return work


async def _setup_row(
    setup: str, url: str, processes: int, args: argparse.Namespace, work: Work
) -> Row:
    await _seed_members(url, args.tenants, args.members, args.concurrency)
    shares = [work[i::processes] for i in range(processes)]
    wall, results = _in_processes("commands", url, shares, args.concurrency)
    latencies = [x for r in results for x in r.latencies]
    return Row(setup, processes, len(work), wall, latencies,
               sum(r.errors for r in results), sum(r.cpu for r in results))  # fmt: skip


def _print_commands(rows: list[Row]) -> None:
    print(f"\n{'backend':<11} {'procs':>5} {'commands/s':>11} {'p50 ms':>8} {'p99 ms':>8}"
          f" {'CPU ms/cmd':>11} {'errors':>7}")  # fmt: skip
    for r in rows:
        print(f"{r.setup:<11} {r.processes:>5} {r.commands / r.wall:>11,.0f}"
              f" {percentile(r.latencies, 0.5) * 1000:>8.1f} {percentile(r.latencies, 0.99) * 1000:>8.1f}"
              f" {r.cpu / r.commands * 1000:>11.2f} {r.errors:>7}")  # fmt: skip


async def main(args: argparse.Namespace) -> int:
    work = _work(args.commands, args.tenants, args.members, args.seed)
    print(f"scale benchmark: {args.commands:,} commands, {args.tenants} tenants x"
          f" {args.members} members, {args.concurrency} in flight per process;"
          f" outbox: {args.messages:,} messages, {SENDERS} senders")  # fmt: skip
    server = PostgresServer.start()
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            rows.append(
                await _setup_row("SQLite", str(Path(folder) / "scale.sqlite3"), 1, args, work)
            )
        for processes in (1, 2, 4):
            url = await server.fresh_database()
            rows.append(await _setup_row("PostgreSQL", url, processes, args, work))
            await server.drop(url)
        url = await server.fresh_database()
        await _queue_messages(url, args.messages)
        wall, results = _in_processes("send", url, [[] for _ in range(SENDERS)], 0)
    finally:
        server.stop()
    _print_commands(rows)
    sends = Counter(text for r in results for text in r.delivered)
    duplicates = sum(n - 1 for n in sends.values())
    lost = args.messages - len(sends)
    cpu = sum(r.cpu for r in results)
    print(f"\noutbox on PostgreSQL, {SENDERS} senders: {args.messages:,} messages in {wall:.2f} s"
          f" = {args.messages / wall:,.0f} messages/s, CPU {cpu / args.messages * 1000:.2f} ms each;"
          f" per sender {', '.join(str(len(r.delivered)) for r in results)};"
          f" duplicates {duplicates}, lost {lost}")  # fmt: skip
    failed = duplicates or lost or any(r.errors for r in rows)
    print("ok: no errors, no duplicates, no losses" if not failed else "MISS: see above")
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commands", type=int, default=2000, help="commands per setup")
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--members", type=int, default=20, help="members per tenant")
    parser.add_argument("--concurrency", type=int, default=50, help="in flight per process")
    parser.add_argument("--messages", type=int, default=2000, help="queued for the outbox run")
    parser.add_argument("--seed", type=int, default=7)
    raise SystemExit(asyncio.run(main(parser.parse_args())))
