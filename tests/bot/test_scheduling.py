"""The scheduler and claims: ticks run on a timer and at start, stop cleanly, claim once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.ports import Message
from bot.scheduling import CONFLICT_ATTEMPTS, Job, Scheduler
from bot.storage import claims
from bot.storage.db import TransactionConflict
from bot.storage.outbox import Target, enqueue


async def test_run_due_runs_every_job_at_the_clocks_now(clock: ManualClock) -> None:
    seen: list[tuple[str, datetime]] = []

    def job(name: str) -> Job:
        async def tick(now: datetime) -> None:
            seen.append((name, now))

        return Job(name, tick)

    await Scheduler(clock, [job("a"), job("b")]).run_due()
    assert seen == [("a", clock.now()), ("b", clock.now())]


async def test_a_failing_tick_does_not_stop_the_others(clock: ManualClock) -> None:
    ran: list[str] = []

    async def broken(now: datetime) -> None:
        raise RuntimeError("boom")

    async def fine(now: datetime) -> None:
        ran.append("fine")

    await Scheduler(clock, [Job("broken", broken), Job("fine", fine)]).run_due()
    assert ran == ["fine"]


async def test_started_scheduler_ticks_on_its_timer_until_stopped(clock: ManualClock) -> None:
    ticks: list[datetime] = []
    twice = asyncio.Event()

    async def tick(now: datetime) -> None:
        ticks.append(now)
        if len(ticks) == 2:
            twice.set()

    scheduler = Scheduler(clock, [Job("t", tick, timedelta(milliseconds=10))])
    scheduler.start()
    scheduler.start()  # one APScheduler per process: a second start changes nothing
    await asyncio.wait_for(twice.wait(), 5)
    await scheduler.stop()
    stopped_at = len(ticks)
    await asyncio.sleep(0.05)
    assert len(ticks) == stopped_at


async def test_stop_lets_a_running_tick_commit(clock: ManualClock) -> None:
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[bool] = []

    async def slow(now: datetime) -> None:
        started.set()
        await release.wait()
        finished.append(True)

    scheduler = Scheduler(clock, [Job("slow", slow, timedelta(milliseconds=10))])
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0.02)
    assert not stopping.done()  # waiting for the tick, not cancelling it
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert finished == [True]


async def test_claim_is_won_once(app: App, clock: ManualClock) -> None:
    tenant = await app.tenants.ensure("test", "T1", "", clock.now())
    async with app.db.transaction() as tx:
        assert await claims.claim(tx, tenant.id, "digest", "2026-W10", clock.now())
        assert not await claims.claim(tx, tenant.id, "digest", "2026-W10", clock.now())
        assert await claims.claim(tx, tenant.id, "digest", "2026-W11", clock.now())
        assert await claims.is_claimed(tx, tenant.id, "digest", "2026-W10")


async def test_claim_many_returns_only_what_this_call_won(app: App, clock: ManualClock) -> None:
    tenant = await app.tenants.ensure("test", "T1", "", clock.now())
    units = [(f"job:{n}", "2026-03-02") for n in range(2500)]  # more than one chunk
    async with app.db.transaction() as tx:
        assert await claims.claim_many(tx, tenant.id, units[:10], clock.now()) == set(units[:10])
        won = await claims.claim_many(tx, tenant.id, units, clock.now())
    assert won == set(units[10:])


async def test_claims_are_per_tenant(app: App, clock: ManualClock) -> None:
    a = await app.tenants.ensure("test", "A", "", clock.now())
    b = await app.tenants.ensure("test", "B", "", clock.now())
    async with app.db.transaction() as tx:
        assert await claims.claim(tx, a.id, "digest", "2026-W10", clock.now())
        assert await claims.claim(tx, b.id, "digest", "2026-W10", clock.now())


async def test_racing_ticks_queue_each_message_once(app: App, clock: ManualClock) -> None:
    """Two ticks of the same job at once: claim + enqueue in one transaction wins once."""
    tenant = await app.tenants.ensure("test", "T1", "", clock.now())

    async def tick(now: datetime) -> None:
        async with app.db.transaction() as tx:
            if await claims.claim(tx, tenant.id, "notice", "day-1", now):
                await enqueue(
                    tx, tenant.id, f"notice:{now}", Target.channel("c"), Message("hi"), now
                )

    job = Job("notice", tick)
    scheduler = Scheduler(clock, [job])
    await asyncio.gather(scheduler.run_job(job), scheduler.run_job(job), scheduler.run_due())
    assert await app.outbox.counts() == {"pending": 1}


async def test_app_start_runs_every_tick_once_then_the_timer(app: App) -> None:
    ticks: list[datetime] = []

    async def tick(now: datetime) -> None:
        ticks.append(now)

    app.add_job(Job("count", tick, timedelta(hours=1)))
    await app.start()
    assert ticks == [app.clock.now()]
    await app.close()


async def test_a_tick_that_met_another_process_runs_again_at_once(clock: ManualClock) -> None:
    attempts: list[datetime] = []

    async def tick(now: datetime) -> None:
        attempts.append(now)
        if len(attempts) < CONFLICT_ATTEMPTS:
            raise TransactionConflict("deadlock detected")

    await Scheduler(clock, [Job("busy", tick)]).run_due()
    assert len(attempts) == CONFLICT_ATTEMPTS  # the last attempt went through


async def test_a_tick_that_keeps_conflicting_gives_up_until_its_next_turn(
    clock: ManualClock,
) -> None:
    attempts: list[datetime] = []

    async def tick(now: datetime) -> None:
        attempts.append(now)
        raise TransactionConflict("deadlock detected")

    await Scheduler(clock, [Job("busy", tick)]).run_due()  # no raise
    assert len(attempts) == CONFLICT_ATTEMPTS
