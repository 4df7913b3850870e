"""When the next buddy round really runs: one round per period, so a period whose round an
organizer already started (or whose start found nobody) is skipped. Every "next round" a member
or organizer reads, the "Still in?" lead time and the round's midpoint come from here."""

from __future__ import annotations

from datetime import datetime

from bot.matching.round import Cadence
from bot.storage import claims
from bot.storage.db import Database, Tx

ROUND_JOB = "buddy-round"
EMPTY_JOB = "buddy-round-empty"
"""Claimed when a period's scheduled start found nobody to pair: the tick leaves that period
alone, while an organizer may still start its round once people are in."""


async def period_taken(tx: Tx, tenant_id: int, period: str) -> bool:
    """A period's round ran, or its scheduled start found nobody to pair."""
    return await claims.is_claimed(tx, tenant_id, ROUND_JOB, period) or await claims.is_claimed(
        tx, tenant_id, EMPTY_JOB, period
    )


async def next_scheduled(tx: Tx, tenant_id: int, cadence: Cadence, now: datetime) -> datetime:
    """The next scheduled start that will run: not one whose period already had its round."""
    start = cadence.next_start(now)
    if await period_taken(tx, tenant_id, cadence.period(start)[0]):
        return cadence.next_start(start)
    return start


async def next_round_at(db: Database, tenant_id: int, cadence: Cadence, now: datetime) -> datetime:
    """`next_scheduled`, read on its own (what `/buddy status` and the replies show)."""
    async with db.transaction() as tx:
        return await next_scheduled(tx, tenant_id, cadence, now)
