"""Claims: the first tick to record (tenant, job, period) owns that unit of work, forever."""

from __future__ import annotations

from datetime import datetime

from bot.storage.db import Tx, to_db


async def claim(tx: Tx, tenant_id: int, job: str, period: str, now: datetime) -> bool:
    """Claim inside the caller's transaction, so the claim and its outbox rows commit together.

    Returns False when some earlier tick (or another process) already claimed this period.
    """
    changed = await tx.execute(
        "INSERT INTO job_runs (tenant_id, job, period, claimed_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (tenant_id, job, period) DO NOTHING",
        (tenant_id, job, period, to_db(now)),
    )
    return changed == 1


async def is_claimed(tx: Tx, tenant_id: int, job: str, period: str) -> bool:
    row = await tx.fetchone(
        "SELECT 1 FROM job_runs WHERE tenant_id = ? AND job = ? AND period = ?",
        (tenant_id, job, period),
    )
    return row is not None
