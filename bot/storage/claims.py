"""Claims: the first tick to record (tenant, job, period) owns that unit of work, forever."""

from __future__ import annotations

from collections.abc import Sequence
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


# Rows per multi-row INSERT: well under SQLite's 32,766 bound variables (4 per row).
_CLAIM_CHUNK = 1000


async def claim_many(
    tx: Tx, tenant_id: int, units: Sequence[tuple[str, str]], now: datetime
) -> set[tuple[str, str]]:
    """Claim many (job, period) units of one tenant with a few statements; returns those won.

    Set-based for ticks with thousands of due items: one multi-row INSERT per chunk, whose
    RETURNING lists only the rows this call inserted. Units are inserted in sorted order: two
    processes claiming overlapping sets then wait for each other's key in the same order, where
    any order of their own would let each hold a key the other waits on (a deadlock on
    PostgreSQL, which aborts one tick).
    """
    won: set[tuple[str, str]] = set()
    claimed_at = to_db(now)
    units = sorted(set(units))
    for start in range(0, len(units), _CLAIM_CHUNK):
        chunk = units[start : start + _CLAIM_CHUNK]
        values = ", ".join("(?, ?, ?, ?)" for _ in chunk)
        params = [v for job, period in chunk for v in (tenant_id, job, period, claimed_at)]
        rows = await tx.fetchall(
            f"INSERT INTO job_runs (tenant_id, job, period, claimed_at) VALUES {values}"
            " ON CONFLICT (tenant_id, job, period) DO NOTHING RETURNING job, period",
            params,
        )
        won.update((r["job"], r["period"]) for r in rows)
    return won
