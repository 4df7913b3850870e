"""Forward-only migrations: `migrations/NNNN_name.sql`, applied in order, each in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.storage.db import Database, to_db

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class SchemaTooNew(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def discover(directory: Path = DEFAULT_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        m = _NAME.match(path.name)
        if m is None:
            raise ValueError(f"badly named migration {path.name}: use NNNN_name.sql")
        found.append(Migration(int(m.group(1)), m.group(2), path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise ValueError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return found


async def migrate(db: Database, now: datetime, directory: Path = DEFAULT_DIR) -> list[int]:
    """Apply what is missing; return the versions applied (empty when up to date)."""
    await db.executescript(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = await db.fetchone("SELECT MAX(version) AS v FROM schema_migrations")
    current = int(row["v"]) if row is not None and row["v"] is not None else 0
    known = discover(directory)
    if current > len(known):
        raise SchemaTooNew(
            f"The database is at schema version {current}, but this studybot only knows "
            f"{len(known)}. Upgrade studybot, or use a backup made by this version."
        )
    applied: list[int] = []
    for migration in known[current:]:
        # executescript cannot take parameters; the values are ours and quoted safely below.
        record = (
            "INSERT INTO schema_migrations (version, name, applied_at) "
            f"VALUES ({migration.version}, '{migration.name}', '{to_db(now)}');"
        )
        try:
            await db.executescript(f"BEGIN IMMEDIATE;\n{migration.sql}\n{record}\nCOMMIT;")
        except Exception:
            await db.rollback_if_open()
            raise
        applied.append(migration.version)
    return applied
