"""Forward-only migrations: `migrations/NNNN_name.sql`, applied in order, each in one transaction.

The files are package data of the `migrations` package, read with importlib.resources, so an
installed wheel finds them as a source checkout does.

One file serves both backends: written for SQLite, its column types are spelled for PostgreSQL
by `for_postgres` (an INTEGER PRIMARY KEY that SQLite numbers itself becomes an identity column,
INTEGER becomes BIGINT as SQLite's integers are 64-bit, TEXT compares by bytes as in SQLite). Where the SQL itself must differ, a
`NNNN_name.postgresql.sql` beside it replaces it on PostgreSQL.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from bot.storage.db import Database, Dialect, Tx, to_db

PACKAGE = "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_VARIANT = re.compile(r"^(\d{4})_([a-z0-9_]+)\.postgresql\.sql$")
# Two processes starting together on an empty PostgreSQL database migrate once: each migration
# takes this transaction-scoped advisory lock first (any constant the project owns).
_MIGRATION_LOCK = 0x5707_B07


class SchemaTooNew(RuntimeError):
    pass


class NoMigrations(RuntimeError):
    """No migration was found: applying nothing would leave a database without tables."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str
    postgresql: str | None = None
    """The PostgreSQL variant's SQL, when the SQL itself must differ there."""

    def script(self, dialect: Dialect) -> str:
        if dialect == "postgresql":
            return self.postgresql if self.postgresql is not None else for_postgres(self.sql)
        return self.sql


def shipped() -> Traversable:
    """The folder of the `migrations` package, wherever it is installed."""
    try:
        return resources.files(PACKAGE)
    except ModuleNotFoundError as exc:
        raise NoMigrations(
            f"studybot's {PACKAGE!r} package is not installed, so there is no database schema "
            "to apply: reinstall studybot"
        ) from exc


def discover(directory: Path | Traversable | None = None) -> list[Migration]:
    """The migrations in `directory` (default: the shipped ones) in order; [] when there are none."""
    source = shipped() if directory is None else directory
    found: list[Migration] = []
    variants: dict[tuple[int, str], str] = {}
    sql_files = (f for f in source.iterdir() if f.name.endswith(".sql") and f.is_file())
    for file in sorted(sql_files, key=lambda f: f.name):
        if v := _VARIANT.match(file.name):
            variants[(int(v.group(1)), v.group(2))] = file.read_text(encoding="utf-8")
            continue
        m = _NAME.match(file.name)
        if m is None:
            raise ValueError(f"badly named migration {file.name}: use NNNN_name.sql")
        found.append(Migration(int(m.group(1)), m.group(2), file.read_text(encoding="utf-8")))
    for key in variants.keys() - {(m.version, m.name) for m in found}:
        raise ValueError(f"{key[0]:04d}_{key[1]}.postgresql.sql varies no migration")
    found = [
        replace(m, postgresql=variants[(m.version, m.name)])
        if (m.version, m.name) in variants
        else m
        for m in found
    ]
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise ValueError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return found


async def migrate(
    db: Database, now: datetime, directory: Path | Traversable | None = None
) -> list[int]:
    """Apply what is missing; return the versions applied (empty when up to date).

    Refuses, before touching the database, when there is no migration at all: an installation
    that lost its schema files must not report an empty database as up to date.
    """
    known = discover(directory)
    if not known:
        where = shipped() if directory is None else directory
        raise NoMigrations(
            f"found no migrations (NNNN_name.sql) in {where}: this studybot installation is "
            "incomplete, reinstall it"
        )
    applied: list[int] = []
    for migration in known:
        # Each migration reads the schema version inside its own write transaction (BEGIN
        # IMMEDIATE takes SQLite's write lock first): two processes starting together on a new
        # file wait for each other, and the second finds the work done.
        async with db.transaction() as tx:
            if db.dialect == "postgresql":
                await tx.execute(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            else:
                await tx.execute("BEGIN IMMEDIATE")
            await tx.execute(_LEDGER)
            row = await tx.fetchone("SELECT MAX(version) AS v FROM schema_migrations")
            current = int(row["v"]) if row is not None and row["v"] is not None else 0
            if current > len(known):
                raise SchemaTooNew(
                    f"The database is at schema version {current}, but this studybot only knows "
                    f"{len(known)}. Upgrade studybot, or use a backup made by this version."
                )
            if current >= migration.version:
                continue
            for statement in statements(migration.script(db.dialect)):
                await tx.execute(statement)
            if db.dialect == "postgresql":
                await identities_past_copied_rows(tx)
            await tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, to_db(now)),
            )
        applied.append(migration.version)
    return applied


async def schema_version(db: Database) -> int:
    """The newest migration applied to this database (0: none yet); reads only."""
    if db.dialect == "postgresql":
        exists = "SELECT 1 WHERE to_regclass('schema_migrations') IS NOT NULL"
    else:
        exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    if await db.fetchone(exists) is None:
        return 0
    row = await db.fetchone("SELECT MAX(version) AS v FROM schema_migrations")
    return int(row["v"]) if row is not None and row["v"] is not None else 0


async def table_names(db: Database) -> list[str]:
    """The database's tables, in name order (the migration ledger among them once migrated)."""
    if db.dialect == "postgresql":
        sql = (
            "SELECT table_name AS name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return sorted(r["name"] for r in await db.fetchall(sql))


_LEDGER = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


_NUMBERED_KEY = re.compile(r"\bINTEGER PRIMARY KEY(?: AUTOINCREMENT)?\b(?!\s+REFERENCES)")
_TYPES = {
    re.compile(r"\bINTEGER\b"): "BIGINT",
    re.compile(r"\bREAL\b"): "DOUBLE PRECISION",
    re.compile(r"\bBLOB\b"): "BYTEA",
    # SQLite compares and sorts text by its bytes; so does PostgreSQL's "C" collation, whatever
    # locale the database was created with (ISO instants and day keys compare as text).
    re.compile(r"\bTEXT\b"): 'TEXT COLLATE "C"',
}


def for_postgres(script: str) -> str:
    """A migration's column types as PostgreSQL spells them (see the module's docstring)."""
    script = _NUMBERED_KEY.sub("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", script)
    for pattern, spelled in _TYPES.items():
        script = pattern.sub(spelled, script)
    return script


async def identities_past_copied_rows(tx: Tx, issued: Mapping[str, int] | None = None) -> None:
    """A migration that rebuilds a table, or `python -m bot copy`, copies its ids, which an
    identity column does not count: start each one after the highest id already taken, or
    after `issued[table]` (the id another database handed out last) when that is higher."""
    columns = await tx.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for column in columns:
        table, name = column["table_name"], column["column_name"]
        floor = (issued or {}).get(table, 0)
        await tx.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{name}'),"
            f" GREATEST(COALESCE((SELECT MAX({name}) FROM {table}), 0), ?) + 1, false)",
            (floor,),
        )


def statements(script: str) -> list[str]:
    """A migration's statements, one by one: each `;` that SQLite says ends a statement (not
    one inside a string, a comment or a trigger's body) ends one."""
    found: list[str] = []
    start = 0
    for end in (i + 1 for i, ch in enumerate(script) if ch == ";"):
        candidate = script[start:end]
        if sqlite3.complete_statement(candidate):
            if _has_code(candidate):
                found.append(candidate.strip())
            start = end
    if _has_code(script[start:]):
        raise ValueError(f"a migration ends inside a statement: {script[start:].strip()[:80]!r}")
    return found


def _has_code(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())
