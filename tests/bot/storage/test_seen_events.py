"""Incoming events by platform id: the first sight of one wins, everywhere, until pruned."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.storage.seen_events import SeenEventRepo


async def test_an_event_is_new_only_the_first_time(app: App, clock: ManualClock) -> None:
    repo = SeenEventRepo(app.db)
    assert await repo.first_sight("slack", "Ev1", clock.now())
    assert not await repo.first_sight("slack", "Ev1", clock.now())


async def test_the_same_id_on_another_platform_is_another_event(
    app: App, clock: ManualClock
) -> None:
    repo = SeenEventRepo(app.db)
    assert await repo.first_sight("slack", "123", clock.now())
    assert await repo.first_sight("discord", "123", clock.now())


async def test_a_second_process_sees_the_first_ones_events(app: App, clock: ManualClock) -> None:
    assert await app.first_sight("Ev7")
    other = await App.create(app.settings, clock, app.messenger, [], single_instance=False)
    try:
        assert not await other.first_sight("Ev7")
    finally:
        await other.close()


async def test_the_prune_job_forgets_events_seen_over_a_day_ago(
    app: App, clock: ManualClock
) -> None:
    assert await app.first_sight("old")
    clock.advance(timedelta(hours=20))
    assert await app.first_sight("recent")
    clock.advance(timedelta(hours=5))
    await app.prune(clock.now())
    assert await app.first_sight("old")
    assert not await app.first_sight("recent")
