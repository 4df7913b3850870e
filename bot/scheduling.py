"""APScheduler 3.x wiring. Jobs are short idempotent ticks: read what is due at `clock.now()`,
claim it, enqueue messages. The schedule lives in the database, so the in-memory job store is
enough and a restart loses nothing: `run_due` at start catches up on what was missed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.storage.db import TransactionConflict

log = logging.getLogger(__name__)
# A tick that met another process's transaction (a deadlock, a serialisation failure) was
# rolled back whole; ticks are idempotent, so it runs again at once, a few times.
CONFLICT_ATTEMPTS = 3

Tick = Callable[[datetime], Awaitable[object]]


@dataclass(frozen=True)
class Job:
    name: str
    tick: Tick
    every: timedelta = timedelta(minutes=1)


class Scheduler:
    def __init__(self, clock: Clock, jobs: list[Job]) -> None:
        self._clock = clock
        self._jobs = jobs
        self._aps: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[object]] = set()

    @property
    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def start(self) -> None:
        """Start the process's one APScheduler (from app setup, never from on_ready)."""
        if self._aps is not None:
            return
        self._aps = AsyncIOScheduler(timezone=UTC)
        for job in self._jobs:
            self._aps.add_job(
                self.run_job,
                IntervalTrigger(seconds=job.every.total_seconds(), timezone=UTC),
                args=[job],
                id=job.name,
                replace_existing=True,
                coalesce=True,  # after a pause, one catch-up run, not one per missed interval
                max_instances=1,
                misfire_grace_time=None,
            )
        self._aps.start()

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Start no more ticks, let running ones finish, then shut APScheduler down.

        APScheduler's own shutdown cancels running coroutine jobs; a tick is one transaction,
        so cancelling would be safe but wasteful, and a clean stop lets it commit.
        """
        if self._aps is None:
            return
        if self._aps.running:
            self._aps.pause()
            running = self._running - {asyncio.current_task()}
            if running:
                await asyncio.wait(running, timeout=grace_seconds)
            self._aps.shutdown(wait=False)
        self._aps = None

    async def run_job(self, job: Job) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            for attempt in range(1, CONFLICT_ATTEMPTS + 1):
                try:
                    await job.tick(self._clock.now())
                    break
                except TransactionConflict:  # another process's tick got in the way
                    if attempt == CONFLICT_ATTEMPTS:
                        raise
                    log.info("job %s met another process's transaction; again", job.name)
                    await asyncio.sleep(random.uniform(0.01, 0.1) * attempt)
        except Exception:  # one failing tick must not stop the others
            log.exception("job %s failed", job.name)
        finally:
            self._running.discard(task)

    async def run_due(self) -> None:
        """Run every job once now, in declaration order (start-up catch-up, console steps)."""
        for job in self._jobs:
            await self.run_job(job)
