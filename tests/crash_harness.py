"""A test-only bot process for the crash-safety tests (tests/test_crash_safety.py).

    python -m tests.crash_harness DB RECORD --setup
    python -m tests.crash_harness DB RECORD --until 2026-03-04T12:00:00Z [--pause SPEC]
    python -m tests.crash_harness postgresql://... RECORD --clock FILE --serve --armed FILE

It runs the real app and cogs on a SQLite file with a manual clock that moves in hourly steps,
running every job and draining the outbox at each step, as the console's `:advance` does. The clock is written to DB.clock before each step runs, so a restart resumes
at the step that was interrupted (as a restarted bot runs its ticks at start). Every message the
"platform" accepts is appended to RECORD and fsynced before the send returns.

`--pause SPEC` stops the process at one point, prints "PAUSED SPEC" and blocks until the test
kills it:
  before-commit:JOB   inside the first transaction that claims a unit of JOB (prefix), before
                      its COMMIT: the claim, its rows and its outbox messages are all pending
  after-commit:JOB    just after that COMMIT, before anything was sent
  before-send:TEXT    the sender is about to hand the first message whose "KIND:TARGET TEXT"
                      contains TEXT to the platform (the row is claimed for sending)
  after-send:TEXT     the platform accepted it (recorded), the row is not marked sent yet

Several processes on one PostgreSQL database (tests/test_multiprocess_faults.py) use `--serve`:
the test moves the shared clock file and says "step TIME" on each process's stdin; the process
runs every job and drains the outbox at that time, then prints "STEPPED". `--armed FILE` holds
one pause SPEC for them all: the first process to reach it takes it (renames the file away),
so exactly one process pauses there, whichever it is.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import Actor, App
from bot.clock import ManualClock
from bot.config import Settings
from bot.ports import (
    Capabilities,
    ChannelCheck,
    ChannelKind,
    ChannelRef,
    ChannelUse,
    Message,
    MessageRef,
    UserRef,
)
from bot.storage.db import Database, Tx
from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import SqliteDatabase
from cogs import load_all

START = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # a Monday
STEP = timedelta(hours=1)  # every scheduled time in SETUP is on the hour
TENANT = "crash-community"
MEMBERS = tuple(f"m{i:02d}" for i in range(1, 11))
SETUP = (
    ("m01", True, "/admin buddies channel:#pairing day:tuesday time:09:00 every:1"),
    ("m01", True, "/admin digest channel:#digest day:wednesday time:09:00"),
    *(
        line
        for i, m in enumerate(MEMBERS)
        for line in (
            (
                m,
                False,
                f"/profile set timezone:Europe/Berlin learning:docker,sql level:beginner hours:18:00-21:00 about:member-{m}",
            ),
            (m, False, "/buddy join"),
            (m, False, "/checkin remind 19:00"),
            *(
                [(m, False, f'/checkin did:"sql joins, {m}" skills:sql minutes:{20 + i}')]
                if i % 3 == 0
                else []
            ),
        )
    ),
)


class Pause:
    """One pause point per process: print where, then block until killed."""

    def __init__(self, spec: str | None, armed: Path | None = None) -> None:
        self.spec, self.armed = spec, armed
        self.done = False

    def check(self, kind: str, subjects: list[str]) -> None:
        if self.done:
            return
        spec = self.spec
        if self.armed is not None:
            spec = self.armed.read_text() if self.armed.exists() else None
        wanted, _, match = (spec or "").partition(":")
        if kind != wanted:
            return
        hit = any(s.startswith(match) if kind.endswith("commit") else match in s for s in subjects)
        if hit and self.armed is not None:
            try:  # one process takes the armed pause; the others go on
                self.armed.rename(self.armed.with_name(f"{self.armed.name}.{os.getpid()}"))
            except FileNotFoundError:
                return
        if hit:
            self.done = True
            self.spec = spec
            print(f"PAUSED {self.spec}", flush=True)
            threading.Event().wait()  # until killed: holds the loop, the connection, any transaction


async def _new_claims_sqlite(tx: Tx, mark: int) -> list[str]:
    rows = await tx.fetchall("SELECT job FROM job_runs WHERE rowid > ?", (mark,))
    return [r["job"] for r in rows]


async def _new_claims_postgres(tx: Tx, mark: int) -> list[str]:
    # The rows this transaction wrote carry its id (their xmin).
    rows = await tx.fetchall("SELECT job FROM job_runs WHERE xmin = pg_current_xact_id()::xid")
    return [r["job"] for r in rows]


def hook_claims(pause: Pause, db: Database) -> None:
    """Watch every transaction for new job_runs rows (the claims) around its COMMIT."""
    backend = PostgresDatabase if isinstance(db, PostgresDatabase) else SqliteDatabase
    new_claims = _new_claims_postgres if backend is PostgresDatabase else _new_claims_sqlite
    original = backend.transaction

    @asynccontextmanager
    async def transaction(self: Database) -> AsyncIterator[Tx]:
        jobs: list[str] = []
        async with original(self) as tx:  # type: ignore[arg-type]
            mark = 0
            if backend is SqliteDatabase:
                row = await tx.fetchone("SELECT COALESCE(MAX(rowid), 0) AS n FROM job_runs")
                mark = row["n"] if row is not None else 0
            yield tx
            jobs = await new_claims(tx, mark)
            pause.check("before-commit", jobs)
        pause.check("after-commit", jobs)

    backend.transaction = transaction  # type: ignore[method-assign]


class FileMessenger:
    """The platform: appends every accepted message to a file, fsynced, before returning."""

    platform = "harness"
    capabilities = Capabilities()

    def __init__(self, record: Path, pause: Pause, clock: ManualClock) -> None:
        self._record = record
        self._pause = pause
        self._clock = clock  # the step a message went out in tells Monday's reminder from Tuesday's

    def _accept(self, kind: str, target: str, message: Message) -> str:
        subject = [f"{kind}:{target} {message.text}"]
        self._pause.check("before-send", subject)
        at = self._clock.now().isoformat()
        line = json.dumps({"at": at, "kind": kind, "target": target, "text": message.text}) + "\n"
        with self._record.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        self._pause.check("after-send", subject)
        return hashlib.sha1(line.encode()).hexdigest()[:12]

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        return MessageRef(channel, self._accept(channel.kind.value, channel.id, message))

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        ref = self._accept("dm", user.id, message)
        return MessageRef(ChannelRef(user.tenant, f"dm-{user.id}", ChannelKind.DM), ref)

    async def open_room(
        self, tenant: str, members: list[UserRef], title: str, *, reuse: bool = False
    ) -> ChannelRef:
        key = ",".join(sorted(m.id for m in members))
        room = "room-" + hashlib.sha1(f"{key}|{title}".encode()).hexdigest()[:8]
        return ChannelRef(tenant, room, ChannelKind.ROOM, title)

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None:
        return UserRef(tenant, user_id, user_id)

    async def forget_user(self, tenant: str, user_id: str) -> None:
        """Keeps nothing about members."""

    async def close_room(self, room: ChannelRef) -> None:
        """Rooms are files here; nothing to archive."""

    async def check_channel(self, channel: ChannelRef, use: ChannelUse) -> ChannelCheck:
        return ChannelCheck()


def _clock_file(db: Path) -> Path:
    return db.with_name(db.name + ".clock")


def save_clock(path: Path, now: datetime) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(now.isoformat())
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    tmp.replace(path)


async def serve(app: App, clock: ManualClock) -> None:
    """Run a step for each "step TIME" line on stdin (the time the test also wrote to the shared
    clock file, which a restarted process starts from), until stdin closes."""
    print("READY", flush=True)
    while line := await asyncio.to_thread(sys.stdin.readline):
        clock.set(datetime.fromisoformat(line.removeprefix("step ").strip()))
        await app.scheduler.run_due()
        await app.sender.drain()
        print("STEPPED", flush=True)


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", help="a SQLite file or a postgresql:// URL")
    parser.add_argument("record", type=Path)
    parser.add_argument("--clock", type=Path, help="the clock file (SQLite: next to DB)")
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--until", type=datetime.fromisoformat)
    parser.add_argument("--serve", action="store_true", help="one step per 'step' on stdin")
    parser.add_argument("--pause")
    parser.add_argument("--armed", type=Path)
    args = parser.parse_args(argv)
    pause = Pause(args.pause, args.armed)
    clock_path = args.clock or _clock_file(Path(args.db))
    now = datetime.fromisoformat(clock_path.read_text()) if clock_path.exists() else START
    clock = ManualClock(now)
    settings = Settings(_env_file=None, studybot_db=args.db, studybot_send_rate=0)  # type: ignore[call-arg]
    app = await App.create(settings, clock, FileMessenger(args.record, pause, clock), load_all())
    hook_claims(pause, app.db)  # after the migrations, which run in transactions of their own
    try:
        if args.setup:
            for user, admin, line in SETUP:
                actor = Actor(TENANT, user, user.upper(), "Crash test community", is_admin=admin)
                reply = await app.handle_line(actor, line)
                assert not reply.error, (line, reply.text)
            save_clock(clock_path, clock.now())
            return 0
        await app.start(background=False)  # resume interrupted sends, catch up, drain
        if args.serve:
            await serve(app, clock)
        while args.until is not None and clock.now() < args.until:
            clock.advance(STEP)
            save_clock(clock_path, clock.now())
            await app.scheduler.run_due()
            await app.sender.drain()
    finally:
        await app.close()
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
