"""Three bot processes on one PostgreSQL database through a community's week, one of them
SIGKILLed inside a claim transaction, after its commit, and after the platform accepted a message
but before the outbox recorded it; each time it is restarted at once.

Each process is tests/crash_harness.py in `--serve` mode, stepped hour by hour in lockstep over a
shared clock; one armed pause point at a time is taken by whichever process reaches it first.
What is proven: every reminder, buddy-round intro and digest happened exactly once in total,
except the one message in flight at the mid-send kill, which arrives twice (the documented
at-least-once edge at the platform boundary, docs/architecture.md "Delivery"). The dead
process's claimed row comes back only after its lease (bot/storage/outbox.py LEASE) ran out: the
restarted process, at the same instant, must leave it alone, and a later step sends it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.storage.outbox import LEASE
from tests.crash_harness import MEMBERS, START, STEP, save_clock
from tests.postgres import PostgresServer

pytestmark = pytest.mark.slow  # three bot processes, killed and restarted

ROOT = Path(__file__).resolve().parents[1]
ENV = {"PATH": "/usr/bin:/bin", "STUDYBOT_LOG_LEVEL": "WARNING"}
PROCESSES = 3
END = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # Monday 13:00 to Wednesday noon
KILLS = (  # armed one after another, in the order the week reaches them
    "before-commit:reminder",  # Monday evening's sweep: the claims are pending
    "after-commit:buddy-round",  # Tuesday: the round and its intros committed, none sent
    "after-send:Weekly study digest",  # Wednesday: the platform has it, the outbox does not
)
ANSWER_TIMEOUT = 60  # seconds; a process that says nothing for this long is stuck


class Bot:
    """One harness process; `restart` replaces a killed one by a new process."""

    def __init__(self, index: int, url: str, folder: Path) -> None:
        self.index, self.url, self.folder = index, url, folder
        self.process: asyncio.subprocess.Process | None = None

    def command(self, *args: str) -> list[str]:
        record, clock = self.folder / "record.jsonl", self.folder / "clock"
        return [sys.executable, "-m", "tests.crash_harness", self.url, str(record),
                "--clock", str(clock), *args]  # fmt: skip

    async def start(self) -> None:
        errors = (self.folder / f"bot{self.index}.err").open("a")
        self.process = await asyncio.create_subprocess_exec(
            *self.command("--serve", "--armed", str(self.folder / "armed")),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,
            cwd=ROOT,
            env=ENV,
        )
        errors.close()
        assert await self.answer() == "READY"

    async def answer(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), ANSWER_TIMEOUT)
        except TimeoutError:
            line = b"(no answer)"
        text = line.decode().strip()
        errors = (self.folder / f"bot{self.index}.err").read_text()
        assert text in ("READY", "STEPPED", "DONE") or text.startswith("PAUSED"), (
            f"bot {self.index}: {text!r}\n{errors[-3000:]}"
        )
        return text

    async def step(self, at: datetime) -> str | None:
        """Run one step; if this process paused there, SIGKILL and restart it: the pause spec."""
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(f"step {at.isoformat()}\n".encode())
        await self.process.stdin.drain()
        answer = await self.answer()
        if answer == "STEPPED":
            return None
        self.process.send_signal(signal.SIGKILL)  # no finally, no close, no rollback sent
        assert await self.process.wait() == -signal.SIGKILL
        await self.start()  # resumes what it may, catches up on this step's work
        return answer.removeprefix("PAUSED ")

    async def stop(self) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.close()
        assert await self.answer() == "DONE"
        assert await self.process.wait() == 0

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()


@pytest.fixture
async def database(postgres_server: PostgresServer) -> AsyncIterator[str]:
    url = await postgres_server.fresh_database()
    yield url
    await postgres_server.drop(url)


def sent(folder: Path) -> list[tuple[str, str, str, str]]:
    """(day, kind, target, text) of every message the platform accepted, in order."""
    lines = (folder / "record.jsonl").read_text(encoding="utf-8").splitlines()
    return [(r["at"][:10], r["kind"], r["target"], r["text"]) for r in map(json.loads, lines)]


def digest_times(folder: Path) -> list[datetime]:
    lines = (folder / "record.jsonl").read_text(encoding="utf-8").splitlines()
    records = map(json.loads, lines)
    return [datetime.fromisoformat(r["at"]) for r in records if "Weekly study digest" in r["text"]]


async def test_three_processes_killed_around_claims_and_sends_do_each_thing_once(
    database: str, tmp_path: Path
) -> None:
    setup = await asyncio.create_subprocess_exec(
        *Bot(0, database, tmp_path).command("--setup"), cwd=ROOT, env=ENV,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, setup_errors = await setup.communicate()
    assert setup.returncode == 0, setup_errors.decode()[-3000:]
    (tmp_path / "record.jsonl").unlink(missing_ok=True)
    conn = await asyncpg.connect(database)
    try:
        setup_outbox = await conn.fetchval("SELECT COALESCE(MAX(id), 0) FROM outbox")
        bots = [Bot(i, database, tmp_path) for i in range(PROCESSES)]
        try:
            await asyncio.gather(*(bot.start() for bot in bots))
            kills, fired = list(KILLS), []
            now = START
            while now < END:
                if kills and not (tmp_path / "armed").exists():
                    (tmp_path / "armed").write_text(kills.pop(0))
                now += STEP
                save_clock(tmp_path / "clock", now)
                paused = await asyncio.gather(*(bot.step(now) for bot in bots))
                fired += [spec for spec in paused if spec is not None]
            await asyncio.gather(*(bot.stop() for bot in bots))
        finally:
            for bot in bots:
                bot.kill()
        assert fired == list(KILLS), "every kill point was reached, once"

        statuses = await conn.fetch(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE id > $1 GROUP BY status",
            setup_outbox,
        )
        queued = {r["status"]: r["n"] for r in statuses}
        reminder_claims = await conn.fetchval(
            "SELECT COUNT(*) FROM job_runs WHERE job LIKE 'reminder%'"
        )
        groups = await conn.fetchval("SELECT COUNT(*) FROM groups")
        grouped = await conn.fetch("SELECT COUNT(*) AS n FROM group_members GROUP BY member_id")
        digests = await conn.fetchval("SELECT COUNT(*) FROM digests")
    finally:
        await conn.close()

    assert list(queued) == ["sent"], f"every queued message was delivered: {queued}"
    records = sent(tmp_path)
    counts = Counter(records)
    twice = [message for message, n in counts.items() if n > 1]
    assert len(twice) == 1 and counts[twice[0]] == 2, f"resent: {twice}"
    assert "Weekly study digest" in twice[0][3], "only the message in flight may come twice"
    assert queued["sent"] == len(counts), "each delivered row reached the platform"

    reminders = [r for r in records if r[3].startswith("Time for today's check-in")]
    assert len(reminders) == reminder_claims > len(MEMBERS)
    assert max(Counter((day, target) for day, _, target, _ in reminders).values()) == 1
    intros = [r for r in records if "Study buddies #1" in r[3]]
    assert groups == len(MEMBERS) // 2 == len(intros) == len({r[2] for r in intros})
    assert sorted(r["n"] for r in grouped) == [1] * len(MEMBERS)
    assert digests == 1
    first, again = digest_times(tmp_path)
    assert again - first >= LEASE, "the dead sender's row waited for its lease to run out"
