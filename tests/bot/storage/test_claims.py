"""Claims: each (tenant, job, period) is won once, and concurrent claimers never deadlock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.storage import claims
from bot.storage.postgres import PostgresDatabase
from tests.helpers import START
from tests.postgres import PostgresServer

UNITS = [("reminder:1", "2026-03-02"), ("reminder:2", "2026-03-02"), ("reminder:3", "2026-03-02")]


async def test_claim_many_wins_only_units_nobody_claimed_before(
    app: App, clock: ManualClock
) -> None:
    tenant = await app.tenants.ensure("test", "T1", "", clock.now())
    async with app.db.transaction() as tx:
        assert await claims.claim(tx, tenant.id, *UNITS[1], clock.now())
    async with app.db.transaction() as tx:
        won = await claims.claim_many(tx, tenant.id, [*UNITS, UNITS[0]], clock.now())
    assert won == {UNITS[0], UNITS[2]}


@pytest.fixture
async def pg_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    url = await postgres_server.fresh_database()
    yield url
    await postgres_server.drop(url)


ROUNDS = 40
UNITS_PER_ROUND = 300


async def test_two_processes_claiming_overlapping_units_in_opposite_orders_do_not_deadlock(
    pg_url: str,
) -> None:
    # Two processes' connections claim the same units at once, one in the opposite order of
    # the other. Inserted in those orders each would hold a unit the other waits for, and
    # PostgreSQL would abort one tick with a deadlock (within 40 rounds, measured).
    first, second = [await PostgresDatabase.open(pg_url) for _ in range(2)]
    try:
        row = await first.fetchone(
            "INSERT INTO tenants (platform, external_id, name, created_at)"
            " VALUES ('test', 'T1', '', '2026-03-02T00:00:00Z') RETURNING id"
        )
        assert row is not None
        tenant_id = row["id"]

        async def claim(db: PostgresDatabase, units: list[tuple[str, str]]) -> set[tuple[str, str]]:
            async with db.transaction() as tx:
                return await claims.claim_many(tx, tenant_id, units, START)

        for day in range(ROUNDS):
            units = [(f"reminder:{m}", f"day-{day}") for m in range(UNITS_PER_ROUND)]
            won_first, won_second = await asyncio.gather(
                claim(first, units), claim(second, units[::-1])
            )
            assert not won_first & won_second  # no unit won twice
            assert won_first | won_second == set(units)  # none lost
    finally:
        for db in (first, second):
            await db.close()
